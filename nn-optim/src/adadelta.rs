//! Adadelta (`torch.optim.Adadelta`).
//!
//! ```
//! use nn_optim::{AdadeltaConfig, AdadeltaRule, AdadeltaState, Rule};
//! let mut opt = AdadeltaRule::<f64>::new(AdadeltaConfig::default())?;
//! let (mut w, mut v, mut u) = ([0.0], [0.0], [0.0]);
//! opt.step(&mut w, &[1.0], AdadeltaState { square_avg: &mut v, acc_delta: &mut u })?;
//! // v = 0.1, Δ = √(1e-6) / √(0.1 + 1e-6) · 1
//! let delta = (1e-6f64).sqrt() / (0.1f64 + 1e-6).sqrt();
//! assert!((w[0] + delta).abs() < 1e-15);
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

/// Hyper-parameters of [`AdadeltaRule`]; `Default` is PyTorch's
/// (`lr = 1`, `rho = 0.9`, `eps = 1e-6`, `weight_decay = 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdadeltaConfig {
    /// Learning rate (a scale on Δ), `>= 0`.
    pub lr: f64,
    /// Decay rate ρ of both running averages, in `[0, 1]`.
    pub rho: f64,
    /// Added inside both roots, `> 0`.
    pub eps: f64,
    /// L2 penalty added to the gradient, `>= 0`.
    pub weight_decay: f64,
}

impl Default for AdadeltaConfig {
    fn default() -> Self {
        AdadeltaConfig {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
        }
    }
}

impl AdadeltaConfig {
    /// Checks every hyper-parameter (as [`AdadeltaRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        ensure((0.0..=1.0).contains(&self.rho), "rho", "[0, 1]")?;
        check_eps(self.eps)?;
        check_weight_decay(self.weight_decay)
    }
}

state! {
    /// The state of [`AdadeltaRule`].
    pub struct AdadeltaState<T> {
        /// The running mean of squared gradients `v`.
        square_avg: T,
        /// The running mean of squared updates `u`.
        acc_delta: T,
    }
}

/// The Adadelta update on flat slices; state [`AdadeltaState`].
///
/// `d = g + weight_decay·w`, `v ← ρv + (1 − ρ)d²`,
/// `Δ = √(u + eps) / √(v + eps) · d`, `u ← ρu + (1 − ρ)Δ²`, `w ← w − lr·Δ`.
/// The loop computes `√((u + eps)/(v + eps))` (one root instead of two), which
/// can differ from PyTorch in the last bit.
#[derive(Clone, Copy, Debug)]
pub struct AdadeltaRule<F> {
    config: AdadeltaConfig,
    t: u64,
    _float: PhantomData<F>,
}

/// Per-step scalars of [`AdadeltaRule`].
#[derive(Clone, Copy, Debug)]
pub struct AdadeltaCoeffs<F> {
    lr: F,
    rho: F,
    one_minus_rho: F,
    eps: F,
    weight_decay: F,
}

impl<F: Float> Rule for AdadeltaRule<F> {
    type Config = AdadeltaConfig;

    rule_common!([lr, eps]);
}

impl<F: Float> Update for AdadeltaRule<F> {
    type Float = F;
    type Coeffs = AdadeltaCoeffs<F>;

    state_fns!(AdadeltaState);

    fn begin_step(&mut self) -> AdadeltaCoeffs<F> {
        self.t += 1;
        let c = &self.config;
        AdadeltaCoeffs {
            lr: f(c.lr),
            rho: f(c.rho),
            one_minus_rho: f(1.0 - c.rho),
            eps: f(c.eps),
            weight_decay: f(c.weight_decay),
        }
    }

    fn update(
        c: &AdadeltaCoeffs<F>,
        decay: bool,
        params: &mut [F],
        grads: &[F],
        state: AdadeltaState<&mut [F]>,
    ) {
        let wd = if decay { c.weight_decay } else { F::ZERO };
        adadelta_loop(c, wd, params, grads, state.square_avg, state.acc_delta);
    }
}

multiversion! {
    /// The Adadelta loop over one tensor.
    fn adadelta_loop<F: Float>(
        c: &AdadeltaCoeffs<F>,
        wd: F,
        params: &mut [F],
        grads: &[F],
        v: &mut [F],
        u: &mut [F],
    ) {
        let has_wd = wd != F::ZERO;
        let n = params.len().min(grads.len()).min(v.len()).min(u.len());
        let (v, u) = (cut(v, n), cut(u, n));
        for (((w, &g), v), u) in params.iter_mut().zip(grads).zip(v).zip(u) {
            let d = if has_wd { g + wd * *w } else { g };
            *v = *v * c.rho + c.one_minus_rho * d * d;
            let delta = sqrt((*u + c.eps) / (*v + c.eps)) * d;
            *u = *u * c.rho + c.one_minus_rho * delta * delta;
            *w -= c.lr * delta;
        }
    }
}

/// Adadelta for a network `M` (state: two copies of `M`).
pub type Adadelta<F, M, S = M> = Optimizer<AdadeltaRule<F>, M, S>;
