//! float ↔ int8 conversion at a network's edges (TFLite's QUANTIZE and
//! DEQUANTIZE reference kernels).

/// `zero_point + round_half_away(x / scale)` with the division in f32, as an
/// `i32` (saturating; NaN counts as 0).
#[inline]
pub(crate) fn quantize_unclamped(x: f32, scale: f32, zero_point: i32) -> i32 {
    (libm::roundf(x / scale) as i32).saturating_add(zero_point)
}

/// `x` as int8: `clamp(round_half_away(x / scale) + zero_point, -128, 127)`,
/// the division in f32 (TFLite's `AffineQuantize`). NaN gives `zero_point`.
///
/// ```
/// use nn_core::quant::quantize;
/// assert_eq!(quantize(0.25, 0.5, 3), 4); // 0.5 rounds away from zero
/// assert_eq!(quantize(-0.25, 0.5, 3), 2);
/// assert_eq!(quantize(1e9, 0.5, 3), 127);
/// ```
#[inline]
pub fn quantize(x: f32, scale: f32, zero_point: i32) -> i8 {
    quantize_unclamped(x, scale, zero_point).clamp(i8::MIN as i32, i8::MAX as i32) as i8
}

/// `q` as a float: `scale · (q − zero_point)` (TFLite's reference
/// DEQUANTIZE, `float32(double(scale) · (q − zero_point))`).
///
/// One f32 multiplication gives the same bits: `q − zero_point` has at most
/// 9 significant bits, so the product of two f32 values is exact in f64 and
/// both computations round the exact product once to f32 (the test
/// `dequantize_equals_the_double_rule` checks every `q` on many scales).
///
/// ```
/// use nn_core::quant::dequantize;
/// assert_eq!(dequantize(-3, 0.5, -1), -1.0);
/// ```
#[inline]
pub fn dequantize(q: i8, scale: f32, zero_point: i32) -> f32 {
    scale * (q as i32 - zero_point) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dequantize_equals_the_double_rule() {
        let mut next = crate::testing::xorshift32(0x1234_5678);
        let mut scales = [f32::MIN_POSITIVE, 1e-45, 3.4e38, 1.0, 0.1, 2.5e-3].to_vec();
        for _ in 0..4000 {
            scales.push(f32::from_bits(next() & 0x7fff_ffff));
        }
        for scale in scales.into_iter().filter(|s| s.is_finite()) {
            for zp in [-128, -5, 0, 127] {
                for q in i8::MIN..=i8::MAX {
                    let want = (scale as f64 * (q as i32 - zp) as f64) as f32;
                    assert_eq!(dequantize(q, scale, zp).to_bits(), want.to_bits());
                }
            }
        }
    }

    #[test]
    fn quantize_rounds_the_f32_quotient_half_away() {
        assert_eq!(quantize(1.5, 1.0, 0), 2);
        assert_eq!(quantize(-1.5, 1.0, 0), -2);
        assert_eq!(quantize(2.5, 1.0, -1), 2);
        assert_eq!(quantize(-1e30, 0.1, 0), -128);
        assert_eq!(quantize(f32::NAN, 0.1, 7), 7);
    }
}
