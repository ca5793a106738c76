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
/// ```
/// use nn_std::train::{Clip, EarlyStopping, TrainConfig};
/// let config = TrainConfig::<32> {
///     epochs: 50,
///     seed: 7,
///     clip: Some(Clip::Norm(5.0)),
///     early_stopping: Some(EarlyStopping { patience: 3, ..Default::default() }),
///     ..Default::default()
/// };
/// assert_eq!(config.batch_size(), 32);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig<const B: usize> {
    /// Number of passes over the training set (an upper bound with early stopping).
    pub epochs: usize,
    /// Seed of the per-epoch shuffles: the same seed, data and initial model
    /// give bit-identical trained weights.
    pub seed: u64,
    /// Shuffle the training set each epoch (from `seed` and the epoch number).
    pub shuffle: bool,
    /// The last partial batch: keep it (through the per-sample path, its
    /// gradient the mean over its own rows), drop it, or wrap it around to a
    /// full batch (through the batched layers; the repeated samples count
    /// twice in that epoch's loss, accuracy and sample count).
    pub last_batch: LastBatch,
    /// Optional gradient clipping.
    pub clip: Option<Clip>,
    /// Optional early stopping.
    pub early_stopping: Option<EarlyStopping>,
    /// Show an `indicatif` progress bar (only ever drawn when standard output
    /// is a terminal).
    pub progress: bool,
    /// Data-parallel gradients with `rayon`: each batch is cut into chunks of
    /// this many samples, computed on any thread and summed in chunk order,
    /// so the result does not depend on the number of threads. `None` runs
    /// the batched layers on the calling thread.
    pub parallel_chunk: Option<usize>,
}

impl<const B: usize> Default for TrainConfig<B> {
    /// 10 epochs, seed 0, shuffled, last batch kept, no clipping, no early
    /// stopping, progress bar on, single-threaded.
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            seed: 0,
            shuffle: true,
            last_batch: LastBatch::Keep,
            clip: None,
            early_stopping: None,
            progress: true,
            parallel_chunk: None,
        }
    }
}

impl<const B: usize> TrainConfig<B> {
    /// The mini-batch size `B`.
    pub const fn batch_size(&self) -> usize {
        B
    }
}
