//! nn-std: the std side of the nn crates.
//!
//! - [`runtime`]: networks whose shape is known only at run time, built from
//!   nn-core's shared slice kernels.
//! - [`quant`]: int8 networks with run-time shapes, bit-exact with TensorFlow
//!   Lite Micro, on nn-core's int8 kernel.
//! - [`reference`](mod@reference): checks the library against the PyTorch reference vectors.
//! - [`model_file`], [`export_rs`], [`safetensors_io`]: model files (`docs/FORMAT.md`),
//!   Rust-source export for flash, and PyTorch interoperability.
//! - [`data`]: data sets (embedded Iris and Digits, synthetic tasks, CSV and
//!   IDX loaders), splits, shuffling, mini-batches, scaling.
//! - [`metrics`]: loss averages, accuracy, confusion matrix, per-class
//!   precision, recall and F1.
//! - [`train`]: the training loop, evaluation, callbacks, progress bar.
//! - [`history`] and [`plot`]: every epoch's figures as CSV and SVG curves.
#![deny(missing_docs)]

pub mod data;
pub mod history;
pub mod metrics;
pub mod plot;
pub mod quant;
pub mod reference;
pub mod runtime;
pub mod train;

pub mod export_rs;
pub mod model_file;
pub mod safetensors_io;

/// The workspace README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
