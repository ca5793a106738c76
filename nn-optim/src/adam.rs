//! Adam with L2 weight decay and AMSGrad (`torch.optim.Adam`), and AdamW with
//! decoupled weight decay (`torch.optim.AdamW`). Both share one loop.
//!
//! ```
//! use nn_core::{Dense, Params};
//! use nn_optim::{Adam, AdamConfig, AdamW, AdamWConfig, decay_except_biases};
//!
//! let mut layer = Dense::<f32, 2, 1>::from_parts([[1.0, -1.0]], [0.0]);
//! let mut grads = layer.zeroed();
//! grads.fill(0.5);
//! let mut adam = Adam::new(AdamConfig { lr: 0.01, ..AdamConfig::default() }, &layer)?;
//! adam.step(&mut layer, &grads)?;
//! // The first Adam step moves every parameter by about lr against the gradient's sign.
//! assert!((layer.weight[0][0] - 0.99).abs() < 1e-6);
//!
//! // AdamW that leaves the biases out of weight decay.
//! let mut adamw = AdamW::new(AdamWConfig::default(), &layer)?.with_decay_filter(decay_except_biases);
//! adamw.step(&mut layer, &grads)?;
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::marker::PhantomData;

use nn_core::Float;

use crate::error::{ConfigError, check_betas, check_eps, check_lr, check_weight_decay};
use crate::macros::multiversion;
use crate::macros::rule_common;
use crate::optimizer::Optimizer;
use crate::rule::{Rule, Update, cut, f, fmax, lerp};
use crate::sqrt::sqrt;
use crate::state::{Absent, Present, Slot, check_slot, state, state_fns};

/// Hyper-parameters of [`AdamRule`]; `Default` is PyTorch's
/// (`lr = 1e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`, `weight_decay = 0`, no AMSGrad).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Decay rates `(β1, β2)` of the first and second moments, each in `[0, 1)`.
    pub betas: (f64, f64),
    /// Added after the root, `> 0`.
    pub eps: f64,
    /// L2 penalty added to the gradient, `>= 0`.
    pub weight_decay: f64,
    /// Use the running maximum of the (uncorrected) second moment.
    pub amsgrad: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }
}

impl AdamConfig {
    /// Checks every hyper-parameter (as [`AdamRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_lr(self.lr)?;
        check_betas(self.betas)?;
        check_eps(self.eps)?;
        check_weight_decay(self.weight_decay)
    }
}

/// Hyper-parameters of [`AdamWRule`]; `Default` is PyTorch's (as Adam, but
/// `weight_decay = 0.01`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamWConfig {
    /// Learning rate, `>= 0`.
    pub lr: f64,
    /// Decay rates `(β1, β2)`, each in `[0, 1)`.
    pub betas: (f64, f64),
    /// Added after the root, `> 0`.
    pub eps: f64,
    /// Decoupled decay: `w ← w·(1 − lr·weight_decay)` before each update, `>= 0`.
    pub weight_decay: f64,
    /// Use the running maximum of the (uncorrected) second moment.
    pub amsgrad: bool,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            weight_decay: 1e-2,
            ..AdamWConfig::from(AdamConfig::default())
        }
    }
}

/// The same fields; only the meaning of `weight_decay` differs.
impl From<AdamConfig> for AdamWConfig {
    fn from(c: AdamConfig) -> Self {
        AdamWConfig {
            lr: c.lr,
            betas: c.betas,
            eps: c.eps,
            weight_decay: c.weight_decay,
            amsgrad: c.amsgrad,
        }
    }
}

/// The same fields; only the meaning of `weight_decay` differs.
impl From<AdamWConfig> for AdamConfig {
    fn from(c: AdamWConfig) -> Self {
        AdamConfig {
            lr: c.lr,
            betas: c.betas,
            eps: c.eps,
            weight_decay: c.weight_decay,
            amsgrad: c.amsgrad,
        }
    }
}

impl AdamWConfig {
    /// Checks every hyper-parameter (as [`AdamWRule::new`] does).
    pub fn validate(&self) -> Result<(), ConfigError> {
        AdamConfig::from(*self).validate()
    }
}

state! {
    /// The state of [`AdamRule`] and [`AdamWRule`]: the two moments, and
    /// AMSGrad's running maximum when `V` is [`Present`].
    pub struct AdamState<T, V> {
        /// The first moment `m`.
        m: T,
        /// The second moment `v`.
        v: T,
        ? /// The running maximum of `v` (AMSGrad only).
        vmax: V,
    }
}

/// The Adam update on flat slices; state [`AdamState`], with `vmax` exactly
/// when `V` is [`Present`] (then the configuration must set `amsgrad`, and
/// must not with [`Absent`], the default).
///
/// `d = g + weight_decay·w`, `m ← β1·m + (1 − β1)d`, `v ← β2·v + (1 − β2)d²`,
/// `bc1 = 1 − β1^t`, `bc2 = 1 − β2^t`; AMSGrad: `vmax ← max(vmax, v)` of the
/// *uncorrected* `v`, used in place of `v`. Then
/// `w ← w − (lr/bc1) · m / (√v/√bc2 + eps)` (eps after the bias correction).
/// The loop multiplies by `1/√bc2` (computed once per step) instead of
/// dividing, which can differ from PyTorch's division in the last bit.
///
/// ```
/// use nn_optim::{AdamConfig, AdamRule, AdamState, Rule};
/// let mut adam = AdamRule::<f32>::new(AdamConfig { lr: 0.1, ..AdamConfig::default() })?;
/// let (mut w, mut m, mut v) = ([1.0f32; 4], [0.0; 4], [0.0; 4]);
/// adam.step(&mut w, &[1.0, -1.0, 2.0, 0.0], AdamState { m: &mut m, v: &mut v, vmax: () })?;
/// assert!((w[0] - 0.9).abs() < 1e-6 && (w[1] - 1.1).abs() < 1e-6 && w[3] == 1.0);
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct AdamRule<F, V: Slot = Absent> {
    config: AdamConfig,
    t: u64,
    _float: PhantomData<(F, V)>,
}

/// The AdamW update on flat slices: as [`AdamRule`] with `d = g` and, before
/// it, `w ← w·(1 − lr·weight_decay)`. Same state.
#[derive(Clone, Copy, Debug)]
pub struct AdamWRule<F, V: Slot = Absent> {
    config: AdamWConfig,
    t: u64,
    _float: PhantomData<(F, V)>,
}

/// Per-step scalars of [`AdamRule`] and [`AdamWRule`].
#[derive(Clone, Copy, Debug)]
pub struct AdamCoeffs<F> {
    step_size: F,
    inv_bc2_sqrt: F,
    one_minus_beta1: F,
    beta2: F,
    one_minus_beta2: F,
    eps: F,
    /// L2 decay (Adam) or 0.
    l2: F,
    /// Decoupled decay factor `1 − lr·wd` (AdamW) or 1.
    shrink: F,
}

/// The scalars of step `t` (counted from 1); `decoupled` puts the weight decay
/// into `shrink` (AdamW) instead of `l2` (Adam).
fn adam_coeffs<F: Float>(c: impl Into<AdamConfig>, t: u64, decoupled: bool) -> AdamCoeffs<F> {
    let c: AdamConfig = c.into();
    let t = t as f64;
    let (b1, b2) = c.betas;
    let bc1 = 1.0 - libm::pow(b1, t);
    let bc2 = 1.0 - libm::pow(b2, t);
    AdamCoeffs {
        step_size: f(c.lr / bc1),
        inv_bc2_sqrt: f(1.0 / libm::sqrt(bc2)),
        one_minus_beta1: f(1.0 - b1),
        beta2: f(b2),
        one_minus_beta2: f(1.0 - b2),
        eps: f(c.eps),
        l2: f(if decoupled { 0.0 } else { c.weight_decay }),
        shrink: f(if decoupled {
            1.0 - c.lr * c.weight_decay
        } else {
            1.0
        }),
    }
}

/// The [`Rule`] impl of Adam (`decoupled = false`) or AdamW (`true`); they
/// differ only in where weight decay goes.
macro_rules! adam_rule {
    ($rule:ident, $config:ty, decoupled = $decoupled:literal) => {
        impl<F: Float, V: Slot> Rule for $rule<F, V> {
            type Config = $config;

            rule_common!([lr, eps] => |c: &$config| check_slot::<V>("amsgrad", c.amsgrad););
        }

        impl<F: Float, V: Slot> Update for $rule<F, V> {
            type Float = F;
            type Coeffs = AdamCoeffs<F>;

            state_fns!(AdamState, V);

            fn begin_step(&mut self) -> AdamCoeffs<F> {
                self.t += 1;
                adam_coeffs(self.config, self.t, $decoupled)
            }

            fn update(
                c: &AdamCoeffs<F>,
                decay: bool,
                params: &mut [F],
                grads: &[F],
                state: AdamState<&mut [F], V>,
            ) {
                let vmax = V::into_option(state.vmax).unwrap_or_default();
                adam_update(c, decay, params, grads, [state.m, state.v, vmax], V::KEPT);
            }
        }
    };
}

adam_rule!(AdamRule, AdamConfig, decoupled = false);
adam_rule!(AdamWRule, AdamWConfig, decoupled = true);

/// The one Adam/AdamW loop, dispatched to a branch-free copy per variant
/// (`amsgrad`: whether `vmax`, the third state slice, is kept).
#[inline]
fn adam_update<F: Float>(
    c: &AdamCoeffs<F>,
    decay: bool,
    params: &mut [F],
    grads: &[F],
    state: [&mut [F]; 3],
    amsgrad: bool,
) {
    let (l2, shrink) = if decay {
        (c.l2, c.shrink)
    } else {
        (F::ZERO, F::ONE)
    };
    let [m, v, vmax] = state;
    adam_loop(c, l2, shrink, params, grads, m, v, vmax, amsgrad);
}

multiversion! {
    /// Picks the variant's loop.
    fn adam_loop<F: Float>(
        c: &AdamCoeffs<F>,
        l2: F,
        shrink: F,
        params: &mut [F],
        grads: &[F],
        m: &mut [F],
        v: &mut [F],
        vmax: &mut [F],
        amsgrad: bool,
    ) {
    let state = (m, v, vmax);
    match (amsgrad, l2 != F::ZERO, shrink != F::ONE) {
        (false, false, false) => {
            adam::<F, false, false, false>(c, l2, shrink, params, grads, state)
        }
        (false, true, _) => adam::<F, false, true, false>(c, l2, shrink, params, grads, state),
        (false, false, true) => adam::<F, false, false, true>(c, l2, shrink, params, grads, state),
        (true, false, false) => adam::<F, true, false, false>(c, l2, shrink, params, grads, state),
        (true, true, _) => adam::<F, true, true, false>(c, l2, shrink, params, grads, state),
        (true, false, true) => adam::<F, true, false, true>(c, l2, shrink, params, grads, state),
    }
    }
}

#[inline(always)]
fn adam<F: Float, const AMS: bool, const L2: bool, const SHRINK: bool>(
    c: &AdamCoeffs<F>,
    l2: F,
    shrink: F,
    params: &mut [F],
    grads: &[F],
    (m, v, vmax): (&mut [F], &mut [F], &mut [F]),
) {
    let mut n = params.len().min(grads.len()).min(m.len()).min(v.len());
    if AMS {
        n = n.min(vmax.len());
    }
    let (params, grads, m, v) = (cut(params, n), &grads[..n], cut(m, n), cut(v, n));
    let vmax = if AMS { cut(vmax, n) } else { vmax };
    for i in 0..n {
        let mut w = params[i];
        let mut d = grads[i];
        if L2 {
            d += l2 * w;
        }
        if SHRINK {
            w *= shrink;
        }
        let mi = lerp(m[i], d, c.one_minus_beta1);
        m[i] = mi;
        let vi = v[i] * c.beta2 + c.one_minus_beta2 * d * d;
        v[i] = vi;
        let vu = if AMS {
            let vm = fmax(vmax[i], vi);
            vmax[i] = vm;
            vm
        } else {
            vi
        };
        let denom = sqrt(vu) * c.inv_bc2_sqrt + c.eps;
        params[i] = w - c.step_size * (mi / denom);
    }
}

/// Adam for a network `M` (state: `m` and `v`, two copies of `M`).
pub type Adam<F, M, S = M> = Optimizer<AdamRule<F>, M, S>;

/// Adam with AMSGrad for a network `M` (state: `m`, `v` and `vmax`, three
/// copies of `M`; the configuration must set `amsgrad`).
pub type AmsGrad<F, M, S = M> = Optimizer<AdamRule<F, Present>, M, S>;

/// AdamW for a network `M` (state as [`Adam`]; with AMSGrad
/// `Optimizer<AdamWRule<F, Present>, M>`).
pub type AdamW<F, M, S = M> = Optimizer<AdamWRule<F>, M, S>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The dispatched loop (AVX2 with `std` on a CPU that has it) and the plain
    /// loop give the same bits, for every variant.
    #[test]
    fn vector_builds_match_the_plain_loop_bit_for_bit() {
        const N: usize = 1003;
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5) as f32
        };
        let mut p0 = [0.0f32; N];
        let mut g = [0.0f32; N];
        let mut s0 = [0.0f32; N];
        for i in 0..N {
            p0[i] = next();
            g[i] = next() * 1e-3;
            s0[i] = next().abs() * 1e-4;
        }
        for (amsgrad, wd) in [(false, 0.0), (true, 0.1)] {
            let cfg = AdamConfig {
                lr: 0.01,
                amsgrad,
                weight_decay: wd,
                ..AdamConfig::default()
            };
            let c = adam_coeffs::<f32>(cfg, 1, false);
            let (mut pa, mut ma, mut va, mut xa) = (p0, s0, s0, s0);
            let (mut pb, mut mb, mut vb, mut xb) = (p0, s0, s0, s0);
            adam_update(&c, true, &mut pa, &g, [&mut ma, &mut va, &mut xa], amsgrad);
            let l2 = c.l2;
            if amsgrad {
                adam::<f32, true, true, false>(
                    &c,
                    l2,
                    F1,
                    &mut pb,
                    &g,
                    (&mut mb[..], &mut vb[..], &mut xb[..]),
                );
            } else {
                adam::<f32, false, false, false>(
                    &c,
                    l2,
                    F1,
                    &mut pb,
                    &g,
                    (&mut mb[..], &mut vb[..], &mut xb[..]),
                );
            }
            let same =
                |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same(&pa, &pb) && same(&ma, &mb) && same(&va, &vb) && same(&xa, &xb));
        }
    }

    const F1: f32 = 1.0;
}
