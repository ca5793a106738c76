//! The [`Rule`] trait: one optimizer algorithm on flat slices. Both the slice
//! API ([`Rule::step`]) and the network API ([`Optimizer`](crate::Optimizer))
//! call the same [`Rule::update`], so each algorithm has exactly one loop.

use nn_core::Float;

use crate::error::{ConfigError, StepError};
use crate::macros::multiversion;

/// One optimizer algorithm: validated hyper-parameters, the step count, and the
/// per-tensor update on flat slices with `K` state slices per tensor.
///
/// For one flat parameter slice, call [`step`](Rule::step). For several
/// tensors updated as one step, call [`check`](Rule::check) on every tensor
/// first, then [`begin_step`](Rule::begin_step) once, then
/// [`update`](Rule::update) on every tensor (this is what
/// [`Optimizer::step`](crate::Optimizer::step) does).
///
/// State slices must be zero before the first step (a fresh `[0.0; N]`);
/// slots that the configuration does not use (see [`uses_slot`](Rule::uses_slot))
/// may be empty slices.
pub trait Rule<const K: usize>: Sized {
    /// The scalar type of parameters, gradients and state.
    type Float: Float;
    /// The hyper-parameters (PyTorch's defaults in `Default`).
    type Config: Copy + Default;
    /// Per-step scalars, computed once per step in `f64` and hoisted out of the loop.
    type Coeffs: Copy;

    /// Validates `config` and starts at step 0.
    fn new(config: Self::Config) -> Result<Self, ConfigError>;
    /// The configuration in use.
    fn config(&self) -> &Self::Config;
    /// The learning rate in use.
    fn lr(&self) -> f64;
    /// Sets the learning rate (for example from a [`Schedule`](crate::Schedule));
    /// refused when negative or not finite.
    fn set_lr(&mut self, lr: f64) -> Result<(), ConfigError>;
    /// Number of steps taken so far.
    fn steps(&self) -> u64;
    /// Whether this configuration reads and writes state slot `slot`.
    fn uses_slot(&self, slot: usize) -> bool;
    /// Counts one step and returns its scalars.
    fn begin_step(&mut self) -> Self::Coeffs;
    /// Updates one tensor in place. `decay` says whether weight decay applies to
    /// it. Assumes the lengths were checked ([`check`](Rule::check)); if a
    /// slice is shorter, only the common prefix is updated (never a panic).
    fn update(
        coeffs: &Self::Coeffs,
        decay: bool,
        params: &mut [Self::Float],
        grads: &[Self::Float],
        state: [&mut [Self::Float]; K],
    );

    /// Checks one tensor (number `tensor`) before a step: the gradient and every
    /// used state slot have the parameters' length, and every gradient is finite.
    fn check(
        &self,
        tensor: usize,
        params_len: usize,
        grads: &[Self::Float],
        state_lens: [usize; K],
    ) -> Result<(), StepError> {
        let mismatch = |found| StepError::LengthMismatch {
            tensor,
            expected: params_len,
            found,
        };
        if grads.len() != params_len {
            return Err(mismatch(grads.len()));
        }
        for (slot, &len) in state_lens.iter().enumerate() {
            if self.uses_slot(slot) && len != params_len {
                return Err(mismatch(len));
            }
        }
        match first_non_finite(grads) {
            Some(index) => Err(StepError::NonFiniteGradient { tensor, index }),
            None => Ok(()),
        }
    }

    /// One step on one flat parameter slice with caller-provided state
    /// (weight decay applies to every element). Nothing changes on error.
    fn step(
        &mut self,
        params: &mut [Self::Float],
        grads: &[Self::Float],
        state: [&mut [Self::Float]; K],
    ) -> Result<(), StepError> {
        self.check(0, params.len(), grads, state.each_ref().map(|s| s.len()))?;
        let coeffs = self.begin_step();
        Self::update(&coeffs, true, params, grads, state);
        Ok(())
    }
}

/// Index of the first NaN or infinite element, if any. Branch-free over
/// blocks of 32 (`x * 0` is NaN exactly when `x` is not finite),
/// so it costs one streaming read of the gradients.
pub fn first_non_finite<F: Float>(values: &[F]) -> Option<usize> {
    let tail = values.chunks_exact(CHECK_BLOCK).remainder();
    if any_nan_in_blocks(values) {
        return values.iter().position(|x| !x.is_finite());
    }
    tail.iter()
        .position(|x| !x.is_finite())
        .map(|i| values.len() - tail.len() + i)
}

/// Elements per block of the finiteness check: four independent sums of 8
/// lanes, so that the adds are not one dependent chain.
const CHECK_BLOCK: usize = 32;

multiversion! {
    /// Whether a whole block holds a NaN or infinity (`x * 0` is NaN then).
    fn any_nan_in_blocks<F: Float>(values: &[F]) -> bool {
        let mut acc = [F::ZERO; CHECK_BLOCK];
        for chunk in values.chunks_exact(CHECK_BLOCK) {
            for (a, &x) in acc.iter_mut().zip(chunk) {
                *a += x * F::ZERO;
            }
        }
        acc.iter().any(|a| a.is_nan())
    }
}

/// The state slots of a tensor, shortened to `n` elements (empty when unused).
#[inline]
pub(crate) fn cut<F>(slice: &mut [F], n: usize) -> &mut [F] {
    let n = n.min(slice.len());
    &mut slice[..n]
}

/// PyTorch's `lerp(start, end, weight)`, used for its running means.
#[inline(always)]
pub(crate) fn lerp<F: Float>(start: F, end: F, weight: F) -> F {
    if weight < F::HALF {
        start + weight * (end - start)
    } else {
        end - (end - start) * (F::ONE - weight)
    }
}

/// The larger of two finite values (compiles to a vector max).
#[inline(always)]
pub(crate) fn fmax<F: Float>(a: F, b: F) -> F {
    if a > b { a } else { b }
}

/// `F` from an `f64` hyper-parameter or per-step scalar.
#[inline]
pub(crate) fn f<F: Float>(x: f64) -> F {
    F::from_f64(x)
}
