//! IDX loader: the format of MNIST and Fashion-MNIST, plain or gzip.
//!
//! An IDX file is two zero bytes, a type code (`0x08` u8, `0x09` i8, `0x0B`
//! i16, `0x0C` i32, `0x0D` f32, `0x0E` f64), the number of dimensions, each
//! dimension as a big-endian `u32`, then the values, big-endian, row-major.
//! The parser checks every one of these, and that the data is exactly as long
//! as the dimensions say, before it allocates anything from the header.
//!
//! ```
//! use nn_std::data::idx::{load_images_labels, IdxArray, IdxType};
//! // Two 1x2 "images" and their labels.
//! let images = [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40];
//! let labels = [0, 0, 0x08, 1, 0, 0, 0, 2, 7, 3];
//! assert_eq!(IdxArray::parse(&images)?.dims(), &[2, 1, 2]);
//! let ds = load_images_labels::<f32, 2>(&images, &labels, 10)?;
//! assert_eq!(ds.features(), &[[10.0, 20.0], [30.0, 40.0]]);
//! assert_eq!(ds.targets(), &[7, 3]);
//! # Ok::<(), nn_std::data::idx::IdxError>(())
//! ```

use std::fmt;
use std::path::Path;

use nn_core::Float;

use super::dataset::Dataset;
use super::error::DataError;
use super::gzip;

/// The element type of an IDX file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdxType {
    /// Unsigned byte (`0x08`).
    U8,
    /// Signed byte (`0x09`).
    I8,
    /// Big-endian `i16` (`0x0B`).
    I16,
    /// Big-endian `i32` (`0x0C`).
    I32,
    /// Big-endian `f32` (`0x0D`).
    F32,
    /// Big-endian `f64` (`0x0E`).
    F64,
}

impl IdxType {
    /// The type for a type code.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0x08 => IdxType::U8,
            0x09 => IdxType::I8,
            0x0B => IdxType::I16,
            0x0C => IdxType::I32,
            0x0D => IdxType::F32,
            0x0E => IdxType::F64,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            IdxType::U8 | IdxType::I8 => 1,
            IdxType::I16 => 2,
            IdxType::I32 | IdxType::F32 => 4,
            IdxType::F64 => 8,
        }
    }

    /// Whether the type holds integers.
    pub fn is_integer(self) -> bool {
        !matches!(self, IdxType::F32 | IdxType::F64)
    }
}

/// Why an IDX file could not be loaded.
#[derive(Debug)]
pub enum IdxError {
    /// Reading the file failed (or its gzip stream is corrupt).
    Io(std::io::Error),
    /// Fewer bytes than the header needs.
    TruncatedHeader {
        /// Bytes the header needs.
        needed: usize,
        /// Bytes present.
        found: usize,
    },
    /// The first two bytes are not zero.
    BadMagic {
        /// The first two bytes.
        found: [u8; 2],
    },
    /// The type code is not one of IDX's.
    UnknownType {
        /// The type code.
        code: u8,
    },
    /// The data size (product of the dimensions and the element size)
    /// overflows, or exceeds
    /// [`MAX_INFLATED_BYTES`](super::gzip::MAX_INFLATED_BYTES) in a gzip
    /// stream.
    TooLarge,
    /// The data is shorter or longer than the dimensions say.
    WrongLength {
        /// Data bytes expected.
        expected: usize,
        /// Data bytes present.
        found: usize,
    },
    /// The array's shape or type does not fit its role.
    WrongShape {
        /// Which file (`"images"` or `"labels"`).
        what: &'static str,
        /// What was expected, in words.
        expected: String,
        /// The dimensions found.
        found: Vec<usize>,
    },
    /// The label file's type is not an integer type.
    LabelType(IdxType),
    /// Images and labels count different samples.
    CountMismatch {
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },
    /// A label is negative or not below the number of classes.
    LabelOutOfRange {
        /// Index of the sample.
        sample: usize,
        /// The label's value.
        label: i64,
        /// The number of classes.
        classes: usize,
    },
    /// The parsed data set is refused (no samples, non-finite values).
    Data(DataError),
}

impl fmt::Display for IdxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdxError::Io(e) => write!(f, "cannot read IDX: {e}"),
            IdxError::TruncatedHeader { needed, found } => {
                write!(f, "IDX header needs {needed} bytes, found {found}")
            }
            IdxError::BadMagic { found } => {
                write!(
                    f,
                    "IDX magic must start with two zero bytes, found {found:02x?}"
                )
            }
            IdxError::UnknownType { code } => write!(f, "unknown IDX type code 0x{code:02x}"),
            IdxError::TooLarge => {
                f.write_str("IDX dimensions overflow the address space (or the gzip size limit)")
            }
            IdxError::WrongLength { expected, found } => write!(
                f,
                "IDX data should be {expected} bytes by its dimensions, found {found}"
            ),
            IdxError::WrongShape {
                what,
                expected,
                found,
            } => write!(
                f,
                "IDX {what} should be {expected}, found dimensions {found:?}"
            ),
            IdxError::LabelType(t) => write!(f, "IDX labels must be integers, found {t:?}"),
            IdxError::CountMismatch { images, labels } => {
                write!(f, "{images} images but {labels} labels")
            }
            IdxError::LabelOutOfRange {
                sample,
                label,
                classes,
            } => write!(
                f,
                "label {label} of sample {sample} is out of range for {classes} classes"
            ),
            IdxError::Data(e) => write!(f, "bad IDX data: {e}"),
        }
    }
}

impl std::error::Error for IdxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IdxError::Io(e) => Some(e),
            IdxError::Data(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DataError> for IdxError {
    fn from(e: DataError) -> Self {
        IdxError::Data(e)
    }
}

/// A parsed IDX array: its type, dimensions and raw big-endian data.
#[derive(Clone, Debug, PartialEq)]
pub struct IdxArray {
    dtype: IdxType,
    dims: Vec<usize>,
    data: Vec<u8>,
}

impl IdxArray {
    /// Parses an IDX file's bytes (gunzipped first if they are gzip).
    ///
    /// A gzip stream is inflated header first: the data is read only up to
    /// the size the header declares (at most
    /// [`MAX_INFLATED_BYTES`](gzip::MAX_INFLATED_BYTES), else
    /// [`IdxError::TooLarge`]), and a stream longer than that is refused with
    /// [`IdxError::WrongLength`] whose `found` is `expected + 1` (reading
    /// stops there).
    pub fn parse(bytes: &[u8]) -> Result<Self, IdxError> {
        if !bytes.starts_with(&gzip::GZIP_MAGIC) {
            return Self::parse_plain(bytes);
        }
        let mut reader = gzip::decoder(bytes);
        let mut inflated = Vec::new();
        let mut read = |n: usize, out: &mut Vec<u8>| {
            gzip::read_up_to(&mut reader, n as u64, out).map_err(IdxError::Io)
        };
        read(4, &mut inflated)?;
        if let Some(&ndim) = inflated.get(3) {
            read(4 * usize::from(ndim), &mut inflated)?;
            // A bad header: `parse_plain` names the error.
            if let Ok((.., expected)) = Self::header(&inflated) {
                if expected as u64 > gzip::MAX_INFLATED_BYTES {
                    return Err(IdxError::TooLarge);
                }
                read(expected + 1, &mut inflated)?;
            }
        }
        Self::parse_plain(&inflated)
    }

    /// The element type, dimensions, header size and data size that the
    /// header at the start of `bytes` declares.
    fn header(bytes: &[u8]) -> Result<(IdxType, Vec<usize>, usize, usize), IdxError> {
        if bytes.len() < 4 {
            return Err(IdxError::TruncatedHeader {
                needed: 4,
                found: bytes.len(),
            });
        }
        if bytes[..2] != [0, 0] {
            return Err(IdxError::BadMagic {
                found: [bytes[0], bytes[1]],
            });
        }
        let dtype = IdxType::from_code(bytes[2]).ok_or(IdxError::UnknownType { code: bytes[2] })?;
        let ndim = usize::from(bytes[3]);
        let header = 4 + 4 * ndim;
        if bytes.len() < header {
            return Err(IdxError::TruncatedHeader {
                needed: header,
                found: bytes.len(),
            });
        }
        let dims: Vec<usize> = bytes[4..header]
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
            .collect();
        let expected = if dims.contains(&0) {
            0
        } else {
            dims.iter()
                .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
                .ok_or(IdxError::TooLarge)?
        };
        Ok((dtype, dims, header, expected))
    }

    /// Parses uncompressed IDX bytes.
    fn parse_plain(bytes: &[u8]) -> Result<Self, IdxError> {
        let (dtype, dims, header, expected) = Self::header(bytes)?;
        let data = &bytes[header..];
        if data.len() != expected {
            return Err(IdxError::WrongLength {
                expected,
                found: data.len(),
            });
        }
        Ok(Self {
            dtype,
            dims,
            data: data.to_vec(),
        })
    }

    /// Reads and parses an IDX file (plain or gzip).
    pub fn read(path: impl AsRef<Path>) -> Result<Self, IdxError> {
        Self::parse(&std::fs::read(path).map_err(IdxError::Io)?)
    }

    /// The element type.
    pub fn dtype(&self) -> IdxType {
        self.dtype
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len() / self.dtype.size()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Element `i` as `f64` (exact for every IDX type), or `None` past the end.
    pub fn get(&self, i: usize) -> Option<f64> {
        let s = self.dtype.size();
        let b = self.data.get(i.checked_mul(s)?..i.checked_mul(s)? + s)?;
        Some(match self.dtype {
            IdxType::U8 => f64::from(b[0]),
            IdxType::I8 => f64::from(b[0] as i8),
            IdxType::I16 => f64::from(i16::from_be_bytes([b[0], b[1]])),
            IdxType::I32 => f64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])),
            IdxType::F32 => f64::from(f32::from_be_bytes([b[0], b[1], b[2], b[3]])),
            IdxType::F64 => f64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        })
    }

    /// All elements as `f64`, in row-major order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(f64::NAN))
    }
}

/// Pairs an image file (dimensions `[count, ...]` whose inner dimensions
/// multiply to `N`, any type) with a label file (dimensions `[count]`, an
/// integer type, labels in `0..classes`) into a class data set. Pixel values
/// are kept as they are (0..=255 for MNIST); scale them afterwards.
pub fn load_images_labels<F: Float, const N: usize>(
    images: &[u8],
    labels: &[u8],
    classes: usize,
) -> Result<Dataset<F, N, usize>, IdxError> {
    let images = IdxArray::parse(images)?;
    let labels = IdxArray::parse(labels)?;
    images_labels_to_dataset(&images, &labels, classes)
}

/// [`load_images_labels`] from two files, for example MNIST's
/// `train-images-idx3-ubyte.gz` and `train-labels-idx1-ubyte.gz`.
pub fn read_images_labels<F: Float, const N: usize>(
    images: impl AsRef<Path>,
    labels: impl AsRef<Path>,
    classes: usize,
) -> Result<Dataset<F, N, usize>, IdxError> {
    let images = IdxArray::read(images)?;
    let labels = IdxArray::read(labels)?;
    images_labels_to_dataset(&images, &labels, classes)
}

/// [`load_images_labels`] on parsed arrays.
pub fn images_labels_to_dataset<F: Float, const N: usize>(
    images: &IdxArray,
    labels: &IdxArray,
    classes: usize,
) -> Result<Dataset<F, N, usize>, IdxError> {
    if classes == 0 {
        return Err(DataError::NoClasses.into());
    }
    let dims = images.dims();
    let inner: Option<usize> = dims
        .get(1..)
        .and_then(|d| d.iter().try_fold(1usize, |acc, &x| acc.checked_mul(x)));
    if dims.len() < 2 || inner != Some(N) {
        return Err(IdxError::WrongShape {
            what: "images",
            expected: format!("[count, ...] with {N} values a sample"),
            found: dims.to_vec(),
        });
    }
    if labels.dims().len() != 1 {
        return Err(IdxError::WrongShape {
            what: "labels",
            expected: "[count]".into(),
            found: labels.dims().to_vec(),
        });
    }
    if !labels.dtype().is_integer() {
        return Err(IdxError::LabelType(labels.dtype()));
    }
    let count = dims[0];
    if labels.len() != count {
        return Err(IdxError::CountMismatch {
            images: count,
            labels: labels.len(),
        });
    }
    let mut targets = Vec::with_capacity(count);
    for (sample, v) in labels.values().enumerate() {
        if v < 0.0 || v >= classes as f64 {
            return Err(IdxError::LabelOutOfRange {
                sample,
                label: v as i64,
                classes,
            });
        }
        targets.push(v as usize);
    }
    let mut values = images.values();
    let features: Vec<[F; N]> = (0..count)
        .map(|_| core::array::from_fn(|_| F::from_f64(values.next().unwrap_or(f64::NAN))))
        .collect();
    Ok(Dataset::classification(features, targets, classes)?)
}
