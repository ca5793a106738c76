//! The slice `exp` compiled with AVX2 and with AVX-512, chosen at run time.
//!
//! The `unsafe` here is the call of a `#[target_feature]` function, made
//! only after the dense kernels' detection (`cpuid`/`xgetbv`) found the
//! features. The functions themselves are safe code.
#![allow(unsafe_code)]

use super::exp_slice;
use crate::kernels::dense::{Isa, detected_isa};

/// [`exp_slice`] on tier `isa`, capped at what the CPU supports.
#[inline]
pub(super) fn exp_on(isa: Isa, values: &mut [f32]) {
    match isa.min(detected_isa()) {
        // SAFETY: `detected_isa` found AVX2, AVX-512F and AVX-512VL
        // supported by the CPU and enabled by the OS.
        Isa::Avx512 => unsafe { exp_avx512(values) },
        // SAFETY: `detected_isa` found AVX2 supported and enabled.
        Isa::Avx2 => unsafe { exp_avx2(values) },
        Isa::Portable => exp_slice(values),
    }
}

#[target_feature(enable = "avx2")]
fn exp_avx2(values: &mut [f32]) {
    exp_slice(values);
}

#[target_feature(enable = "avx2,avx512f,avx512vl")]
fn exp_avx512(values: &mut [f32]) {
    exp_slice(values);
}
