//! Post-training quantization: a trained float network plus calibration
//! data become an int8 [`QNetwork`], as [`tflite::read`](crate::tflite::read)
//! gives for a `.tflite` file.
//!
//! The input is a runtime [`Network<f32>`](crate::runtime::Network): what a
//! model file loads into ([`load_runtime`](crate::io::model_file::load_runtime)),
//! and what a typed network becomes through
//! [`save`](crate::io::model_file::save) then `load_runtime`. Supported layers:
//! [`Dense`](LayerSpec::Dense), each optionally followed by
//! [`Relu`](LayerSpec::Relu) (fused into the layer, as TFLite does) or
//! [`Identity`](LayerSpec::Identity). A classifier's logits need no softmax.
//!
//! The recipe is TFLite's converter's (see the reference README's
//! `calibration_check`): the model input and every layer output (after its
//! ReLU) are calibrated on the calibration set with a [`Calibrator`] and
//! quantized by [`affine_params`]; weights are symmetric per output row or
//! per tensor ([`quantize_weights`]); biases are int32 with scale
//! `s_in · s_w` ([`quantize_bias`]). The network is int8-in, int8-out;
//! [`QNetwork::forward_f32`] quantizes float input and dequantizes the output.
//!
//! Against the converter (`tests/ptq_converter.rs`: the reference float
//! Digits model and its 200 calibration samples, min/max, per channel):
//! all 2,368 weights, 42 weight scales, 42 biases and 4 zero points equal
//! the converter's; of the activation scales, the input's and the hidden
//! layer's are equal and the logits' is 2.3e-7 off (TensorFlow computed the
//! logits it calibrated on with its own summation order).
//!
//! ```
//! use nn_std::ptq::{quantize, Calibrator, PtqConfig, WeightGranularity};
//! use nn_std::runtime::{LayerSpec, Network};
//!
//! let mut net = Network::<f32>::new(2, &[LayerSpec::Dense { outputs: 1 }, LayerSpec::Relu])?;
//! net.set_param(0, &[1.0, -0.5])?;
//! net.set_param(1, &[0.25])?;
//! let calibration = [0.0, 0.0, 1.0, -3.0]; // two samples
//! let config = PtqConfig { calibrator: Calibrator::MinMax, weights: WeightGranularity::PerChannel };
//! let model = quantize(&net, &calibration, config)?;
//! let layer = model.layers().next().unwrap();
//! assert_eq!(layer.input.zero_point, 63); // [-3, 1]: round(-128 + 191.25)
//! assert_eq!(layer.weights, [127, -64]); // -63.5 rounds away from zero
//! assert_eq!(layer.output.zero_point, -128); // after ReLU: [0.25, 2.75] widened to [0, 2.75]
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calibrate;
mod weights;

use core::fmt;

pub use calibrate::{Calibrator, affine_params};
pub use weights::{WeightGranularity, quantize_bias, quantize_weights};

use crate::quant::{FusedActivation, QLayerParams, QNetwork, QNetworkError, QParams};
use crate::runtime::{LayerSpec, Network, NetworkError};

/// How [`quantize`] works.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PtqConfig {
    /// How activation ranges are chosen.
    pub calibrator: Calibrator,
    /// Per-channel (the converter's default) or per-tensor weight scales.
    pub weights: WeightGranularity,
}

/// Why a network could not be quantized.
#[derive(Clone, Debug, PartialEq)]
pub enum PtqError {
    /// A layer kind with no int8 counterpart here (named as in
    /// [`LayerSpec`]), or an activation not right after a dense layer.
    UnsupportedLayer {
        /// Index of the layer.
        layer: usize,
        /// The layer's kind, for example `"Sigmoid"`.
        kind: &'static str,
    },
    /// The calibration data is empty, not a whole number of samples, or the
    /// network failed on it.
    Calibration(NetworkError),
    /// An activation range could not be chosen: no calibration sample, a
    /// NaN, or a percentile outside `[50, 100]`.
    Range {
        /// Which tensor: 0 is the model input, `k + 1` the output of
        /// quantized layer `k`.
        tensor: usize,
    },
    /// A quantized bias does not fit an `i32`.
    BiasOverflow {
        /// Index of the quantized layer.
        layer: usize,
        /// The output channel.
        channel: usize,
    },
    /// The network has no dense layer.
    NoLayer,
    /// The quantized layers do not form a model (for example a scale that
    /// is not finite because a weight is infinite).
    Model(QNetworkError),
}

impl fmt::Display for PtqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PtqError::UnsupportedLayer { layer, kind } => {
                write!(f, "layer {layer} ({kind}) cannot be quantized")
            }
            PtqError::Calibration(e) => write!(f, "calibration: {e}"),
            PtqError::Range { tensor } => write!(
                f,
                "tensor {tensor}: no range (empty calibration, NaN, or bad percentile)"
            ),
            PtqError::BiasOverflow { layer, channel } => {
                write!(
                    f,
                    "layer {layer}, channel {channel}: the bias overflows int32"
                )
            }
            PtqError::NoLayer => write!(f, "the network has no dense layer"),
            PtqError::Model(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PtqError {}

/// A dense layer of the float network and what follows it.
struct FloatLayer<'a> {
    in_features: usize,
    out_features: usize,
    weights: &'a [f32],
    bias: &'a [f32],
    activation: FusedActivation,
    /// Index of the runtime layer whose output is this layer's output.
    last: usize,
}

/// Quantizes `net` after running it on `calibration` (`B·net.inputs()`
/// values, row-major).
pub fn quantize(
    net: &Network<f32>,
    calibration: &[f32],
    config: PtqConfig,
) -> Result<QNetwork, PtqError> {
    let float_layers = fuse(net)?;
    if calibration.is_empty() {
        return Err(PtqError::Range { tensor: 0 });
    }
    let cache = net
        .forward_train(calibration)
        .map_err(PtqError::Calibration)?;
    let range = |tensor, values: &[f32]| {
        let (min, max) = config
            .calibrator
            .range(values)
            .ok_or(PtqError::Range { tensor })?;
        Ok(affine_params(min, max))
    };
    let mut input = range(0, cache.input())?;
    let mut layers = Vec::with_capacity(float_layers.len());
    for (index, f) in float_layers.iter().enumerate() {
        let output = range(index + 1, cache.layer_output(f.last))?;
        layers.push(quantize_layer(index, f, input, output, config.weights)?);
        input = output;
    }
    QNetwork::new(layers).map_err(PtqError::Model)
}

fn quantize_layer(
    index: usize,
    f: &FloatLayer<'_>,
    input: QParams,
    output: QParams,
    granularity: WeightGranularity,
) -> Result<QLayerParams, PtqError> {
    let (weights, weight_scales) = quantize_weights(f.weights, f.in_features, granularity);
    let bias = f
        .bias
        .iter()
        .enumerate()
        .map(|(channel, &b)| {
            let s_w = weight_scales[channel.min(weight_scales.len() - 1)];
            quantize_bias(b, input.scale, s_w).ok_or(PtqError::BiasOverflow {
                layer: index,
                channel,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(QLayerParams {
        in_features: f.in_features,
        out_features: f.out_features,
        weights,
        bias: Some(bias),
        input,
        output,
        weight_scales,
        activation: f.activation,
    })
}

/// Groups the network's layers into dense layers with their fused ReLU.
fn fuse(net: &Network<f32>) -> Result<Vec<FloatLayer<'_>>, PtqError> {
    let mut layers: Vec<FloatLayer<'_>> = Vec::new();
    let mut width = net.inputs();
    let mut tensor = 0;
    for (index, spec) in net.specs().enumerate() {
        match spec {
            LayerSpec::Dense { outputs } => {
                // Parameters exist for every dense layer: weight, then bias.
                let (weights, bias) = (net.param(tensor), net.param(tensor + 1));
                let (Some(weights), Some(bias)) = (weights, bias) else {
                    return Err(PtqError::NoLayer);
                };
                tensor += 2;
                layers.push(FloatLayer {
                    in_features: width,
                    out_features: *outputs,
                    weights,
                    bias,
                    activation: FusedActivation::None,
                    last: index,
                });
                width = *outputs;
            }
            LayerSpec::Relu | LayerSpec::Identity => {
                let fusable = layers
                    .last_mut()
                    .filter(|l| l.last + 1 == index && l.activation == FusedActivation::None);
                let Some(layer) = fusable else {
                    return Err(PtqError::UnsupportedLayer {
                        layer: index,
                        kind: kind_name(spec),
                    });
                };
                layer.last = index;
                if matches!(spec, LayerSpec::Relu) {
                    layer.activation = FusedActivation::Relu;
                }
            }
            other => {
                return Err(PtqError::UnsupportedLayer {
                    layer: index,
                    kind: kind_name(other),
                });
            }
        }
    }
    if layers.is_empty() {
        return Err(PtqError::NoLayer);
    }
    Ok(layers)
}

fn kind_name(spec: &LayerSpec<f32>) -> &'static str {
    match spec {
        LayerSpec::Dense { .. } => "Dense",
        LayerSpec::Identity => "Identity",
        LayerSpec::Relu => "Relu",
        LayerSpec::Sigmoid => "Sigmoid",
        LayerSpec::Tanh => "Tanh",
        LayerSpec::LeakyRelu { .. } => "LeakyRelu",
        LayerSpec::Elu { .. } => "Elu",
        LayerSpec::Prelu { .. } => "Prelu",
        LayerSpec::Softmax => "Softmax",
        LayerSpec::LogSoftmax => "LogSoftmax",
        LayerSpec::Maxout { .. } => "Maxout",
    }
}
