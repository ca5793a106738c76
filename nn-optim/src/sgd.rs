//! Stochastic gradient descent with momentum, dampening, Nesterov momentum and
//! L2 weight decay (`torch.optim.SGD`).
//!
//! ```
//! use nn_core::{Dense, Params};
//! use nn_optim::{SgdConfig, SgdMomentum};
//!
//! let mut layer = Dense::<f64, 2, 1>::from_parts([[1.0, -1.0]], [0.5]);
//! let mut grads = layer.zeroed();
//! grads.fill(1.0);
//! let config = SgdConfig { lr: 0.1, momentum: 0.9, ..SgdConfig::default() };
//! let mut sgd = SgdMomentum::new(config, &layer)?;
//! sgd.step(&mut layer, &grads)?; // first step: buf = g, w -= 0.1 * g
//! sgd.step(&mut layer, &grads)?; // buf = 0.9 * 1 + 1 = 1.9, w -= 0.19
//! assert!((layer.bias[0] - (0.5 - 0.1 - 0.19)).abs() < 1e-12);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::marker::PhantomData;

use nn_core::Float;

use crate::error::{ConfigError, check_lr, check_weight_decay, ensure};
use crate::macros::multiversion;
use crate::macros::rule_common;
use crate::optimizer::Optimizer;
use crate::rule::{Rule, Update, cut, f};
use crate::state::{Absent, Present, Slot, check_slot, state, state_fns};

/// Hyper-parameters of [`SgdRule`]; `Default` is PyTorch's
/// (`lr = 1e-3`, everything else 0 / false).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Momentum factor μ, `>= 0`.
    pub momentum: f64,
    /// Dampening of the gradient in the momentum buffer, in `[0, 1]`.
    pub dampening: f64,
    /// L2 penalty added to the gradient, `>= 0`.
    pub weight_decay: f64,
    /// Nesterov momentum (needs `momentum > 0` and `dampening == 0`).
    pub nesterov: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
        }
    }
}

impl SgdConfig {
    /// Checks every hyper-parameter (as [`SgdRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        ensure(
            self.momentum >= 0.0 && self.momentum.is_finite(),
            "momentum",
            "[0, inf)",
        )?;
        ensure((0.0..=1.0).contains(&self.dampening), "dampening", "[0, 1]")?;
        check_weight_decay(self.weight_decay)?;
        if self.nesterov && self.momentum == 0.0 {
            return Err(ConfigError::NesterovWithoutMomentum);
        }
        if self.nesterov && self.dampening != 0.0 {
            return Err(ConfigError::NesterovWithDampening);
        }
        Ok(())
    }
}

state! {
    /// The state of [`SgdRule`]: the momentum buffer, kept only by
    /// `SgdRule<F, Present>` (momentum `> 0`).
    pub struct SgdState<T, B> {
        ? /// The momentum buffer.
        momentum_buffer: B,
    }
}

/// The SGD update on flat slices; state [`SgdState`]: the momentum buffer when
/// `B` is [`Present`] (the configuration must then have `momentum > 0`, and
/// `momentum == 0` with [`Absent`], the default).
///
/// With `d = g + weight_decay·w`: without momentum `w ← w − lr·d`. With
/// momentum μ the buffer is `buf = d` on the first step (no dampening then) and
/// `buf = μ·buf + (1 − dampening)·d` after; the step is `d + μ·buf` (Nesterov)
/// or `buf`, and `w ← w − lr·step`.
///
/// ```
/// use nn_optim::{Rule, SgdConfig, SgdRule};
/// use nn_optim::SgdState;
/// let mut sgd = SgdRule::<f32>::new(SgdConfig { lr: 0.5, ..SgdConfig::default() })?;
/// let mut w = [1.0f32, 2.0];
/// sgd.step(&mut w, &[2.0, -2.0], SgdState { momentum_buffer: () })?;
/// assert_eq!(w, [0.0, 3.0]);
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SgdRule<F, B: Slot = Absent> {
    config: SgdConfig,
    t: u64,
    _float: PhantomData<(F, B)>,
}

/// Per-step scalars of [`SgdRule`].
#[derive(Clone, Copy, Debug)]
pub struct SgdCoeffs<F> {
    lr: F,
    momentum: F,
    one_minus_dampening: F,
    weight_decay: F,
    nesterov: bool,
    first: bool,
}

impl<F: Float, B: Slot> Rule for SgdRule<F, B> {
    type Config = SgdConfig;

    rule_common!([lr] => |c: &SgdConfig| check_slot::<B>("momentum", c.momentum != 0.0););
}

impl<F: Float, B: Slot> Update for SgdRule<F, B> {
    type Float = F;
    type Coeffs = SgdCoeffs<F>;

    state_fns!(SgdState, B);

    fn begin_step(&mut self) -> SgdCoeffs<F> {
        self.t += 1;
        let c = &self.config;
        SgdCoeffs {
            lr: f(c.lr),
            momentum: f(c.momentum),
            one_minus_dampening: f(1.0 - c.dampening),
            weight_decay: f(c.weight_decay),
            nesterov: c.nesterov,
            first: self.t == 1,
        }
    }

    fn update(
        c: &SgdCoeffs<F>,
        decay: bool,
        params: &mut [F],
        grads: &[F],
        state: SgdState<&mut [F], B>,
    ) {
        let wd = if decay { c.weight_decay } else { F::ZERO };
        match B::into_option(state.momentum_buffer) {
            Some(buf) => sgd_momentum_loop(c, wd, params, grads, buf),
            None => sgd_loop(c, wd, params, grads),
        }
    }
}

multiversion! {
    /// The SGD loop over one tensor, without momentum.
    fn sgd_loop<F: Float>(c: &SgdCoeffs<F>, wd: F, params: &mut [F], grads: &[F]) {
        let has_wd = wd != F::ZERO;
        for (w, &g) in params.iter_mut().zip(grads) {
            let d = if has_wd { g + wd * *w } else { g };
            *w -= c.lr * d;
        }
    }
}

multiversion! {
    /// The SGD loop over one tensor, with a momentum buffer.
    fn sgd_momentum_loop<F: Float>(c: &SgdCoeffs<F>, wd: F, params: &mut [F], grads: &[F], buf: &mut [F]) {
        let has_wd = wd != F::ZERO;
        let (lr, mu, damp1) = (c.lr, c.momentum, c.one_minus_dampening);
        let n = params.len().min(grads.len()).min(buf.len());
        let buf = cut(buf, n);
        for ((w, &g), b) in params.iter_mut().zip(grads).zip(buf) {
            let d = if has_wd { g + wd * *w } else { g };
            let nb = if c.first { d } else { mu * *b + damp1 * d };
            *b = nb;
            let step = if c.nesterov { d + mu * nb } else { nb };
            *w -= lr * step;
        }
    }
}

/// SGD without momentum for a network `M` (no state).
pub type Sgd<F, M, S = M> = Optimizer<SgdRule<F>, M, S>;

/// SGD with momentum for a network `M` (state: the momentum buffer, one copy of `M`).
pub type SgdMomentum<F, M, S = M> = Optimizer<SgdRule<F, Present>, M, S>;
