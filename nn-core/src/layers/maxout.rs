//! The maxout layer (Goodfellow et al. 2013): each unit is the maximum of `K`
//! affine pieces of the input.

use crate::kernels::{
    dense_backward, dense_backward_batch, dense_forward, dense_forward_batch, maxout_backward,
    maxout_forward,
};
use crate::params;
use crate::{Float, Module, Param, ParamMut, Params};

/// `OUT` maxout units over `IN` inputs, each the maximum of `K` affine pieces:
/// `y[o] = max_k (weight[o][k] · x + bias[o][k])`.
///
/// Flattened, `weight` is an `[OUT·K][IN]` matrix whose rows come in
/// contiguous groups of `K` per unit (the layout of a `Linear(IN, OUT·K)`
/// followed by a group max). Ties go to the lowest piece, and the gradient
/// flows only through the winning piece.
///
/// ```
/// use nn_core::{Maxout, Module};
/// // One unit: max(x0 + x1, x0 - x1) = x0 + |x1|.
/// static LAYER: Maxout<f32, 2, 1, 2> = Maxout::from_parts([[[1.0, 1.0], [1.0, -1.0]]], [[0.0; 2]]);
/// assert_eq!(LAYER.forward(&[3.0, -2.0]), [5.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Maxout<F, const IN: usize, const OUT: usize, const K: usize> {
    /// Weights, `[OUT][K][IN]`.
    pub weight: [[[F; IN]; K]; OUT],
    /// Biases, `[OUT][K]`.
    pub bias: [[F; K]; OUT],
}

impl<F: Float, const IN: usize, const OUT: usize, const K: usize> Maxout<F, IN, OUT, K> {
    /// A layer with the given weights and biases; `const`, so a trained layer
    /// can be a `static` in flash.
    pub const fn from_parts(weight: [[[F; IN]; K]; OUT], bias: [[F; K]; OUT]) -> Self {
        Maxout { weight, bias }
    }

    /// A layer whose weights and biases are all zero.
    pub const fn zeros() -> Self {
        Maxout {
            weight: [[[F::ZERO; IN]; K]; OUT],
            bias: [[F::ZERO; K]; OUT],
        }
    }

    /// The value of every piece before the maximum: `z[o][k] = weight[o][k] · x + bias[o][k]`.
    ///
    /// ```
    /// use nn_core::Maxout;
    /// let layer = Maxout::<f64, 1, 1, 2>::from_parts([[[2.0], [-1.0]]], [[0.0, 1.0]]);
    /// assert_eq!(layer.pre_activation(&[3.0]), [[6.0, -2.0]]);
    /// ```
    #[inline]
    pub fn pre_activation(&self, x: &[F; IN]) -> [[F; K]; OUT] {
        let mut z = [[F::ZERO; K]; OUT];
        dense_forward(self.w(), self.b(), x, z.as_flattened_mut());
        z
    }

    /// Each unit's output and winning piece for one sample.
    #[inline]
    fn winners(&self, x: &[F; IN]) -> ([F; OUT], [usize; OUT]) {
        let z = self.pre_activation(x);
        let (mut y, mut arg) = ([F::ZERO; OUT], [0; OUT]);
        maxout_forward(z.as_flattened(), K, &mut y, &mut arg);
        (y, arg)
    }

    /// Each unit's output and winning piece for every row of a batch.
    #[inline]
    fn winners_batch<const B: usize>(
        &self,
        x: &[[F; IN]; B],
    ) -> ([[F; OUT]; B], [[usize; OUT]; B]) {
        let mut z = [[[F::ZERO; K]; OUT]; B];
        let zf = z.as_flattened_mut().as_flattened_mut();
        dense_forward_batch(self.w(), self.b(), x.as_flattened(), zf);
        let (mut y, mut arg) = ([[F::ZERO; OUT]; B], [[0; OUT]; B]);
        maxout_forward(zf, K, y.as_flattened_mut(), arg.as_flattened_mut());
        (y, arg)
    }

    #[inline]
    fn w(&self) -> &[F] {
        self.weight.as_flattened().as_flattened()
    }

    #[inline]
    fn b(&self) -> &[F] {
        self.bias.as_flattened()
    }
}

impl<F: Float, const IN: usize, const OUT: usize, const K: usize> Default
    for Maxout<F, IN, OUT, K>
{
    fn default() -> Self {
        Self::zeros()
    }
}

impl<F: Float, const IN: usize, const OUT: usize, const K: usize> Module<[F; IN]>
    for Maxout<F, IN, OUT, K>
{
    type Output = [F; OUT];
    /// The winning piece of each unit.
    type Cache = [usize; OUT];

    #[inline]
    fn forward(&self, x: &[F; IN]) -> [F; OUT] {
        self.winners(x).0
    }

    #[inline]
    fn forward_train(&self, x: &[F; IN]) -> ([F; OUT], Self::Cache) {
        self.winners(x)
    }

    #[inline]
    fn backward(
        &self,
        x: &[F; IN],
        _: &[F; OUT],
        arg: &Self::Cache,
        dy: &[F; OUT],
        grads: &mut Self,
    ) -> [F; IN] {
        let mut dz = [[F::ZERO; K]; OUT];
        maxout_backward(arg, K, dy, dz.as_flattened_mut());
        let mut dx = [F::ZERO; IN];
        dense_backward(
            self.w(),
            x,
            dz.as_flattened(),
            grads.weight.as_flattened_mut().as_flattened_mut(),
            grads.bias.as_flattened_mut(),
            &mut dx,
        );
        dx
    }
}

impl<F: Float, const IN: usize, const OUT: usize, const K: usize, const B: usize>
    Module<[[F; IN]; B]> for Maxout<F, IN, OUT, K>
{
    type Output = [[F; OUT]; B];
    /// The winning piece of each unit of each row.
    type Cache = [[usize; OUT]; B];

    #[inline]
    fn forward(&self, x: &[[F; IN]; B]) -> [[F; OUT]; B] {
        self.winners_batch(x).0
    }

    #[inline]
    fn forward_train(&self, x: &[[F; IN]; B]) -> ([[F; OUT]; B], Self::Cache) {
        self.winners_batch(x)
    }

    #[inline]
    fn backward(
        &self,
        x: &[[F; IN]; B],
        _: &[[F; OUT]; B],
        arg: &Self::Cache,
        dy: &[[F; OUT]; B],
        grads: &mut Self,
    ) -> [[F; IN]; B] {
        let mut dz = [[[F::ZERO; K]; OUT]; B];
        let dzf = dz.as_flattened_mut().as_flattened_mut();
        maxout_backward(arg.as_flattened(), K, dy.as_flattened(), dzf);
        let mut dx = [[F::ZERO; IN]; B];
        dense_backward_batch(
            self.w(),
            x.as_flattened(),
            dzf,
            grads.weight.as_flattened_mut().as_flattened_mut(),
            grads.bias.as_flattened_mut(),
            dx.as_flattened_mut(),
        );
        dx
    }
}

impl<F: Float, const IN: usize, const OUT: usize, const K: usize> Params<F>
    for Maxout<F, IN, OUT, K>
{
    fn params(&self) -> impl Iterator<Item = Param<'_, F>> {
        params::affine(self.w(), self.b(), IN, OUT * K)
    }

    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, F>> {
        let weight = self.weight.as_flattened_mut().as_flattened_mut();
        params::affine_mut(weight, self.bias.as_flattened_mut(), IN, OUT * K)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ParamKind;
    use crate::layers::testing::{assert_batch_equals_samples, param_kinds};

    fn layer() -> Maxout<f64, 2, 2, 3> {
        Maxout::from_parts(
            [
                [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]],
                [[0.5, 0.5], [2.0, -1.0], [0.0, 0.0]],
            ],
            [[0.0, 0.0, 0.0], [0.0, 0.0, 0.25]],
        )
    }

    #[test]
    fn forward_picks_the_best_piece_and_backward_only_feeds_it() {
        let l = layer();
        let x = [2.0, -1.0];
        let (y, cache) = l.forward_train(&x);
        // unit 0: pieces [2, -1, -1] -> 2 (piece 0); unit 1: [0.5, 5, 0.25] -> 5 (piece 1)
        assert_eq!(y, [2.0, 5.0]);
        assert_eq!(cache, [0, 1]);
        let mut g = l.zeroed();
        let dx: [f64; 2] = l.backward(&x, &y, &cache, &[1.0, 10.0], &mut g);
        assert_eq!(dx, [1.0 + 20.0, -10.0]);
        assert_eq!(g.weight[0], [[2.0, -1.0], [0.0, 0.0], [0.0, 0.0]]);
        assert_eq!(g.weight[1], [[0.0, 0.0], [20.0, -10.0], [0.0, 0.0]]);
        assert_eq!(g.bias, [[1.0, 0.0, 0.0], [0.0, 10.0, 0.0]]);
    }

    /// PyTorch's `max` picks the first NaN of a group, so a NaN weight makes
    /// the unit's output NaN and the gradient flows to that piece.
    #[test]
    fn a_nan_piece_wins_its_unit() {
        let l = Maxout::<f32, 1, 1, 3>::from_parts([[[1.0], [f32::NAN], [f32::NAN]]], [[0.0; 3]]);
        let x = [2.0];
        let (y, cache) = l.forward_train(&x);
        assert!(y[0].is_nan());
        assert_eq!(cache, [1]);
        let mut g = l.zeroed();
        let _: [f32; 1] = l.backward(&x, &y, &cache, &[1.0], &mut g);
        assert_eq!(g.bias, [[0.0, 1.0, 0.0]]);
    }

    #[test]
    fn ties_go_to_the_lowest_piece() {
        let l = Maxout::<f32, 1, 1, 2>::from_parts([[[1.0], [1.0]]], [[0.0; 2]]);
        let (_, cache) = l.forward_train(&[3.0]);
        assert_eq!(cache, [0]);
    }

    #[test]
    fn batch_equals_per_sample_bit_for_bit() {
        let xb = [[2.0, -1.0], [-0.5, 0.75], [0.0, 0.0]];
        let dyb = [[1.0, -2.0], [0.5, 0.25], [3.0, 1.0]];
        assert_batch_equals_samples(&layer(), &xb, &dyb);
    }

    #[test]
    fn params_are_out_times_k_rows() {
        let l = layer();
        let kinds: [ParamKind; 2] = param_kinds(&l);
        assert_eq!(
            kinds,
            [
                ParamKind::Weight {
                    fan_in: 2,
                    fan_out: 6
                },
                ParamKind::Bias { fan_in: 2 }
            ]
        );
        assert_eq!(l.num_params(), 12 + 6);
    }
}
