//! Loss, accuracy and confusion matrix of a model on a data set.

use nn_core::{Float, Loss, Module};

use super::TrainError;
use crate::data::{Dataset, Target};
use crate::metrics::{ConfusionMatrix, RunningMean, class_of};

/// A model's figures on a data set.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean loss over the samples.
    pub loss: f64,
    /// Number of samples.
    pub samples: usize,
    /// Targets against predictions ([`class_of`] the outputs: their argmax,
    /// or `logit > 0` for a binary classifier's single output), for class
    /// targets; `None` for numeric targets.
    pub confusion: Option<ConfusionMatrix>,
}

impl Evaluation {
    /// The fraction of correct predictions (class targets only).
    pub fn accuracy(&self) -> Option<f64> {
        self.confusion.as_ref().map(ConfusionMatrix::accuracy)
    }
}

/// Runs `model` on every sample of `data` (inference path) and measures the
/// mean loss and, for class targets, the confusion matrix (with the data
/// set's class names), from which accuracy and per-class precision, recall
/// and F1 follow.
///
/// ```
/// use nn_core::{CrossEntropy, Dense};
/// use nn_std::data::Dataset;
/// use nn_std::train::evaluate;
/// // A fixed 1-feature, 2-class model: class 1 iff x > 0.
/// let model = Dense::<f64, 1, 2>::from_parts([[-1.0], [1.0]], [0.0, 0.0]);
/// let data = Dataset::classification(vec![[-2.0], [3.0], [1.0]], vec![0, 1, 0], 2)?;
/// let eval = evaluate(&model, &CrossEntropy, &data)?;
/// assert_eq!(eval.accuracy(), Some(2.0 / 3.0));
/// assert_eq!(eval.confusion.unwrap().count(0, 1), 1);
///
/// // A binary classifier: one logit against class labels 0 and 1.
/// use nn_core::BceWithLogits;
/// let logit = Dense::<f64, 1, 1>::from_parts([[1.0]], [0.0]);
/// let eval = evaluate(&logit, &BceWithLogits, &data)?;
/// let cm = eval.confusion.unwrap();
/// assert_eq!((cm.count(1, 1), cm.count(0, 1), cm.count(0, 0)), (1, 1, 1));
/// assert_eq!((cm.precision(1), cm.recall(1)), (0.5, 1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate<F, const N: usize, const C: usize, T, M, L>(
    model: &M,
    loss: &L,
    data: &Dataset<F, N, T>,
) -> Result<Evaluation, TrainError>
where
    F: Float,
    T: Target<F>,
    M: Module<[F; N], Output = [F; C]>,
    L: Loss<F, [F; C], T>,
{
    let mut mean = RunningMean::default();
    // The model predicts one of its `C` outputs (or one of two classes from
    // a single logit): a matrix of more classes than that would only hold
    // empty rows (and a data set of many classes with a small model would
    // size it by the square of its classes).
    let classes = data.classes().min(if C == 1 { 2 } else { C });
    let mut confusion = (classes > 0)
        .then(|| ConfusionMatrix::new(classes).ok())
        .flatten()
        .map(|cm| cm.with_class_names(data.class_names()));
    for (sample, (x, y)) in data.iter().enumerate() {
        let out = <M as Module<[F; N]>>::forward(model, x);
        let l = loss.loss(&out, y).map_err(|source| TrainError::Loss {
            epoch: 0,
            batch: sample + 1,
            source,
        })?;
        mean.add_one(l);
        if let (Some(cm), Some(class)) = (confusion.as_mut(), y.class()) {
            let predicted =
                class_of(&out).ok_or(TrainError::NonFiniteOutput { sample: sample + 1 })?;
            cm.add(class, predicted)
                .map_err(|_| TrainError::InvalidConfig {
                    name: "C",
                    expected: "the model's outputs equal to the data set's classes",
                })?;
        }
    }
    Ok(Evaluation {
        loss: mean.mean().unwrap_or(f64::NAN),
        samples: data.len(),
        confusion,
    })
}
