//! Gradient utilities: clipping by global norm and by value, zeroing and
//! averaging over a mini-batch. Each works on a whole network's gradients
//! (any [`Params`]) and on a plain slice.
//!
//! ```
//! use nn_core::{Dense, Params};
//! use nn_optim::grad;
//! let mut g = Dense::<f64, 2, 1>::from_parts([[3.0, 0.0]], [4.0]);
//! let norm = grad::clip_norm(&mut g, 1.0)?;
//! assert_eq!(norm, 5.0);
//! assert!((g.weight[0][0] - 0.6).abs() < 1e-6 && (g.bias[0] - 0.8).abs() < 1e-6);
//! # Ok::<(), nn_optim::GradError>(())
//! ```

use core::fmt;

use nn_core::{Float, Params};

/// Why a gradient utility refused its input. Nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum GradError {
    /// The gradients' norm is NaN or infinite.
    NonFiniteNorm,
    /// The clipping threshold is not `> 0` (zero, negative or NaN).
    InvalidThreshold,
    /// Averaging over a batch of zero samples.
    EmptyBatch,
}

impl fmt::Display for GradError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GradError::NonFiniteNorm => "the gradient norm is NaN or infinite",
            GradError::InvalidThreshold => "the clipping threshold must be > 0",
            GradError::EmptyBatch => "cannot average over zero samples",
        })
    }
}

impl core::error::Error for GradError {}

/// The Euclidean norm of all gradients together.
pub fn global_norm<F: Float, M: Params<F>>(grads: &M) -> F {
    grads
        .params()
        .map(|p| sum_squares(p.values))
        .fold(F::ZERO, |a, b| a + b)
        .sqrt()
}

/// Clips by global norm as `torch.nn.utils.clip_grad_norm_` does: with
/// `n` the global norm, scales every gradient by `max_norm / (n + 1e-6)` when
/// that is below 1. Returns `n` (before clipping).
pub fn clip_norm<F: Float, M: Params<F>>(grads: &mut M, max_norm: F) -> Result<F, GradError> {
    let norm = global_norm(grads);
    if let Some(factor) = clip_factor(norm, max_norm)? {
        grads.scale(factor);
    }
    Ok(norm)
}

/// [`clip_norm`] for one slice.
pub fn clip_norm_slice<F: Float>(grads: &mut [F], max_norm: F) -> Result<F, GradError> {
    let norm = sum_squares(grads).sqrt();
    if let Some(factor) = clip_factor(norm, max_norm)? {
        grads.iter_mut().for_each(|g| *g *= factor);
    }
    Ok(norm)
}

/// Clamps every gradient to `[-clip, clip]` (`torch.nn.utils.clip_grad_value_`).
pub fn clip_value<F: Float, M: Params<F>>(grads: &mut M, clip: F) -> Result<(), GradError> {
    check_threshold(clip)?;
    for p in grads.params_mut() {
        clamp(p.values, clip);
    }
    Ok(())
}

/// [`clip_value`] for one slice.
pub fn clip_value_slice<F: Float>(grads: &mut [F], clip: F) -> Result<(), GradError> {
    check_threshold(clip)?;
    clamp(grads, clip);
    Ok(())
}

/// Sets every gradient to zero, before accumulating a new batch.
pub fn zero<F: Float, M: Params<F>>(grads: &mut M) {
    grads.fill(F::ZERO);
}

/// Divides gradients summed over `count` samples by `count`, giving the
/// mini-batch mean that plain SGD on a batch uses.
pub fn average<F: Float, M: Params<F>>(grads: &mut M, count: usize) -> Result<(), GradError> {
    if count == 0 {
        return Err(GradError::EmptyBatch);
    }
    grads.scale(F::ONE / F::from_usize(count));
    Ok(())
}

fn sum_squares<F: Float>(values: &[F]) -> F {
    values.iter().fold(F::ZERO, |a, &v| a + v * v)
}

/// A clipping threshold must be `> 0`: 0 would zero every gradient, and
/// NaN is refused too.
fn check_threshold<F: Float>(t: F) -> Result<(), GradError> {
    if t > F::ZERO {
        Ok(())
    } else {
        Err(GradError::InvalidThreshold)
    }
}

/// The scale factor for clipping, or `None` when no clipping is needed.
fn clip_factor<F: Float>(norm: F, max_norm: F) -> Result<Option<F>, GradError> {
    check_threshold(max_norm)?;
    if !norm.is_finite() {
        return Err(GradError::NonFiniteNorm);
    }
    let factor = max_norm / (norm + F::from_f64(1e-6));
    Ok((factor < F::ONE).then_some(factor))
}

fn clamp<F: Float>(values: &mut [F], clip: F) {
    for v in values {
        if *v > clip {
            *v = clip;
        } else if *v < -clip {
            *v = -clip;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nn_core::Dense;

    #[test]
    fn clip_norm_scales_by_max_over_norm_plus_1e6() {
        let mut g = Dense::<f64, 2, 1>::from_parts([[3.0, 0.0]], [4.0]);
        assert_eq!(global_norm(&g), 5.0);
        assert_eq!(clip_norm(&mut g, 2.0), Ok(5.0));
        let k = 2.0 / (5.0 + 1e-6);
        assert_eq!(g.weight[0], [3.0 * k, 0.0]);
        assert_eq!(g.bias[0], 4.0 * k);
    }

    #[test]
    fn clip_norm_leaves_small_gradients_alone() {
        let mut g = [0.3f32, -0.4];
        assert_eq!(clip_norm_slice(&mut g, 1.0), Ok(0.5));
        assert_eq!(g, [0.3, -0.4]);
    }

    #[test]
    fn clip_norm_refuses_non_finite_and_bad_threshold() {
        let mut g = [1.0f64, f64::INFINITY];
        assert_eq!(clip_norm_slice(&mut g, 1.0), Err(GradError::NonFiniteNorm));
        assert_eq!(g, [1.0, f64::INFINITY]);
        let mut g = [1.0f64];
        assert_eq!(
            clip_norm_slice(&mut g, -1.0),
            Err(GradError::InvalidThreshold)
        );
        assert_eq!(
            clip_norm_slice(&mut g, f64::NAN),
            Err(GradError::InvalidThreshold)
        );
    }

    #[test]
    fn clip_value_clamps_each_element() {
        let mut g = Dense::<f32, 3, 1>::from_parts([[-5.0, 0.5, 2.0]], [-0.25]);
        clip_value(&mut g, 1.0).unwrap();
        assert_eq!(g.weight[0], [-1.0, 0.5, 1.0]);
        assert_eq!(g.bias, [-0.25]);
        let mut s = [3.0f64, -3.0];
        assert_eq!(
            clip_value_slice(&mut s, -0.5),
            Err(GradError::InvalidThreshold)
        );
    }

    /// Clipping at 0 would zero every gradient: refused, nothing changed.
    #[test]
    fn clipping_at_zero_is_refused() {
        let mut s = [3.0f64, -3.0];
        assert_eq!(
            clip_value_slice(&mut s, 0.0),
            Err(GradError::InvalidThreshold)
        );
        assert_eq!(
            clip_norm_slice(&mut s, 0.0),
            Err(GradError::InvalidThreshold)
        );
        let mut g = Dense::<f32, 1, 1>::from_parts([[2.0]], [1.0]);
        assert_eq!(clip_value(&mut g, 0.0), Err(GradError::InvalidThreshold));
        assert_eq!(clip_norm(&mut g, 0.0), Err(GradError::InvalidThreshold));
        assert_eq!((s, g.weight, g.bias), ([3.0, -3.0], [[2.0]], [1.0]));
    }

    #[test]
    fn zero_and_average() {
        let mut g = Dense::<f64, 2, 1>::from_parts([[2.0, 4.0]], [8.0]);
        average(&mut g, 4).unwrap();
        assert_eq!((g.weight[0], g.bias[0]), ([0.5, 1.0], 2.0));
        assert_eq!(average(&mut g, 0), Err(GradError::EmptyBatch));
        zero(&mut g);
        assert_eq!((g.weight[0], g.bias[0]), ([0.0, 0.0], 0.0));
    }
}
