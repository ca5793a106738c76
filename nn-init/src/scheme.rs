//! Initialization schemes: rules that turn a tensor's fan-in and fan-out into
//! a [`Distribution`].

use crate::{Distribution, InitError};
use core::f64::consts::SQRT_2;
use nn_core::Float;
use rand_core::RngCore;

/// The standard deviation of a standard normal truncated to `[-2, 2]`:
/// `sqrt(1 − 4 φ(2) / (Φ(2) − Φ(−2)))`. Dividing the target standard deviation
/// by it before truncating at two (corrected) standard deviations makes the
/// truncated result's standard deviation exactly the target (Keras'
/// `VarianceScaling` does the same).
pub const TRUNCATION_STD_CORRECTION: f64 = 0.879_625_661_034_239_8;

/// Which fan a variance-scaling scheme divides by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FanMode {
    /// Inputs per output: keeps the variance of activations in the forward pass.
    FanIn,
    /// Outputs per input: keeps the variance of gradients in the backward pass.
    FanOut,
}

impl FanMode {
    fn pick(self, fan_in: usize, fan_out: usize) -> Result<f64, InitError> {
        let fan = match self {
            FanMode::FanIn => fan_in,
            FanMode::FanOut => fan_out,
        };
        if fan == 0 {
            Err(InitError::ZeroFan)
        } else {
            Ok(fan as f64)
        }
    }
}

/// An initialization scheme: how to draw the values of one tensor given its
/// fan-in (inputs per output) and fan-out (outputs per input).
///
/// Formulas (`n_in`, `n_out` the fans, `g` the gain, `n` the chosen fan):
///
/// | scheme | distribution | source |
/// |---|---|---|
/// | `Zeros` | `0` | — |
/// | `Fixed(d)` | `d` as given (absolute bounds) | — |
/// | `XavierUniform { gain }` | `U(±g·sqrt(6 / (n_in + n_out)))` | Glorot & Bengio 2010, eq. 16 |
/// | `XavierNormal { gain }` | `N(0, g²·2 / (n_in + n_out))` | Glorot & Bengio 2010 |
/// | `HeUniform { mode, gain }` | `U(±g·sqrt(3 / n))` | He et al. 2015; PyTorch `kaiming_uniform_` |
/// | `HeNormal { mode, gain }` | `N(0, σ0²)` truncated to `±2σ0`, `σ0 = g / sqrt(n) / 0.8796…` | He et al. 2015; Keras `he_normal` |
/// | `KaimingNormal { mode, gain }` | `N(0, g² / n)`, not truncated | He et al. 2015; PyTorch `kaiming_normal_` |
/// | `LecunNormal` | `N(0, σ0²)` truncated to `±2σ0`, `σ0 = 1 / sqrt(n_in) / 0.8796…` | LeCun et al. 1998; Keras `lecun_normal` |
/// | `PytorchLinear` | `U(±1 / sqrt(n_in))` | PyTorch `nn.Linear.reset_parameters` |
///
/// `HeNormal` and `LecunNormal` have standard deviation exactly `g / sqrt(n)`
/// (`1 / sqrt(n_in)`): see [`TRUNCATION_STD_CORRECTION`]. This differs from
/// PyTorch's `trunc_normal_(std = s, a = -2, b = 2)`, whose bounds are absolute
/// values (not multiples of `s`) and which applies no correction: with a small
/// `s` it hardly truncates and keeps standard deviation `s`; with `s = 1` it cuts
/// at 2σ and its standard deviation is `0.88 s`. `Fixed(Distribution::TruncatedNormal)` has the
/// same absolute-bounds meaning as `trunc_normal_`.
///
/// ```
/// use nn_init::{Init, SplitMix64};
/// let mut rng = SplitMix64::new(42);
/// let mut w = [0.0f32; 64 * 32]; // a [32][64] weight: fan_in 64, fan_out 32
/// Init::he_normal().fill(&mut rng, &mut w, 64, 32).unwrap();
/// let bound = 2.0 * (2.0f64 / 64.0).sqrt() / nn_init::TRUNCATION_STD_CORRECTION;
/// assert!(w.iter().all(|&x| f64::from(x).abs() <= bound));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// All zeros (the usual rule for biases; fatal for weights: see the crate docs).
    Zeros,
    /// A distribution that does not depend on the fans (constant, uniform,
    /// normal, or normal truncated to absolute bounds as PyTorch's
    /// `trunc_normal_`).
    Fixed(Distribution),
    /// Glorot/Xavier uniform: `U(±gain·sqrt(6 / (fan_in + fan_out)))`.
    XavierUniform {
        /// Gain (see [`calculate_gain`](crate::calculate_gain)); 1 for tanh as in the paper.
        gain: f64,
    },
    /// Glorot/Xavier normal: `N(0, gain²·2 / (fan_in + fan_out))`.
    XavierNormal {
        /// Gain.
        gain: f64,
    },
    /// He/Kaiming uniform: `U(±gain·sqrt(3 / fan))`.
    HeUniform {
        /// Which fan.
        mode: FanMode,
        /// Gain; √2 for ReLU.
        gain: f64,
    },
    /// He normal as in the course and Keras: truncated at two standard
    /// deviations, corrected so the standard deviation is exactly `gain / sqrt(fan)`.
    HeNormal {
        /// Which fan.
        mode: FanMode,
        /// Gain; √2 for ReLU.
        gain: f64,
    },
    /// He/Kaiming normal as PyTorch's `kaiming_normal_`: `N(0, gain² / fan)`, untruncated.
    KaimingNormal {
        /// Which fan.
        mode: FanMode,
        /// Gain; √2 for ReLU.
        gain: f64,
    },
    /// LeCun normal (Keras): truncated at two standard deviations, corrected
    /// so the standard deviation is exactly `1 / sqrt(fan_in)`.
    LecunNormal,
    /// PyTorch's default for `nn.Linear` weights and biases: `U(±1 / sqrt(fan_in))`.
    PytorchLinear,
}

impl Init {
    /// All zeros ([`Init::Zeros`]).
    pub const fn zeros() -> Self {
        Init::Zeros
    }

    /// LeCun normal ([`Init::LecunNormal`]).
    pub const fn lecun_normal() -> Self {
        Init::LecunNormal
    }

    /// PyTorch's `nn.Linear` default ([`Init::PytorchLinear`]).
    pub const fn pytorch_linear() -> Self {
        Init::PytorchLinear
    }

    /// Xavier uniform with gain 1.
    pub const fn xavier_uniform() -> Self {
        Init::XavierUniform { gain: 1.0 }
    }

    /// Xavier normal with gain 1.
    pub const fn xavier_normal() -> Self {
        Init::XavierNormal { gain: 1.0 }
    }

    /// He uniform for ReLU: fan-in, gain √2, so `U(±sqrt(6 / fan_in))`.
    pub const fn he_uniform() -> Self {
        Init::HeUniform {
            mode: FanMode::FanIn,
            gain: SQRT_2,
        }
    }

    /// He normal for ReLU (course/Keras variant): fan-in, gain √2, std `sqrt(2 / fan_in)`.
    pub const fn he_normal() -> Self {
        Init::HeNormal {
            mode: FanMode::FanIn,
            gain: SQRT_2,
        }
    }

    /// PyTorch's `kaiming_normal_` defaults (fan-in, ReLU gain √2), untruncated.
    pub const fn kaiming_normal() -> Self {
        Init::KaimingNormal {
            mode: FanMode::FanIn,
            gain: SQRT_2,
        }
    }

    /// `N(0, std²)`.
    pub const fn normal(std: f64) -> Self {
        Init::Fixed(Distribution::Normal { mean: 0.0, std })
    }

    /// The distribution this scheme gives a tensor with these fans.
    ///
    /// Errors: [`InitError::ZeroFan`] when the scheme divides by a fan that is
    /// zero, and the errors of [`Distribution::validate`].
    ///
    /// ```
    /// use nn_init::{Distribution, Init};
    /// let d = Init::xavier_uniform().distribution(100, 50).unwrap();
    /// assert_eq!(d, Distribution::Uniform { low: -0.2, high: 0.2 });
    /// ```
    pub fn distribution(&self, fan_in: usize, fan_out: usize) -> Result<Distribution, InitError> {
        // Summed in f64: `fan_in + fan_out` may overflow a usize.
        let sum_fans = || {
            if fan_in == 0 && fan_out == 0 {
                Err(InitError::ZeroFan)
            } else {
                Ok(fan_in as f64 + fan_out as f64)
            }
        };
        let symmetric_uniform = |bound: f64| Distribution::Uniform {
            low: -bound,
            high: bound,
        };
        let corrected_truncated = |std: f64| {
            let s0 = std / TRUNCATION_STD_CORRECTION;
            Distribution::TruncatedNormal {
                mean: 0.0,
                std: s0,
                low: -2.0 * s0,
                high: 2.0 * s0,
            }
        };
        let d = match *self {
            Init::Zeros => Distribution::Constant(0.0),
            Init::Fixed(d) => d,
            Init::XavierUniform { gain } => {
                check_gain(gain)?;
                symmetric_uniform(gain * libm::sqrt(6.0 / sum_fans()?))
            }
            Init::XavierNormal { gain } => {
                check_gain(gain)?;
                Distribution::Normal {
                    mean: 0.0,
                    std: gain * libm::sqrt(2.0 / sum_fans()?),
                }
            }
            Init::HeUniform { mode, gain } => {
                check_gain(gain)?;
                symmetric_uniform(gain * libm::sqrt(3.0 / mode.pick(fan_in, fan_out)?))
            }
            Init::HeNormal { mode, gain } => {
                check_gain(gain)?;
                corrected_truncated(gain / libm::sqrt(mode.pick(fan_in, fan_out)?))
            }
            Init::KaimingNormal { mode, gain } => {
                check_gain(gain)?;
                Distribution::Normal {
                    mean: 0.0,
                    std: gain / libm::sqrt(mode.pick(fan_in, fan_out)?),
                }
            }
            Init::LecunNormal => {
                corrected_truncated(1.0 / libm::sqrt(FanMode::FanIn.pick(fan_in, fan_out)?))
            }
            Init::PytorchLinear => {
                symmetric_uniform(1.0 / libm::sqrt(FanMode::FanIn.pick(fan_in, fan_out)?))
            }
        };
        d.validate()?;
        Ok(d)
    }

    /// Overwrites `values` (one tensor, row-major) with samples of this scheme
    /// for the given fans. Nothing is written if the scheme is invalid for them.
    ///
    /// ```
    /// use nn_init::{Init, SplitMix64};
    /// let mut b = [1.0f64; 4];
    /// Init::Zeros.fill(&mut SplitMix64::new(0), &mut b, 3, 4).unwrap();
    /// assert_eq!(b, [0.0; 4]);
    /// assert!(Init::he_normal().fill(&mut SplitMix64::new(0), &mut b, 0, 4).is_err());
    /// ```
    pub fn fill<F: Float, R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        values: &mut [F],
        fan_in: usize,
        fan_out: usize,
    ) -> Result<(), InitError> {
        self.distribution(fan_in, fan_out)?.fill(rng, values)
    }
}

fn check_gain(gain: f64) -> Result<(), InitError> {
    if gain.is_finite() && gain >= 0.0 {
        Ok(())
    } else {
        Err(InitError::InvalidParameter { name: "gain" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms_of_the_schemes() {
        let d = |i: Init, fi, fo| i.distribution(fi, fo).unwrap();
        // He normal: std exactly sqrt(2 / fan_in), bounds at 2 corrected stds.
        let he = d(Init::he_normal(), 256, 10);
        assert!((he.std() - libm::sqrt(2.0 / 256.0)).abs() < 1e-16);
        let s0 = libm::sqrt(2.0 / 256.0) / TRUNCATION_STD_CORRECTION;
        assert_eq!(he.bounds(), (-2.0 * s0, 2.0 * s0));
        // Fan-out mode divides by fan_out.
        let he_out = d(
            Init::HeNormal {
                mode: FanMode::FanOut,
                gain: 1.0,
            },
            7,
            100,
        );
        assert!((he_out.std() - 0.1).abs() < 1e-16);
        let (lo, hi) = d(Init::he_uniform(), 6, 1).bounds(); // sqrt(2)·sqrt(3/6) = 1
        assert!((lo + 1.0).abs() < 1e-15 && (hi - 1.0).abs() < 1e-15);
        assert!((d(Init::kaiming_normal(), 8, 1).std() - 0.5).abs() < 1e-16);
        assert!((d(Init::LecunNormal, 25, 3).std() - 0.2).abs() < 1e-16);
        assert_eq!(
            d(Init::PytorchLinear, 16, 3),
            Distribution::Uniform {
                low: -0.25,
                high: 0.25
            }
        );
        // Xavier: variance 2 / (fan_in + fan_out) for both shapes.
        assert!((d(Init::xavier_normal(), 30, 20).variance() - 0.04).abs() < 1e-17);
        assert!((d(Init::xavier_uniform(), 30, 20).variance() - 0.04).abs() < 1e-17);
        assert_eq!(
            d(Init::XavierNormal { gain: 2.0 }, 1, 1),
            Distribution::Normal {
                mean: 0.0,
                std: 2.0
            }
        );
    }

    #[test]
    fn invalid_inputs_are_errors_not_panics() {
        assert_eq!(
            Init::he_normal().distribution(0, 5),
            Err(InitError::ZeroFan)
        );
        assert_eq!(
            Init::xavier_uniform().distribution(0, 0),
            Err(InitError::ZeroFan)
        );
        assert!(Init::xavier_normal().distribution(usize::MAX, 1).is_ok());
        assert_eq!(
            Init::XavierUniform { gain: f64::NAN }.distribution(1, 1),
            Err(InitError::InvalidParameter { name: "gain" })
        );
        assert_eq!(
            Init::normal(-1.0).distribution(1, 1),
            Err(InitError::InvalidParameter { name: "std" })
        );
        let mut v = [7.0f32; 3];
        assert!(
            Init::Fixed(Distribution::Uniform {
                low: 1.0,
                high: 0.0
            })
            .fill(&mut crate::SplitMix64::new(0), &mut v, 1, 1)
            .is_err()
        );
        assert_eq!(v, [7.0; 3], "nothing written on error");
    }
}
