//! The main job: a 4-16-3 ReLU network on the embedded Iris set
//! (150 flowers, 3 species), 75/25 stratified split, inputs
//! standardized on the training part, Adam, batch 16.
//!
//! `cargo run --release -p nn-std --example iris -- [--seed S] [--epochs E] [--out DIR] [--quiet]`
//!
//! Prints a progress bar per epoch (on a terminal), the test confusion matrix
//! and per-class report, and one line
//! `RESULT dataset=iris test_accuracy=<a> epochs=<e> train_seconds=<t> samples_per_second=<r>`.
//! Writes `history.csv` and `curves.svg` into DIR (default `target/iris`).

use nn_core::{Dense, Relu, Seq, seq};
use nn_std::data::datasets;
use nn_std::train::job::{JobArgs, JobSettings, run_classification};

/// The network: 4 inputs, 16 hidden ReLU units, 3 class logits.
type Net = Seq![Dense<f32, 4, 16>, Relu, Dense<f32, 16, 3>];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = JobArgs::parse(std::env::args().skip(1))?;
    let settings = JobSettings {
        name: "iris",
        epochs: 100,
        lr: 1e-2,
        weight_decay: 1e-4,
        test_fraction: 0.25,
    };
    let model: Net = seq![Dense::zeros(), Relu, Dense::zeros()];
    let job = run_classification::<4, 3, 16, _>(settings, &args, &datasets::iris(), model)?;
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
