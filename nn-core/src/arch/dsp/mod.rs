//! The int8 fully connected layer on Arm cores with the DSP extension
//! (Armv7E-M: Cortex-M4, M7, M33 with DSP).
//!
//! Per block of outputs the input vector is widened to 16-bit lanes, then
//! each pair of rows runs one loop of `SMLAD`s (two multiply-adds per
//! instruction) from the bias, and each output is requantized without a
//! branch (`SMULL`, `QDADD` and a rounding shift whose carry does the
//! rounding). The same algorithm runs on every target: with the
//! instructions (inline assembly) where `target_feature = "dsp"`, with
//! their portable definitions elsewhere, so that the host tests check it
//! bit for bit against the portable kernel.

mod buffers;
mod dot;
mod insn;
mod requant;

use core::mem::MaybeUninit;

use crate::quant::OutputStage;
use crate::quant::kernel::add_products;
use buffers::{copy, widen};
use dot::{accumulate, accumulate_in_place};
use requant::requantize;

/// Inputs widened at a time, into a buffer on the stack (256 bytes).
const WIDE_INPUTS: usize = 128;

/// Outputs accumulated at a time, into a buffer on the stack (128 bytes).
const BLOCK: usize = 32;

/// [`fully_connected`](crate::quant::fully_connected) on `bias` and `y` of
/// one length, `stage.multiplier` and `stage.shift` at least as long, and
/// `weights` at least `x.len()` times as long; the same integers: per
/// block of [`BLOCK`] outputs, the [`sums`], then their requantization.
#[inline]
pub(crate) fn fully_connected(
    x: &[i8],
    weights: &[i8],
    bias: &[i32],
    stage: &OutputStage<'_>,
    y: &mut [i8],
) {
    let mut buffer = [MaybeUninit::uninit(); WIDE_INPUTS / 2];
    let mut block = [MaybeUninit::uninit(); BLOCK];
    let (multiplier, shift) = (stage.multiplier.chunks(BLOCK), stage.shift.chunks(BLOCK));
    let blocks = y
        .chunks_mut(BLOCK)
        .zip(bias.chunks(BLOCK))
        .zip(multiplier.zip(shift));
    for (b, ((y, bias), (multiplier, shift))) in blocks.enumerate() {
        let rows = weights.get(b * BLOCK * x.len()..).unwrap_or_default();
        let Some(sums) = sums(x, rows, bias, &mut buffer, &mut block) else {
            return;
        };
        let stage = OutputStage {
            multiplier,
            shift,
            ..*stage
        };
        finish(&stage, sums, y);
    }
}

/// `bias[r] + Σ_i x[i] · rows[r · x.len() + i]` for every `r` below
/// `bias.len()` (at most [`BLOCK`]), in `block`: the first multiple of 16
/// inputs in chunks of [`WIDE_INPUTS`], each widened into `buffer` and
/// [`accumulate`]d (the first from the bias, the others in place), then
/// the rest one multiply-add at a time. `None` if `rows` is too short.
#[inline(always)]
fn sums<'a>(
    x: &[i8],
    rows: &[i8],
    bias: &[i32],
    buffer: &mut [MaybeUninit<u32>; WIDE_INPUTS / 2],
    block: &'a mut [MaybeUninit<i32>; BLOCK],
) -> Option<&'a mut [i32]> {
    let n = x.len();
    let n16 = n & !15;
    let (x16, x_rest) = x.split_at(n16);
    let block = &mut block[..bias.len().min(BLOCK)];
    let mut chunks = x16.chunks(WIDE_INPUTS);
    let sums = match chunks.next() {
        None => copy(bias, block),
        Some(chunk) => accumulate(widen(chunk, buffer), rows, n, bias, block)?,
    };
    for (c, chunk) in chunks.enumerate() {
        let columns = rows.get((c + 1) * WIDE_INPUTS..).unwrap_or_default();
        accumulate_in_place(widen(chunk, buffer), columns, n, sums)?;
    }
    if !x_rest.is_empty() {
        for (sum, row) in sums.iter_mut().zip(rows.chunks(n)) {
            *sum = add_products(*sum, x_rest, row.get(n16..).unwrap_or_default());
        }
    }
    Some(sums)
}

/// The int8 outputs `y` of the `sums` (requantized with `stage`).
#[inline]
fn finish(stage: &OutputStage<'_>, sums: &[i32], y: &mut [i8]) {
    let each = y
        .iter_mut()
        .zip(sums)
        .zip(stage.multiplier)
        .zip(stage.shift);
    for (((y, &sum), &m), &s) in each {
        *y = stage.finish(requantize(sum, m, s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::fully_connected as portable;

    #[test]
    fn equals_the_portable_kernel() {
        let mut next = crate::testing::xorshift32(0x2545_f491);
        const OUT: usize = 70;
        let x: [i8; 300] = core::array::from_fn(|_| next() as i8);
        let w: [i8; 300 * OUT] = core::array::from_fn(|_| next() as i8);
        let bias: [i32; OUT] = core::array::from_fn(|_| next() as i32 >> 12);
        let multiplier: [i32; OUT] = core::array::from_fn(|_| (next() | 1 << 30) as i32 & i32::MAX);
        let shifts = [-9, -12, -1, 0, 2, -31, -14];
        let shift: [i32; OUT] = core::array::from_fn(|o| shifts[o % shifts.len()]);
        let counts = (0..=7).chain([31, 32, 33, 64, 65, OUT]);
        for n in [0, 1, 5, 15, 16, 17, 31, 32, 64, 100, 128, 129, 144, 300] {
            for outputs in counts.clone() {
                let stage = OutputStage {
                    multiplier: &multiplier[..outputs],
                    shift: &shift[..outputs],
                    zero_point: -3,
                    min: -100,
                    max: 120,
                };
                let (x, w, b) = (&x[..n], &w[..n * outputs], &bias[..outputs]);
                let (mut want, mut got) = ([0i8; OUT], [0i8; OUT]);
                portable(x, w, b, &stage, &mut want[..outputs]);
                fully_connected(x, w, b, &stage, &mut got[..outputs]);
                assert_eq!(got, want, "{n} {outputs}");
            }
        }
    }
}
