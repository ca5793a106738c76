//! The int8 fully connected kernel on slices, shared by the typed
//! [`QDense`](super::QDense) and nn-std's runtime-shaped int8 network.
//!
//! `acc[o] = Σ_i (x[i] − zp_in) · w[o][i] + bias[o]` in i32, then
//! [`multiply_by_quantized_multiplier`](super::multiply_by_quantized_multiplier),
//! `+ zp_out` and the activation clamp: TFLite Micro's
//! `reference_integer_ops::FullyConnected` bit for bit. As in CMSIS-NN,
//! `−zp_in · Σ_i w[o][i]` is folded into the bias once
//! ([`fold_input_zero_point`]), so the inner loop is a plain int8 dot
//! product (`super::portable`'s; on Arm cores with the DSP extension the
//! whole layer is `crate::arch::dsp`'s). Sums wrap modulo 2^32 (never
//! panic); TFLite's exact sums, which never overflow on real models, are
//! then reproduced exactly.

/// How a layer's i32 accumulators become int8 outputs: per output channel a
/// Q31 multiplier and shift (see [`quantize_multiplier`](super::quantize_multiplier)),
/// then the output zero point and the activation clamp `[min, max]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputStage<'a> {
    /// Q31 multiplier per output.
    pub multiplier: &'a [i32],
    /// Shift per output (positive: left), in `-31..=30`.
    pub shift: &'a [i32],
    /// Output zero point.
    pub zero_point: i32,
    /// Lower clamp (the fused activation's bound).
    pub min: i8,
    /// Upper clamp.
    pub max: i8,
}

impl OutputStage<'_> {
    /// The int8 output of a requantized accumulator: plus the zero point
    /// (saturating), clamped to `[min, max]`.
    #[inline(always)]
    pub(crate) fn finish(&self, requantized: i32) -> i8 {
        let y = requantized.saturating_add(self.zero_point);
        // max then min, not `clamp`, which panics when `min > max`.
        y.max(self.min as i32).min(self.max as i32) as i8
    }
}

/// `bias − input_zero_point · Σ row`: the bias with the input zero point's
/// contribution folded in, so that `Σ x·w + folded == Σ (x − zp)·w + bias`
/// (modulo 2^32). `const`, so that typed layers fold at compile time.
///
/// ```
/// use nn_core::quant::fold_input_zero_point;
/// assert_eq!(fold_input_zero_point(&[1, -2, 3], 10, -5), 10 + 5 * 2);
/// ```
pub const fn fold_input_zero_point(row: &[i8], bias: i32, input_zero_point: i32) -> i32 {
    let mut sum = 0i32;
    let mut i = 0;
    while i < row.len() {
        sum = sum.wrapping_add(row[i] as i32);
        i += 1;
    }
    bias.wrapping_sub(input_zero_point.wrapping_mul(sum))
}

/// `sum` plus `Σ x[i] · w[i]` over the common length, one product at a
/// time (wrapping): the inputs that a kernel's wider loop leaves over.
#[inline]
pub(crate) fn add_products(sum: i32, x: &[i8], w: &[i8]) -> i32 {
    x.iter()
        .zip(w)
        .fold(sum, |s, (&a, &b)| s.wrapping_add(a as i32 * b as i32))
}

/// One int8 fully connected layer,
/// `y[o] = clamp(requant(Σ_i x[i] · w[o][i] + bias[o]) + zp_out)`, with
/// `weights` row-major `[y.len()][x.len()]` and `bias` already folded
/// ([`fold_input_zero_point`]).
///
/// The caller gives consistent lengths (`weights.len() == x.len() · y.len()`,
/// `bias`, `stage.multiplier` and `stage.shift` of length `y.len()`); with
/// shorter slices the missing outputs are left unchanged, never a panic.
///
/// ```
/// use nn_core::quant::{fully_connected, OutputStage};
/// let (w, x) = ([1i8, 2, -1, 1], [10i8, 20]);
/// let stage = OutputStage { multiplier: &[1 << 30; 2], shift: &[0; 2], zero_point: 0, min: 0, max: 127 };
/// let mut y = [0i8; 2];
/// fully_connected(&x, &w, &[2, 0], &stage, &mut y);
/// assert_eq!(y, [26, 5]); // (50 + 2) / 2 and 10 / 2
/// ```
#[inline]
pub fn fully_connected(
    x: &[i8],
    weights: &[i8],
    bias: &[i32],
    stage: &OutputStage<'_>,
    y: &mut [i8],
) {
    let n = x.len();
    let rows = weights.len().checked_div(n).unwrap_or(usize::MAX);
    let outputs = y
        .len()
        .min(bias.len())
        .min(stage.multiplier.len())
        .min(stage.shift.len())
        .min(rows);
    let (y, bias) = (&mut y[..outputs], &bias[..outputs]);
    let (multiplier, shift) = (&stage.multiplier[..outputs], &stage.shift[..outputs]);
    // Arm cores with the DSP extension: the layer of `crate::arch::dsp`.
    #[cfg(all(target_arch = "arm", target_feature = "dsp"))]
    {
        let stage = OutputStage {
            multiplier,
            shift,
            ..*stage
        };
        crate::arch::dsp::fully_connected(x, weights, bias, &stage, y);
    }
    // Elsewhere: two rows per pass (one on SIMD targets), then requantize.
    #[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
    {
        use super::portable::{VECTOR_REGISTERS, dot, dot_pair};
        let row = |o: usize| &weights[o * n..o * n + n];
        let requantize =
            |c: usize, sum: i32| stage.apply(sum.wrapping_add(bias[c]), multiplier[c], shift[c]);
        let mut o = 0;
        if !VECTOR_REGISTERS {
            while o + 1 < outputs {
                let [s0, s1] = dot_pair(x, row(o), row(o + 1));
                y[o] = requantize(o, s0);
                y[o + 1] = requantize(o + 1, s1);
                o += 2;
            }
        }
        for (c, y) in y.iter_mut().enumerate().skip(o) {
            *y = requantize(c, dot(x, row(c)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverted_bounds_do_not_panic() {
        let stage = OutputStage {
            multiplier: &[1 << 30],
            shift: &[0],
            zero_point: 0,
            min: 5,
            max: -5,
        };
        let mut y = [0i8];
        fully_connected(&[1], &[1], &[0], &stage, &mut y);
        assert_eq!(y, [-5]);
    }
}
