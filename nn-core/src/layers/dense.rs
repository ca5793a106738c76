//! The fully connected layer.

use crate::kernels::{dense_backward, dense_backward_batch, dense_forward, dense_forward_batch};
use crate::kernels::{dense_backward_params, dense_backward_params_batch};
use crate::params;
use crate::{Float, Module, Param, ParamMut, Params};

/// A fully connected layer `y = W x + b` with `IN` inputs and `OUT` outputs.
///
/// `weight` is laid out `[OUT][IN]` like PyTorch's `nn.Linear`, so a
/// `state_dict` maps onto it directly.
///
/// ```
/// use nn_core::{Dense, Module};
/// static LAYER: Dense<f32, 2, 1> = Dense::from_parts([[0.5, -1.0]], [0.25]);
/// assert_eq!(LAYER.forward(&[2.0, 1.0]), [0.25]);
/// ```
///
/// On x86_64 the layer starts on a 64-byte boundary (`weight` first), so
/// that the vector kernels' loads of its rows do not cross cache lines
/// (docs/BENCHMARKS.md, "Every tier, interleaved"); other targets keep the alignment of
/// `F`, so the devices' memory and stack figures are unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Dense<F, const IN: usize, const OUT: usize> {
    /// Weights, `[OUT][IN]`.
    pub weight: [[F; IN]; OUT],
    /// Bias, one per output.
    pub bias: [F; OUT],
}

impl<F: Float, const IN: usize, const OUT: usize> Dense<F, IN, OUT> {
    /// A layer with the given weights and bias; `const`, so a trained layer can
    /// be a `static` in flash.
    pub const fn from_parts(weight: [[F; IN]; OUT], bias: [F; OUT]) -> Self {
        Dense { weight, bias }
    }

    /// A layer whose weights and bias are all zero.
    pub const fn zeros() -> Self {
        Dense {
            weight: [[F::ZERO; IN]; OUT],
            bias: [F::ZERO; OUT],
        }
    }
}

impl<F: Float, const IN: usize, const OUT: usize> Default for Dense<F, IN, OUT> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<F: Float, const IN: usize, const OUT: usize> Module<[F; IN]> for Dense<F, IN, OUT> {
    type Output = [F; OUT];
    type Cache = ();

    #[inline]
    fn forward(&self, x: &[F; IN]) -> [F; OUT] {
        // x86_64 dispatches to its vector kernels, which write into a slice.
        #[cfg(target_arch = "x86_64")]
        {
            let mut y = [F::ZERO; OUT];
            dense_forward(self.weight.as_flattened(), &self.bias, x, &mut y);
            y
        }
        // Elsewhere each output is written once, with no zero-fill first.
        #[cfg(not(target_arch = "x86_64"))]
        {
            F::dense_forward_array(&self.weight, &self.bias, x)
        }
    }

    #[inline]
    fn forward_train(&self, x: &[F; IN]) -> ([F; OUT], ()) {
        (self.forward(x), ())
    }

    #[inline]
    fn forward_train_into(&self, x: &[F; IN], y: &mut [F; OUT], _: &mut ()) {
        dense_forward(self.weight.as_flattened(), &self.bias, x, y);
    }

    #[inline]
    fn backward(
        &self,
        x: &[F; IN],
        _: &[F; OUT],
        _: &(),
        dy: &[F; OUT],
        grads: &mut Self,
    ) -> [F; IN] {
        let mut dx = [F::ZERO; IN];
        dense_backward(
            self.weight.as_flattened(),
            x,
            dy,
            grads.weight.as_flattened_mut(),
            &mut grads.bias,
            &mut dx,
        );
        dx
    }

    #[inline]
    fn backward_params(&self, x: &[F; IN], _: &[F; OUT], _: &(), dy: &[F; OUT], grads: &mut Self) {
        dense_backward_params(x, dy, grads.weight.as_flattened_mut(), &mut grads.bias);
    }
}

impl<F: Float, const IN: usize, const OUT: usize, const B: usize> Module<[[F; IN]; B]>
    for Dense<F, IN, OUT>
{
    type Output = [[F; OUT]; B];
    type Cache = ();

    #[inline]
    fn forward(&self, x: &[[F; IN]; B]) -> [[F; OUT]; B] {
        let mut y = [[F::ZERO; OUT]; B];
        dense_forward_batch(
            self.weight.as_flattened(),
            &self.bias,
            x.as_flattened(),
            y.as_flattened_mut(),
        );
        y
    }

    #[inline]
    fn forward_train(&self, x: &[[F; IN]; B]) -> ([[F; OUT]; B], ()) {
        (self.forward(x), ())
    }

    #[inline]
    fn forward_train_into(&self, x: &[[F; IN]; B], y: &mut [[F; OUT]; B], _: &mut ()) {
        dense_forward_batch(
            self.weight.as_flattened(),
            &self.bias,
            x.as_flattened(),
            y.as_flattened_mut(),
        );
    }

    #[inline]
    fn backward(
        &self,
        x: &[[F; IN]; B],
        _: &[[F; OUT]; B],
        _: &(),
        dy: &[[F; OUT]; B],
        grads: &mut Self,
    ) -> [[F; IN]; B] {
        let mut dx = [[F::ZERO; IN]; B];
        dense_backward_batch(
            self.weight.as_flattened(),
            x.as_flattened(),
            dy.as_flattened(),
            grads.weight.as_flattened_mut(),
            &mut grads.bias,
            dx.as_flattened_mut(),
        );
        dx
    }

    #[inline]
    fn backward_params(
        &self,
        x: &[[F; IN]; B],
        _: &[[F; OUT]; B],
        _: &(),
        dy: &[[F; OUT]; B],
        grads: &mut Self,
    ) {
        dense_backward_params_batch(
            x.as_flattened(),
            dy.as_flattened(),
            grads.weight.as_flattened_mut(),
            &mut grads.bias,
        );
    }
}

impl<F: Float, const IN: usize, const OUT: usize> Params<F> for Dense<F, IN, OUT> {
    fn params(&self) -> impl Iterator<Item = Param<'_, F>> {
        params::affine(self.weight.as_flattened(), &self.bias, IN, OUT)
    }

    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, F>> {
        params::affine_mut(self.weight.as_flattened_mut(), &mut self.bias, IN, OUT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ParamKind;

    /// The vector kernels' rows start on a cache line on x86_64, wherever the
    /// layer lives (stack, heap or inside a bigger model).
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn weights_start_on_a_cache_line_on_x86_64() {
        extern crate std;
        use crate::Chain;
        use crate::Relu;
        assert_eq!(core::mem::offset_of!(Dense<f32, 3, 2>, weight), 0);
        let on_stack = (0u8, Dense::<f32, 3, 2>::default());
        let boxed = std::boxed::Box::new(Chain {
            first: Dense::<f32, 5, 3>::default(),
            second: Chain {
                first: Relu,
                second: Dense::<f32, 3, 2>::default(),
            },
        });
        for address in [
            on_stack.1.weight.as_ptr() as usize,
            boxed.first.weight.as_ptr() as usize,
            boxed.second.second.weight.as_ptr() as usize,
        ] {
            assert_eq!(address % 64, 0);
        }
    }
    use crate::layers::testing::{assert_batch_equals_samples, param_kinds};

    fn layer() -> Dense<f64, 3, 2> {
        Dense::from_parts([[0.1, -0.2, 0.3], [1.5, 0.25, -0.75]], [0.5, -0.5])
    }

    #[test]
    fn batched_forward_and_backward_equal_per_sample_bit_for_bit() {
        let xs = [[1.0, 2.0, 3.0], [-0.5, 0.25, 4.0]];
        let dys = [[0.3, -1.0], [2.0, 0.125]];
        assert_batch_equals_samples(&layer(), &xs, &dys);
    }

    #[test]
    fn backward_params_adds_the_same_bits_as_backward() {
        extern crate std;
        let l = Dense::<f32, 9, 3>::from_parts(
            core::array::from_fn(|o| core::array::from_fn(|i| (o * 9 + i) as f32 * 0.37 - 4.1)),
            [0.1, -0.2, 0.3],
        );
        let start = Dense::<f32, 9, 3>::from_parts([[0.7; 9]; 3], [0.5; 3]);
        let xs: [[f32; 9]; 4] =
            core::array::from_fn(|r| core::array::from_fn(|i| (r + 1) as f32 / (i + 3) as f32));
        let dys: [[f32; 3]; 4] =
            core::array::from_fn(|r| core::array::from_fn(|o| (r as f32 - o as f32) * 0.3 + 0.01));
        let (mut full, mut only) = (start, start);
        let ys: [[f32; 3]; 4] = l.forward(&xs);
        let _: [f32; 9] = l.backward(&xs[0], &ys[0], &(), &dys[0], &mut full);
        Module::<[f32; 9]>::backward_params(&l, &xs[0], &ys[0], &(), &dys[0], &mut only);
        assert_ne!(full, start);
        assert_eq!(full, only);
        let _: [[f32; 9]; 4] = l.backward(&xs, &ys, &(), &dys, &mut full);
        Module::<[[f32; 9]; 4]>::backward_params(&l, &xs, &ys, &(), &dys, &mut only);
        let bits = |d: &Dense<f32, 9, 3>| {
            d.params()
                .flat_map(|p| p.values.iter().map(|v| v.to_bits()))
                .collect::<std::vec::Vec<_>>()
        };
        assert_eq!(bits(&full), bits(&only));
    }

    #[test]
    fn params_are_weight_then_bias_with_fans() {
        let l = layer();
        let kinds: [ParamKind; 2] = param_kinds(&l);
        assert_eq!(
            kinds,
            [
                ParamKind::Weight {
                    fan_in: 3,
                    fan_out: 2
                },
                ParamKind::Bias { fan_in: 3 }
            ]
        );
        assert_eq!(l.num_params(), 8);
    }
}
