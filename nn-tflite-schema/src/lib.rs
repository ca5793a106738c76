//! TensorFlow Lite's flatbuffer schema, the part that nn reads (`schema.fbs`
//! beside this crate's manifest: a cut of TFLite's schema), as planus 1.3
//! generated it; see the header of `generated.rs` for how to regenerate it and
//! for the safety argument of its `unsafe` trait implementations.
//!
//! nn-std's `.tflite` reader uses only planus' safe accessors, which check
//! every offset, length and tag against the buffer. This crate exists so that
//! nn-std itself can `forbid(unsafe_code)`.
#![no_std]
#![allow(
    unsafe_code,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    missing_docs
)]

extern crate alloc;

#[rustfmt::skip]
mod generated;

pub use generated::*;

/// The planus runtime that the generated code is written for (its reader
/// traits and errors), re-exported so that users need no version match.
pub use planus;
