//! Primitive samplers: uniform, standard normal and truncated normal.
//!
//! Every sampler draws in `f64` and the generic versions round the `f64`
//! result to `F` ([`Float::from_f64`], round to nearest). So an `f32` weight is
//! exactly the `f64` weight of the same seed rounded, and both are the same on
//! every platform: the arithmetic is IEEE `+ - * /` and `libm`'s `log`, `cos`,
//! `exp` and `sqrt`, which are software and deterministic.
//!
//! Random numbers used per sample (this fixes the stream, so it is part of the
//! reproducibility contract): [`uniform`] one `next_u64`; [`standard_normal`]
//! two; [`truncated_standard_normal`] a variable number (rejection).

use nn_core::Float;
use rand_core::RngCore;

/// A uniform `f64` in `[0, 1)` from the top 53 bits of one `next_u64`
/// (every multiple of `2^-53` equally likely).
///
/// ```
/// let mut rng = nn_init::SplitMix64::new(1);
/// let u = nn_init::sample::unit(&mut rng);
/// assert!((0.0..1.0).contains(&u));
/// ```
#[inline]
pub fn unit<R: RngCore + ?Sized>(rng: &mut R) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    (rng.next_u64() >> 11) as f64 * SCALE
}

/// A uniform `f64` in `[low, high)`; `low` if the interval is empty or `low == high`.
///
/// `low + (high - low) * u` can round up to `high`; that value is replaced by
/// the largest `f64` below `high`, so `high` is never returned.
#[inline]
pub fn uniform_f64<R: RngCore + ?Sized>(rng: &mut R, low: f64, high: f64) -> f64 {
    let x = low + (high - low) * unit(rng);
    if low < high && x >= high {
        next_down(high)
    } else if low < high {
        x
    } else {
        low
    }
}

/// A uniform sample in `[low, high)` drawn in `f64` and rounded to `F`.
///
/// For `f64` the result is in `[low, high)`. For `f32`, rounding to nearest
/// can turn a value just below `high` into `high` (probability below `2^-24`),
/// so the result is in `[low, high]`; it is always exactly
/// `uniform_f64(..) as f32` with the same generator state.
///
/// ```
/// let mut rng = nn_init::SplitMix64::new(3);
/// let x: f32 = nn_init::sample::uniform(&mut rng, -0.5, 0.5);
/// assert!((-0.5..=0.5).contains(&x));
/// ```
#[inline]
pub fn uniform<F: Float, R: RngCore + ?Sized>(rng: &mut R, low: F, high: F) -> F {
    F::from_f64(uniform_f64(rng, low.to_f64(), high.to_f64()))
}

/// A standard normal `f64` by the Box–Muller transform (Box & Muller 1958):
/// `sqrt(-2 ln u1) · cos(2π u2)` with `u1` in `(0, 1]` and `u2` in `[0, 1)`.
///
/// Only the cosine half of each pair is used, so a sample depends on exactly
/// two draws and on nothing cached: the stream is easy to reproduce anywhere.
/// The largest possible magnitude is `sqrt(2 · 53 ln 2) ≈ 8.57`.
#[inline]
pub fn standard_normal_f64<R: RngCore + ?Sized>(rng: &mut R) -> f64 {
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)
}

/// A standard normal sample rounded to `F` (see [`standard_normal_f64`]).
#[inline]
pub fn standard_normal<F: Float, R: RngCore + ?Sized>(rng: &mut R) -> F {
    F::from_f64(standard_normal_f64(rng))
}

/// `mean + std · z` with `z` standard normal, computed in `f64`, rounded to `F`.
///
/// ```
/// let mut rng = nn_init::SplitMix64::new(5);
/// let x: f64 = nn_init::sample::normal(&mut rng, 10.0, 0.0);
/// assert_eq!(x, 10.0);
/// ```
#[inline]
pub fn normal<F: Float, R: RngCore + ?Sized>(rng: &mut R, mean: F, std: F) -> F {
    F::from_f64(mean.to_f64() + std.to_f64() * standard_normal_f64(rng))
}

/// A standard normal conditioned on `low <= z <= high` (bounds may be infinite).
///
/// Exact rejection sampling; which proposal depends on the interval, so that
/// the expected number of tries stays small (below 3) for every interval:
/// - both bounds on one side of 0: Robert's (1995) exponential proposal with
///   rate `λ = (a + sqrt(a² + 4)) / 2`, or, when the interval is short
///   (`b² − a² ≤ 2`), a uniform proposal accepted with `exp((a² − z²) / 2)`;
/// - an interval around 0 at least 1 wide: a normal proposal, rejected outside;
/// - a shorter interval around 0: a uniform proposal accepted with `exp(−z²/2)`.
///
/// Never returns a value outside `[low, high]`. If `low >= high` (or a bound
/// is NaN) it returns `low`: a degenerate interval has only that value.
///
/// ```
/// let mut rng = nn_init::SplitMix64::new(11);
/// for _ in 0..1000 {
///     let z = nn_init::sample::truncated_standard_normal(&mut rng, 3.0, 3.5);
///     assert!((3.0..=3.5).contains(&z));
/// }
/// ```
pub fn truncated_standard_normal<R: RngCore + ?Sized>(rng: &mut R, low: f64, high: f64) -> f64 {
    #[allow(clippy::neg_cmp_op_on_partial_ord)] // NaN bounds must take this branch
    if !(low < high) {
        return low;
    }
    let z = if low >= 0.0 {
        one_sided(rng, low, high)
    } else if high <= 0.0 {
        -one_sided(rng, -high, -low)
    } else if high - low >= 1.0 {
        loop {
            let z = standard_normal_f64(rng);
            if low <= z && z <= high {
                break z;
            }
        }
    } else {
        loop {
            let z = uniform_f64(rng, low, high);
            if unit(rng) < libm::exp(-0.5 * z * z) {
                break z;
            }
        }
    };
    z.clamp(low, high)
}

/// `Z | a <= Z <= b` for `0 <= a < b` (`b` may be infinite).
fn one_sided<R: RngCore + ?Sized>(rng: &mut R, a: f64, b: f64) -> f64 {
    if (b - a) * (b + a) <= 2.0 {
        // Uniform proposal; the acceptance probability is at least e^-1.
        loop {
            let z = uniform_f64(rng, a, b);
            if unit(rng) < libm::exp(0.5 * (a * a - z * z)) {
                return z;
            }
        }
    }
    // For a > 1e150, a² + 4 would overflow; there sqrt(a² + 4) == a anyway.
    let rate = if a < 1e150 {
        0.5 * (a + libm::sqrt(a * a + 4.0))
    } else {
        a
    };
    loop {
        let z = a - libm::log(1.0 - unit(rng)) / rate;
        let accept = libm::exp(-0.5 * (z - rate) * (z - rate));
        if unit(rng) < accept && z <= b {
            return z;
        }
    }
}

/// A normal with mean `mean` and standard deviation `std` before truncation,
/// conditioned on `low <= x <= high` (absolute bounds, as PyTorch's
/// `trunc_normal_`), drawn in `f64` and rounded to `F`.
///
/// The bounds hold after rounding: the `f64` sample is clamped to the `F`
/// bounds (which are exact in `f64`), and rounding to nearest is monotone.
/// With `std == 0` the result is `mean` clamped to the bounds.
///
/// ```
/// let mut rng = nn_init::SplitMix64::new(2);
/// let x: f32 = nn_init::sample::truncated_normal(&mut rng, 0.0, 1.0, -2.0, 2.0);
/// assert!((-2.0..=2.0).contains(&x));
/// ```
pub fn truncated_normal<F: Float, R: RngCore + ?Sized>(
    rng: &mut R,
    mean: F,
    std: F,
    low: F,
    high: F,
) -> F {
    F::from_f64(truncated_normal_f64(
        rng,
        mean.to_f64(),
        std.to_f64(),
        low.to_f64(),
        high.to_f64(),
    ))
}

/// [`truncated_normal`] in `f64`.
pub fn truncated_normal_f64<R: RngCore + ?Sized>(
    rng: &mut R,
    mean: f64,
    std: f64,
    low: f64,
    high: f64,
) -> f64 {
    if std > 0.0 && low < high {
        let z = truncated_standard_normal(rng, (low - mean) / std, (high - mean) / std);
        (mean + std * z).clamp(low, high)
    } else if low <= high {
        mean.clamp(low, high)
    } else {
        low
    }
}

/// The largest `f64` below `x` (for finite, non-NaN `x`).
fn next_down(x: f64) -> f64 {
    if x == 0.0 {
        -f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() - 1)
    } else {
        f64::from_bits(x.to_bits() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SplitMix64;

    /// A generator that returns a fixed word, to hit the edges of `[0, 1)`.
    struct Fixed(u64);
    impl RngCore for Fixed {
        fn next_u32(&mut self) -> u32 {
            self.0 as u32
        }
        fn next_u64(&mut self) -> u64 {
            self.0
        }
        fn fill_bytes(&mut self, _: &mut [u8]) {}
    }

    #[test]
    fn unit_spans_zero_to_just_below_one() {
        assert_eq!(unit(&mut Fixed(0)), 0.0);
        assert_eq!(unit(&mut Fixed(u64::MAX)), 1.0 - f64::EPSILON / 2.0);
    }

    #[test]
    fn uniform_never_returns_high_even_when_rounding_up() {
        // 1 + (1 - 2^-53) is a tie between 2 - 2^-52 and 2 and rounds to even: 2.
        assert_eq!(1.0 + (1.0 - f64::EPSILON / 2.0), 2.0);
        let x = uniform_f64(&mut Fixed(u64::MAX), 1.0, 2.0);
        assert_eq!(x, 2.0 - f64::EPSILON);
        assert_eq!(uniform_f64(&mut Fixed(u64::MAX), 2.0, 2.0), 2.0);
    }

    #[test]
    fn extreme_normal_is_finite_and_bounded() {
        // u1 = 2^-53 (the smallest), u2 = 0: the largest sample the transform can give.
        let z = standard_normal_f64(&mut Fixed(u64::MAX));
        assert!(z > 8.5 && z < 8.6, "{z}");
    }

    #[test]
    fn degenerate_truncations_return_the_only_value() {
        let mut rng = SplitMix64::new(0);
        assert_eq!(truncated_standard_normal(&mut rng, 1.0, 1.0), 1.0);
        assert_eq!(truncated_normal_f64(&mut rng, 5.0, 0.0, -1.0, 1.0), 1.0);
        assert!(truncated_standard_normal(&mut rng, f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn absurd_bounds_terminate_inside_the_interval() {
        let mut rng = SplitMix64::new(0);
        assert_eq!(
            truncated_standard_normal(&mut rng, 1e200, f64::INFINITY),
            1e200
        );
        let z = truncated_standard_normal(&mut rng, -1e300, -1e299);
        assert!((-1e300..=-1e299).contains(&z));
        let z = truncated_standard_normal(&mut rng, 1e200, 1e201);
        assert!((1e200..=1e201).contains(&z));
        let z = truncated_standard_normal(&mut rng, 40.0, 40.5);
        assert!((40.0..=40.5).contains(&z));
    }

    #[test]
    fn next_down_steps_one_ulp() {
        assert_eq!(next_down(1.0), 1.0 - f64::EPSILON / 2.0);
        assert_eq!(next_down(-1.0), -1.0 - f64::EPSILON);
        assert!(next_down(0.0) < 0.0);
    }
}
