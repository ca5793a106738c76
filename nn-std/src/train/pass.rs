//! One batch's gradient: chunks of `K` rows through the batched layers (on
//! `rayon` threads when a batch has several and the `parallel` feature is
//! on), the rows of a partial batch left over through the per-sample path.

use nn_core::{Float, Loss, LossError, Module, Params, Pass, boxed_copy, forward_train_reusing};
#[cfg(feature = "parallel")]
use rayon::prelude::*;

use super::threads;
use crate::data::{Batch, Target};
use crate::metrics::class_of;

/// The summed loss and the number of correct predictions of some samples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tally<F> {
    pub loss_sum: F,
    pub correct: usize,
}

/// Whether `out` predicts `target`'s class (never for numeric targets or a
/// NaN output); one output is a binary classifier's logit ([`class_of`]).
#[inline]
pub(crate) fn is_correct<F: Float, T: Target<F>>(out: &[F], target: &T) -> bool {
    target.class().is_some() && class_of(out) == target.class()
}

/// One chunk's gradient buffer, its last forward pass (whose output and
/// cache the next batch's pass overwrites in place) and its result.
struct Slot<M: Module<X>, F, X> {
    grads: Box<M>,
    pass: Option<Pass<M, X>>,
    tally: Result<Tally<F>, LossError>,
}

/// The buffers of a training run, allocated once and reused for every
/// batch: one gradient per chunk of a full batch (the first one receives the
/// batch's gradient), and with several threads a copy of the weights for the
/// chunks that run on other threads than the caller.
///
/// Why the copy: the optimizer step writes the weights on the calling
/// thread, and writing memory that another core has just read (and still
/// caches) is slow; refreshing the copy costs far less (figures in
/// `docs/BENCHMARKS.md`, "W3c on two threads").
pub(crate) struct Workspace<M: Module<X>, F, X> {
    slots: Vec<Slot<M, F, X>>,
    #[cfg(feature = "parallel")]
    replica: Option<Box<M>>,
}

impl<M: Module<X> + Params<F> + Copy, F: Float, X> Workspace<M, F, X> {
    /// Buffers for `chunks` chunks (at least one) shaped like `model`.
    pub fn new(model: &M, chunks: usize) -> Self {
        let slots = (0..chunks.max(1))
            .map(|_| {
                let mut grads = boxed_copy(model);
                grads.fill(F::ZERO);
                grads
            })
            .map(|grads| Slot {
                grads,
                pass: None,
                tally: Err(LossError::Empty),
            })
            .collect();
        Workspace {
            slots,
            #[cfg(feature = "parallel")]
            replica: None,
        }
    }

    /// The gradient of the last batch passed to [`batch_grads`].
    pub fn grads(&mut self) -> &mut M {
        &mut self.slots[0].grads
    }
}

/// Computes in `work` the gradient of the mean loss over the batch's first
/// `rows` rows (`B` for a full batch, or a wrapped-around last batch): the
/// whole chunks of `K` rows through the batched layers, the rows left over
/// through the per-sample path, each chunk into its own buffer (on the
/// `rayon` pool if there are several), then summed in chunk order, so the
/// result does not depend on the number of threads. `K` must divide `B`.
pub(crate) fn batch_grads<
    F,
    const N: usize,
    const C: usize,
    T,
    const B: usize,
    const K: usize,
    M,
    L,
>(
    model: &M,
    loss: &L,
    batch: &Batch<F, N, T, B>,
    rows: usize,
    work: &mut Workspace<M, F, [[F; N]; K]>,
) -> Result<Tally<F>, LossError>
where
    F: Float + Send + Sync,
    T: Target<F>,
    M: Module<[F; N], Output = [F; C]>
        + Module<[[F; N]; K], Output = [[F; C]; K]>
        + Params<F>
        + Copy
        + Send
        + Sync,
    <M as Module<[[F; N]; K]>>::Cache: Send,
    L: Loss<F, [F; C], T> + Loss<F, [[F; C]; K], [T; K]> + Sync,
{
    let rows = rows.min(B);
    let (xs, ys) = (&batch.x[..rows], &batch.y[..rows]);
    // `checked_div`: K = 0 is refused by the trainer's settings check (and
    // `as_chunks::<0>` would not even compile).
    let whole = rows.checked_div(K).unwrap_or(0);
    let (x_rest, y_rest) = (&xs[whole * K..], &ys[whole * K..]);
    let count = whole + usize::from(!x_rest.is_empty());
    let run = |weights: &M, i: usize, slot: &mut Slot<M, F, [[F; N]; K]>| {
        slot.grads.fill(F::ZERO);
        slot.tally = match (chunk(xs, i), chunk(ys, i)) {
            (Some(x), Some(y)) => {
                chunk_grads(weights, loss, x, y, rows, &mut slot.grads, &mut slot.pass)
            }
            _ => {
                let scale = F::ONE / F::from_usize(rows);
                sample_grads(weights, loss, x_rest, y_rest, scale, &mut slot.grads)
            }
        };
    };
    let slots = &mut work.slots[..count];
    if slots.len() > 1 && threads::several() {
        #[cfg(feature = "parallel")]
        {
            // Other threads read an exact copy of the weights (see
            // `Workspace`): the same values, so the same results.
            let replica = work.replica.get_or_insert_with(|| boxed_copy(model));
            copy_into(&mut **replica, model);
            let replica = &**replica;
            let caller = rayon::current_thread_index();
            slots.par_iter_mut().enumerate().for_each(|(i, slot)| {
                let here = rayon::current_thread_index() == caller;
                run(if here { model } else { replica }, i, slot);
            });
        }
    } else {
        slots
            .iter_mut()
            .enumerate()
            .for_each(|(i, slot)| run(model, i, slot));
    }
    let Some((first, rest)) = slots.split_first_mut() else {
        return Err(LossError::Empty);
    };
    let mut total = first.tally?;
    for slot in rest {
        let tally = slot.tally?;
        add_into(&mut *first.grads, &*slot.grads);
        total.loss_sum += tally.loss_sum;
        total.correct += tally.correct;
    }
    Ok(total)
}

/// One chunk of `K` rows through the batched layers: accumulates into
/// `grads` the chunk's share of the gradient of the mean loss over `rows`
/// rows. The forward pass writes into `pass` (the previous batch's).
fn chunk_grads<F, const N: usize, const C: usize, T, const K: usize, M, L>(
    model: &M,
    loss: &L,
    x: &[[F; N]; K],
    y: &[T; K],
    rows: usize,
    grads: &mut M,
    pass: &mut Option<Pass<M, [[F; N]; K]>>,
) -> Result<Tally<F>, LossError>
where
    F: Float,
    T: Target<F>,
    M: Module<[[F; N]; K], Output = [[F; C]; K]>,
    L: Loss<F, [[F; C]; K], [T; K]>,
{
    let (out, cache) = forward_train_reusing(model, x, pass);
    let (mean, mut dy) = loss.loss_and_grad(out, y)?;
    if rows != K {
        // The loss averaged over the chunk's K rows; the batch has `rows`.
        let scale = F::from_usize(K) / F::from_usize(rows);
        dy.iter_mut().flatten().for_each(|d| *d *= scale);
    }
    model.backward_params(x, out, cache, &dy, grads);
    let correct = out
        .iter()
        .zip(y)
        .filter(|(o, t)| is_correct(&o[..], *t))
        .count();
    Ok(Tally {
        loss_sum: mean * F::from_usize(K),
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
        <M as Module<[F; N]>>::backward_params(model, x, &out, &cache, &dy, grads);
        tally.loss_sum += l;
        tally.correct += usize::from(is_correct(&out, y));
    }
    Ok(tally)
}

/// Chunk `i` of `K` elements of `s`, if `s` has it.
fn chunk<E, const K: usize>(s: &[E], i: usize) -> Option<&[E; K]> {
    s.get(i * K..(i + 1) * K)?.try_into().ok()
}

/// `dst = src`, tensor by tensor.
#[cfg(feature = "parallel")]
fn copy_into<F: Float, M: Params<F>>(dst: &mut M, src: &M) {
    for (d, s) in dst.params_mut().zip(src.params()) {
        d.values.copy_from_slice(s.values);
    }
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

#[cfg(test)]
mod tests {
    use nn_core::{CrossEntropy, Dense, Relu, Seq, seq};
    use nn_init::{Init, SplitMix64};
    use rand_core::RngCore;

    use super::*;

    type Net<F> = Seq![Dense<F, 5, 16>, Relu, Dense<F, 16, 3>];

    fn net<F: Float>() -> Net<F> {
        let mut m: Net<F> = seq![Dense::zeros(), Relu, Dense::zeros()];
        Init::he_uniform()
            .apply(&mut m, &mut SplitMix64::new(3))
            .unwrap();
        m
    }

    /// A batch of 12 rows: pseudo-random features in [-2, 2), classes 0..3.
    fn batch<F: Float>() -> Batch<F, 5, usize, 12> {
        let mut rng = SplitMix64::new(9);
        let mut b = Batch::new();
        for (r, (x, y)) in b.x.iter_mut().zip(&mut b.y).enumerate() {
            x.iter_mut().for_each(|v| {
                *v = F::from_f64((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0)
            });
            *y = (r * 5 + 1) % 3;
        }
        b.len = 12;
        b
    }

    /// The gradient (flattened) and tally of the first `rows` rows in chunks
    /// of `K`, on a pool of `threads` threads (one without `parallel`).
    fn grads<F: Float + Send + Sync, const K: usize>(
        rows: usize,
        threads: usize,
    ) -> (Vec<F>, Tally<F>) {
        let (model, batch) = (net::<F>(), batch::<F>());
        let mut work = Workspace::new(&model, 12 / K);
        let compute = || {
            batch_grads::<F, 5, 3, usize, 12, K, _, _>(
                &model,
                &CrossEntropy,
                &batch,
                rows,
                &mut work,
            )
        };
        #[cfg(feature = "parallel")]
        let tally = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(compute);
        // One thread whatever `threads` says.
        #[cfg(not(feature = "parallel"))]
        let tally = {
            let (_, mut compute) = (threads, compute);
            compute()
        };
        let tally = tally.unwrap();
        let flat = work
            .grads()
            .params()
            .flat_map(|p| p.values.to_vec())
            .collect();
        (flat, tally)
    }

    /// The per-sample path over the first `rows` rows: the independent
    /// reference.
    fn per_sample<F: Float>(rows: usize) -> (Vec<F>, Tally<F>) {
        let (model, batch) = (net::<F>(), batch::<F>());
        let mut g = model.zeroed();
        let scale = F::ONE / F::from_usize(rows);
        let tally = sample_grads(
            &model,
            &CrossEntropy,
            &batch.x[..rows],
            &batch.y[..rows],
            scale,
            &mut g,
        )
        .unwrap();
        (g.params().flat_map(|p| p.values.to_vec()).collect(), tally)
    }

    /// `|got - want| <= atol + rtol * |want|` for every element; the values
    /// differ only by the order of the sums.
    fn assert_close<F: Float>(
        got: &(Vec<F>, Tally<F>),
        want: &(Vec<F>, Tally<F>),
        rtol: f64,
        atol: f64,
    ) {
        assert_eq!(got.0.len(), want.0.len());
        assert_eq!(got.1.correct, want.1.correct);
        let pairs = got
            .0
            .iter()
            .zip(&want.0)
            .chain([(&got.1.loss_sum, &want.1.loss_sum)]);
        for (i, (g, w)) in pairs.enumerate() {
            let (g, w) = (g.to_f64(), w.to_f64());
            assert!(
                (g - w).abs() <= atol + rtol * w.abs(),
                "element {i}: {g} vs {w}"
            );
        }
    }

    fn bits<F: Float>(g: &(Vec<F>, Tally<F>)) -> Vec<u64> {
        g.0.iter()
            .chain([&g.1.loss_sum])
            .map(|v| v.to_bits_u64())
            .collect()
    }

    #[test]
    fn chunks_give_the_whole_batch_gradient() {
        // f64: at most 1e-14 + 1e-12 relative (sums of at most 12 terms of
        // size <= 1 reordered: a few ulps); stricter than the reference
        // README's f64 row (1e-9, 1e-12).
        let whole = grads::<f64, 12>(12, 1);
        assert_close(&whole, &per_sample(12), 1e-12, 1e-14);
        assert_close(&grads::<f64, 6>(12, 2), &whole, 1e-12, 1e-14);
        assert_close(&grads::<f64, 4>(12, 2), &whole, 1e-12, 1e-14);
        assert_close(&grads::<f64, 3>(12, 3), &whole, 1e-12, 1e-14);
        assert_close(&grads::<f64, 1>(12, 2), &whole, 1e-12, 1e-14);
        // f32: 1e-5 relative, 1e-6 absolute (the README's f32 row: 1e-4, 1e-6).
        let whole = grads::<f32, 12>(12, 1);
        assert_close(&grads::<f32, 4>(12, 2), &whole, 1e-5, 1e-6);
        assert_close(&grads::<f32, 6>(12, 2), &whole, 1e-5, 1e-6);
    }

    #[test]
    fn whole_batch_chunk_is_the_batched_pass() {
        // K = B is the plain batched pass: bit for bit what the layers give.
        let (model, batch) = (net::<f64>(), batch::<f64>());
        let (out, cache) = <Net<f64> as Module<[[f64; 5]; 12]>>::forward_train(&model, &batch.x);
        let (mean, dy) = CrossEntropy.loss_and_grad(&out, &batch.y).unwrap();
        let mut g = model.zeroed();
        <Net<f64> as Module<[[f64; 5]; 12]>>::backward_params(
            &model, &batch.x, &out, &cache, &dy, &mut g,
        );
        let want: Vec<f64> = g.params().flat_map(|p| p.values.to_vec()).collect();
        let got = grads::<f64, 12>(12, 1);
        assert_eq!(
            bits(&got),
            bits(&(
                want,
                Tally {
                    loss_sum: mean * 12.0,
                    correct: 0
                }
            ))
        );
    }

    #[test]
    fn partial_batch_runs_whole_chunks_and_the_rest_per_sample() {
        // 7 rows, chunks of 3: two batched chunks and one sample alone, the
        // mean over 7 rows.
        let want = per_sample::<f64>(7);
        assert_close(&grads::<f64, 3>(7, 2), &want, 1e-12, 1e-14);
        assert_close(&grads::<f64, 4>(7, 2), &want, 1e-12, 1e-14);
        // Fewer rows than a chunk: the per-sample path alone, bit for bit.
        assert_eq!(bits(&grads::<f64, 6>(5, 2)), bits(&per_sample::<f64>(5)));
        assert_eq!(bits(&grads::<f64, 12>(7, 1)), bits(&per_sample::<f64>(7)));
    }

    #[test]
    #[cfg_attr(not(feature = "parallel"), ignore = "needs the `parallel` feature")]
    fn chunked_gradient_does_not_depend_on_the_thread_count() {
        for rows in [12, 11, 7] {
            let one = bits(&grads::<f32, 2>(rows, 1));
            assert_eq!(one, bits(&grads::<f32, 2>(rows, 2)), "{rows} rows");
            assert_eq!(one, bits(&grads::<f32, 2>(rows, 3)), "{rows} rows");
        }
    }

    #[test]
    fn buffers_are_reused_without_stale_gradients() {
        // A second batch through the same workspace gives the same result
        // as through a fresh one.
        let (model, batch) = (net::<f64>(), batch::<f64>());
        let mut work = Workspace::new(&model, 3);
        let run = |work: &mut Workspace<_, _, _>, rows| {
            batch_grads::<f64, 5, 3, usize, 12, 4, _, _>(&model, &CrossEntropy, &batch, rows, work)
                .unwrap();
            work.grads()
                .params()
                .flat_map(|p| p.values.to_vec())
                .collect::<Vec<f64>>()
        };
        let first = run(&mut work, 12);
        let _ = run(&mut work, 9);
        assert_eq!(run(&mut work, 12), first);
    }
}
