//! Softmax and log-softmax over the last axis (each row of a batch).

use crate::kernels::{
    log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward,
};

/// Implements [`Module`](crate::Module) for one row `[F; N]` and a batch
/// `[[F; N]; B]` (row by row), caching the output, plus an empty
/// [`Params`](crate::Params), from a row forward and a row backward kernel.
macro_rules! rowwise_module {
    ($ty:ty, $fwd:path, $bwd:path) => {
        impl<F: $crate::Float, const N: usize> $crate::Module<[F; N]> for $ty {
            type Output = [F; N];
            type Cache = [F; N];

            #[inline]
            fn forward(&self, x: &[F; N]) -> [F; N] {
                let mut y = [F::ZERO; N];
                $fwd(x, &mut y);
                y
            }

            #[inline]
            fn forward_train(&self, x: &[F; N]) -> ([F; N], [F; N]) {
                let y = $crate::Module::<[F; N]>::forward(self, x);
                (y, y)
            }

            #[inline]
            fn backward(&self, y: &[F; N], dy: &[F; N], _grads: &mut Self) -> [F; N] {
                let mut dx = [F::ZERO; N];
                $bwd(y, dy, &mut dx);
                dx
            }
        }

        impl<F: $crate::Float, const N: usize, const B: usize> $crate::Module<[[F; N]; B]> for $ty {
            type Output = [[F; N]; B];
            type Cache = [[F; N]; B];

            #[inline]
            fn forward(&self, x: &[[F; N]; B]) -> [[F; N]; B] {
                let mut y = [[F::ZERO; N]; B];
                for (xr, yr) in x.iter().zip(y.iter_mut()) {
                    $fwd(xr, yr);
                }
                y
            }

            #[inline]
            fn forward_train(&self, x: &[[F; N]; B]) -> ([[F; N]; B], [[F; N]; B]) {
                let y = $crate::Module::<[[F; N]; B]>::forward(self, x);
                (y, y)
            }

            #[inline]
            fn backward(
                &self,
                y: &[[F; N]; B],
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

    #[test]
    fn batch_equals_per_row_bit_for_bit() {
        let xb = [[1000.0f32, 999.5, -1000.0], [-1000.0, -1000.25, -999.0]];
        let dyb = [[0.3f32, -1.0, 2.0], [1.0, 0.5, -0.25]];
        let (yb, cb) = Softmax.forward_train(&xb);
        let dxb: [[f32; 3]; 2] = Softmax.backward(&cb, &dyb, &mut Softmax);
        let (lb, lcb) = LogSoftmax.forward_train(&xb);
        let ldxb: [[f32; 3]; 2] = LogSoftmax.backward(&lcb, &dyb, &mut LogSoftmax);
        for r in 0..2 {
            let (y, c) = Softmax.forward_train(&xb[r]);
            assert_eq!(y, yb[r]);
            let dx: [f32; 3] = Softmax.backward(&c, &dyb[r], &mut Softmax);
            assert_eq!(dx, dxb[r]);
            let (l, lc) = LogSoftmax.forward_train(&xb[r]);
            assert_eq!(l, lb[r]);
            let ldx: [f32; 3] = LogSoftmax.backward(&lc, &dyb[r], &mut LogSoftmax);
            assert_eq!(ldx, ldxb[r]);
        }
        assert!(yb.as_flattened().iter().all(|v| v.is_finite()));
        assert!(ldxb.as_flattened().iter().all(|v| v.is_finite()));
    }
}
