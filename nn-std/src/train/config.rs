//! Training settings.

use crate::data::LastBatch;

/// Gradient clipping applied to each batch's averaged gradient before the
/// optimizer step (see [`nn_optim::grad`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clip {
    /// Scale the whole gradient so that its global L2 norm is at most this
    /// (`torch.nn.utils.clip_grad_norm_`).
    Norm(f64),
    /// Clamp each gradient element to `[-v, v]` (`clip_grad_value_`).
    Value(f64),
}

/// Stop when the monitored loss (validation loss if there is a validation
/// set, else training loss) has not improved by more than `min_delta` for
/// `patience` epochs in a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyStopping {
    /// Epochs without improvement before stopping (at least 1).
    pub patience: usize,
    /// An epoch improves if its loss is below `best - min_delta`.
    pub min_delta: f64,
    /// At the end of training, put back the weights of the best epoch.
    pub restore_best: bool,
}

impl Default for EarlyStopping {
    /// Patience 5, `min_delta` 0, restoring the best weights.
    fn default() -> Self {
        EarlyStopping {
            patience: 5,
            min_delta: 0.0,
            restore_best: true,
        }
    }
}

/// Settings of a [`Trainer`](super::Trainer); the mini-batch size is the
/// const parameter `B` (the batched layers take `[[F; N]; B]`).
///
/// `K` (by default `B`) is the number of rows whose gradient one task
/// computes through the batched layers (`[[F; N]; K]`). With `K < B` each
/// batch is cut into `B / K` chunks that run in parallel on the current
/// `rayon` pool and whose gradients are summed in chunk order, so the
/// trained weights do not depend on the number of threads (they differ from
/// `K = B`'s only by the order of the sums). `K` must divide `B`. With the
/// default `K = B` the whole batch runs on the calling thread. The chunks
/// cost one gradient buffer each, and on a pool of several threads one more
/// copy of the weights, which the chunks on other threads than the caller
/// read (so that the optimizer step on the calling thread does not write
/// weights another core caches).
///
/// ```
/// use nn_std::train::{Clip, EarlyStopping, TrainConfig};
/// let config = TrainConfig::<32> {
///     epochs: 50,
///     seed: 7,
///     clip: Some(Clip::Norm(5.0)),
///     early_stopping: Some(EarlyStopping { patience: 3, ..Default::default() }),
///     ..Default::default()
/// };
/// assert_eq!((config.batch_size(), config.chunk_size()), (32, 32));
///
/// // Batches of 64 as two data-parallel chunks of 32.
/// let parallel = TrainConfig::<64, 32> { epochs: 5, ..Default::default() };
/// assert_eq!(parallel.chunks(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig<const B: usize, const K: usize = B> {
    /// Number of passes over the training set (an upper bound with early stopping).
    pub epochs: usize,
    /// Seed of the per-epoch shuffles: the same seed, data and initial model
    /// give bit-identical trained weights.
    pub seed: u64,
    /// Shuffle the training set each epoch (from `seed` and the epoch number).
    pub shuffle: bool,
    /// The last partial batch: keep it (its whole chunks of `K` rows through
    /// the batched layers, the rows left over through the per-sample path;
    /// its gradient the mean over its own rows), drop it, or wrap it around
    /// to a full batch (the repeated samples count twice in that epoch's
    /// loss, accuracy and sample count).
    pub last_batch: LastBatch,
    /// Optional gradient clipping.
    pub clip: Option<Clip>,
    /// Optional early stopping.
    pub early_stopping: Option<EarlyStopping>,
    /// Show an `indicatif` progress bar (only ever drawn when standard output
    /// is a terminal).
    pub progress: bool,
}

impl<const B: usize, const K: usize> Default for TrainConfig<B, K> {
    /// 10 epochs, seed 0, shuffled, last batch kept, no clipping, no early
    /// stopping, progress bar on.
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            seed: 0,
            shuffle: true,
            last_batch: LastBatch::Keep,
            clip: None,
            early_stopping: None,
            progress: true,
        }
    }
}

impl<const B: usize, const K: usize> TrainConfig<B, K> {
    /// The mini-batch size `B`.
    pub const fn batch_size(&self) -> usize {
        B
    }

    /// The rows `K` of one gradient chunk.
    pub const fn chunk_size(&self) -> usize {
        K
    }

    /// The same settings with gradient chunks of `K2` rows: with `K2 < B`,
    /// data-parallel chunks (see [`TrainConfig`]).
    ///
    /// ```
    /// use nn_std::train::TrainConfig;
    /// let serial = TrainConfig::<64> { epochs: 3, progress: false, ..Default::default() };
    /// let parallel = serial.chunked::<16>();
    /// assert_eq!((parallel.epochs, parallel.chunks()), (3, 4));
    /// ```
    pub const fn chunked<const K2: usize>(self) -> TrainConfig<B, K2> {
        TrainConfig {
            epochs: self.epochs,
            seed: self.seed,
            shuffle: self.shuffle,
            last_batch: self.last_batch,
            clip: self.clip,
            early_stopping: self.early_stopping,
            progress: self.progress,
        }
    }

    /// The chunks of a full batch, `B / K` (1: no parallelism; 0 for the
    /// invalid `K = 0`).
    pub const fn chunks(&self) -> usize {
        match B.checked_div(K) {
            Some(n) => n,
            None => 0,
        }
    }
}
