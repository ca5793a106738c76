//! Typed layers whose sizes are const generics.

pub mod activation;
pub mod dense;
pub mod maxout;
pub mod prelu;
pub mod softmax;

/// Checks shared by the layers' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use core::fmt::Debug;

    use crate::{Float, Module, ParamKind, Params};

    /// Asserts that `layer`'s batch impl computes exactly (bit for bit) what
    /// its per-sample impl computes row by row: outputs, `dL/dx` and the
    /// parameter gradients accumulated over the batch; and that
    /// `forward_train_into` over another input's values equals
    /// `forward_train`, for samples and batches.
    pub(crate) fn assert_batch_equals_samples<
        M,
        F,
        const N: usize,
        const O: usize,
        const B: usize,
    >(
        layer: &M,
        xs: &[[F; N]; B],
        dys: &[[F; O]; B],
    ) where
        F: Float,
        M: Module<[F; N], Output = [F; O]>
            + Module<[[F; N]; B], Output = [[F; O]; B]>
            + Params<F>
            + Clone
            + PartialEq
            + Debug,
        <M as Module<[F; N]>>::Cache: PartialEq + Debug,
        <M as Module<[[F; N]; B]>>::Cache: PartialEq + Debug,
    {
        let (yb, cb) = Module::<[[F; N]; B]>::forward_train(layer, xs);
        let other = xs.map(|r| r.map(|v| v + v + F::ONE));
        let (mut y_into, mut c_into) = layer.forward_train(&other);
        layer.forward_train_into(xs, &mut y_into, &mut c_into);
        assert_eq!((&y_into, &c_into), (&yb, &cb));
        let (mut y_into, mut c_into) = layer.forward_train(&other[0]);
        layer.forward_train_into(&xs[0], &mut y_into, &mut c_into);
        assert_eq!(
            (y_into, c_into),
            Module::<[F; N]>::forward_train(layer, &xs[0])
        );
        let mut gb = layer.zeroed();
        let dxb: [[F; N]; B] = layer.backward(xs, &yb, &cb, dys, &mut gb);
        let mut gs = layer.zeroed();
        for r in 0..B {
            let (y, c) = Module::<[F; N]>::forward_train(layer, &xs[r]);
            assert_eq!(y, yb[r]);
            let dx: [F; N] = layer.backward(&xs[r], &y, &c, &dys[r], &mut gs);
            assert_eq!(dx, dxb[r]);
        }
        assert_eq!(gs, gb);
    }

    /// The kinds of a module's first `K` parameter tensors (`Other` past the end).
    pub(crate) fn param_kinds<F: Float, const K: usize>(m: &impl Params<F>) -> [ParamKind; K] {
        let mut it = m.params().map(|p| p.kind);
        core::array::from_fn(|_| it.next().unwrap_or(ParamKind::Other))
    }
}
