//! Element-wise activation kernels.

use crate::Float;

/// A scalar function applied to every element, with its derivative.
///
/// Implementing this for a zero-sized (or hyper-parameter-only) type and
/// invoking [`elementwise_module!`](crate::elementwise_module) makes it a layer
/// for any size and any batch.
pub trait Elementwise<F: Float> {
    /// `f(x)`.
    fn apply(&self, x: F) -> F;
    /// `f'(x)`; at a kink, the value PyTorch uses (the left branch).
    fn derivative(&self, x: F) -> F;
}

/// `y[i] = f(x[i])`.
#[inline]
pub fn elementwise_forward<F: Float, A: Elementwise<F>>(act: &A, x: &[F], y: &mut [F]) {
    debug_assert_eq!(x.len(), y.len());
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = act.apply(xi);
    }
}

/// `dx[i] = dy[i]·f'(x[i])`.
#[inline]
pub fn elementwise_backward<F: Float, A: Elementwise<F>>(act: &A, x: &[F], dy: &[F], dx: &mut [F]) {
    debug_assert_eq!(x.len(), dy.len());
    debug_assert_eq!(x.len(), dx.len());
    for ((dxi, &xi), &g) in dx.iter_mut().zip(x).zip(dy) {
        *dxi = g * act.derivative(xi);
    }
}
