//! The main job: a 64-32-10 ReLU network on the embedded Digits set
//! (8x8 handwritten digits, 1797 samples), 75/25 stratified split, inputs
//! standardized on the training part, Adam, batch 32.
//!
//! `cargo run --release -p nn-std --example digits -- [--seed S] [--epochs E] [--out DIR] [--quiet]`
//!
//! Prints a progress bar per epoch (on a terminal), the test confusion matrix
//! and per-class report, and one line
//! `RESULT dataset=digits test_accuracy=<a> epochs=<e> train_seconds=<t> samples_per_second=<r>`.
//! Writes `history.csv` and `curves.svg` into DIR (default `target/digits`).

use nn_core::{Dense, Relu, Seq, seq};
use nn_std::data::datasets;
use nn_std::train::job::{JobArgs, JobSettings, run_classification};

/// The network: 64 inputs, 32 hidden ReLU units, 10 class logits.
type Net = Seq![Dense<f32, 64, 32>, Relu, Dense<f32, 32, 10>];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = JobArgs::parse(std::env::args().skip(1))?;
    let settings = JobSettings {
        name: "digits",
        epochs: 40,
        lr: 1e-2,
        weight_decay: 1e-4,
        test_fraction: 0.25,
    };
    let model: Net = seq![Dense::zeros(), Relu, Dense::zeros()];
    let job = run_classification::<64, 10, 32, _>(settings, &args, &datasets::digits(), model)?;
    if !args.quiet {
        let cm = job.test.confusion.as_ref().ok_or("no confusion matrix")?;
        println!("\nconfusion matrix (test part):\n{cm}\n\n{}\n", cm.report());
        println!(
            "wrote {0}/history.csv and {0}/curves.svg",
            job.out.display()
        );
    }
    // HOOK(format): save `job.model` and `job.scaler` into `job.out` in the
    // model formats of the persistence issue once helper "format" lands them.
    println!("{}", job.result_line(settings.name));
    Ok(())
}
