//! nn-std: the std side of the nn crates.
//!
//! - [`runtime`]: networks whose shape is known only at run time, built from
//!   nn-core's shared slice kernels.
//! - [`reference`](mod@reference): checks the library against the PyTorch reference vectors.
#![deny(missing_docs)]

pub mod reference;
pub mod runtime;
