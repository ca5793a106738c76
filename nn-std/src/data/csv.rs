//! CSV loader for numeric data: class-index or numeric targets in a chosen
//! column, errors that name the line and column.
//!
//! The format is the plain numeric CSV that data tools write: one sample a
//! line, fields separated by a one-byte delimiter, optional surrounding spaces
//! and double quotes around a field, optional header line, blank lines
//! ignored, `\n` or `\r\n` line ends, optional gzip compression (detected from
//! the magic bytes). Quoted fields containing the delimiter are not supported
//! (numeric data never needs them).
//!
//! ```
//! use nn_std::data::csv::{parse_classification, CsvOptions, TargetColumn};
//! let text = b"label,a,b\n1,0.5,2\n0,1.5,-1\n";
//! let opts = CsvOptions { header: true, target: TargetColumn::First, ..CsvOptions::default() };
//! let ds = parse_classification::<f32, 2>(text, &opts, None)?;
//! assert_eq!(ds.features(), &[[0.5, 2.0], [1.5, -1.0]]);
//! assert_eq!(ds.targets(), &[1, 0]);
//! assert_eq!(ds.classes(), 2); // inferred as the largest label + 1
//! # Ok::<(), nn_std::data::csv::CsvError>(())
//! ```

use std::fmt;
use std::path::Path;

use nn_core::Float;

use super::dataset::{Dataset, MAX_CLASSES};
use super::error::DataError;
use super::gzip;

/// Where the target is in each line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TargetColumn {
    /// The last column(s).
    #[default]
    Last,
    /// The first column(s).
    First,
    /// Column `i` (0-based); numeric targets of width `M` take columns `i..i + M`.
    Index(usize),
}

/// How to read a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Whether the first line is a header to skip.
    pub header: bool,
    /// The field separator (an ASCII byte).
    pub delimiter: u8,
    /// Where the target is.
    pub target: TargetColumn,
}

impl Default for CsvOptions {
    /// No header, comma-separated, target in the last column.
    fn default() -> Self {
        Self {
            header: false,
            delimiter: b',',
            target: TargetColumn::Last,
        }
    }
}

/// What is wrong at a position of a CSV file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvErrorKind {
    /// The line is not valid UTF-8.
    NotUtf8,
    /// The line has the wrong number of fields.
    FieldCount {
        /// Fields expected (features + target columns).
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A feature or numeric target is not a number.
    BadNumber {
        /// The field's text.
        text: String,
    },
    /// A number is NaN or infinite (or too large for the float type).
    NonFinite {
        /// The field's text.
        text: String,
    },
    /// A class label is not a non-negative integer.
    BadLabel {
        /// The field's text.
        text: String,
    },
    /// A class label is not below the given number of classes.
    LabelOutOfRange {
        /// The label.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
    /// With the number of classes inferred, a label would make more than
    /// [`MAX_CLASSES`] classes.
    TooManyClasses {
        /// The label.
        label: usize,
    },
}

/// Why a CSV file could not be loaded.
#[derive(Debug)]
pub enum CsvError {
    /// Reading the file failed, or its gzip stream is corrupt or inflates
    /// past [`MAX_INFLATED_BYTES`](super::gzip::MAX_INFLATED_BYTES).
    Io(std::io::Error),
    /// A value or a line is bad; `line` and `column` are 1-based (the line
    /// counts the header; the column is the field number, or the byte
    /// position for [`CsvErrorKind::NotUtf8`]).
    Parse {
        /// 1-based line number.
        line: usize,
        /// 1-based column (field) number.
        column: usize,
        /// What is wrong.
        kind: CsvErrorKind,
    },
    /// The options do not fit the data, or the parsed data set is refused
    /// (for example, no samples).
    Data(DataError),
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Io(e) => write!(f, "cannot read CSV: {e}"),
            CsvError::Parse { line, column, kind } => {
                write!(f, "line {line}, column {column}: ")?;
                match kind {
                    CsvErrorKind::NotUtf8 => f.write_str("not valid UTF-8"),
                    CsvErrorKind::FieldCount { expected, found } => {
                        write!(f, "expected {expected} fields, found {found}")
                    }
                    CsvErrorKind::BadNumber { text } => write!(f, "`{text}` is not a number"),
                    CsvErrorKind::NonFinite { text } => {
                        write!(f, "`{text}` is NaN, infinite or out of range")
                    }
                    CsvErrorKind::BadLabel { text } => {
                        write!(f, "`{text}` is not a class label (a non-negative integer)")
                    }
                    CsvErrorKind::LabelOutOfRange { label, classes } => {
                        write!(f, "label {label} is out of range for {classes} classes")
                    }
                    CsvErrorKind::TooManyClasses { label } => write!(
                        f,
                        "label {label} would make more than {MAX_CLASSES} classes (the limit)"
                    ),
                }
            }
            CsvError::Data(e) => write!(f, "bad CSV data: {e}"),
        }
    }
}

impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CsvError::Io(e) => Some(e),
            CsvError::Data(e) => Some(e),
            CsvError::Parse { .. } => None,
        }
    }
}

impl From<DataError> for CsvError {
    fn from(e: DataError) -> Self {
        CsvError::Data(e)
    }
}

/// Parses a class data set: `N` feature columns and one label column.
/// `classes` of `None` infers the number of classes as the largest label + 1
/// (at most [`MAX_CLASSES`]: a larger label is [`CsvErrorKind::TooManyClasses`]).
pub fn parse_classification<F: Float, const N: usize>(
    bytes: &[u8],
    opts: &CsvOptions,
    classes: Option<usize>,
) -> Result<Dataset<F, N, usize>, CsvError> {
    match classes {
        Some(0) => return Err(DataError::NoClasses.into()),
        Some(classes) if classes > MAX_CLASSES => {
            return Err(DataError::TooManyClasses { classes }.into());
        }
        _ => {}
    }
    let (features, labels) = parse_rows::<F, N, usize>(bytes, opts, 1, |fields, line| {
        let (column, text) = fields[0];
        let label = parse_label(text).ok_or_else(|| CsvError::Parse {
            line,
            column,
            kind: CsvErrorKind::BadLabel { text: text.into() },
        })?;
        let kind = match classes {
            Some(c) if label >= c => CsvErrorKind::LabelOutOfRange { label, classes: c },
            None if label >= MAX_CLASSES => CsvErrorKind::TooManyClasses { label },
            _ => return Ok(label),
        };
        Err(CsvError::Parse { line, column, kind })
    })?;
    let Some(max) = labels.iter().max() else {
        return Err(DataError::Empty.into());
    };
    let classes = classes.unwrap_or(max + 1);
    Ok(Dataset::classification(features, labels, classes)?)
}

/// Parses a data set with numeric targets: `N` feature columns and `M`
/// consecutive target columns.
///
/// ```
/// use nn_std::data::csv::{parse_regression, CsvOptions, CsvError, CsvErrorKind};
/// let ds = parse_regression::<f64, 1, 2>(b"1,2,3\n4,5,6\n", &CsvOptions::default())?;
/// assert_eq!(ds.targets(), &[[2.0, 3.0], [5.0, 6.0]]);
/// let err = parse_regression::<f64, 1, 2>(b"1,2,3\n4,x,6\n", &CsvOptions::default()).unwrap_err();
/// assert!(matches!(err, CsvError::Parse { line: 2, column: 2, kind: CsvErrorKind::BadNumber { .. } }));
/// # Ok::<(), CsvError>(())
/// ```
pub fn parse_regression<F: Float, const N: usize, const M: usize>(
    bytes: &[u8],
    opts: &CsvOptions,
) -> Result<Dataset<F, N, [F; M]>, CsvError> {
    let (features, targets) = parse_rows::<F, N, [F; M]>(bytes, opts, M, |fields, line| {
        let mut t = [F::ZERO; M];
        for (v, &(column, text)) in t.iter_mut().zip(fields) {
            *v = parse_number(text, line, column)?;
        }
        Ok(t)
    })?;
    Ok(Dataset::regression(features, targets)?)
}

/// Reads a class data set from a file (plain or gzip); see
/// [`parse_classification`].
pub fn read_classification<F: Float, const N: usize>(
    path: impl AsRef<Path>,
    opts: &CsvOptions,
    classes: Option<usize>,
) -> Result<Dataset<F, N, usize>, CsvError> {
    let bytes = gzip::read_maybe_gzip(path.as_ref()).map_err(CsvError::Io)?;
    parse_classification(&bytes, opts, classes)
}

/// Reads a data set with numeric targets from a file (plain or gzip); see
/// [`parse_regression`].
pub fn read_regression<F: Float, const N: usize, const M: usize>(
    path: impl AsRef<Path>,
    opts: &CsvOptions,
) -> Result<Dataset<F, N, [F; M]>, CsvError> {
    let bytes = gzip::read_maybe_gzip(path.as_ref()).map_err(CsvError::Io)?;
    parse_regression(&bytes, opts)
}

/// The rows of `bytes` (gunzipped if needed) as features and targets;
/// `target` gets the `(column, text)` of the target fields and the line.
fn parse_rows<F: Float, const N: usize, T>(
    bytes: &[u8],
    opts: &CsvOptions,
    target_width: usize,
    mut target: impl FnMut(&[(usize, &str)], usize) -> Result<T, CsvError>,
) -> Result<(Vec<[F; N]>, Vec<T>), CsvError> {
    if !opts.delimiter.is_ascii() || matches!(opts.delimiter, b'\n' | b'\r' | b'"') {
        return Err(DataError::InvalidParameter {
            name: "delimiter",
            expected: "an ASCII byte other than a line end or a quote",
        }
        .into());
    }
    let width = N + target_width;
    let start = match opts.target {
        TargetColumn::Last => N,
        TargetColumn::First => 0,
        TargetColumn::Index(i) if i <= N => i,
        TargetColumn::Index(_) => {
            return Err(DataError::InvalidParameter {
                name: "target",
                expected: "a column index that leaves room for the target within the line",
            }
            .into());
        }
    };
    let bytes = gzip::maybe_gunzip(bytes).map_err(CsvError::Io)?;
    let delimiter = char::from(opts.delimiter);
    let mut features = Vec::new();
    let mut targets = Vec::new();
    let mut fields: Vec<(usize, &str)> = Vec::with_capacity(width);
    let mut target_fields: Vec<(usize, &str)> = Vec::with_capacity(target_width);
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = std::str::from_utf8(raw).map_err(|e| CsvError::Parse {
            line,
            column: e.valid_up_to() + 1,
            kind: CsvErrorKind::NotUtf8,
        })?;
        let text = if i == 0 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        if (i == 0 && opts.header) || text.trim().is_empty() {
            continue;
        }
        fields.clear();
        fields.extend(text.split(delimiter).enumerate().map(|(c, f)| (c + 1, f)));
        if fields.len() != width {
            return Err(CsvError::Parse {
                line,
                column: fields.len().min(width) + 1,
                kind: CsvErrorKind::FieldCount {
                    expected: width,
                    found: fields.len(),
                },
            });
        }
        target_fields.clear();
        target_fields.extend_from_slice(&fields[start..start + target_width]);
        let mut x = [F::ZERO; N];
        let feature_fields = fields[..start]
            .iter()
            .chain(&fields[start + target_width..]);
        for (v, &(column, text)) in x.iter_mut().zip(feature_fields) {
            *v = parse_number(text, line, column)?;
        }
        targets.push(target(&target_fields, line)?);
        features.push(x);
    }
    Ok((features, targets))
}

fn clean(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .map_or(t, str::trim)
}

fn parse_number<F: Float>(text: &str, line: usize, column: usize) -> Result<F, CsvError> {
    let v: f64 = clean(text).parse().map_err(|_| CsvError::Parse {
        line,
        column,
        kind: CsvErrorKind::BadNumber { text: text.into() },
    })?;
    let v = F::from_f64(v);
    if v.is_finite() {
        Ok(v)
    } else {
        Err(CsvError::Parse {
            line,
            column,
            kind: CsvErrorKind::NonFinite { text: text.into() },
        })
    }
}

/// A label is a non-negative integer, written as `3` or `3.0`.
fn parse_label(text: &str) -> Option<usize> {
    let t = clean(text);
    if let Ok(v) = t.parse::<usize>() {
        return Some(v);
    }
    let v: f64 = t.parse().ok()?;
    (v >= 0.0 && v.fract() == 0.0 && v < 9.007_199_254_740_992e15).then_some(v as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(parse_label(" 3 "), Some(3));
        assert_eq!(parse_label("\"2\""), Some(2));
        assert_eq!(parse_label("2.0"), Some(2));
        assert_eq!(parse_label("2.5"), None);
        assert_eq!(parse_label("-1"), None);
        assert_eq!(parse_label("nan"), None);
        assert_eq!(parse_label("inf"), None);
        assert_eq!(parse_label(""), None);
    }
}
