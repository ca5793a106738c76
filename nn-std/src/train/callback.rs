//! Hooks into the training loop for people who want their own logging.

use super::History;
use crate::history::EpochRecord;

/// What a callback asks the loop to do after an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on training.
    Continue,
    /// Stop after this epoch (early stopping still restores the best weights).
    Stop,
}

/// Hooks called by [`Trainer::fit`](super::Trainer::fit); every method has an
/// empty default. `M` is the model type.
///
/// ```
/// use nn_std::history::EpochRecord;
/// use nn_std::train::{Callback, Control};
/// struct StopAtLoss(f64);
/// impl<M> Callback<M> for StopAtLoss {
///     fn on_epoch_end(&mut self, record: &EpochRecord, _model: &M) -> Control {
///         if record.train_loss < self.0 { Control::Stop } else { Control::Continue }
///     }
/// }
/// ```
pub trait Callback<M> {
    /// Before the first epoch.
    fn on_train_begin(&mut self, _model: &M) {}
    /// Before epoch `epoch` (from 1).
    fn on_epoch_begin(&mut self, _epoch: usize) {}
    /// After the optimizer step of batch `batch` (from 1) with its mean loss.
    fn on_batch_end(&mut self, _epoch: usize, _batch: usize, _loss: f64) {}
    /// After an epoch, with its figures and the current weights.
    fn on_epoch_end(&mut self, _record: &EpochRecord, _model: &M) -> Control {
        Control::Continue
    }
    /// After training (after early stopping restored the best weights).
    fn on_train_end(&mut self, _history: &History, _model: &M) {}
}
