//! The error of building, splitting or converting a data set.

use std::fmt;

/// Why a data set was refused or an operation on it could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataError {
    /// No samples.
    Empty,
    /// A feature value is NaN or infinite.
    NonFiniteFeature {
        /// Index of the sample.
        sample: usize,
        /// Index of the feature within the sample.
        feature: usize,
    },
    /// A numeric target value is NaN or infinite.
    NonFiniteTarget {
        /// Index of the sample.
        sample: usize,
        /// Position within the target.
        position: usize,
    },
    /// A class label is not below the number of classes.
    ClassOutOfRange {
        /// Index of the sample.
        sample: usize,
        /// The label.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
    /// A class data set needs at least one class.
    NoClasses,
    /// More classes than [`MAX_CLASSES`](super::MAX_CLASSES).
    TooManyClasses {
        /// The number of classes asked for.
        classes: usize,
    },
    /// A sample has the wrong number of features.
    WidthMismatch {
        /// Index of the sample (for a flat buffer: of the first incomplete one).
        sample: usize,
        /// Features expected.
        expected: usize,
        /// Features found.
        found: usize,
    },
    /// Feature and target counts differ.
    LengthMismatch {
        /// Number of feature rows.
        features: usize,
        /// Number of targets.
        targets: usize,
    },
    /// A parameter is outside its valid range.
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The valid range, in words.
        expected: &'static str,
    },
    /// A split would leave one of its parts without samples.
    EmptySplit {
        /// The part (`"train"`, `"validation"` or `"test"`).
        part: &'static str,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Empty => f.write_str("the data set has no samples"),
            DataError::NonFiniteFeature { sample, feature } => {
                write!(f, "feature {feature} of sample {sample} is NaN or infinite")
            }
            DataError::NonFiniteTarget { sample, position } => write!(
                f,
                "target value {position} of sample {sample} is NaN or infinite"
            ),
            DataError::ClassOutOfRange {
                sample,
                label,
                classes,
            } => write!(
                f,
                "label {label} of sample {sample} is out of range for {classes} classes"
            ),
            DataError::NoClasses => f.write_str("a class data set needs at least one class"),
            DataError::TooManyClasses { classes } => write!(
                f,
                "{classes} classes are more than the limit of {}",
                super::MAX_CLASSES
            ),
            DataError::WidthMismatch {
                sample,
                expected,
                found,
            } => write!(
                f,
                "sample {sample} has {found} features, expected {expected}"
            ),
            DataError::LengthMismatch { features, targets } => {
                write!(f, "{features} feature rows but {targets} targets")
            }
            DataError::InvalidParameter { name, expected } => {
                write!(f, "parameter `{name}` must be {expected}")
            }
            DataError::EmptySplit { part } => {
                write!(f, "the split leaves the {part} part without samples")
            }
        }
    }
}

impl std::error::Error for DataError {}
