//! The plain parameters of an int8 fully connected layer.

use super::FusedActivation;

/// How a tensor is quantized: `real = scale · (q − zero_point)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// Positive, finite.
    pub scale: f32,
    /// In `[-128, 127]`.
    pub zero_point: i32,
}

/// One int8 fully connected layer as TFLite stores it (FULLY_CONNECTED with
/// int8 input, weights and output and an int32 bias).
///
/// `acc[o] = Σ_i (x[i] − input.zero_point) · weights[o · in_features + i] +
/// bias[o]`, requantized by `input.scale · weight_scale / output.scale`,
/// plus `output.zero_point`, clamped by `activation`.
#[derive(Clone, Debug, PartialEq)]
pub struct QLayerParams {
    /// Inputs per sample.
    pub in_features: usize,
    /// Outputs per sample.
    pub out_features: usize,
    /// Symmetric int8 weights, row-major `[out_features][in_features]`.
    pub weights: Vec<i8>,
    /// int32 bias with scale `input.scale · weight_scales[o]`, one per
    /// output; `None` for a layer without bias.
    pub bias: Option<Vec<i32>>,
    /// Quantization of the input (the previous layer's output).
    pub input: QParams,
    /// Quantization of the output.
    pub output: QParams,
    /// One weight scale per output (per channel, the converter's default) or
    /// a single one (per tensor). TFLite derives the requantization factor
    /// in double from `s_in · s_w[o] / s_out` per channel, and from the f32
    /// product `s_in · s_w` divided by `s_out` per tensor.
    pub weight_scales: Vec<f32>,
    /// The fused activation, applied as a clamp of the int8 output.
    pub activation: FusedActivation,
}
