//! Loss functions: the value and its gradient with respect to the prediction.

use core::fmt;

/// A loss of predictions `P` against targets `T`, averaged as PyTorch's
/// `reduction="mean"` does (over the batch, or over all elements for
/// element-wise losses). Implemented per sample and per batch.
pub trait Loss<F, P, T> {
    /// The loss value alone.
    fn loss(&self, pred: &P, target: &T) -> Result<F, LossError>;
    /// The loss value and `dL/dpred` (which includes the `1/N` of the mean).
    fn loss_and_grad(&self, pred: &P, target: &T) -> Result<(F, P), LossError>;
}

/// Why a loss could not be computed: the targets are not valid for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossError {
    /// A class index is not below the number of classes.
    ClassOutOfRange {
        /// The offending index.
        index: usize,
        /// The number of classes (the prediction's width).
        classes: usize,
    },
    /// A target value is outside the loss's domain (for example a hinge label
    /// other than -1 or 1, or a probability outside `[0, 1]`), or NaN.
    InvalidTarget {
        /// Position of the offending value in the flattened target.
        position: usize,
    },
    /// Prediction and target sizes disagree (slice kernels only).
    ShapeMismatch {
        /// Elements expected.
        expected: usize,
        /// Elements found.
        found: usize,
    },
    /// Nothing to average over.
    Empty,
}

impl fmt::Display for LossError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LossError::ClassOutOfRange { index, classes } => {
                write!(
                    f,
                    "class index {index} is out of range for {classes} classes"
                )
            }
            LossError::InvalidTarget { position } => {
                write!(
                    f,
                    "target value at position {position} is outside the loss's domain"
                )
            }
            LossError::ShapeMismatch { expected, found } => {
                write!(f, "expected {expected} target elements, found {found}")
            }
            LossError::Empty => f.write_str("nothing to average over: empty prediction"),
        }
    }
}

impl core::error::Error for LossError {}
