//! Initializing a whole network through [`nn_core::Params`].

use crate::{Init, InitError};
use nn_core::{Float, ParamKind, Params};
use rand_core::RngCore;

/// A rule for every tensor of a network: one scheme for weights, one for biases.
///
/// Each weight tensor is drawn with its own `ParamKind::Weight { fan_in, fan_out }`;
/// each bias with `fan_in` from `ParamKind::Bias { fan_in }` and `fan_out` equal
/// to its length (the layer's outputs). Tensors of kind `ParamKind::Other` (a PReLU
/// slope, ...) keep their values: their layer's constructor chose them.
///
/// Tensors are drawn in the order of [`Params::params_mut`], each row-major,
/// from one generator; so a seed fixes the whole network.
///
/// ```
/// use nn_core::{seq, Dense, Params, Relu};
/// use nn_init::{Init, Initializer, SplitMix64};
/// let mut net = seq![Dense::<f32, 4, 8>::zeros(), Relu, Dense::<f32, 8, 2>::zeros()];
/// Initializer::new(Init::he_normal()).apply(&mut net, &mut SplitMix64::new(1)).unwrap();
/// let p: Vec<_> = net.params().collect();
/// assert!(p[0].values.iter().any(|&w| w != 0.0)); // weights drawn
/// assert!(p[1].values.iter().all(|&b| b == 0.0)); // biases zero by default
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Initializer {
    /// Scheme for `ParamKind::Weight` tensors.
    pub weight: Init,
    /// Scheme for `ParamKind::Bias` tensors.
    pub bias: Init,
}

impl Initializer {
    /// `weight` for weights, zeros for biases.
    pub const fn new(weight: Init) -> Self {
        Initializer {
            weight,
            bias: Init::Zeros,
        }
    }

    /// The same weights with another bias rule.
    pub const fn with_bias(self, bias: Init) -> Self {
        Initializer { bias, ..self }
    }

    /// PyTorch's `nn.Linear` default: `U(±1 / sqrt(fan_in))` for weights and biases.
    pub const fn pytorch_linear() -> Self {
        Initializer {
            weight: Init::PytorchLinear,
            bias: Init::PytorchLinear,
        }
    }

    /// Draws every weight and bias of `model` from `rng`.
    ///
    /// All tensors are checked before any is written: on error (for example a
    /// zero fan) the model is unchanged and no random number was used.
    pub fn apply<F, M, R>(&self, model: &mut M, rng: &mut R) -> Result<(), InitError>
    where
        F: Float,
        M: Params<F>,
        R: RngCore + ?Sized,
    {
        for p in model.params() {
            self.scheme(p.kind, p.values.len())
                .map(|(init, fi, fo)| init.distribution(fi, fo))
                .transpose()?;
        }
        for p in model.params_mut() {
            if let Some((init, fi, fo)) = self.scheme(p.kind, p.values.len()) {
                init.fill(rng, p.values, fi, fo)?;
            }
        }
        Ok(())
    }

    /// The scheme and fans for a tensor, or `None` to leave it alone.
    fn scheme(&self, kind: ParamKind, len: usize) -> Option<(&Init, usize, usize)> {
        match kind {
            ParamKind::Weight { fan_in, fan_out } => Some((&self.weight, fan_in, fan_out)),
            ParamKind::Bias { fan_in } => Some((&self.bias, fan_in, len)),
            ParamKind::Other => None,
        }
    }
}

impl Init {
    /// Applies this scheme to every weight of `model` and zeros to its biases:
    /// shorthand for `Initializer::new(*self).apply(model, rng)`.
    pub fn apply<F, M, R>(&self, model: &mut M, rng: &mut R) -> Result<(), InitError>
    where
        F: Float,
        M: Params<F>,
        R: RngCore + ?Sized,
    {
        Initializer::new(*self).apply(model, rng)
    }
}
