//! Writing model files (format: `docs/FORMAT.md`) and reading them from disk.
//!
//! Reading itself lives in `nn_core::format` (no_std, no allocation); this
//! module adds the writer and file-system helpers.
//!
//! ```
//! use nn_core::{seq, Dense, Relu, Seq};
//! use nn_core::format::Loadable;
//! use nn_std::model_file::save;
//! type Net = Seq![Dense<f32, 2, 3>, Relu, Dense<f32, 3, 1>];
//! let net: Net = seq![
//!     Dense::from_parts([[1.0, 0.5], [-1.0, 2.0], [0.25, 0.0]], [0.0, 0.1, -0.2]),
//!     Relu,
//!     Dense::from_parts([[1.0, -1.0, 3.0]], [0.5]),
//! ];
//! let bytes = save(&net).unwrap();
//! assert_eq!(Net::load(&bytes).unwrap(), net);
//! ```

mod inspect;

pub use inspect::inspect;

use std::fmt;
use std::path::Path;

use nn_core::format::{
    CRC_LEN, DESC_LEN, FileScalar, HEADER_LEN, LayerDesc, LoadError, Loadable, MAGIC, ModelView,
    Saveable, ScalerKind, VERSION, crc32,
};

/// A fitted input scaler to store with a network: the network's input is
/// `(x - offset) / scale` per feature.
#[derive(Clone, Copy, Debug)]
pub struct ScalerParts<'a, F> {
    /// Standardization or min-max.
    pub kind: ScalerKind,
    /// Per-feature mean (standardize) or minimum (min-max).
    pub offset: &'a [F],
    /// Per-feature standard deviation (standardize) or range (min-max).
    pub scale: &'a [F],
}

/// Why a network could not be saved.
#[derive(Debug)]
#[non_exhaustive]
pub enum SaveError {
    /// The file would exceed 4 GiB or 2³² layers.
    TooLarge,
    /// The scaler's `offset` and `scale` differ in length or are empty.
    ScalerLength {
        /// Length of `offset`.
        offset: usize,
        /// Length of `scale`.
        scale: usize,
    },
    /// The written file does not validate (for example the scaler's width
    /// differs from the network's input width).
    Invalid(LoadError),
    /// Writing the file failed.
    Io(std::io::Error),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::TooLarge => f.write_str("model too large for the file format"),
            SaveError::ScalerLength { offset, scale } => write!(
                f,
                "scaler offset has {offset} values and scale {scale}; they must be equal and non-zero"
            ),
            SaveError::Invalid(e) => write!(f, "the written model does not validate: {e}"),
            SaveError::Io(e) => write!(f, "cannot write model file: {e}"),
        }
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::Invalid(e) => Some(e),
            SaveError::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a model file could not be loaded from disk.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// Reading the file failed.
    Io(std::io::Error),
    /// The contents are not a valid model for the network.
    Load(LoadError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read model file: {e}"),
            ReadError::Load(e) => write!(f, "invalid model file: {e}"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            ReadError::Load(e) => Some(e),
        }
    }
}

fn push_values<F: FileScalar>(out: &mut Vec<u8>, values: &[F]) {
    for &v in values {
        out.extend_from_slice(v.to_le().as_ref());
    }
}

/// Serializes `net` (without a scaler) into a model file.
pub fn save<F: FileScalar, N: Saveable<F>>(net: &N) -> Result<Vec<u8>, SaveError> {
    save_with_scaler(net, None)
}

/// Serializes `net` and an optional fitted input scaler into a model file.
///
/// The result is parsed back before it is returned, so a file this function
/// returns always loads.
pub fn save_with_scaler<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
) -> Result<Vec<u8>, SaveError> {
    let scaler_width = match scaler {
        None => 0,
        Some(s) if s.offset.len() == s.scale.len() && !s.offset.is_empty() => s.offset.len(),
        Some(s) => {
            return Err(SaveError::ScalerLength {
                offset: s.offset.len(),
                scale: s.scale.len(),
            });
        }
    };
    let scaler_width = u32::try_from(scaler_width).map_err(|_| SaveError::TooLarge)?;
    let mut descs: Vec<LayerDesc> = Vec::new();
    let mut values: Vec<u8> = Vec::new();
    net.visit_layers(scaler_width, &mut |rec| {
        descs.push(rec.desc);
        for part in rec.values {
            push_values(&mut values, part);
        }
    });
    let layer_count = u32::try_from(descs.len()).map_err(|_| SaveError::TooLarge)?;
    let total = HEADER_LEN
        + descs.len() * DESC_LEN
        + values.len()
        + 2 * scaler_width as usize * F::BYTES
        + CRC_LEN;
    let total_u32 = u32::try_from(total).map_err(|_| SaveError::TooLarge)?;

    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(F::TYPE.code());
    out.push(scaler.map_or(0, |s| s.kind.code()));
    out.extend_from_slice(&total_u32.to_le_bytes());
    out.extend_from_slice(&layer_count.to_le_bytes());
    out.extend_from_slice(&scaler_width.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for d in &descs {
        out.extend_from_slice(&d.kind.code().to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        for dim in d.dims {
            out.extend_from_slice(&dim.to_le_bytes());
        }
    }
    out.extend_from_slice(&values);
    if let Some(s) = scaler {
        push_values(&mut out, s.offset);
        push_values(&mut out, s.scale);
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    debug_assert_eq!(out.len(), total);
    ModelView::parse(&out).map_err(SaveError::Invalid)?;
    Ok(out)
}

/// Saves `net` (and an optional scaler) to the file at `path`.
pub fn save_file<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
    path: impl AsRef<Path>,
) -> Result<(), SaveError> {
    let bytes = save_with_scaler(net, scaler)?;
    std::fs::write(path, bytes).map_err(SaveError::Io)
}

/// Loads a network of type `N` from the file at `path`.
pub fn load_file<F: FileScalar, N: Loadable<F> + Default>(
    path: impl AsRef<Path>,
) -> Result<N, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    N::load(&bytes).map_err(ReadError::Load)
}
