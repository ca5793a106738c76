//! The course's lessons about weight initialization, measured.
//!
//! ```text
//! cargo run --release -p nn-std --example init_lessons -- [--seed S]
//! ```
//!
//! 1. A 10-layer, 256-wide network fed a batch of 512 standard-normal inputs:
//!    the standard deviation of the first and last hidden activations for each
//!    scheme and activation (`RESULT init=.. activation=.. std_first=.. std_last=..`).
//! 2. Symmetry: a 2-8-3 network trained from zeros keeps identical hidden units
//!    (`RESULT symmetry init=.. distinct_hidden_units=.. hidden_units=..`).
//! 3. The He-normal sampler for fan-in 256 (`RESULT sample init=he_normal ..`).

mod lessons;

use lessons::{Activation, SCHEMES, depth_experiment, symmetry_experiment};
use nn_init::{Init, SplitMix64, TRUNCATION_STD_CORRECTION};
use std::process::ExitCode;

const LAYERS: usize = 10;
const WIDTH: usize = 256;
const BATCH: usize = 512;
const SYMMETRY_STEPS: usize = 300;
const SAMPLES: usize = 100_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let seed = match parse_seed(args.into_iter()) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("init_lessons: {msg}");
            return ExitCode::from(2);
        }
    };
    match run(seed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("init_lessons: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What `--help` prints.
const USAGE: &str = "usage: init_lessons [--seed S]
  --seed S     seed of the weights and inputs (default 0)
  -h, --help   print this and exit";

fn parse_seed(mut args: impl Iterator<Item = String>) -> Result<u64, String> {
    let mut seed = 0;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => {
                let v = args.next().ok_or("--seed needs a value")?;
                seed = v.parse().map_err(|_| format!("bad seed `{v}`"))?;
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(seed)
}

fn run(seed: u64) -> Result<(), nn_init::InitError> {
    println!("# Initialization lessons (seed {seed})");
    println!(
        "# 1. {LAYERS} dense layers of {WIDTH} units, biases 0, batch {BATCH} of N(0, 1) inputs"
    );
    let mut rows = Vec::new();
    for activation in [Activation::Tanh, Activation::Relu] {
        for (name, init) in SCHEMES {
            let stds = depth_experiment(&init, activation, LAYERS, WIDTH, BATCH, seed)?;
            println!(
                "RESULT init={name} activation={} std_first={:.6e} std_last={:.6e}",
                activation.name(),
                stds[0],
                stds[LAYERS - 1]
            );
            rows.push((name, activation.name(), stds));
        }
    }
    println!();
    print!("{:<15} {:<5}", "scheme", "act");
    for l in 1..=LAYERS {
        print!(" {:>9}", format!("L{l}"));
    }
    println!("\n{}", "-".repeat(21 + 10 * LAYERS));
    for (name, act, stds) in &rows {
        print!("{name:<15} {act:<5}");
        for s in stds {
            print!(" {s:>9.2e}");
        }
        println!();
    }
    println!(
        "Read: zeros give 0 everywhere (every unit computes the same thing); N(0, 1) weights\n\
         saturate tanh and blow ReLU activations up by ~sqrt(256/2) per layer; Xavier keeps\n\
         tanh in range but halves ReLU variance per layer; He keeps ReLU at a stable scale.\n"
    );

    println!(
        "# 2. Symmetry: 2-8-3 network (sigmoid hidden), {SYMMETRY_STEPS} full-batch SGD steps on MSE"
    );
    for (name, init) in [("zeros", Init::Zeros), ("he_normal", Init::he_normal())] {
        let o = symmetry_experiment(&init, SYMMETRY_STEPS, seed)?;
        println!(
            "RESULT symmetry init={name} distinct_hidden_units={} hidden_units={}",
            o.distinct_hidden_units, o.hidden_units
        );
        println!("  (loss {:.4} -> {:.4})", o.initial_loss, o.final_loss);
    }
    println!();

    println!("# 3. He normal sampler, fan_in 256 (truncated at 2 corrected stds)");
    let mut v = vec![0.0f64; SAMPLES];
    Init::he_normal().fill(&mut SplitMix64::new(seed), &mut v, 256, 256)?;
    let n = SAMPLES as f64;
    let mean = v.iter().sum::<f64>() / n;
    let std = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt();
    let max_abs = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    println!(
        "RESULT sample init=he_normal fan_in=256 n={SAMPLES} mean={mean:.6e} std={std:.6e} max_abs={max_abs:.6e}"
    );
    let target = (2.0f64 / 256.0).sqrt();
    println!(
        "  expected: mean 0, std sqrt(2/256) = {target:.6e}, |x| <= 2 * {target:.4e} / {TRUNCATION_STD_CORRECTION} = {:.6e}",
        2.0 * target / TRUNCATION_STD_CORRECTION
    );
    Ok(())
}
