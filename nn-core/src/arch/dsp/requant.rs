//! TensorFlow Lite's requantization with the DSP extension: the same
//! integers as [`multiply_by_quantized_multiplier`], without its branches
//! and 64-bit additions.
//!
//! [`multiply_by_quantized_multiplier`]: crate::quant::multiply_by_quantized_multiplier

use super::insn::{qdadd, rounding_shift};

/// `multiply_by_quantized_multiplier(acc, multiplier, shift)` for every
/// `i32` input (shifts outside `-31..=30` included, taken modulo 32 as
/// there), in about ten instructions:
///
/// 1. `a = acc << max(shift, 0)`, wrapping;
/// 2. gemmlowp's `SaturatingRoundingDoublingHighMul(a, multiplier)`,
///    `(a·m + 2^30) >> 31`, as `2·high + ⌊(low + 2^30) / 2^31⌋` from the
///    halves of `a·m` (`SMULL`): the second term is bit 31 plus bit 30 of
///    `low`, and `QDADD` doubles `high` and adds it, saturating. Only
///    `a = m = i32::MIN` gives `high = 2^30`, whose doubling saturates to
///    `i32::MAX`: gemmlowp's one saturated case. Every other product lies
///    in `[−2^62 + 2^31, 2^62 − 2^31]`, where nothing saturates and the
///    result is never `i32::MIN`;
/// 3. gemmlowp's `RoundingDivideByPOT` by `max(−shift, 0)`
///    ([`rounding_shift`], which needs that result to differ from
///    `i32::MIN`).
#[inline(always)]
pub(super) fn requantize(acc: i32, multiplier: i32, shift: i32) -> i32 {
    let left = shift & !(shift >> 31);
    let right = left.wrapping_sub(shift);
    let product = acc.wrapping_shl(left as u32) as i64 * multiplier as i64;
    let (high, low) = ((product >> 32) as i32, product as u32);
    let round = (low >> 31) + (low >> 30 & 1);
    rounding_shift(qdadd(round as i32, high), right as u32 & 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::multiply_by_quantized_multiplier;

    /// Accumulators and multipliers at the edges: around 0, the powers of
    /// two and their neighbours (ties of every shift), the extremes.
    fn edges() -> impl Iterator<Item = i32> + Clone {
        let powers = (0..31).flat_map(|k| {
            let p = 1i32 << k;
            [
                p - 1,
                p,
                p + 1,
                -p - 1,
                -p,
                -p + 1,
                p | p >> 1,
                -(p | p >> 1),
            ]
        });
        powers.chain([0, i32::MAX, i32::MAX - 1, i32::MIN, i32::MIN + 1])
    }

    /// Shifts of every valid layer, some beyond (taken modulo 32) and the
    /// extremes.
    fn shifts() -> impl Iterator<Item = i32> {
        (-40..=40).chain([i32::MIN, i32::MIN + 1, i32::MAX, 1000, -1000])
    }

    #[test]
    fn equals_tflite_on_edge_values() {
        for acc in edges() {
            for multiplier in edges() {
                for shift in shifts() {
                    let want = multiply_by_quantized_multiplier(acc, multiplier, shift);
                    let got = requantize(acc, multiplier, shift);
                    assert_eq!(got, want, "{acc} {multiplier} {shift}");
                }
            }
        }
    }

    #[test]
    fn equals_tflite_on_random_values() {
        let mut next = crate::testing::xorshift32(0x9e37_79b9);
        for _ in 0..2_000_000 {
            let acc = next() as i32 >> (next() % 32);
            // Q31 multipliers as quantize_multiplier makes them, and any.
            let multiplier = match next() % 4 {
                0 => next() as i32,
                _ => (next() | 1 << 30) as i32 & i32::MAX,
            };
            let shift = (next() % 62) as i32 - 31;
            let want = multiply_by_quantized_multiplier(acc, multiplier, shift);
            assert_eq!(
                requantize(acc, multiplier, shift),
                want,
                "{acc} {multiplier} {shift}"
            );
        }
    }
}
