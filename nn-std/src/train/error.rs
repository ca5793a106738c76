//! Why training stopped with an error.

use std::fmt;

use nn_core::LossError;
use nn_optim::{ConfigError, GradError, StepError};

/// Why [`Trainer::fit`](super::Trainer::fit) or [`evaluate`](super::evaluate)
/// failed. Epochs and batches are counted from 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrainError {
    /// The loss of a batch became NaN or infinite: the learning rate is
    /// probably too high (the divergence guard).
    Diverged {
        /// Epoch of the batch.
        epoch: usize,
        /// Batch within the epoch.
        batch: usize,
        /// The loss value (NaN or infinite).
        loss: f64,
    },
    /// The loss stayed finite, but the last steps of an epoch made a weight
    /// NaN or infinite (found when the epoch ends).
    NonFiniteWeights {
        /// The epoch.
        epoch: usize,
    },
    /// The loss refused the targets (for example a class index out of range).
    Loss {
        /// Epoch (0 while evaluating).
        epoch: usize,
        /// Batch within the epoch (or sample while evaluating).
        batch: usize,
        /// What the loss said.
        source: LossError,
    },
    /// Gradient clipping failed (a non-finite gradient norm).
    Clip {
        /// Epoch of the batch.
        epoch: usize,
        /// Batch within the epoch.
        batch: usize,
        /// What clipping said.
        source: GradError,
    },
    /// The optimizer refused the step (for example a non-finite gradient).
    Step {
        /// Epoch of the batch.
        epoch: usize,
        /// Batch within the epoch.
        batch: usize,
        /// What the optimizer said.
        source: StepError,
    },
    /// The learning-rate schedule gave a rate the optimizer refuses.
    Schedule {
        /// The optimizer step whose rate was refused.
        step: u64,
        /// What the optimizer said.
        source: ConfigError,
    },
    /// Evaluation met a sample whose outputs are all NaN (no prediction).
    NonFiniteOutput {
        /// The sample, from 1.
        sample: usize,
    },
    /// A setting is out of range (for example zero epochs or batch size 0).
    InvalidConfig {
        /// The setting.
        name: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Diverged { epoch, batch, loss } => write!(
                f,
                "training diverged: the loss is {loss} at epoch {epoch}, batch {batch} \
                 (try a smaller learning rate or gradient clipping)"
            ),
            TrainError::NonFiniteWeights { epoch } => write!(
                f,
                "training diverged: a weight is NaN or infinite at the end of epoch {epoch} \
                 (try a smaller learning rate or gradient clipping)"
            ),
            TrainError::Loss {
                epoch,
                batch,
                source,
            } => write!(f, "loss error at epoch {epoch}, batch {batch}: {source}"),
            TrainError::Clip {
                epoch,
                batch,
                source,
            } => write!(
                f,
                "gradient clipping failed at epoch {epoch}, batch {batch}: {source}"
            ),
            TrainError::Step {
                epoch,
                batch,
                source,
            } => write!(
                f,
                "optimizer step failed at epoch {epoch}, batch {batch}: {source}"
            ),
            TrainError::Schedule { step, source } => {
                write!(
                    f,
                    "the schedule's learning rate at step {step} is refused: {source}"
                )
            }
            TrainError::NonFiniteOutput { sample } => {
                write!(f, "the model's outputs for sample {sample} are all NaN")
            }
            TrainError::InvalidConfig { name, expected } => {
                write!(f, "invalid training setting `{name}`: expected {expected}")
            }
        }
    }
}

impl std::error::Error for TrainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TrainError::Loss { source, .. } => Some(source),
            TrainError::Clip { source, .. } => Some(source),
            TrainError::Step { source, .. } => Some(source),
            TrainError::Schedule { source, .. } => Some(source),
            _ => None,
        }
    }
}
