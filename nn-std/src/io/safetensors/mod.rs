//! PyTorch interoperability through the `safetensors` format: load a
//! `state_dict` into a typed network, and export a network so that
//! `torch.nn.Module.load_state_dict(safetensors.torch.load_file(...))` takes it.
//!
//! Tensors map to the network's parameters ([`Params`] order) in one of
//! three ways ([`Mapping`]): by `torch.nn.Sequential` names (`"0.weight"`,
//! `"0.bias"`, `"2.weight"`, ... where the number is the layer's position,
//! activations included), by the names' natural order, or by explicit names.
//! A weight is `[out][in]` in both libraries, so values copy straight across.
//!
//! ```
//! use nn_core::{seq, Dense, Relu, Seq};
//! use nn_std::io::safetensors::{export_safetensors, import_safetensors, Mapping};
//! type Net = Seq![Dense<f32, 2, 3>, Relu, Dense<f32, 3, 1>];
//! let mut net = Net::default();
//! net.first.bias = [1.0, 2.0, 3.0];
//! let bytes = export_safetensors(&net).unwrap(); // tensors 0.weight, 0.bias, 2.weight, 2.bias
//! let back: Net = import_safetensors(&bytes, &Mapping::Sequential).unwrap();
//! assert_eq!(back, net);
//! ```

mod header;

use std::borrow::Cow;
use std::fmt;

use nn_core::Params;
use nn_format::{FileScalar, LayerDesc, LayerKind, LoadError, ModelView, Saveable, ScalarType};
use safetensors::tensor::{Dtype, SafeTensorError, SafeTensors, TensorView, View};

/// How tensors in a file are matched to the network's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapping {
    /// `torch.nn.Sequential` names: `"{i}.weight"` and `"{i}.bias"` for the
    /// layer at position `i` (activations count as positions), and
    /// `"{i}.weight"` for a PReLU's `a`. Every tensor of the file must be used.
    Sequential,
    /// The file's tensors in `state_dict` order, assigned to the parameters
    /// in order: sorted by module path (the name before its last `.`) in
    /// natural order (digit runs compare as numbers, so `"10.weight"` follows
    /// `"2.bias"`), and within a module `weight` before `bias` before any other
    /// name, as PyTorch registers them. The counts must agree.
    Order,
    /// One explicit tensor name per parameter tensor, in [`Params`] order.
    /// Other tensors in the file are ignored.
    Names(Vec<String>),
}

/// Why a safetensors file could not be imported or a network exported.
#[derive(Debug)]
#[non_exhaustive]
pub enum SafetensorsError {
    /// The bytes are not a valid safetensors file.
    Format(SafeTensorError),
    /// A parameter's tensor is not in the file.
    Missing {
        /// Tensor name looked for.
        name: String,
    },
    /// A tensor has another shape than the parameter.
    Shape {
        /// Tensor name.
        name: String,
        /// The parameter's shape.
        expected: Vec<usize>,
        /// The tensor's shape.
        found: Vec<usize>,
    },
    /// A tensor has another element type than the network's scalar.
    Dtype {
        /// Tensor name.
        name: String,
        /// The network's (`F32` or `F64`).
        expected: Dtype,
        /// The tensor's.
        found: Dtype,
    },
    /// The model file to export is invalid.
    Model(LoadError),
    /// The network could not be serialized.
    Save(String),
    /// The file names a tensor twice (JSON keys that are equal after
    /// unescaping; the first repeated one).
    Duplicate {
        /// Tensor name.
        name: String,
    },
    /// A tensor in the file matches no parameter ([`Mapping::Sequential`]);
    /// the first such tensor in file order.
    Unexpected {
        /// Tensor name.
        name: String,
    },
    /// The file has another number of tensors than the network has
    /// parameter tensors ([`Mapping::Order`]), or [`Mapping::Names`] lists
    /// another number of names.
    Count {
        /// Parameter tensors of the network.
        expected: usize,
        /// Tensors (or names) given.
        found: usize,
    },
}

impl fmt::Display for SafetensorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SafetensorsError::Format(e) => write!(f, "invalid safetensors file: {e}"),
            SafetensorsError::Missing { name } => write!(f, "missing tensor {name:?}"),
            SafetensorsError::Shape {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor {name:?}: expected shape {expected:?}, found {found:?}"
            ),
            SafetensorsError::Dtype {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor {name:?}: expected dtype {expected:?}, found {found:?}"
            ),
            SafetensorsError::Model(e) => write!(f, "invalid model file: {e}"),
            SafetensorsError::Save(e) => write!(f, "{e}"),
            SafetensorsError::Duplicate { name } => {
                write!(f, "tensor {name:?} appears more than once in the file")
            }
            SafetensorsError::Unexpected { name } => {
                write!(f, "tensor {name:?} matches no parameter of the network")
            }
            SafetensorsError::Count { expected, found } => write!(
                f,
                "the network has {expected} parameter tensors, but {found} were given"
            ),
        }
    }
}

impl std::error::Error for SafetensorsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SafetensorsError::Format(e) => Some(e),
            SafetensorsError::Model(e) => Some(e),
            _ => None,
        }
    }
}

/// One parameter tensor of a network as PyTorch names and shapes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    /// `torch.nn.Sequential` name, e.g. `"0.weight"`.
    pub name: String,
    /// Shape, e.g. `[out, in]` for a weight.
    pub shape: Vec<usize>,
}

/// The parameter tensors of one stored layer (position `index`), with
/// `torch.nn.Sequential` names and shapes; hyper-parameters (leaky slope, ELU
/// alpha) are not tensors.
fn layer_specs(index: usize, desc: &LayerDesc) -> Vec<TensorSpec> {
    let [a, b, c] = desc.dims.map(|d| d as usize);
    let spec = |suffix: &str, shape: Vec<usize>| TensorSpec {
        name: format!("{index}.{suffix}"),
        shape,
    };
    match desc.kind {
        LayerKind::Dense => vec![spec("weight", vec![b, a]), spec("bias", vec![b])],
        LayerKind::Maxout => vec![spec("weight", vec![b * c, a]), spec("bias", vec![b * c])],
        // A learnable scalar (PReLU's `a`) is PyTorch's one-element `weight`.
        kind if kind.scalar_name().is_some() && !kind.has_hyper_parameter() => {
            vec![spec("weight", vec![1])]
        }
        _ => Vec::new(),
    }
}

/// The parameter tensors of `net`, in [`Params`] order, with their
/// `torch.nn.Sequential` names and shapes.
pub fn tensor_specs<F: FileScalar, N: Saveable<F>>(net: &N) -> Vec<TensorSpec> {
    let mut specs = Vec::new();
    let mut index = 0usize;
    net.visit_layers(0, &mut |rec| {
        specs.extend(layer_specs(index, &rec.desc));
        index += 1;
    });
    specs
}

fn dtype_of<F: FileScalar>() -> Dtype {
    match F::TYPE {
        ScalarType::F32 => Dtype::F32,
        ScalarType::F64 => Dtype::F64,
    }
}

/// Sort key of a tensor name for [`Mapping::Order`].
fn order_key(name: &str) -> (Vec<(String, u128)>, u8, String) {
    let (module, leaf) = name.rsplit_once('.').unwrap_or(("", name));
    let rank = match leaf {
        "weight" => 0,
        "bias" => 1,
        _ => 2,
    };
    (natural_key(module), rank, leaf.to_string())
}

/// Splits a name into text and number runs for natural ordering.
fn natural_key(name: &str) -> Vec<(String, u128)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n: u128 = 0;
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u128::from(d as u8 - b'0'));
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
            chars.next();
        }
    }
    key.push((text, u128::MAX));
    key
}

/// Copies a tensor into a parameter slice after checking dtype and shape.
fn copy_tensor<F: FileScalar>(
    name: &str,
    view: &TensorView<'_>,
    shape: &[usize],
    out: &mut [F],
) -> Result<(), SafetensorsError> {
    if view.dtype() != dtype_of::<F>() {
        return Err(SafetensorsError::Dtype {
            name: name.into(),
            expected: dtype_of::<F>(),
            found: view.dtype(),
        });
    }
    // PyTorch's PReLU stores a [1] tensor; a scalar [] is accepted for it too.
    let same = view.shape() == shape || (shape == [1] && view.shape().is_empty());
    if !same || view.data().len() != out.len() * F::BYTES {
        return Err(SafetensorsError::Shape {
            name: name.into(),
            expected: shape.to_vec(),
            found: view.shape().to_vec(),
        });
    }
    for (o, chunk) in out.iter_mut().zip(view.data().chunks_exact(F::BYTES)) {
        *o = F::from_le(chunk).unwrap_or(F::NAN);
    }
    Ok(())
}

/// Fills `net`'s parameters from a safetensors file. On error, `net` may be
/// partly overwritten.
pub fn import_into<F: FileScalar, N: Saveable<F> + Params<F>>(
    net: &mut N,
    bytes: &[u8],
    mapping: &Mapping,
) -> Result<(), SafetensorsError> {
    let file = SafeTensors::deserialize(bytes).map_err(SafetensorsError::Format)?;
    let in_file = header::tensor_names(bytes).map_err(|e| match e {
        Some(name) => SafetensorsError::Duplicate { name },
        None => SafetensorsError::Format(SafeTensorError::InvalidHeaderStart),
    })?;
    let specs = tensor_specs(net);
    let names: Vec<String> = match mapping {
        Mapping::Sequential => {
            if let Some(extra) = in_file
                .into_iter()
                .find(|n| !specs.iter().any(|s| s.name == *n))
            {
                return Err(SafetensorsError::Unexpected { name: extra });
            }
            specs.iter().map(|s| s.name.clone()).collect()
        }
        Mapping::Order => {
            let mut names = in_file;
            names.sort_by_cached_key(|n| order_key(n));
            names
        }
        Mapping::Names(names) => names.clone(),
    };
    if names.len() != specs.len() {
        return Err(SafetensorsError::Count {
            expected: specs.len(),
            found: names.len(),
        });
    }
    for ((p, spec), name) in net.params_mut().zip(&specs).zip(&names) {
        let view = file
            .tensor(name)
            .map_err(|_| SafetensorsError::Missing { name: name.clone() })?;
        copy_tensor(name, &view, &spec.shape, p.values)?;
    }
    Ok(())
}

/// A new network of type `N` with its parameters from a safetensors file.
pub fn import_safetensors<F: FileScalar, N: Saveable<F> + Params<F> + Default>(
    bytes: &[u8],
    mapping: &Mapping,
) -> Result<N, SafetensorsError> {
    let mut net = N::default();
    import_into(&mut net, bytes, mapping)?;
    Ok(net)
}

struct Tensor {
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl View for &Tensor {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// The parameters stored in a model file (`docs/FORMAT.md`) as a
/// safetensors file with `torch.nn.Sequential` names (see [`tensor_specs`]),
/// loadable by `load_state_dict` of the matching PyTorch `Sequential`.
pub fn model_file_to_safetensors(bytes: &[u8]) -> Result<Vec<u8>, SafetensorsError> {
    let view = ModelView::parse(bytes).map_err(SafetensorsError::Model)?;
    let dtype = match view.scalar_type() {
        ScalarType::F32 => Dtype::F32,
        ScalarType::F64 => Dtype::F64,
    };
    let size = view.scalar_type().bytes();
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    for layer in view.layers() {
        let mut raw = layer.raw_values();
        for spec in layer_specs(layer.index, &layer.desc) {
            let n = spec.shape.iter().product::<usize>() * size;
            let (data, rest) = raw.split_at(n.min(raw.len()));
            raw = rest;
            let t = Tensor {
                dtype,
                shape: spec.shape,
                data: data.to_vec(),
            };
            tensors.push((spec.name, t));
        }
    }
    let metadata = [("format".to_string(), "pt".to_string())]
        .into_iter()
        .collect();
    safetensors::serialize(tensors.iter().map(|(n, t)| (n.as_str(), t)), Some(metadata))
        .map_err(SafetensorsError::Format)
}

/// `net`'s parameters as a safetensors file with `torch.nn.Sequential` names
/// (see [`tensor_specs`]), loadable by `load_state_dict` of the matching
/// PyTorch `Sequential`.
pub fn export_safetensors<F: FileScalar, N: Saveable<F>>(
    net: &N,
) -> Result<Vec<u8>, SafetensorsError> {
    let bytes =
        crate::io::model_file::save(net).map_err(|e| SafetensorsError::Save(e.to_string()))?;
    model_file_to_safetensors(&bytes)
}
