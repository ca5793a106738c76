//! The scalar trait every layer, loss and optimizer is generic over.
//!
//! All transcendental functions go through [`libm`] directly, never through
//! `std` or `num-traits`' std backend, so results are bit-identical on a host
//! and on a microcontroller.

use core::fmt::{Debug, Display};
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A floating-point scalar (`f32` or `f64`) with its math backed by `libm`.
///
/// ```
/// use nn_core::Float;
/// fn softplus<F: Float>(x: F) -> F {
///     x.max(F::ZERO) + (-x.abs()).exp().ln_1p()
/// }
/// assert!((softplus(0.0f64) - core::f64::consts::LN_2).abs() < 1e-15);
/// ```
pub trait Float:
    Copy
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + Display
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + num_traits::Zero
    + num_traits::One
{
    /// `0`.
    const ZERO: Self;
    /// `1`.
    const ONE: Self;
    /// `0.5`.
    const HALF: Self;
    /// `2`.
    const TWO: Self;
    /// Positive infinity.
    const INFINITY: Self;
    /// Negative infinity.
    const NEG_INFINITY: Self;
    /// Machine epsilon.
    const EPSILON: Self;
    /// Largest finite value.
    const MAX: Self;
    /// Smallest positive normal value.
    const MIN_POSITIVE: Self;
    /// A quiet NaN.
    const NAN: Self;
    /// Size of the scalar in bytes (4 or 8).
    const BYTES: usize;
    /// Type name as written in Rust (`"f32"` or `"f64"`).
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest.
    fn from_f64(v: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// Converts a count, rounding to nearest.
    fn from_usize(n: usize) -> Self;
    /// `e^self`.
    fn exp(self) -> Self;
    /// `e^self - 1`, accurate near 0.
    fn exp_m1(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + self)`, accurate near 0.
    fn ln_1p(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// `self^n` for a float exponent.
    fn powf(self, n: Self) -> Self;
    /// `self^n` for an integer exponent (by `libm::pow`, exact for small `n`).
    fn powi(self, n: i32) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Fused multiply-add `self * a + b` with one rounding.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// Raw bits widened to `u64` (for bit-identity checks).
    fn to_bits_u64(self) -> u64;
    /// Whether this is NaN.
    fn is_nan(self) -> bool;
    /// Whether this is neither NaN nor infinite.
    fn is_finite(self) -> bool;

    /// Replaces each value by `Self::exp(value)`, bit for bit.
    ///
    /// For `f32` this is vectorized (on x86_64 with AVX2 or AVX-512 when the
    /// CPU has them) and still gives exactly the bits of `libm::expf` for
    /// every input, NaN payloads included; for `f64` it is the scalar loop.
    ///
    /// ```
    /// use nn_core::Float;
    /// let mut v = [-30.0f32, -1.5, 0.0, 0.25, 100.0];
    /// f32::exp_in_place(&mut v);
    /// for (y, x) in v.iter().zip([-30.0f32, -1.5, 0.0, 0.25, 100.0]) {
    ///     assert_eq!(y.to_bits(), libm::expf(x).to_bits());
    /// }
    /// assert_eq!(v[4], f32::INFINITY);
    /// ```
    #[inline]
    fn exp_in_place(values: &mut [Self]) {
        for v in values {
            *v = v.exp();
        }
    }

    /// The larger of two values; NaN if either is NaN.
    #[inline]
    fn max(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            Self::NAN
        } else if other > self {
            other
        } else {
            self
        }
    }

    /// The smaller of two values; NaN if either is NaN.
    #[inline]
    fn min(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            Self::NAN
        } else if other < self {
            other
        } else {
            self
        }
    }
}

macro_rules! impl_float {
    ($t:ty, $bits:ty, $name:literal,
     exp = $exp:path, expm1 = $expm1:path, ln = $ln:path, ln1p = $ln1p:path,
     tanh = $tanh:path, sqrt = $sqrt:path, pow = $pow:path, fabs = $fabs:path, fma = $fma:path
     $(, exp_in_place = $exp_in_place:path)?) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const HALF: Self = 0.5;
            const TWO: Self = 2.0;
            const INFINITY: Self = <$t>::INFINITY;
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
            const EPSILON: Self = <$t>::EPSILON;
            const MAX: Self = <$t>::MAX;
            const MIN_POSITIVE: Self = <$t>::MIN_POSITIVE;
            const NAN: Self = <$t>::NAN;
            const BYTES: usize = core::mem::size_of::<$t>();
            const NAME: &'static str = $name;

            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            #[inline]
            fn exp(self) -> Self {
                $exp(self)
            }
            $(
                #[inline]
                fn exp_in_place(values: &mut [Self]) {
                    $exp_in_place(values)
                }
            )?
            #[inline]
            fn exp_m1(self) -> Self {
                $expm1(self)
            }
            #[inline]
            fn ln(self) -> Self {
                $ln(self)
            }
            #[inline]
            fn ln_1p(self) -> Self {
                $ln1p(self)
            }
            #[inline]
            fn tanh(self) -> Self {
                $tanh(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                $sqrt(self)
            }
            #[inline]
            fn powf(self, n: Self) -> Self {
                $pow(self, n)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                $pow(self, n as $t)
            }
            #[inline]
            fn abs(self) -> Self {
                $fabs(self)
            }
            #[inline]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $fma(self, a, b)
            }
            #[inline]
            fn to_bits_u64(self) -> u64 {
                self.to_bits() as u64
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
        }
    };
}

impl_float!(
    f32,
    u32,
    "f32",
    exp = libm::expf,
    expm1 = libm::expm1f,
    ln = libm::logf,
    ln1p = libm::log1pf,
    tanh = libm::tanhf,
    sqrt = libm::sqrtf,
    pow = libm::powf,
    fabs = libm::fabsf,
    fma = libm::fmaf,
    exp_in_place = crate::kernels::exp::exp_f32
);
impl_float!(
    f64,
    u64,
    "f64",
    exp = libm::exp,
    expm1 = libm::expm1,
    ln = libm::log,
    ln1p = libm::log1p,
    tanh = libm::tanh,
    sqrt = libm::sqrt,
    pow = libm::pow,
    fabs = libm::fabs,
    fma = libm::fma
);

#[cfg(test)]
mod tests {
    use super::Float;

    #[test]
    fn math_matches_libm_bit_for_bit() {
        for x in [-3.5f64, -1e-8, 0.0, 0.5, 2.0, 40.0] {
            assert_eq!(Float::exp(x).to_bits(), libm::exp(x).to_bits());
            assert_eq!(Float::tanh(x).to_bits(), libm::tanh(x).to_bits());
            let y = x as f32;
            assert_eq!(Float::exp(y).to_bits(), libm::expf(y).to_bits());
            assert_eq!(Float::exp_m1(y).to_bits(), libm::expm1f(y).to_bits());
        }
    }

    #[test]
    fn max_and_min_propagate_nan() {
        assert!(Float::max(1.0f32, f32::NAN).is_nan());
        assert!(Float::min(f64::NAN, 1.0).is_nan());
        assert_eq!(Float::max(-2.0f64, 3.0), 3.0);
        assert_eq!(Float::min(-2.0f32, 3.0), -2.0);
    }

    #[test]
    fn conversions_round_trip() {
        assert_eq!(<f32 as Float>::from_f64(0.1), 0.1f32);
        assert_eq!(<f64 as Float>::from_usize(7), 7.0);
        assert_eq!(<f32 as Float>::BYTES, 4);
        assert_eq!(<f64 as Float>::NAME, "f64");
    }
}
