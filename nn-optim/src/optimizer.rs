//! The network API: an optimizer whose state has the model's own type, held
//! by value or, with the `alloc` feature, in heap boxes.

#[cfg(feature = "alloc")]
use alloc::boxed::Box;
use core::borrow::{Borrow, BorrowMut};
use core::marker::PhantomData;

use nn_core::{ParamKind, Params};

use crate::error::{ConfigError, StepError};
use crate::rule::{Rule, check};

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

/// An optimizer for a network `M`: the algorithm `R` plus its state
/// `R::State<S>` (for example [`AdamState`](crate::AdamState): `m` and `v`),
/// whose buffers are shaped like the model. Only the buffers the rule's type
/// keeps exist: Adam without AMSGrad holds two, plain SGD none.
///
/// `S` is one state buffer: by default a copy of the model itself
/// ([`new`](Optimizer::new)), so the state sits inside the optimizer, is
/// sized at compile time and needs no heap (what a microcontroller uses);
/// or `Box<M>` (`new_boxed`, with the `alloc` feature), so each buffer has
/// its own heap allocation and the optimizer is a few words, for networks
/// whose state does not fit on a thread's stack. Both compute the same bits.
///
/// Use it through the aliases [`Sgd`](crate::Sgd), [`Adam`](crate::Adam),
/// [`AdamW`](crate::AdamW), ... (`Adam<F, M>` keeps its state by value,
/// `Adam<F, M, Box<M>>` on the heap).
#[derive(Clone, Debug)]
pub struct Optimizer<R: Rule, M, S = M> {
    rule: R,
    state: R::State<S>,
    decay: DecayFilter,
    model: PhantomData<fn(&M)>,
}

impl<R, M> Optimizer<R, M>
where
    R: Rule,
    M: Params<R::Float> + Clone,
{
    /// Validates `config` and makes zero state shaped like `model`, held by
    /// value inside the optimizer (one model's size per buffer, wherever the
    /// optimizer lives; for networks too big for a stack, `new_boxed`).
    pub fn new(config: R::Config, model: &M) -> Result<Self, ConfigError> {
        Self::with_state(config, || model.zeroed())
    }
}

#[cfg(feature = "alloc")]
impl<R, M> Optimizer<R, M, Box<M>>
where
    R: Rule,
    M: Params<R::Float> + Copy,
{
    /// As [`new`](Optimizer::new), but each state buffer is a zeroed copy of
    /// `model` in its own heap allocation, made there without a copy on the
    /// stack ([`nn_core::boxed_copy`]). The optimizer itself is a few words,
    /// so a network whose state would overflow a thread's stack (Adam's
    /// two copies of a 784-1024-256-10 `f32` network are 8.6 MB) can be
    /// built and stepped anywhere. Needs the `alloc` feature; the steps are
    /// bit-identical to those of the optimizer from `new`.
    ///
    /// ```
    /// use nn_core::{boxed_zeroed, Dense, Params, Relu, Seq};
    /// use nn_optim::{Adam, AdamConfig};
    ///
    /// type Net = Seq![Dense<f32, 784, 1024>, Relu, Dense<f32, 1024, 10>];
    /// let mut net: Box<Net> = boxed_zeroed();
    /// net.fill(0.01);
    /// let mut adam = Adam::new_boxed(AdamConfig::default(), &*net)?;
    /// let mut grads: Box<Net> = boxed_zeroed();
    /// grads.fill(0.5);
    /// adam.step(&mut net, &grads)?;
    /// // The first Adam step moves every parameter by about lr against the gradient's sign.
    /// assert!((net.first.weight[0][0] - 0.009).abs() < 1e-6);
    /// assert!(adam.state().m.params().all(|p| p.values.iter().all(|&m| m == 0.05)));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn new_boxed(config: R::Config, model: &M) -> Result<Self, ConfigError> {
        Self::with_state(config, || {
            let mut buffer = nn_core::boxed_copy(model);
            buffer.fill(<R::Float as nn_core::Float>::ZERO);
            buffer
        })
    }
}

impl<R, M, S> Optimizer<R, M, S>
where
    R: Rule,
    M: Params<R::Float>,
    S: BorrowMut<M>,
{
    /// Validates `config` and makes every state buffer with `make`, which
    /// returns zeros shaped like the model.
    fn with_state(config: R::Config, make: impl FnMut() -> S) -> Result<Self, ConfigError> {
        Ok(Optimizer {
            rule: R::new(config)?,
            state: R::state_from_fn(make),
            decay: decay_all,
            model: PhantomData,
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
    ///
    /// For a runtime-shaped `M`, a gradient tensor that is missing counts as
    /// empty and an extra one as a tensor the model lacks: both are a
    /// [`StepError::LengthMismatch`].
    pub fn step(&mut self, model: &mut M, grads: &M) -> Result<(), StepError> {
        {
            let mut states = R::state_map(R::state_ref(&self.state), |s| {
                Borrow::<M>::borrow(s).params()
            });
            let mut grad_tensors = grads.params();
            let mut tensors = 0;
            for (tensor, p) in model.params().enumerate() {
                let g = grad_tensors.next().map_or(&[][..], |g| g.values);
                let lens = R::state_map(R::state_mut(&mut states), |it| {
                    it.next().map_or(0, |s| s.values.len())
                });
                check(tensor, p.values.len(), g, R::state_iter(lens))?;
                tensors = tensor + 1;
            }
            if let Some(extra) = grad_tensors.next() {
                return Err(StepError::LengthMismatch {
                    tensor: tensors,
                    expected: 0,
                    found: extra.values.len(),
                });
            }
        }
        let coeffs = self.rule.begin_step();
        let mut states = R::state_map(R::state_mut(&mut self.state), |s| {
            BorrowMut::<M>::borrow_mut(s).params_mut()
        });
        for (p, g) in model.params_mut().zip(grads.params()) {
            let slices = R::state_map(R::state_mut(&mut states), |it| {
                it.next().map(|s| s.values).unwrap_or_default()
            });
            R::update(&coeffs, (self.decay)(p.kind), p.values, g.values, slices);
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

    /// The state (for example an [`AdamState`](crate::AdamState) with `m` and `v`).
    pub fn state(&self) -> &R::State<S> {
        &self.state
    }
}

#[cfg(test)]
mod tests {
    use nn_core::{Param, ParamKind, ParamMut, Params};

    use crate::{Present, SgdConfig, SgdRule, StepError};

    use super::Optimizer;

    /// A runtime-shaped model: the first `count` of two tensors of 2 values.
    #[derive(Clone, Debug)]
    struct Ragged {
        tensors: [[f64; 2]; 2],
        count: usize,
    }

    impl Params<f64> for Ragged {
        fn params(&self) -> impl Iterator<Item = Param<'_, f64>> {
            self.tensors[..self.count].iter().map(|t| Param {
                values: t,
                kind: ParamKind::Other,
            })
        }
        fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, f64>> {
            self.tensors[..self.count].iter_mut().map(|t| ParamMut {
                values: t,
                kind: ParamKind::Other,
            })
        }
    }

    /// SGD with a momentum buffer, so that the state has tensors too.
    const MOMENTUM: SgdConfig = SgdConfig {
        lr: 1e-3,
        momentum: 0.9,
        dampening: 0.0,
        weight_decay: 0.0,
        nesterov: false,
    };

    #[test]
    fn missing_or_extra_gradient_tensors_are_errors() {
        let mut model = Ragged {
            tensors: [[1.0; 2]; 2],
            count: 2,
        };
        let mut sgd = Optimizer::<SgdRule<f64, Present>, _>::new(MOMENTUM, &model).unwrap();
        let short = Ragged {
            count: 1,
            ..model.clone()
        };
        assert_eq!(
            sgd.step(&mut model, &short),
            Err(StepError::LengthMismatch {
                tensor: 1,
                expected: 2,
                found: 0
            })
        );
        let mut small = Ragged {
            count: 1,
            ..model.clone()
        };
        let mut sgd = Optimizer::<SgdRule<f64, Present>, _>::new(MOMENTUM, &small).unwrap();
        assert_eq!(
            sgd.step(&mut small, &model),
            Err(StepError::LengthMismatch {
                tensor: 1,
                expected: 0,
                found: 2
            })
        );
        assert_eq!(
            (model.tensors, small.tensors, sgd.steps()),
            ([[1.0; 2]; 2], [[1.0; 2]; 2], 0)
        );
    }
}
