#![doc = include_str!("../README.md")]
#![no_std]

// The heap helpers are tested without the feature too.
#[cfg(any(feature = "alloc", test))]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod arch;
mod float;
pub mod gradcheck;
#[cfg(any(feature = "alloc", test))]
pub mod heap;
pub mod kernels;
pub mod layers;
pub mod loss;
mod module;
mod params;
pub mod predict;
pub mod quant;
pub mod scale;
#[cfg(test)]
mod testing;

pub use float::Float;
#[cfg(any(feature = "alloc", test))]
pub use heap::{Zeroable, boxed_copy, boxed_zeroed};
pub use layers::activation::{Elu, LeakyRelu, Sigmoid, Tanh};
pub use layers::activation::{Identity, Relu};
pub use layers::dense::Dense;
pub use layers::maxout::Maxout;
pub use layers::prelu::Prelu;
pub use layers::softmax::{LogSoftmax, Softmax};
pub use loss::{BceWithLogits, CrossEntropy, CrossEntropyProbs, Hinge, Huber, Mse, MultiMargin};
pub use loss::{Loss, LossError};
pub use module::{Chain, Module, Pass, forward_train_reusing};
pub use params::{Param, ParamKind, ParamMut, Params};
pub use predict::{argmax, class_of, classes_of, predict_class, predict_classes, top_k};
pub use scale::{MinMax, ScaleError, Scaler, Standardize};
