//! nn-std (work in progress).
#![deny(missing_docs)]

pub mod export_rs;
pub mod model_file;
pub mod safetensors_io;
