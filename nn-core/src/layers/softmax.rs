//! Softmax and log-softmax over the last axis (each row of a batch).

use crate::kernels::{
    log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward,
};

/// Implements [`Module`](crate::Module) for one row `[F; N]` and a batch
/// `[[F; N]; B]` (row by row), plus an empty [`Params`](crate::Params), from a
/// row forward and a row backward kernel. The cache is empty: the backward
/// kernel reads the forward output, which `backward` receives.
macro_rules! rowwise_module {
    ($ty:ty, $fwd:path, $bwd:path) => {
        impl<F: $crate::Float, const N: usize> $crate::Module<[F; N]> for $ty {
            type Output = [F; N];
            type Cache = ();

            #[inline]
            fn forward(&self, x: &[F; N]) -> [F; N] {
                let mut y = [F::ZERO; N];
                $fwd(x, &mut y);
                y
            }

            #[inline]
            fn forward_train(&self, x: &[F; N]) -> ([F; N], ()) {
                ($crate::Module::<[F; N]>::forward(self, x), ())
            }

            #[inline]
            fn forward_train_into(&self, x: &[F; N], y: &mut [F; N], _: &mut ()) {
                $fwd(x, y);
            }

            #[inline]
            fn backward(
                &self,
                _x: &[F; N],
                y: &[F; N],
                _: &(),
                dy: &[F; N],
                _grads: &mut Self,
            ) -> [F; N] {
                let mut dx = [F::ZERO; N];
                $bwd(y, dy, &mut dx);
                dx
            }
        }

        impl<F: $crate::Float, const N: usize, const B: usize> $crate::Module<[[F; N]; B]> for $ty {
            type Output = [[F; N]; B];
            type Cache = ();

            #[inline]
            fn forward(&self, x: &[[F; N]; B]) -> [[F; N]; B] {
                let mut y = [[F::ZERO; N]; B];
                $crate::Module::<[[F; N]; B]>::forward_train_into(self, x, &mut y, &mut ());
                y
            }

            #[inline]
            fn forward_train(&self, x: &[[F; N]; B]) -> ([[F; N]; B], ()) {
                ($crate::Module::<[[F; N]; B]>::forward(self, x), ())
            }

            #[inline]
            fn forward_train_into(&self, x: &[[F; N]; B], y: &mut [[F; N]; B], _: &mut ()) {
                for (xr, yr) in x.iter().zip(y.iter_mut()) {
                    $fwd(xr, yr);
                }
            }

            #[inline]
            fn backward(
                &self,
                _x: &[[F; N]; B],
                y: &[[F; N]; B],
                _: &(),
                dy: &[[F; N]; B],
                _grads: &mut Self,
            ) -> [[F; N]; B] {
                let mut dx = [[F::ZERO; N]; B];
                for ((yr, dyr), dxr) in y.iter().zip(dy).zip(dx.iter_mut()) {
                    $bwd(yr, dyr, dxr);
                }
                dx
            }
        }

        $crate::params::no_params!($ty);
    };
}

/// Softmax over each row: `y[i] = e^(x[i]) / Σ_j e^(x[j])`, computed with the
/// row maximum subtracted, so rows such as `[1000, 999.5, -1000]` are exact.
///
/// ```
/// use nn_core::{Module, Softmax};
/// let y = Softmax.forward(&[[0.0f64, 0.0], [1000.0, -1000.0]]);
/// assert_eq!(y, [[0.5, 0.5], [1.0, 0.0]]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Softmax;
rowwise_module!(Softmax, softmax_forward, softmax_backward);

/// Log-softmax over each row: `y[i] = x[i] − ln Σ_j e^(x[j])`, stable for any
/// finite input.
///
/// ```
/// use nn_core::{LogSoftmax, Module};
/// let y = LogSoftmax.forward(&[1000.0f32, -1000.0]);
/// assert_eq!(y, [0.0, -2000.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogSoftmax;
rowwise_module!(LogSoftmax, log_softmax_forward, log_softmax_backward);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Module;
    use crate::layers::testing::assert_batch_equals_samples;

    #[test]
    fn batch_equals_per_row_bit_for_bit() {
        let xb = [[1000.0f32, 999.5, -1000.0], [-1000.0, -1000.25, -999.0]];
        let dyb = [[0.3f32, -1.0, 2.0], [1.0, 0.5, -0.25]];
        assert_batch_equals_samples(&Softmax, &xb, &dyb);
        assert_batch_equals_samples(&LogSoftmax, &xb, &dyb);
        let yb: [[f32; 3]; 2] = Softmax.forward(&xb);
        let (lyb, ()) = LogSoftmax.forward_train(&xb);
        let ldxb: [[f32; 3]; 2] = LogSoftmax.backward(&xb, &lyb, &(), &dyb, &mut LogSoftmax);
        assert!(yb.as_flattened().iter().all(|v| v.is_finite()));
        assert!(ldxb.as_flattened().iter().all(|v| v.is_finite()));
    }
}
