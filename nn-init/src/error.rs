//! The one error type of this crate.

use core::fmt;

/// Why an initializer could not produce values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum InitError {
    /// A scheme scales by `1/sqrt(fan)` but the fan it needs is zero
    /// (for example He with fan-in mode on a tensor with `fan_in == 0`).
    ZeroFan,
    /// A parameter is NaN, infinite where it must be finite, or negative
    /// where it must not be (a standard deviation, a gain).
    InvalidParameter {
        /// The parameter's name as written in the scheme (`"std"`, `"gain"`, ...).
        name: &'static str,
    },
    /// The interval of a uniform or truncated distribution is empty
    /// (`low > high` for a truncated normal, `low >= high` for a uniform).
    EmptyInterval,
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::ZeroFan => f.write_str("initializer needs a nonzero fan-in or fan-out"),
            InitError::InvalidParameter { name } => {
                write!(
                    f,
                    "initializer parameter `{name}` is out of range or not finite"
                )
            }
            InitError::EmptyInterval => f.write_str("initializer interval is empty"),
        }
    }
}

impl core::error::Error for InitError {}
