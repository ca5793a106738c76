//! Data: in-memory data sets, embedded real data, synthetic tasks, loaders,
//! splits, shuffling, mini-batches and scaling.
//!
//! A typical training set-up (the `Batch` arrays have the shape nn-core's
//! batched layers take):
//!
//! ```
//! use nn_std::data::{datasets, LastBatch, Scaler};
//! let (train, test) = datasets::digits::<f32>().train_test_split(0.25, 42)?;
//! let scaler = train.fit_standardize(); // fitted on the training part only
//! let (train, test) = (train.scaled(&scaler)?, test.scaled(&scaler)?);
//! for epoch in 0..2 {
//!     let order = train.epoch_order(42, epoch);
//!     for batch in train.batches::<32>(Some(&order), LastBatch::Keep)? {
//!         let (x, y): (&[[f32; 64]; 32], &[usize; 32]) = (&batch.x, &batch.y);
//!         let real_rows = batch.len; // 32, or fewer in the last batch
//!         # let _ = (x, y, real_rows);
//!     }
//! }
//! # let _ = test;
//! # Ok::<(), nn_std::data::DataError>(())
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
pub use dataset::{Dataset, Target, features_from_flat, features_from_rows, one_hot};
pub use error::DataError;
pub use nn_core::scale::{MinMax, ScaleError, Scaler, Standardize};
