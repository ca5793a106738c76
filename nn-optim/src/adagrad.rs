//! Adagrad with learning-rate decay and an initial accumulator
//! (`torch.optim.Adagrad`).
//!
//! ```
//! use nn_optim::{AdagradConfig, AdagradRule, AdagradState, Rule};
//! let mut opt = AdagradRule::<f64>::new(AdagradConfig { lr: 0.1, ..AdagradConfig::default() })?;
//! let (mut w, mut sum) = ([1.0], [0.0]);
//! opt.step(&mut w, &[4.0], AdagradState { sum: &mut sum })?;
//! // sum = 16, w -= 0.1 * 4 / (4 + 1e-10)
//! assert!((w[0] - 0.9).abs() < 1e-10);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::marker::PhantomData;

use nn_core::Float;

use crate::error::{ConfigError, check_eps, check_lr, check_weight_decay, ensure};
use crate::macros::multiversion;
use crate::macros::rule_common;
use crate::optimizer::Optimizer;
use crate::rule::{Rule, Update, cut, f};
use crate::sqrt::sqrt;
use crate::state::{state, state_fns};

/// Hyper-parameters of [`AdagradRule`]; `Default` is PyTorch's
/// (`lr = 0.01`, `eps = 1e-10`, the rest 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdagradConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Decay of the learning rate per step, `>= 0`.
    pub lr_decay: f64,
    /// L2 penalty added to the gradient, `>= 0`.
    pub weight_decay: f64,
    /// Starting value of the sum of squared gradients, `>= 0`.
    pub initial_accumulator_value: f64,
    /// Added to the root of the sum (outside the root), `> 0`.
    pub eps: f64,
}

impl Default for AdagradConfig {
    fn default() -> Self {
        AdagradConfig {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
        }
    }
}

impl AdagradConfig {
    /// Checks every hyper-parameter (as [`AdagradRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        ensure(
            self.lr_decay >= 0.0 && self.lr_decay.is_finite(),
            "lr_decay",
            "[0, inf)",
        )?;
        check_weight_decay(self.weight_decay)?;
        ensure(
            self.initial_accumulator_value >= 0.0 && self.initial_accumulator_value.is_finite(),
            "initial_accumulator_value",
            "[0, inf)",
        )?;
        check_eps(self.eps)
    }
}

state! {
    /// The state of [`AdagradRule`].
    pub struct AdagradState<T> {
        /// The sum of squared gradients (zero before the first step; the
        /// initial accumulator value is added on the first step).
        sum: T,
    }
}

/// The Adagrad update on flat slices; state [`AdagradState`].
///
/// `d = g + weight_decay·w`, `clr = lr / (1 + (t − 1)·lr_decay)`,
/// `sum ← sum + d²` (starting at `initial_accumulator_value`),
/// `w ← w − clr·d / (√sum + eps)`.
#[derive(Clone, Copy, Debug)]
pub struct AdagradRule<F> {
    config: AdagradConfig,
    t: u64,
    _float: PhantomData<F>,
}

/// Per-step scalars of [`AdagradRule`].
#[derive(Clone, Copy, Debug)]
pub struct AdagradCoeffs<F> {
    clr: F,
    eps: F,
    weight_decay: F,
    initial: F,
    first: bool,
}

impl<F: Float> Rule for AdagradRule<F> {
    type Config = AdagradConfig;

    rule_common!([lr, eps]);
}

impl<F: Float> Update for AdagradRule<F> {
    type Float = F;
    type Coeffs = AdagradCoeffs<F>;

    state_fns!(AdagradState);

    fn begin_step(&mut self) -> AdagradCoeffs<F> {
        self.t += 1;
        let c = &self.config;
        AdagradCoeffs {
            clr: f(c.lr / (1.0 + (self.t - 1) as f64 * c.lr_decay)),
            eps: f(c.eps),
            weight_decay: f(c.weight_decay),
            initial: f(c.initial_accumulator_value),
            first: self.t == 1,
        }
    }

    fn update(
        c: &AdagradCoeffs<F>,
        decay: bool,
        params: &mut [F],
        grads: &[F],
        state: AdagradState<&mut [F]>,
    ) {
        let wd = if decay { c.weight_decay } else { F::ZERO };
        adagrad_loop(c, wd, params, grads, state.sum);
    }
}

multiversion! {
    /// The Adagrad loop over one tensor.
    fn adagrad_loop<F: Float>(c: &AdagradCoeffs<F>, wd: F, params: &mut [F], grads: &[F], sum: &mut [F]) {
        let has_wd = wd != F::ZERO;
        let n = params.len().min(grads.len()).min(sum.len());
        let sum = cut(sum, n);
        for ((w, &g), s) in params.iter_mut().zip(grads).zip(sum) {
            let d = if has_wd { g + wd * *w } else { g };
            let old = if c.first { c.initial } else { *s };
            *s = old + d * d;
            *w -= c.clr * (d / (sqrt(*s) + c.eps));
        }
    }
}

/// Adagrad for a network `M` (state: the sum of squares, one copy of `M`).
pub type Adagrad<F, M, S = M> = Optimizer<AdagradRule<F>, M, S>;
