//! Parsing and validating a model file in place, without allocation.

use core::fmt;

use crate::qfile::check_frame;
use crate::{FileScalar, LayerDesc, LayerKind, LoadError, ScalarType, Values};

/// The first four bytes of every model file.
pub const MAGIC: [u8; 4] = *b"NNMF";
/// The format version this crate writes and reads.
pub const VERSION: u16 = 1;
/// Size of the fixed header in bytes.
pub const HEADER_LEN: usize = 24;
/// Size of one layer descriptor in bytes.
pub const DESC_LEN: usize = 16;
/// Size of the trailing checksum in bytes.
pub const CRC_LEN: usize = 4;

/// How a fitted input scaler maps a raw input `x` to the network's input:
/// `(x - offset) * factor`, per feature (as `nn_core::scale::Scaler::apply`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ScalerKind {
    /// Standardization: `offset` is the mean, `factor` is 1 / standard deviation.
    Standardize,
    /// Min-max scaling: `offset` is the minimum, `factor` is 1 / (max - min).
    MinMax,
}

impl ScalerKind {
    /// The code stored in the header (1 or 2; 0 means no scaler).
    pub const fn code(self) -> u8 {
        match self {
            ScalerKind::Standardize => 1,
            ScalerKind::MinMax => 2,
        }
    }

    /// The kind with this code, if any.
    pub const fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(ScalerKind::Standardize),
            2 => Some(ScalerKind::MinMax),
            _ => None,
        }
    }

    /// Lower-case name (`"standardize"`, `"min_max"`).
    pub const fn name(self) -> &'static str {
        match self {
            ScalerKind::Standardize => "standardize",
            ScalerKind::MinMax => "min_max",
        }
    }
}

impl fmt::Display for ScalerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub(crate) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// `n` as a `usize`, if it fits (it may not on a 16-bit target).
pub(crate) fn usize_of(n: u32) -> Option<usize> {
    usize::try_from(n).ok()
}

/// Reads and checks one descriptor (`layer` is its index, for errors).
fn read_desc(raw: &[u8], layer: usize) -> Result<LayerDesc, LoadError> {
    let bad = LoadError::BadDescriptor { layer };
    let kind = u16_at(raw, 0).and_then(LayerKind::from_code).ok_or(bad)?;
    if u16_at(raw, 2) != Some(0) {
        return Err(bad);
    }
    let mut dims = [0u32; 3];
    for (i, d) in dims.iter_mut().enumerate() {
        *d = u32_at(raw, 4 + 4 * i).ok_or(bad)?;
    }
    let desc = LayerDesc { kind, dims };
    if desc.is_valid() { Ok(desc) } else { Err(bad) }
}

/// A validated model file, read in place: header, layers, parameters and
/// scaler are views into the original bytes.
///
/// [`parse`](ModelView::parse) checks everything once (magic, version,
/// length, CRC-32, descriptors, consistent widths, finite hyper-parameters),
/// so the accessors need no further error handling.
///
/// ```
/// use nn_format::{ModelView, LoadError};
/// assert_eq!(ModelView::parse(b"hello").unwrap_err(), LoadError::BadMagic);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ModelView<'a> {
    bytes: &'a [u8],
    scalar: ScalarType,
    scaler: Option<(ScalerKind, u32)>,
    layer_count: usize,
    values_start: usize,
    scaler_start: usize,
    checksum: u32,
}

impl<'a> ModelView<'a> {
    /// Parses and validates a whole model file.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, LoadError> {
        let (body, stored) = check_frame(bytes, VERSION)?;
        let declared = bytes.len();
        let truncated = LoadError::Truncated {
            expected: HEADER_LEN + CRC_LEN,
            found: declared,
        };
        let scalar_code = bytes[6];
        let scalar =
            ScalarType::from_code(scalar_code).ok_or(LoadError::UnknownScalarType(scalar_code))?;
        let scaler_width = u32_at(bytes, 16).ok_or(truncated)?;
        let scaler = match (bytes[7], scaler_width) {
            (0, 0) => None,
            (code, w) if w > 0 => {
                Some((ScalerKind::from_code(code).ok_or(LoadError::BadScaler)?, w))
            }
            _ => return Err(LoadError::BadScaler),
        };
        let layer_count = u32_at(bytes, 12).and_then(usize_of).ok_or(truncated)?;

        let mismatch = |described: usize| LoadError::LengthMismatch {
            declared,
            described,
        };
        let values_start = layer_count
            .checked_mul(DESC_LEN)
            .and_then(|d| d.checked_add(HEADER_LEN))
            .filter(|&end| end <= body.len())
            .ok_or(mismatch(usize::MAX))?;
        let mut values: usize = 0;
        let mut width = scaler.map(|(_, w)| w);
        for layer in 0..layer_count {
            let at = HEADER_LEN + layer * DESC_LEN;
            let desc = read_desc(&body[at..at + DESC_LEN], layer)?;
            values = desc
                .value_count()
                .and_then(|c| values.checked_add(c))
                .ok_or(mismatch(usize::MAX))?;
            if let (Some(expected), Some(found)) = (width, desc.input_width())
                && expected != found
            {
                return Err(LoadError::WidthMismatch {
                    layer,
                    expected,
                    found,
                });
            }
            width = desc.output_width().or(width);
        }
        // Checked throughout: on a 32-bit target `2 * width` alone can wrap.
        let scaler_values = scaler.map_or(Some(0), |(_, w)| usize_of(w)?.checked_mul(2));
        let scaler_start = values
            .checked_mul(scalar.bytes())
            .and_then(|v| v.checked_add(values_start))
            .ok_or(mismatch(usize::MAX))?;
        let described = scaler_values
            .and_then(|n| n.checked_mul(scalar.bytes()))
            .and_then(|s| s.checked_add(scaler_start))
            .and_then(|e| e.checked_add(CRC_LEN))
            .unwrap_or(usize::MAX);
        if described != declared {
            return Err(mismatch(described));
        }
        let view = ModelView {
            bytes: body,
            scalar,
            scaler,
            layer_count,
            values_start,
            scaler_start,
            checksum: stored,
        };
        // Every reader (typed, runtime, export) sees the same refusal.
        if let Some(layer) = view.layers().find(|l| {
            l.desc.kind.has_hyper_parameter() && !l.scalar_f64().is_some_and(f64::is_finite)
        }) {
            return Err(LoadError::NonFiniteHyperParameter {
                layer: layer.index,
                kind: layer.desc.kind,
            });
        }
        Ok(view)
    }

    /// The format version (always [`VERSION`] for a parsed file).
    pub fn version(&self) -> u16 {
        VERSION
    }

    /// The scalar type of the stored values.
    pub fn scalar_type(&self) -> ScalarType {
        self.scalar
    }

    /// `Ok` when the file stores `F`, else [`LoadError::ScalarType`].
    pub fn expect_scalar<F: FileScalar>(&self) -> Result<(), LoadError> {
        if self.scalar == F::TYPE {
            Ok(())
        } else {
            Err(LoadError::ScalarType {
                expected: F::TYPE,
                found: self.scalar,
            })
        }
    }

    /// Number of layers.
    pub fn layer_count(&self) -> usize {
        self.layer_count
    }

    /// The stored (and verified) CRC-32.
    pub fn checksum(&self) -> u32 {
        self.checksum
    }

    /// Total file length in bytes.
    pub fn file_len(&self) -> usize {
        self.bytes.len() + CRC_LEN
    }

    /// The layers in order.
    pub fn layers(&self) -> Layers<'a> {
        Layers {
            descs: self.bytes.get(HEADER_LEN..self.values_start).unwrap_or(&[]),
            values: self
                .bytes
                .get(self.values_start..self.scaler_start)
                .unwrap_or(&[]),
            scalar: self.scalar,
            index: 0,
        }
    }

    /// Number of learnable parameters over all layers.
    pub fn param_count(&self) -> usize {
        self.layers()
            .map(|l| l.desc.param_count().unwrap_or(0))
            .sum()
    }

    /// Input width of the network (the first layer with a known width, or the scaler's).
    pub fn input_width(&self) -> Option<u32> {
        self.scaler
            .map(|(_, w)| w)
            .or_else(|| self.layers().find_map(|l| l.desc.input_width()))
    }

    /// Output width of the network, if any layer fixes it.
    pub fn output_width(&self) -> Option<u32> {
        self.layers().fold(self.scaler.map(|(_, w)| w), |w, l| {
            l.desc.output_width().or(w)
        })
    }

    /// The fitted input scaler, if the file has one.
    pub fn scaler(&self) -> Option<ScalerView<'a>> {
        let (kind, width) = self.scaler?;
        let n = usize_of(width)?.checked_mul(self.scalar.bytes())?;
        let raw = self.bytes.get(self.scaler_start..)?;
        Some(ScalerView {
            kind,
            width,
            offset: raw.get(..n)?,
            factor: raw.get(n..n.checked_mul(2)?)?,
            scalar: self.scalar,
        })
    }
}

/// Iterator over a [`ModelView`]'s layers.
#[derive(Clone, Debug)]
pub struct Layers<'a> {
    descs: &'a [u8],
    values: &'a [u8],
    scalar: ScalarType,
    index: usize,
}

impl<'a> Layers<'a> {
    /// Index of the next layer.
    pub fn next_index(&self) -> usize {
        self.index
    }
}

impl<'a> Iterator for Layers<'a> {
    type Item = LayerView<'a>;

    fn next(&mut self) -> Option<LayerView<'a>> {
        let (raw, rest) = self.descs.split_at_checked(DESC_LEN)?;
        let desc = read_desc(raw, self.index).ok()?;
        let n = desc.value_count()?.checked_mul(self.scalar.bytes())?;
        let (values, rest_values) = self.values.split_at_checked(n)?;
        self.descs = rest;
        self.values = rest_values;
        let view = LayerView {
            index: self.index,
            desc,
            raw: values,
            scalar: self.scalar,
        };
        self.index += 1;
        Some(view)
    }
}

/// One stored layer: descriptor and values, in place.
#[derive(Clone, Copy, Debug)]
pub struct LayerView<'a> {
    /// Position in the network (0-based).
    pub index: usize,
    /// Kind and sizes.
    pub desc: LayerDesc,
    raw: &'a [u8],
    scalar: ScalarType,
}

impl<'a> LayerView<'a> {
    /// The stored values as `F` (weights then bias for affine layers, the
    /// single hyper-parameter or parameter for leaky_relu, prelu and elu).
    pub fn values<F: FileScalar>(&self) -> Result<Values<'a, F>, LoadError> {
        if self.scalar != F::TYPE {
            return Err(LoadError::ScalarType {
                expected: F::TYPE,
                found: self.scalar,
            });
        }
        Values::new(self.raw).ok_or(LoadError::Truncated {
            expected: self.raw.len().next_multiple_of(F::BYTES),
            found: self.raw.len(),
        })
    }

    /// The raw little-endian bytes of the values.
    pub fn raw_values(&self) -> &'a [u8] {
        self.raw
    }

    /// The layer's single stored scalar (slope, `a` or alpha), widened to
    /// `f64`, for kinds that have one.
    pub fn scalar_f64(&self) -> Option<f64> {
        self.desc.kind.scalar_name()?;
        match self.scalar {
            ScalarType::F32 => self.values::<f32>().ok()?.get(0).map(f64::from),
            ScalarType::F64 => self.values::<f64>().ok()?.get(0),
        }
    }
}

/// A stored input scaler, in place.
#[derive(Clone, Copy, Debug)]
pub struct ScalerView<'a> {
    /// Standardization or min-max.
    pub kind: ScalerKind,
    /// Number of features.
    pub width: u32,
    offset: &'a [u8],
    factor: &'a [u8],
    scalar: ScalarType,
}

impl<'a> ScalerView<'a> {
    fn typed<F: FileScalar>(&self, raw: &'a [u8]) -> Result<Values<'a, F>, LoadError> {
        if self.scalar != F::TYPE {
            return Err(LoadError::ScalarType {
                expected: F::TYPE,
                found: self.scalar,
            });
        }
        Values::new(raw).ok_or(LoadError::BadScaler)
    }

    /// Per-feature offset (mean or minimum).
    pub fn offset<F: FileScalar>(&self) -> Result<Values<'a, F>, LoadError> {
        self.typed(self.offset)
    }

    /// Per-feature factor (1 / standard deviation or 1 / range).
    pub fn factor<F: FileScalar>(&self) -> Result<Values<'a, F>, LoadError> {
        self.typed(self.factor)
    }
}
