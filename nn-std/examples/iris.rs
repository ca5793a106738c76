//! The main job: a 4-16-3 ReLU network on the embedded Iris set
//! (150 flowers, 3 species), 75/25 stratified split, inputs
//! standardized on the training part, Adam, batch 16 (settings:
//! `nn_std::train::job::IRIS`).
//!
//! `cargo run --release -p nn-std --example iris -- [--seed S] [--epochs E] [--out DIR] [--quiet]`
//!
//! Prints a progress bar per epoch (on a terminal), the test confusion matrix
//! and per-class report, and one line
//! `RESULT dataset=iris test_accuracy=<a> epochs=<e> train_seconds=<t> samples_per_second=<r>`.
//! Writes `history.csv`, `curves.svg`, `model.bin` (the model file with its
//! scaler) and `model.rs` (the same as Rust source for flash) into DIR (default `target/iris`).

use nn_format::FileScaler;
use nn_std::io::write_model_files;
use nn_std::train::job::{self, JobArgs};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = JobArgs::parse(std::env::args().skip(1))?;
    let job = job::iris(&args)?;
    job.print_tables(&args);
    // The trained network and its input scaling, as a model file and as
    // Rust source for flash.
    let files = write_model_files(&job.out, &job.model, Some(job.scaler.parts()))?;
    if !args.quiet {
        println!("wrote {} and {}", files.bin.display(), files.rs.display());
    }
    println!("{}", job.result_line(job::IRIS.name));
    Ok(())
}
