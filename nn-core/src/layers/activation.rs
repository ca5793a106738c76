//! Activation layers. Each works on one sample `[F; N]` or a batch `[[F; N]; B]`
//! of any size, and has no learnable parameters unless stated.

use crate::Float;
use crate::kernels::activation::Elementwise;

/// Implements [`Module`](crate::Module) for one sample and for a batch, and an
/// empty [`Params`](crate::Params), for a type that implements
/// [`Elementwise`]. The cache is the layer's input.
#[macro_export]
macro_rules! elementwise_module {
    ($ty:ty) => {
        impl<F: $crate::Float, const N: usize> $crate::Module<[F; N]> for $ty
        where
            $ty: $crate::kernels::activation::Elementwise<F>,
        {
            type Output = [F; N];
            type Cache = [F; N];

            #[inline]
            fn forward(&self, x: &[F; N]) -> [F; N] {
                let mut y = [F::ZERO; N];
                $crate::kernels::elementwise_forward(self, x, &mut y);
                y
            }

            #[inline]
            fn forward_train(&self, x: &[F; N]) -> ([F; N], [F; N]) {
                ($crate::Module::<[F; N]>::forward(self, x), *x)
            }

            #[inline]
            fn backward(&self, x: &[F; N], dy: &[F; N], _grads: &mut Self) -> [F; N] {
                let mut dx = [F::ZERO; N];
                $crate::kernels::elementwise_backward(self, x, dy, &mut dx);
                dx
            }
        }

        impl<F: $crate::Float, const N: usize, const B: usize> $crate::Module<[[F; N]; B]> for $ty
        where
            $ty: $crate::kernels::activation::Elementwise<F>,
        {
            type Output = [[F; N]; B];
            type Cache = [[F; N]; B];

            #[inline]
            fn forward(&self, x: &[[F; N]; B]) -> [[F; N]; B] {
                let mut y = [[F::ZERO; N]; B];
                $crate::kernels::elementwise_forward(self, x.as_flattened(), y.as_flattened_mut());
                y
            }

            #[inline]
            fn forward_train(&self, x: &[[F; N]; B]) -> ([[F; N]; B], [[F; N]; B]) {
                ($crate::Module::<[[F; N]; B]>::forward(self, x), *x)
            }

            #[inline]
            fn backward(
                &self,
                x: &[[F; N]; B],
                dy: &[[F; N]; B],
                _grads: &mut Self,
            ) -> [[F; N]; B] {
                let mut dx = [[F::ZERO; N]; B];
                $crate::kernels::elementwise_backward(
                    self,
                    x.as_flattened(),
                    dy.as_flattened(),
                    dx.as_flattened_mut(),
                );
                dx
            }
        }

        impl<F: $crate::Float> $crate::Params<F> for $ty {
            fn params(&self) -> impl Iterator<Item = $crate::Param<'_, F>> {
                core::iter::empty()
            }
            fn params_mut(&mut self) -> impl Iterator<Item = $crate::ParamMut<'_, F>> {
                core::iter::empty()
            }
        }
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
    fn derivative(&self, _x: F) -> F {
        F::ONE
    }
}
elementwise_module!(Identity);

/// The rectifier `f(x) = max(0, x)`; `f'(0) = 0` as in PyTorch.
///
/// ```
/// use nn_core::{Module, Relu};
/// assert_eq!(Relu.forward(&[-1.0f32, 0.0, 2.0]), [0.0, 0.0, 2.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

impl<F: Float> Elementwise<F> for Relu {
    #[inline]
    fn apply(&self, x: F) -> F {
        if x > F::ZERO { x } else { F::ZERO }
    }
    #[inline]
    fn derivative(&self, x: F) -> F {
        if x > F::ZERO { F::ONE } else { F::ZERO }
    }
}
elementwise_module!(Relu);
