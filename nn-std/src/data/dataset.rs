//! The in-memory data set of fixed-size samples, its checks and its splits.

use std::fmt::Debug;

use nn_core::Float;
use nn_core::scale::{MinMax, Scaler, Standardize};

use super::error::DataError;
use super::rng;

/// What a sample's target can be: a class index (`usize`) or a vector of
/// numbers (`[F; M]`).
pub trait Target<F>: Copy + Debug + Send + Sync + 'static {
    /// Checks the target of sample `sample`; `classes` is the data set's class
    /// count (0 for numeric targets).
    fn check(&self, sample: usize, classes: usize) -> Result<(), DataError>;
    /// The class, used to stratify splits (`None` for numeric targets).
    fn class(&self) -> Option<usize>;
    /// The filler of the unused rows of a partial batch.
    fn padding() -> Self;
}

impl<F> Target<F> for usize {
    fn check(&self, sample: usize, classes: usize) -> Result<(), DataError> {
        if *self < classes {
            Ok(())
        } else {
            Err(DataError::ClassOutOfRange {
                sample,
                label: *self,
                classes,
            })
        }
    }
    fn class(&self) -> Option<usize> {
        Some(*self)
    }
    fn padding() -> Self {
        0
    }
}

impl<F: Float, const M: usize> Target<F> for [F; M] {
    fn check(&self, sample: usize, _classes: usize) -> Result<(), DataError> {
        match self.iter().position(|v| !v.is_finite()) {
            Some(position) => Err(DataError::NonFiniteTarget { sample, position }),
            None => Ok(()),
        }
    }
    fn class(&self) -> Option<usize> {
        None
    }
    fn padding() -> Self {
        [F::ZERO; M]
    }
}

/// An in-memory data set: `N` features a sample and a target `T` (a class
/// index `usize`, or `[F; M]` for regression).
///
/// Every constructor checks the data, so a `Dataset` is never empty, holds
/// only finite values, and its labels are below [`classes`](Self::classes).
///
/// ```
/// use nn_std::data::Dataset;
/// let ds = Dataset::<f32, 2, usize>::classification(
///     vec![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
///     vec![0, 1, 1, 0],
///     2,
/// )?;
/// assert_eq!(ds.len(), 4);
/// assert_eq!(ds.class_counts(), vec![2, 2]);
/// # Ok::<(), nn_std::data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset<F, const N: usize, T> {
    features: Vec<[F; N]>,
    targets: Vec<T>,
    classes: usize,
    class_names: Vec<String>,
}

/// Converts runtime-width rows (for example parsed from a file) to fixed-width
/// samples, refusing a row of the wrong width.
///
/// ```
/// use nn_std::data::{features_from_rows, DataError};
/// let rows = vec![vec![1.0f32, 2.0], vec![3.0]];
/// assert_eq!(
///     features_from_rows::<f32, 2, _>(&rows),
///     Err(DataError::WidthMismatch { sample: 1, expected: 2, found: 1 })
/// );
/// ```
pub fn features_from_rows<F: Float, const N: usize, R: AsRef<[F]>>(
    rows: &[R],
) -> Result<Vec<[F; N]>, DataError> {
    rows.iter()
        .enumerate()
        .map(|(sample, row)| {
            let row = row.as_ref();
            <[F; N]>::try_from(row).map_err(|_| DataError::WidthMismatch {
                sample,
                expected: N,
                found: row.len(),
            })
        })
        .collect()
}

/// Converts a flat row-major buffer of `rows * N` values to samples.
///
/// ```
/// use nn_std::data::{features_from_flat, DataError};
/// assert_eq!(features_from_flat::<f64, 2>(&[1.0, 2.0, 3.0, 4.0])?, vec![[1.0, 2.0], [3.0, 4.0]]);
/// assert!(matches!(features_from_flat::<f64, 2>(&[1.0, 2.0, 3.0]), Err(DataError::WidthMismatch { sample: 1, .. })));
/// # Ok::<(), DataError>(())
/// ```
pub fn features_from_flat<F: Float, const N: usize>(
    values: &[F],
) -> Result<Vec<[F; N]>, DataError> {
    if N == 0 {
        return Err(DataError::InvalidParameter {
            name: "N",
            expected: "at least 1 feature",
        });
    }
    let chunks = values.chunks_exact(N);
    if !chunks.remainder().is_empty() {
        return Err(DataError::WidthMismatch {
            sample: values.len() / N,
            expected: N,
            found: chunks.remainder().len(),
        });
    }
    Ok(chunks.map(|c| core::array::from_fn(|i| c[i])).collect())
}

/// One-hot encoding of a class label.
///
/// ```
/// use nn_std::data::one_hot;
/// assert_eq!(one_hot::<f32, 3>(1)?, [0.0, 1.0, 0.0]);
/// assert!(one_hot::<f32, 3>(3).is_err());
/// # Ok::<(), nn_std::data::DataError>(())
/// ```
pub fn one_hot<F: Float, const C: usize>(label: usize) -> Result<[F; C], DataError> {
    let mut v = [F::ZERO; C];
    *v.get_mut(label).ok_or(DataError::ClassOutOfRange {
        sample: 0,
        label,
        classes: C,
    })? = F::ONE;
    Ok(v)
}

impl<F: Float, const N: usize, T: Target<F>> Dataset<F, N, T> {
    fn build(features: Vec<[F; N]>, targets: Vec<T>, classes: usize) -> Result<Self, DataError> {
        if features.len() != targets.len() {
            return Err(DataError::LengthMismatch {
                features: features.len(),
                targets: targets.len(),
            });
        }
        if features.is_empty() {
            return Err(DataError::Empty);
        }
        for (sample, x) in features.iter().enumerate() {
            if let Some(feature) = x.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NonFiniteFeature { sample, feature });
            }
        }
        for (sample, t) in targets.iter().enumerate() {
            t.check(sample, classes)?;
        }
        Ok(Self {
            features,
            targets,
            classes,
            class_names: Vec::new(),
        })
    }

    /// Number of samples (never 0).
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Always `false`: constructors refuse empty data sets.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// All feature rows.
    pub fn features(&self) -> &[[F; N]] {
        &self.features
    }

    /// All targets, in the order of [`features`](Self::features).
    pub fn targets(&self) -> &[T] {
        &self.targets
    }

    /// Sample `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<(&[F; N], &T)> {
        Some((self.features.get(i)?, self.targets.get(i)?))
    }

    /// Iterates over `(features, target)` pairs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[F; N], &T)> {
        self.features.iter().zip(&self.targets)
    }

    /// Number of classes (0 for numeric targets).
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Class names, if known (empty otherwise).
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// Names the classes; there must be exactly [`classes`](Self::classes) names.
    pub fn with_class_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self, DataError> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.len() != self.classes {
            return Err(DataError::InvalidParameter {
                name: "class_names",
                expected: "one name per class",
            });
        }
        self.class_names = names;
        Ok(self)
    }

    /// The samples at `indices` (in that order; repeats allowed).
    pub fn subset(&self, indices: &[usize]) -> Result<Self, DataError> {
        if indices.is_empty() {
            return Err(DataError::Empty);
        }
        self.check_indices(indices)?;
        Ok(self.subset_unchecked(indices))
    }

    /// Refuses an index that is not below the number of samples.
    pub(crate) fn check_indices(&self, indices: &[usize]) -> Result<(), DataError> {
        if indices.iter().any(|&i| i >= self.len()) {
            return Err(DataError::InvalidParameter {
                name: "indices",
                expected: "below the number of samples",
            });
        }
        Ok(())
    }

    fn subset_unchecked(&self, indices: &[usize]) -> Self {
        Self {
            features: indices.iter().map(|&i| self.features[i]).collect(),
            targets: indices.iter().map(|&i| self.targets[i]).collect(),
            classes: self.classes,
            class_names: self.class_names.clone(),
        }
    }

    /// A copy with every sample's features mapped through `scaler` (fit the
    /// scaler on the training part only, then apply it to every part).
    ///
    /// Fails if scaling makes a value non-finite.
    pub fn scaled<S: Scaler<F, N>>(&self, scaler: &S) -> Result<Self, DataError> {
        let features = self.features.iter().map(|x| scaler.apply(x)).collect();
        let mut out = Self::build(features, self.targets.clone(), self.classes)?;
        out.class_names = self.class_names.clone();
        Ok(out)
    }

    /// A standardization fitted on this data set's features.
    ///
    /// ```
    /// use nn_std::data::{datasets, Scaler};
    /// let (train, test) = datasets::iris::<f32>().train_test_split(0.2, 1)?;
    /// let scaler = train.fit_standardize();
    /// let (train, test) = (train.scaled(&scaler)?, test.scaled(&scaler)?);
    /// # Ok::<(), nn_std::data::DataError>(())
    /// ```
    pub fn fit_standardize(&self) -> Standardize<F, N> {
        // Cannot fail: the data set is non-empty and finite by construction.
        Standardize::fit(&self.features)
            .unwrap_or(Standardize::from_parts([F::ZERO; N], [F::ONE; N]))
    }

    /// A min-max scaling to `[0, 1]` fitted on this data set's features.
    pub fn fit_min_max(&self) -> MinMax<F, N> {
        // Cannot fail: the data set is non-empty and finite by construction.
        MinMax::fit(&self.features).unwrap_or(MinMax::from_parts([F::ZERO; N], [F::ONE; N]))
    }

    /// The visiting order of epoch `epoch` for `seed` (see [`rng::epoch_order`]).
    pub fn epoch_order(&self, seed: u64, epoch: u64) -> Vec<usize> {
        rng::epoch_order(self.len(), seed, epoch)
    }

    /// Splits into `(train, test)`, stratified by class for class targets:
    /// the test part gets `round(test_fraction * len)` samples, each class
    /// contributing in proportion to its count (`floor(test_fraction * count)`
    /// plus one for the classes with the largest remainders), chosen at
    /// random from `seed`. Each part keeps the original order of its samples.
    ///
    /// ```
    /// use nn_std::data::datasets;
    /// let (train, test) = datasets::iris::<f64>().train_test_split(0.2, 7)?;
    /// assert_eq!((train.len(), test.len()), (120, 30));
    /// assert_eq!(test.class_counts(), vec![10, 10, 10]);
    /// # Ok::<(), nn_std::data::DataError>(())
    /// ```
    pub fn train_test_split(
        &self,
        test_fraction: f64,
        seed: u64,
    ) -> Result<(Self, Self), DataError> {
        if !(test_fraction > 0.0 && test_fraction < 1.0) {
            return Err(DataError::InvalidParameter {
                name: "test_fraction",
                expected: "in (0, 1)",
            });
        }
        let [train, _, test] = self.split_indices(0.0, test_fraction, seed);
        Ok((self.part(&train, "train")?, self.part(&test, "test")?))
    }

    /// Splits into `(train, validation, test)`, stratified as
    /// [`train_test_split`](Self::train_test_split); the fractions are of the
    /// whole set and must leave a positive fraction for training.
    pub fn train_val_test_split(
        &self,
        val_fraction: f64,
        test_fraction: f64,
        seed: u64,
    ) -> Result<(Self, Self, Self), DataError> {
        let ok = |f: f64| f > 0.0 && f < 1.0;
        if !ok(val_fraction) || !ok(test_fraction) || !ok(1.0 - val_fraction - test_fraction) {
            return Err(DataError::InvalidParameter {
                name: "val_fraction, test_fraction",
                expected: "positive with a sum below 1",
            });
        }
        let [train, val, test] = self.split_indices(val_fraction, test_fraction, seed);
        Ok((
            self.part(&train, "train")?,
            self.part(&val, "validation")?,
            self.part(&test, "test")?,
        ))
    }

    fn part(&self, indices: &[usize], part: &'static str) -> Result<Self, DataError> {
        if indices.is_empty() {
            return Err(DataError::EmptySplit { part });
        }
        Ok(self.subset_unchecked(indices))
    }

    /// Sorted `[train, val, test]` indices, stratified by class.
    fn split_indices(&self, val_fraction: f64, test_fraction: f64, seed: u64) -> [Vec<usize>; 3] {
        let groups = self.classes.max(1);
        let mut strata: Vec<Vec<usize>> = vec![Vec::new(); groups];
        for (i, t) in self.targets.iter().enumerate() {
            strata[t.class().unwrap_or(0)].push(i);
        }
        let counts: Vec<usize> = strata.iter().map(Vec::len).collect();
        let n_test = allocate(&counts, &counts, test_fraction);
        let left: Vec<usize> = counts.iter().zip(&n_test).map(|(c, t)| c - t).collect();
        let n_val = allocate(&counts, &left, val_fraction);
        let mut rng = rng::seeded(seed, rng::SPLIT_STREAM);
        let mut parts: [Vec<usize>; 3] = Default::default();
        for (k, mut members) in strata.into_iter().enumerate() {
            rng::shuffle(&mut members, &mut rng);
            let t = n_test[k];
            let v = n_val[k];
            parts[2].extend_from_slice(&members[..t]);
            parts[1].extend_from_slice(&members[t..t + v]);
            parts[0].extend_from_slice(&members[t + v..]);
        }
        for p in &mut parts {
            p.sort_unstable();
        }
        parts
    }
}

/// Splits `round(fraction * total)` among groups in proportion to their
/// `counts` (largest remainder; ties to the lower group index), giving no
/// group more than its `room`.
fn allocate(counts: &[usize], room: &[usize], fraction: f64) -> Vec<usize> {
    let total: usize = counts.iter().sum();
    let target = ((fraction * total as f64).round() as usize).min(room.iter().sum());
    let exact: Vec<f64> = counts.iter().map(|&c| fraction * c as f64).collect();
    let mut alloc: Vec<usize> = exact
        .iter()
        .zip(room)
        .map(|(&e, &r)| (e.floor() as usize).min(r))
        .collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut missing = target.saturating_sub(alloc.iter().sum());
    while missing > 0 {
        for &g in &order {
            if missing > 0 && alloc[g] < room[g] {
                alloc[g] += 1;
                missing -= 1;
            }
        }
    }
    alloc
}

/// The most classes a class data set may have (65,536): per-class tables
/// (counts, split strata, confusion matrices) are sized by the number of
/// classes, so a stray large label must not size them.
pub const MAX_CLASSES: usize = 1 << 16;

impl<F: Float, const N: usize> Dataset<F, N, usize> {
    /// A class data set; every label must be below `classes`, and `classes`
    /// at most [`MAX_CLASSES`] ([`DataError::TooManyClasses`]).
    ///
    /// ```
    /// use nn_std::data::{Dataset, DataError};
    /// let bad = Dataset::<f32, 1, usize>::classification(vec![[0.0], [1.0]], vec![0, 2], 2);
    /// assert_eq!(bad, Err(DataError::ClassOutOfRange { sample: 1, label: 2, classes: 2 }));
    /// let nan = Dataset::<f32, 1, usize>::classification(vec![[f32::NAN]], vec![0], 2);
    /// assert_eq!(nan, Err(DataError::NonFiniteFeature { sample: 0, feature: 0 }));
    /// ```
    pub fn classification(
        features: Vec<[F; N]>,
        labels: Vec<usize>,
        classes: usize,
    ) -> Result<Self, DataError> {
        if classes == 0 {
            return Err(DataError::NoClasses);
        }
        if classes > MAX_CLASSES {
            return Err(DataError::TooManyClasses { classes });
        }
        Self::build(features, labels, classes)
    }

    /// The number of samples of each class.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        for &t in &self.targets {
            counts[t] += 1;
        }
        counts
    }

    /// The data set with one-hot targets; `C` must equal [`classes`](Self::classes).
    ///
    /// ```
    /// use nn_std::data::Dataset;
    /// let ds = Dataset::<f32, 1, usize>::classification(vec![[0.5]], vec![2], 3)?;
    /// assert_eq!(ds.one_hot::<3>()?.targets(), &[[0.0, 0.0, 1.0]]);
    /// assert!(ds.one_hot::<2>().is_err());
    /// # Ok::<(), nn_std::data::DataError>(())
    /// ```
    pub fn one_hot<const C: usize>(&self) -> Result<Dataset<F, N, [F; C]>, DataError> {
        if C != self.classes {
            return Err(DataError::InvalidParameter {
                name: "C",
                expected: "equal to the number of classes",
            });
        }
        let targets = self
            .targets
            .iter()
            .map(|&t| one_hot::<F, C>(t))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Dataset::<F, N, [F; C]>::build(self.features.clone(), targets, 0)?;
        out.classes = self.classes;
        out.class_names = self.class_names.clone();
        Ok(out)
    }
}

impl<F: Float, const N: usize, const M: usize> Dataset<F, N, [F; M]> {
    /// A data set with numeric targets (regression).
    ///
    /// ```
    /// use nn_std::data::{Dataset, DataError};
    /// let ds = Dataset::<f64, 1, [f64; 1]>::regression(vec![[1.0], [2.0]], vec![[2.0], [4.0]])?;
    /// assert_eq!(ds.classes(), 0);
    /// let bad = Dataset::<f64, 1, [f64; 1]>::regression(vec![[1.0]], vec![[f64::INFINITY]]);
    /// assert_eq!(bad, Err(DataError::NonFiniteTarget { sample: 0, position: 0 }));
    /// # Ok::<(), DataError>(())
    /// ```
    pub fn regression(features: Vec<[F; N]>, targets: Vec<[F; M]>) -> Result<Self, DataError> {
        Self::build(features, targets, 0)
    }
}
