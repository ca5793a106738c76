//! A loaded network together with the input scaler it was trained behind.

use std::path::Path;

use nn_core::{Float, Module, Scaler, class_of};
use nn_format::{FileScalar, FileScaler, LoadError, Loadable};

use super::{ReadError, read_model};

/// A network and the fitted input scaler stored with it: [`forward`](Self::forward)
/// scales raw inputs exactly as training did, so a loaded model cannot be fed
/// unscaled inputs by mistake.
///
/// ```
/// use nn_core::{Dense, Module, Scaler, Standardize};
/// use nn_std::io::model_file::{FileScaler, Scaled, save_with_scaler};
/// let net = Dense::<f32, 2, 1>::from_parts([[1.0, -1.0]], [0.5]);
/// let scaler = Standardize::from_parts([10.0, 20.0], [0.5, 0.25]);
/// let bytes = save_with_scaler(&net, Some(scaler.parts()))?;
///
/// let model = Scaled::<Dense<f32, 2, 1>, Standardize<f32, 2>>::load(&bytes)?;
/// let raw = [12.0, 24.0];
/// assert_eq!(model.forward(&raw), net.forward(&scaler.apply(&raw))); // [1.5]
/// assert_eq!(model.predict_class(&raw), Some(1)); // one logit > 0
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scaled<N, S> {
    /// The network, fed scaled inputs.
    pub net: N,
    /// The input scaler fitted on the training data.
    pub scaler: S,
}

impl<N, S> Scaled<N, S> {
    /// Parses a model file's network and its stored scaler
    /// ([`LoadError::NoScaler`] if it has none).
    pub fn load<F: FileScalar>(bytes: &[u8]) -> Result<Self, LoadError>
    where
        N: Loadable<F> + Default,
        S: FileScaler<F>,
    {
        let (net, scaler) = N::load_with_scaler(bytes)?;
        Ok(Scaled { net, scaler })
    }

    /// The network's output for one raw (unscaled) sample.
    pub fn forward<F: Float, const I: usize>(&self, raw: &[F; I]) -> N::Output
    where
        N: Module<[F; I]>,
        S: Scaler<F, I>,
    {
        self.net.forward(&self.scaler.apply(raw))
    }

    /// The predicted class of one raw sample ([`class_of`] the output:
    /// the argmax, or `logit > 0` for one output; `None` for a NaN output).
    pub fn predict_class<F: Float, const I: usize, const C: usize>(
        &self,
        raw: &[F; I],
    ) -> Option<usize>
    where
        N: Module<[F; I], Output = [F; C]>,
        S: Scaler<F, I>,
    {
        class_of(&self.forward(raw))
    }
}

/// Loads the network and its input scaler from the file at `path` (read with
/// [`read_model`]): the way to load a model that was trained on scaled inputs
/// (the examples' jobs save theirs so).
pub fn load_scaled_file<F: FileScalar, N: Loadable<F> + Default, S: FileScaler<F>>(
    path: impl AsRef<Path>,
) -> Result<Scaled<N, S>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let bytes = read_model(file).map_err(ReadError::Io)?;
    Scaled::load(&bytes).map_err(ReadError::Load)
}
