//! Reads TensorFlow Lite flatbuffers (`.tflite`) holding int8 fully
//! connected models into a [`QNetwork`].
//!
//! Supported, in one subgraph forming a single chain from the model's input
//! to its output: FULLY_CONNECTED (int8 input, weights and output, optional
//! int32 bias, fused NONE/RELU/RELU6, default weights format), QUANTIZE as
//! the first operator (float input), DEQUANTIZE as the last (float output),
//! RESHAPE anywhere (a pass-through when it keeps the element count and the
//! quantization) and SOFTMAX at the end (recorded in [`Imported::softmax`];
//! classification by arg max does not need it). Anything else is refused
//! with a precise [`TfliteError`] that names the operator.
//!
//! The file is read with [planus](https://docs.rs/planus), whose every read
//! checks offsets, lengths and tags against the buffer: a damaged file gives
//! [`TfliteError::Malformed`], never a panic or an out-of-bounds read. The
//! reader code is generated from a cut of TFLite's `schema.fbs` (see
//! `schema.fbs` and `generated.rs` beside this file for how).
//!
//! ```no_run
//! let bytes = std::fs::read("digits_mlp_int8.tflite")?;
//! let imported = nn_std::tflite::read(&bytes)?;
//! for layer in imported.network.layers() {
//!     println!("{} -> {} {:?}", layer.in_features, layer.out_features, layer.activation);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
use nn_tflite_schema as generated;
mod graph;
mod names;
#[cfg(test)]
mod tests;

pub use error::TfliteError;

use crate::quant::{QNetwork, QParams};

/// A SOFTMAX at the end of the model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softmax {
    /// TFLite's `beta` (the logits are multiplied by it).
    pub beta: f32,
    /// Quantization of the softmax output (TFLite's int8 softmax uses
    /// scale 1/256 and zero point −128).
    pub output: QParams,
}

/// What [`read`] found in a `.tflite` file.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The fully connected layers with their quantization.
    pub network: QNetwork,
    /// Whether the file takes float input and quantizes it itself (a
    /// QUANTIZE first); [`QNetwork::forward_f32`] does the same.
    pub float_input: bool,
    /// Whether the file dequantizes its output to float (a DEQUANTIZE last).
    pub float_output: bool,
    /// The model's final SOFTMAX, if it has one.
    pub softmax: Option<Softmax>,
}

/// Reads an int8 fully connected model from the bytes of a `.tflite` file.
///
/// Errors: see [`TfliteError`]; a float model gives
/// [`TfliteError::FloatModel`].
pub fn read(bytes: &[u8]) -> Result<Imported, TfliteError> {
    if bytes.get(4..8) != Some(b"TFL3".as_slice()) {
        return Err(TfliteError::NotTflite);
    }
    graph::read_model(bytes)
}
