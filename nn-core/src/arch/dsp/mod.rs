//! The int8 fully connected layer on Arm cores with the DSP extension
//! (Armv7E-M: Cortex-M4, M7, M33 with DSP).
//!
//! Per layer the input vector is widened once to 16-bit lanes, then each
//! pair of rows runs one loop of `SMLAD`s (two multiply-adds per
//! instruction) from the bias, and each output is requantized without a
//! branch (`SMULL`, `QDADD` and a rounding shift whose carry does the
//! rounding). The same algorithm runs on every target: with the
//! instructions (inline assembly) where `target_feature = "dsp"`, with
//! their portable definitions elsewhere, so that the host tests check it
//! bit for bit against the portable kernel.

mod dot;
mod insn;
mod requant;

use core::mem::MaybeUninit;

use crate::quant::OutputStage;
use dot::{dot_pair_narrow, dot_pair_wide, widen};
use requant::requantize;

/// Inputs a layer widens once into a buffer on the stack (256 bytes); a
/// layer with more widens them again for each pair of rows.
const WIDE_INPUTS: usize = 128;

/// [`fully_connected`](crate::quant::fully_connected) on slices of
/// consistent lengths (`bias`, `stage.multiplier`, `stage.shift` and `y`
/// of one length, `weights` at least `x.len()` times as long), the same
/// integers.
///
/// The first multiple of 16 inputs goes through the `SMLAD` loops, the
/// rest one multiply-add at a time; an odd last output runs the pair loop
/// on its row twice.
#[inline]
pub(crate) fn fully_connected(
    x: &[i8],
    weights: &[i8],
    bias: &[i32],
    stage: &OutputStage<'_>,
    y: &mut [i8],
) {
    let n16 = x.len() & !15;
    if n16 > WIDE_INPUTS {
        let x16 = &x[..n16];
        return layer(x, weights, bias, stage, y, |w0, w1, acc| {
            dot_pair_narrow(x16, w0, w1, acc)
        });
    }
    let mut buffer = [MaybeUninit::uninit(); WIDE_INPUTS / 2];
    let wide = widen(&x[..n16], &mut buffer);
    layer(x, weights, bias, stage, y, |w0, w1, acc| {
        dot_pair_wide(wide, w0, w1, acc)
    })
}

/// The layer with `dot` for the first multiple of 16 inputs of two rows.
#[inline(always)]
fn layer(
    x: &[i8],
    weights: &[i8],
    bias: &[i32],
    stage: &OutputStage<'_>,
    y: &mut [i8],
    dot: impl Fn(&[i8], &[i8], [i32; 2]) -> [i32; 2],
) {
    let n = x.len();
    let n16 = n & !15;
    let x_rest = &x[n16..];
    let out = |acc: i32, m: i32, s: i32| stage.finish(requantize(acc, m, s));
    let (multiplier, shift) = (stage.multiplier, stage.shift);
    if n == 0 {
        let each = y.iter_mut().zip(bias).zip(multiplier).zip(shift);
        each.for_each(|(((y, &b), &m), &s)| *y = out(b, m, s));
        return;
    }
    let pair = |w0: &[i8], w1: &[i8], acc: [i32; 2]| -> [i32; 2] {
        let [s0, s1] = dot(w0, w1, acc);
        [rest(s0, x_rest, &w0[n16..]), rest(s1, x_rest, &w1[n16..])]
    };
    let last = y.len() & !1;
    let mut ys = y.chunks_exact_mut(2);
    let (mut bs, mut ms, mut ss) = (
        bias.chunks_exact(2),
        multiplier.chunks_exact(2),
        shift.chunks_exact(2),
    );
    let each = ys
        .by_ref()
        .zip(bs.by_ref())
        .zip(ms.by_ref())
        .zip(ss.by_ref());
    for ((((y, b), m), s), w) in each.zip(weights.chunks_exact(2 * n)) {
        let (w0, w1) = w.split_at(n);
        let [s0, s1] = pair(w0, w1, [b[0], b[1]]);
        y[0] = out(s0, m[0], s[0]);
        y[1] = out(s1, m[1], s[1]);
    }
    let odd = (
        ys.into_remainder(),
        bs.remainder(),
        ms.remainder(),
        ss.remainder(),
    );
    if let ([y], [b], [m], [s]) = odd {
        if let Some(w) = weights.get(last * n..last * n + n) {
            *y = out(pair(w, w, [*b; 2])[0], *m, *s);
        }
    }
}

/// `sum` plus the products of the inputs past the last multiple of 16.
#[inline]
fn rest(sum: i32, x: &[i8], w: &[i8]) -> i32 {
    x.iter()
        .zip(w)
        .fold(sum, |s, (&a, &b)| s.wrapping_add(a as i32 * b as i32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::fully_connected as portable;

    #[test]
    fn equals_the_portable_kernel() {
        let mut s = 0x2545_f491_u32;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        };
        let x: [i8; 300] = core::array::from_fn(|_| next() as i8);
        let w: [i8; 300 * 7] = core::array::from_fn(|_| next() as i8);
        let bias: [i32; 7] = core::array::from_fn(|_| next() as i32 >> 12);
        let multiplier: [i32; 7] = core::array::from_fn(|_| (next() | 1 << 30) as i32 & i32::MAX);
        let shift: [i32; 7] = [-9, -12, -1, 0, 2, -31, -14];
        for n in [0, 1, 5, 15, 16, 17, 31, 32, 64, 100, 128, 129, 144, 300] {
            for outputs in 0..=7 {
                let stage = OutputStage {
                    multiplier: &multiplier[..outputs],
                    shift: &shift[..outputs],
                    zero_point: -3,
                    min: -100,
                    max: 120,
                };
                let (x, w, b) = (&x[..n], &w[..n * outputs], &bias[..outputs]);
                let (mut want, mut got) = ([0i8; 7], [0i8; 7]);
                portable(x, w, b, &stage, &mut want[..outputs]);
                fully_connected(x, w, b, &stage, &mut got[..outputs]);
                assert_eq!(got, want, "{n} {outputs}");
            }
        }
    }
}
