//! nn-std (work in progress).
//!
//! - [`data`]: data sets (embedded Iris and Digits, synthetic tasks, CSV and
//!   IDX loaders), splits, shuffling, mini-batches, scaling.
//! - [`metrics`]: loss averages, accuracy, confusion matrix, per-class
//!   precision, recall and F1.
#![deny(missing_docs)]

pub mod data;
pub mod metrics;
