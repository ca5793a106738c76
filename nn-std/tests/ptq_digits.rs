//! Post-training quantization of the Digits main job's trained network,
//! several seeds: calibrated on the first 200 (standardized) training rows,
//! as the converter was in `shared/reference/int8/`. Checks closed-form
//! bounds: every dequantized weight and bias lies within half a
//! quantization step of the float one, and the calibrated input range holds
//! every calibration value. And issue 13's accuracy target: the int8
//! network (min/max, per channel, as the converter) keeps the Digits test
//! accuracy within 0.5 points of the float model's, on every seed.

// The examples' job; this test uses a part of it.
#[allow(dead_code)]
#[path = "../examples/common/job.rs"]
mod job;

use job::{DIGITS, JobArgs, digits};
use nn_std::data::{Dataset, datasets};
use nn_std::io::model_file::{load_runtime, save};
use nn_std::ptq::{Calibrator, PtqConfig, WeightGranularity, quantize};
use nn_std::quant::QNetwork;
use nn_std::runtime::Network;

/// A trained network, its test accuracy, the calibration rows and the
/// (scaled) test split.
struct Trained {
    net: Network<f32>,
    accuracy: f64,
    calibration: Vec<f32>,
    test: Dataset<f32, 64, usize>,
}

fn trained(seed: u64) -> Trained {
    let out = std::env::temp_dir().join(format!("nn-ptq-digits-{}-{seed}", std::process::id()));
    let args = JobArgs {
        seed,
        epochs: None,
        out: Some(out.clone()),
        quiet: true,
    };
    let outcome = digits(&args).expect("training");
    std::fs::remove_dir_all(out).expect("clean up");
    let net = load_runtime::<f32>(&save(&outcome.model).expect("save")).expect("runtime");
    // The job's own split and scaling, reproduced.
    let (train, test) = datasets::digits::<f32>()
        .train_test_split(DIGITS.test_fraction, seed)
        .expect("split");
    let train = train.scaled(&outcome.scaler).expect("scaled");
    let calibration = train.features()[..200].iter().flatten().copied().collect();
    Trained {
        net,
        accuracy: outcome.test.accuracy().expect("classification"),
        calibration,
        test: test.scaled(&outcome.scaler).expect("scaled"),
    }
}

/// The int8 network's accuracy on `test` (float input quantized by the
/// network; the arg max of the int8 logits, first index on ties).
fn int8_accuracy(model: &QNetwork, test: &Dataset<f32, 64, usize>) -> f64 {
    let x: Vec<f32> = test.features().iter().flatten().copied().collect();
    let logits = model.forward_f32(&x).expect("int8 inference");
    let classes = model.outputs();
    let correct = logits
        .chunks_exact(classes)
        .zip(test.targets())
        .filter(|&(row, &label)| {
            let best = (1..classes).fold(0, |b, i| if row[i] > row[b] { i } else { b });
            best == label
        })
        .count();
    correct as f64 / test.len() as f64
}

/// Checks that every quantized parameter is within half a step of `net`'s.
fn check_within_half_a_step(net: &Network<f32>, model: &QNetwork) {
    for (k, layer) in model.layers().enumerate() {
        let weights = net.param(2 * k).expect("weights");
        let bias = net.param(2 * k + 1).expect("bias");
        for (o, &float_bias) in bias.iter().enumerate() {
            let s_w = f64::from(layer.weight_scales[o.min(layer.weight_scales.len() - 1)]);
            let row = o * layer.in_features..(o + 1) * layer.in_features;
            for (&q, &w) in layer.weights[row.clone()].iter().zip(&weights[row]) {
                // The f32 scale is the f64 one rounded: allow its relative error.
                let error = (f64::from(q) * s_w - f64::from(w)).abs();
                assert!(
                    error <= s_w * (0.5 + 127.0 * 1e-7),
                    "layer {k} row {o}: {w} -> {q}"
                );
            }
            let s_b = f64::from(layer.input.scale) * s_w;
            let b = layer.bias.as_ref().expect("bias")[o];
            let error = (f64::from(b) * s_b - f64::from(float_bias)).abs();
            assert!(error <= s_b * 0.5 * (1.0 + 1e-9), "layer {k} bias {o}");
        }
    }
}

#[test]
fn trained_digits_models_quantize_within_half_a_step_and_half_a_point() {
    println!("seed | float test accuracy | int8 (min/max, per channel) | drop (points)");
    for seed in 0..5 {
        let Trained {
            net,
            accuracy: float_accuracy,
            calibration,
            test,
        } = trained(seed);
        for weights in [WeightGranularity::PerChannel, WeightGranularity::PerTensor] {
            let config = PtqConfig {
                calibrator: Calibrator::MinMax,
                weights,
            };
            let model = quantize(&net, &calibration, config).expect("quantize");
            check_within_half_a_step(&net, &model);
            let input = model.input_quantization();
            let lowest = f64::from(input.scale) * f64::from(-128 - input.zero_point);
            let highest = f64::from(input.scale) * f64::from(127 - input.zero_point);
            let step = f64::from(input.scale);
            for &x in &calibration {
                let x = f64::from(x);
                assert!(
                    x >= lowest - step && x <= highest + step,
                    "seed {seed}: {x}"
                );
            }
            if weights == WeightGranularity::PerChannel {
                let int8 = int8_accuracy(&model, &test);
                let drop = 100.0 * (float_accuracy - int8);
                println!(
                    "{seed} | {:.2} % | {:.2} % | {drop:.2} ({} test samples)",
                    100.0 * float_accuracy,
                    100.0 * int8,
                    test.len()
                );
                assert!(
                    drop <= 0.5,
                    "seed {seed}: int8 accuracy drops {drop:.2} points"
                );
            }
        }
    }
}
