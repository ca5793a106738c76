//! The int8 model file (version 2): int8 fully connected layers with their
//! quantization, read in place and written into a caller's buffer, without
//! allocation. Its own small view, because its values are of mixed widths
//! (i8 weights, i32 bias, f32 scales) where a version-1 file's are all of
//! one float type (see `docs/FORMAT.md`, "The int8 model file").

use nn_core::quant::FusedActivation;

use crate::view::{u16_at, u32_at, usize_of};
use crate::write::Cursor;
use crate::{CRC_LEN, Crc32, HEADER_LEN, LoadError, MAGIC, WriteError, crc32};

/// The format version of int8 model files.
pub const QVERSION: u16 = 2;
/// The scalar type code of int8 model files (header byte 6).
pub const QSCALAR_CODE: u8 = 3;
/// Size of one int8 layer descriptor in bytes.
pub const QDESC_LEN: usize = 32;
/// The descriptor kind code of an int8 fully connected layer.
const QDENSE: u16 = 1;
/// Descriptor flag: the layer stores an int32 bias.
const HAS_BIAS: u16 = 1;
/// Descriptor flag: one weight scale per output (else one per tensor).
const PER_CHANNEL: u16 = 2;

/// How a tensor is quantized: `real = scale · (q − zero_point)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// Positive, finite.
    pub scale: f32,
    /// In `[-128, 127]`.
    pub zero_point: i32,
}

impl QParams {
    fn is_valid(self) -> bool {
        self.scale > 0.0 && self.scale.is_finite() && i8::try_from(self.zero_point).is_ok()
    }

    fn same(self, other: QParams) -> bool {
        self.scale.to_bits() == other.scale.to_bits() && self.zero_point == other.zero_point
    }
}

/// One int8 fully connected layer to write (what [`QLayerView`] reads back).
#[derive(Clone, Copy, Debug)]
pub struct QLayerRecord<'a> {
    /// Inputs per sample.
    pub in_features: usize,
    /// Outputs per sample.
    pub out_features: usize,
    /// Row-major `[out_features][in_features]`.
    pub weights: &'a [i8],
    /// One per output, or `None`.
    pub bias: Option<&'a [i32]>,
    /// One per output (per channel) or one (per tensor).
    pub weight_scales: &'a [f32],
    /// The input's quantization.
    pub input: QParams,
    /// The output's quantization.
    pub output: QParams,
    /// The fused activation.
    pub activation: FusedActivation,
}

const fn activation_code(a: FusedActivation) -> u8 {
    match a {
        FusedActivation::None => 0,
        FusedActivation::Relu => 1,
        FusedActivation::Relu6 => 2,
    }
}

const fn activation_of(code: u8) -> Option<FusedActivation> {
    match code {
        0 => Some(FusedActivation::None),
        1 => Some(FusedActivation::Relu),
        2 => Some(FusedActivation::Relu6),
        _ => None,
    }
}

/// Bytes of a layer's values: weights (1 byte each), bias and scales (4).
fn values_len(n_in: usize, n_out: usize, bias: bool, per_channel: bool) -> Option<usize> {
    let bias = if bias { n_out.checked_mul(4)? } else { 0 };
    let scales = if per_channel {
        n_out.checked_mul(4)?
    } else {
        4
    };
    n_in.checked_mul(n_out)?
        .checked_add(bias)?
        .checked_add(scales)
}

/// A checked int8 layer in a parsed file.
#[derive(Clone, Copy, Debug)]
pub struct QLayerView<'a> {
    /// Inputs per sample.
    pub in_features: usize,
    /// Outputs per sample.
    pub out_features: usize,
    /// The input's quantization.
    pub input: QParams,
    /// The output's quantization.
    pub output: QParams,
    /// The fused activation.
    pub activation: FusedActivation,
    weights: &'a [u8],
    bias: Option<&'a [u8]>,
    scales: &'a [u8],
}

fn words<'b, T: 'b>(bytes: &'b [u8], from: fn([u8; 4]) -> T) -> impl Iterator<Item = T> + 'b {
    bytes
        .chunks_exact(4)
        .map(move |c| from([c[0], c[1], c[2], c[3]]))
}

impl<'a> QLayerView<'a> {
    /// The weights, row-major `[out_features][in_features]`.
    pub fn weights(&self) -> impl Iterator<Item = i8> + 'a {
        self.weights.iter().map(|&b| b as i8)
    }

    /// The int32 bias (one per output), if the layer has one.
    pub fn bias(&self) -> Option<impl Iterator<Item = i32> + 'a> {
        self.bias.map(|b| words(b, i32::from_le_bytes))
    }

    /// The weight scales: one per output, or one for the whole tensor.
    pub fn weight_scales(&self) -> impl Iterator<Item = f32> + 'a {
        words(self.scales, f32::from_le_bytes)
    }

    /// Whether the weights have one scale per output.
    pub fn per_channel(&self) -> bool {
        self.scales.len() != 4
    }
}

/// A validated int8 model file (version [`QVERSION`]), read in place.
///
/// ```
/// use nn_format::{LoadError, QModelView};
/// assert_eq!(QModelView::parse(b"hello").unwrap_err(), LoadError::BadMagic);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct QModelView<'a> {
    body: &'a [u8],
    layer_count: usize,
    checksum: u32,
}

/// The checks both file versions start with, in order: magic, version,
/// declared length, CRC-32. Returns the bytes before the CRC and the CRC.
pub(crate) fn check_frame(bytes: &[u8], version: u16) -> Result<(&[u8], u32), LoadError> {
    let len = bytes.len();
    let min = HEADER_LEN + CRC_LEN;
    let truncated = LoadError::Truncated {
        expected: min,
        found: len,
    };
    match bytes.get(..MAGIC.len()) {
        Some(m) if m == MAGIC => {}
        None if MAGIC.starts_with(bytes) => return Err(truncated),
        _ => return Err(LoadError::BadMagic),
    }
    if len < min {
        return Err(truncated);
    }
    let found = u16_at(bytes, 4).ok_or(truncated)?;
    if found != version {
        return Err(LoadError::UnsupportedVersion(found));
    }
    let declared = u32_at(bytes, 8).and_then(usize_of).ok_or(truncated)?;
    if len < declared {
        return Err(LoadError::Truncated {
            expected: declared,
            found: len,
        });
    }
    if len > declared {
        return Err(LoadError::TrailingBytes {
            expected: declared,
            found: len,
        });
    }
    let body = &bytes[..len - CRC_LEN];
    let stored = u32_at(bytes, len - CRC_LEN).ok_or(truncated)?;
    let computed = crc32(body);
    if stored != computed {
        return Err(LoadError::Checksum {
            expected: stored,
            found: computed,
        });
    }
    Ok((body, stored))
}

fn f32_at(b: &[u8], at: usize) -> Option<f32> {
    u32_at(b, at).map(f32::from_bits)
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    u32_at(b, at).map(|u| u as i32)
}

/// Reads descriptor `layer` (at `at`) and its values (from `values`).
/// Returns the view and the end of its values.
fn read_layer(
    body: &[u8],
    at: usize,
    values: usize,
    layer: usize,
) -> Result<(QLayerView<'_>, usize), LoadError> {
    let bad = LoadError::BadDescriptor { layer };
    let d = body.get(at..at + QDESC_LEN).ok_or(bad)?;
    let flags = u16_at(d, 2).ok_or(bad)?;
    let n_in = u32_at(d, 4).and_then(usize_of).ok_or(bad)?;
    let n_out = u32_at(d, 8).and_then(usize_of).ok_or(bad)?;
    let activation = activation_of(d[12]).ok_or(bad)?;
    if u16_at(d, 0) != Some(QDENSE)
        || flags & !(HAS_BIAS | PER_CHANNEL) != 0
        || d[13..16] != [0, 0, 0]
        || n_in == 0
        || n_out == 0
    {
        return Err(bad);
    }
    let quant = |at| -> Option<QParams> {
        Some(QParams {
            scale: f32_at(d, at)?,
            zero_point: i32_at(d, at + 4)?,
        })
    };
    let (input, output) = (quant(16).ok_or(bad)?, quant(24).ok_or(bad)?);
    let (has_bias, per_channel) = (flags & HAS_BIAS != 0, flags & PER_CHANNEL != 0);
    let declared = body.len().saturating_add(CRC_LEN);
    let mismatch = LoadError::LengthMismatch {
        declared,
        described: usize::MAX,
    };
    let end = values_len(n_in, n_out, has_bias, per_channel)
        .and_then(|n| values.checked_add(n))
        .ok_or(mismatch)?;
    let all = body.get(values..end).ok_or(mismatch)?;
    let (weights, rest) = all.split_at(n_in * n_out);
    let (bias, scales) = rest.split_at(if has_bias { n_out * 4 } else { 0 });
    let view = QLayerView {
        in_features: n_in,
        out_features: n_out,
        input,
        output,
        activation,
        weights,
        bias: has_bias.then_some(bias),
        scales,
    };
    let bad_quant = LoadError::BadQuantization { layer };
    if !input.is_valid()
        || !output.is_valid()
        || !view.weight_scales().all(|s| s > 0.0 && s.is_finite())
    {
        return Err(bad_quant);
    }
    Ok((view, end))
}

impl<'a> QModelView<'a> {
    /// Parses and validates a whole int8 model file: magic, version 2,
    /// length, CRC-32, header fields, descriptors, value lengths (checked
    /// arithmetic), chained widths and quantization, valid scales and zero
    /// points.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, LoadError> {
        let (body, checksum) = check_frame(bytes, QVERSION)?;
        if body[6] != QSCALAR_CODE {
            return Err(LoadError::UnknownScalarType(body[6]));
        }
        if body[7] != 0 || u32_at(body, 16) != Some(0) {
            return Err(LoadError::BadScaler);
        }
        let declared = bytes.len();
        let mismatch = |described| LoadError::LengthMismatch {
            declared,
            described,
        };
        let layer_count = u32_at(body, 12)
            .and_then(usize_of)
            .ok_or(mismatch(usize::MAX))?;
        let mut values = layer_count
            .checked_mul(QDESC_LEN)
            .and_then(|d| d.checked_add(HEADER_LEN))
            .filter(|&end| end <= body.len())
            .ok_or(mismatch(usize::MAX))?;
        let mut previous: Option<QLayerView<'_>> = None;
        for layer in 0..layer_count {
            let at = HEADER_LEN + layer * QDESC_LEN;
            let (view, end) = read_layer(body, at, values, layer)?;
            if let Some(p) = previous {
                if p.out_features != view.in_features {
                    return Err(LoadError::WidthMismatch {
                        layer,
                        expected: p.out_features as u32,
                        found: view.in_features as u32,
                    });
                }
                if !p.output.same(view.input) {
                    return Err(LoadError::BadQuantization { layer });
                }
            }
            previous = Some(view);
            values = end;
        }
        if layer_count == 0 {
            return Err(LoadError::LayerCount {
                expected: 1,
                found: 0,
            });
        }
        let described = values.saturating_add(CRC_LEN);
        if described != declared {
            return Err(mismatch(described));
        }
        Ok(QModelView {
            body,
            layer_count,
            checksum,
        })
    }

    /// The number of layers (at least 1).
    pub fn layer_count(&self) -> usize {
        self.layer_count
    }

    /// The stored (and verified) CRC-32.
    pub fn checksum(&self) -> u32 {
        self.checksum
    }

    /// The layers in network order.
    pub fn layers(&self) -> impl Iterator<Item = QLayerView<'a>> + 'a {
        let body = self.body;
        let mut values = HEADER_LEN + self.layer_count * QDESC_LEN;
        (0..self.layer_count).filter_map(move |layer| {
            // `parse` checked every layer, so this never yields `None`.
            let (view, end) =
                read_layer(body, HEADER_LEN + layer * QDESC_LEN, values, layer).ok()?;
            values = end;
            Some(view)
        })
    }
}

/// Number of bytes the int8 model file of `layers` takes.
pub fn q_encoded_len(layers: &[QLayerRecord<'_>]) -> Result<usize, WriteError> {
    let mut total = layers
        .len()
        .checked_mul(QDESC_LEN)
        .and_then(|d| d.checked_add(HEADER_LEN + CRC_LEN))
        .ok_or(WriteError::TooLarge)?;
    for l in layers {
        let per_channel = l.weight_scales.len() != 1;
        total = values_len(l.in_features, l.out_features, l.bias.is_some(), per_channel)
            .and_then(|v| total.checked_add(v))
            .ok_or(WriteError::TooLarge)?;
    }
    if total > u32::MAX as usize {
        return Err(WriteError::TooLarge);
    }
    Ok(total)
}

/// Writes the int8 model file of `layers` into `out` and returns its
/// length. The written bytes are parsed back before returning, so `Ok`
/// means the file loads (mismatched lengths are
/// [`WriteError::Invalid`]).
///
/// ```
/// use nn_core::quant::FusedActivation;
/// use nn_format::{QLayerRecord, QModelView, QParams, write_qmodel};
/// let q = QParams { scale: 0.125, zero_point: 0 };
/// let layer = QLayerRecord {
///     in_features: 1,
///     out_features: 1,
///     weights: &[64],
///     bias: Some(&[-256]),
///     weight_scales: &[0.03125],
///     input: q,
///     output: q,
///     activation: FusedActivation::Relu,
/// };
/// let mut buf = [0u8; 128];
/// let n = write_qmodel(&[layer], &mut buf).unwrap();
/// let view = QModelView::parse(&buf[..n]).unwrap();
/// assert_eq!(view.layers().next().unwrap().weights().collect::<Vec<_>>(), [64]);
/// ```
pub fn write_qmodel(layers: &[QLayerRecord<'_>], out: &mut [u8]) -> Result<usize, WriteError> {
    let total = q_encoded_len(layers)?;
    if out.len() < total {
        return Err(WriteError::BufferTooSmall {
            needed: total,
            available: out.len(),
        });
    }
    for (layer, l) in layers.iter().enumerate() {
        let n_out = l.out_features;
        if l.weights.len() != l.in_features.saturating_mul(n_out)
            || l.bias.is_some_and(|b| b.len() != n_out)
            || (l.weight_scales.len() != 1 && l.weight_scales.len() != n_out)
        {
            return Err(WriteError::QLayerLength { layer });
        }
    }
    let count = u32::try_from(layers.len()).map_err(|_| WriteError::TooLarge)?;
    let mut c = Cursor {
        out: &mut out[..total],
        at: 0,
        crc: Crc32::new(),
    };
    c.put(&MAGIC);
    c.put(&QVERSION.to_le_bytes());
    c.put(&[QSCALAR_CODE, 0]);
    c.put(&(total as u32).to_le_bytes());
    c.put(&count.to_le_bytes());
    c.put(&[0; 8]);
    for l in layers {
        let flags = if l.bias.is_some() { HAS_BIAS } else { 0 }
            | if l.weight_scales.len() != 1 {
                PER_CHANNEL
            } else {
                0
            };
        c.put(&QDENSE.to_le_bytes());
        c.put(&flags.to_le_bytes());
        // Sizes beyond u32 make `q_encoded_len` fail first (TooLarge).
        c.put(&(l.in_features as u32).to_le_bytes());
        c.put(&(l.out_features as u32).to_le_bytes());
        c.put(&[activation_code(l.activation), 0, 0, 0]);
        for q in [l.input, l.output] {
            c.put(&q.scale.to_le_bytes());
            c.put(&q.zero_point.to_le_bytes());
        }
    }
    for l in layers {
        for &w in l.weights {
            c.put(&[w as u8]);
        }
        for &b in l.bias.unwrap_or(&[]) {
            c.put(&b.to_le_bytes());
        }
        for &s in l.weight_scales {
            c.put(&s.to_le_bytes());
        }
    }
    let crc = c.crc.finish();
    c.put(&crc.to_le_bytes());
    QModelView::parse(&out[..total]).map_err(WriteError::Invalid)?;
    Ok(total)
}
