//! Why a `.tflite` file could not be read as an int8 fully connected model.

use core::fmt;
use nn_tflite_schema::planus;

use crate::quant::QNetworkError;

/// What is wrong with a `.tflite` file. Operator indices count the
/// subgraph's operators from 0; tensor indices are the subgraph's.
#[derive(Clone, Copy, Debug)]
pub enum TfliteError {
    /// The bytes do not carry TFLite's `TFL3` file identifier.
    NotTflite,
    /// The flatbuffer is damaged: an offset, length or tag points outside
    /// the file or is invalid (found by planus' checked reads).
    Malformed(planus::Error),
    /// A field the model needs is absent.
    Missing {
        /// What is missing, for example `"subgraphs"`.
        what: &'static str,
    },
    /// The model has a number of subgraphs other than one (control flow).
    Subgraphs {
        /// How many there are.
        count: usize,
    },
    /// An operator this reader does not support, named as in TFLite's
    /// schema (for example `CONV_2D`), or `CUSTOM`.
    UnsupportedOperator {
        /// Index of the operator.
        op: usize,
        /// TFLite's name of the operator.
        name: &'static str,
    },
    /// An operator code that TFLite's schema does not define.
    UnknownOperatorCode {
        /// Index of the operator.
        op: usize,
        /// The builtin code found.
        code: i32,
    },
    /// A supported operator in a place this reader does not support
    /// (QUANTIZE other than first, DEQUANTIZE other than last, SOFTMAX not
    /// at the end, or operators that do not form a single chain from the
    /// model's input to its output).
    Placement {
        /// Index of the operator.
        op: usize,
        /// TFLite's name of the operator.
        name: &'static str,
    },
    /// An operator's option is not supported (`what` names it).
    UnsupportedOption {
        /// Index of the operator.
        op: usize,
        /// The option and value, for example `"fused activation TANH"`.
        what: &'static str,
    },
    /// A fully connected layer works in float: the model is not fully
    /// quantized to int8 (for example a float model given where an int8
    /// model is required).
    FloatModel {
        /// Index of the float tensor.
        tensor: usize,
    },
    /// A tensor has a type other than the one the operator needs.
    TensorType {
        /// Index of the tensor.
        tensor: usize,
        /// The type needed, for example `"INT8"`.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// A tensor index points outside the subgraph's tensors, or an
    /// operator has too few inputs or outputs.
    BadTensor {
        /// Index of the operator.
        op: usize,
    },
    /// A tensor's shape does not fit the operator.
    Shape {
        /// Index of the tensor.
        tensor: usize,
    },
    /// A tensor's quantization is missing or malformed (scale not positive
    /// and finite, zero point out of range, wrong number of scales or zero
    /// points, per-channel along a dimension other than the output rows).
    Quantization {
        /// Index of the tensor.
        tensor: usize,
    },
    /// Weights with a zero point other than 0 (TFLite's int8 kernels need
    /// symmetric weights).
    AsymmetricWeights {
        /// Index of the weight tensor.
        tensor: usize,
        /// The first non-zero zero point.
        zero_point: i64,
    },
    /// A bias scale differs from `input_scale · weight_scale` by more than
    /// TFLite's tolerance (a relative 1e-6, `GetQuantizedConvolutionMultipler`).
    BiasScale {
        /// Index of the bias tensor.
        tensor: usize,
        /// The output channel.
        channel: usize,
    },
    /// Two tensors that must be quantized alike (the input and output of
    /// RESHAPE) are not.
    QuantizationMismatch {
        /// Index of the operator.
        op: usize,
    },
    /// A weight or bias tensor has no constant data in the file.
    NotConstant {
        /// Index of the tensor.
        tensor: usize,
    },
    /// A constant tensor's data has the wrong number of bytes.
    BufferSize {
        /// Index of the tensor.
        tensor: usize,
        /// Bytes expected.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// Tensor data stored outside the flatbuffer (models above 2 GB) or
    /// sparse: not supported.
    UnsupportedStorage {
        /// Index of the tensor.
        tensor: usize,
    },
    /// The model has no fully connected layer.
    NoLayer,
    /// The layers found do not form a valid [`QNetwork`](crate::quant::QNetwork).
    Model(QNetworkError),
}

impl From<planus::Error> for TfliteError {
    fn from(error: planus::Error) -> Self {
        TfliteError::Malformed(error)
    }
}

impl From<QNetworkError> for TfliteError {
    fn from(error: QNetworkError) -> Self {
        TfliteError::Model(error)
    }
}

impl fmt::Display for TfliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TfliteError::NotTflite => write!(f, "not a TFLite file (no TFL3 identifier)"),
            TfliteError::Malformed(e) => write!(f, "damaged TFLite file: {e}"),
            TfliteError::Missing { what } => write!(f, "the model has no {what}"),
            TfliteError::Subgraphs { count } => {
                write!(f, "the model has {count} subgraphs; only one is supported")
            }
            TfliteError::UnsupportedOperator { op, name } => {
                write!(f, "operator {op} is {name}, which is not supported")
            }
            TfliteError::UnknownOperatorCode { op, code } => {
                write!(f, "operator {op} has the unknown builtin code {code}")
            }
            TfliteError::Placement { op, name } => write!(
                f,
                "operator {op} ({name}) is not where a fully connected chain can have it"
            ),
            TfliteError::UnsupportedOption { op, what } => {
                write!(f, "operator {op}: {what} is not supported")
            }
            TfliteError::FloatModel { tensor } => write!(
                f,
                "tensor {tensor} is float32: this is a float model, an int8 model is required"
            ),
            TfliteError::TensorType {
                tensor,
                expected,
                found,
            } => write!(f, "tensor {tensor} is {found}, expected {expected}"),
            TfliteError::BadTensor { op } => {
                write!(f, "operator {op} has missing or out-of-range tensors")
            }
            TfliteError::Shape { tensor } => {
                write!(
                    f,
                    "tensor {tensor} has a shape that does not fit its operator"
                )
            }
            TfliteError::Quantization { tensor } => {
                write!(f, "tensor {tensor} has missing or malformed quantization")
            }
            TfliteError::AsymmetricWeights { tensor, zero_point } => write!(
                f,
                "weight tensor {tensor} has zero point {zero_point}; symmetric weights (0) are required"
            ),
            TfliteError::BiasScale { tensor, channel } => write!(
                f,
                "bias tensor {tensor}, channel {channel}: scale differs from input scale x weight scale"
            ),
            TfliteError::QuantizationMismatch { op } => write!(
                f,
                "operator {op}: input and output are quantized differently"
            ),
            TfliteError::NotConstant { tensor } => {
                write!(f, "tensor {tensor} has no constant data")
            }
            TfliteError::BufferSize {
                tensor,
                expected,
                found,
            } => write!(
                f,
                "tensor {tensor} has {found} bytes of data, expected {expected}"
            ),
            TfliteError::UnsupportedStorage { tensor } => write!(
                f,
                "tensor {tensor} is stored outside the flatbuffer or sparse (not supported)"
            ),
            TfliteError::NoLayer => write!(f, "the model has no fully connected layer"),
            TfliteError::Model(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TfliteError {}
