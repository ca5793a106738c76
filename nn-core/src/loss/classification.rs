//! Multi-class losses from logits `[F; C]` (or `[[F; C]; B]`), averaged over
//! the batch.

use super::flat::flat;
use crate::Float;
use crate::kernels::loss::{cross_entropy, cross_entropy_probs, multi_margin};

/// Softmax cross-entropy from logits with class-index targets: `usize` per
/// sample, `[usize; B]` per batch; mean over the batch. Stable for any logit.
///
/// ```
/// use nn_core::{CrossEntropy, Loss, LossError};
/// let (l, g) = CrossEntropy.loss_and_grad(&[[1000.0f32, -1000.0]], &[0]).unwrap();
/// assert_eq!((l, g), (0.0, [[0.0, 0.0]]));
/// assert_eq!(
///     CrossEntropy.loss(&[0.0f32, 0.0], &2),
///     Err(LossError::ClassOutOfRange { index: 2, classes: 2 })
/// );
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropy;
typed_loss!(CrossEntropy, usize, [usize; B], |_l, p, n, t, g| {
    cross_entropy(p, n, t, g)
});

/// Softmax cross-entropy from logits with probability targets of the same
/// shape (used as given, not renormalised); mean over the batch.
///
/// ```
/// use nn_core::{CrossEntropyProbs, Loss};
/// let (l, g) = CrossEntropyProbs.loss_and_grad(&[0.0f64, 0.0], &[0.25, 0.75]).unwrap();
/// assert_eq!((l, g), (core::f64::consts::LN_2, [0.25, -0.25]));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropyProbs;
typed_loss!(CrossEntropyProbs, [F; N], [[F; N]; B], |_l, p, n, t, g| {
    cross_entropy_probs(p, n, t, g)
});

/// PyTorch's `MultiMarginLoss` with `p = 1`: `Σ_{i≠y} max(0, margin − x[y] + x[i]) / C`
/// per sample (divided by the number of classes `C`), mean over the batch.
/// [`Default`] has `margin = 1`; a margin that is NaN or infinite is refused
/// ([`LossError::InvalidParameter`](crate::LossError::InvalidParameter)).
///
/// ```
/// use nn_core::{Loss, MultiMargin};
/// let l = MultiMargin::<f64>::default().loss(&[0.5, 0.0, 2.0], &0).unwrap();
/// assert_eq!(l, (0.5 + 2.5) / 3.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MultiMargin<F> {
    /// The margin (PyTorch's default 1).
    pub margin: F,
}

impl<F: Float> MultiMargin<F> {
    /// A multi-class margin loss with the given margin.
    pub const fn new(margin: F) -> Self {
        MultiMargin { margin }
    }
}

impl<F: Float> Default for MultiMargin<F> {
    fn default() -> Self {
        MultiMargin::new(F::ONE)
    }
}
typed_loss!(MultiMargin<F>, usize, [usize; B], |l, p, n, t, g| {
    multi_margin(l.margin, p, n, t, g)
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Loss, LossError};

    #[test]
    fn multi_margin_refuses_a_nan_or_infinite_margin() {
        let refused = Err(LossError::InvalidParameter { name: "margin" });
        for margin in [f64::NAN, f64::NEG_INFINITY] {
            assert_eq!(MultiMargin::new(margin).loss(&[0.5, 1.0], &0), refused);
            let batch = MultiMargin::new(margin).loss_and_grad(&[[0.5, 1.0]], &[1]);
            assert_eq!(batch.map(|_| ()), refused.map(|_: f64| ()));
        }
    }

    #[test]
    fn batch_equals_mean_of_samples() {
        let pred = [[0.3f64, -2.0, 5.0], [1000.0, -1000.0, 0.0]];
        let classes = [2usize, 1];
        let probs = [[0.2f64, 0.3, 0.5], [0.0, 1.0, 0.0]];
        let cases: [(f64, [[f64; 3]; 2]); 3] = [
            CrossEntropy.loss_and_grad(&pred, &classes).unwrap(),
            MultiMargin::default()
                .loss_and_grad(&pred, &classes)
                .unwrap(),
            CrossEntropyProbs.loss_and_grad(&pred, &probs).unwrap(),
        ];
        for (which, (lb, gb)) in cases.iter().enumerate() {
            let mut mean = 0.0;
            for r in 0..2 {
                let (l, g): (f64, [f64; 3]) = match which {
                    0 => CrossEntropy.loss_and_grad(&pred[r], &classes[r]),
                    1 => MultiMargin::default().loss_and_grad(&pred[r], &classes[r]),
                    _ => CrossEntropyProbs.loss_and_grad(&pred[r], &probs[r]),
                }
                .unwrap();
                mean += l / 2.0;
                for c in 0..3 {
                    assert!((g[c] / 2.0 - gb[r][c]).abs() <= 1e-15, "{which}");
                }
            }
            assert!((mean - lb).abs() <= 1e-12 * lb.abs().max(1.0), "{which}");
        }
    }

    #[test]
    fn probability_targets_with_a_onehot_equal_class_targets() {
        let pred = [[1.5f32, -0.5, 0.25], [-1000.0, 1000.0, 0.0]];
        let a = CrossEntropy.loss_and_grad(&pred, &[0, 2]).unwrap();
        let b = CrossEntropyProbs
            .loss_and_grad(&pred, &[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
            .unwrap();
        assert!((a.0 - b.0).abs() <= 1e-6 * a.0);
        for (x, y) in a.1.as_flattened().iter().zip(b.1.as_flattened()) {
            assert!((x - y).abs() <= 1e-7);
        }
    }
}
