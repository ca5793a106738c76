//! The main jobs reach their accuracy targets on several seeds: Digits at
//! least 96 % test accuracy, Iris at least 93 % (the examples' settings).

use nn_core::{Dense, Relu, Seq, seq};
use nn_std::data::datasets;
use nn_std::train::job::{JobArgs, JobSettings, run_classification};

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
    let settings = JobSettings {
        name: "digits",
        epochs: 40,
        lr: 1e-2,
        weight_decay: 1e-4,
        test_fraction: 0.25,
    };
    let data = datasets::digits();
    for seed in 0..3 {
        let model: Seq![Dense<f32, 64, 32>, Relu, Dense<f32, 32, 10>] =
            seq![Dense::zeros(), Relu, Dense::zeros()];
        let job =
            run_classification::<64, 10, 32, _>(settings, &args(seed, "digits"), &data, model)
                .unwrap();
        let acc = job.test.accuracy().unwrap();
        assert!(acc >= 0.96, "seed {seed}: {}", job.result_line("digits"));
        assert_eq!(job.test.samples, 449);
        let csv = std::fs::read_to_string(job.out.join("history.csv")).unwrap();
        assert_eq!(csv.lines().count(), 41);
        let svg = std::fs::read_to_string(job.out.join("curves.svg")).unwrap();
        assert_eq!(svg.matches("<polyline").count(), 4);
    }
}

#[test]
fn iris_reaches_93_percent_on_several_seeds() {
    let settings = JobSettings {
        name: "iris",
        epochs: 100,
        lr: 1e-2,
        weight_decay: 1e-4,
        test_fraction: 0.25,
    };
    let data = datasets::iris();
    for seed in 0..5 {
        let model: Seq![Dense<f32, 4, 16>, Relu, Dense<f32, 16, 3>] =
            seq![Dense::zeros(), Relu, Dense::zeros()];
        let job =
            run_classification::<4, 3, 16, _>(settings, &args(seed, "iris"), &data, model).unwrap();
        let acc = job.test.accuracy().unwrap();
        assert!(acc >= 0.93, "seed {seed}: {}", job.result_line("iris"));
        let cm = job.test.confusion.as_ref().unwrap();
        assert_eq!(cm.total(), 38);
    }
}
