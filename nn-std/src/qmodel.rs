//! A plain description of an int8 fully connected model: what
//! [`tflite::read`](crate::tflite::read) finds in a `.tflite` file and what
//! [`ptq`](crate::ptq) produces from a float model.
//!
//! The numbers follow TensorFlow Lite's int8 conventions: a tensor's real
//! value is `scale · (q − zero_point)`; weights are symmetric (zero point 0);
//! a layer computes
//! `acc[o] = Σ_i (x[i] − input.zero_point) · weights[o][i] + bias[o]` and
//! requantizes `acc` by `input.scale · weight_scale / output.scale`.
//!
//! ```
//! use nn_std::qmodel::{Activation, QLayer, QModel, QParams};
//!
//! let q = |scale, zero_point| QParams { scale, zero_point };
//! let layer = QLayer {
//!     in_features: 2,
//!     out_features: 1,
//!     weights: vec![127, -64],
//!     bias: Some(vec![10]),
//!     input: q(0.5, -3),
//!     output: q(0.25, -128),
//!     weight_scales: vec![0.01],
//!     activation: Activation::Relu,
//! };
//! let model = QModel::new(vec![layer])?;
//! assert_eq!((model.inputs(), model.outputs()), (2, 1));
//! assert_eq!(model.input(), q(0.5, -3));
//! # Ok::<(), nn_std::qmodel::QModelError>(())
//! ```

use core::fmt;

/// How a tensor is quantized: `real = scale · (q − zero_point)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// Positive and finite.
    pub scale: f32,
    /// In `[-128, 127]`.
    pub zero_point: i32,
}

/// The activation fused into a layer, applied by TFLite as a clamp of the
/// int8 output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// No activation.
    None,
    /// `max(0, x)`.
    Relu,
    /// `min(max(0, x), 6)`.
    Relu6,
}

/// One int8 fully connected layer (TFLite FULLY_CONNECTED with int8 input,
/// weights and output, an optional int32 bias, default weights format).
#[derive(Clone, Debug, PartialEq)]
pub struct QLayer {
    /// Inputs per sample.
    pub in_features: usize,
    /// Outputs per sample.
    pub out_features: usize,
    /// Symmetric int8 weights, row-major `[out_features][in_features]`.
    pub weights: Vec<i8>,
    /// int32 bias with scale `input.scale · weight_scales[o]`; `None` when
    /// the layer has no bias.
    pub bias: Option<Vec<i32>>,
    /// Quantization of the layer's input.
    pub input: QParams,
    /// Quantization of the layer's output.
    pub output: QParams,
    /// One scale per output row (per channel) or a single one (per tensor).
    /// TFLite treats a single scale as per tensor whatever the converter
    /// called it: the requantization factor is then formed from the f32
    /// product `input.scale · weight_scale`.
    pub weight_scales: Vec<f32>,
    /// The fused activation.
    pub activation: Activation,
}

/// An int8 model: fully connected layers, each consuming the previous one's
/// output. Built by [`QModel::new`], which checks that the layers fit.
#[derive(Clone, Debug, PartialEq)]
pub struct QModel {
    layers: Vec<QLayer>,
    float_input: bool,
    float_output: bool,
}

/// Why layers do not make a [`QModel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QModelError {
    /// The model has no layer.
    Empty,
    /// A layer has zero inputs or outputs.
    ZeroFeatures {
        /// Index of the layer.
        layer: usize,
    },
    /// A layer's weights, bias or weight scales have the wrong length.
    Length {
        /// Index of the layer.
        layer: usize,
        /// `"weights"`, `"bias"` or `"weight_scales"`.
        what: &'static str,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// A layer's input width differs from the previous layer's output width.
    Chain {
        /// Index of the layer.
        layer: usize,
        /// The previous layer's outputs.
        expected: usize,
        /// This layer's inputs.
        found: usize,
    },
    /// A layer's input quantization differs from the previous layer's
    /// output quantization.
    ChainQuantization {
        /// Index of the layer.
        layer: usize,
    },
    /// A scale is not positive and finite.
    Scale {
        /// Index of the layer.
        layer: usize,
        /// `"input"`, `"output"` or `"weight"`.
        what: &'static str,
    },
    /// A zero point lies outside `[-128, 127]`.
    ZeroPoint {
        /// Index of the layer.
        layer: usize,
        /// `"input"` or `"output"`.
        what: &'static str,
    },
}

impl fmt::Display for QModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            QModelError::Empty => write!(f, "the model has no layer"),
            QModelError::ZeroFeatures { layer } => {
                write!(f, "layer {layer} has zero inputs or outputs")
            }
            QModelError::Length {
                layer,
                what,
                expected,
                found,
            } => write!(
                f,
                "layer {layer}: {what} has {found} values, expected {expected}"
            ),
            QModelError::Chain {
                layer,
                expected,
                found,
            } => write!(
                f,
                "layer {layer} takes {found} inputs but the previous layer gives {expected}"
            ),
            QModelError::ChainQuantization { layer } => write!(
                f,
                "layer {layer}'s input quantization differs from the previous layer's output"
            ),
            QModelError::Scale { layer, what } => {
                write!(f, "layer {layer}: {what} scale is not positive and finite")
            }
            QModelError::ZeroPoint { layer, what } => {
                write!(f, "layer {layer}: {what} zero point is outside [-128, 127]")
            }
        }
    }
}

impl std::error::Error for QModelError {}

impl QModel {
    /// An int8-in, int8-out model made of `layers`, after checking lengths,
    /// widths, scales and zero points, and that each layer's input is
    /// quantized like the previous layer's output.
    pub fn new(layers: Vec<QLayer>) -> Result<Self, QModelError> {
        if layers.is_empty() {
            return Err(QModelError::Empty);
        }
        for (index, layer) in layers.iter().enumerate() {
            layer.check(index)?;
            if let Some(previous) = index.checked_sub(1).map(|i| &layers[i]) {
                if previous.out_features != layer.in_features {
                    return Err(QModelError::Chain {
                        layer: index,
                        expected: previous.out_features,
                        found: layer.in_features,
                    });
                }
                if previous.output != layer.input {
                    return Err(QModelError::ChainQuantization { layer: index });
                }
            }
        }
        Ok(QModel {
            layers,
            float_input: false,
            float_output: false,
        })
    }

    /// The same model, marked as taking float input (quantized with
    /// [`input`](QModel::input) first, as TFLite's QUANTIZE does) and
    /// giving float output (dequantized with [`output`](QModel::output)).
    pub fn with_float_io(mut self, float_input: bool, float_output: bool) -> Self {
        self.float_input = float_input;
        self.float_output = float_output;
        self
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[QLayer] {
        &self.layers
    }

    /// The model's layers, taken out.
    pub fn into_layers(self) -> Vec<QLayer> {
        self.layers
    }

    /// Values per input sample.
    pub fn inputs(&self) -> usize {
        self.layers[0].in_features
    }

    /// Values per output sample.
    pub fn outputs(&self) -> usize {
        self.last().out_features
    }

    /// Quantization of the int8 input (of the first layer).
    pub fn input(&self) -> QParams {
        self.layers[0].input
    }

    /// Quantization of the int8 output (of the last layer).
    pub fn output(&self) -> QParams {
        self.last().output
    }

    /// Whether the model takes float input and quantizes it itself.
    pub fn float_input(&self) -> bool {
        self.float_input
    }

    /// Whether the model dequantizes its output to float.
    pub fn float_output(&self) -> bool {
        self.float_output
    }

    fn last(&self) -> &QLayer {
        // `new` refuses an empty model.
        &self.layers[self.layers.len() - 1]
    }
}

impl QLayer {
    fn check(&self, layer: usize) -> Result<(), QModelError> {
        let (n_in, n_out) = (self.in_features, self.out_features);
        if n_in == 0 || n_out == 0 {
            return Err(QModelError::ZeroFeatures { layer });
        }
        let length = |what, expected, found| {
            if expected == found {
                Ok(())
            } else {
                Err(QModelError::Length {
                    layer,
                    what,
                    expected,
                    found,
                })
            }
        };
        length("weights", n_in.saturating_mul(n_out), self.weights.len())?;
        if let Some(bias) = &self.bias {
            length("bias", n_out, bias.len())?;
        }
        if self.weight_scales.len() != 1 {
            length("weight_scales", n_out, self.weight_scales.len())?;
        }
        let good_scale = |s: f32| s.is_finite() && s > 0.0;
        for (what, q) in [("input", self.input), ("output", self.output)] {
            if !good_scale(q.scale) {
                return Err(QModelError::Scale { layer, what });
            }
            if !(-128..=127).contains(&q.zero_point) {
                return Err(QModelError::ZeroPoint { layer, what });
            }
        }
        if !self.weight_scales.iter().all(|&s| good_scale(s)) {
            return Err(QModelError::Scale {
                layer,
                what: "weight",
            });
        }
        Ok(())
    }
}
