//! int8 inference bit-exact with TensorFlow Lite for Microcontrollers.
//!
//! The arithmetic of TFLite's int8 fully connected layers, integer-only on
//! the inference path: int8 activations with a scale and zero point,
//! symmetric int8 weights (per output channel or per tensor), i32 biases,
//! requantization by a Q31 multiplier and shift ([`quantize_multiplier`],
//! [`multiply_by_quantized_multiplier`]) and fused ReLU / ReLU6 as clamps.
//!
//! - [`fully_connected`]: the slice kernel every int8 layer runs.
//! - [`QDense`], [`Quantize`], [`Dequantize`]: typed layers with `const`
//!   constructors, composed with [`seq!`](crate::seq) / [`Seq!`](crate::Seq)
//!   and run by [`Infer`].
//! - [`quantize`] / [`dequantize`]: f32 ↔ int8 at a network's edges.
//!
//! The scales of a model become multipliers on the host (or at compile time)
//! through [`per_channel_multiplier`] / [`per_tensor_multiplier`] and
//! [`quantize_multiplier`]; nothing in a [`QDense`]'s forward pass touches a
//! float.
//!
//! `y = relu(2x − 1)` on one input: input and output scale 1/8, weight 64
//! with scale 1/32 (= 2), bias −256 with scale 1/8 · 1/32 (= −1); the
//! requantization factor 1/8 · 1/32 / (1/8) = 2^-5 is `M = 2^30`, shift −4.
//! ```
//! use nn_core::quant::{quantize_multiplier, Dequantize, FusedActivation, Infer, QDense, Quantize, Requant};
//! use nn_core::seq;
//! assert_eq!(quantize_multiplier(0.03125), (1 << 30, -4));
//! let (min, max) = FusedActivation::Relu.bounds(0.125, 0).unwrap();
//! let dense = QDense::<1, 1>::new([[64]], [-256], 0, Requant::per_tensor(1 << 30, -4, 0, min, max));
//! let net = seq![Quantize::<1>::new(0.125, 0).unwrap(), dense.unwrap(), Dequantize::<1>::new(0.125, 0).unwrap()];
//! assert_eq!(net.infer(&[1.5]), [2.0]);
//! assert_eq!(net.infer(&[0.25]), [0.0]); // the ReLU clamp
//! //! ```

mod activation;
mod boundary;
mod fixed_point;
pub(crate) mod kernel;
mod layers;
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
mod portable;

pub use activation::FusedActivation;
pub use boundary::{dequantize, quantize};
pub use fixed_point::{multiply_by_quantized_multiplier, quantize_multiplier};
pub use fixed_point::{rounding_divide_by_pot, saturating_rounding_doubling_high_mul};
pub use kernel::{OutputStage, fold_input_zero_point, fully_connected};
pub use layers::{Dequantize, Infer, QDense, Quantize, Requant};

/// Why int8 parameters were rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum QuantError {
    /// A zero point outside `[-128, 127]`.
    ZeroPoint,
    /// A scale that is not positive and finite.
    Scale,
    /// A requantization shift outside `-31..=30`.
    Shift,
    /// A negative requantization multiplier.
    Multiplier,
    /// Activation bounds with `min > max`.
    ActivationBounds,
}

impl core::fmt::Display for QuantError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            QuantError::ZeroPoint => "zero point outside [-128, 127]",
            QuantError::Scale => "scale not positive and finite",
            QuantError::Shift => "requantization shift outside -31..=30",
            QuantError::Multiplier => "negative requantization multiplier",
            QuantError::ActivationBounds => "activation bounds with min > max",
        })
    }
}

/// `zero_point` as an int8, or [`QuantError::ZeroPoint`].
const fn check_zero_point(zero_point: i32) -> Result<i8, QuantError> {
    if zero_point < i8::MIN as i32 || zero_point > i8::MAX as i32 {
        Err(QuantError::ZeroPoint)
    } else {
        Ok(zero_point as i8)
    }
}

/// [`QuantError::Scale`] unless `scale` is positive and finite.
const fn check_scale(scale: f32) -> Result<(), QuantError> {
    if scale > 0.0 && scale.is_finite() {
        Ok(())
    } else {
        Err(QuantError::Scale)
    }
}

/// The real factor of output channel `c` with per-channel weight scales, as
/// TFLite computes it in double: `s_in · s_w[c] / s_out`.
///
/// ```
/// use nn_core::quant::{per_channel_multiplier, quantize_multiplier};
/// assert_eq!(quantize_multiplier(per_channel_multiplier(0.5, 0.25, 0.5)), (1 << 30, -1));
/// ```
pub const fn per_channel_multiplier(input_scale: f32, weight_scale: f32, output_scale: f32) -> f64 {
    input_scale as f64 * weight_scale as f64 / output_scale as f64
}

/// The real factor with one weight scale for the whole tensor: TFLite forms
/// `s_in · s_w` in f32 first (`GetQuantizedConvolutionMultipler`), then
/// divides in double by `s_out`.
///
/// ```
/// use nn_core::quant::per_tensor_multiplier;
/// assert_eq!(per_tensor_multiplier(0.1, 0.3, 1.0), (0.1f32 * 0.3f32) as f64);
/// ```
pub const fn per_tensor_multiplier(input_scale: f32, weight_scale: f32, output_scale: f32) -> f64 {
    (input_scale * weight_scale) as f64 / output_scale as f64
}
