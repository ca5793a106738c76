//! What a runtime network is made of, without its parameter values.

/// One layer of a runtime-shaped [`Network`](super::Network), described
/// without its parameter values.
///
/// Every layer works on a batch of samples stored row-major in one flat
/// slice. Only [`Dense`](LayerSpec::Dense) and [`Maxout`](LayerSpec::Maxout)
/// change the width; every other layer keeps it.
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
