//! From a network's outputs to class predictions, for one sample or a batch.
//!
//! The rule for one output row (`scores`) is [`class_of`]: the index of the
//! largest score for two or more scores (the first one on ties), and
//! `score > 0` for a single logit (a binary classifier trained with
//! [`BceWithLogits`](crate::BceWithLogits)). A row that holds a NaN, or no
//! score at all, has no class (`None`): a NaN output is never turned into a
//! confident prediction.
//!
//! ```
//! use nn_core::{predict_class, Dense};
//! let net = Dense::<f32, 2, 3>::from_parts([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], [0.0; 3]);
//! assert_eq!(predict_class(&net, &[0.5, 2.0]), Some(1));
//! assert_eq!(predict_class(&net, &[f32::NAN, 2.0]), None);
//! ```

use crate::{Float, Module};

/// The index of the largest score, the first one on ties; `None` if `scores`
/// is empty or holds a NaN.
///
/// ```
/// use nn_core::argmax;
/// assert_eq!(argmax(&[0.1f32, 3.0, -1.0, 3.0]), Some(1));
/// assert_eq!(argmax(&[1.0f64, f64::NAN]), None);
/// assert_eq!(argmax::<f32>(&[]), None);
/// ```
pub fn argmax<F: Float>(scores: &[F]) -> Option<usize> {
    let (&first, rest) = scores.split_first()?;
    if first.is_nan() {
        return None;
    }
    let mut best = (0, first);
    for (i, &v) in rest.iter().enumerate() {
        if v.is_nan() {
            return None;
        }
        if v > best.1 {
            best = (i + 1, v);
        }
    }
    Some(best.0)
}

/// The predicted class of one output row: [`argmax`] for two or more scores,
/// `1` if a single logit is positive and `0` otherwise; `None` for an empty
/// row or one that holds a NaN.
///
/// ```
/// use nn_core::class_of;
/// assert_eq!(class_of(&[0.2f32, 0.1, 0.7]), Some(2));
/// assert_eq!(class_of(&[1.5f32]), Some(1));
/// assert_eq!(class_of(&[-0.5f32]), Some(0));
/// assert_eq!(class_of(&[0.0f32]), Some(0));
/// assert_eq!(class_of(&[f32::NAN]), None);
/// ```
pub fn class_of<F: Float>(scores: &[F]) -> Option<usize> {
    match scores {
        [logit] if logit.is_nan() => None,
        [logit] => Some(usize::from(*logit > F::ZERO)),
        _ => argmax(scores),
    }
}

/// The `K` largest scores' indices, best first (the lower index first on
/// ties); `None` if `K` exceeds the number of scores or a score is NaN.
///
/// ```
/// use nn_core::top_k;
/// assert_eq!(top_k::<f32, 2>(&[0.1, 0.7, 0.2, 0.7]), Some([1, 3]));
/// assert_eq!(top_k::<f32, 3>(&[0.1, 0.7]), None);
/// assert_eq!(top_k::<f32, 1>(&[0.1, f32::NAN]), None);
/// ```
pub fn top_k<F: Float, const K: usize>(scores: &[F]) -> Option<[usize; K]> {
    if K > scores.len() || scores.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut best = [0usize; K];
    for (filled, i) in (0..scores.len()).enumerate() {
        // Insertion into the sorted prefix; a later index never passes an
        // equal score, so ties keep the lower index first.
        let mut pos = filled.min(K);
        while pos > 0 && scores[i] > scores[best[pos - 1]] {
            if pos < K {
                best[pos] = best[pos - 1];
            }
            pos -= 1;
        }
        if pos < K {
            best[pos] = i;
        }
    }
    Some(best)
}

/// [`class_of`] for each row of a batch of outputs.
///
/// ```
/// use nn_core::classes_of;
/// let logits = [[0.1f32, 0.9], [2.0, -1.0], [f32::NAN, 0.0]];
/// assert_eq!(classes_of(&logits), [Some(1), Some(0), None]);
/// ```
pub fn classes_of<F: Float, const N: usize, const B: usize>(
    batch: &[[F; N]; B],
) -> [Option<usize>; B] {
    core::array::from_fn(|row| class_of(&batch[row]))
}

/// Runs `net` on one sample and returns its predicted class ([`class_of`] of
/// the outputs). No allocation, no panic.
///
/// ```
/// use nn_core::{predict_class, Dense};
/// let binary = Dense::<f32, 2, 1>::from_parts([[1.0, -1.0]], [0.0]);
/// assert_eq!(predict_class(&binary, &[3.0, 1.0]), Some(1));
/// assert_eq!(predict_class(&binary, &[1.0, 3.0]), Some(0));
/// ```
pub fn predict_class<F, M, const N: usize, const C: usize>(net: &M, x: &[F; N]) -> Option<usize>
where
    F: Float,
    M: Module<[F; N], Output = [F; C]>,
{
    class_of(&net.forward(x))
}

/// Runs `net` on a batch and returns each sample's predicted class
/// ([`class_of`] of its outputs).
///
/// ```
/// use nn_core::{predict_classes, Dense};
/// let net = Dense::<f32, 2, 2>::from_parts([[1.0, 0.0], [0.0, 1.0]], [0.0; 2]);
/// assert_eq!(predict_classes(&net, &[[1.0, 0.0], [0.0, 1.0]]), [Some(0), Some(1)]);
/// ```
pub fn predict_classes<F, M, const N: usize, const C: usize, const B: usize>(
    net: &M,
    x: &[[F; N]; B],
) -> [Option<usize>; B]
where
    F: Float,
    M: Module<[[F; N]; B], Output = [[F; C]; B]>,
{
    classes_of(&net.forward(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent oracle: sort all indices by (score descending, index ascending).
    fn sorted_indices(scores: &[f32]) -> [usize; 6] {
        let mut idx = [0, 1, 2, 3, 4, 5];
        idx.sort_by(|&a, &b| scores[b].partial_cmp(&scores[a]).unwrap().then(a.cmp(&b)));
        idx
    }

    #[test]
    fn top_k_matches_a_full_sort_on_every_pattern_with_ties() {
        // Every row of six scores drawn from {0, 1, 2}: 729 rows, many ties.
        for code in 0..729u32 {
            let mut scores = [0.0f32; 6];
            let mut c = code;
            for s in &mut scores {
                *s = (c % 3) as f32;
                c /= 3;
            }
            let sorted = sorted_indices(&scores);
            assert_eq!(top_k::<f32, 1>(&scores), Some([sorted[0]]), "{scores:?}");
            assert_eq!(top_k::<f32, 3>(&scores).unwrap(), sorted[..3], "{scores:?}");
            assert_eq!(top_k::<f32, 6>(&scores), Some(sorted), "{scores:?}");
            assert_eq!(argmax(&scores), Some(sorted[0]), "{scores:?}");
        }
    }

    #[test]
    fn nan_anywhere_gives_no_prediction() {
        for pos in 0..4 {
            let mut scores = [0.5f64, -1.0, 2.0, 0.0];
            scores[pos] = f64::NAN;
            assert_eq!(argmax(&scores), None);
            assert_eq!(class_of(&scores), None);
            assert_eq!(top_k::<f64, 2>(&scores), None);
        }
    }

    #[test]
    fn single_logit_thresholds_at_zero() {
        assert_eq!(class_of(&[f32::MIN_POSITIVE]), Some(1));
        assert_eq!(class_of(&[-0.0f32]), Some(0));
        assert_eq!(class_of(&[f32::INFINITY]), Some(1));
        assert_eq!(class_of(&[f32::NEG_INFINITY]), Some(0));
        assert_eq!(top_k::<f32, 0>(&[]), Some([]));
    }
}
