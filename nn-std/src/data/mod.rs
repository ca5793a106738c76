//! Data: in-memory data sets, embedded real data, synthetic tasks, loaders,
//! splits, shuffling, mini-batches and scaling.
//!
//! A typical training set-up (the `Batch` arrays have the shape nn-core's
//! batched layers and losses take):
//!
//! ```
//! use nn_core::{Dense, Module};
//! use nn_std::data::{datasets, LastBatch};
//! use nn_std::metrics::{ConfusionMatrix, RunningMean};
//!
//! let (train, test) = datasets::digits::<f32>().train_test_split(0.25, 42)?;
//! let scaler = train.fit_standardize(); // fitted on the training part only
//! let (train, test) = (train.scaled(&scaler)?, test.scaled(&scaler)?);
//! let net = Dense::<f32, 64, 10>::zeros();
//! for epoch in 0..2 {
//!     let order = train.epoch_order(42, epoch); // seeded, new each epoch
//!     for batch in train.batches::<32>(Some(&order), LastBatch::Wrap)? {
//!         let logits: [[f32; 10]; 32] = net.forward(&batch.x);
//!         let targets: &[usize; 32] = &batch.y;
//!         // ... loss_and_grad(&logits, targets), backward, optimizer step
//!         # let _ = (logits, targets);
//!     }
//! }
//! let mut cm = ConfusionMatrix::new(10)?.with_class_names(test.class_names());
//! for batch in test.batches::<64>(None, LastBatch::Keep)? {
//!     let logits: [[f32; 10]; 64] = net.forward(&batch.x);
//!     for (scores, &y) in logits[..batch.len].iter().zip(batch.y()) {
//!         cm.add_logits(y, scores)?;
//!     }
//! }
//! assert_eq!(cm.total(), test.len() as u64);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every random choice is seeded (see [`rng`]); every constructor and loader
//! refuses bad data with a precise error ([`DataError`], [`csv::CsvError`],
//! [`idx::IdxError`]).

mod batch;
pub mod csv;
mod dataset;
pub mod datasets;
mod error;
pub mod gzip;
pub mod idx;
pub mod rng;
pub mod synthetic;

pub use batch::{Batch, Batches, LastBatch, batch_count};
pub use dataset::{Dataset, MAX_CLASSES, Target, features_from_flat, features_from_rows, one_hot};
pub use error::DataError;
pub use nn_core::scale::{MinMax, ScaleError, Scaler, Standardize};
