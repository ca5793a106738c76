//! Loss functions: the value and its gradient with respect to the prediction.
//!
//! Each loss is a small type implementing [`Loss`] for one sample and for a
//! batch, on top of a slice kernel in [`kernels::loss`](crate::kernels::loss).

use core::fmt;

/// Implements [`Loss`] for one sample `([F; N], T1)` and a batch
/// `([[F; N]; B], TB)` from a kernel call `|loss, pred, target, grad| ...` on
/// the flattened prediction (`N` values per row) and target.
macro_rules! typed_loss {
    ($ty:ty, $t1:ty, $tb:ty, |$l:ident, $p:ident, $n:ident, $t:ident, $g:ident| $call:expr) => {
        impl<F: $crate::Float, const N: usize> $crate::Loss<F, [F; N], $t1> for $ty {
            fn loss(&self, pred: &[F; N], target: &$t1) -> Result<F, $crate::LossError> {
                let ($l, $p, $n, $t, $g) = (self, &pred[..], N, flat(target), None);
                $call
            }
            fn loss_and_grad(
                &self,
                pred: &[F; N],
                target: &$t1,
            ) -> Result<(F, [F; N]), $crate::LossError> {
                let mut grad = [F::ZERO; N];
                let value = {
                    let ($l, $p, $n, $t, $g) =
                        (self, &pred[..], N, flat(target), Some(&mut grad[..]));
                    $call
                }?;
                Ok((value, grad))
            }
        }

        impl<F: $crate::Float, const N: usize, const B: usize> $crate::Loss<F, [[F; N]; B], $tb>
            for $ty
        {
            fn loss(&self, pred: &[[F; N]; B], target: &$tb) -> Result<F, $crate::LossError> {
                let ($l, $p, $n, $t, $g) = (self, pred.as_flattened(), N, flat(target), None);
                $call
            }
            fn loss_and_grad(
                &self,
                pred: &[[F; N]; B],
                target: &$tb,
            ) -> Result<(F, [[F; N]; B]), $crate::LossError> {
                let mut grad = [[F::ZERO; N]; B];
                let value = {
                    let ($l, $p, $n, $t, $g) = (
                        self,
                        pred.as_flattened(),
                        N,
                        flat(target),
                        Some(grad.as_flattened_mut()),
                    );
                    $call
                }?;
                Ok((value, grad))
            }
        }
    };
}

mod classification;
mod elementwise;
mod flat;

pub use classification::{CrossEntropy, CrossEntropyProbs, MultiMargin};
pub use elementwise::{BceWithLogits, Hinge, Huber, Mse};

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
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
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
    /// A hyper-parameter of the loss is outside its domain (for example a
    /// Huber `delta` that is not positive).
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
    },
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
            LossError::InvalidParameter { name } => {
                write!(f, "loss parameter `{name}` is outside its domain")
            }
        }
    }
}

impl core::error::Error for LossError {}
