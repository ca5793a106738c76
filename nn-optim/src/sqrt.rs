//! A square root the compiler can vectorize.
//!
//! `Float::sqrt` calls libm, whose x86-64 `sqrtf`/`sqrt` are inline-assembly
//! `sqrtss`/`sqrtsd`: correct, but opaque to LLVM, so a loop that contains
//! one stays scalar (Adam ran at about 14 % of a copy loop's bandwidth). On
//! x86-64 this module uses the SSE intrinsics instead, which LLVM sees as
//! `llvm.sqrt` and turns into `sqrtps`/`sqrtpd`. IEEE 754 requires square roots
//! to be correctly rounded, so both give the same bits (tested below). Other
//! targets use `Float::sqrt`.

use core::any::Any;

use nn_core::Float;

/// `x.sqrt()`, bit-identical to `Float::sqrt`, vectorizable on x86-64.
#[inline(always)]
pub(crate) fn sqrt<F: Float>(x: F) -> F {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        let mut y = x;
        let any = &mut y as &mut dyn Any;
        if let Some(v) = any.downcast_mut::<f32>() {
            *v = x86::sqrt_f32(*v);
            return y;
        }
        if let Some(v) = any.downcast_mut::<f64>() {
            *v = x86::sqrt_f64(*v);
            return y;
        }
    }
    x.sqrt()
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)]
mod x86 {
    use core::arch::x86_64::{
        _mm_cvtsd_f64, _mm_cvtss_f32, _mm_set_sd, _mm_set_ss, _mm_sqrt_sd, _mm_sqrt_ss,
    };

    #[inline(always)]
    pub(super) fn sqrt_f32(x: f32) -> f32 {
        // SAFETY: these intrinsics need only SSE, which this module is gated on
        // (`target_feature = "sse2"` implies SSE); they touch no memory.
        unsafe { _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x))) }
    }

    #[inline(always)]
    pub(super) fn sqrt_f64(x: f64) -> f64 {
        // SAFETY: these intrinsics need only SSE2, which this module is gated
        // on; they touch no memory.
        unsafe { _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x))) }
    }
}

#[cfg(test)]
mod tests {
    use super::sqrt;
    use nn_core::Float;

    /// Bit-identical to libm over special values and a sweep of magnitudes.
    #[test]
    fn same_bits_as_libm() {
        let specials = [
            0.0,
            -0.0,
            1.0,
            2.0,
            0.25,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
        ];
        let mut x = 1e-300f64;
        let sweep = core::iter::from_fn(|| {
            x *= 1.37;
            (x < 1e300).then_some(x)
        });
        for v in specials.into_iter().chain(sweep) {
            assert_eq!(sqrt(v).to_bits(), Float::sqrt(v).to_bits(), "f64 {v:e}");
            let s = v as f32;
            assert_eq!(sqrt(s).to_bits(), Float::sqrt(s).to_bits(), "f32 {s:e}");
        }
        assert!(sqrt(-1.0f64).is_nan() && sqrt(f32::NAN).is_nan());
    }
}
