//! Training: a mini-batch loop for any nn-core network, any loss and any
//! nn-optim optimizer, with schedules, clipping, validation, early stopping,
//! a divergence guard, callbacks, a progress bar and data-parallel
//! gradients whose result does not depend on the number of threads.
//!
//! ```
//! use nn_core::{seq, CrossEntropy, Dense, Relu};
//! use nn_init::{Init, SplitMix64};
//! use nn_optim::{Adam, AdamConfig};
//! use nn_std::data::datasets;
//! use nn_std::train::{evaluate, TrainConfig, Trainer};
//!
//! let (train, test) = datasets::iris::<f32>().train_test_split(0.25, 0)?;
//! let scaler = train.fit_standardize();
//! let (train, test) = (train.scaled(&scaler)?, test.scaled(&scaler)?);
//!
//! let mut model = seq![Dense::<f32, 4, 16>::zeros(), Relu, Dense::<f32, 16, 3>::zeros()];
//! Init::he_uniform().apply(&mut model, &mut SplitMix64::new(1))?;
//! let mut adam = Adam::new(AdamConfig { lr: 0.01, ..Default::default() }, &model)?;
//! let config = TrainConfig::<16> { epochs: 60, seed: 1, progress: false, ..Default::default() };
//! let history = Trainer::new(config).fit(&mut model, &mut adam, &CrossEntropy, &train, Some(&test))?;
//!
//! assert_eq!(history.epochs(), 60);
//! let eval = evaluate(&model, &CrossEntropy, &test)?;
//! assert!(eval.accuracy().unwrap() > 0.9);
//! println!("{}", eval.confusion.unwrap()); // the confusion matrix as a table
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod callback;
mod config;
mod error;
mod evaluate;
mod fit;
mod pass;
mod progress;
mod snapshot;
mod stopping;
mod threads;

pub use crate::history::{EpochRecord, History};
pub use callback::{Callback, Control};
pub use config::{Clip, EarlyStopping, TrainConfig};
pub use error::TrainError;
pub use evaluate::{Evaluation, evaluate};
pub use fit::Trainer;
