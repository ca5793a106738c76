//! Why an int8 network could not be built or run.

use core::fmt;

/// A problem found when building or running a [`QNetwork`](super::QNetwork);
/// nothing in this module panics on bad parameters or shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QNetworkError {
    /// The network has no layers.
    NoLayers,
    /// A layer has zero inputs or zero outputs.
    ZeroFeatures {
        /// Index of the layer.
        layer: usize,
    },
    /// A layer's input width differs from the previous layer's output width.
    Width {
        /// Index of the layer.
        layer: usize,
        /// The previous layer's outputs.
        expected: usize,
        /// This layer's inputs.
        found: usize,
    },
    /// A layer's input quantization differs from the previous layer's output
    /// quantization (in TFLite they are one tensor).
    Chain {
        /// Index of the layer.
        layer: usize,
    },
    /// A parameter vector has the wrong length.
    Length {
        /// Index of the layer.
        layer: usize,
        /// `"weights"`, `"bias"` or `"weight_scales"`.
        what: &'static str,
        /// The length it must have (for `weight_scales`: `out_features`, or 1).
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// `in_features · out_features` overflows `usize`.
    TooLarge {
        /// Index of the layer.
        layer: usize,
    },
    /// A zero point outside `[-128, 127]`.
    ZeroPoint {
        /// Index of the layer.
        layer: usize,
        /// `"input"` or `"output"`.
        what: &'static str,
        /// The zero point given.
        zero_point: i32,
    },
    /// A scale that is not positive and finite.
    Scale {
        /// Index of the layer.
        layer: usize,
        /// `"input"`, `"output"` or `"weight"`.
        what: &'static str,
    },
    /// A requantization factor of 2^30 or more (its shift would exceed 30).
    Multiplier {
        /// Index of the layer.
        layer: usize,
        /// The output channel.
        channel: usize,
    },
    /// A batch's length is not a multiple of the network's input width.
    BatchLength {
        /// Values per sample.
        width: usize,
        /// Values given.
        len: usize,
    },
}

impl fmt::Display for QNetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            QNetworkError::NoLayers => write!(f, "int8 network without layers"),
            QNetworkError::ZeroFeatures { layer } => {
                write!(f, "layer {layer}: zero inputs or outputs")
            }
            QNetworkError::Width {
                layer,
                expected,
                found,
            } => {
                write!(
                    f,
                    "layer {layer}: {found} inputs, previous layer has {expected} outputs"
                )
            }
            QNetworkError::Chain { layer } => write!(
                f,
                "layer {layer}: input quantization differs from the previous layer's output quantization"
            ),
            QNetworkError::Length {
                layer,
                what,
                expected,
                found,
            } => {
                write!(
                    f,
                    "layer {layer}: {what} has {found} values, expected {expected}"
                )
            }
            QNetworkError::TooLarge { layer } => write!(f, "layer {layer}: too many weights"),
            QNetworkError::ZeroPoint {
                layer,
                what,
                zero_point,
            } => {
                write!(
                    f,
                    "layer {layer}: {what} zero point {zero_point} outside [-128, 127]"
                )
            }
            QNetworkError::Scale { layer, what } => {
                write!(f, "layer {layer}: {what} scale not positive and finite")
            }
            QNetworkError::Multiplier { layer, channel } => {
                write!(
                    f,
                    "layer {layer}, channel {channel}: requantization factor of 2^30 or more"
                )
            }
            QNetworkError::BatchLength { width, len } => {
                write!(
                    f,
                    "batch of {len} values is not a multiple of {width} inputs"
                )
            }
        }
    }
}

impl std::error::Error for QNetworkError {}
