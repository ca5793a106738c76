//! Element-wise activation kernels.

use crate::Float;

/// A scalar function applied to every element, with its derivative.
///
/// Every activation layer of nn-core (`Relu`, `Tanh`, `Elu`, ...) is an
/// `Elementwise` type whose [`Module`](crate::Module) impls call
/// [`elementwise_forward`] and [`elementwise_backward`]. A crate of your own
/// can do the same for a concrete scalar (impls generic over `F: Float` would
/// overlap outside nn-core, error E0119):
///
/// ```
/// use nn_core::kernels::activation::{Elementwise, elementwise_backward, elementwise_forward};
/// use nn_core::{Float, Module};
///
/// /// `softsign(x) = x / (1 + |x|)`.
/// struct Softsign;
///
/// impl<F: Float> Elementwise<F> for Softsign {
///     fn apply(&self, x: F) -> F {
///         x / (F::ONE + x.abs())
///     }
///     fn derivative(&self, x: F) -> F {
///         let d = F::ONE + x.abs();
///         F::ONE / (d * d)
///     }
/// }
///
/// impl<const N: usize> Module<[f32; N]> for Softsign {
///     type Output = [f32; N];
///     type Cache = ();
///     fn forward(&self, x: &[f32; N]) -> [f32; N] {
///         let mut y = [0.0; N];
///         elementwise_forward(self, x, &mut y);
///         y
///     }
///     fn forward_train(&self, x: &[f32; N]) -> ([f32; N], ()) {
///         (self.forward(x), ())
///     }
///     fn backward(&self, x: &[f32; N], _: &(), dy: &[f32; N], _g: &mut Self) -> [f32; N] {
///         let mut dx = [0.0; N];
///         elementwise_backward(self, x, dy, &mut dx);
///         dx
///     }
/// }
///
/// // The batch impl does not overlap with the one above: `f32` is not an array.
/// impl<const N: usize, const B: usize> Module<[[f32; N]; B]> for Softsign {
///     type Output = [[f32; N]; B];
///     type Cache = ();
///     fn forward(&self, x: &[[f32; N]; B]) -> [[f32; N]; B] {
///         x.map(|row| self.forward(&row))
///     }
///     fn forward_train(&self, x: &[[f32; N]; B]) -> ([[f32; N]; B], ()) {
///         (self.forward(x), ())
///     }
///     fn backward(&self, x: &[[f32; N]; B], _: &(), dy: &[[f32; N]; B], g: &mut Self) -> [[f32; N]; B] {
///         core::array::from_fn(|b| self.backward(&x[b], &(), &dy[b], g))
///     }
/// }
///
/// assert_eq!(Softsign.forward(&[1.0f32, -3.0]), [0.5, -0.75]);
/// let dx: [f32; 1] = Softsign.backward(&[1.0f32], &(), &[1.0], &mut Softsign);
/// assert_eq!(dx, [0.25]);
/// assert_eq!(Softsign.forward(&[[1.0f32], [-1.0]]), [[0.5], [-0.5]]);
/// ```
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

/// The logistic function `σ(x) = 1 / (1 + e^-x)`, in the two-branch form that
/// never overflows: `e^x / (1 + e^x)` for negative `x`.
///
/// ```
/// use nn_core::kernels::sigmoid;
/// assert_eq!(sigmoid(0.0f64), 0.5);
/// assert_eq!(sigmoid(1000.0f32), 1.0);
/// assert_eq!(sigmoid(-1000.0f32), 0.0);
/// ```
#[inline]
pub fn sigmoid<F: Float>(x: F) -> F {
    if x >= F::ZERO {
        F::ONE / (F::ONE + (-x).exp())
    } else {
        let e = x.exp();
        e / (F::ONE + e)
    }
}

/// `Σ_i dy[i]·∂y[i]/∂a` for `y = prelu_a(x)`, i.e. `Σ_{x[i] ≤ 0} dy[i]·x[i]`:
/// the gradient of a PReLU slope `a` shared by all elements.
///
/// ```
/// use nn_core::kernels::prelu_grad_slope;
/// assert_eq!(prelu_grad_slope(&[-2.0f64, 3.0, 0.0], &[0.5, 1.0, 1.0]), -1.0);
/// ```
#[inline]
pub fn prelu_grad_slope<F: Float>(x: &[F], dy: &[F]) -> F {
    debug_assert_eq!(x.len(), dy.len());
    x.iter()
        .zip(dy)
        .filter(|(xi, _)| **xi <= F::ZERO)
        .map(|(&xi, &g)| g * xi)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable_and_symmetric() {
        for x in [0.0f64, 1e-7, 0.5, 3.0, 50.0, 700.0, 1000.0] {
            let (p, n) = (sigmoid(x), sigmoid(-x));
            assert!(p.is_finite() && n.is_finite());
            assert!((p + n - 1.0).abs() <= 1e-15, "{x}");
        }
        assert_eq!(sigmoid(-1000.0f64), 0.0);
        // e^-50 / (1 + e^-50) is tiny but representable.
        assert!((sigmoid(-50.0f64) / 1.928749847963918e-22 - 1.0).abs() < 1e-12);
        let s = sigmoid(-50.0f32);
        assert!(s > 0.0 && s.is_finite());
    }

    #[test]
    fn prelu_slope_gradient_counts_the_kink_as_negative_side() {
        // x = 0 belongs to the a·x branch, whose slope-derivative is x = 0.
        assert_eq!(prelu_grad_slope(&[0.0f32, -1.0], &[5.0, 2.0]), -2.0);
        assert_eq!(prelu_grad_slope::<f64>(&[], &[]), 0.0);
    }
}
