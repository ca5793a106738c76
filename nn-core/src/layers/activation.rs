//! Activation layers. Each works on one sample `[F; N]` or a batch `[[F; N]; B]`
//! of any size, and has no learnable parameters unless stated.

use crate::Float;
use crate::kernels::activation::Elementwise;

/// Implements [`Module`](crate::Module) for one sample and for a batch, and an
/// empty [`Params`](crate::Params), for a type that implements
/// [`Elementwise`]. The cache is empty: `backward` gets the input and the output.
///
/// Crate-internal on purpose: the two impls are generic over `F: Float`, which
/// is coherent only inside nn-core. In another crate, `[F; N]` and
/// `[[F; N]; B]` could overlap (nn-core might implement `Float` for an array
/// some day), so rustc refuses them with E0119. The [`Elementwise`] docs show
/// how a downstream crate writes the impls for a concrete scalar instead.
macro_rules! elementwise_module {
    ($ty:ty) => {
        impl<F: $crate::Float, const N: usize> $crate::Module<[F; N]> for $ty
        where
            $ty: $crate::kernels::activation::Elementwise<F>,
        {
            type Output = [F; N];
            type Cache = ();

            #[inline]
            fn forward(&self, x: &[F; N]) -> [F; N] {
                let mut y = [F::ZERO; N];
                $crate::kernels::elementwise_forward(self, x, &mut y);
                y
            }

            #[inline]
            fn forward_train(&self, x: &[F; N]) -> ([F; N], ()) {
                ($crate::Module::<[F; N]>::forward(self, x), ())
            }

            #[inline]
            fn forward_train_into(&self, x: &[F; N], y: &mut [F; N], _: &mut ()) {
                $crate::kernels::elementwise_forward(self, x, y);
            }

            #[inline]
            fn backward(
                &self,
                x: &[F; N],
                y: &[F; N],
                _: &(),
                dy: &[F; N],
                _grads: &mut Self,
            ) -> [F; N] {
                let mut dx = [F::ZERO; N];
                $crate::kernels::elementwise_backward(self, x, y, dy, &mut dx);
                dx
            }
        }

        impl<F: $crate::Float, const N: usize, const B: usize> $crate::Module<[[F; N]; B]> for $ty
        where
            $ty: $crate::kernels::activation::Elementwise<F>,
        {
            type Output = [[F; N]; B];
            type Cache = ();

            #[inline]
            fn forward(&self, x: &[[F; N]; B]) -> [[F; N]; B] {
                let mut y = [[F::ZERO; N]; B];
                $crate::kernels::elementwise_forward(self, x.as_flattened(), y.as_flattened_mut());
                y
            }

            #[inline]
            fn forward_train(&self, x: &[[F; N]; B]) -> ([[F; N]; B], ()) {
                ($crate::Module::<[[F; N]; B]>::forward(self, x), ())
            }

            #[inline]
            fn forward_train_into(&self, x: &[[F; N]; B], y: &mut [[F; N]; B], _: &mut ()) {
                $crate::kernels::elementwise_forward(self, x.as_flattened(), y.as_flattened_mut());
            }

            #[inline]
            fn backward(
                &self,
                x: &[[F; N]; B],
                y: &[[F; N]; B],
                _: &(),
                dy: &[[F; N]; B],
                _grads: &mut Self,
            ) -> [[F; N]; B] {
                let mut dx = [[F::ZERO; N]; B];
                $crate::kernels::elementwise_backward(
                    self,
                    x.as_flattened(),
                    y.as_flattened(),
                    dy.as_flattened(),
                    dx.as_flattened_mut(),
                );
                dx
            }
        }

        $crate::params::no_params!($ty);
    };
}

/// The identity `f(x) = x` (a linear "activation").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

impl<F: Float> Elementwise<F> for Identity {
    #[inline]
    fn apply(&self, x: F) -> F {
        x
    }
    #[inline]
    fn grad(&self, _x: F, _y: F, dy: F) -> F {
        dy
    }
}
elementwise_module!(Identity);

/// The rectifier `f(x) = max(0, x)`; `f'(0) = 0` as in PyTorch.
///
/// NaN propagates as in PyTorch: `relu(NaN) = NaN`, and the gradient at a NaN
/// passes `dy` through (PyTorch's `threshold_backward` zeroes `dy` only where
/// the output is `<= 0`).
///
/// ```
/// use nn_core::{Module, Relu};
/// assert_eq!(Relu.forward(&[-1.0f32, 0.0, 2.0]), [0.0, 0.0, 2.0]);
/// assert!(Relu.forward(&[f32::NAN])[0].is_nan());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

impl<F: Float> Elementwise<F> for Relu {
    #[inline]
    fn apply(&self, x: F) -> F {
        if x <= F::ZERO { F::ZERO } else { x }
    }
    #[inline]
    fn grad(&self, _x: F, y: F, dy: F) -> F {
        if y <= F::ZERO { F::ZERO } else { dy }
    }
}
elementwise_module!(Relu);

/// The logistic function `σ(x) = 1 / (1 + e^-x)`, stable for any input;
/// `dx = dy·(1 − y)·y` from the output `y` (PyTorch's `sigmoid_backward`).
///
/// ```
/// use nn_core::{Module, Sigmoid};
/// assert_eq!(Sigmoid.forward(&[0.0f64, 1000.0, -1000.0]), [0.5, 1.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

impl<F: Float> Elementwise<F> for Sigmoid {
    #[inline]
    fn apply(&self, x: F) -> F {
        crate::kernels::sigmoid(x)
    }
    #[inline]
    fn grad(&self, _x: F, y: F, dy: F) -> F {
        dy * (F::ONE - y) * y
    }
}
elementwise_module!(Sigmoid);

/// The hyperbolic tangent; `dx = dy·(1 − y²)` from the output `y`
/// (PyTorch's `tanh_backward`).
///
/// ```
/// use nn_core::{Module, Tanh};
/// assert_eq!(Tanh.forward(&[0.0f32, 1000.0, -1000.0]), [0.0, 1.0, -1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl<F: Float> Elementwise<F> for Tanh {
    #[inline]
    fn apply(&self, x: F) -> F {
        x.tanh()
    }
    #[inline]
    fn grad(&self, _x: F, y: F, dy: F) -> F {
        dy * (F::ONE - y * y)
    }
}
elementwise_module!(Tanh);

/// The leaky rectifier: `x` if `x > 0`, otherwise `slope·x`; the derivative at
/// 0 is `slope` (PyTorch's `LeakyReLU`). [`Default`] has PyTorch's slope 0.01.
/// A NaN input gives NaN, and `dy·slope` as its gradient (as in PyTorch).
///
/// ```
/// use nn_core::{LeakyRelu, Module};
/// let act = LeakyRelu::new(0.5f64);
/// assert_eq!(act.forward(&[-2.0, 3.0]), [-1.0, 3.0]);
/// assert_eq!(LeakyRelu::<f32>::default().slope, 0.01);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu<F> {
    /// Slope for `x ≤ 0`.
    pub slope: F,
}

impl<F: Float> LeakyRelu<F> {
    /// A leaky rectifier with the given negative slope.
    pub const fn new(slope: F) -> Self {
        LeakyRelu { slope }
    }
}

impl<F: Float> Default for LeakyRelu<F> {
    fn default() -> Self {
        LeakyRelu::new(F::from_f64(0.01))
    }
}

impl<F: Float> Elementwise<F> for LeakyRelu<F> {
    #[inline]
    fn apply(&self, x: F) -> F {
        if x > F::ZERO { x } else { self.slope * x }
    }
    #[inline]
    fn grad(&self, x: F, _y: F, dy: F) -> F {
        if x > F::ZERO { dy } else { dy * self.slope }
    }
}
elementwise_module!(LeakyRelu<F>);

/// The exponential linear unit: `x` if `x > 0`, otherwise `alpha·(e^x − 1)`
/// (by `exp_m1`, accurate near 0); the derivative at 0 is `alpha`.
/// [`Default`] has PyTorch's `alpha = 1`.
///
/// The gradient is PyTorch's `elu_backward` (vectorized form): `dy` for
/// `x > 0`, else `dy·alpha·e^x`, so a NaN input gives a NaN output and a NaN
/// gradient.
///
/// ```
/// use nn_core::{Elu, Module};
/// let y = Elu::<f64>::default().forward(&[1.5, -1000.0]);
/// assert_eq!(y, [1.5, -1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Elu<F> {
    /// Scale of the negative branch (its limit is `-alpha`).
    pub alpha: F,
}

impl<F: Float> Elu<F> {
    /// An ELU with the given `alpha`.
    pub const fn new(alpha: F) -> Self {
        Elu { alpha }
    }
}

impl<F: Float> Default for Elu<F> {
    fn default() -> Self {
        Elu::new(F::ONE)
    }
}

impl<F: Float> Elementwise<F> for Elu<F> {
    #[inline]
    fn apply(&self, x: F) -> F {
        if x > F::ZERO {
            x
        } else {
            self.alpha * x.exp_m1()
        }
    }
    #[inline]
    fn grad(&self, x: F, _y: F, dy: F) -> F {
        if x > F::ZERO {
            dy
        } else {
            dy * self.alpha * x.exp()
        }
    }
}
elementwise_module!(Elu<F>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Module;
    use crate::layers::testing::assert_batch_equals_samples;

    /// `f'(x)`: the gradient for `dy = 1`.
    fn derivative<A: Elementwise<f64>>(act: &A, x: f64) -> f64 {
        act.grad(x, act.apply(x), 1.0)
    }

    fn derivatives<A: Elementwise<f64>>(act: &A, xs: &[f64]) -> [f64; 4] {
        let mut d = [0.0; 4];
        for (di, &x) in d.iter_mut().zip(xs) {
            *di = derivative(act, x);
        }
        d
    }

    #[test]
    fn kinks_take_the_left_branch() {
        assert_eq!(derivative(&Relu, 0.0), 0.0);
        assert_eq!(derivative(&LeakyRelu::new(0.2f64), 0.0), 0.2);
        assert_eq!(derivative(&Elu::new(0.5f64), 0.0), 0.5);
        assert_eq!(Elu::new(0.5f64).apply(0.0), 0.0);
    }

    /// PyTorch's NaN semantics, forward and backward, with `dy = 2`:
    /// `torch.relu(nan) = nan` and `threshold_backward` passes `dy` where the
    /// output is NaN; leaky ReLU and PReLU take the `x <= 0` branch
    /// (`dy·slope`); ELU, sigmoid and tanh give NaN gradients.
    #[test]
    fn nan_propagates_as_in_pytorch() {
        fn run<A: Module<[f32; 1], Output = [f32; 1], Cache = ()> + Copy>(act: A) -> (f32, f32) {
            let x = [f32::NAN];
            let (y, ()) = act.forward_train(&x);
            let dx = act.backward(&x, &y, &(), &[2.0], &mut act.clone());
            (y[0], dx[0])
        }
        let all = [
            run(Relu),
            run(LeakyRelu::new(0.25f32)),
            run(Elu::new(1.0f32)),
            run(Sigmoid),
            run(Tanh),
            run(Identity),
        ];
        assert!(all.iter().all(|(y, _)| y.is_nan()), "{all:?}");
        let dx = all.map(|(_, dx)| dx);
        assert_eq!(dx[0], 2.0);
        assert_eq!(dx[1], 0.5);
        assert!(dx[2].is_nan() && dx[3].is_nan() && dx[4].is_nan());
        assert_eq!(dx[5], 2.0);
    }

    /// Sigmoid and tanh gradients come from the output with PyTorch's
    /// operation order, `dy·(1 − y)·y` and `dy·(1 − y²)`.
    #[test]
    fn sigmoid_and_tanh_gradients_use_the_output() {
        for x in [-3.0f32, -0.5, 0.0, 0.7, 4.0] {
            let (y, dy) = (crate::kernels::sigmoid(x), 0.3f32);
            assert_eq!(Sigmoid.grad(x, y, dy), dy * (1.0 - y) * y);
            let t = Float::tanh(x);
            assert_eq!(Tanh.grad(x, t, dy), dy * (1.0 - t * t));
        }
    }

    #[test]
    fn extreme_inputs_give_finite_values_and_derivatives() {
        let xs = [1000.0, -1000.0, 1e-30, -1e-30];
        for d in [
            derivatives(&Sigmoid, &xs),
            derivatives(&Tanh, &xs),
            derivatives(&Elu::<f64>::default(), &xs),
            derivatives(&LeakyRelu::<f64>::default(), &xs),
        ] {
            assert!(d.iter().all(|v| v.is_finite()), "{d:?}");
        }
        let y: [f32; 4] = Elu::new(1.0f32).forward(&[1000.0, -1000.0, 1e-30, -1e-30]);
        assert_eq!(y, [1000.0, -1.0, 1e-30, -1e-30]);
        let y: [f32; 2] = Sigmoid.forward(&[1000.0, -1000.0]);
        assert_eq!(y, [1.0, 0.0]);
    }

    #[test]
    fn elu_is_accurate_near_zero() {
        // alpha·expm1(-1e-7) keeps full precision; exp(x) - 1 would lose ~9 digits.
        let y = Elu::new(1.0f64).apply(-1e-7);
        assert!((y - (-9.999999500000017e-8)).abs() < 1e-22);
    }

    #[test]
    fn batch_equals_per_sample_and_in_place_equals_by_value() {
        let xb = [[-1.0f32, 2.0], [0.0, -3.0]];
        let dyb = [[1.0f32, 1.0], [2.0, 0.5]];
        assert_batch_equals_samples(&LeakyRelu::new(0.1f32), &xb, &dyb);
        assert_batch_equals_samples(&Relu, &xb, &dyb);
        assert_batch_equals_samples(&Sigmoid, &xb, &dyb);
        assert_batch_equals_samples(&Elu::new(0.5f32), &xb, &dyb);
    }
}
