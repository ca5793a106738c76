//! Fused activations of int8 layers as output clamps
//! (TFLite's `CalculateActivationRangeQuantized`).

use super::QuantError;
use super::boundary::quantize_unclamped;

/// The activation TFLite fuses into a fully connected layer: a clamp of the
/// requantized int8 output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FusedActivation {
    /// No activation: the int8 range `[-128, 127]`.
    None,
    /// `max(0, x)`: `[max(-128, zp), 127]`.
    Relu,
    /// `min(max(0, x), 6)`: `[max(-128, zp), min(127, zp + round(6 / scale))]`.
    Relu6,
}

impl FusedActivation {
    /// The int8 clamp bounds `(min, max)` of this activation on an output
    /// quantized with `scale` and `zero_point`, exactly as TFLite computes
    /// them (`6 / scale` divided in f32, rounded half away from zero).
    ///
    /// Errors: `zero_point` outside `[-128, 127]`, `scale` not positive and
    /// finite.
    ///
    /// ```
    /// use nn_core::quant::FusedActivation;
    /// assert_eq!(FusedActivation::Relu.bounds(0.1, -20), Ok((-20, 127)));
    /// assert_eq!(FusedActivation::Relu6.bounds(0.1, -128), Ok((-128, -68)));
    /// ```
    pub fn bounds(self, scale: f32, zero_point: i32) -> Result<(i8, i8), QuantError> {
        super::check_scale(scale)?;
        let zp = super::check_zero_point(zero_point)?;
        Ok(match self {
            FusedActivation::None => (i8::MIN, i8::MAX),
            FusedActivation::Relu => (zp, i8::MAX),
            FusedActivation::Relu6 => {
                let six = quantize_unclamped(6.0, scale, zero_point);
                (zp, six.clamp(zp as i32, i8::MAX as i32) as i8)
            }
        })
    }
}
