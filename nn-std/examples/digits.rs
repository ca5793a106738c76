//! The main job: a 64-32-10 ReLU network on the embedded Digits set
//! (8x8 handwritten digits, 1797 samples), 75/25 stratified split, inputs
//! standardized on the training part, Adam, batch 32 (settings:
//! `DIGITS` in `examples/common/job.rs`).
//!
//! `cargo run --release -p nn-std --example digits -- [--seed S] [--epochs E] [--out DIR] [--quiet]`
//!
//! Prints a progress bar per epoch (on a terminal), the test confusion matrix
//! and per-class report, and one line
//! `RESULT dataset=digits test_accuracy=<a> epochs=<e> train_seconds=<t> samples_per_second=<r>`.
//! Writes `history.csv`, `curves.svg`, `model.bin` (the model file with its
//! scaler) and `model.rs` (the same as Rust source for flash) into DIR (default `target/digits`).

// Shared with the other example, the accuracy test and the firmware's sample
// generator; each uses a part.
#[allow(dead_code)]
#[path = "common/job.rs"]
mod job;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    job::main(job::DIGITS, job::digits)
}
