//! nn-std: the std side of the nn crates.
//!
//! - [`runtime`]: networks whose shape is known only at run time, built from
//!   nn-core's shared slice kernels.
//! - [`io`]: every file format: model files (`docs/FORMAT.md`), Rust-source
//!   export for flash, PyTorch's safetensors (feature `safetensors`) and
//!   `nn inspect`'s summary.
//! - [`quant`]: int8 networks with run-time shapes, bit-exact with TensorFlow
//!   Lite Micro, on nn-core's int8 kernel; [`tflite`]: TensorFlow Lite int8
//!   models in; [`ptq`]: post-training
//!   quantization of a float network.
//! - [`data`]: data sets (embedded Iris and Digits, synthetic tasks, CSV and
//!   IDX loaders), splits, shuffling, mini-batches, scaling.
//! - [`metrics`]: loss averages, accuracy, confusion matrix, per-class
//!   precision, recall and F1.
//! - [`train`]: the training loop, evaluation, callbacks, progress bar.
//! - [`history`]: every epoch's figures as CSV and SVG curves ([`history::plot`]).
#![forbid(unsafe_code)]

pub mod data;
pub mod history;
pub mod io;
pub mod metrics;
pub mod ptq;
pub mod quant;
pub mod runtime;
pub mod train;

pub mod tflite;

/// The workspace README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
