//! nn-std (work in progress).
#![deny(missing_docs)]

pub mod model_file;
