//! Model files (format: `docs/FORMAT.md`) in memory and on disk.
//!
//! Reading and writing themselves live in `nn_format` (no_std, no
//! allocation); this module sizes the buffer, adds file-system helpers and
//! converts runtime networks.
//!
//! A network trained on scaled inputs is saved with its scaler and loaded
//! back with it as a [`Scaled`] model, which scales raw inputs itself.
//! `scaler.parts()` is [`FileScaler::parts`] (re-exported here):
//! ```
//! use nn_core::{seq, Dense, Module, Relu, Scaler, Seq, Standardize};
//! use nn_std::io::model_file::{FileScaler, Scaled, load_scaled_file, save_file};
//! type Net = Seq![Dense<f32, 2, 3>, Relu, Dense<f32, 3, 1>];
//! let net: Net = seq![
//!     Dense::from_parts([[1.0, 0.5], [-1.0, 2.0], [0.25, 0.0]], [0.0, 0.1, -0.2]),
//!     Relu,
//!     Dense::from_parts([[1.0, -1.0, 3.0]], [0.5]),
//! ];
//! let scaler = Standardize::from_parts([5.0, -1.0], [0.5, 2.0]);
//! let path = std::env::temp_dir().join(format!("nn-doc-{}.bin", std::process::id()));
//! save_file(&net, Some(scaler.parts()), &path)?;
//!
//! let model: Scaled<Net, Standardize<f32, 2>> = load_scaled_file(&path)?;
//! let raw = [6.0, 0.5]; // as measured, unscaled
//! assert_eq!(model.forward(&raw), net.forward(&scaler.apply(&raw)));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//! A network alone (no scaler) saves with [`save`] and loads with
//! [`Loadable::load`] or [`load_file`]:
//! ```
//! use nn_core::{Dense, Seq};
//! use nn_format::Loadable;
//! use nn_std::io::model_file::save;
//! type Net = Seq![Dense<f32, 2, 1>];
//! let net: Net = Dense::from_parts([[1.0, 0.5]], [0.0]);
//! let bytes = save(&net).unwrap();
//! assert_eq!(Net::load(&bytes).unwrap(), net);
//! ```

mod runtime;
mod scaled;

pub use runtime::{RuntimeLoadError, load_runtime, runtime_from_view, save_runtime};
pub use scaled::{Scaled, load_scaled_file};

use std::fmt;
use std::io::Read;
use std::path::Path;

use nn_format::{
    FileScalar, HEADER_LEN, LoadError, Loadable, MAGIC, Saveable, WriteError, encoded_len,
    write_model,
};

/// The one scaler description the writers take; a fitted scaler gives its
/// own with [`FileScaler::parts`].
pub use nn_format::{FileScaler, ScalerParts};

/// Why a network could not be saved.
#[derive(Debug)]
#[non_exhaustive]
pub enum SaveError {
    /// The writer refused the network (too large, a bad scaler, or the
    /// written file does not validate).
    Write(WriteError),
    /// A runtime network's layer has no form in the file format (a `Maxout`
    /// that does not follow a `Dense` layer).
    Unrepresentable {
        /// Index of the runtime layer.
        layer: usize,
    },
    /// Writing the file failed.
    Io(std::io::Error),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Write(e) => write!(f, "cannot write model: {e}"),
            SaveError::Unrepresentable { layer } => write!(
                f,
                "layer {layer}: a maxout that does not follow a dense layer cannot be stored"
            ),
            SaveError::Io(e) => write!(f, "cannot write model file: {e}"),
        }
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::Write(e) => Some(e),
            SaveError::Io(e) => Some(e),
            SaveError::Unrepresentable { .. } => None,
        }
    }
}

impl From<WriteError> for SaveError {
    fn from(e: WriteError) -> Self {
        SaveError::Write(e)
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

/// Serializes `net` (without a scaler) into a model file.
pub fn save<F: FileScalar, N: Saveable<F>>(net: &N) -> Result<Vec<u8>, SaveError> {
    save_with_scaler(net, None)
}

/// Serializes `net` and an optional fitted input scaler into a model file
/// (`Some(scaler.parts())`, with [`FileScaler`] in scope).
///
/// Uses nn-format's allocation-free [`write_model`]; the result is parsed back
/// before it is returned, so a file this function returns always loads.
pub fn save_with_scaler<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
) -> Result<Vec<u8>, SaveError> {
    let len = encoded_len(net, scaler)?;
    let mut out = vec![0u8; len];
    let n = write_model(net, scaler, &mut out)?;
    debug_assert_eq!(n, len);
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

/// Loads a network of type `N` from the file at `path` (read with
/// [`read_model`]), without the input scaler the file may store: a network
/// trained on scaled inputs loads with [`load_scaled_file`], which keeps the
/// scaler and applies it.
pub fn load_file<F: FileScalar, N: Loadable<F> + Default>(
    path: impl AsRef<Path>,
) -> Result<N, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let bytes = read_model(file).map_err(ReadError::Io)?;
    N::load(&bytes).map_err(ReadError::Load)
}

/// Reads a model file's bytes from `reader`, never more than its header
/// declares (at most the format's 4 GiB limit) plus one byte: a stream that
/// does not start with the magic costs 24 bytes, an endless one stops. The
/// bytes are not checked; [`ModelView::parse`](nn_format::ModelView::parse)
/// reports what is wrong (a wrong magic, `Truncated`, or `TrailingBytes`
/// with one byte past the declared length).
///
/// ```
/// use nn_format::{LoadError, ModelView};
/// use nn_std::io::model_file::read_model;
/// let bytes = read_model(std::io::repeat(0)).unwrap(); // endless zeros
/// assert_eq!(bytes.len(), 24);
/// assert_eq!(ModelView::parse(&bytes).unwrap_err(), LoadError::BadMagic);
/// ```
pub fn read_model(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut reader = reader;
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(HEADER_LEN as u64)
        .read_to_end(&mut bytes)?;
    if bytes.len() == HEADER_LEN && bytes.starts_with(&MAGIC) {
        let declared = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        let rest = u64::from(declared).saturating_sub(HEADER_LEN as u64) + 1;
        reader.take(rest).read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}
