//! Writing a model file into a caller's buffer, without allocation (so a
//! device can save a network it trained).

use core::fmt;

use crate::{
    CRC_LEN, Crc32, DESC_LEN, FileScalar, HEADER_LEN, LoadError, MAGIC, ModelView, Saveable,
    ScalerKind, VERSION,
};

/// A fitted input scaler to store with a network: the network's input is
/// `(x - offset) * factor` per feature (as `nn_core::scale::Scaler::apply`).
#[derive(Clone, Copy, Debug)]
pub struct ScalerParts<'a, F> {
    /// Standardization or min-max.
    pub kind: ScalerKind,
    /// Per-feature mean (standardize) or minimum (min-max).
    pub offset: &'a [F],
    /// Per-feature factor: 1 / standard deviation (standardize) or 1 / range (min-max).
    pub factor: &'a [F],
}

/// Why a network could not be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum WriteError {
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes the file needs.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// The file would exceed 4 GiB or 2³² layers.
    TooLarge,
    /// The scaler's `offset` and `scale` differ in length or are empty.
    ScalerLength {
        /// Length of `offset`.
        offset: usize,
        /// Length of `factor`.
        factor: usize,
    },
    /// An int8 layer's weights, bias or weight scales do not have the
    /// lengths its sizes imply (`in · out`, `out`, `1` or `out`).
    QLayerLength {
        /// Index of the layer (0-based).
        layer: usize,
    },
    /// The written file does not validate (for example the scaler's width
    /// differs from the network's input width).
    Invalid(LoadError),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::BufferTooSmall { needed, available } => write!(
                f,
                "buffer too small: the model needs {needed} bytes, {available} available"
            ),
            WriteError::TooLarge => f.write_str("model too large for the file format"),
            WriteError::ScalerLength { offset, factor } => write!(
                f,
                "scaler offset has {offset} values and factor {factor}; they must be equal and non-zero"
            ),
            WriteError::QLayerLength { layer } => write!(
                f,
                "int8 layer {layer}: weights, bias or weight scales do not match its sizes"
            ),
            WriteError::Invalid(e) => write!(f, "the written model does not validate: {e}"),
        }
    }
}

impl core::error::Error for WriteError {}

fn scaler_width<F>(scaler: &Option<ScalerParts<'_, F>>) -> Result<u32, WriteError> {
    match scaler {
        None => Ok(0),
        Some(s) if s.offset.len() == s.factor.len() && !s.offset.is_empty() => {
            u32::try_from(s.offset.len()).map_err(|_| WriteError::TooLarge)
        }
        Some(s) => Err(WriteError::ScalerLength {
            offset: s.offset.len(),
            factor: s.factor.len(),
        }),
    }
}

/// Number of bytes the model file of `net` (and `scaler`) takes.
pub fn encoded_len<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
) -> Result<usize, WriteError> {
    let width = scaler_width(&scaler)?;
    let (mut layers, mut values) = (0usize, 0usize);
    net.visit_layers(width, &mut |rec| {
        layers += 1;
        // Saturating: an impossible sum then fails the checks below.
        values = values
            .saturating_add(rec.values[0].len())
            .saturating_add(rec.values[1].len());
    });
    let total = layers
        .checked_mul(DESC_LEN)
        .and_then(|d| d.checked_add(HEADER_LEN + CRC_LEN))
        .and_then(|t| {
            let scaler_values = usize::try_from(width).ok()?.checked_mul(2)?;
            let v = values.checked_add(scaler_values)?;
            t.checked_add(v.checked_mul(F::BYTES)?)
        })
        .ok_or(WriteError::TooLarge)?;
    if total > u32::MAX as usize {
        return Err(WriteError::TooLarge);
    }
    Ok(total)
}

/// Appends bytes to a slice and feeds them to the CRC.
pub(crate) struct Cursor<'a> {
    pub(crate) out: &'a mut [u8],
    pub(crate) at: usize,
    pub(crate) crc: Crc32,
}

impl Cursor<'_> {
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        // The writers size the buffer first, so this
        // never goes past the end; `get_mut` keeps it panic-free regardless.
        let end = self.at.saturating_add(bytes.len());
        if let Some(dst) = self.out.get_mut(self.at..end) {
            dst.copy_from_slice(bytes);
            self.crc.update(bytes);
        }
        self.at = end;
    }

    fn put_values<F: FileScalar>(&mut self, values: &[F]) {
        for &v in values {
            self.put(v.to_le().as_ref());
        }
    }
}

/// Writes the model file of `net` (and `scaler`) into `out` and returns its
/// length. The written bytes are parsed back before returning, so `Ok` means
/// the file loads.
///
/// ```
/// use nn_core::{seq, Dense, Relu, Seq};
/// use nn_format::{encoded_len, write_model, Loadable};
/// type Net = Seq![Dense<f32, 2, 1>, Relu];
/// let net: Net = seq![Dense::from_parts([[1.0, -2.0]], [0.5]), Relu];
/// let mut buf = [0u8; 128];
/// let n = write_model(&net, None, &mut buf).unwrap();
/// assert_eq!(n, encoded_len(&net, None).unwrap());
/// assert_eq!(Net::load(&buf[..n]).unwrap(), net);
/// ```
pub fn write_model<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
    out: &mut [u8],
) -> Result<usize, WriteError> {
    let total = encoded_len(net, scaler)?;
    if out.len() < total {
        return Err(WriteError::BufferTooSmall {
            needed: total,
            available: out.len(),
        });
    }
    let width = scaler_width(&scaler)?;
    let mut layers = 0u32;
    net.visit_layers(width, &mut |_| layers = layers.saturating_add(1));
    let mut c = Cursor {
        out: &mut out[..total],
        at: 0,
        crc: Crc32::new(),
    };
    c.put(&MAGIC);
    c.put(&VERSION.to_le_bytes());
    c.put(&[F::TYPE.code(), scaler.map_or(0, |s| s.kind.code())]);
    c.put(&(total as u32).to_le_bytes());
    c.put(&layers.to_le_bytes());
    c.put(&width.to_le_bytes());
    c.put(&0u32.to_le_bytes());
    net.visit_layers(width, &mut |rec| {
        c.put(&rec.desc.kind.code().to_le_bytes());
        c.put(&0u16.to_le_bytes());
        for d in rec.desc.dims {
            c.put(&d.to_le_bytes());
        }
    });
    net.visit_layers(width, &mut |rec| {
        for part in rec.values {
            c.put_values(part);
        }
    });
    if let Some(s) = scaler {
        c.put_values(s.offset);
        c.put_values(s.factor);
    }
    let crc = c.crc.finish();
    c.put(&crc.to_le_bytes());
    ModelView::parse(&out[..total]).map_err(WriteError::Invalid)?;
    Ok(total)
}
