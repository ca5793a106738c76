//! The sine shape: TFLite Micro's "hello world" network (1-16-16-1 f32,
//! ReLU after the two hidden layers) with fixed, made-up weights, for
//! counting the cost of a tiny model (`src/bin/cost.rs`). Only the shape
//! matters for the count, not the weights.

use nn_core::{Dense, Relu, Seq, seq};

/// The network type.
pub type Sine = Seq![Dense<f32, 1, 16>, Relu, Dense<f32, 16, 16>, Relu, Dense<f32, 16, 1>];

/// Weights in [-1, 1) from a fixed formula (`seed` varies them per layer).
const fn weights<const IN: usize, const OUT: usize>(seed: usize) -> [[f32; IN]; OUT] {
    let mut w = [[0.0; IN]; OUT];
    let mut o = 0;
    while o < OUT {
        let mut i = 0;
        while i < IN {
            w[o][i] = ((o * IN + i) * 37 % 101 + seed) as f32 / 64.0 - 1.0;
            i += 1;
        }
        o += 1;
    }
    w
}

/// The network, a `static` in flash.
pub static SINE: Sine = seq![
    Dense::from_parts(weights(3), [0.125; 16]),
    Relu,
    Dense::from_parts(weights(11), [-0.0625; 16]),
    Relu,
    Dense::from_parts(weights(29), [0.5]),
];

/// Inputs the cost program runs the network on (x in [0, 2π)).
pub const INPUTS: [f32; 8] = [0.0, 0.7, 1.5, 2.2, 3.1, 4.0, 5.2, 6.1];
