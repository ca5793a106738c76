//! NAdam, Adam with Nesterov momentum and PyTorch's momentum-decay schedule
//! (`torch.optim.NAdam`).
//!
//! ```
//! use nn_optim::{NAdamConfig, NAdamRule, NAdamState, Rule};
//! let mut opt = NAdamRule::<f64>::new(NAdamConfig::default())?;
//! let (mut w, mut m, mut v) = ([1.0; 2], [0.0; 2], [0.0; 2]);
//! for _ in 0..3 {
//!     opt.step(&mut w, &[1.0, -1.0], NAdamState { m: &mut m, v: &mut v })?;
//! }
//! assert!(w[0] < 1.0 && w[1] > 1.0);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::marker::PhantomData;

use nn_core::Float;

use crate::error::{ConfigError, check_betas, check_eps, check_lr, check_weight_decay, ensure};
use crate::macros::multiversion;
use crate::macros::rule_common;
use crate::optimizer::Optimizer;
use crate::rule::{Rule, Update, cut, f, lerp};
use crate::sqrt::sqrt;
use crate::state::{state, state_fns};

/// Hyper-parameters of [`NAdamRule`]; `Default` is PyTorch's (`lr = 2e-3`,
/// `betas = (0.9, 0.999)`, `eps = 1e-8`, `weight_decay = 0`,
/// `momentum_decay = 4e-3`, L2 decay).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NAdamConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Decay rates `(β1, β2)`, each in `[0, 1)`.
    pub betas: (f64, f64),
    /// Added after the root, `> 0`.
    pub eps: f64,
    /// Weight decay, `>= 0` (L2, or decoupled as in AdamW).
    pub weight_decay: f64,
    /// ψ of the momentum schedule `μ_t = β1·(1 − 0.5·0.96^(t·ψ))`, `>= 0`.
    pub momentum_decay: f64,
    /// Decay the weights directly (`w ← w·(1 − lr·wd)`) instead of adding an L2 term.
    pub decoupled_weight_decay: bool,
}

impl Default for NAdamConfig {
    fn default() -> Self {
        NAdamConfig {
            lr: 2e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 4e-3,
            decoupled_weight_decay: false,
        }
    }
}

impl NAdamConfig {
    /// Checks every hyper-parameter (as [`NAdamRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        check_betas(self.betas)?;
        check_eps(self.eps)?;
        check_weight_decay(self.weight_decay)?;
        ensure(
            self.momentum_decay >= 0.0 && self.momentum_decay.is_finite(),
            "momentum_decay",
            "[0, inf)",
        )
    }
}

state! {
    /// The state of [`NAdamRule`].
    pub struct NAdamState<T> {
        /// The first moment `m`.
        m: T,
        /// The second moment `v`.
        v: T,
    }
}

/// The NAdam update on flat slices; state [`NAdamState`].
///
/// `μ_t = β1·(1 − 0.5·0.96^(t·ψ))`, `Π_t = Π_{t−1}·μ_t` (`Π_0 = 1`);
/// `m`, `v` as in Adam; `denom = √(v/(1 − β2^t)) + eps`; then
/// `w ← w − lr·(1 − μ_t)/(1 − Π_t) · d/denom − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/denom`.
/// The loop takes `1/denom` once and multiplies (one division per element
/// instead of PyTorch's two), which can differ in the last bit.
#[derive(Clone, Copy, Debug)]
pub struct NAdamRule<F> {
    config: NAdamConfig,
    t: u64,
    mu_product: f64,
    _float: PhantomData<F>,
}

/// Per-step scalars of [`NAdamRule`].
#[derive(Clone, Copy, Debug)]
pub struct NAdamCoeffs<F> {
    grad_step: F,
    momentum_step: F,
    inv_bc2: F,
    one_minus_beta1: F,
    beta2: F,
    one_minus_beta2: F,
    eps: F,
    l2: F,
    shrink: F,
}

impl<F: Float> Rule for NAdamRule<F> {
    type Config = NAdamConfig;

    rule_common!([lr, eps] mu_product: 1.0);
}

impl<F: Float> Update for NAdamRule<F> {
    type Float = F;
    type Coeffs = NAdamCoeffs<F>;

    state_fns!(NAdamState);

    fn begin_step(&mut self) -> NAdamCoeffs<F> {
        self.t += 1;
        let c = &self.config;
        let t = self.t as f64;
        let (b1, b2) = c.betas;
        let mu = b1 * (1.0 - 0.5 * libm::pow(0.96, t * c.momentum_decay));
        let mu_next = b1 * (1.0 - 0.5 * libm::pow(0.96, (t + 1.0) * c.momentum_decay));
        self.mu_product *= mu;
        let mu_product_next = self.mu_product * mu_next;
        let (l2, shrink) = if c.decoupled_weight_decay {
            (0.0, 1.0 - c.lr * c.weight_decay)
        } else {
            (c.weight_decay, 1.0)
        };
        NAdamCoeffs {
            grad_step: f(-c.lr * (1.0 - mu) / (1.0 - self.mu_product)),
            momentum_step: f((-c.lr * mu_next) / (1.0 - mu_product_next)),
            inv_bc2: f(1.0 / (1.0 - libm::pow(b2, t))),
            one_minus_beta1: f(1.0 - b1),
            beta2: f(b2),
            one_minus_beta2: f(1.0 - b2),
            eps: f(c.eps),
            l2: f(l2),
            shrink: f(shrink),
        }
    }

    fn update(
        c: &NAdamCoeffs<F>,
        decay: bool,
        params: &mut [F],
        grads: &[F],
        state: NAdamState<&mut [F]>,
    ) {
        let (l2, shrink) = if decay {
            (c.l2, c.shrink)
        } else {
            (F::ZERO, F::ONE)
        };
        nadam_loop(c, l2, shrink, params, grads, state.m, state.v);
    }
}

multiversion! {
    /// The NAdam loop over one tensor.
    fn nadam_loop<F: Float>(
        c: &NAdamCoeffs<F>,
        l2: F,
        shrink: F,
        params: &mut [F],
        grads: &[F],
        m: &mut [F],
        v: &mut [F],
    ) {
        let (has_l2, has_shrink) = (l2 != F::ZERO, shrink != F::ONE);
        let n = params.len().min(grads.len()).min(m.len()).min(v.len());
        let (m, v) = (cut(m, n), cut(v, n));
        for (((w, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
            let d = if has_l2 { g + l2 * *w } else { g };
            if has_shrink {
                *w *= shrink;
            }
            *m = lerp(*m, d, c.one_minus_beta1);
            *v = *v * c.beta2 + c.one_minus_beta2 * d * d;
            let inv_denom = F::ONE / (sqrt(*v * c.inv_bc2) + c.eps);
            *w += c.grad_step * (d * inv_denom);
            *w += c.momentum_step * (*m * inv_denom);
        }
    }
}

/// NAdam for a network `M` (state: two copies of `M`).
pub type NAdam<F, M, S = M> = Optimizer<NAdamRule<F>, M, S>;
