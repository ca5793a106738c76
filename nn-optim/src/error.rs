//! Errors: a bad configuration (refused when the optimizer is built) and a
//! step that cannot be applied (refused before any parameter changes).

use core::fmt;

/// A hyper-parameter that the optimizer refuses, found when it is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigError {
    /// `name` is outside its allowed range `allowed` (or NaN).
    OutOfRange {
        /// The hyper-parameter, as PyTorch names it (`lr`, `beta1`, `eps`, ...).
        name: &'static str,
        /// The allowed range, for example `"[0, 1)"`.
        allowed: &'static str,
    },
    /// Nesterov momentum was asked for with `momentum == 0`.
    NesterovWithoutMomentum,
    /// Nesterov momentum was asked for with a non-zero `dampening`.
    NesterovWithDampening,
    /// The configuration and the rule's type disagree on an optional state
    /// buffer (see [`Slot`](crate::Slot)).
    StateMismatch {
        /// The hyper-parameter that decides it: `amsgrad`, `momentum` or `centered`.
        name: &'static str,
        /// `true`: the configuration needs the buffer but the type does not
        /// keep it; `false`: the type keeps a buffer the configuration never uses.
        used: bool,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConfigError::OutOfRange { name, allowed } => {
                write!(f, "hyper-parameter `{name}` must be in {allowed}")
            }
            ConfigError::NesterovWithoutMomentum => {
                f.write_str("Nesterov momentum needs a momentum greater than 0")
            }
            ConfigError::NesterovWithDampening => {
                f.write_str("Nesterov momentum needs zero dampening")
            }
            ConfigError::StateMismatch { name, used: true } => write!(
                f,
                "`{name}` needs a state buffer that this optimizer type does not keep \
                 (use the type with `Present` for it)"
            ),
            ConfigError::StateMismatch { name, used: false } => write!(
                f,
                "this optimizer type keeps a state buffer for `{name}` that the configuration \
                 does not use (use the type with `Absent` for it)"
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

/// Why an optimizer step was refused. Nothing was changed when this is
/// returned: parameters, state and the step count are as before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StepError {
    /// A gradient element is NaN or infinite.
    NonFiniteGradient {
        /// Position of the tensor in the model's parameter order (0 for the slice API).
        tensor: usize,
        /// Position of the element inside that tensor.
        index: usize,
    },
    /// A gradient or state slice does not have the parameter tensor's length.
    LengthMismatch {
        /// Position of the tensor in the model's parameter order (0 for the slice API).
        tensor: usize,
        /// The parameter tensor's length.
        expected: usize,
        /// The length found.
        found: usize,
    },
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            StepError::NonFiniteGradient { tensor, index } => write!(
                f,
                "gradient element {index} of parameter tensor {tensor} is NaN or infinite"
            ),
            StepError::LengthMismatch {
                tensor,
                expected,
                found,
            } => write!(
                f,
                "parameter tensor {tensor} has {expected} elements but a gradient or state slice has {found}"
            ),
        }
    }
}

impl core::error::Error for StepError {}

/// Checks a hyper-parameter: `ok` must hold (write it so that NaN fails).
pub(crate) fn ensure(
    ok: bool,
    name: &'static str,
    allowed: &'static str,
) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange { name, allowed })
    }
}

/// `lr` must be finite and `>= 0`.
pub(crate) fn check_lr(lr: f64) -> Result<(), ConfigError> {
    ensure(lr >= 0.0 && lr.is_finite(), "lr", "[0, inf)")
}

/// A hyper-parameter already valid in `f64` must stay finite in `F`, the
/// float type it is applied in, and not round to 0 there unless it is 0
/// (`lr = 1e39` is infinite in `f32`, `eps = 1e-50` is 0).
pub(crate) fn check_in<F: nn_core::Float>(
    name: &'static str,
    value: f64,
) -> Result<(), ConfigError> {
    let applied = F::from_f64(value);
    ensure(
        applied.is_finite() && (value == 0.0 || applied != F::ZERO),
        name,
        "values that stay finite and non-zero in the parameters' float type",
    )
}

/// `eps` must be finite and `> 0`.
pub(crate) fn check_eps(eps: f64) -> Result<(), ConfigError> {
    ensure(eps > 0.0 && eps.is_finite(), "eps", "(0, inf)")
}

/// `weight_decay` must be finite and `>= 0`.
pub(crate) fn check_weight_decay(wd: f64) -> Result<(), ConfigError> {
    ensure(wd >= 0.0 && wd.is_finite(), "weight_decay", "[0, inf)")
}

/// A beta (decay rate of a running average) must be in `[0, 1)`.
pub(crate) fn check_beta(beta: f64, name: &'static str) -> Result<(), ConfigError> {
    ensure((0.0..1.0).contains(&beta), name, "[0, 1)")
}

/// Adam's `(beta1, beta2)`: each in `[0, 1)`.
pub(crate) fn check_betas((beta1, beta2): (f64, f64)) -> Result<(), ConfigError> {
    check_beta(beta1, "beta1")?;
    check_beta(beta2, "beta2")
}
