#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod adadelta;
mod adagrad;
mod adam;
mod adamax;
mod error;
pub mod grad;
mod macros;
mod nadam;
mod optimizer;
mod rmsprop;
mod rule;
pub mod schedule;
mod sgd;
mod sqrt;
mod state;

pub use adadelta::{Adadelta, AdadeltaConfig, AdadeltaRule, AdadeltaState};
pub use adagrad::{Adagrad, AdagradConfig, AdagradRule, AdagradState};
pub use adam::{Adam, AdamConfig, AdamRule, AdamState, AdamW, AdamWConfig, AdamWRule, AmsGrad};
pub use adamax::{AdaMax, AdaMaxConfig, AdaMaxRule, AdaMaxState};
pub use error::{ConfigError, StepError};
pub use grad::GradError;
pub use nadam::{NAdam, NAdamConfig, NAdamRule, NAdamState};
pub use optimizer::{DecayFilter, Optimizer, decay_all, decay_except_biases};
pub use rmsprop::{RmsProp, RmsPropConfig, RmsPropRule, RmsPropState};
pub use rule::{Rule, first_non_finite};
pub use schedule::{
    Constant, CosineAnnealing, Exponential, LinearWarmup, Schedule, Sequence, StepDecay,
};
pub use sgd::{Sgd, SgdConfig, SgdMomentum, SgdRule, SgdState};
pub use state::{Absent, Present, Slot};
