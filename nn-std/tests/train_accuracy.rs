//! The main jobs reach their accuracy targets on several seeds: Digits at
//! least 96 % test accuracy on every seed tried, Iris at least 93 % on average
//! (the examples' own jobs).

// The examples' job; this test uses a part of it.
#[allow(dead_code)]
#[path = "../examples/common/job.rs"]
mod job;

use job::JobArgs;

fn args(seed: u64, name: &str) -> JobArgs {
    JobArgs {
        seed,
        epochs: None,
        out: Some(std::env::temp_dir().join(format!("nn-std-train-{name}-{seed}"))),
        quiet: true,
    }
}

#[test]
fn digits_reaches_96_percent_on_several_seeds() {
    for seed in 0..3 {
        let job = job::digits(&args(seed, "digits")).unwrap();
        let acc = job.test.accuracy().unwrap();
        assert!(acc >= 0.96, "seed {seed}: {}", job.result_line("digits"));
        assert_eq!(job.test.samples, 449); // round(0.25 * 1797)
        let csv = std::fs::read_to_string(job.out.join("history.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1 + job::DIGITS.epochs);
        let svg = std::fs::read_to_string(job.out.join("curves.svg")).unwrap();
        assert_eq!(svg.matches("<polyline").count(), 4);
    }
}

/// Iris' test part is 38 samples, so one error costs 2.6 points, and a few
/// versicolor/virginica samples overlap: which of them land in the test part
/// depends on the split's seed. Over seeds 0..32, 24 splits reach >= 93 % and
/// the others 86.8-92.1 % whatever the settings (the same seeds fail with
/// every learning rate, decay and epoch count tried). So this checks the
/// mean over 8 seeds and a floor for each.
#[test]
fn iris_reaches_93_percent_on_average_over_seeds() {
    let mut accs = Vec::new();
    for seed in 0..8 {
        let job = job::iris(&args(seed, "iris")).unwrap();
        let acc = job.test.accuracy().unwrap();
        assert!(acc >= 0.86, "seed {seed}: {}", job.result_line("iris"));
        assert_eq!(job.test.confusion.as_ref().unwrap().total(), 38);
        accs.push(acc);
    }
    let mean = accs.iter().sum::<f64>() / accs.len() as f64;
    assert!(mean >= 0.93, "{accs:?}");
}

#[test]
fn same_seed_same_trained_weights() {
    use nn_core::Params;
    let bits = |seed| -> Vec<u32> {
        let job = job::iris(&args(seed, "iris-det")).unwrap();
        job.model
            .params()
            .flat_map(|p| p.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            .collect()
    };
    assert_eq!(bits(9), bits(9));
    assert_ne!(bits(9), bits(10));
}

#[test]
fn trained_iris_model_file_loads_back_bit_for_bit() {
    use nn_core::Module;
    use nn_std::io::model_file::{FileScaler, Scaled, load_file, load_scaled_file};
    use nn_std::io::write_model_files;
    let job = job::iris(&args(3, "iris-file")).unwrap();
    let files = write_model_files(&job.out, &job.model, Some(job.scaler.parts())).unwrap();
    let loaded: job::IrisNet = load_file(&files.bin).unwrap();
    // The model file keeps the scaler: the loaded model takes raw inputs.
    let model: Scaled<job::IrisNet, nn_core::Standardize<f32, 4>> =
        load_scaled_file(&files.bin).unwrap();
    assert_eq!(model.scaler, job.scaler);
    for raw in [[5.1f32, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] {
        let x = nn_core::scale::Scaler::apply(&job.scaler, &raw);
        let (a, b): ([f32; 3], [f32; 3]) = (job.model.forward(&x), loaded.forward(&x));
        assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
        assert_eq!(model.forward(&raw).map(f32::to_bits), a.map(f32::to_bits));
    }
}

#[test]
fn job_options_parse_and_refuse_bad_values() {
    let a = JobArgs::parse(["--seed", "3", "--epochs", "5", "--quiet"].map(String::from)).unwrap();
    assert_eq!((a.seed, a.epochs, a.out, a.quiet), (3, Some(5), None, true));
    assert!(JobArgs::parse(["--seed", "x"].map(String::from)).is_err());
    assert!(JobArgs::parse(["--epochs"].map(String::from)).is_err());
    assert!(JobArgs::parse(["--fast"].map(String::from)).is_err());
    // `--help` anywhere asks for the usage (main prints it and exits 0).
    for help in [&["--help"][..], &["--seed", "3", "-h"]] {
        let help: Vec<String> = help.iter().map(|s| s.to_string()).collect();
        assert!(JobArgs::wants_help(&help));
    }
    assert!(!JobArgs::wants_help(&["--quiet"].map(String::from)));
    assert!(job::USAGE.contains("--epochs E"));
}
