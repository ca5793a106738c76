#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

mod apply;
mod distribution;
mod error;
mod gain;
mod rng;
pub mod sample;
mod scheme;

pub use apply::Initializer;
pub use distribution::Distribution;
pub use error::InitError;
pub use gain::{Nonlinearity, calculate_gain};
pub use rng::SplitMix64;
pub use scheme::{FanMode, Init, TRUNCATION_STD_CORRECTION};

/// The generator trait every sampler takes, re-exported so that callers need
/// no direct `rand_core` dependency.
pub use rand_core::RngCore;
