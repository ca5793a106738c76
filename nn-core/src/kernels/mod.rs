//! Shape-agnostic math on plain slices, generic over the scalar only.
//!
//! The typed layers call these, so every network shape shares one copy of each
//! loop (small firmware), and the std side builds runtime-shaped networks from
//! the same code. Sizes come from the slices, and every public kernel checks
//! that they are those of one shape, in every build: the dense and maxout
//! kernels panic on inconsistent lengths (see each one's `# Panics`), the
//! losses return a [`LossError`](crate::LossError). None computes on a
//! prefix or reads out of bounds.

pub mod activation;
pub mod dense;
pub(crate) mod exp;
pub mod loss;
pub mod maxout;
pub mod softmax;

pub use activation::{elementwise_backward, elementwise_forward, prelu_grad_slope, sigmoid};
pub use dense::{dense_backward, dense_backward_batch, dense_forward, dense_forward_batch};
pub use dense::{dense_backward_params, dense_backward_params_batch};
pub use maxout::{maxout_backward, maxout_forward};
pub use softmax::{
    log_softmax_backward, log_softmax_forward, log_sum_exp, softmax_backward, softmax_forward,
};
