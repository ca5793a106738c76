//! int8 fully connected layers with edge-case parameters, run by nn-core's
//! slice kernel (`nn_core::quant::fully_connected`) on the host by
//! `build.rs`, which writes the outputs into `$OUT_DIR/int8_edges.rs`, and
//! on the device by the `digits_int8` program, which compares them byte for
//! byte. The host runs the portable kernel; the device its own (assembly on
//! the Cortex-M4F and M0), so this checks the device kernels on what the
//! Digits model never reaches:
//!
//! - more than one chunk of widened inputs (150 > 128), more than one
//!   block of outputs (67 > 32), odd output counts, inputs past the last
//!   multiple of 16, no inputs at all;
//! - inputs and weights at odd addresses;
//! - sums that wrap, ties of every rounding shift (small values, shifts
//!   −1 to −4), requantization shifts of 0, positive and out of range
//!   (taken modulo 32), multipliers of 0, negative and `i32::MIN` (the
//!   saturated `SaturatingRoundingDoublingHighMul`), clamps of every kind.

use nn_core::quant::{OutputStage, fully_connected};

/// Inputs of the largest case.
const N: usize = 150;
/// Outputs of the largest case.
const OUT: usize = 67;

/// `len` pseudo-random int8 values (xorshift32 from `seed`) in
/// `[-range, range - 1]` (`range` a power of two up to 128).
const fn noise<const LEN: usize>(mut seed: u32, range: i32) -> [i8; LEN] {
    let mut out = [0i8; LEN];
    let mut i = 0;
    while i < LEN {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        out[i] = ((seed >> 24) as i8 as i32 * range / 128) as i8;
        i += 1;
    }
    out
}

/// Bytes at a word-aligned address: rows of a multiple of four bytes from
/// here are word-aligned (the DSP kernel's `LDRD` loop), at an odd offset
/// they are not (its `LDR` loop).
#[repr(C, align(4))]
struct Aligned<const LEN: usize>([i8; LEN]);

/// Weights of the largest case plus one byte, for a view at an odd address.
static WEIGHTS: Aligned<{ N * OUT + 1 }> = Aligned(noise(0x9e37_79b9, 128));
/// Small weights (ties of the rounding shifts are frequent).
static SMALL_WEIGHTS: Aligned<{ 64 * 33 + 1 }> = Aligned(noise(0x2545_f491, 4));
/// Inputs plus one byte, for a view at an odd address.
static X: [i8; N + 1] = noise(0x1234_5678, 128);
/// Small inputs.
static SMALL_X: [i8; 65] = noise(0x0bad_cafe, 4);

/// Biases: random in `[-2^(31 - bits), 2^(31 - bits))`, and the extremes.
const fn biases(bits: u32) -> [i32; OUT] {
    let mut out = [0i32; OUT];
    let mut seed = 0xdead_beef_u32;
    let mut o = 0;
    while o < OUT {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        out[o] = match o % 11 {
            3 => i32::MIN,
            7 => i32::MAX,
            _ => (seed as i32) >> bits,
        };
        o += 1;
    }
    out
}
static BIAS: [i32; OUT] = biases(15);
static SMALL_BIAS: [i32; OUT] = biases(25);

/// Q31 multipliers (as `quantize_multiplier` makes them, in `[2^30, 2^31)`)
/// and the unusual ones: 0, 1, negative, `i32::MIN`, `i32::MAX`.
const fn multipliers() -> [i32; OUT] {
    let mut out = [0i32; OUT];
    let mut seed = 0x0f1e_2d3c_u32;
    let mut o = 0;
    while o < OUT {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        out[o] = match o % 13 {
            2 => 0,
            3 => i32::MIN,
            6 => i32::MAX,
            9 => -((seed >> 1) as i32),
            11 => 1,
            _ => ((seed >> 1) | 1 << 30) as i32,
        };
        o += 1;
    }
    out
}
static MULTIPLIER: [i32; OUT] = multipliers();

/// Shifts: mostly `base` to `base − 2` (outputs inside the int8 range),
/// every fourth channel 0, positive, −31 or out of range.
const fn shifts(base: i32) -> [i32; OUT] {
    const ODD: [i32; 9] = [0, 1, 30, 31, -31, 40, -40, i32::MIN, i32::MAX];
    let mut out = [0i32; OUT];
    let mut o = 0;
    while o < OUT {
        out[o] = if o % 4 == 1 {
            ODD[(o / 4) % ODD.len()]
        } else {
            base - (o % 3) as i32
        };
        o += 1;
    }
    out
}
static SHIFT: [i32; OUT] = shifts(-12);
static SMALL_SHIFT: [i32; OUT] = shifts(-1);

/// One case: inputs, weights, bias, requantization, output count.
struct Case {
    x: &'static [i8],
    weights: &'static [i8],
    bias: &'static [i32],
    shift: &'static [i32],
    zero_point: i32,
    min: i8,
    max: i8,
    outputs: usize,
}

/// Bytes of output of all cases.
pub const OUTPUTS: usize = 67 + 66 + 33 + 33 + 31 + 5 + 17 + 64 + 3;

/// Runs every case, handing each one's outputs to `report`.
pub fn run(report: &mut dyn FnMut(&[i8])) {
    let cases = [
        // Two chunks of widened inputs, three blocks of outputs, 6 inputs
        // past the last multiple of 16, an odd output count, ReLU.
        Case {
            x: &X[..N],
            weights: &WEIGHTS.0[..N * OUT],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: -20,
            min: -20,
            max: 127,
            outputs: OUT,
        },
        // Inputs and weights at odd addresses, no clamp but int8's.
        Case {
            x: &X[1..],
            weights: &WEIGHTS.0[1..],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: 5,
            min: -128,
            max: 127,
            outputs: 66,
        },
        // Small values: ties of the rounding shifts; ReLU6-like clamp.
        Case {
            x: &SMALL_X[..64],
            weights: &SMALL_WEIGHTS.0[..64 * 33],
            bias: &SMALL_BIAS,
            shift: &SMALL_SHIFT,
            zero_point: 3,
            min: 3,
            max: 60,
            outputs: 33,
        },
        // The same at odd addresses, 64 inputs still.
        Case {
            x: &SMALL_X[1..],
            weights: &SMALL_WEIGHTS.0[1..],
            bias: &SMALL_BIAS,
            shift: &SMALL_SHIFT,
            zero_point: 0,
            min: -128,
            max: 127,
            outputs: 33,
        },
        // Extremes: every product 128 · 128, sums that wrap.
        Case {
            x: &[i8::MIN; 144],
            weights: &[i8::MIN; 144 * 31],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: 0,
            min: -128,
            max: 127,
            outputs: 31,
        },
        // No inputs: the outputs requantize the bias alone; channel 3 is
        // i32::MIN times multiplier i32::MIN, the saturated product.
        Case {
            x: &[],
            weights: &[],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: 0,
            min: -128,
            max: 127,
            outputs: 5,
        },
        // Fewer than 16 inputs: no widened part.
        Case {
            x: &X[..7],
            weights: &WEIGHTS.0[..7 * 17],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: 0,
            min: -50,
            max: 50,
            outputs: 17,
        },
        // One chunk of 32 inputs, two blocks of outputs.
        Case {
            x: &X[..32],
            weights: &WEIGHTS.0[..32 * 64],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: 0,
            min: -128,
            max: 127,
            outputs: 64,
        },
        // Bounds with min > max (every output is max).
        Case {
            x: &X[..16],
            weights: &WEIGHTS.0[..16 * 3],
            bias: &BIAS,
            shift: &SHIFT,
            zero_point: 0,
            min: 10,
            max: -10,
            outputs: 3,
        },
    ];
    for c in &cases {
        let stage = OutputStage {
            multiplier: &MULTIPLIER[..c.outputs],
            shift: &c.shift[..c.outputs],
            zero_point: c.zero_point,
            min: c.min,
            max: c.max,
        };
        let mut y = [0i8; OUT];
        let y = &mut y[..c.outputs];
        fully_connected(c.x, c.weights, &c.bias[..c.outputs], &stage, y);
        report(y);
    }
}
