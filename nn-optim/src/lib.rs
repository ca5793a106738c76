#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

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

pub use adadelta::{Adadelta, AdadeltaCoeffs, AdadeltaConfig, AdadeltaRule};
pub use adagrad::{Adagrad, AdagradCoeffs, AdagradConfig, AdagradRule};
pub use adam::{Adam, AdamCoeffs, AdamConfig, AdamRule, AdamW, AdamWConfig, AdamWRule};
pub use adamax::{AdaMax, AdaMaxCoeffs, AdaMaxConfig, AdaMaxRule};
pub use error::{ConfigError, StepError};
pub use grad::GradError;
pub use nadam::{NAdam, NAdamCoeffs, NAdamConfig, NAdamRule};
pub use optimizer::{DecayFilter, Optimizer, decay_all, decay_except_biases};
pub use rmsprop::{RmsProp, RmsPropCoeffs, RmsPropConfig, RmsPropRule};
pub use rule::{Rule, first_non_finite};
pub use schedule::{
    Constant, CosineAnnealing, Exponential, LinearWarmup, Schedule, Sequence, StepDecay,
};
pub use sgd::{Sgd, SgdConfig, SgdRule};
