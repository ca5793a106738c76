//! Symmetric int8 weights and int32 biases.

/// Whether weights get one scale per output row or one for the whole matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightGranularity {
    /// One scale per output row: TFLite's converter default for dense layers.
    PerChannel,
    /// One scale for the matrix.
    PerTensor,
}

/// Symmetric quantization of `weights` (`[rows][cols]`, row-major):
/// `scale = max|w| / 127` (in f64, stored as f32) over each row or over the
/// whole matrix, `q = round(w / scale)` (f64, half away from zero), which
/// lies in `[-127, 127]`. A group whose weights are all 0 gets scale 1.
/// Returns the int8 weights and the scales (one per row, or one).
///
/// ```
/// use nn_std::ptq::{quantize_weights, WeightGranularity};
/// let w = [1.0, -0.5, 0.0, 0.25];
/// let (q, s) = quantize_weights(&w, 2, WeightGranularity::PerChannel);
/// assert_eq!(q, [127, -64, 0, 127]); // -63.5 rounds away from zero
/// assert_eq!(s, [(1.0 / 127.0f64) as f32, (0.25 / 127.0f64) as f32]);
/// let (q, s) = quantize_weights(&w, 2, WeightGranularity::PerTensor);
/// assert_eq!((q, s), (vec![127, -64, 0, 32], vec![(1.0 / 127.0f64) as f32]));
/// ```
pub fn quantize_weights(
    weights: &[f32],
    cols: usize,
    granularity: WeightGranularity,
) -> (Vec<i8>, Vec<f32>) {
    let group = match granularity {
        WeightGranularity::PerChannel => cols.max(1),
        WeightGranularity::PerTensor => weights.len().max(1),
    };
    let mut q = Vec::with_capacity(weights.len());
    let mut scales = Vec::new();
    for chunk in weights.chunks(group) {
        let max_abs = chunk.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if max_abs == 0.0 {
            1.0
        } else {
            f64::from(max_abs) / 127.0
        };
        q.extend(
            chunk
                .iter()
                .map(|&w| (f64::from(w) / scale).round().clamp(-127.0, 127.0) as i8),
        );
        scales.push(scale as f32);
    }
    (q, scales)
}

/// The int32 bias of an output with input scale `input_scale` and weight
/// scale `weight_scale`: `round(b / (s_in · s_w))` in f64 (half away from
/// zero), or `None` when it does not fit an `i32` (or is not finite).
///
/// ```
/// use nn_std::ptq::quantize_bias;
/// assert_eq!(quantize_bias(0.5, 0.25, 0.5), Some(4));
/// assert_eq!(quantize_bias(-0.3125, 0.25, 0.5), Some(-3)); // -2.5 rounds away
/// assert_eq!(quantize_bias(1e9, 1e-3, 1e-3), None);
/// ```
pub fn quantize_bias(bias: f32, input_scale: f32, weight_scale: f32) -> Option<i32> {
    let q = (f64::from(bias) / (f64::from(input_scale) * f64::from(weight_scale))).round();
    (q.is_finite() && q >= f64::from(i32::MIN) && q <= f64::from(i32::MAX)).then_some(q as i32)
}
