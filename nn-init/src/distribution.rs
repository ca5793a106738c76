//! A validated distribution with its exact moments: what a scheme resolves to
//! once a tensor's fan-in and fan-out are known.

use crate::{InitError, sample};
use nn_core::Float;
use rand_core::RngCore;

/// A fully specified distribution of initial values, in `f64` parameters.
///
/// Build one directly or get it from [`Init::distribution`](crate::Init::distribution);
/// [`Distribution::fill`] validates it before drawing.
///
/// ```
/// use nn_init::{Distribution, SplitMix64};
/// let d = Distribution::Uniform { low: -1.0, high: 1.0 };
/// assert_eq!(d.variance(), 1.0 / 3.0);
/// let mut w = [0.0f32; 8];
/// d.fill(&mut SplitMix64::new(0), &mut w).unwrap();
/// assert!(w.iter().all(|x| (-1.0..=1.0).contains(x)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    /// Every value equals the constant.
    Constant(f64),
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound (included).
        low: f64,
        /// Upper bound (excluded; see [`sample::uniform`] for `f32` rounding).
        high: f64,
    },
    /// Normal with the given mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (`>= 0`).
        std: f64,
    },
    /// Normal with mean `mean` and standard deviation `std` *before*
    /// truncation, conditioned on `low <= x <= high` (absolute bounds).
    TruncatedNormal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation (`>= 0`).
        std: f64,
        /// Lower bound (included; may be `-inf`).
        low: f64,
        /// Upper bound (included; may be `+inf`).
        high: f64,
    },
}

impl Distribution {
    /// Checks the parameters: finite means and constants, finite `std >= 0`,
    /// a nonempty interval (`low < high` for a uniform, `low <= high` and
    /// not both infinite on the same side for a truncated normal).
    pub fn validate(&self) -> Result<(), InitError> {
        let finite = |v: f64, name| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(InitError::InvalidParameter { name })
            }
        };
        match *self {
            Distribution::Constant(c) => finite(c, "value"),
            Distribution::Uniform { low, high } => {
                finite(low, "low")?;
                finite(high, "high")?;
                finite(high - low, "high - low")?;
                if low < high {
                    Ok(())
                } else {
                    Err(InitError::EmptyInterval)
                }
            }
            Distribution::Normal { mean, std } => {
                finite(mean, "mean")?;
                check_std(std)
            }
            Distribution::TruncatedNormal {
                mean,
                std,
                low,
                high,
            } => {
                finite(mean, "mean")?;
                check_std(std)?;
                if low.is_nan() || low == f64::INFINITY {
                    return Err(InitError::InvalidParameter { name: "low" });
                }
                if high.is_nan() || high == f64::NEG_INFINITY {
                    return Err(InitError::InvalidParameter { name: "high" });
                }
                if low > high {
                    Err(InitError::EmptyInterval)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// One sample in `f64` (the parameters are assumed valid; see [`Self::validate`]).
    #[inline]
    pub fn sample_f64<R: RngCore + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Distribution::Constant(c) => c,
            Distribution::Uniform { low, high } => sample::uniform_f64(rng, low, high),
            Distribution::Normal { mean, std } => mean + std * sample::standard_normal_f64(rng),
            Distribution::TruncatedNormal {
                mean,
                std,
                low,
                high,
            } => sample::truncated_normal_f64(rng, mean, std, low, high),
        }
    }

    /// One sample rounded to `F` (the `f64` sample of the same stream, rounded to nearest).
    #[inline]
    pub fn sample<F: Float, R: RngCore + ?Sized>(&self, rng: &mut R) -> F {
        F::from_f64(self.sample_f64(rng))
    }

    /// Validates, then overwrites every value of `out` with a sample, in order.
    ///
    /// A [`Distribution::Constant`] uses no random numbers.
    pub fn fill<F: Float, R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        out: &mut [F],
    ) -> Result<(), InitError> {
        self.validate()?;
        for v in out.iter_mut() {
            *v = self.sample(rng);
        }
        Ok(())
    }

    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Constant(c) => c,
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => mean,
            Distribution::TruncatedNormal {
                mean,
                std,
                low,
                high,
            } => {
                if std == 0.0 {
                    return mean.clamp(low, high);
                }
                let (a, b) = ((low - mean) / std, (high - mean) / std);
                mean + std * (pdf(a) - pdf(b)) / mass(a, b)
            }
        }
    }

    /// The exact variance.
    ///
    /// For the truncated normal with standardized bounds `α, β` and
    /// `Z = Φ(β) − Φ(α)`: `σ² [1 + (α φ(α) − β φ(β)) / Z − ((φ(α) − φ(β)) / Z)²]`.
    pub fn variance(&self) -> f64 {
        match *self {
            Distribution::Constant(_) => 0.0,
            Distribution::Uniform { low, high } => (high - low) * (high - low) / 12.0,
            Distribution::Normal { std, .. } => std * std,
            Distribution::TruncatedNormal {
                mean,
                std,
                low,
                high,
            } => {
                if std == 0.0 {
                    return 0.0;
                }
                let (a, b) = ((low - mean) / std, (high - mean) / std);
                let z = mass(a, b);
                let d = (pdf(a) - pdf(b)) / z;
                std * std * (1.0 + (x_pdf(a) - x_pdf(b)) / z - d * d)
            }
        }
    }

    /// The exact standard deviation, `sqrt(variance)`.
    pub fn std(&self) -> f64 {
        libm::sqrt(self.variance())
    }

    /// The support `[low, high]` (`±inf` for an untruncated normal).
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Distribution::Constant(c) => (c, c),
            Distribution::Uniform { low, high } => (low, high),
            Distribution::Normal { std: 0.0, mean } => (mean, mean),
            Distribution::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Distribution::TruncatedNormal { low, high, .. } => (low, high),
        }
    }
}

fn check_std(std: f64) -> Result<(), InitError> {
    if std.is_finite() && std >= 0.0 {
        Ok(())
    } else {
        Err(InitError::InvalidParameter { name: "std" })
    }
}

/// Standard normal density (0 at ±inf).
pub(crate) fn pdf(x: f64) -> f64 {
    if x.is_infinite() {
        0.0
    } else {
        libm::exp(-0.5 * x * x) / libm::sqrt(core::f64::consts::TAU)
    }
}

/// `x φ(x)`, taken as 0 at ±inf.
fn x_pdf(x: f64) -> f64 {
    if x.is_infinite() { 0.0 } else { x * pdf(x) }
}

/// `Φ(b) − Φ(a)` for `a <= b`, through `erfc` on the tails so that it keeps
/// its relative precision far from 0.
pub(crate) fn mass(a: f64, b: f64) -> f64 {
    let r = core::f64::consts::FRAC_1_SQRT_2;
    if a >= 0.0 {
        0.5 * (libm::erfc(a * r) - libm::erfc(b * r))
    } else if b <= 0.0 {
        0.5 * (libm::erfc(-b * r) - libm::erfc(-a * r))
    } else {
        0.5 * (libm::erf(b * r) - libm::erf(a * r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keras_truncation_constant_is_the_std_of_a_two_sigma_truncation() {
        let d = Distribution::TruncatedNormal {
            mean: 0.0,
            std: 1.0,
            low: -2.0,
            high: 2.0,
        };
        assert!((d.std() - 0.879_625_661_034_239_8).abs() < 1e-15);
        assert_eq!(d.mean(), 0.0);
    }

    #[test]
    fn one_sided_truncation_moments_match_the_half_normal() {
        // Half-normal: mean sqrt(2/π), variance 1 − 2/π.
        let d = Distribution::TruncatedNormal {
            mean: 0.0,
            std: 1.0,
            low: 0.0,
            high: f64::INFINITY,
        };
        let pi = core::f64::consts::PI;
        assert!((d.mean() - libm::sqrt(2.0 / pi)).abs() < 1e-15);
        assert!((d.variance() - (1.0 - 2.0 / pi)).abs() < 1e-15);
    }

    #[test]
    fn validation_rejects_bad_parameters() {
        use InitError::*;
        let n = |mean, std| Distribution::Normal { mean, std }.validate();
        assert_eq!(n(0.0, -1.0), Err(InvalidParameter { name: "std" }));
        assert_eq!(n(f64::NAN, 1.0), Err(InvalidParameter { name: "mean" }));
        assert_eq!(n(0.0, f64::INFINITY), Err(InvalidParameter { name: "std" }));
        let u = |low, high| Distribution::Uniform { low, high }.validate();
        assert_eq!(u(1.0, 1.0), Err(EmptyInterval));
        assert_eq!(
            u(-f64::MAX, f64::MAX),
            Err(InvalidParameter { name: "high - low" })
        );
        let t = |low, high| {
            Distribution::TruncatedNormal {
                mean: 0.0,
                std: 1.0,
                low,
                high,
            }
            .validate()
        };
        assert_eq!(t(1.0, -1.0), Err(EmptyInterval));
        assert_eq!(
            t(f64::INFINITY, f64::INFINITY),
            Err(InvalidParameter { name: "low" })
        );
        assert_eq!(t(f64::NEG_INFINITY, f64::INFINITY), Ok(()));
        assert_eq!(
            Distribution::Constant(f64::NAN).validate(),
            Err(InvalidParameter { name: "value" })
        );
    }
}
