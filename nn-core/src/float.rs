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
/// Sealed: implemented for `f32` and `f64` only, so that the kernels can
/// give each scalar its own vector code through private hooks.
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
    + sealed::Sealed
{
    /// `0`.
    const ZERO: Self;
    /// `1`.
    const ONE: Self;
    /// `0.5`.
    const HALF: Self;
    /// `2`.
    const TWO: Self;
    /// Negative infinity.
    const NEG_INFINITY: Self;
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
    /// Square root, correctly rounded (the bits of `libm::sqrt`/`sqrtf`; on
    /// x86_64 an instruction the compiler can vectorize).
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
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

/// The private supertrait that seals [`Float`] and holds the per-scalar
/// hooks of the kernels: portable by default, the vector tiers for `f32`.
pub(crate) mod sealed {
    /// Implemented for `f32` and `f64` only; not nameable outside the crate.
    pub trait Sealed: Sized {
        /// The batched dense forward pass on the selected vector tier, or
        /// `false` (nothing done) when the portable kernel must run.
        #[inline]
        fn dense_forward_tier(w: &[Self], b: &[Self], x: &[Self], y: &mut [Self]) -> bool {
            let _ = (w, b, x, y);
            false
        }

        /// The batched dense backward pass on the selected vector tier, or
        /// `false`; `input_grad` is `(w, dx)`, `None` for the parameter
        /// gradients alone.
        #[inline]
        fn dense_backward_tier(
            x: &[Self],
            dy: &[Self],
            dw: &mut [Self],
            db: &mut [Self],
            input_grad: Option<(&[Self], &mut [Self])>,
        ) -> bool {
            let _ = (x, dy, dw, db, input_grad);
            false
        }

        /// The typed dense layer's forward pass off x86_64 (each output
        /// written once): the portable kernel, or the `f32` one of the
        /// target's floating-point unit.
        #[cfg(not(target_arch = "x86_64"))]
        #[inline]
        fn dense_forward_array<const IN: usize, const OUT: usize>(
            w: &[[Self; IN]; OUT],
            b: &[Self; OUT],
            x: &[Self; IN],
        ) -> [Self; OUT]
        where
            Self: crate::Float,
        {
            crate::kernels::dense::portable::forward_array(w, b, x)
        }
    }

    impl Sealed for f32 {
        #[inline]
        fn dense_forward_tier(w: &[f32], b: &[f32], x: &[f32], y: &mut [f32]) -> bool {
            crate::arch::dense_forward_f32(w, b, x, y)
        }

        #[cfg(not(target_arch = "x86_64"))]
        #[inline]
        fn dense_forward_array<const IN: usize, const OUT: usize>(
            w: &[[f32; IN]; OUT],
            b: &[f32; OUT],
            x: &[f32; IN],
        ) -> [f32; OUT] {
            crate::arch::dense_forward_array_f32(w, b, x)
        }

        #[inline]
        fn dense_backward_tier(
            x: &[f32],
            dy: &[f32],
            dw: &mut [f32],
            db: &mut [f32],
            input_grad: Option<(&[f32], &mut [f32])>,
        ) -> bool {
            crate::arch::dense_backward_f32(x, dy, dw, db, input_grad)
        }
    }

    impl Sealed for f64 {}
}

macro_rules! impl_float {
    ($t:ty, $bits:ty, $name:literal,
     exp = $exp:path, expm1 = $expm1:path, ln = $ln:path, ln1p = $ln1p:path,
     tanh = $tanh:path, sqrt = $sqrt:path, fabs = $fabs:path
     $(, exp_in_place = $exp_in_place:path)?) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const HALF: Self = 0.5;
            const TWO: Self = 2.0;
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
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
            fn abs(self) -> Self {
                $fabs(self)
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
    sqrt = crate::arch::sqrt_f32,
    fabs = libm::fabsf,
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
    sqrt = crate::arch::sqrt_f64,
    fabs = libm::fabs
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

    /// The vectorizable square root gives libm's bits over special values
    /// and a sweep of magnitudes.
    #[test]
    fn sqrt_matches_libm_bit_for_bit() {
        let specials = [0.0, -0.0, 1.0, 2.0, 0.25, f64::MIN_POSITIVE, 5e-324];
        let mut x = 1e-300f64;
        let sweep = core::iter::from_fn(|| {
            x *= 1.37;
            (x < 1e300).then_some(x)
        });
        let ends = [f64::MAX, f64::INFINITY];
        for v in specials.into_iter().chain(sweep).chain(ends) {
            assert_eq!(
                Float::sqrt(v).to_bits(),
                libm::sqrt(v).to_bits(),
                "f64 {v:e}"
            );
            let s = v as f32;
            assert_eq!(
                Float::sqrt(s).to_bits(),
                libm::sqrtf(s).to_bits(),
                "f32 {s:e}"
            );
        }
        assert!(Float::sqrt(-1.0f64).is_nan() && Float::sqrt(f32::NAN).is_nan());
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
