//! The square root of the update loops.

use nn_core::Float;

/// `x.sqrt()`. [`Float::sqrt`] is correctly rounded and, on x86_64, an
/// instruction the compiler vectorizes (nn-core's arch layer), so the
/// update loops around it run in vector registers.
#[inline(always)]
pub(crate) fn sqrt<F: Float>(x: F) -> F {
    x.sqrt()
}
