//! Fitted input scalers: standardization and min-max scaling.
//!
//! A scaler is fitted once on the training samples (on the host, with
//! [`Standardize::fit`] or [`MinMax::fit`], which need no allocation either)
//! and then applied to every input, in training and on the device, so that
//! firmware feeds the network exactly as training did. Both are plain values
//! with `const fn from_parts`, so a fitted scaler can be a `static` in flash:
//!
//! ```
//! use nn_core::scale::{Scaler, Standardize};
//! static SCALER: Standardize<f32, 2> = Standardize::from_parts([1.0, 10.0], [0.5, 0.25]);
//! assert_eq!(SCALER.apply(&[3.0, 6.0]), [1.0, -1.0]);
//! ```
//!
//! Constant features (zero spread in the training data) get a factor of 1,
//! as in scikit-learn, so they map to 0 instead of NaN.

use core::fmt;

use crate::Float;

/// Why a scaler could not be fitted or applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ScaleError {
    /// No samples to fit on.
    Empty,
    /// A training value is NaN or infinite.
    NonFinite {
        /// Index of the sample.
        sample: usize,
        /// Index of the feature within the sample.
        feature: usize,
    },
    /// A slice has the wrong length (slice forms only).
    ShapeMismatch {
        /// Elements expected.
        expected: usize,
        /// Elements found.
        found: usize,
    },
}

impl fmt::Display for ScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ScaleError::Empty => f.write_str("cannot fit a scaler on zero samples"),
            ScaleError::NonFinite { sample, feature } => write!(
                f,
                "value of feature {feature} in sample {sample} is NaN or infinite"
            ),
            ScaleError::ShapeMismatch { expected, found } => {
                write!(f, "expected {expected} values, found {found}")
            }
        }
    }
}

impl core::error::Error for ScaleError {}

/// A per-feature affine map `y[i] = (x[i] - offset[i]) * factor[i]`.
///
/// Implemented by [`Standardize`] and [`MinMax`]; generic code (a training
/// loop, firmware) can take any `S: Scaler<F, N>`.
pub trait Scaler<F: Float, const N: usize> {
    /// The value subtracted from each feature.
    fn offset(&self) -> &[F; N];
    /// The factor each centred feature is multiplied by.
    fn factor(&self) -> &[F; N];

    /// Scales one sample.
    #[inline]
    fn apply(&self, x: &[F; N]) -> [F; N] {
        let mut y = *x;
        self.apply_in_place(&mut y);
        y
    }

    /// Scales one sample in place.
    #[inline]
    fn apply_in_place(&self, x: &mut [F; N]) {
        for ((v, &o), &k) in x.iter_mut().zip(self.offset()).zip(self.factor()) {
            *v = (*v - o) * k;
        }
    }

    /// Scales a slice of `N` values in place (for runtime-shaped inputs).
    fn apply_slice(&self, x: &mut [F]) -> Result<(), ScaleError> {
        let found = x.len();
        let x: &mut [F; N] = x
            .try_into()
            .map_err(|_| ScaleError::ShapeMismatch { expected: N, found })?;
        self.apply_in_place(x);
        Ok(())
    }

    /// Maps a scaled sample back to the original units:
    /// `x[i] = y[i] / factor[i] + offset[i]`.
    fn invert(&self, y: &[F; N]) -> [F; N] {
        let mut x = *y;
        for ((v, &o), &k) in x.iter_mut().zip(self.offset()).zip(self.factor()) {
            *v = *v / k + o;
        }
        x
    }
}

/// Standardization: `y = (x - mean) * inv_std`, with the population standard
/// deviation (divisor `n`, as scikit-learn's `StandardScaler`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standardize<F, const N: usize> {
    /// Mean of each feature over the training samples.
    pub mean: [F; N],
    /// `1 / std` of each feature, or 1 where the feature is constant.
    pub inv_std: [F; N],
}

impl<F: Float, const N: usize> Standardize<F, N> {
    /// A scaler from its parts (for example a fitted one stored in flash).
    pub const fn from_parts(mean: [F; N], inv_std: [F; N]) -> Self {
        Self { mean, inv_std }
    }

    /// Fits on training samples: per-feature mean and population standard
    /// deviation, accumulated in `f64` with two passes.
    ///
    /// ```
    /// use nn_core::scale::{Scaler, Standardize};
    /// let s = Standardize::<f64, 2>::fit(&[[1.0, 5.0], [3.0, 5.0]]).unwrap();
    /// assert_eq!(s.mean, [2.0, 5.0]);
    /// assert_eq!(s.inv_std, [1.0, 1.0]); // std 1, and a constant feature
    /// assert_eq!(s.apply(&[3.0, 7.0]), [1.0, 2.0]);
    /// ```
    pub fn fit(samples: &[[F; N]]) -> Result<Self, ScaleError> {
        check_finite(samples)?;
        let n = samples.len() as f64;
        let mut mean = [F::ZERO; N];
        let mut inv_std = [F::ONE; N];
        for i in 0..N {
            let m = samples.iter().map(|x| x[i].to_f64()).sum::<f64>() / n;
            let var = samples
                .iter()
                .map(|x| {
                    let d = x[i].to_f64() - m;
                    d * d
                })
                .sum::<f64>()
                / n;
            let std = Float::sqrt(var);
            mean[i] = F::from_f64(m);
            // A spread that rounds to zero in F (or that is zero) counts as constant.
            let std_f = F::from_f64(std);
            if std_f > F::ZERO && (F::ONE / std_f).is_finite() {
                inv_std[i] = F::from_f64(1.0 / std);
            }
        }
        Ok(Self { mean, inv_std })
    }
}

impl<F: Float, const N: usize> Scaler<F, N> for Standardize<F, N> {
    fn offset(&self) -> &[F; N] {
        &self.mean
    }
    fn factor(&self) -> &[F; N] {
        &self.inv_std
    }
}

/// Min-max scaling to `[0, 1]`: `y = (x - min) * inv_range`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinMax<F, const N: usize> {
    /// Minimum of each feature over the training samples.
    pub min: [F; N],
    /// `1 / (max - min)` of each feature, or 1 where the feature is constant.
    pub inv_range: [F; N],
}

impl<F: Float, const N: usize> MinMax<F, N> {
    /// A scaler from its parts (for example a fitted one stored in flash).
    pub const fn from_parts(min: [F; N], inv_range: [F; N]) -> Self {
        Self { min, inv_range }
    }

    /// Fits on training samples: per-feature minimum and maximum.
    ///
    /// ```
    /// use nn_core::scale::{MinMax, Scaler};
    /// let s = MinMax::<f32, 2>::fit(&[[0.0, 3.0], [4.0, 3.0], [2.0, 3.0]]).unwrap();
    /// assert_eq!(s.apply(&[1.0, 3.0]), [0.25, 0.0]);
    /// ```
    pub fn fit(samples: &[[F; N]]) -> Result<Self, ScaleError> {
        check_finite(samples)?;
        let mut min = samples[0];
        let mut max = samples[0];
        for x in samples {
            for i in 0..N {
                min[i] = min[i].min(x[i]);
                max[i] = max[i].max(x[i]);
            }
        }
        let mut inv_range = [F::ONE; N];
        for i in 0..N {
            let range = max[i] - min[i];
            if range > F::ZERO && (F::ONE / range).is_finite() {
                inv_range[i] = F::ONE / range;
            }
        }
        Ok(Self { min, inv_range })
    }
}

impl<F: Float, const N: usize> Scaler<F, N> for MinMax<F, N> {
    fn offset(&self) -> &[F; N] {
        &self.min
    }
    fn factor(&self) -> &[F; N] {
        &self.inv_range
    }
}

fn check_finite<F: Float, const N: usize>(samples: &[[F; N]]) -> Result<(), ScaleError> {
    if samples.is_empty() {
        return Err(ScaleError::Empty);
    }
    for (s, x) in samples.iter().enumerate() {
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return Err(ScaleError::NonFinite {
                sample: s,
                feature: i,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardize_matches_closed_form() {
        // Feature 0: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population std 2.
        let xs: [[f64; 2]; 8] = [2., 4., 4., 4., 5., 5., 7., 9.].map(|v| [v, -v]);
        let s = Standardize::fit(&xs).unwrap();
        assert_eq!(s.mean, [5.0, -5.0]);
        assert_eq!(s.inv_std, [0.5, 0.5]);
        assert_eq!(s.apply(&[9.0, -9.0]), [2.0, -2.0]);
        assert_eq!(s.invert(&[2.0, -2.0]), [9.0, -9.0]);
        // Scaled training data has mean 0 and std 1.
        let scaled: [[f64; 2]; 8] = xs.map(|x| s.apply(&x));
        let m: f64 = scaled.iter().map(|x| x[0]).sum::<f64>() / 8.0;
        let v: f64 = scaled.iter().map(|x| x[0] * x[0]).sum::<f64>() / 8.0;
        assert!(m.abs() < 1e-15 && (v - 1.0).abs() < 1e-15);
    }

    #[test]
    fn constant_features_give_zero_not_nan() {
        let s = Standardize::<f32, 1>::fit(&[[3.0], [3.0]]).unwrap();
        assert_eq!(s.apply(&[3.0]), [0.0]);
        assert_eq!(s.apply(&[4.0]), [1.0]);
        let m = MinMax::<f32, 1>::fit(&[[3.0]]).unwrap();
        assert_eq!(m.apply(&[3.0]), [0.0]);
        // A denormal spread whose inverse overflows also counts as constant.
        let tiny = Standardize::<f32, 1>::fit(&[[0.0], [2e-45]]).unwrap();
        assert!(tiny.inv_std[0].is_finite());
    }

    #[test]
    fn minmax_maps_training_range_to_unit_interval() {
        let m = MinMax::<f64, 2>::fit(&[[-1.0, 10.0], [3.0, 20.0], [1.0, 15.0]]).unwrap();
        assert_eq!(m.min, [-1.0, 10.0]);
        assert_eq!(m.inv_range, [0.25, 0.1]);
        assert_eq!(m.apply(&[3.0, 10.0]), [1.0, 0.0]);
        assert_eq!(m.apply(&[1.0, 15.0]), [0.5, 0.5]);
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(Standardize::<f32, 2>::fit(&[]), Err(ScaleError::Empty));
        assert_eq!(MinMax::<f32, 2>::fit(&[]), Err(ScaleError::Empty));
        assert_eq!(
            Standardize::<f32, 2>::fit(&[[0.0, 1.0], [f32::NAN, 0.0]]),
            Err(ScaleError::NonFinite {
                sample: 1,
                feature: 0
            })
        );
        assert_eq!(
            MinMax::<f64, 2>::fit(&[[0.0, f64::INFINITY]]),
            Err(ScaleError::NonFinite {
                sample: 0,
                feature: 1
            })
        );
        let s = Standardize::from_parts([1.0f32, 2.0], [1.0, 1.0]);
        let mut three = [0.0f32; 3];
        assert_eq!(
            s.apply_slice(&mut three),
            Err(ScaleError::ShapeMismatch {
                expected: 2,
                found: 3
            })
        );
        let mut two = [2.0f32, 2.0];
        s.apply_slice(&mut two).unwrap();
        assert_eq!(two, [1.0, 0.0]);
    }
}
