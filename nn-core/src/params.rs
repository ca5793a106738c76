//! Heap-free access to a network's parameters as flat slices.
//!
//! Optimizers and initializers never need to know a network's type: they walk
//! its parameter tensors in a fixed order, each with a [`ParamKind`] that says
//! what the tensor is (so a policy such as "no weight decay on biases" or an
//! initializer's fan-in travels with it). A network's gradients and optimizer
//! state have the network's own type, so walking the model, its gradients and
//! the state side by side visits matching tensors.

use crate::Float;

/// What a parameter tensor is, with the sizes initializers need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A weight matrix stored `[fan_out][fan_in]` (PyTorch's `Linear` layout).
    Weight {
        /// Inputs feeding each output.
        fan_in: usize,
        /// Outputs fed by each input.
        fan_out: usize,
    },
    /// A bias vector of a layer with the given fan-in.
    Bias {
        /// Inputs of the layer the bias belongs to.
        fan_in: usize,
    },
    /// Any other learnable scalar or vector (for example a PReLU slope).
    Other,
}

impl ParamKind {
    /// Whether this tensor is a bias.
    pub const fn is_bias(self) -> bool {
        matches!(self, ParamKind::Bias { .. })
    }
}

/// A read-only view of one parameter tensor.
#[derive(Debug)]
pub struct Param<'a, F> {
    /// The values, flattened row-major.
    pub values: &'a [F],
    /// What the tensor is.
    pub kind: ParamKind,
}

/// A mutable view of one parameter tensor.
#[derive(Debug)]
pub struct ParamMut<'a, F> {
    /// The values, flattened row-major.
    pub values: &'a mut [F],
    /// What the tensor is.
    pub kind: ParamKind,
}

/// Something with learnable parameters: a layer, a network, its gradients or
/// an optimizer's per-parameter state.
///
/// Both iterators yield the same tensors in the same order.
///
/// ```
/// use nn_core::{Dense, Params};
/// let mut layer = Dense::<f32, 3, 2>::zeros();
/// assert_eq!(layer.num_params(), 3 * 2 + 2);
/// layer.fill(1.5);
/// assert!(layer.params().all(|p| p.values.iter().all(|&v| v == 1.5)));
/// ```
pub trait Params<F: Float> {
    /// The parameter tensors, in a fixed order.
    fn params(&self) -> impl Iterator<Item = Param<'_, F>>;
    /// The same tensors, mutable.
    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, F>>;

    /// Total number of scalars over all tensors.
    fn num_params(&self) -> usize {
        self.params().map(|p| p.values.len()).sum()
    }

    /// Sets every parameter to `value` (zero it to reset gradients).
    fn fill(&mut self, value: F) {
        for p in self.params_mut() {
            p.values.fill(value);
        }
    }

    /// A copy of `self` with every parameter zero: the starting value of a
    /// gradient accumulator or of optimizer state.
    fn zeroed(&self) -> Self
    where
        Self: Clone,
    {
        let mut z = self.clone();
        z.fill(F::ZERO);
        z
    }

    /// Multiplies every parameter by `factor` (for example `1 / batch` to
    /// average accumulated gradients).
    fn scale(&mut self, factor: F) {
        for p in self.params_mut() {
            p.values.iter_mut().for_each(|v| *v *= factor);
        }
    }

    /// Whether every parameter is finite (no NaN, no infinity).
    fn all_finite(&self) -> bool {
        self.params()
            .all(|p| p.values.iter().all(|v| v.is_finite()))
    }
}

/// The two tensors of an affine layer, a weight `[fan_out][fan_in]` and a
/// bias, in [`Params`] order (shared by [`Dense`](crate::Dense) and
/// [`Maxout`](crate::Maxout)).
pub(crate) fn affine<'a, F>(
    weight: &'a [F],
    bias: &'a [F],
    fan_in: usize,
    fan_out: usize,
) -> impl Iterator<Item = Param<'a, F>> {
    [
        Param {
            values: weight,
            kind: ParamKind::Weight { fan_in, fan_out },
        },
        Param {
            values: bias,
            kind: ParamKind::Bias { fan_in },
        },
    ]
    .into_iter()
}

/// [`affine`], mutable.
pub(crate) fn affine_mut<'a, F>(
    weight: &'a mut [F],
    bias: &'a mut [F],
    fan_in: usize,
    fan_out: usize,
) -> impl Iterator<Item = ParamMut<'a, F>> {
    [
        ParamMut {
            values: weight,
            kind: ParamKind::Weight { fan_in, fan_out },
        },
        ParamMut {
            values: bias,
            kind: ParamKind::Bias { fan_in },
        },
    ]
    .into_iter()
}

/// Implements an empty [`Params`] for a layer without parameters.
macro_rules! no_params {
    ($ty:ty) => {
        impl<F: $crate::Float> $crate::Params<F> for $ty {
            fn params(&self) -> impl Iterator<Item = $crate::Param<'_, F>> {
                core::iter::empty()
            }
            fn params_mut(&mut self) -> impl Iterator<Item = $crate::ParamMut<'_, F>> {
                core::iter::empty()
            }
        }
    };
}

pub(crate) use no_params;
