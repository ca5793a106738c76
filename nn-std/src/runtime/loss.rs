//! Losses on runtime-shaped batches, from nn-core's slice loss kernels.

use nn_core::Float;
use nn_core::kernels::loss;

use super::NetworkError;

/// A loss with the mean reduction, chosen at run time.
///
/// `pred` is a batch stored row-major with `width` values per sample.
/// Element-wise losses ([`Mse`](LossSpec::Mse), [`Huber`](LossSpec::Huber),
/// [`BceWithLogits`](LossSpec::BceWithLogits), [`Hinge`](LossSpec::Hinge))
/// average over all elements; the others average over the samples.
///
/// ```
/// use nn_std::runtime::{LossSpec, Target};
/// let (loss, grad) = LossSpec::Mse.loss_and_grad(&[1.0, 3.0], 2, Target::Values(&[0.0, 1.0]))?;
/// assert_eq!((loss, grad), (2.5, vec![1.0, 2.0]));
/// # Ok::<(), nn_std::runtime::NetworkError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LossSpec<F> {
    /// Mean squared error.
    Mse,
    /// PyTorch's `HuberLoss`.
    Huber {
        /// Where the quadratic part ends.
        delta: F,
    },
    /// Softmax cross-entropy from logits with class-index targets.
    CrossEntropy,
    /// Softmax cross-entropy from logits with probability targets.
    CrossEntropyProbs,
    /// Binary cross-entropy from logits, targets in `[0, 1]`.
    BceWithLogits,
    /// Binary hinge `max(0, margin − y·f)` with labels `y` in {−1, 1}.
    Hinge {
        /// The margin (1 in the textbook form).
        margin: F,
    },
    /// PyTorch's `MultiMarginLoss` with `p = 1`, class-index targets.
    MultiMargin {
        /// The margin (PyTorch's default is 1).
        margin: F,
    },
}

/// The targets of a batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target<'a, F> {
    /// One value per prediction element (or one probability row per sample).
    Values(&'a [F]),
    /// One class index per sample.
    Classes(&'a [usize]),
}

impl<F: Float> LossSpec<F> {
    /// Whether the loss takes [`Target::Classes`] (otherwise
    /// [`Target::Values`]).
    pub fn class_targets(&self) -> bool {
        matches!(self, LossSpec::CrossEntropy | LossSpec::MultiMargin { .. })
    }

    /// The mean loss alone.
    pub fn loss(&self, pred: &[F], width: usize, target: Target<'_, F>) -> Result<F, NetworkError> {
        self.run(pred, width, target, None)
    }

    /// The mean loss and `dL/dpred` (same shape as `pred`, including the `1/N`
    /// of the mean).
    pub fn loss_and_grad(
        &self,
        pred: &[F],
        width: usize,
        target: Target<'_, F>,
    ) -> Result<(F, Vec<F>), NetworkError> {
        let mut grad = vec![F::ZERO; pred.len()];
        let value = self.run(pred, width, target, Some(&mut grad))?;
        Ok((value, grad))
    }

    fn run(
        &self,
        pred: &[F],
        width: usize,
        target: Target<'_, F>,
        grad: Option<&mut [F]>,
    ) -> Result<F, NetworkError> {
        if width == 0 || !pred.len().is_multiple_of(width) {
            return Err(NetworkError::BatchLength {
                width,
                found: pred.len(),
            });
        }
        let value = match (*self, target) {
            (LossSpec::Mse, Target::Values(t)) => loss::mse(pred, t, grad),
            (LossSpec::Huber { delta }, Target::Values(t)) => loss::huber(delta, pred, t, grad),
            (LossSpec::BceWithLogits, Target::Values(t)) => loss::bce_with_logits(pred, t, grad),
            (LossSpec::Hinge { margin }, Target::Values(t)) => loss::hinge(margin, pred, t, grad),
            (LossSpec::CrossEntropyProbs, Target::Values(t)) => {
                loss::cross_entropy_probs(pred, width, t, grad)
            }
            (LossSpec::CrossEntropy, Target::Classes(t)) => {
                loss::cross_entropy(pred, width, t, grad)
            }
            (LossSpec::MultiMargin { margin }, Target::Classes(t)) => {
                loss::multi_margin(margin, pred, width, t, grad)
            }
            (_, Target::Values(_)) => return Err(NetworkError::TargetKind { classes: true }),
            (_, Target::Classes(_)) => return Err(NetworkError::TargetKind { classes: false }),
        };
        Ok(value?)
    }
}
