//! TensorFlow Lite's fixed-point requantization, bit for bit
//! (`tensorflow/lite/kernels/internal/common.{h,cc}` and
//! `quantization_util.cc`, default build: `TFLITE_SINGLE_ROUNDING=0`).
//!
//! A real factor `r` is stored as a Q31 multiplier `M` and a power-of-two
//! shift with `r ≈ M · 2^(shift − 31)`; [`multiply_by_quantized_multiplier`]
//! applies it to an `i32` with integer operations only ("double rounding":
//! a rounding high multiply, then a rounding right shift).

/// `(a · b · 2) / 2^32`, rounded to nearest with ties toward +∞, saturated:
/// gemmlowp's `SaturatingRoundingDoublingHighMul`.
///
/// The only overflowing case, `a == b == i32::MIN`, gives `i32::MAX`.
///
/// ```
/// use nn_core::quant::saturating_rounding_doubling_high_mul as srdhm;
/// assert_eq!(srdhm(1 << 30, 1 << 30), 1 << 29); // 0.5 · 0.5 in Q31
/// assert_eq!(srdhm(i32::MIN, i32::MIN), i32::MAX);
/// ```
#[inline]
pub const fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    // gemmlowp: `(ab + nudge) / 2^31` with C's truncating division and
    // `nudge = ab >= 0 ? 2^30 : 1 - 2^30`. For `ab < 0` that is
    // `ceil((ab + 1 - 2^30) / 2^31) = floor((ab + 2^30) / 2^31)`, the same
    // as for `ab >= 0`: one arithmetic shift, no branch.
    if NO_WIDE_MULTIPLY {
        rounded_high_from_halves(a, b)
    } else {
        ((a as i64 * b as i64 + (1 << 30)) >> 31) as i32
    }
}

/// Cores without a 32×32→64 multiply instruction (Armv6-M: Cortex-M0/M0+/
/// M1), where an `i64` product is a call to `__aeabi_lmul`; there the
/// product is built from 16-bit halves ([`rounded_high_from_halves`]), which
/// is cheaper and gives the same integer.
const NO_WIDE_MULTIPLY: bool = cfg!(all(target_arch = "arm", not(target_feature = "thumb2")));

/// The 64-bit product `a · b` as its high (signed) and low (unsigned) 32-bit
/// words, from four products of 16-bit halves (Hacker's Delight's `mulhs`),
/// each of which fits in 32 bits; the low word is the wrapping product.
#[inline]
const fn wide_product(a: i32, b: i32) -> (i32, u32) {
    let (a_lo, a_hi) = (a & 0xffff, a >> 16);
    let (b_lo, b_hi) = (b & 0xffff, b >> 16);
    let lo_lo = (a_lo as u32).wrapping_mul(b_lo as u32);
    let t = a_hi.wrapping_mul(b_lo).wrapping_add((lo_lo >> 16) as i32);
    let u = (t & 0xffff).wrapping_add(a_lo.wrapping_mul(b_hi));
    let high = a_hi
        .wrapping_mul(b_hi)
        .wrapping_add(t >> 16)
        .wrapping_add(u >> 16);
    (high, a.wrapping_mul(b) as u32)
}

/// `(a · b + 2^30) >> 31` (the low 32 bits) from [`wide_product`]: the
/// 64-bit addition as a carry, the shift as a funnel of the two words.
#[inline]
const fn rounded_high_from_halves(a: i32, b: i32) -> i32 {
    let (high, low) = wide_product(a, b);
    let nudged = low.wrapping_add(1 << 30);
    let high = high.wrapping_add((nudged < low) as i32);
    ((high as u32) << 1 | nudged >> 31) as i32
}

/// `x / 2^exponent` rounded to nearest, ties away from zero: gemmlowp's
/// `RoundingDivideByPOT`, for `exponent` in `0..=31` (others are treated as
/// `exponent & 31`, as the shift instructions do).
///
/// ```
/// use nn_core::quant::rounding_divide_by_pot;
/// assert_eq!(rounding_divide_by_pot(5, 1), 3);
/// assert_eq!(rounding_divide_by_pot(-5, 1), -3);
/// assert_eq!(rounding_divide_by_pot(-6, 2), -2);
/// ```
#[inline]
pub const fn rounding_divide_by_pot(x: i32, exponent: i32) -> i32 {
    let exponent = (exponent & 31) as u32;
    let mask = ((1u32 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + (x < 0) as i32;
    (x >> exponent) + (remainder > threshold) as i32
}

/// `x · M · 2^(shift − 31)` as TFLite's `MultiplyByQuantizedMultiplier`
/// computes it: `x` shifted left by `max(shift, 0)` (wrapping, like the C
/// code on two's-complement machines), the rounding high multiply by `M`,
/// then a rounding division by `2^max(−shift, 0)`.
///
/// `shift` must lie in `-31..=30` (what [`quantize_multiplier`] produces for
/// the factors of a network; the layers check it).
///
/// ```
/// use nn_core::quant::multiply_by_quantized_multiplier;
/// // M = 2^30 (0.5 in Q31), shift -1: x · 0.25, rounded half away from zero.
/// assert_eq!(multiply_by_quantized_multiplier(10, 1 << 30, -1), 3);
/// assert_eq!(multiply_by_quantized_multiplier(-10, 1 << 30, -1), -3);
/// ```
#[inline]
pub const fn multiply_by_quantized_multiplier(x: i32, multiplier: i32, shift: i32) -> i32 {
    let left = if shift > 0 { shift } else { 0 };
    let right = if shift > 0 { 0 } else { shift.wrapping_neg() };
    let high = saturating_rounding_doubling_high_mul(x.wrapping_shl(left as u32), multiplier);
    rounding_divide_by_pot(high, right)
}

/// `real` as a Q31 multiplier and a shift: TFLite's `QuantizeMultiplier`.
///
/// `0` gives `(0, 0)`. Otherwise `real = q · 2^shift` with `q` in `[0.5, 1)`
/// and `M = round_half_away(q · 2^31)`; `M == 2^31` becomes `2^30` with
/// `shift + 1`; a `shift` below `-31` flushes to `(0, 0)`. Factors of 1 or
/// more give positive shifts. This runs where a model is built (on the host,
/// or at compile time as a `const fn`), never in the inference path.
/// Negative factors give a negative `M`; NaN and infinities give `(0, 0)`.
///
/// ```
/// use nn_core::quant::quantize_multiplier;
/// assert_eq!(quantize_multiplier(0.5), (1 << 30, 0));
/// assert_eq!(quantize_multiplier(3.0), (3 << 29, 2));
/// assert_eq!(quantize_multiplier(1e-12), (0, 0)); // below 2^-32: flushed
/// ```
pub const fn quantize_multiplier(real: f64) -> (i32, i32) {
    if real == 0.0 || !real.is_finite() {
        return (0, 0);
    }
    let (q, mut shift) = frexp(real);
    // q · 2^31 is exact (a power-of-two scaling); rounding it half away
    // from zero is C's `round`.
    let mut m = round_half_away(q * 2147483648.0) as i64;
    if m == 1 << 31 {
        m /= 2;
        shift += 1;
    }
    if shift < -31 {
        return (0, 0);
    }
    (m as i32, shift)
}

/// `x = q · 2^e` with `|q|` in `[0.5, 1)`, for finite nonzero `x` (C's `frexp`).
const fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: scale into the normal range first (exact).
        let (q, e) = frexp(x * 18014398509481984.0); // 2^54
        return (q, e - 54);
    }
    let q = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (q, biased - 1022)
}

/// C's `round` for `|x| < 2^52`: to nearest, ties away from zero.
const fn round_half_away(x: f64) -> f64 {
    let t = x.abs();
    let whole = t as i64 as f64; // truncation, exact below 2^52
    let r = if t - whole >= 0.5 { whole + 1.0 } else { whole };
    if x < 0.0 { -r } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// gemmlowp's definition as written: the sign-dependent nudge and C's
    /// truncating division.
    fn srdhm_gemmlowp(a: i32, b: i32) -> i32 {
        if a == i32::MIN && b == i32::MIN {
            return i32::MAX;
        }
        let ab = a as i64 * b as i64;
        let nudge = if ab >= 0 { 1 << 30 } else { 1 - (1 << 30) };
        ((ab + nudge) / (1i64 << 31)) as i32
    }

    /// The definition written with exact rationals: `p / 2^31` rounded, ties up.
    fn srdhm_exact(a: i32, b: i32) -> i32 {
        let p = a as i128 * b as i128 * 2;
        let q = (p + (1 << 31)).div_euclid(1 << 32);
        q.clamp(i32::MIN as i128, i32::MAX as i128) as i32
    }

    /// `x / 2^e` rounded half away from zero, exactly.
    fn rdbpot_exact(x: i32, e: i32) -> i32 {
        let d = 1i64 << e;
        let (x, sign) = (x as i64, if x < 0 { -1 } else { 1 });
        (sign * ((x.abs() * 2 + d) / (2 * d))) as i32
    }

    fn samples() -> impl Iterator<Item = i32> {
        let edges = [
            0,
            1,
            -1,
            2,
            -2,
            i32::MAX,
            i32::MIN,
            i32::MIN + 1,
            1 << 30,
            -(1 << 30),
        ];
        let mut next = crate::testing::xorshift32(0x9e37_79b9);
        let random = (0..2000).map(move |_| {
            let s = next();
            s as i32 >> (s % 31)
        });
        edges.into_iter().chain(random)
    }

    #[test]
    fn high_mul_matches_exact_rounding() {
        for a in samples() {
            for b in samples().step_by(37) {
                let got = saturating_rounding_doubling_high_mul(a, b);
                assert_eq!(got, srdhm_exact(a, b), "{a} {b}");
                assert_eq!(got, srdhm_gemmlowp(a, b), "{a} {b}");
            }
        }
    }

    /// Edge values of 32-bit multiplication: around 0, the 16-bit halves'
    /// boundaries, the powers of two and the extremes.
    fn edges() -> impl Iterator<Item = i32> {
        let powers = (0..31).flat_map(|k| {
            let p = 1i32 << k;
            [p - 1, p, p + 1, -p - 1, -p, -p + 1]
        });
        let halves = [
            0xffff,
            0x1_0000,
            0x7fff,
            0x8000,
            -0x8000,
            -0x8001,
            0x7fff_0000,
            -0x7fff_0000,
        ];
        let ends = [0, i32::MAX, i32::MAX - 1, i32::MIN, i32::MIN + 1];
        powers.chain(halves).chain(ends)
    }

    #[test]
    fn wide_product_from_halves_is_exact() {
        let check = |a: i32, b: i32| {
            let p = a as i64 * b as i64;
            assert_eq!(wide_product(a, b), ((p >> 32) as i32, p as u32), "{a} {b}");
            if a != i32::MIN || b != i32::MIN {
                let want = ((p + (1 << 30)) >> 31) as i32;
                assert_eq!(rounded_high_from_halves(a, b), want, "{a} {b}");
            }
        };
        for a in edges() {
            for b in edges() {
                check(a, b);
            }
        }
        let mut next = crate::testing::xorshift32(0x2545_f491);
        for _ in 0..1_000_000 {
            let a = next() as i32;
            let b = next();
            check(a, b as i32 >> (b % 32));
        }
    }

    #[test]
    fn divide_by_pot_rounds_half_away() {
        for x in samples() {
            for e in 0..=31 {
                assert_eq!(rounding_divide_by_pot(x, e), rdbpot_exact(x, e), "{x} {e}");
            }
        }
    }

    #[test]
    fn quantize_multiplier_edge_cases() {
        assert_eq!(quantize_multiplier(0.0), (0, 0));
        assert_eq!(quantize_multiplier(1.0), (1 << 30, 1));
        // Just below 1: q · 2^31 rounds up to 2^31, so M = 2^30 and shift + 1.
        let below_one = 1.0 - 2f64.powi(-40);
        assert_eq!(quantize_multiplier(below_one), (1 << 30, 1));
        assert_eq!(quantize_multiplier(2f64.powi(-32)), (1 << 30, -31));
        assert_eq!(quantize_multiplier(2f64.powi(-33)), (0, 0));
        assert_eq!(quantize_multiplier(f64::from_bits(1)), (0, 0));
        assert_eq!(quantize_multiplier(300.0), (300 << 22, 9));
        assert_eq!(quantize_multiplier(f64::NAN), (0, 0));
    }

    #[test]
    fn frexp_and_round_agree_with_libm() {
        for x in [
            1.0,
            0.75,
            3.5e-7,
            123456.789,
            f64::MIN_POSITIVE,
            5e-324,
            -2.5,
        ] {
            let (q, e) = frexp(x);
            assert_eq!((q, e), libm::frexp(x), "{x}");
        }
        for x in [
            0.5,
            1.5,
            2.5,
            -2.5,
            -0.5,
            0.49999999999999994,
            4503599627370495.5,
        ] {
            assert_eq!(round_half_away(x), libm::round(x), "{x}");
        }
    }
}
