//! Why a runtime network could not be built or run.

use core::fmt;

use nn_core::LossError;

/// A shape or argument problem found when building or running a
/// [`Network`](super::Network). Nothing in this module panics on bad shapes:
/// it returns one of these instead.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkError {
    /// The network was given zero inputs per sample.
    ZeroInputs,
    /// A dense layer was given zero outputs.
    ZeroOutputs {
        /// Index of the layer.
        layer: usize,
    },
    /// A maxout layer's input width is not a multiple of its group size `k`
    /// (or `k` is zero).
    MaxoutGroups {
        /// Index of the layer.
        layer: usize,
        /// The layer's input width.
        width: usize,
        /// The group size.
        k: usize,
    },
    /// A dense layer's weight would hold more values than a `usize` counts
    /// (`inputs × outputs` overflows).
    TooLarge {
        /// Index of the layer.
        layer: usize,
    },
    /// A hyper-parameter is not finite.
    NonFiniteHyperparameter {
        /// Index of the layer.
        layer: usize,
        /// Name of the hyper-parameter.
        name: &'static str,
    },
    /// A parameter tensor was given the wrong number of values.
    ParamLength {
        /// Index of the tensor in [`Params`](nn_core::Params) order.
        tensor: usize,
        /// Values the tensor holds.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// There is no parameter tensor with this index.
    NoSuchParam {
        /// The index asked for.
        tensor: usize,
        /// How many tensors the network has.
        count: usize,
    },
    /// A batch's length is not a multiple of the width it must have.
    BatchLength {
        /// Values per sample.
        width: usize,
        /// Values given.
        found: usize,
    },
    /// A tensor's length does not match the batch it belongs to.
    LengthMismatch {
        /// What the tensor is (for example `"dy"`).
        what: &'static str,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// A gradient network or cache does not belong to this network's
    /// architecture.
    ArchitectureMismatch,
    /// A loss was given the wrong kind of target.
    TargetKind {
        /// Whether the loss needs class indices (otherwise values).
        classes: bool,
    },
    /// A loss could not be computed.
    Loss(LossError),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkError::ZeroInputs => f.write_str("a network needs at least one input"),
            NetworkError::ZeroOutputs { layer } => {
                write!(f, "layer {layer}: a dense layer needs at least one output")
            }
            NetworkError::MaxoutGroups { layer, width, k } => write!(
                f,
                "layer {layer}: maxout with k = {k} needs an input width that is a positive multiple of k, got {width}"
            ),
            NetworkError::TooLarge { layer } => {
                write!(
                    f,
                    "layer {layer}: inputs × outputs of the dense weight overflows"
                )
            }
            NetworkError::NonFiniteHyperparameter { layer, name } => {
                write!(f, "layer {layer}: hyper-parameter `{name}` is not finite")
            }
            NetworkError::ParamLength {
                tensor,
                expected,
                found,
            } => write!(
                f,
                "parameter tensor {tensor} holds {expected} values, got {found}"
            ),
            NetworkError::NoSuchParam { tensor, count } => {
                write!(f, "no parameter tensor {tensor}: the network has {count}")
            }
            NetworkError::BatchLength { width, found } => write!(
                f,
                "a batch of samples of width {width} needs a multiple of {width} values, got {found}"
            ),
            NetworkError::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "`{what}` needs {expected} values, got {found}"),
            NetworkError::ArchitectureMismatch => {
                f.write_str("gradients or cache belong to a network of another architecture")
            }
            NetworkError::TargetKind { classes: true } => {
                f.write_str("this loss needs class-index targets")
            }
            NetworkError::TargetKind { classes: false } => {
                f.write_str("this loss needs value targets, not class indices")
            }
            NetworkError::Loss(e) => write!(f, "loss: {e}"),
        }
    }
}

impl std::error::Error for NetworkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NetworkError::Loss(e) => Some(e),
            _ => None,
        }
    }
}

impl From<LossError> for NetworkError {
    fn from(e: LossError) -> Self {
        NetworkError::Loss(e)
    }
}
