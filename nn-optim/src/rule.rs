//! The [`Rule`] trait: one optimizer algorithm on flat slices. Both the slice
//! API ([`Rule::step`]) and the network API ([`Optimizer`](crate::Optimizer))
//! call the same [`Rule::update`], so each algorithm has exactly one loop.

use nn_core::Float;

use crate::error::{ConfigError, StepError};
use crate::macros::multiversion;

/// One optimizer algorithm: validated hyper-parameters, the step count, and the
/// per-tensor update on flat slices with the rule's named state buffers
/// (`Rule::State`, for example [`AdamState`](crate::AdamState)).
///
/// For one flat parameter slice, call [`step`](Rule::step) with the state's
/// buffers as slices; the network API ([`Optimizer`](crate::Optimizer)) keeps
/// the same state as copies of the model and calls the same loop per tensor.
/// The rule's type says which optional buffers it keeps (a [`Slot`](crate::Slot):
/// [`Present`](crate::Present) or [`Absent`](crate::Absent)); a configuration
/// that needs a different set is refused by [`new`](Rule::new). The trait is
/// sealed: its per-step machinery is internal.
pub trait Rule: Update {
    /// The hyper-parameters (PyTorch's defaults in `Default`).
    type Config: Copy + Default;

    /// Validates `config`, also against the state buffers the type keeps,
    /// and starts at step 0.
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

    /// A state whose every buffer is `make()` (for example `|| [0.0; N]`).
    fn state_with<T>(make: impl FnMut() -> T) -> Self::State<T> {
        Self::state_from_fn(make)
    }

    /// Every buffer of `state` as a mutable slice, for [`step`](Rule::step).
    fn slices<'a, T: AsMut<[Self::Float]> + 'a>(
        state: &'a mut Self::State<T>,
    ) -> Self::State<&'a mut [Self::Float]> {
        Self::state_map(Self::state_mut(state), |s| s.as_mut())
    }

    /// One step on one flat parameter slice with caller-provided state
    /// (weight decay applies to every element). Buffers must be zero before
    /// the first step. Nothing changes on error.
    fn step(
        &mut self,
        params: &mut [Self::Float],
        grads: &[Self::Float],
        mut state: Self::State<&mut [Self::Float]>,
    ) -> Result<(), StepError> {
        let lens = Self::state_map(Self::state_mut(&mut state), |s| s.len());
        check(0, params.len(), grads, Self::state_iter(lens))?;
        let coeffs = self.begin_step();
        Self::update(&coeffs, true, params, grads, state);
        Ok(())
    }
}

pub(crate) mod sealed {
    use nn_core::Float;

    /// The internal half of [`Rule`](super::Rule): the state's shape and the
    /// per-step loop. Public in a private module, so nobody outside can
    /// implement or call it; its associated types (`Float`, `State`) are
    /// reachable through `Rule`.
    pub trait Update: Sized {
        /// The scalar type of parameters, gradients and state.
        type Float: Float;
        /// The rule's named state buffers, each a `T`: a copy of the model
        /// for the network API, a `&mut [Float]` for the slice API.
        type State<T>;
        /// Per-step scalars, computed once per step in `f64`.
        type Coeffs: Copy;

        /// A state whose every buffer is `make()`.
        fn state_from_fn<T>(make: impl FnMut() -> T) -> Self::State<T>;
        /// The state with `f` applied to every buffer.
        fn state_map<T, U>(state: Self::State<T>, f: impl FnMut(T) -> U) -> Self::State<U>;
        /// The state's buffers by mutable reference.
        fn state_mut<T>(state: &mut Self::State<T>) -> Self::State<&mut T>;
        /// The state's buffers by reference.
        fn state_ref<T>(state: &Self::State<T>) -> Self::State<&T>;
        /// The state's buffers in field order.
        fn state_iter<T>(state: Self::State<T>) -> impl Iterator<Item = T>;
        /// Counts one step and returns its scalars.
        fn begin_step(&mut self) -> Self::Coeffs;
        /// Updates one tensor in place. `decay` says whether weight decay
        /// applies to it. Assumes the lengths were checked; if a slice is
        /// shorter, only the common prefix is updated (never a panic).
        fn update(
            coeffs: &Self::Coeffs,
            decay: bool,
            params: &mut [Self::Float],
            grads: &[Self::Float],
            state: Self::State<&mut [Self::Float]>,
        );
    }
}

pub(crate) use sealed::Update;

/// Checks one tensor (number `tensor`) before a step: the gradient and every
/// state buffer (lengths `state_lens`) have the parameters' length, and every
/// gradient is finite.
pub(crate) fn check<F: Float>(
    tensor: usize,
    params_len: usize,
    grads: &[F],
    mut state_lens: impl Iterator<Item = usize>,
) -> Result<(), StepError> {
    let mismatch = |found| StepError::LengthMismatch {
        tensor,
        expected: params_len,
        found,
    };
    if grads.len() != params_len {
        return Err(mismatch(grads.len()));
    }
    if let Some(len) = state_lens.find(|&len| len != params_len) {
        return Err(mismatch(len));
    }
    match first_non_finite(grads) {
        Some(index) => Err(StepError::NonFiniteGradient { tensor, index }),
        None => Ok(()),
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

/// A state buffer of a tensor, shortened to `n` elements.
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
