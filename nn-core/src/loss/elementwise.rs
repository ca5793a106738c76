//! Losses averaged over every element: the prediction and the target have the
//! same shape (`[F; N]` or `[[F; N]; B]`).

use super::flat::flat;
use crate::kernels::loss::{bce_with_logits, hinge, huber, mse};
use crate::{Float, Loss, LossError};

/// Mean squared error `mean((pred − target)²)` over all elements.
///
/// ```
/// use nn_core::{Loss, Mse};
/// let (l, g) = Mse.loss_and_grad(&[[1.0f64, 3.0]], &[[0.0, 0.0]]).unwrap();
/// assert_eq!((l, g), (5.0, [[1.0, 3.0]]));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mse;
typed_loss!(Mse, [F; N], [[F; N]; B], |_l, p, _n, t, g| mse(p, t, g));

/// PyTorch's `HuberLoss`: quadratic for `|r| < delta`, linear beyond, mean
/// over all elements. [`Default`] has `delta = 1`.
///
/// ```
/// use nn_core::{Huber, Loss};
/// let l = Huber::new(0.5f64).loss(&[2.0, 0.25], &[0.0, 0.0]).unwrap();
/// assert_eq!(l, (0.5 * (2.0 - 0.25) + 0.5 * 0.0625) / 2.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Huber<F> {
    /// Where the loss turns from quadratic to linear (positive).
    pub delta: F,
}

impl<F: Float> Huber<F> {
    /// A Huber loss with the given `delta`.
    pub const fn new(delta: F) -> Self {
        Huber { delta }
    }
}

impl<F: Float> Default for Huber<F> {
    fn default() -> Self {
        Huber::new(F::ONE)
    }
}
typed_loss!(Huber<F>, [F; N], [[F; N]; B], |l, p, _n, t, g| huber(
    l.delta, p, t, g
));

/// Binary cross-entropy from logits with targets in `[0, 1]`, mean over all
/// elements; stable for any logit.
///
/// ```
/// use nn_core::{BceWithLogits, Loss};
/// let l = BceWithLogits.loss(&[0.0f64], &[1.0]).unwrap();
/// assert_eq!(l, core::f64::consts::LN_2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BceWithLogits;
typed_loss!(BceWithLogits, [F; N], [[F; N]; B], |_l, p, _n, t, g| {
    bce_with_logits(p, t, g)
});

/// A binary classifier's class labels as `BceWithLogits` targets: class 1 is
/// target 1, class 0 target 0 (the same bits as the float targets), and a
/// label above 1 is [`LossError::ClassOutOfRange`].
fn binary_targets<F: Float, const B: usize>(labels: &[usize; B]) -> Result<[F; B], LossError> {
    let mut t = [F::ZERO; B];
    for (t, &label) in t.iter_mut().zip(labels) {
        *t = match label {
            0 => F::ZERO,
            1 => F::ONE,
            index => return Err(LossError::ClassOutOfRange { index, classes: 2 }),
        };
    }
    Ok(t)
}

/// One logit against a class label (0 or 1): a binary classifier trained on
/// a class data set (stratified splits, accuracy and confusion matrix in
/// nn-std), with the loss of the float target `[0.0]` or `[1.0]`.
///
/// ```
/// use nn_core::{BceWithLogits, Loss, LossError};
/// assert_eq!(BceWithLogits.loss(&[0.5f64], &1), BceWithLogits.loss(&[0.5f64], &[1.0]));
/// assert_eq!(
///     BceWithLogits.loss(&[0.5f64], &2),
///     Err(LossError::ClassOutOfRange { index: 2, classes: 2 })
/// );
/// ```
impl<F: Float> Loss<F, [F; 1], usize> for BceWithLogits {
    fn loss(&self, pred: &[F; 1], target: &usize) -> Result<F, LossError> {
        self.loss(pred, &binary_targets(&[*target])?)
    }
    fn loss_and_grad(&self, pred: &[F; 1], target: &usize) -> Result<(F, [F; 1]), LossError> {
        self.loss_and_grad(pred, &binary_targets(&[*target])?)
    }
}

/// A batch of one-logit rows against class labels (0 or 1).
impl<F: Float, const B: usize> Loss<F, [[F; 1]; B], [usize; B]> for BceWithLogits {
    fn loss(&self, pred: &[[F; 1]; B], target: &[usize; B]) -> Result<F, LossError> {
        bce_with_logits(pred.as_flattened(), &binary_targets(target)?, None)
    }
    fn loss_and_grad(
        &self,
        pred: &[[F; 1]; B],
        target: &[usize; B],
    ) -> Result<(F, [[F; 1]; B]), LossError> {
        let mut grad = [[F::ZERO; 1]; B];
        let t = binary_targets(target)?;
        let value = bce_with_logits(pred.as_flattened(), &t, Some(grad.as_flattened_mut()))?;
        Ok((value, grad))
    }
}

/// Binary hinge loss `mean(max(0, margin − y·f))` with labels `y ∈ {−1, 1}`.
/// [`Default`] has `margin = 1`; a margin that is NaN or infinite is refused
/// ([`LossError::InvalidParameter`](crate::LossError::InvalidParameter)).
///
/// ```
/// use nn_core::{Hinge, Loss, LossError};
/// let h = Hinge::<f32>::default();
/// assert_eq!(h.loss(&[0.5, -2.0], &[1.0, -1.0]), Ok(0.25));
/// assert_eq!(h.loss(&[0.5], &[0.0]), Err(LossError::InvalidTarget { position: 0 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hinge<F> {
    /// The margin (1 in the usual definition).
    pub margin: F,
}

impl<F: Float> Hinge<F> {
    /// A hinge loss with the given margin.
    pub const fn new(margin: F) -> Self {
        Hinge { margin }
    }
}

impl<F: Float> Default for Hinge<F> {
    fn default() -> Self {
        Hinge::new(F::ONE)
    }
}
typed_loss!(Hinge<F>, [F; N], [[F; N]; B], |l, p, _n, t, g| hinge(
    l.margin, p, t, g
));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Loss, LossError};

    #[test]
    fn hinge_refuses_a_nan_or_infinite_margin() {
        let refused = Err(LossError::InvalidParameter { name: "margin" });
        for margin in [f32::NAN, f32::INFINITY] {
            assert_eq!(Hinge::new(margin).loss(&[0.5f32], &[1.0]), refused);
            let batch = Hinge::new(margin).loss_and_grad(&[[0.5f32]], &[[1.0]]);
            assert_eq!(batch.map(|_| ()), refused.map(|_: f32| ()));
        }
    }

    #[test]
    fn batch_means_over_all_elements() {
        let pred = [[1.0f64, 2.0], [3.0, -4.0]];
        let target = [[0.0f64, 0.0], [1.0, 1.0]];
        let (l, g) = Mse.loss_and_grad(&pred, &target).unwrap();
        assert_eq!(l, (1.0 + 4.0 + 4.0 + 25.0) / 4.0);
        assert_eq!(g, [[0.5, 1.0], [1.0, -2.5]]);
        assert_eq!(Mse.loss(&pred, &target), Ok(l));
    }

    #[test]
    fn batch_equals_mean_of_samples() {
        let pred = [[0.3f64, -2.0, 5.0], [1000.0, -1000.0, 0.0]];
        let target = [[1.0f64, 0.0, 1.0], [1.0, 0.0, 0.5]];
        let label = [[1.0f64, -1.0, 1.0], [-1.0, -1.0, 1.0]];
        fn check<L: Loss<f64, [f64; 3], [f64; 3]> + Loss<f64, [[f64; 3]; 2], [[f64; 3]; 2]>>(
            loss: L,
            pred: &[[f64; 3]; 2],
            target: &[[f64; 3]; 2],
        ) {
            let (lb, gb) = loss.loss_and_grad(pred, target).unwrap();
            let mut mean = 0.0;
            for r in 0..2 {
                let (l, g) = loss.loss_and_grad(&pred[r], &target[r]).unwrap();
                mean += l / 2.0;
                for c in 0..3 {
                    assert!((g[c] / 2.0 - gb[r][c]).abs() <= 1e-15);
                }
            }
            assert!(
                (mean - lb).abs() <= 1e-12 * lb.abs().max(1.0),
                "{mean} {lb}"
            );
        }
        check(Mse, &pred, &target);
        check(Huber::new(0.5), &pred, &target);
        check(BceWithLogits, &pred, &target);
        check(Hinge::default(), &pred, &label);
    }

    #[test]
    fn bce_class_labels_equal_float_targets() {
        let pred = [[0.3f32], [-2.0], [7.0]];
        let (labels, floats) = ([1usize, 0, 1], [[1.0f32], [0.0], [1.0]]);
        assert_eq!(
            BceWithLogits.loss_and_grad(&pred, &labels),
            BceWithLogits.loss_and_grad(&pred, &floats)
        );
        assert_eq!(
            BceWithLogits.loss(&pred, &labels),
            BceWithLogits.loss(&pred, &floats)
        );
        assert_eq!(
            BceWithLogits.loss_and_grad(&pred[1], &0),
            BceWithLogits.loss_and_grad(&pred[1], &[0.0])
        );
        assert_eq!(
            BceWithLogits.loss_and_grad(&pred, &[1, 3, 0]).map(|_| ()),
            Err(LossError::ClassOutOfRange {
                index: 3,
                classes: 2
            })
        );
    }

    #[test]
    fn huber_switches_at_delta() {
        let h = Huber::new(1.0f64);
        let (_, g) = h.loss_and_grad(&[0.999, -3.0], &[0.0, 0.0]).unwrap();
        assert_eq!(g, [0.999 / 2.0, -0.5]);
    }
}
