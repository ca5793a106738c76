//! Metrics: running loss averages, accuracy, confusion matrix, per-class
//! precision, recall and F1 (with scikit-learn's definitions and its
//! `zero_division=0` convention: a ratio whose denominator is 0 is 0).
//!
//! ```
//! use nn_std::metrics::ConfusionMatrix;
//! let mut cm = ConfusionMatrix::new(3)?;
//! for (target, logits) in [(0, [2.0f32, 0.1, 0.3]), (1, [0.0, 1.0, 3.0]), (2, [0.0, 0.0, 1.0])] {
//!     cm.add_logits(target, &logits)?;
//! }
//! assert_eq!(cm.correct(), 2);
//! assert!((cm.accuracy() - 2.0 / 3.0).abs() < 1e-12);
//! assert_eq!(cm.recall(1), 0.0);
//! println!("{cm}\n{}", cm.report());
//! # Ok::<(), nn_std::metrics::MetricsError>(())
//! ```

use std::fmt;

use nn_core::Float;

/// Why a metric could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsError {
    /// Nothing to compute the metric over.
    Empty,
    /// A confusion matrix needs at least one class.
    NoClasses,
    /// A confusion matrix of this many classes has more cells than a `usize` counts.
    TooManyClasses {
        /// The number of classes asked for.
        classes: usize,
    },
    /// Targets and predictions have different lengths.
    LengthMismatch {
        /// Number of targets.
        targets: usize,
        /// Number of predictions.
        predictions: usize,
    },
    /// A target or predicted class is not below the number of classes.
    ClassOutOfRange {
        /// The class index.
        class: usize,
        /// The number of classes.
        classes: usize,
    },
    /// A score vector has the wrong length.
    ShapeMismatch {
        /// Scores expected (the number of classes).
        expected: usize,
        /// Scores found.
        found: usize,
    },
    /// A score vector has no comparable (non-NaN) value.
    NonFinite,
}

impl fmt::Display for MetricsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MetricsError::Empty => f.write_str("no samples to compute the metric over"),
            MetricsError::NoClasses => f.write_str("a confusion matrix needs at least one class"),
            MetricsError::TooManyClasses { classes } => {
                write!(f, "a confusion matrix of {classes} classes is too large")
            }
            MetricsError::LengthMismatch {
                targets,
                predictions,
            } => write!(f, "{targets} targets but {predictions} predictions"),
            MetricsError::ClassOutOfRange { class, classes } => {
                write!(f, "class {class} is out of range for {classes} classes")
            }
            MetricsError::ShapeMismatch { expected, found } => {
                write!(f, "expected {expected} scores, found {found}")
            }
            MetricsError::NonFinite => f.write_str("the scores are all NaN"),
        }
    }
}

impl std::error::Error for MetricsError {}

/// A weighted running mean, for example of per-batch mean losses weighted by
/// the batch's real size. Sums in `f64`.
///
/// ```
/// use nn_std::metrics::RunningMean;
/// let mut loss = RunningMean::default();
/// loss.add(0.5, 32); // a full batch with mean loss 0.5
/// loss.add(2.0, 8); // a partial batch of 8
/// assert_eq!(loss.mean(), Some((0.5 * 32.0 + 2.0 * 8.0) / 40.0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunningMean {
    sum: f64,
    count: u64,
}

impl RunningMean {
    /// Adds `count` samples whose mean is `mean` (any [`Float`]).
    pub fn add<F: Float>(&mut self, mean: F, count: usize) {
        self.sum += mean.to_f64() * count as f64;
        self.count += count as u64;
    }
    /// Adds one sample's value.
    pub fn add_one<F: Float>(&mut self, value: F) {
        self.add(value, 1);
    }
    /// Adds another running mean's samples (for example a worker's).
    pub fn merge(&mut self, other: &RunningMean) {
        self.sum += other.sum;
        self.count += other.count;
    }
    /// The mean so far, `None` before any sample.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
    /// The number of samples so far.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// Forgets every sample.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// nn-core's prediction rules, re-exported: [`argmax`] (the first largest
/// score; `None` for an empty row or one with a NaN) and [`class_of`] (the
/// same, and `score > 0` for a binary classifier's single logit).
pub use nn_core::{argmax, class_of};

/// The fraction of predictions equal to their targets.
///
/// ```
/// assert_eq!(nn_std::metrics::accuracy(&[0, 1, 2, 2], &[0, 1, 1, 2]), Ok(0.75));
/// ```
pub fn accuracy(targets: &[usize], predictions: &[usize]) -> Result<f64, MetricsError> {
    if targets.len() != predictions.len() {
        return Err(MetricsError::LengthMismatch {
            targets: targets.len(),
            predictions: predictions.len(),
        });
    }
    if targets.is_empty() {
        return Err(MetricsError::Empty);
    }
    let correct = targets
        .iter()
        .zip(predictions)
        .filter(|(t, p)| t == p)
        .count();
    Ok(correct as f64 / targets.len() as f64)
}

/// Precision, recall, F1 and support of one class (or an average of them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassMetrics {
    /// `tp / (tp + fp)`: of the samples predicted as the class, the fraction that are.
    pub precision: f64,
    /// `tp / (tp + fn)`: of the samples of the class, the fraction found.
    pub recall: f64,
    /// `2 tp / (2 tp + fp + fn)`, the harmonic mean of precision and recall.
    pub f1: f64,
    /// Number of samples whose target is the class (for averages: in total).
    pub support: u64,
}

/// A confusion matrix: `count(target, predicted)` samples of class `target`
/// were predicted as `predicted`. Rows are targets, columns predictions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    classes: usize,
    counts: Vec<u64>,
    names: Vec<String>,
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl ConfusionMatrix {
    /// An empty matrix for `classes` classes.
    pub fn new(classes: usize) -> Result<Self, MetricsError> {
        if classes == 0 {
            return Err(MetricsError::NoClasses);
        }
        let cells = classes
            .checked_mul(classes)
            .ok_or(MetricsError::TooManyClasses { classes })?;
        Ok(Self {
            classes,
            counts: vec![0; cells],
            names: Vec::new(),
        })
    }

    /// The matrix of a set of targets and predictions.
    pub fn from_predictions(
        classes: usize,
        targets: &[usize],
        predictions: &[usize],
    ) -> Result<Self, MetricsError> {
        if targets.len() != predictions.len() {
            return Err(MetricsError::LengthMismatch {
                targets: targets.len(),
                predictions: predictions.len(),
            });
        }
        let mut cm = Self::new(classes)?;
        for (&t, &p) in targets.iter().zip(predictions) {
            cm.add(t, p)?;
        }
        Ok(cm)
    }

    /// Names the classes in the printed tables (one name per class; otherwise
    /// the names are ignored and the indices printed).
    pub fn with_class_names<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        if names.len() == self.classes {
            self.names = names.iter().map(|s| s.as_ref().to_owned()).collect();
        }
        self
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    fn check(&self, class: usize) -> Result<(), MetricsError> {
        if class < self.classes {
            Ok(())
        } else {
            Err(MetricsError::ClassOutOfRange {
                class,
                classes: self.classes,
            })
        }
    }

    /// Counts one sample of class `target` predicted as `predicted`.
    pub fn add(&mut self, target: usize, predicted: usize) -> Result<(), MetricsError> {
        self.check(target)?;
        self.check(predicted)?;
        self.counts[target * self.classes + predicted] += 1;
        Ok(())
    }

    /// Counts one sample of class `target` whose scores (logits or
    /// probabilities, one per class, or a binary classifier's single logit
    /// in a 2-class matrix) are `scores`; the prediction is their
    /// [`class_of`] (a NaN score is [`MetricsError::NonFinite`]).
    ///
    /// ```
    /// use nn_std::metrics::ConfusionMatrix;
    /// let mut cm = ConfusionMatrix::new(2)?;
    /// cm.add_logits(1, &[2.5f32])?; // one logit > 0: class 1
    /// cm.add_logits(1, &[-0.5f32])?; // class 0
    /// assert_eq!((cm.count(1, 1), cm.count(1, 0)), (1, 1));
    /// # Ok::<(), nn_std::metrics::MetricsError>(())
    /// ```
    pub fn add_logits<F: Float>(
        &mut self,
        target: usize,
        scores: &[F],
    ) -> Result<(), MetricsError> {
        let binary = self.classes == 2 && scores.len() == 1;
        if scores.len() != self.classes && !binary {
            return Err(MetricsError::ShapeMismatch {
                expected: self.classes,
                found: scores.len(),
            });
        }
        let predicted = class_of(scores).ok_or(MetricsError::NonFinite)?;
        self.add(target, predicted)
    }

    /// Adds another matrix's counts (for example a worker's).
    pub fn merge(&mut self, other: &ConfusionMatrix) -> Result<(), MetricsError> {
        if other.classes != self.classes {
            return Err(MetricsError::ShapeMismatch {
                expected: self.classes,
                found: other.classes,
            });
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        Ok(())
    }

    /// Samples of class `target` predicted as `predicted` (0 out of range).
    pub fn count(&self, target: usize, predicted: usize) -> u64 {
        if target < self.classes && predicted < self.classes {
            self.counts[target * self.classes + predicted]
        } else {
            0
        }
    }

    /// All samples counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Samples predicted correctly (the diagonal).
    pub fn correct(&self) -> u64 {
        (0..self.classes).map(|c| self.count(c, c)).sum()
    }

    /// `correct / total`, 0 when empty.
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct(), self.total())
    }

    /// Samples whose target is `class`.
    pub fn support(&self, class: usize) -> u64 {
        (0..self.classes).map(|p| self.count(class, p)).sum()
    }

    /// Samples predicted as `class`.
    pub fn predicted(&self, class: usize) -> u64 {
        (0..self.classes).map(|t| self.count(t, class)).sum()
    }

    /// Precision of `class` (0 if it was never predicted).
    pub fn precision(&self, class: usize) -> f64 {
        ratio(self.count(class, class), self.predicted(class))
    }

    /// Recall of `class` (0 if it has no samples).
    pub fn recall(&self, class: usize) -> f64 {
        ratio(self.count(class, class), self.support(class))
    }

    /// F1 of `class` (0 if it was neither present nor predicted).
    pub fn f1(&self, class: usize) -> f64 {
        let tp = self.count(class, class);
        ratio(2 * tp, self.support(class) + self.predicted(class))
    }

    /// Precision, recall, F1 and support of every class.
    pub fn per_class(&self) -> Vec<ClassMetrics> {
        (0..self.classes)
            .map(|c| ClassMetrics {
                precision: self.precision(c),
                recall: self.recall(c),
                f1: self.f1(c),
                support: self.support(c),
            })
            .collect()
    }

    /// Unweighted mean over classes of precision, recall and F1.
    pub fn macro_avg(&self) -> ClassMetrics {
        self.average(|_| 1.0 / self.classes as f64)
    }

    /// Mean over classes weighted by support.
    pub fn weighted_avg(&self) -> ClassMetrics {
        let total = self.total();
        self.average(|m| ratio(m.support, total))
    }

    fn average(&self, weight: impl Fn(&ClassMetrics) -> f64) -> ClassMetrics {
        let mut avg = ClassMetrics {
            precision: 0.0,
            recall: 0.0,
            f1: 0.0,
            support: self.total(),
        };
        for m in self.per_class() {
            let w = weight(&m);
            avg.precision += w * m.precision;
            avg.recall += w * m.recall;
            avg.f1 += w * m.f1;
        }
        avg
    }

    /// A printable per-class report (precision, recall, F1, support, then
    /// accuracy and the macro and weighted averages), like scikit-learn's
    /// `classification_report`.
    pub fn report(&self) -> Report<'_> {
        Report(self)
    }

    fn name(&self, class: usize) -> String {
        self.names
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.to_string())
    }
}

/// The confusion matrix as a table: one row per target class, one column per
/// predicted class.
impl fmt::Display for ConfusionMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = (0..self.classes).map(|c| self.name(c)).collect();
        let label_w = names
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max("target".len());
        let cell_w = names
            .iter()
            .map(String::len)
            .chain(self.counts.iter().map(|c| c.to_string().len()))
            .max()
            .unwrap_or(1);
        writeln!(f, "{:>label_w$} | predicted", "")?;
        write!(f, "{:>label_w$} |", "target")?;
        for n in &names {
            write!(f, " {n:>cell_w$}")?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "{}-+{}",
            "-".repeat(label_w),
            "-".repeat((cell_w + 1) * self.classes)
        )?;
        for (t, n) in names.iter().enumerate() {
            write!(f, "{n:>label_w$} |")?;
            for p in 0..self.classes {
                write!(f, " {:>cell_w$}", self.count(t, p))?;
            }
            if t + 1 < self.classes {
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

/// Per-class report of a [`ConfusionMatrix`]; see [`ConfusionMatrix::report`].
#[derive(Clone, Copy, Debug)]
pub struct Report<'a>(&'a ConfusionMatrix);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cm = self.0;
        let w = (0..cm.classes)
            .map(|c| cm.name(c).len())
            .max()
            .unwrap_or(0)
            .max("weighted avg".len());
        let row = |f: &mut fmt::Formatter<'_>, name: &str, m: &ClassMetrics| {
            writeln!(
                f,
                "{name:>w$} {:>9.4} {:>9.4} {:>9.4} {:>9}",
                m.precision, m.recall, m.f1, m.support
            )
        };
        writeln!(
            f,
            "{:>w$} {:>9} {:>9} {:>9} {:>9}",
            "", "precision", "recall", "f1", "support"
        )?;
        for (c, m) in cm.per_class().iter().enumerate() {
            row(f, &cm.name(c), m)?;
        }
        writeln!(
            f,
            "{:>w$} {:>9} {:>9} {:>9.4} {:>9}",
            "accuracy",
            "",
            "",
            cm.accuracy(),
            cm.total()
        )?;
        row(f, "macro avg", &cm.macro_avg())?;
        let m = cm.weighted_avg();
        write!(
            f,
            "{:>w$} {:>9.4} {:>9.4} {:>9.4} {:>9}",
            "weighted avg", m.precision, m.recall, m.f1, m.support
        )
    }
}
