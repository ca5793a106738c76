//! `e^x` over a slice of `f32`, bit-identical to [`libm::expf`], vectorized.
//!
//! `libm::expf` (libm 0.2.16, the FreeBSD `e_expf.c` algorithm) uses only
//! `f32` multiplies, adds, subtractions, one division, a truncating
//! conversion to `i32` and `scalbnf`. Every lane here performs exactly
//! those operations in the same order, with the three argument-reduction
//! cases chosen by selects instead of branches:
//!
//! - `k = (x/ln2 ± 1/2) as i32` when `|x| > 1.5 ln2`, `k = ±1` when
//!   `0.5 ln2 < |x| <= 1.5 ln2`, `k = 0` otherwise. With `k = 0` the reduction
//!   `hi = x - 0·ln2hi`, `lo = 0·ln2lo` gives `hi = x`, `lo = +0`, the values
//!   `expf` uses in that case, so one formula serves all three;
//! - `scalbnf(y, k)` is the single multiply `y · 2^k` for `-126 <= k <= 127`,
//!   which `x < 87.33655` keeps to above; for `k = 0` the multiply by `1`
//!   returns `y`. Below (`x` in `[-103.97, -87.34]`, subnormal results)
//!   `scalbnf` first multiplies by `2^-102`, exactly, and scales by
//!   `2^(k+102)`: the lanes do the same two multiplies (the first by `1`
//!   elsewhere);
//! - `|x| <= 2^-14` gives `1 + x`, as in `expf`;
//! - `x <= -103.972084` (down to `-∞`) gives `+0`, as in `expf`.
//!
//! Softmax of confident logits hits the last two often. Only the lanes with
//! `x >= 87.33655` (bits `>= 0x42aeac50`: overflow, `+∞`) or NaN take
//! `libm::expf` itself, which only costs when a block of [`LANES`] values
//! holds one. The code is plain
//! Rust over fixed `[f32; 16]` blocks that the compiler vectorizes (SSE2 on
//! a default x86_64 build); on x86_64 the same code is also compiled with
//! AVX2 and AVX-512 enabled, chosen by the selected tier
//! ([`crate::arch::vectorized`]).

use crate::arch::{Kernel, vectorized};

/// Values per block: one AVX-512 register, two AVX2, four SSE2.
pub(crate) const LANES: usize = 16;

// The constants of libm's `expf.rs`, by their bits (its comments give them).
const LN2_HI: f32 = f32::from_bits(0x3f31_7200); // 6.9314575195e-01
const LN2_LO: f32 = f32::from_bits(0x35bf_be8e); // 1.4286067653e-06
const INV_LN2: f32 = f32::from_bits(0x3fb8_aa3b); // 1.4426950216e+00
const P1: f32 = f32::from_bits(0x3e2a_aa8f); // 1.6666625440e-1 = 0xaaaa8f.0p-26
const P2: f32 = f32::from_bits(0xbb35_5215); // -2.7667332906e-3 = -0xb55215.0p-32

/// From here up (and NaN) `expf` overflows or leaves its main path:
/// `x >= 87.33655` (bits `0x42aeac50`).
const SPECIAL_FROM: f32 = f32::from_bits(0x42ae_ac50);
/// `2^-102`: `scalbnf`'s pre-scaling factor for results below the normal
/// range (`2^-126 · 2^24`).
const SUBNORMAL_PRESCALE: f32 = f32::from_bits(0x0c80_0000);
/// From here down to `-∞`, `expf` returns `+0`: `x <= -103.972084`, the
/// negative `x` whose bits are `0xc2cff1b5` or above (up to `-∞`'s).
const ZERO_BELOW: f32 = f32::from_bits(0xc2cf_f1b5);

/// Whether `expf(x)` is `+0` because `x` is that far below zero (a float
/// compare: false for NaN, and it vectorizes on every tier).
#[inline(always)]
fn underflows(x: f32) -> bool {
    x <= ZERO_BELOW
}

/// Whether a lane needs `libm::expf` itself: `x >= 87.33655` (overflow)
/// or NaN (kept with its payload).
#[inline(always)]
fn is_special(x: f32) -> bool {
    x >= SPECIAL_FROM || x.is_nan()
}

/// `|x|` bits above which `k = round(x/ln2)` is computed (1.5 ln2).
const K_ROUND: u32 = 0x3f85_1592;
/// `|x|` bits above which `k = ±1` (0.5 ln2).
const K_ONE: u32 = 0x3eb1_7218;
/// `|x|` bits up to which the result is `1 + x` (2^-14).
const TINY: u32 = 0x3900_0000;

/// Replaces each value by `libm::expf(value)`, bit for bit, on the selected tier.
#[inline]
pub(crate) fn exp_f32(values: &mut [f32]) {
    vectorized::<ExpSlice, _>(values);
}

/// [`exp_f32`] on tier `isa`, capped at what the CPU supports.
#[cfg(test)]
pub(crate) fn exp_f32_on(isa: crate::arch::Isa, values: &mut [f32]) {
    crate::arch::vectorized_on::<ExpSlice, _>(isa, values);
}

/// [`exp_slice`] as a [`Kernel`], compiled per tier.
struct ExpSlice;

impl Kernel<&mut [f32]> for ExpSlice {
    type Output = ();
    #[inline(always)]
    fn run(values: &mut [f32]) {
        exp_slice(values);
    }
}

/// The portable kernel: whole blocks, then the tail padded to a block.
#[inline(always)]
fn exp_slice(values: &mut [f32]) {
    let (blocks, tail) = values.as_chunks_mut::<LANES>();
    for block in blocks {
        exp_block(block);
    }
    if !tail.is_empty() {
        let mut buf = [0.0f32; LANES];
        buf[..tail.len()].copy_from_slice(tail);
        exp_block(&mut buf);
        tail.copy_from_slice(&buf[..tail.len()]);
    }
}

/// One block: every lane through [`exp_lane`], special lanes through libm.
#[inline(always)]
fn exp_block(block: &mut [f32; LANES]) {
    let x = *block;
    let mut special = 0u32;
    for (y, &x) in block.iter_mut().zip(&x) {
        *y = exp_lane(x);
        special |= u32::from(is_special(x));
    }
    if special != 0 {
        for (y, &x) in block.iter_mut().zip(&x) {
            if is_special(x) {
                *y = libm::expf(x);
            }
        }
    }
}

/// `1.5 · 2^23`: adding it rounds an `f32` of magnitude below `2^22` to an
/// integer, which then sits in the low mantissa bits.
const ROUND: f32 = 12_582_912.0;

/// `expf(x)` without branches, exact for every `x < 87.33655` (below
/// [`SPECIAL_FROM`]): subnormal results and the underflow to `+0`
/// included; other lanes give unspecified values.
///
/// `expf` truncates with `as i32` and converts back with `as f32`. Here
/// both happen in float arithmetic, because Rust's saturating `as i32`
/// keeps LLVM from vectorizing: `t + ROUND - ROUND` rounds `t` to the
/// nearest integer (exact for `|t| < 2^22`; here `|t| < 128`), a step
/// towards zero where that went outward gives `trunc(t)`, and the bits of
/// `k + ROUND` hold `k` in their low bits for the scale `2^k`.
#[inline(always)]
fn exp_lane(x: f32) -> f32 {
    let bits = x.to_bits();
    let hx = bits & 0x7fff_ffff;
    let sign = bits & 0x8000_0000;
    // `(INV_LN2 * x + HALF[sign]) as i32 as f32`, HALF[sign] = ±0.5.
    let t = INV_LN2 * x + f32::from_bits(0x3f00_0000 | sign);
    let nearest = (t + ROUND) - ROUND;
    let outward = nearest.to_bits() & 0x7fff_ffff > t.to_bits() & 0x7fff_ffff;
    let toward_zero = f32::from_bits(if outward { 0x3f80_0000 | sign } else { 0 });
    let k_round = nearest - toward_zero;
    // `k as f32` of the three cases (`1 - sign - sign` is `±1`).
    let kf = if hx > K_ROUND {
        k_round
    } else if hx > K_ONE {
        f32::from_bits(0x3f80_0000 | sign)
    } else {
        0.0
    };
    let hi = x - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * P2);
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // scalbnf(y, k): for k < -126 (x in [-103.97, -87.34], a subnormal
    // result) it first multiplies by 2^-102, exactly, and adds 102 to k;
    // then it multiplies by the normal power of two 2^k, whose exponent
    // field is `k + 127`: the low 9 bits of `(kf + ROUND)`'s bits are those
    // of `k` (the other bits shift out).
    let below_normal = kf < -126.0;
    let pre = if below_normal {
        SUBNORMAL_PRESCALE
    } else {
        1.0
    };
    let kf = if below_normal { kf + 102.0 } else { kf };
    let scale = f32::from_bits((kf + ROUND).to_bits().wrapping_add(127) << 23);
    if underflows(x) {
        0.0
    } else if hx > TINY {
        y * pre * scale
    } else {
        1.0 + x
    }
}

#[cfg(test)]
mod tests;
