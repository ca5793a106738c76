//! Model files for runtime-shaped networks ([`crate::runtime::Network`]),
//! whose architecture comes from the file instead of a Rust type.
//!
//! A file's `maxout(in, units, k)` layer is the runtime pair
//! `Dense { outputs: units·k }` + `Maxout { k }` (same weight layout), so
//! typed and runtime networks share one file format.

use std::fmt;

use nn_format::{
    FileScalar, LayerDesc, LayerKind, LayerRecord, LoadError, ModelView, Saveable, WriteError,
    read_scalar,
};

use super::{SaveError, ScalerParts, save_with_scaler};
use crate::runtime::{LayerSpec, Network, NetworkError};

/// Why a model file could not become a runtime network.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RuntimeLoadError {
    /// The file is invalid (or stores another scalar type).
    Load(LoadError),
    /// The file's layers do not form a valid runtime network.
    Network(NetworkError),
    /// No layer or scaler in the file fixes the input width.
    UnknownInputWidth,
}

impl fmt::Display for RuntimeLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeLoadError::Load(e) => write!(f, "invalid model file: {e}"),
            RuntimeLoadError::Network(e) => write!(f, "invalid network: {e}"),
            RuntimeLoadError::UnknownInputWidth => {
                f.write_str("the model file does not fix the network's input width")
            }
        }
    }
}

impl std::error::Error for RuntimeLoadError {}

impl From<LoadError> for RuntimeLoadError {
    fn from(e: LoadError) -> Self {
        RuntimeLoadError::Load(e)
    }
}

impl From<NetworkError> for RuntimeLoadError {
    fn from(e: NetworkError) -> Self {
        RuntimeLoadError::Network(e)
    }
}

/// Builds a runtime network from a parsed model file.
pub fn runtime_from_view<F: FileScalar>(
    view: &ModelView<'_>,
) -> Result<Network<F>, RuntimeLoadError> {
    view.expect_scalar::<F>()?;
    let inputs = view
        .input_width()
        .ok_or(RuntimeLoadError::UnknownInputWidth)? as usize;
    let mut specs = Vec::new();
    let mut tensors: Vec<Vec<F>> = Vec::new();
    for layer in view.layers() {
        let [_, b, c] = layer.desc.dims.map(|d| d as usize);
        let spec = match layer.desc.kind {
            LayerKind::Dense | LayerKind::Maxout => {
                let values: Vec<F> = layer.values::<F>()?.iter().collect();
                let rows = if layer.desc.kind == LayerKind::Dense {
                    b
                } else {
                    b * c
                };
                let (w, bias) = values.split_at(values.len() - rows);
                tensors.push(w.to_vec());
                tensors.push(bias.to_vec());
                specs.push(LayerSpec::Dense { outputs: rows });
                if layer.desc.kind == LayerKind::Dense {
                    continue;
                }
                LayerSpec::Maxout { k: c }
            }
            kind => {
                let scalar = match kind.scalar_name() {
                    Some(_) => Some(read_scalar(&layer)?),
                    None => None,
                };
                if let (Some(a), false) = (scalar, kind.has_hyper_parameter()) {
                    tensors.push(vec![a]); // a learnable scalar (PReLU's `a`)
                }
                LayerSpec::from_kind(kind, scalar)
                    .ok_or(LoadError::BadDescriptor { layer: layer.index })?
            }
        };
        specs.push(spec);
    }
    let mut net = Network::new(inputs, &specs)?;
    for (i, t) in tensors.iter().enumerate() {
        net.set_param(i, t)?;
    }
    Ok(net)
}

/// Parses a model file into a runtime network.
///
/// ```
/// use nn_core::{seq, Dense, Module, Relu};
/// use nn_std::io::model_file::{load_runtime, save};
/// let typed = seq![Dense::<f64, 2, 2>::from_parts([[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0]), Relu];
/// let net = load_runtime::<f64>(&save(&typed).unwrap()).unwrap();
/// assert_eq!(net.forward(&[1.0, 2.0]).unwrap(), typed.forward(&[1.0, 2.0]));
/// ```
pub fn load_runtime<F: FileScalar>(bytes: &[u8]) -> Result<Network<F>, RuntimeLoadError> {
    runtime_from_view(&ModelView::parse(bytes)?)
}

/// A runtime network's layers as the file describes them.
struct Described<F> {
    layers: Vec<(LayerDesc, Vec<F>)>,
}

impl<F: FileScalar> Saveable<F> for Described<F> {
    fn visit_layers<V: FnMut(LayerRecord<'_, F>)>(&self, width: u32, visit: &mut V) -> u32 {
        let mut w = width;
        for (desc, values) in &self.layers {
            visit(LayerRecord {
                desc: *desc,
                values: [values, &[]],
            });
            w = desc.output_width().unwrap_or(w);
        }
        w
    }
}

fn describe<F: FileScalar>(net: &Network<F>) -> Result<Described<F>, SaveError> {
    let specs: Vec<LayerSpec<F>> = net.specs().copied().collect();
    let u = |n: usize| u32::try_from(n).map_err(|_| SaveError::Write(WriteError::TooLarge));
    let mut layers = Vec::new();
    let mut width = net.inputs();
    let mut tensor = 0;
    let mut i = 0;
    let param = |t: usize| net.param(t).map(<[F]>::to_vec).unwrap_or_default();
    while i < specs.len() {
        let (desc, values) = match specs[i] {
            LayerSpec::Dense { outputs } => {
                let mut values = param(tensor);
                values.extend(param(tensor + 1));
                tensor += 2;
                match specs.get(i + 1) {
                    Some(&LayerSpec::Maxout { k }) if k > 0 && outputs % k == 0 => {
                        i += 1;
                        let d = LayerDesc::maxout(u(width)?, u(outputs / k)?, u(k)?);
                        width = outputs / k;
                        (d, values)
                    }
                    _ => {
                        let d = LayerDesc::dense(u(width)?, u(outputs)?);
                        width = outputs;
                        (d, values)
                    }
                }
            }
            LayerSpec::Maxout { .. } => return Err(SaveError::Unrepresentable { layer: i }),
            spec => {
                let kind = spec.kind();
                let values = match (kind.scalar_name(), kind.has_hyper_parameter()) {
                    (None, _) => Vec::new(),
                    (Some(_), true) => spec.scalar().into_iter().collect(),
                    (Some(_), false) => {
                        tensor += 1; // a learnable scalar: its current value
                        param(tensor - 1)
                    }
                };
                (LayerDesc::elementwise(kind, u(width)?), values)
            }
        };
        layers.push((desc, values));
        i += 1;
    }
    Ok(Described { layers })
}

/// Serializes a runtime network (and an optional scaler) into a model file.
///
/// A runtime `Maxout` must follow a `Dense` layer whose width it divides (the
/// pair is stored as one `maxout` layer); otherwise the result is
/// [`SaveError::Unrepresentable`].
pub fn save_runtime<F: FileScalar>(
    net: &Network<F>,
    scaler: Option<ScalerParts<'_, F>>,
) -> Result<Vec<u8>, SaveError> {
    save_with_scaler(&describe(net)?, scaler)
}
