//! What a runtime network is made of, without its parameter values.

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
