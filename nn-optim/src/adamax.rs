//! AdaMax, Adam with the infinity norm (`torch.optim.Adamax`).
//!
//! ```
//! use nn_optim::{AdaMaxConfig, AdaMaxRule, AdaMaxState, Rule};
//! let mut opt = AdaMaxRule::<f64>::new(AdaMaxConfig { lr: 0.1, ..AdaMaxConfig::default() })?;
//! let (mut w, mut m, mut u) = ([1.0], [0.0], [0.0]);
//! opt.step(&mut w, &[3.0], AdaMaxState { m: &mut m, u: &mut u })?;
//! // m = 0.3, u = 3 + 1e-8, w -= 0.1 / 0.1 * 0.3 / u
//! assert!((w[0] - (1.0 - 0.3 / (3.0 + 1e-8))).abs() < 1e-12);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::marker::PhantomData;

use nn_core::Float;

use crate::error::{ConfigError, check_betas, check_eps, check_lr, check_weight_decay};
use crate::macros::multiversion;
use crate::macros::rule_common;
use crate::optimizer::Optimizer;
use crate::rule::{Rule, Update, cut, f, fmax, lerp};
use crate::state::{state, state_fns};

/// Hyper-parameters of [`AdaMaxRule`]; `Default` is PyTorch's
/// (`lr = 2e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`, `weight_decay = 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaMaxConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Decay rates `(β1, β2)`, each in `[0, 1)`.
    pub betas: (f64, f64),
    /// Added to `|g|` inside the max, `> 0`.
    pub eps: f64,
    /// L2 penalty added to the gradient, `>= 0`.
    pub weight_decay: f64,
}

impl Default for AdaMaxConfig {
    fn default() -> Self {
        AdaMaxConfig {
            lr: 2e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

impl AdaMaxConfig {
    /// Checks every hyper-parameter (as [`AdaMaxRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        check_betas(self.betas)?;
        check_eps(self.eps)?;
        check_weight_decay(self.weight_decay)
    }
}

state! {
    /// The state of [`AdaMaxRule`].
    pub struct AdaMaxState<T> {
        /// The first moment `m`.
        m: T,
        /// The infinity norm `u`.
        u: T,
    }
}

/// The AdaMax update on flat slices; state [`AdaMaxState`].
///
/// `d = g + weight_decay·w`, `m ← β1·m + (1 − β1)d`,
/// `u ← max(β2·u, |d| + eps)` (eps inside the max),
/// `w ← w − lr/(1 − β1^t) · m/u`.
#[derive(Clone, Copy, Debug)]
pub struct AdaMaxRule<F> {
    config: AdaMaxConfig,
    t: u64,
    _float: PhantomData<F>,
}

/// Per-step scalars of [`AdaMaxRule`].
#[derive(Clone, Copy, Debug)]
pub struct AdaMaxCoeffs<F> {
    clr: F,
    one_minus_beta1: F,
    beta2: F,
    eps: F,
    weight_decay: F,
}

impl<F: Float> Rule for AdaMaxRule<F> {
    type Config = AdaMaxConfig;

    rule_common!([lr, eps]);
}

impl<F: Float> Update for AdaMaxRule<F> {
    type Float = F;
    type Coeffs = AdaMaxCoeffs<F>;

    state_fns!(AdaMaxState);

    fn begin_step(&mut self) -> AdaMaxCoeffs<F> {
        self.t += 1;
        let c = &self.config;
        let (b1, b2) = c.betas;
        AdaMaxCoeffs {
            clr: f(c.lr / (1.0 - libm::pow(b1, self.t as f64))),
            one_minus_beta1: f(1.0 - b1),
            beta2: f(b2),
            eps: f(c.eps),
            weight_decay: f(c.weight_decay),
        }
    }

    fn update(
        c: &AdaMaxCoeffs<F>,
        decay: bool,
        params: &mut [F],
        grads: &[F],
        state: AdaMaxState<&mut [F]>,
    ) {
        let wd = if decay { c.weight_decay } else { F::ZERO };
        adamax_loop(c, wd, params, grads, state.m, state.u);
    }
}

multiversion! {
    /// The AdaMax loop over one tensor.
    fn adamax_loop<F: Float>(
        c: &AdaMaxCoeffs<F>,
        wd: F,
        params: &mut [F],
        grads: &[F],
        m: &mut [F],
        u: &mut [F],
    ) {
        let has_wd = wd != F::ZERO;
        let n = params.len().min(grads.len()).min(m.len()).min(u.len());
        let (m, u) = (cut(m, n), cut(u, n));
        for (((w, &g), m), u) in params.iter_mut().zip(grads).zip(m).zip(u) {
            let d = if has_wd { g + wd * *w } else { g };
            *m = lerp(*m, d, c.one_minus_beta1);
            *u = fmax(*u * c.beta2, d.abs() + c.eps);
            *w -= c.clr * (*m / *u);
        }
    }
}

/// AdaMax for a network `M` (state: two copies of `M`).
pub type AdaMax<F, M, S = M> = Optimizer<AdaMaxRule<F>, M, S>;
