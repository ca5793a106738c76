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
mod runtime;

pub use inspect::inspect;
pub use runtime::{RuntimeLoadError, load_runtime, runtime_from_view, save_runtime};

use std::fmt;
use std::path::{Path, PathBuf};

use nn_core::format::{
    FileScalar, LoadError, Loadable, Saveable, WriteError, encoded_len, write_model,
};

pub use nn_core::format::ScalerParts;

/// Why a network could not be saved.
#[derive(Debug)]
#[non_exhaustive]
pub enum SaveError {
    /// The file would exceed 4 GiB or 2³² layers.
    TooLarge,
    /// The scaler's `offset` and `factor` differ in length or are empty.
    ScalerLength {
        /// Length of `offset`.
        offset: usize,
        /// Length of `factor`.
        factor: usize,
    },
    /// A runtime network's layer has no form in the file format (a `Maxout`
    /// that does not follow a `Dense` layer).
    Unrepresentable {
        /// Index of the runtime layer.
        layer: usize,
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
            SaveError::ScalerLength { offset, factor } => write!(
                f,
                "scaler offset has {offset} values and factor {factor}; they must be equal and non-zero"
            ),
            SaveError::Unrepresentable { layer } => write!(
                f,
                "layer {layer}: a maxout that does not follow a dense layer cannot be stored"
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

/// Serializes `net` (without a scaler) into a model file.
pub fn save<F: FileScalar, N: Saveable<F>>(net: &N) -> Result<Vec<u8>, SaveError> {
    save_with_scaler(net, None)
}

/// Serializes `net` and an optional fitted input scaler into a model file.
///
/// Uses nn-core's allocation-free [`write_model`]; the result is parsed back
/// before it is returned, so a file this function returns always loads.
pub fn save_with_scaler<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
) -> Result<Vec<u8>, SaveError> {
    let len = encoded_len(net, scaler).map_err(SaveError::from)?;
    let mut out = vec![0u8; len];
    let n = write_model(net, scaler, &mut out).map_err(SaveError::from)?;
    debug_assert_eq!(n, len);
    Ok(out)
}

impl From<WriteError> for SaveError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::ScalerLength { offset, factor } => {
                SaveError::ScalerLength { offset, factor }
            }
            WriteError::Invalid(e) => SaveError::Invalid(e),
            // The buffer is sized by `encoded_len`; any other error means too large.
            _ => SaveError::TooLarge,
        }
    }
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

/// Paths written by [`write_model_files`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelPaths {
    /// The model file (`model.bin`).
    pub bin: PathBuf,
    /// The Rust source for flash (`model.rs`).
    pub rs: PathBuf,
}

/// Writes a trained network and its scaler into `dir` (created if missing)
/// as `model.bin` (the model file) and `model.rs` (its Rust source for
/// flash, with the default names `Net`, `MODEL` and `SCALER`).
///
/// ```
/// use nn_core::{Dense, Relu, Seq, Standardize};
/// use nn_core::format::FileScaler;
/// use nn_std::model_file::write_model_files;
/// type Net = Seq![Dense<f32, 2, 3>, Relu, Dense<f32, 3, 1>];
/// let scaler = Standardize::<f32, 2>::fit(&[[1.0, 2.0], [3.0, 6.0]]).unwrap();
/// let dir = std::env::temp_dir().join(format!("nn-doc-{}", std::process::id()));
/// let paths = write_model_files(&dir, &Net::default(), Some(scaler.parts())).unwrap();
/// assert!(std::fs::read_to_string(&paths.rs).unwrap().contains("pub static SCALER"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_model_files<F: FileScalar, N: Saveable<F>>(
    dir: impl AsRef<Path>,
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
) -> Result<ModelPaths, SaveError> {
    let dir = dir.as_ref();
    let bytes = save_with_scaler(net, scaler)?;
    let src = crate::export_rs::export_rs(&bytes, &crate::export_rs::ExportOptions::default())
        .map_err(|e| match e {
            crate::export_rs::ExportError::Load(e) => SaveError::Invalid(e),
            _ => SaveError::TooLarge,
        })?;
    std::fs::create_dir_all(dir).map_err(SaveError::Io)?;
    let paths = ModelPaths {
        bin: dir.join("model.bin"),
        rs: dir.join("model.rs"),
    };
    std::fs::write(&paths.bin, bytes).map_err(SaveError::Io)?;
    std::fs::write(&paths.rs, src).map_err(SaveError::Io)?;
    Ok(paths)
}
