//! What a runtime network is made of, without its parameter values.

use nn_format::LayerKind;

/// One layer of a runtime-shaped [`Network`](super::Network), described
/// without its parameter values.
///
/// Every layer works on a batch of samples stored row-major in one flat
/// slice. Only [`Dense`](LayerSpec::Dense) and [`Maxout`](LayerSpec::Maxout)
/// change the width; every other layer keeps it.
///
/// A maxout hidden layer is a dense layer with `units·k` outputs followed by
/// [`Maxout`](LayerSpec::Maxout); sizes that do not fit are refused:
///
/// ```
/// use nn_std::runtime::{LayerSpec, Network, NetworkError};
///
/// let spec = [LayerSpec::<f32>::Dense { outputs: 6 }, LayerSpec::Maxout { k: 3 }];
/// let net = Network::new(4, &spec)?;
/// assert_eq!((net.layer_outputs(0), net.outputs()), (Some(6), 2));
///
/// let bad = [LayerSpec::<f32>::Dense { outputs: 5 }, LayerSpec::Maxout { k: 3 }];
/// assert_eq!(
///     Network::new(4, &bad),
///     Err(NetworkError::MaxoutGroups { layer: 1, width: 5, k: 3 })
/// );
/// # Ok::<(), NetworkError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LayerSpec<F> {
    /// Fully connected `y = W x + b` with `W` stored `[outputs][inputs]`
    /// (PyTorch's `Linear` layout); parameters: weight, then bias.
    Dense {
        /// Outputs per sample.
        outputs: usize,
    },
    /// `f(x) = x`.
    Identity,
    /// `max(0, x)`.
    Relu,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// `x` for `x > 0`, otherwise `slope·x`.
    LeakyRelu {
        /// Slope for `x ≤ 0`.
        slope: F,
    },
    /// `x` for `x > 0`, otherwise `alpha·(e^x − 1)`.
    Elu {
        /// Scale of the negative branch.
        alpha: F,
    },
    /// Leaky ReLU with one learnable slope shared by all elements; its
    /// parameter tensor (one value) starts at `a`.
    Prelu {
        /// Initial slope.
        a: F,
    },
    /// Softmax along each sample.
    Softmax,
    /// Log-softmax along each sample.
    LogSoftmax,
    /// Maximum over contiguous groups of `k` values: width `n` becomes `n / k`.
    Maxout {
        /// Group size.
        k: usize,
    },
}

impl<F: Copy> LayerSpec<F> {
    /// The layer of a model file's non-affine `kind`, with its stored scalar
    /// (a slope, `a` or alpha) when the kind has one; `None` for the affine
    /// kinds (a file's `dense` and `maxout` become a [`Dense`](LayerSpec::Dense),
    /// plus a [`Maxout`](LayerSpec::Maxout) for the latter) and when `scalar`
    /// does not match the kind.
    ///
    /// ```
    /// use nn_format::LayerKind;
    /// use nn_std::runtime::LayerSpec;
    /// let spec = LayerSpec::from_kind(LayerKind::LeakyRelu, Some(0.1_f32));
    /// assert_eq!(spec, Some(LayerSpec::LeakyRelu { slope: 0.1 }));
    /// assert_eq!(spec.unwrap().kind(), LayerKind::LeakyRelu);
    /// assert_eq!(LayerSpec::<f32>::from_kind(LayerKind::Dense, None), None);
    /// ```
    pub fn from_kind(kind: LayerKind, scalar: Option<F>) -> Option<Self> {
        Some(match (kind, scalar) {
            (LayerKind::Identity, None) => LayerSpec::Identity,
            (LayerKind::Relu, None) => LayerSpec::Relu,
            (LayerKind::Sigmoid, None) => LayerSpec::Sigmoid,
            (LayerKind::Tanh, None) => LayerSpec::Tanh,
            (LayerKind::Softmax, None) => LayerSpec::Softmax,
            (LayerKind::LogSoftmax, None) => LayerSpec::LogSoftmax,
            (LayerKind::LeakyRelu, Some(slope)) => LayerSpec::LeakyRelu { slope },
            (LayerKind::Elu, Some(alpha)) => LayerSpec::Elu { alpha },
            (LayerKind::Prelu, Some(a)) => LayerSpec::Prelu { a },
            _ => return None,
        })
    }

    /// The layer's scalar: a leaky slope, ELU's alpha or PReLU's initial `a`.
    pub fn scalar(&self) -> Option<F> {
        match *self {
            LayerSpec::LeakyRelu { slope: v }
            | LayerSpec::Elu { alpha: v }
            | LayerSpec::Prelu { a: v } => Some(v),
            _ => None,
        }
    }

    /// The model-file kind of this layer ([`Maxout`](LayerSpec::Maxout)
    /// alone is the grouping half of a file's `maxout`).
    pub fn kind(&self) -> LayerKind {
        match self {
            LayerSpec::Dense { .. } => LayerKind::Dense,
            LayerSpec::Identity => LayerKind::Identity,
            LayerSpec::Relu => LayerKind::Relu,
            LayerSpec::Sigmoid => LayerKind::Sigmoid,
            LayerSpec::Tanh => LayerKind::Tanh,
            LayerSpec::LeakyRelu { .. } => LayerKind::LeakyRelu,
            LayerSpec::Elu { .. } => LayerKind::Elu,
            LayerSpec::Prelu { .. } => LayerKind::Prelu,
            LayerSpec::Softmax => LayerKind::Softmax,
            LayerSpec::LogSoftmax => LayerKind::LogSoftmax,
            LayerSpec::Maxout { .. } => LayerKind::Maxout,
        }
    }
}
