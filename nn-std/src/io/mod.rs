//! Every file format of nn-std: model files ([`model_file`], format:
//! `docs/FORMAT.md`), their Rust source for flash ([`export_rs`](mod@export_rs)), PyTorch's
//! safetensors ([`safetensors`], feature `safetensors`, on by default) and a
//! human-readable summary ([`inspect()`]).
//!
//! [`write_model_files`] sits above the codecs: it writes a model file and
//! its Rust source side by side.

mod export_int8;
pub mod export_rs;
mod inspect;
pub mod model_file;
#[cfg(feature = "safetensors")]
pub mod safetensors;

pub use inspect::inspect;

use std::fmt;
use std::path::{Path, PathBuf};

use nn_format::{FileScalar, Saveable, ScalerParts};

use export_rs::{ExportError, ExportOptions, export_rs};
use model_file::{SaveError, save_with_scaler};

/// Paths written by [`write_model_files`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelPaths {
    /// The model file (`model.bin`).
    pub bin: PathBuf,
    /// The Rust source for flash (`model.rs`).
    pub rs: PathBuf,
}

/// Why [`write_model_files`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ModelFilesError {
    /// The network could not be serialized.
    Save(SaveError),
    /// The model has no Rust-source form.
    Export(ExportError),
    /// Creating the directory or writing a file failed.
    Io {
        /// The directory or file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
}

impl fmt::Display for ModelFilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelFilesError::Save(e) => write!(f, "{e}"),
            ModelFilesError::Export(e) => write!(f, "{e}"),
            ModelFilesError::Io { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for ModelFilesError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ModelFilesError::Save(e) => Some(e),
            ModelFilesError::Export(e) => Some(e),
            ModelFilesError::Io { error, .. } => Some(error),
        }
    }
}

/// Writes a trained network and its scaler into `dir` (created if missing)
/// as `model.bin` (the model file) and `model.rs` (its Rust source for
/// flash, with the default names `Net`, `MODEL` and `SCALER`). Nothing is
/// written unless both encode.
///
/// ```
/// use nn_core::{Dense, Relu, Seq, Standardize};
/// use nn_format::FileScaler;
/// use nn_std::io::write_model_files;
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
) -> Result<ModelPaths, ModelFilesError> {
    let dir = dir.as_ref();
    let bytes = save_with_scaler(net, scaler).map_err(ModelFilesError::Save)?;
    let src = export_rs(&bytes, &ExportOptions::default()).map_err(ModelFilesError::Export)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| ModelFilesError::Io { path, error }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let paths = ModelPaths {
        bin: dir.join("model.bin"),
        rs: dir.join("model.rs"),
    };
    std::fs::write(&paths.bin, bytes).map_err(io(&paths.bin))?;
    std::fs::write(&paths.rs, src).map_err(io(&paths.rs))?;
    Ok(paths)
}
