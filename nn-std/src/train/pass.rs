//! One batch's gradient: the batched layers for a full batch, the per-sample
//! path for a partial one, or fixed-size chunks on `rayon` threads.

use nn_core::{Float, Loss, LossError, Module, Params};
use rayon::prelude::*;

use crate::data::{Batch, Target};
use crate::metrics::argmax;

/// The summed loss and the number of correct predictions of some samples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tally<F> {
    pub loss_sum: F,
    pub correct: usize,
}

/// Whether `out` predicts `target`'s class (never for numeric targets).
#[inline]
pub(crate) fn is_correct<F: Float, T: Target<F>>(out: &[F], target: &T) -> bool {
    target.class().is_some() && argmax(out) == target.class()
}

/// Accumulates into `grads` the gradient of the mean loss over the batch's
/// first `rows` rows (`B` for a full batch, or a wrapped-around last batch).
pub(crate) fn batch_grads<F, const N: usize, const C: usize, T, const B: usize, M, L>(
    model: &M,
    loss: &L,
    batch: &Batch<F, N, T, B>,
    rows: usize,
    chunk: Option<usize>,
    grads: &mut M,
) -> Result<Tally<F>, LossError>
where
    F: Float + Send + Sync,
    T: Target<F>,
    M: Module<[F; N], Output = [F; C]>
        + Module<[[F; N]; B], Output = [[F; C]; B]>
        + Params<F>
        + Clone
        + Send
        + Sync,
    L: Loss<F, [F; C], T> + Loss<F, [[F; C]; B], [T; B]> + Sync,
{
    let rows = rows.min(B);
    let scale = F::ONE / F::from_usize(rows);
    let (xs, ys) = (&batch.x[..rows], &batch.y[..rows]);
    if let Some(chunk) = chunk {
        return chunked_grads(model, loss, xs, ys, chunk, scale, grads);
    }
    if rows < B {
        return sample_grads(model, loss, xs, ys, scale, grads);
    }
    let (out, cache) = <M as Module<[[F; N]; B]>>::forward_train(model, &batch.x);
    let (mean, dy) = loss.loss_and_grad(&out, &batch.y)?;
    <M as Module<[[F; N]; B]>>::backward_params(model, &batch.x, &cache, &dy, grads);
    let correct = out
        .iter()
        .zip(&batch.y)
        .filter(|(o, t)| is_correct(&o[..], *t))
        .count();
    Ok(Tally {
        loss_sum: mean * F::from_usize(B),
        correct,
    })
}

/// The per-sample path: each sample's loss gradient scaled by `scale`
/// (`1 / batch length`), accumulated in order.
pub(crate) fn sample_grads<F, const N: usize, const C: usize, T, M, L>(
    model: &M,
    loss: &L,
    xs: &[[F; N]],
    ys: &[T],
    scale: F,
    grads: &mut M,
) -> Result<Tally<F>, LossError>
where
    F: Float,
    T: Target<F>,
    M: Module<[F; N], Output = [F; C]>,
    L: Loss<F, [F; C], T>,
{
    let mut tally = Tally {
        loss_sum: F::ZERO,
        correct: 0,
    };
    for (x, y) in xs.iter().zip(ys) {
        let (out, cache) = <M as Module<[F; N]>>::forward_train(model, x);
        let (l, mut dy) = loss.loss_and_grad(&out, y)?;
        dy.iter_mut().for_each(|d| *d *= scale);
        <M as Module<[F; N]>>::backward_params(model, x, &cache, &dy, grads);
        tally.loss_sum += l;
        tally.correct += usize::from(is_correct(&out, y));
    }
    Ok(tally)
}

/// Data-parallel gradients: chunks of `chunk` samples (independent of the
/// thread count) on the `rayon` pool, their gradients summed in chunk order,
/// so the result is the same for any number of threads.
fn chunked_grads<F, const N: usize, const C: usize, T, M, L>(
    model: &M,
    loss: &L,
    xs: &[[F; N]],
    ys: &[T],
    chunk: usize,
    scale: F,
    grads: &mut M,
) -> Result<Tally<F>, LossError>
where
    F: Float + Send + Sync,
    T: Target<F>,
    M: Module<[F; N], Output = [F; C]> + Params<F> + Clone + Send + Sync,
    L: Loss<F, [F; C], T> + Sync,
{
    let parts: Vec<Result<(M, Tally<F>), LossError>> = xs
        .par_chunks(chunk)
        .zip(ys.par_chunks(chunk))
        .map(|(xs, ys)| {
            let mut g = model.zeroed();
            let tally = sample_grads(model, loss, xs, ys, scale, &mut g)?;
            Ok((g, tally))
        })
        .collect();
    let mut total = Tally {
        loss_sum: F::ZERO,
        correct: 0,
    };
    for part in parts {
        let (g, tally) = part?;
        add_into(grads, &g);
        total.loss_sum += tally.loss_sum;
        total.correct += tally.correct;
    }
    Ok(total)
}

/// `acc += g`, tensor by tensor.
fn add_into<F: Float, M: Params<F>>(acc: &mut M, g: &M) {
    for (a, b) in acc.params_mut().zip(g.params()) {
        a.values
            .iter_mut()
            .zip(b.values)
            .for_each(|(a, &b)| *a += b);
    }
}
