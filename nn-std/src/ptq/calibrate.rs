//! Activation ranges and their int8 quantization.

use crate::quant::QParams;

/// How an activation tensor's range is chosen from the values it takes on
/// the calibration set. The range is then widened to include 0 (so that 0
/// is exactly representable) and mapped onto `[-128, 127]` by
/// [`affine_params`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Calibrator {
    /// The smallest and largest value seen: TFLite's converter recipe.
    /// One outlier stretches the range and costs resolution everywhere.
    MinMax,
    /// Outlier-robust: the range runs from the `(100 − percent)`-th to the
    /// `percent`-th percentile of the values seen (nearest rank on the
    /// sorted values: the `k`-th smallest value with
    /// `k = ceil(percent / 100 · n)`, and symmetrically from below), so the
    /// most extreme `(100 − percent)` % of the values on each side are
    /// clipped. `percent` must lie in `[50, 100]`; 100 is min/max.
    Percentile {
        /// The upper percentile, for example 99.99.
        percent: f64,
    },
}

impl Calibrator {
    /// The range `(min, max)` of `values` (not yet widened to include 0),
    /// or `None` when `values` is empty, holds a NaN or the percentile is
    /// outside `[50, 100]`.
    ///
    /// ```
    /// use nn_std::ptq::Calibrator;
    /// let values: Vec<f32> = (1..=1000).map(|i| i as f32).chain([1e6]).collect();
    /// assert_eq!(Calibrator::MinMax.range(&values), Some((1.0, 1e6)));
    /// // 1001 values: the 99th percentile is the ceil(990.99) = 991st smallest.
    /// let p99 = Calibrator::Percentile { percent: 99.0 };
    /// assert_eq!(p99.range(&values), Some((11.0, 991.0)));
    /// ```
    pub fn range(self, values: &[f32]) -> Option<(f32, f32)> {
        if values.is_empty() || values.iter().any(|v| v.is_nan()) {
            return None;
        }
        match self {
            Calibrator::MinMax => Some(
                values
                    .iter()
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                        (lo.min(v), hi.max(v))
                    }),
            ),
            Calibrator::Percentile { percent } => {
                if !(50.0..=100.0).contains(&percent) {
                    return None;
                }
                let mut sorted = values.to_vec();
                sorted.sort_by(f32::total_cmp);
                let n = sorted.len();
                // Nearest rank, 1-based, at least 1.
                let rank = ((percent / 100.0 * n as f64).ceil() as usize).clamp(1, n);
                Some((sorted[n - rank], sorted[rank - 1]))
            }
        }
    }
}

/// The converter's int8 quantization of the range `[min, max]`: widened to
/// include 0, `scale = (max − min) / 255` (in f64, stored as f32) and
/// `zero_point = round(−128 − min / scale)` (f64, half away from zero,
/// clamped to `[-128, 127]`). A range of width zero (all values 0) gets
/// scale 1 and zero point −128.
///
/// ```
/// use nn_std::ptq::affine_params;
/// use nn_std::quant::QParams;
/// assert_eq!(affine_params(0.0, 255.0), QParams { scale: 1.0, zero_point: -128 });
/// // Widened to include 0: [1, 2] becomes [0, 2].
/// assert_eq!(affine_params(1.0, 2.0), affine_params(0.0, 2.0));
/// assert_eq!(affine_params(-1.0, 3.0).zero_point, -64); // round(-128 + 63.75)
/// ```
pub fn affine_params(min: f32, max: f32) -> QParams {
    let (min, max) = (f64::from(min.min(0.0)), f64::from(max.max(0.0)));
    let scale = (max - min) / 255.0;
    if scale == 0.0 {
        return QParams {
            scale: 1.0,
            zero_point: -128,
        };
    }
    let zero_point = (-128.0 - min / scale).round().clamp(-128.0, 127.0) as i32;
    QParams {
        scale: scale as f32,
        zero_point,
    }
}
