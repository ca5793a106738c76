//! RMSprop, plain, centered and with momentum (`torch.optim.RMSprop`).
//!
//! ```
//! use nn_optim::{RmsPropConfig, RmsPropRule, RmsPropState, Rule};
//! let mut opt = RmsPropRule::<f64>::new(RmsPropConfig { lr: 0.1, ..RmsPropConfig::default() })?;
//! let (mut w, mut v) = ([1.0], [0.0]);
//! opt.step(&mut w, &[2.0], RmsPropState { square_avg: &mut v, grad_avg: (), momentum_buffer: () })?;
//! // v = 0.01 * 4, w -= 0.1 * 2 / (0.2 + 1e-8)
//! assert!((w[0] - (1.0 - 0.1 * 2.0 / (0.04f64.sqrt() + 1e-8))).abs() < 1e-12);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::marker::PhantomData;

use nn_core::Float;

use crate::error::{ConfigError, check_eps, check_lr, check_weight_decay, ensure};
use crate::macros::multiversion;
use crate::macros::rule_common;
use crate::optimizer::Optimizer;
use crate::rule::{Rule, Update, cut, f, lerp};
use crate::sqrt::sqrt;
use crate::state::{Absent, Slot, check_slot, state, state_fns};

/// Hyper-parameters of [`RmsPropRule`]; `Default` is PyTorch's
/// (`lr = 0.01`, `alpha = 0.99`, `eps = 1e-8`, the rest 0 / false).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsPropConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Decay rate α of the running averages, in `[0, 1]`.
    pub alpha: f64,
    /// Added after the root, `> 0`.
    pub eps: f64,
    /// L2 penalty added to the gradient, `>= 0`.
    pub weight_decay: f64,
    /// Momentum factor μ, `>= 0`.
    pub momentum: f64,
    /// Normalise by the estimated variance instead of the raw second moment.
    pub centered: bool,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        RmsPropConfig {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }
}

impl RmsPropConfig {
    /// Checks every hyper-parameter (as [`RmsPropRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        ensure((0.0..=1.0).contains(&self.alpha), "alpha", "[0, 1]")?;
        check_eps(self.eps)?;
        check_weight_decay(self.weight_decay)?;
        ensure(
            self.momentum >= 0.0 && self.momentum.is_finite(),
            "momentum",
            "[0, inf)",
        )
    }
}

state! {
    /// The state of [`RmsPropRule`]: the mean square, and the optional
    /// buffers that `G` (centered) and `B` (momentum) keep.
    pub struct RmsPropState<T, G, B> {
        /// The running mean square `v`.
        square_avg: T,
        ? /// The running mean gradient `ḡ` (centered only).
        grad_avg: G,
        ? /// The momentum buffer (momentum only).
        momentum_buffer: B,
    }
}

/// The RMSprop update on flat slices; state [`RmsPropState`], whose
/// optional buffers the type chooses: `G` is [`Present`](crate::Present) exactly when the
/// configuration is centered, `B` exactly when `momentum > 0`.
///
/// `d = g + weight_decay·w`, `v ← αv + (1 − α)d²`. Centered:
/// `ḡ ← ḡ + (1 − α)(d − ḡ)` and `avg = √(v − ḡ²) + eps`; otherwise
/// `avg = √v + eps`. With momentum `buf ← μ·buf + d/avg` and `w ← w − lr·buf`,
/// otherwise `w ← w − lr·d/avg`.
#[derive(Clone, Copy, Debug)]
pub struct RmsPropRule<F, G: Slot = Absent, B: Slot = Absent> {
    config: RmsPropConfig,
    t: u64,
    _float: PhantomData<(F, G, B)>,
}

/// Per-step scalars of [`RmsPropRule`].
#[derive(Clone, Copy, Debug)]
pub struct RmsPropCoeffs<F> {
    lr: F,
    alpha: F,
    one_minus_alpha: F,
    eps: F,
    weight_decay: F,
    momentum: F,
}

impl<F: Float, G: Slot, B: Slot> Rule for RmsPropRule<F, G, B> {
    type Config = RmsPropConfig;

    rule_common!([lr, eps] => |c: &RmsPropConfig| {
        check_slot::<G>("centered", c.centered)?;
        check_slot::<B>("momentum", c.momentum > 0.0)
    };);
}

impl<F: Float, G: Slot, B: Slot> Update for RmsPropRule<F, G, B> {
    type Float = F;
    type Coeffs = RmsPropCoeffs<F>;

    state_fns!(RmsPropState, G, B);

    fn begin_step(&mut self) -> RmsPropCoeffs<F> {
        self.t += 1;
        let c = &self.config;
        RmsPropCoeffs {
            lr: f(c.lr),
            alpha: f(c.alpha),
            one_minus_alpha: f(1.0 - c.alpha),
            eps: f(c.eps),
            weight_decay: f(c.weight_decay),
            momentum: f(c.momentum),
        }
    }

    fn update(
        c: &RmsPropCoeffs<F>,
        decay: bool,
        params: &mut [F],
        grads: &[F],
        state: RmsPropState<&mut [F], G, B>,
    ) {
        let wd = if decay { c.weight_decay } else { F::ZERO };
        let gbar = G::into_option(state.grad_avg).unwrap_or_default();
        let buf = B::into_option(state.momentum_buffer).unwrap_or_default();
        rmsprop_loop(
            c,
            wd,
            params,
            grads,
            state.square_avg,
            gbar,
            buf,
            G::KEPT,
            B::KEPT,
        );
    }
}

multiversion! {
    /// The RMSprop loop over one tensor, dispatched to its variant.
    fn rmsprop_loop<F: Float>(
        c: &RmsPropCoeffs<F>,
        wd: F,
        params: &mut [F],
        grads: &[F],
        v: &mut [F],
        gbar: &mut [F],
        buf: &mut [F],
        centered: bool,
        momentum: bool,
    ) {
        let state = (v, gbar, buf);
        match (centered, momentum) {
            (false, false) => rmsprop::<F, false, false>(c, wd, params, grads, state),
            (false, true) => rmsprop::<F, false, true>(c, wd, params, grads, state),
            (true, false) => rmsprop::<F, true, false>(c, wd, params, grads, state),
            (true, true) => rmsprop::<F, true, true>(c, wd, params, grads, state),
        }
    }
}

/// The loop, one copy per variant so that each is branch-free.
#[inline(always)]
fn rmsprop<F: Float, const CENTERED: bool, const MOMENTUM: bool>(
    c: &RmsPropCoeffs<F>,
    wd: F,
    params: &mut [F],
    grads: &[F],
    (v, gbar, buf): (&mut [F], &mut [F], &mut [F]),
) {
    let has_wd = wd != F::ZERO;
    let mut n = params.len().min(grads.len()).min(v.len());
    if CENTERED {
        n = n.min(gbar.len());
    }
    if MOMENTUM {
        n = n.min(buf.len());
    }
    let (params, grads, v) = (cut(params, n), &grads[..n], cut(v, n));
    let gbar = if CENTERED { cut(gbar, n) } else { gbar };
    let buf = if MOMENTUM { cut(buf, n) } else { buf };
    for i in 0..n {
        let w = params[i];
        let d = if has_wd { grads[i] + wd * w } else { grads[i] };
        let sq = v[i] * c.alpha + c.one_minus_alpha * d * d;
        v[i] = sq;
        let avg = if CENTERED {
            let gb = lerp(gbar[i], d, c.one_minus_alpha);
            gbar[i] = gb;
            sqrt(sq - gb * gb) + c.eps
        } else {
            sqrt(sq) + c.eps
        };
        params[i] = if MOMENTUM {
            let b = buf[i] * c.momentum + d / avg;
            buf[i] = b;
            w - c.lr * b
        } else {
            w - c.lr * (d / avg)
        };
    }
}

/// RMSprop for a network `M`, neither centered nor with momentum (state: the
/// mean square, one copy of `M`). The other variants are
/// `Optimizer<RmsPropRule<F, G, B>, M>` with [`Present`](crate::Present) for the centered
/// (`G`) and momentum (`B`) buffers they keep.
pub type RmsProp<F, M, S = M> = Optimizer<RmsPropRule<F>, M, S>;
