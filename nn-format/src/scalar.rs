//! Scalar types as stored in a model file, and in-place views of stored values.

use core::fmt;
use core::marker::PhantomData;

use nn_core::Float;

/// The scalar type of a model file's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ScalarType {
    /// IEEE-754 binary32, stored in 4 little-endian bytes.
    F32,
    /// IEEE-754 binary64, stored in 8 little-endian bytes.
    F64,
}

impl ScalarType {
    /// The code stored in the header (1 for `f32`, 2 for `f64`).
    pub const fn code(self) -> u8 {
        match self {
            ScalarType::F32 => 1,
            ScalarType::F64 => 2,
        }
    }

    /// The type of a header code, if known.
    pub const fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(ScalarType::F32),
            2 => Some(ScalarType::F64),
            _ => None,
        }
    }

    /// Bytes per value.
    pub const fn bytes(self) -> usize {
        match self {
            ScalarType::F32 => 4,
            ScalarType::F64 => 8,
        }
    }

    /// The Rust name (`"f32"` or `"f64"`).
    pub const fn name(self) -> &'static str {
        match self {
            ScalarType::F32 => "f32",
            ScalarType::F64 => "f64",
        }
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A [`Float`] that a model file can store: `f32` or `f64`.
pub trait FileScalar: Float {
    /// The matching [`ScalarType`].
    const TYPE: ScalarType;
    /// Little-endian bytes, as stored.
    type Bytes: AsRef<[u8]>;
    /// The value's little-endian bytes.
    fn to_le(self) -> Self::Bytes;
    /// The value stored in `bytes`, or `None` unless `bytes.len() == Self::BYTES`.
    fn from_le(bytes: &[u8]) -> Option<Self>;
}

impl FileScalar for f32 {
    const TYPE: ScalarType = ScalarType::F32;
    type Bytes = [u8; 4];
    #[inline]
    fn to_le(self) -> [u8; 4] {
        self.to_le_bytes()
    }
    #[inline]
    fn from_le(bytes: &[u8]) -> Option<Self> {
        Some(f32::from_le_bytes(bytes.try_into().ok()?))
    }
}

impl FileScalar for f64 {
    const TYPE: ScalarType = ScalarType::F64;
    type Bytes = [u8; 8];
    #[inline]
    fn to_le(self) -> [u8; 8] {
        self.to_le_bytes()
    }
    #[inline]
    fn from_le(bytes: &[u8]) -> Option<Self> {
        Some(f64::from_le_bytes(bytes.try_into().ok()?))
    }
}

/// A run of stored values of type `F`, read in place from the file's bytes
/// (no copy, no alignment requirement).
///
/// ```
/// use nn_format::Values;
/// let bytes = [0, 0, 128, 63, 0, 0, 0, 64]; // 1.0f32, 2.0f32
/// let v = Values::<f32>::new(&bytes).unwrap();
/// assert_eq!(v.len(), 2);
/// assert_eq!(v.get(1), Some(2.0));
/// assert_eq!(v.iter().sum::<f32>(), 3.0);
/// ```
#[derive(Clone, Copy)]
pub struct Values<'a, F> {
    bytes: &'a [u8],
    _f: PhantomData<F>,
}

impl<'a, F: FileScalar> Values<'a, F> {
    /// A view of `bytes`, or `None` unless its length is a multiple of `F::BYTES`.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        if bytes.len().is_multiple_of(F::BYTES) {
            Some(Values {
                bytes,
                _f: PhantomData,
            })
        } else {
            None
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.bytes.len() / F::BYTES
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The `i`-th value.
    pub fn get(&self, i: usize) -> Option<F> {
        let start = i.checked_mul(F::BYTES)?;
        F::from_le(self.bytes.get(start..start.checked_add(F::BYTES)?)?)
    }

    /// The values in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = F> + 'a {
        self.bytes
            .chunks_exact(F::BYTES)
            .map(|c| F::from_le(c).unwrap_or(F::NAN))
    }

    /// The raw little-endian bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Values `start..start + len` as their own view, if in range.
    pub fn slice(&self, start: usize, len: usize) -> Option<Self> {
        let a = start.checked_mul(F::BYTES)?;
        let b = a.checked_add(len.checked_mul(F::BYTES)?)?;
        Some(Values {
            bytes: self.bytes.get(a..b)?,
            _f: PhantomData,
        })
    }

    /// Copies the values into `out`; `false` (and `out` untouched) unless the
    /// lengths are equal.
    pub fn copy_to(&self, out: &mut [F]) -> bool {
        if out.len() != self.len() {
            return false;
        }
        for (o, v) in out.iter_mut().zip(self.iter()) {
            *o = v;
        }
        true
    }
}

impl<F: FileScalar> fmt::Debug for Values<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
