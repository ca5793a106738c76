//! Learning-rate schedules: the learning rate as a function of the step
//! number, in closed form, composable.
//!
//! Rates are `f64`, like every hyper-parameter here (PyTorch's are Python
//! floats); pass them to [`Optimizer::set_lr`](crate::Optimizer::set_lr) or
//! [`Rule::set_lr`](crate::Rule::set_lr) before each step.
//!
//! ```
//! use nn_optim::{CosineAnnealing, LinearWarmup, Schedule};
//! // 10 warm-up steps from 0.1·lr to lr, then cosine from 1e-3 down to 0 over 90 steps.
//! let s = LinearWarmup::new(0.1, 10, CosineAnnealing { base: 1e-3, min: 0.0, period: 90 })?;
//! assert!((s.lr(0) - 1e-4).abs() < 1e-18);
//! assert!((s.lr(10) - 1e-3).abs() < 1e-18);
//! assert!((s.lr(55) - 5e-4).abs() < 1e-15);
//! assert!(s.lr(100).abs() < 1e-18);
//! # Ok::<(), nn_optim::ConfigError>(())
//! ```

use crate::error::{ConfigError, ensure};

/// A learning rate for each step number (0 for the first step).
pub trait Schedule {
    /// The learning rate of step `step`.
    fn lr(&self, step: u64) -> f64;
}

/// The same rate at every step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant(pub f64);

impl Schedule for Constant {
    fn lr(&self, _: u64) -> f64 {
        self.0
    }
}

/// `base · gamma^⌊step / every⌋` (PyTorch's `StepLR`); `every == 0` is read as 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepDecay {
    /// Rate of the first steps.
    pub base: f64,
    /// Factor applied every `every` steps.
    pub gamma: f64,
    /// Steps between two decays.
    pub every: u64,
}

impl Schedule for StepDecay {
    fn lr(&self, step: u64) -> f64 {
        self.base * libm::pow(self.gamma, (step / self.every.max(1)) as f64)
    }
}

/// `base · gamma^step` (PyTorch's `ExponentialLR`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    /// Rate of step 0.
    pub base: f64,
    /// Factor per step.
    pub gamma: f64,
}

impl Schedule for Exponential {
    fn lr(&self, step: u64) -> f64 {
        self.base * libm::pow(self.gamma, step as f64)
    }
}

/// `min + (base − min)·(1 + cos(π·step/period))/2` (the closed form of
/// PyTorch's `CosineAnnealingLR`): from `base` at step 0 to `min` at
/// `step == period`, and held at `min` after it. `period == 0` gives `min`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CosineAnnealing {
    /// Rate of step 0.
    pub base: f64,
    /// Rate at and after `period`.
    pub min: f64,
    /// Steps from `base` to `min`.
    pub period: u64,
}

impl Schedule for CosineAnnealing {
    fn lr(&self, step: u64) -> f64 {
        if step >= self.period {
            return self.min;
        }
        let phase = core::f64::consts::PI * step as f64 / self.period as f64;
        self.min + (self.base - self.min) * (1.0 + libm::cos(phase)) / 2.0
    }
}

/// A linear ramp from `start_factor · then.lr(0)` at step 0 to `then.lr(0)` at
/// step `steps`, followed by `then` (which starts over at its step 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearWarmup<S> {
    start_factor: f64,
    steps: u64,
    then: S,
}

impl<S> LinearWarmup<S> {
    /// A ramp of `steps` steps starting at `start_factor` (a fraction of the
    /// rate, in `[0, 1]`), then `then`.
    ///
    /// # Errors
    /// [`ConfigError::OutOfRange`] naming `start_factor` when it is outside
    /// `[0, 1]` or NaN.
    pub fn new(start_factor: f64, steps: u64, then: S) -> Result<Self, ConfigError> {
        ensure(
            (0.0..=1.0).contains(&start_factor),
            "start_factor",
            "[0, 1]",
        )?;
        Ok(LinearWarmup {
            start_factor,
            steps,
            then,
        })
    }

    /// The fraction of the rate at step 0.
    pub fn start_factor(&self) -> f64 {
        self.start_factor
    }

    /// The length of the ramp.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The schedule after the ramp.
    pub fn then(&self) -> &S {
        &self.then
    }
}

impl<S: Schedule> Schedule for LinearWarmup<S> {
    fn lr(&self, step: u64) -> f64 {
        if step >= self.steps {
            return self.then.lr(step - self.steps);
        }
        let frac = step as f64 / self.steps as f64;
        self.then.lr(0) * (self.start_factor + (1.0 - self.start_factor) * frac)
    }
}

/// `first` for steps below `switch_at`, then `second` starting over at its
/// step 0 (PyTorch's `SequentialLR`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sequence<A, B> {
    /// The schedule of the first steps.
    pub first: A,
    /// Step at which `second` takes over.
    pub switch_at: u64,
    /// The schedule after the switch.
    pub second: B,
}

impl<A: Schedule, B: Schedule> Schedule for Sequence<A, B> {
    fn lr(&self, step: u64) -> f64 {
        if step < self.switch_at {
            self.first.lr(step)
        } else {
            self.second.lr(step - self.switch_at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15 * b.abs().max(1e-300)
    }

    #[test]
    fn constant_is_constant() {
        assert_eq!(Constant(0.3).lr(0), 0.3);
        assert_eq!(Constant(0.3).lr(1_000_000), 0.3);
    }

    #[test]
    fn step_decay_drops_every_n_steps() {
        let s = StepDecay {
            base: 0.5,
            gamma: 0.1,
            every: 3,
        };
        assert_eq!(s.lr(0), 0.5);
        assert_eq!(s.lr(2), 0.5);
        assert!(close(s.lr(3), 0.05));
        assert!(close(s.lr(5), 0.05));
        assert!(close(s.lr(6), 0.005));
        let every_zero = StepDecay { every: 0, ..s };
        assert!(close(every_zero.lr(2), 0.005));
    }

    #[test]
    fn exponential_is_base_times_gamma_to_the_step() {
        let s = Exponential {
            base: 2.0,
            gamma: 0.5,
        };
        assert_eq!(s.lr(0), 2.0);
        assert_eq!(s.lr(5), 2.0 / 32.0);
    }

    #[test]
    fn cosine_annealing_closed_form() {
        let s = CosineAnnealing {
            base: 1.0,
            min: 0.2,
            period: 8,
        };
        assert_eq!(s.lr(0), 1.0);
        // quarter period: (1 + cos(π/4))/2 = (2 + √2)/4.
        let quarter = 0.2 + 0.8 * (2.0 + core::f64::consts::SQRT_2) / 4.0;
        assert!(close(s.lr(2), quarter));
        assert!(close(s.lr(4), 0.6));
        assert_eq!(s.lr(8), 0.2);
        assert_eq!(s.lr(9), 0.2);
        assert_eq!(CosineAnnealing { period: 0, ..s }.lr(0), 0.2);
    }

    #[test]
    fn warmup_ramps_linearly_then_hands_over() {
        let then = Exponential {
            base: 0.8,
            gamma: 0.5,
        };
        let s = LinearWarmup::new(0.0, 4, then).unwrap();
        assert_eq!(s.lr(0), 0.0);
        assert!(close(s.lr(1), 0.2));
        assert!(close(s.lr(3), 0.6));
        assert_eq!(s.lr(4), 0.8);
        assert_eq!(s.lr(5), 0.4);
    }

    #[test]
    fn warmup_refuses_a_start_factor_outside_0_1() {
        for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(
                LinearWarmup::new(bad, 4, Constant(0.1)),
                Err(ConfigError::OutOfRange {
                    name: "start_factor",
                    allowed: "[0, 1]"
                })
            );
        }
        assert!(LinearWarmup::new(1.0, 4, Constant(0.1)).is_ok());
    }

    #[test]
    fn sequence_switches_and_restarts_the_second() {
        let s = Sequence {
            first: Constant(0.1),
            switch_at: 2,
            second: StepDecay {
                base: 1.0,
                gamma: 0.5,
                every: 1,
            },
        };
        assert_eq!([s.lr(0), s.lr(1), s.lr(2), s.lr(3)], [0.1, 0.1, 1.0, 0.5]);
    }
}
