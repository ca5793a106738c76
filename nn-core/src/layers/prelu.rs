//! The parametric rectifier, whose negative slope is learned.

use crate::kernels::activation::Elementwise;
use crate::kernels::{elementwise_backward, elementwise_forward, prelu_grad_slope};
use crate::{Float, Module, Param, ParamKind, ParamMut, Params};

/// PReLU: `x` if `x > 0`, otherwise `a·x`, with one learnable slope `a` shared
/// by all elements (PyTorch's `PReLU(num_parameters=1)`); the derivative at 0
/// is `a`. [`Default`] has PyTorch's `a = 0.25`.
///
/// [`Params`] yields `a` as one [`ParamKind::Other`] tensor, and
/// [`backward`](Module::backward) adds `dL/da = Σ_{x ≤ 0} dy·x` to `grads.a`.
///
/// ```
/// use nn_core::{Module, Params, Prelu};
/// let act = Prelu::new(0.25f64);
/// let x = [-2.0, 4.0];
/// let (y, cache) = act.forward_train(&x);
/// assert_eq!(y, [-0.5, 4.0]);
/// let mut grads = act.zeroed();
/// let dx: [f64; 2] = act.backward(&x, &y, &cache, &[1.0, 1.0], &mut grads);
/// assert_eq!((dx, grads.a), ([0.25, 1.0], -2.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prelu<F> {
    /// The slope for `x ≤ 0`.
    pub a: F,
}

impl<F: Float> Prelu<F> {
    /// A PReLU with initial slope `a`.
    pub const fn new(a: F) -> Self {
        Prelu { a }
    }

    #[inline]
    fn backward_slices(&self, x: &[F], y: &[F], dy: &[F], dx: &mut [F], grads: &mut Self) {
        elementwise_backward(self, x, y, dy, dx);
        grads.a += prelu_grad_slope(x, dy);
    }
}

impl<F: Float> Default for Prelu<F> {
    fn default() -> Self {
        Prelu::new(F::from_f64(0.25))
    }
}

impl<F: Float> Elementwise<F> for Prelu<F> {
    #[inline]
    fn apply(&self, x: F) -> F {
        if x > F::ZERO { x } else { self.a * x }
    }
    #[inline]
    fn grad(&self, x: F, _y: F, dy: F) -> F {
        if x > F::ZERO { dy } else { self.a * dy }
    }
}

impl<F: Float, const N: usize> Module<[F; N]> for Prelu<F> {
    type Output = [F; N];
    type Cache = ();

    #[inline]
    fn forward(&self, x: &[F; N]) -> [F; N] {
        let mut y = [F::ZERO; N];
        elementwise_forward(self, x, &mut y);
        y
    }

    #[inline]
    fn forward_train(&self, x: &[F; N]) -> ([F; N], ()) {
        (Module::<[F; N]>::forward(self, x), ())
    }

    #[inline]
    fn backward(&self, x: &[F; N], y: &[F; N], _: &(), dy: &[F; N], grads: &mut Self) -> [F; N] {
        let mut dx = [F::ZERO; N];
        self.backward_slices(x, y, dy, &mut dx, grads);
        dx
    }
}

impl<F: Float, const N: usize, const B: usize> Module<[[F; N]; B]> for Prelu<F> {
    type Output = [[F; N]; B];
    type Cache = ();

    #[inline]
    fn forward(&self, x: &[[F; N]; B]) -> [[F; N]; B] {
        let mut y = [[F::ZERO; N]; B];
        elementwise_forward(self, x.as_flattened(), y.as_flattened_mut());
        y
    }

    #[inline]
    fn forward_train(&self, x: &[[F; N]; B]) -> ([[F; N]; B], ()) {
        (Module::<[[F; N]; B]>::forward(self, x), ())
    }

    #[inline]
    fn backward(
        &self,
        x: &[[F; N]; B],
        y: &[[F; N]; B],
        _: &(),
        dy: &[[F; N]; B],
        grads: &mut Self,
    ) -> [[F; N]; B] {
        let mut dx = [[F::ZERO; N]; B];
        self.backward_slices(
            x.as_flattened(),
            y.as_flattened(),
            dy.as_flattened(),
            dx.as_flattened_mut(),
            grads,
        );
        dx
    }
}

impl<F: Float> Params<F> for Prelu<F> {
    fn params(&self) -> impl Iterator<Item = Param<'_, F>> {
        core::iter::once(Param {
            values: core::slice::from_ref(&self.a),
            kind: ParamKind::Other,
        })
    }

    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, F>> {
        core::iter::once(ParamMut {
            values: core::slice::from_mut(&mut self.a),
            kind: ParamKind::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_gradient_accumulates_over_calls_and_batches() {
        let act = Prelu::new(0.125f64);
        let xb = [[-1.0, 2.0, 0.0], [-3.0, -0.5, 1.0]];
        let dyb = [[2.0, 1.0, 7.0], [1.0, -4.0, 1.0]];
        let mut gb = act.zeroed();
        let yb = act.forward(&xb);
        let dxb: [[f64; 3]; 2] = act.backward(&xb, &yb, &(), &dyb, &mut gb);
        assert_eq!(gb.a, -2.0 + 0.0 - 3.0 + 2.0);
        let mut gs = act.zeroed();
        for r in 0..2 {
            let dx: [f64; 3] = act.backward(&xb[r], &yb[r], &(), &dyb[r], &mut gs);
            assert_eq!(dx, dxb[r]);
        }
        assert_eq!(gs, gb);
        assert_eq!(dxb[0], [0.25, 1.0, 0.875]);
    }

    #[test]
    fn params_expose_the_slope() {
        let mut act = Prelu::<f32>::default();
        assert_eq!(act.num_params(), 1);
        assert_eq!(act.params().next().map(|p| p.kind), Some(ParamKind::Other));
        act.fill(0.5);
        assert_eq!(act.a, 0.5);
    }
}
