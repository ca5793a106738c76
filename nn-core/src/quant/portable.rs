//! What the int8 fully connected layer runs on every target but Arm cores
//! with the DSP extension (whose layer is `crate::arch::dsp`'s): the dot
//! products, two rows per pass over the input where the target has no SIMD
//! registers (the pass in Thumb-1 assembly on Armv6-M,
//! `crate::arch::armv6m`), one row at a time in four lanes elsewhere, and
//! the requantization of one output.

use super::fixed_point::multiply_by_quantized_multiplier;
use super::kernel::{OutputStage, add_products};

impl OutputStage<'_> {
    /// The int8 output of accumulator `acc` on channel `o`'s multiplier and
    /// shift (as TFLite Micro: requantize, add the zero point, clamp).
    #[inline]
    pub(crate) fn apply(&self, acc: i32, multiplier: i32, shift: i32) -> i8 {
        self.finish(multiply_by_quantized_multiplier(acc, multiplier, shift))
    }
}

/// `Σ x[i] · w[i]` over the common length: [`dot_lanes`] where the target
/// has SIMD registers (the compiler vectorizes it), [`dot_unrolled`]
/// elsewhere (a Cortex-M0 keeps one running sum in a register). Integer sums
/// are exact modulo 2^32 in any order, so both give the same bits (tested).
#[inline]
pub(crate) fn dot(x: &[i8], w: &[i8]) -> i32 {
    if VECTOR_REGISTERS {
        dot_lanes(x, w)
    } else {
        dot_unrolled(x, w)
    }
}

/// Targets whose compiler vectorizes [`dot_lanes`]; the others compute two
/// outputs per pass over the input ([`dot_pair`]).
pub(crate) const VECTOR_REGISTERS: bool =
    cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));

/// `[Σ x·w0, Σ x·w1]` over the common length, each input loaded once for
/// both rows: in Thumb-1 assembly on Armv6-M (`crate::arch::armv6m`), as
/// plain multiply-adds elsewhere. The same integers as [`dot`] (tested).
#[inline]
pub(crate) fn dot_pair(x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    #[cfg(all(target_arch = "arm", not(target_feature = "thumb2")))]
    {
        crate::arch::armv6m::dot_pair(x, w0, w1)
    }
    #[cfg(not(all(target_arch = "arm", not(target_feature = "thumb2"))))]
    {
        dot_pair_plain(x, w0, w1)
    }
}

/// [`dot_pair`] without SIMD instructions (the definition the Arm routines
/// of `crate::arch` follow).
#[cfg_attr(target_arch = "arm", allow(dead_code))]
#[inline]
fn dot_pair_plain(x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    let n = x.len().min(w0.len()).min(w1.len());
    let (x, w0, w1) = (&x[..n], &w0[..n], &w1[..n]);
    let (mut s0, mut s1) = (0i32, 0i32);
    for i in 0..n {
        let xi = x[i] as i32;
        s0 = s0.wrapping_add(xi * w0[i] as i32);
        s1 = s1.wrapping_add(xi * w1[i] as i32);
    }
    [s0, s1]
}

/// The dot product in four i32 lanes, four independent sums per step.
#[inline]
fn dot_lanes(x: &[i8], w: &[i8]) -> i32 {
    let (x4, x_rest) = x.as_chunks::<4>();
    let (w4, w_rest) = w.as_chunks::<4>();
    let mut lanes = [0i32; 4];
    for (a, b) in x4.iter().zip(w4) {
        for k in 0..4 {
            lanes[k] = lanes[k].wrapping_add(a[k] as i32 * b[k] as i32);
        }
    }
    let sum = lanes[0]
        .wrapping_add(lanes[1])
        .wrapping_add(lanes[2].wrapping_add(lanes[3]));
    add_products(sum, x_rest, w_rest)
}

/// The dot product with one running sum, four products per step written
/// out (no inner loop for a small core's compiler to keep).
#[inline]
fn dot_unrolled(x: &[i8], w: &[i8]) -> i32 {
    let (x4, x_rest) = x.as_chunks::<4>();
    let (w4, w_rest) = w.as_chunks::<4>();
    let mut sum = 0i32;
    for (a, b) in x4.iter().zip(w4) {
        // Four products of int8 values stay below 2^16 in magnitude.
        let four = a[0] as i32 * b[0] as i32
            + a[1] as i32 * b[1] as i32
            + a[2] as i32 * b[2] as i32
            + a[3] as i32 * b[3] as i32;
        sum = sum.wrapping_add(four);
    }
    add_products(sum, x_rest, w_rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dot_products_agree() {
        let mut next = crate::testing::xorshift32(0x9e37_79b9);
        let (x, w): ([i8; 1000], [i8; 1000]) = (
            core::array::from_fn(|_| next() as i8),
            core::array::from_fn(|_| next() as i8),
        );
        for len in [0, 1, 3, 4, 5, 64, 67, 1000] {
            let (x, w) = (&x[..len], &w[..len]);
            let exact: i64 = x.iter().zip(w).map(|(&a, &b)| a as i64 * b as i64).sum();
            assert_eq!(dot_lanes(x, w) as i64, exact, "{len}");
            assert_eq!(dot_unrolled(x, w) as i64, exact, "{len}");
        }
        let extreme = [i8::MIN; 4096];
        assert_eq!(
            dot_lanes(&extreme, &extreme),
            dot_unrolled(&extreme, &extreme)
        );
    }

    #[test]
    fn dot_pair_equals_dot() {
        let mut next = crate::testing::xorshift32(0x2545_f491);
        let v: [[i8; 67]; 3] = core::array::from_fn(|_| core::array::from_fn(|_| next() as i8));
        for len in [0, 1, 3, 4, 5, 64, 67] {
            let (x, a, b) = (&v[0][..len], &v[1][..len], &v[2][..len]);
            let want = [dot(x, a), dot(x, b)];
            assert_eq!(dot_pair_plain(x, a, b), want, "{len}");
            assert_eq!(dot_pair(x, a, b), want, "{len}");
        }
    }
}
