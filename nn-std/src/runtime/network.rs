//! The runtime-shaped network: layers in a `Vec`, sizes checked when built.

use nn_core::kernels::{
    dense_backward_batch, dense_forward_batch, elementwise_backward, elementwise_forward,
    log_softmax_backward, log_softmax_forward, maxout_backward, maxout_forward, prelu_grad_slope,
    softmax_backward, softmax_forward,
};
use nn_core::{Float, Param, ParamKind, ParamMut, Params};

use super::{LayerSpec, NetworkError};

/// A network whose shape is known only at run time (for example read from a
/// file), built from nn-core's shared slice kernels, so it computes exactly
/// what the typed const-generic layers compute for the same weights.
///
/// Data is a batch of samples stored row-major in one flat slice: `x` of a
/// batch of `B` samples has `B·inputs()` values. Like the typed layers, a
/// network is its own gradient type: [`backward`](Network::backward)
/// accumulates into a network of the same architecture (see
/// [`Params::zeroed`]), and optimizers walk both through [`Params`].
///
/// The seed course's worked example (no bias, identity activation):
///
/// ```
/// use nn_core::Params;
/// use nn_std::runtime::{LayerSpec, Network};
///
/// let mut net = Network::new(
///     2,
///     &[LayerSpec::Dense { outputs: 2 }, LayerSpec::Identity, LayerSpec::Dense { outputs: 1 }],
/// )?;
/// net.set_param(0, &[1.0, 1.0, 1.0, -1.0])?; // hidden weight [[1, 1], [1, -1]]
/// net.set_param(2, &[1.0, -1.0])?; // output weight [[1, -1]]
///
/// let cache = net.forward_train(&[40.0, 0.0])?;
/// assert_eq!(cache.layer_output(0), &[40.0, 40.0]);
/// assert_eq!(cache.output(), &[0.0]);
///
/// // MSE against the target 1: dL/dy = 2(y - 1) = -2.
/// let mut grads = net.zeroed();
/// let dx = net.backward(&cache, &[-2.0], &mut grads)?;
/// assert_eq!(dx, [0.0, -4.0]);
/// assert_eq!(grads.param(0), Some(&[-80.0, 0.0, 80.0, 0.0][..]));
/// assert_eq!(grads.param(2), Some(&[-80.0, -80.0][..]));
/// # Ok::<(), nn_std::runtime::NetworkError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Network<F> {
    inputs: usize,
    layers: Vec<Layer<F>>,
}

/// One layer with its widths and parameter tensors.
#[derive(Clone, Debug, PartialEq)]
struct Layer<F> {
    spec: LayerSpec<F>,
    inputs: usize,
    outputs: usize,
    tensors: Vec<Tensor<F>>,
}

/// One parameter tensor.
#[derive(Clone, Debug, PartialEq)]
struct Tensor<F> {
    values: Vec<F>,
    kind: ParamKind,
}

/// What [`Network::forward_train`] keeps for [`Network::backward`]: the input
/// and the output of every layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Cache<F> {
    batch: usize,
    /// `values[i]` is the input of layer `i`; the last is the network output.
    values: Vec<Vec<F>>,
}

impl<F> Cache<F> {
    /// Number of samples in the batch.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The batch the network was given.
    pub fn input(&self) -> &[F] {
        &self.values[0]
    }

    /// The output of layer `layer` (`[batch][width]`, row-major); empty when
    /// there is no such layer.
    pub fn layer_output(&self, layer: usize) -> &[F] {
        layer
            .checked_add(1)
            .and_then(|i| self.values.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// The network's output.
    pub fn output(&self) -> &[F] {
        self.values.last().map_or(&[], Vec::as_slice)
    }
}

impl<F: Float> Network<F> {
    /// A network with `inputs` values per sample and the given layers, every
    /// parameter zero except PReLU slopes, which start at their spec's `a`.
    ///
    /// Fails with a precise [`NetworkError`] when a width is zero, a maxout
    /// group size does not divide its input width, a dense weight's size
    /// overflows `usize`, or a hyper-parameter is not finite.
    pub fn new(inputs: usize, specs: &[LayerSpec<F>]) -> Result<Self, NetworkError> {
        if inputs == 0 {
            return Err(NetworkError::ZeroInputs);
        }
        let mut layers = Vec::with_capacity(specs.len());
        let mut width = inputs;
        for (index, &spec) in specs.iter().enumerate() {
            let layer = Layer::new(index, spec, width)?;
            width = layer.outputs;
            layers.push(layer);
        }
        Ok(Network { inputs, layers })
    }

    /// Values per input sample.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// Values per output sample.
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(self.inputs, |l| l.outputs)
    }

    /// Number of layers.
    pub fn num_layers(&self) -> usize {
        self.layers.len()
    }

    /// The layers' descriptions, in order.
    pub fn specs(&self) -> impl Iterator<Item = &LayerSpec<F>> {
        self.layers.iter().map(|l| &l.spec)
    }

    /// Values per sample that layer `layer` produces.
    pub fn layer_outputs(&self, layer: usize) -> Option<usize> {
        self.layers.get(layer).map(|l| l.outputs)
    }

    /// Number of parameter tensors (the length of [`Params::params`]).
    pub fn num_tensors(&self) -> usize {
        self.layers.iter().map(|l| l.tensors.len()).sum()
    }

    /// Parameter tensor `tensor` in [`Params`] order, if it exists.
    pub fn param(&self, tensor: usize) -> Option<&[F]> {
        self.tensors().nth(tensor).map(|t| t.values.as_slice())
    }

    /// Overwrites parameter tensor `tensor` (in [`Params`] order: each dense
    /// layer's weight `[outputs][inputs]` then bias, each PReLU's slope).
    pub fn set_param(&mut self, tensor: usize, values: &[F]) -> Result<(), NetworkError> {
        let count = self.num_tensors();
        let t = self
            .layers
            .iter_mut()
            .flat_map(|l| l.tensors.iter_mut())
            .nth(tensor)
            .ok_or(NetworkError::NoSuchParam { tensor, count })?;
        if t.values.len() != values.len() {
            return Err(NetworkError::ParamLength {
                tensor,
                expected: t.values.len(),
                found: values.len(),
            });
        }
        t.values.copy_from_slice(values);
        Ok(())
    }

    /// Inference on a batch: `x` holds `B·inputs()` values, the result
    /// `B·outputs()`.
    pub fn forward(&self, x: &[F]) -> Result<Vec<F>, NetworkError> {
        let batch = self.batch_of(x)?;
        let mut current = x.to_vec();
        for (index, layer) in self.layers.iter().enumerate() {
            let len =
                batch_len(batch, layer.outputs).ok_or(NetworkError::TooLarge { layer: index })?;
            let mut next = vec![F::ZERO; len];
            layer.forward(&current, &mut next);
            current = next;
        }
        Ok(current)
    }

    /// Forward pass that keeps every layer's output for
    /// [`backward`](Network::backward).
    pub fn forward_train(&self, x: &[F]) -> Result<Cache<F>, NetworkError> {
        let batch = self.batch_of(x)?;
        let mut values = Vec::with_capacity(self.layers.len() + 1);
        values.push(x.to_vec());
        for (index, layer) in self.layers.iter().enumerate() {
            let len =
                batch_len(batch, layer.outputs).ok_or(NetworkError::TooLarge { layer: index })?;
            let mut next = vec![F::ZERO; len];
            layer.forward(values.last().map_or(&[], Vec::as_slice), &mut next);
            values.push(next);
        }
        Ok(Cache { batch, values })
    }

    /// Backward pass over the batch of `cache`: adds the parameter gradients
    /// (summed over the batch) to `grads` and returns `dL/dx`, given
    /// `dy = dL/d(output)`.
    pub fn backward(
        &self,
        cache: &Cache<F>,
        dy: &[F],
        grads: &mut Self,
    ) -> Result<Vec<F>, NetworkError> {
        let mut all = self.backward_all(cache, dy, grads)?;
        Ok(all.swap_remove(0))
    }

    /// Like [`backward`](Network::backward), but returns the gradient with
    /// respect to every layer's input and output: entry `i` is
    /// `dL/d(input of layer i)`, entry `i + 1` is `dL/d(output of layer i)`,
    /// the last is `dy`.
    pub fn backward_all(
        &self,
        cache: &Cache<F>,
        dy: &[F],
        grads: &mut Self,
    ) -> Result<Vec<Vec<F>>, NetworkError> {
        if !self.same_architecture(grads) || !self.owns(cache) {
            return Err(NetworkError::ArchitectureMismatch);
        }
        // `owns` checked that the cache holds `batch·outputs()` output values.
        let expected = cache.output().len();
        if dy.len() != expected {
            return Err(NetworkError::LengthMismatch {
                what: "dy",
                expected,
                found: dy.len(),
            });
        }
        let n = self.layers.len();
        let mut out = vec![Vec::new(); n + 1];
        out[n] = dy.to_vec();
        for (i, (layer, glayer)) in self.layers.iter().zip(&mut grads.layers).enumerate().rev() {
            // The cache holds this layer's input, `batch·inputs` values.
            let mut dx = vec![F::ZERO; cache.values[i].len()];
            layer.backward(
                &cache.values[i],
                &cache.values[i + 1],
                &out[i + 1],
                &mut glayer.tensors,
                &mut dx,
            );
            out[i] = dx;
        }
        Ok(out)
    }

    /// Number of samples in `x`, or an error when its length is not a
    /// multiple of the input width.
    fn batch_of(&self, x: &[F]) -> Result<usize, NetworkError> {
        if !x.len().is_multiple_of(self.inputs) {
            return Err(NetworkError::BatchLength {
                width: self.inputs,
                found: x.len(),
            });
        }
        Ok(x.len() / self.inputs)
    }

    fn same_architecture(&self, other: &Self) -> bool {
        self.inputs == other.inputs
            && self.layers.len() == other.layers.len()
            && self.layers.iter().zip(&other.layers).all(|(a, b)| {
                a.outputs == b.outputs
                    && a.tensors.len() == b.tensors.len()
                    && a.tensors
                        .iter()
                        .zip(&b.tensors)
                        .all(|(s, t)| s.values.len() == t.values.len())
            })
    }

    fn owns(&self, cache: &Cache<F>) -> bool {
        cache.values.len() == self.layers.len() + 1
            && batch_len(cache.batch, self.inputs) == Some(cache.values[0].len())
            && self
                .layers
                .iter()
                .zip(&cache.values[1..])
                .all(|(l, v)| batch_len(cache.batch, l.outputs) == Some(v.len()))
    }

    fn tensors(&self) -> impl Iterator<Item = &Tensor<F>> {
        self.layers.iter().flat_map(|l| l.tensors.iter())
    }
}

/// Values in a batch of `batch` samples of `width` values each, or `None`
/// instead of a wrapped product when that overflows `usize` (on a 32-bit
/// target a batch of 2^16 samples of 2^16 values already does).
fn batch_len(batch: usize, width: usize) -> Option<usize> {
    batch.checked_mul(width)
}

impl<F: Float> Params<F> for Network<F> {
    fn params(&self) -> impl Iterator<Item = Param<'_, F>> {
        self.tensors().map(|t| Param {
            values: &t.values,
            kind: t.kind,
        })
    }

    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, F>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.tensors.iter_mut())
            .map(|t| ParamMut {
                values: &mut t.values,
                kind: t.kind,
            })
    }
}

/// Runs `$body` with `$a` bound to the nn-core element-wise activation that
/// `$spec` names, or evaluates `$other` for any other layer.
macro_rules! with_elementwise {
    ($spec:expr, |$a:ident| $body:expr, $other:expr) => {
        match $spec {
            LayerSpec::Identity => {
                let $a = &nn_core::Identity;
                $body
            }
            LayerSpec::Relu => {
                let $a = &nn_core::Relu;
                $body
            }
            LayerSpec::Sigmoid => {
                let $a = &nn_core::Sigmoid;
                $body
            }
            LayerSpec::Tanh => {
                let $a = &nn_core::Tanh;
                $body
            }
            LayerSpec::LeakyRelu { slope } => {
                let $a = &nn_core::LeakyRelu::new(slope);
                $body
            }
            LayerSpec::Elu { alpha } => {
                let $a = &nn_core::Elu::new(alpha);
                $body
            }
            _ => $other,
        }
    };
}

impl<F: Float> Layer<F> {
    fn new(index: usize, spec: LayerSpec<F>, inputs: usize) -> Result<Self, NetworkError> {
        let finite = |name, v: F| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(NetworkError::NonFiniteHyperparameter { layer: index, name })
            }
        };
        let (outputs, tensors) = match spec {
            LayerSpec::Dense { outputs } => {
                if outputs == 0 {
                    return Err(NetworkError::ZeroOutputs { layer: index });
                }
                let size = inputs
                    .checked_mul(outputs)
                    .ok_or(NetworkError::TooLarge { layer: index })?;
                let weight = Tensor {
                    values: vec![F::ZERO; size],
                    kind: ParamKind::Weight {
                        fan_in: inputs,
                        fan_out: outputs,
                    },
                };
                let bias = Tensor {
                    values: vec![F::ZERO; outputs],
                    kind: ParamKind::Bias { fan_in: inputs },
                };
                (outputs, vec![weight, bias])
            }
            LayerSpec::Maxout { k } => {
                if k == 0 || !inputs.is_multiple_of(k) {
                    return Err(NetworkError::MaxoutGroups {
                        layer: index,
                        width: inputs,
                        k,
                    });
                }
                (inputs / k, Vec::new())
            }
            LayerSpec::LeakyRelu { slope } => {
                finite("slope", slope)?;
                (inputs, Vec::new())
            }
            LayerSpec::Elu { alpha } => {
                finite("alpha", alpha)?;
                (inputs, Vec::new())
            }
            LayerSpec::Prelu { a } => {
                finite("a", a)?;
                let slope = Tensor {
                    values: vec![a],
                    kind: ParamKind::Other,
                };
                (inputs, vec![slope])
            }
            LayerSpec::Identity
            | LayerSpec::Relu
            | LayerSpec::Sigmoid
            | LayerSpec::Tanh
            | LayerSpec::Softmax
            | LayerSpec::LogSoftmax => (inputs, Vec::new()),
        };
        Ok(Layer {
            spec,
            inputs,
            outputs,
            tensors,
        })
    }

    /// `y = layer(x)` on a batch; sizes were checked by the network.
    fn forward(&self, x: &[F], y: &mut [F]) {
        with_elementwise!(self.spec, |act| elementwise_forward(act, x, y), {
            match self.spec {
                LayerSpec::Dense { .. } => {
                    dense_forward_batch(&self.tensors[0].values, &self.tensors[1].values, x, y)
                }
                LayerSpec::Prelu { .. } => elementwise_forward(&self.prelu(), x, y),
                LayerSpec::Softmax => self.rows(x, y, softmax_forward),
                LayerSpec::LogSoftmax => self.rows(x, y, log_softmax_forward),
                LayerSpec::Maxout { k } => {
                    maxout_forward(x, k, y, &mut vec![0; y.len()]);
                }
                // Handled by `with_elementwise!`.
                LayerSpec::Identity
                | LayerSpec::Relu
                | LayerSpec::Sigmoid
                | LayerSpec::Tanh
                | LayerSpec::LeakyRelu { .. }
                | LayerSpec::Elu { .. } => {}
            }
        })
    }

    /// The PReLU this layer is (its slope is its one tensor).
    fn prelu(&self) -> nn_core::Prelu<F> {
        nn_core::Prelu::new(
            self.tensors
                .first()
                .and_then(|t| t.values.first())
                .copied()
                .unwrap_or(F::ZERO),
        )
    }

    /// Applies a row kernel to every sample of the batch.
    fn rows(&self, x: &[F], y: &mut [F], kernel: fn(&[F], &mut [F])) {
        for (xr, yr) in x
            .chunks_exact(self.inputs)
            .zip(y.chunks_exact_mut(self.outputs))
        {
            kernel(xr, yr);
        }
    }

    /// Applies a row backward kernel `(y, dy, dx)` to every sample.
    fn rows_backward(&self, y: &[F], dy: &[F], dx: &mut [F], kernel: fn(&[F], &[F], &mut [F])) {
        let w = self.outputs;
        for ((yr, dyr), dxr) in y
            .chunks_exact(w)
            .zip(dy.chunks_exact(w))
            .zip(dx.chunks_exact_mut(w))
        {
            kernel(yr, dyr, dxr);
        }
    }

    /// Writes `dx` and adds parameter gradients to `grads` (this layer's
    /// tensors in a network of the same architecture).
    fn backward(&self, x: &[F], y: &[F], dy: &[F], grads: &mut [Tensor<F>], dx: &mut [F]) {
        with_elementwise!(self.spec, |act| elementwise_backward(act, x, y, dy, dx), {
            match self.spec {
                LayerSpec::Dense { .. } => {
                    let (dw, db) = grads.split_at_mut(1);
                    dense_backward_batch(
                        &self.tensors[0].values,
                        x,
                        dy,
                        &mut dw[0].values,
                        &mut db[0].values,
                        dx,
                    )
                }
                LayerSpec::Prelu { .. } => {
                    elementwise_backward(&self.prelu(), x, y, dy, dx);
                    grads[0].values[0] += prelu_grad_slope(x, dy);
                }
                LayerSpec::Softmax => self.rows_backward(y, dy, dx, softmax_backward),
                LayerSpec::LogSoftmax => self.rows_backward(y, dy, dx, log_softmax_backward),
                LayerSpec::Maxout { k } => {
                    let mut argmax = vec![0; y.len()];
                    maxout_forward(x, k, &mut vec![F::ZERO; y.len()], &mut argmax);
                    maxout_backward(&argmax, k, dy, dx);
                }
                // Handled by `with_elementwise!`.
                LayerSpec::Identity
                | LayerSpec::Relu
                | LayerSpec::Sigmoid
                | LayerSpec::Tanh
                | LayerSpec::LeakyRelu { .. }
                | LayerSpec::Elu { .. } => {}
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nn_core::{
        Dense, Elu, LeakyRelu, LogSoftmax, Maxout, Module, Prelu, Relu, Seq, Sigmoid, Softmax,
        Tanh, seq,
    };

    type Typed<F> = Seq![
        Dense<F, 3, 5>,
        Tanh,
        Dense<F, 5, 4>,
        Prelu<F>,
        Maxout<F, 4, 3, 2>,
        Sigmoid,
        Dense<F, 3, 4>,
        Elu<F>,
        Dense<F, 4, 4>,
        LeakyRelu<F>,
        Dense<F, 4, 4>,
        Relu,
        Dense<F, 4, 3>,
        LogSoftmax,
        Softmax,
    ];

    fn specs<F: Float>() -> Vec<LayerSpec<F>> {
        vec![
            LayerSpec::Dense { outputs: 5 },
            LayerSpec::Tanh,
            LayerSpec::Dense { outputs: 4 },
            LayerSpec::Prelu {
                a: F::from_f64(0.2),
            },
            LayerSpec::Dense { outputs: 6 },
            LayerSpec::Maxout { k: 2 },
            LayerSpec::Sigmoid,
            LayerSpec::Dense { outputs: 4 },
            LayerSpec::Elu {
                alpha: F::from_f64(0.7),
            },
            LayerSpec::Dense { outputs: 4 },
            LayerSpec::LeakyRelu {
                slope: F::from_f64(0.05),
            },
            LayerSpec::Dense { outputs: 4 },
            LayerSpec::Relu,
            LayerSpec::Dense { outputs: 3 },
            LayerSpec::LogSoftmax,
            LayerSpec::Softmax,
        ]
    }

    /// A deterministic spread of values in about [-1.5, 1.5].
    fn values<F: Float>(seed: usize, n: usize) -> impl Iterator<Item = F> {
        (0..n).map(move |i| F::from_f64((((i * 37 + seed * 101) % 61) as f64 - 30.0) / 20.0))
    }

    fn typed<F: Float>() -> Typed<F> {
        let mut net: Typed<F> = seq![
            Dense::zeros(),
            Tanh,
            Dense::zeros(),
            Prelu::new(F::from_f64(0.2)),
            Maxout::zeros(),
            Sigmoid,
            Dense::zeros(),
            Elu::new(F::from_f64(0.7)),
            Dense::zeros(),
            LeakyRelu::new(F::from_f64(0.05)),
            Dense::zeros(),
            Relu,
            Dense::zeros(),
            LogSoftmax,
            Softmax,
        ];
        for (t, p) in net.params_mut().enumerate() {
            if p.kind != ParamKind::Other {
                let n = p.values.len();
                p.values
                    .iter_mut()
                    .zip(values(t, n))
                    .for_each(|(v, x)| *v = x);
            }
        }
        net
    }

    fn bits<F: Float>(v: &[F]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits_u64()).collect()
    }

    fn runtime_equals_typed_bit_for_bit<F: Float>() {
        let typed = typed::<F>();
        let mut net = Network::<F>::new(3, &specs()).unwrap();
        assert_eq!(net.num_params(), typed.num_params());
        for (t, p) in typed.params().enumerate() {
            net.set_param(t, p.values).unwrap();
        }
        let kinds: Vec<ParamKind> = net.params().map(|p| p.kind).collect();
        let typed_kinds: Vec<ParamKind> = typed.params().map(|p| p.kind).collect();
        assert_eq!(kinds[..4], typed_kinds[..4]);

        let mut x = [[F::ZERO; 3]; 4];
        x.as_flattened_mut()
            .iter_mut()
            .zip(values(7, 12))
            .for_each(|(v, s)| *v = s);
        let mut dy = [[F::ZERO; 3]; 4];
        dy.as_flattened_mut()
            .iter_mut()
            .zip(values(3, 12))
            .for_each(|(v, s)| *v = s);

        let (y_typed, cache_typed) = typed.forward_train(&x);
        let mut g_typed = typed.zeroed();
        let dx_typed: [[F; 3]; 4] = typed.backward(&x, &y_typed, &cache_typed, &dy, &mut g_typed);

        let cache = net.forward_train(x.as_flattened()).unwrap();
        assert_eq!(bits(cache.output()), bits(y_typed.as_flattened()));
        assert_eq!(
            bits(&net.forward(x.as_flattened()).unwrap()),
            bits(y_typed.as_flattened())
        );
        let mut g = net.zeroed();
        let dx = net.backward(&cache, dy.as_flattened(), &mut g).unwrap();
        assert_eq!(bits(&dx), bits(dx_typed.as_flattened()));
        for (a, b) in g.params().zip(g_typed.params()) {
            assert_eq!(bits(a.values), bits(b.values));
        }
        // The check is live: the gradients are not all zero.
        assert!(g.params().any(|p| p.values.iter().any(|v| *v != F::ZERO)));
        assert!(
            g.params()
                .nth(2)
                .is_some_and(|p| p.values.iter().all(|v| v.is_finite()))
        );
    }

    #[test]
    fn runtime_network_equals_typed_network_bit_for_bit_f64() {
        runtime_equals_typed_bit_for_bit::<f64>();
    }

    #[test]
    fn runtime_network_equals_typed_network_bit_for_bit_f32() {
        runtime_equals_typed_bit_for_bit::<f32>();
    }

    #[test]
    fn cache_accessors_past_the_end_are_empty() {
        let net = Network::<f64>::new(2, &[LayerSpec::Relu]).unwrap();
        let cache = net.forward_train(&[1.0, -1.0]).unwrap();
        assert_eq!(cache.layer_output(0), &[1.0, 0.0]);
        assert!(cache.layer_output(1).is_empty());
        assert!(cache.layer_output(usize::MAX).is_empty());
    }

    #[test]
    fn bad_shapes_are_precise_errors() {
        let dense = |outputs| LayerSpec::<f64>::Dense { outputs };
        assert_eq!(Network::new(0, &[dense(2)]), Err(NetworkError::ZeroInputs));
        assert_eq!(
            Network::new(2, &[dense(3), LayerSpec::Relu, dense(0)]),
            Err(NetworkError::ZeroOutputs { layer: 2 })
        );
        assert_eq!(
            Network::new(2, &[dense(5), LayerSpec::Maxout { k: 2 }]),
            Err(NetworkError::MaxoutGroups {
                layer: 1,
                width: 5,
                k: 2
            })
        );
        assert_eq!(
            Network::<f64>::new(2, &[LayerSpec::Maxout { k: 0 }]),
            Err(NetworkError::MaxoutGroups {
                layer: 0,
                width: 2,
                k: 0
            })
        );
        assert_eq!(
            Network::<f64>::new(2, &[dense(usize::MAX)]),
            Err(NetworkError::TooLarge { layer: 0 })
        );
        assert_eq!(
            Network::new(2, &[LayerSpec::Elu { alpha: f64::NAN }]),
            Err(NetworkError::NonFiniteHyperparameter {
                layer: 0,
                name: "alpha"
            })
        );

        let mut net = Network::new(2, &[dense(3), LayerSpec::Prelu { a: 0.25 }, dense(1)]).unwrap();
        assert_eq!(net.num_tensors(), 5);
        assert_eq!((net.inputs(), net.outputs(), net.num_layers()), (2, 1, 3));
        assert_eq!(
            net.set_param(0, &[1.0; 5]),
            Err(NetworkError::ParamLength {
                tensor: 0,
                expected: 6,
                found: 5
            })
        );
        assert_eq!(
            net.set_param(5, &[1.0]),
            Err(NetworkError::NoSuchParam {
                tensor: 5,
                count: 5
            })
        );
        assert_eq!(net.param(2), Some(&[0.25][..]));
        assert_eq!(
            net.forward(&[1.0, 2.0, 3.0]),
            Err(NetworkError::BatchLength { width: 2, found: 3 })
        );
        let cache = net.forward_train(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(cache.batch(), 2);
        let mut grads = net.zeroed();
        assert_eq!(
            net.backward(&cache, &[1.0], &mut grads),
            Err(NetworkError::LengthMismatch {
                what: "dy",
                expected: 2,
                found: 1
            })
        );
        let mut other = Network::new(2, &[dense(4), LayerSpec::Relu, dense(1)]).unwrap();
        assert_eq!(
            net.backward(&cache, &[1.0, 1.0], &mut other),
            Err(NetworkError::ArchitectureMismatch)
        );
        let foreign = other.forward_train(&[1.0, 2.0]).unwrap();
        assert_eq!(
            net.backward(&foreign, &[1.0], &mut grads),
            Err(NetworkError::ArchitectureMismatch)
        );
        // Every error explains itself.
        assert!(
            NetworkError::MaxoutGroups {
                layer: 1,
                width: 5,
                k: 2
            }
            .to_string()
            .contains("multiple of k")
        );
    }

    #[test]
    fn params_are_in_layer_order_with_kinds() {
        let net = Network::<f32>::new(
            3,
            &[
                LayerSpec::Dense { outputs: 2 },
                LayerSpec::Prelu { a: 0.1 },
                LayerSpec::Dense { outputs: 1 },
            ],
        )
        .unwrap();
        let kinds: Vec<ParamKind> = net.params().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParamKind::Weight {
                    fan_in: 3,
                    fan_out: 2
                },
                ParamKind::Bias { fan_in: 3 },
                ParamKind::Other,
                ParamKind::Weight {
                    fan_in: 2,
                    fan_out: 1
                },
                ParamKind::Bias { fan_in: 2 },
            ]
        );
        assert_eq!(net.num_params(), 6 + 2 + 1 + 2 + 1);
    }

    /// `Σ_j w_j·y_j` with fixed weights `w_j`: a scalar whose gradient with
    /// respect to the output is `w`.
    fn projection(j: usize) -> f64 {
        ((j * 37 + 5) % 23) as f64 / 11.0 - 1.0
    }

    fn projected(net: &Network<f64>, x: &[f64]) -> f64 {
        let y = net.forward(x).unwrap();
        y.iter().enumerate().map(|(j, v)| projection(j) * v).sum()
    }

    #[test]
    fn backward_matches_central_differences_for_every_layer_kind() {
        let h = 1e-6;
        let mut net = Network::<f64>::new(3, &specs()).unwrap();
        let n = net.num_tensors();
        for t in 0..n {
            let len = net.param(t).unwrap().len();
            // Smooth, irregular values keep pre-activations away from kinks and ties.
            let v: Vec<f64> = (0..len)
                .map(|i| {
                    if len == 1 {
                        0.2
                    } else {
                        Float::tanh(((i * 7 + t * 3) as f64).sin() * 1.3)
                    }
                })
                .collect();
            net.set_param(t, &v).unwrap();
        }
        let x: Vec<f64> = (0..12)
            .map(|i| Float::tanh((i as f64 * 1.7).cos() * 2.0))
            .collect();
        let cache = net.forward_train(&x).unwrap();
        let dy: Vec<f64> = (0..cache.output().len()).map(projection).collect();
        let mut grads = net.zeroed();
        let dx = net.backward(&cache, &dy, &mut grads).unwrap();

        let close = |analytic: f64, numeric: f64| {
            (analytic - numeric).abs() <= 1e-6 * analytic.abs().max(numeric.abs()).max(1e-3)
        };
        for i in 0..x.len() {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[i] += h;
            xm[i] -= h;
            let numeric = (projected(&net, &xp) - projected(&net, &xm)) / (2.0 * h);
            assert!(close(dx[i], numeric), "dx[{i}]: {} vs {numeric}", dx[i]);
        }
        let mut checked = 0;
        for t in 0..n {
            let values = net.param(t).unwrap().to_vec();
            for i in 0..values.len() {
                let mut shifted = values.clone();
                shifted[i] = values[i] + h;
                net.set_param(t, &shifted).unwrap();
                let plus = projected(&net, &x);
                shifted[i] = values[i] - h;
                net.set_param(t, &shifted).unwrap();
                let minus = projected(&net, &x);
                net.set_param(t, &values).unwrap();
                let analytic = grads.param(t).unwrap()[i];
                let numeric = (plus - minus) / (2.0 * h);
                assert!(
                    close(analytic, numeric),
                    "tensor {t}[{i}]: {analytic} vs {numeric}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, net.num_params());
    }

    /// The batch buffers are sized by a checked product: a batch whose
    /// values overflow `usize` (possible on a 32-bit target with a batch and
    /// a layer width of 2^16 each, both small enough to allocate) is refused
    /// instead of wrapping to a short buffer that the kernels would fill
    /// only partly.
    #[test]
    fn batch_sizes_that_overflow_are_refused() {
        assert_eq!(batch_len(3, 4), Some(12));
        assert_eq!(batch_len(usize::MAX, 2), None);
        let half = 1usize << (usize::BITS / 2);
        assert_eq!(batch_len(half, half), None);
        assert_eq!(batch_len(half - 1, half), Some((half - 1) * half));
    }
}
