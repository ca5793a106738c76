//! Why a model file could not be read or loaded.

use core::fmt;

use crate::{LayerDesc, LayerKind, ScalarType, ScalerKind};

/// An error reading a model file. Every check of the reader has its own
/// variant; reading never panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LoadError {
    /// The file does not start with the magic bytes `NNMF`.
    BadMagic,
    /// The file's format version is not one this reader knows.
    UnsupportedVersion(u16),
    /// The header names a scalar type code this reader does not know.
    UnknownScalarType(u8),
    /// The file stores another scalar type than the network's.
    ScalarType {
        /// The network's scalar type.
        expected: ScalarType,
        /// The file's.
        found: ScalarType,
    },
    /// The file ends before the length its header declares.
    Truncated {
        /// Bytes the header declares (or the fixed header's size when even it is cut).
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// Bytes follow the end the header declares.
    TrailingBytes {
        /// Bytes the header declares.
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// The stored CRC-32 does not match the contents.
    Checksum {
        /// The checksum stored in the file.
        expected: u32,
        /// The checksum of the contents as read.
        found: u32,
    },
    /// A descriptor has an unknown kind code, non-zero reserved bits or sizes
    /// that are invalid for its kind.
    BadDescriptor {
        /// Index of the layer (0-based).
        layer: usize,
    },
    /// The header declares an unknown input-scaler kind or a scaler width of 0.
    BadScaler,
    /// A scaler was asked for, but the file stores none.
    NoScaler,
    /// The file stores another kind of scaler than the one asked for.
    ScalerKindMismatch {
        /// The kind asked for.
        expected: ScalerKind,
        /// The file's kind.
        found: ScalerKind,
    },
    /// The file's scaler has another width than the one asked for.
    ScalerWidth {
        /// The width asked for.
        expected: u32,
        /// The file's width.
        found: u32,
    },
    /// The layers and scaler described need another number of bytes than the header declares.
    LengthMismatch {
        /// Bytes the header declares.
        declared: usize,
        /// Bytes the descriptors imply (saturated on overflow).
        described: usize,
    },
    /// A layer's input width differs from the previous layer's output width
    /// (or the scaler's width from the first layer's input).
    WidthMismatch {
        /// Index of the layer (0-based).
        layer: usize,
        /// Width produced by what comes before.
        expected: u32,
        /// The layer's input width.
        found: u32,
    },
    /// The file has another number of layers than the network.
    LayerCount {
        /// The network's layer count.
        expected: usize,
        /// The file's.
        found: usize,
    },
    /// A stored layer is of another kind than the network's layer at that position.
    LayerKindMismatch {
        /// Index of the layer (0-based).
        layer: usize,
        /// The network's kind.
        expected: LayerKind,
        /// The file's kind.
        found: LayerKind,
    },
    /// A layer's hyper-parameter (a leaky slope, ELU's alpha) is NaN or
    /// infinite.
    NonFiniteHyperParameter {
        /// Index of the layer (0-based).
        layer: usize,
        /// Its kind (its [`scalar_name`](LayerKind::scalar_name) names the value).
        kind: LayerKind,
    },
    /// An int8 layer's quantization is invalid: a scale that is not positive
    /// and finite, a zero point outside `[-128, 127]`, or an input
    /// quantization other than the previous layer's output quantization.
    BadQuantization {
        /// Index of the layer (0-based).
        layer: usize,
    },
    /// A stored layer's sizes differ from the network's layer at that position.
    ShapeMismatch {
        /// Index of the layer (0-based).
        layer: usize,
        /// The network's layer.
        expected: LayerDesc,
        /// The file's layer.
        found: LayerDesc,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LoadError::BadMagic => f.write_str("not a model file (bad magic, expected \"NNMF\")"),
            LoadError::UnsupportedVersion(v) => write!(
                f,
                "unsupported format version {v} (this reader knows version {})",
                super::VERSION
            ),
            LoadError::UnknownScalarType(c) => write!(f, "unknown scalar type code {c}"),
            LoadError::ScalarType { expected, found } => {
                write!(
                    f,
                    "scalar type mismatch: expected {expected}, found {found}"
                )
            }
            LoadError::Truncated { expected, found } => {
                write!(f, "truncated: expected {expected} bytes, found {found}")
            }
            LoadError::TrailingBytes { expected, found } => write!(
                f,
                "trailing bytes: expected {expected} bytes, found {found}"
            ),
            LoadError::Checksum { expected, found } => write!(
                f,
                "checksum mismatch: stored {expected:#010x}, computed {found:#010x}"
            ),
            LoadError::BadDescriptor { layer } => write!(f, "layer {layer}: invalid descriptor"),
            LoadError::BadScaler => f.write_str("invalid input scaler header"),
            LoadError::NoScaler => f.write_str("the model file has no input scaler"),
            LoadError::ScalerKindMismatch { expected, found } => {
                write!(f, "input scaler: expected {expected}, found {found}")
            }
            LoadError::ScalerWidth { expected, found } => write!(
                f,
                "input scaler: expected {expected} features, found {found}"
            ),
            LoadError::LengthMismatch {
                declared,
                described,
            } => write!(
                f,
                "header declares {declared} bytes but its layers need {described}"
            ),
            LoadError::WidthMismatch {
                layer,
                expected,
                found,
            } => write!(
                f,
                "layer {layer}: input width {found} does not match the {expected} values fed to it"
            ),
            LoadError::LayerCount { expected, found } => {
                write!(f, "expected {expected} layers, found {found}")
            }
            LoadError::LayerKindMismatch {
                layer,
                expected,
                found,
            } => write!(f, "layer {layer}: expected {expected}, found {found}"),
            LoadError::ShapeMismatch {
                layer,
                expected,
                found,
            } => write!(f, "layer {layer}: expected {expected}, found {found}"),
            LoadError::BadQuantization { layer } => {
                write!(f, "int8 layer {layer}: invalid scale or zero point")
            }
            LoadError::NonFiniteHyperParameter { layer, kind } => write!(
                f,
                "layer {layer}: {kind} {} must be finite",
                kind.scalar_name().unwrap_or("hyper-parameter")
            ),
        }
    }
}

impl core::error::Error for LoadError {}
