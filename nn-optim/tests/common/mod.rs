//! Helpers shared by the integration tests: a tiny seeded PRNG for
//! initialization.

#![allow(dead_code)]

use nn_core::{Float, ParamKind, Params};

/// SplitMix64: a tiny deterministic generator, enough for test initialization.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[-bound, bound)`.
    pub fn uniform(&mut self, bound: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (2.0 * unit - 1.0) * bound
    }
}

/// PyTorch's default `Linear` initialization: weights and biases uniform in
/// `±1/√fan_in`.
pub fn init<F: Float, M: Params<F>>(model: &mut M, seed: u64) {
    let mut rng = SplitMix(seed);
    for p in model.params_mut() {
        let fan_in = match p.kind {
            ParamKind::Weight { fan_in, .. } | ParamKind::Bias { fan_in } => fan_in,
            ParamKind::Other => 1,
        };
        let bound = 1.0 / (fan_in as f64).sqrt();
        for v in p.values.iter_mut() {
            *v = F::from_f64(rng.uniform(bound));
        }
    }
}
