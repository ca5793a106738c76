//! The main job: a 4-16-3 ReLU network on the embedded Iris set
//! (150 flowers, 3 species), 75/25 stratified split, inputs
//! standardized on the training part, Adam, batch 16 (settings:
//! `IRIS` in `examples/common/job.rs`).
//!
//! `cargo run --release -p nn-std --example iris -- [--seed S] [--epochs E] [--out DIR] [--quiet]`
//!
//! Prints a progress bar per epoch (on a terminal), the test confusion matrix
//! and per-class report, and one line
//! `RESULT dataset=iris test_accuracy=<a> epochs=<e> train_seconds=<t> samples_per_second=<r>`.
//! Writes `history.csv`, `curves.svg`, `model.bin` (the model file with its
//! scaler) and `model.rs` (the same as Rust source for flash) into DIR (default `target/iris`).

// Shared with the other example, the accuracy test and the firmware's sample
// generator; each uses a part.
#[allow(dead_code)]
#[path = "common/job.rs"]
mod job;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    job::main(job::IRIS, job::iris)
}
