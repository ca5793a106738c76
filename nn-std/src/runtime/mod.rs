//! Networks whose shape is known only at run time.
//!
//! [`Network`] stores its layers in a `Vec` and runs them with nn-core's
//! shared slice kernels ([`nn_core::kernels`]), the same loops the typed
//! const-generic layers use, so both compute bit-identical numbers for the
//! same weights. Use it for models whose shape comes from a file, and for
//! checking the library against reference vectors of any size.
//!
//! ```
//! use nn_std::runtime::{LayerSpec, LossSpec, Network, Target};
//! use nn_core::Params;
//!
//! let net = Network::<f64>::new(
//!     3,
//!     &[LayerSpec::Dense { outputs: 4 }, LayerSpec::Relu, LayerSpec::Dense { outputs: 2 }],
//! )?;
//! let x = [0.5, -1.0, 2.0, 1.0, 0.0, -0.5]; // a batch of two samples
//! let cache = net.forward_train(&x)?;
//! let (loss, dy) = LossSpec::CrossEntropy.loss_and_grad(cache.output(), 2, Target::Classes(&[1, 0]))?;
//! let mut grads = net.zeroed();
//! let dx = net.backward(&cache, &dy, &mut grads)?;
//! assert_eq!(dx.len(), x.len());
//! assert!((loss - 2f64.ln()).abs() < 1e-15); // all-zero weights: uniform prediction
//! # Ok::<(), nn_std::runtime::NetworkError>(())
//! ```

mod error;
mod loss;
mod network;
mod spec;

pub use error::NetworkError;
pub use loss::{LossSpec, Target};
pub use network::{Cache, Network};
pub use spec::LayerSpec;
