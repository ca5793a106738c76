//! The main job behind the `digits` and `iris` examples: split, scale, train
//! with Adam, evaluate, print the confusion matrix and one `RESULT` line,
//! write `history.csv`, `curves.svg`, `model.bin` and `model.rs`.
//!
//! Demo code, not library: the examples, `tests/train_accuracy.rs` and the
//! firmware's sample generator include it with `#[path]`, each using a part.

use std::error::Error;
use std::path::PathBuf;

use nn_core::scale::Standardize;
use nn_core::{CrossEntropy, Dense, Module, Params, Relu, Seq, seq};
use nn_format::{FileScaler, Saveable};
use nn_init::{Init, SplitMix64};
use nn_optim::{Adam, AdamConfig, CosineAnnealing};
use nn_std::data::{Dataset, datasets};
use nn_std::history::History;
use nn_std::io::write_model_files;
use nn_std::train::{Evaluation, TrainConfig, Trainer, evaluate};

/// Command-line options of the examples:
/// `[--seed S] [--epochs E] [--out DIR] [--quiet]`.
#[derive(Clone, Debug, PartialEq)]
pub struct JobArgs {
    /// Seed of the split, the initial weights and the shuffles (default 0).
    pub seed: u64,
    /// Epochs (default: the job's own).
    pub epochs: Option<usize>,
    /// Output directory (default `target/<dataset>`).
    pub out: Option<PathBuf>,
    /// No progress bar and no tables (the `RESULT` line is still printed).
    pub quiet: bool,
}

/// What `--help` prints.
pub const USAGE: &str = "usage: [--seed S] [--epochs E] [--out DIR] [--quiet]
  --seed S     seed of the split, the initial weights and the shuffles (default 0)
  --epochs E   epochs (default: the job's own)
  --out DIR    output directory (default target/<dataset>)
  --quiet      no progress bar and no tables (the RESULT line is still printed)
  -h, --help   print this and exit";

impl JobArgs {
    /// Whether the options ask for the usage (`-h` or `--help` anywhere).
    pub fn wants_help(args: &[String]) -> bool {
        args.iter().any(|a| a == "-h" || a == "--help")
    }

    /// Parses the options (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut out = JobArgs {
            seed: 0,
            epochs: None,
            out: None,
            quiet: false,
        };
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--seed" => out.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
                "--epochs" => {
                    out.epochs = Some(value()?.parse().map_err(|e| format!("--epochs: {e}"))?)
                }
                "--out" => out.out = Some(PathBuf::from(value()?)),
                "--quiet" => out.quiet = true,
                _ => return Err(format!("unknown option {flag}\n{USAGE}")),
            }
        }
        Ok(out)
    }
}

/// The job's fixed settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobSettings {
    /// Name in the `RESULT` line and the default output directory.
    pub name: &'static str,
    /// Epochs unless `--epochs` is given.
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Adam's L2 weight decay.
    pub weight_decay: f64,
    /// Fraction of the data held out for testing (stratified).
    pub test_fraction: f64,
}

/// What a job produced.
#[derive(Clone, Debug)]
pub struct JobOutcome<M, const N: usize> {
    /// The trained network.
    pub model: M,
    /// The input scaling fitted on the training part (apply it before the model).
    pub scaler: Standardize<f32, N>,
    /// Every epoch's figures (validation = the held-out test part, watched
    /// only, never used to choose anything).
    pub history: History,
    /// The trained network on the test part.
    pub test: Evaluation,
    /// Where the files went.
    pub out: PathBuf,
}

/// A job's outcome, or why it failed.
pub type JobResult<M, const N: usize> = Result<JobOutcome<M, N>, Box<dyn Error>>;

impl<M, const N: usize> JobOutcome<M, N> {
    /// Prints the test confusion matrix, the per-class report and where the
    /// files went (nothing with `--quiet`).
    pub fn print_tables(&self, args: &JobArgs) {
        if args.quiet {
            return;
        }
        if let Some(cm) = &self.test.confusion {
            println!("\nconfusion matrix (test part):\n{cm}\n\n{}\n", cm.report());
        }
        let out = self.out.display();
        println!("wrote {out}/history.csv and {out}/curves.svg");
    }

    /// `RESULT dataset=<name> test_accuracy=<a> epochs=<e> train_seconds=<t> samples_per_second=<r>`.
    pub fn result_line(&self, name: &str) -> String {
        format!(
            "RESULT dataset={name} test_accuracy={:.4} epochs={} train_seconds={:.3} samples_per_second={:.0}",
            self.test.accuracy().unwrap_or(f64::NAN),
            self.history.epochs(),
            self.history.train_seconds,
            self.history.samples_per_second()
        )
    }
}

/// Runs the job: stratified split, standardization fitted on the training
/// part, He-uniform initial weights from the seed, Adam with batch `B` and
/// its learning rate annealed to 0 along a cosine over the run,
/// softmax cross-entropy, evaluation on the test part; writes `history.csv`
/// and `curves.svg` into the output directory.
pub fn run_classification<const N: usize, const C: usize, const B: usize, M>(
    settings: JobSettings,
    args: &JobArgs,
    data: &Dataset<f32, N, usize>,
    mut model: M,
) -> JobResult<M, N>
where
    M: Module<[f32; N], Output = [f32; C]>
        + Module<[[f32; N]; B], Output = [[f32; C]; B]>
        + Params<f32>
        + Copy
        + Send
        + Sync,
    <M as Module<[[f32; N]; B]>>::Cache: Send,
{
    let (train, test) = data.train_test_split(settings.test_fraction, args.seed)?;
    let scaler = train.fit_standardize();
    let (train, test) = (train.scaled(&scaler)?, test.scaled(&scaler)?);
    Init::he_uniform().apply(&mut model, &mut SplitMix64::new(args.seed))?;
    let mut adam = Adam::new(
        AdamConfig {
            lr: settings.lr,
            weight_decay: settings.weight_decay,
            ..AdamConfig::default()
        },
        &model,
    )?;
    let config = TrainConfig::<B> {
        epochs: args.epochs.unwrap_or(settings.epochs),
        seed: args.seed,
        progress: !args.quiet,
        ..TrainConfig::default()
    };
    let steps = config.epochs * train.len().div_ceil(B);
    let schedule = CosineAnnealing {
        base: settings.lr,
        min: 0.0,
        period: steps as u64,
    };
    let history = Trainer::new(config).schedule(schedule).fit(
        &mut model,
        &mut adam,
        &CrossEntropy,
        &train,
        Some(&test),
    )?;
    let eval = evaluate(&model, &CrossEntropy, &test)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("target").join(settings.name));
    std::fs::create_dir_all(&out)?;
    history.save_csv(out.join("history.csv"))?;
    let svg = nn_std::history::plot::curves_svg_labelled(&history, "test");
    std::fs::write(out.join("curves.svg"), svg)?;
    Ok(JobOutcome {
        model,
        scaler,
        history,
        test: eval,
        out,
    })
}

/// The Digits job's network: 64 inputs, 32 hidden ReLU units, 10 class logits.
pub type DigitsNet = Seq![Dense<f32, 64, 32>, Relu, Dense<f32, 32, 10>];

/// The Iris job's network: 4 inputs, 16 hidden ReLU units, 3 class logits.
pub type IrisNet = Seq![Dense<f32, 4, 16>, Relu, Dense<f32, 16, 3>];

/// Settings of the Digits job (batch 32): 40 epochs of Adam at 1e-2 with
/// L2 3e-3, annealed to 0; 25 % held out.
pub const DIGITS: JobSettings = JobSettings {
    name: "digits",
    epochs: 40,
    lr: 1e-2,
    weight_decay: 3e-3,
    test_fraction: 0.25,
};

/// Settings of the Iris job (batch 16): 100 epochs of Adam at 1e-2 with
/// L2 1e-2, annealed to 0; 25 % held out.
pub const IRIS: JobSettings = JobSettings {
    name: "iris",
    epochs: 100,
    lr: 1e-2,
    weight_decay: 1e-2,
    test_fraction: 0.25,
};

/// The Digits job: [`DigitsNet`] on the embedded Digits set with [`DIGITS`].
pub fn digits(args: &JobArgs) -> JobResult<DigitsNet, 64> {
    let model: DigitsNet = seq![Dense::zeros(), Relu, Dense::zeros()];
    run_classification::<64, 10, 32, _>(DIGITS, args, &datasets::digits(), model)
}

/// The Iris job: [`IrisNet`] on the embedded Iris set with [`IRIS`].
pub fn iris(args: &JobArgs) -> JobResult<IrisNet, 4> {
    let model: IrisNet = seq![Dense::zeros(), Relu, Dense::zeros()];
    run_classification::<4, 3, 16, _>(IRIS, args, &datasets::iris(), model)
}

/// An example's `main`: parses the options, runs `job`, prints the tables,
/// writes `model.bin` and `model.rs` (the trained network with its input
/// scaling, as a model file and as Rust source for flash) and prints the
/// `RESULT` line.
pub fn main<M: Saveable<f32>, const N: usize>(
    settings: JobSettings,
    job: fn(&JobArgs) -> JobResult<M, N>,
) -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if JobArgs::wants_help(&args) {
        println!("{USAGE}");
        return Ok(());
    }
    let args = JobArgs::parse(args)?;
    let job = job(&args)?;
    job.print_tables(&args);
    let files = write_model_files(&job.out, &job.model, Some(job.scaler.parts()))?;
    if !args.quiet {
        println!("wrote {} and {}", files.bin.display(), files.rs.display());
    }
    println!("{}", job.result_line(settings.name));
    Ok(())
}
