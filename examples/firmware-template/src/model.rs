//! The model and its inputs, shared by the firmware (`main.rs`) and the
//! build script (which runs it on the host for the expected bits). Replace
//! it with your own: for a trained model, `nn export-rs MODEL.bin -o
//! model.rs` writes the `static` (see docs/FIRMWARE.md).
#![allow(dead_code)] // the build script uses part of it

use nn_core::{Dense, Module, Relu, Seq, seq};

/// Inputs and outputs of the network.
pub const IN: usize = 2;
pub const OUT: usize = 1;

/// A 2-2-1 network close to `relu(x0 - x1) + relu(x1 - x0) = |x0 - x1|`:
/// XOR on inputs near 0 and 1.
pub type Net = Seq![Dense<f32, IN, 2>, Relu, Dense<f32, 2, OUT>];

/// The weights, a `static` in flash (rounded values, so that the outputs
/// exercise the float rounding that must agree with the host).
pub static NET: Net = seq![
    Dense::from_parts([[0.9, -1.1], [-1.05, 0.95]], [0.01, -0.02]),
    Relu,
    Dense::from_parts([[1.1, 0.9]], [0.05]),
];

/// The inputs both sides run.
pub const INPUTS: [[f32; IN]; 5] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.3, 0.7]];

/// The inference: what the device and the host both compute.
pub fn infer(x: &[f32; IN]) -> [f32; OUT] {
    NET.forward(x)
}
