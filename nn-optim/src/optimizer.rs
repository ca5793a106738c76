//! The network API: an optimizer whose state has the model's own type.

use nn_core::{ParamKind, Params};

use crate::error::{ConfigError, StepError};
use crate::rule::Rule;

/// Which parameter tensors weight decay applies to: a plain function of the
/// tensor's [`ParamKind`].
pub type DecayFilter = fn(ParamKind) -> bool;

/// Weight decay on every tensor (PyTorch's behaviour with one parameter group).
pub fn decay_all(_: ParamKind) -> bool {
    true
}

/// Weight decay on everything except biases (a common recipe for AdamW).
pub fn decay_except_biases(kind: ParamKind) -> bool {
    !kind.is_bias()
}

/// An optimizer for a network `M`: the algorithm `R` plus `K` copies of the
/// model as its state (velocities, moments), so the state is sized at compile
/// time and needs no heap.
///
/// Use it through the aliases [`Sgd`](crate::Sgd), [`Adam`](crate::Adam),
/// [`AdamW`](crate::AdamW), ... A state copy the configuration does not use
/// (for example Adam's `vmax` without AMSGrad) stays zero and is never read.
#[derive(Clone, Debug)]
pub struct Optimizer<R, M, const K: usize> {
    rule: R,
    state: [M; K],
    decay: DecayFilter,
}

impl<R, M, const K: usize> Optimizer<R, M, K>
where
    R: Rule<K>,
    M: Params<R::Float> + Clone,
{
    /// Validates `config` and makes zero state shaped like `model`.
    pub fn new(config: R::Config, model: &M) -> Result<Self, ConfigError> {
        Ok(Optimizer {
            rule: R::new(config)?,
            state: core::array::from_fn(|_| model.zeroed()),
            decay: decay_all,
        })
    }

    /// Applies weight decay only to tensors for which `filter` returns true
    /// (for example [`decay_except_biases`]).
    #[must_use]
    pub fn with_decay_filter(mut self, filter: DecayFilter) -> Self {
        self.decay = filter;
        self
    }

    /// One step: `model -= update(grads)`. Every gradient is checked first;
    /// on error nothing (model, state, step count) has changed.
    pub fn step(&mut self, model: &mut M, grads: &M) -> Result<(), StepError> {
        {
            let mut states = self.state.each_ref().map(|s| s.params());
            for (tensor, (p, g)) in model.params().zip(grads.params()).enumerate() {
                let lens = states
                    .each_mut()
                    .map(|it| it.next().map_or(0, |s| s.values.len()));
                self.rule.check(tensor, p.values.len(), g.values, lens)?;
            }
        }
        let coeffs = self.rule.begin_step();
        let mut states = self.state.each_mut().map(|s| s.params_mut());
        for (p, g) in model.params_mut().zip(grads.params()) {
            let slots = states
                .each_mut()
                .map(|it| it.next().map(|s| s.values).unwrap_or_default());
            R::update(&coeffs, (self.decay)(p.kind), p.values, g.values, slots);
        }
        Ok(())
    }

    /// The algorithm with its configuration and step count.
    pub fn rule(&self) -> &R {
        &self.rule
    }

    /// The learning rate in use.
    pub fn lr(&self) -> f64 {
        self.rule.lr()
    }

    /// Sets the learning rate (for example `schedule.lr(step)`).
    pub fn set_lr(&mut self, lr: f64) -> Result<(), ConfigError> {
        self.rule.set_lr(lr)
    }

    /// Number of steps taken.
    pub fn steps(&self) -> u64 {
        self.rule.steps()
    }

    /// The state copies (for example `[m, v, vmax]` for Adam).
    pub fn state(&self) -> &[M; K] {
        &self.state
    }
}
