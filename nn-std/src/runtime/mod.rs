//! Networks whose shape is known only at run time.
//!
//! [`Network`] stores its layers in a `Vec` and runs them with nn-core's
//! shared slice kernels ([`nn_core::kernels`]), the same loops the typed
//! const-generic layers use, so both compute bit-identical numbers for the
//! same weights. Use it for models whose shape comes from a file, and for
//! checking the library against reference vectors of any size.
//!
//! ```
//! use nn_core::Params;
//! use nn_optim::{Adam, AdamConfig};
//! use nn_std::runtime::{LayerSpec, LossSpec, Network, Target};
//!
//! // XOR with a 2-4-2 tanh network, the shape given at run time.
//! let mut net = Network::<f64>::new(
//!     2,
//!     &[LayerSpec::Dense { outputs: 4 }, LayerSpec::Tanh, LayerSpec::Dense { outputs: 2 }],
//! )?;
//! for (t, p) in net.params_mut().enumerate() {
//!     for (i, v) in p.values.iter_mut().enumerate() {
//!         *v = ((i * 7 + t * 3) as f64).sin(); // any small non-symmetric start
//!     }
//! }
//! let x = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]; // a batch of four samples
//! let classes = [0, 1, 1, 0];
//! let config = AdamConfig { lr: 0.05, ..AdamConfig::default() };
//! let mut adam = Adam::new(config, &net)?;
//! let mut loss = f64::INFINITY;
//! for _ in 0..300 {
//!     let cache = net.forward_train(&x)?;
//!     let (value, dy) =
//!         LossSpec::CrossEntropy.loss_and_grad(cache.output(), 2, Target::Classes(&classes))?;
//!     let mut grads = net.zeroed();
//!     net.backward(&cache, &dy, &mut grads)?;
//!     adam.step(&mut net, &grads)?;
//!     loss = value;
//! }
//! assert!(loss < 0.05, "loss {loss}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod loss;
mod network;
mod spec;

pub use error::NetworkError;
pub use loss::{LossSpec, Target};
pub use network::{Cache, Network};
pub use spec::LayerSpec;
