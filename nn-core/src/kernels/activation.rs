//! Element-wise activation kernels.

use crate::Float;

/// A scalar function applied to every element, with its gradient.
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
///     fn grad(&self, x: F, _y: F, dy: F) -> F {
///         let d = F::ONE + x.abs();
///         dy / (d * d)
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
///     fn backward(&self, x: &[f32; N], y: &[f32; N], _: &(), dy: &[f32; N], _g: &mut Self) -> [f32; N] {
///         let mut dx = [0.0; N];
///         elementwise_backward(self, x, y, dy, &mut dx);
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
///     fn backward(
///         &self,
///         x: &[[f32; N]; B],
///         y: &[[f32; N]; B],
///         _: &(),
///         dy: &[[f32; N]; B],
///         g: &mut Self,
///     ) -> [[f32; N]; B] {
///         core::array::from_fn(|b| self.backward(&x[b], &y[b], &(), &dy[b], g))
///     }
/// }
///
/// assert_eq!(Softsign.forward(&[1.0f32, -3.0]), [0.5, -0.75]);
/// let dx: [f32; 1] = Softsign.backward(&[1.0f32], &[0.5], &(), &[1.0], &mut Softsign);
/// assert_eq!(dx, [0.25]);
/// assert_eq!(Softsign.forward(&[[1.0f32], [-1.0]]), [[0.5], [-0.5]]);
/// ```
pub trait Elementwise<F: Float> {
    /// `f(x)`.
    fn apply(&self, x: F) -> F;
    /// `dL/dx` from the input `x`, the output `y = f(x)` and `dy = dL/dy`,
    /// computed as PyTorch computes it (the same formula, the same operation
    /// order, the same branch at a kink and for NaN).
    fn grad(&self, x: F, y: F, dy: F) -> F;
}

/// `y[i] = f(x[i])`.
///
/// # Panics
/// If `x` and `y` differ in length.
#[inline]
pub fn elementwise_forward<F: Float, A: Elementwise<F>>(act: &A, x: &[F], y: &mut [F]) {
    assert_eq!(x.len(), y.len(), "elementwise_forward: x and y lengths");
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = act.apply(xi);
    }
}

/// `dx[i] = grad(x[i], y[i], dy[i])`, from the forward pass's input `x` and
/// output `y`.
///
/// # Panics
/// If `y`, `dy` or `dx` differs in length from `x`.
#[inline]
pub fn elementwise_backward<F: Float, A: Elementwise<F>>(
    act: &A,
    x: &[F],
    y: &[F],
    dy: &[F],
    dx: &mut [F],
) {
    let n = x.len();
    assert!(
        y.len() == n && dy.len() == n && dx.len() == n,
        "elementwise_backward: x, y, dy and dx lengths"
    );
    for (((dxi, &xi), &yi), &g) in dx.iter_mut().zip(x).zip(y).zip(dy) {
        *dxi = act.grad(xi, yi, g);
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

/// `Σ_i dy[i]·∂y[i]/∂a` for `y = prelu_a(x)`, i.e. the sum of `x[i]·dy[i]`
/// over every `x[i]` that is not `> 0`: the gradient of a PReLU slope `a`
/// shared by all elements. A NaN input is not `> 0`, so it makes the
/// gradient NaN, as in PyTorch.
///
/// ```
/// use nn_core::kernels::prelu_grad_slope;
/// assert_eq!(prelu_grad_slope(&[-2.0f64, 3.0, 0.0], &[0.5, 1.0, 1.0]), -1.0);
/// ```
///
/// # Panics
/// If `x` and `dy` differ in length.
#[inline]
pub fn prelu_grad_slope<F: Float>(x: &[F], dy: &[F]) -> F {
    assert_eq!(x.len(), dy.len(), "prelu_grad_slope: x and dy lengths");
    x.iter()
        .zip(dy)
        .filter(|(xi, _)| **xi <= F::ZERO || xi.is_nan())
        .map(|(&xi, &g)| xi * g)
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
    #[should_panic(expected = "elementwise_forward: x and y lengths")]
    fn elementwise_forward_refuses_a_short_output() {
        elementwise_forward(&crate::Relu, &[1.0f32, 2.0], &mut [0.0; 1]);
    }

    #[test]
    #[should_panic(expected = "elementwise_backward: x, y, dy and dx lengths")]
    fn elementwise_backward_refuses_a_short_dx() {
        elementwise_backward(
            &crate::Relu,
            &[1.0f32; 2],
            &[1.0; 2],
            &[1.0; 2],
            &mut [0.0; 1],
        );
    }

    #[test]
    #[should_panic(expected = "elementwise_backward: x, y, dy and dx lengths")]
    fn elementwise_backward_refuses_a_short_output() {
        elementwise_backward(
            &crate::Tanh,
            &[1.0f32; 2],
            &[1.0; 1],
            &[1.0; 2],
            &mut [0.0; 2],
        );
    }

    #[test]
    #[should_panic(expected = "prelu_grad_slope: x and dy lengths")]
    fn prelu_grad_slope_refuses_a_short_dy() {
        prelu_grad_slope(&[1.0f64; 3], &[1.0; 2]);
    }

    /// PyTorch's PReLU weight gradient is `x·dy` wherever `x > 0` is false,
    /// so a NaN input makes it NaN (it was skipped before, a finite gradient).
    #[test]
    fn prelu_slope_gradient_of_a_nan_input_is_nan() {
        assert!(prelu_grad_slope(&[f32::NAN, -1.0], &[1.0, 1.0]).is_nan());
    }

    #[test]
    fn prelu_slope_gradient_counts_the_kink_as_negative_side() {
        // x = 0 belongs to the a·x branch, whose slope-derivative is x = 0.
        assert_eq!(prelu_grad_slope(&[0.0f32, -1.0], &[5.0, 2.0]), -2.0);
        assert_eq!(prelu_grad_slope::<f64>(&[], &[]), 0.0);
    }
}
