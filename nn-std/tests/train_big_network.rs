//! Issue 16 item 1: a network of more than a million parameters is built and
//! trained on the main thread's default stack (8 MiB on Linux).
//!
//! `harness = false`: `main` is this binary's main thread, not one of the
//! test harness' threads (2 MiB), so this checks what a user's `main` sees.
//! The network's weights take 4.3 MB; before heap construction,
//! `Box::new(Net::default())` and the trainer's gradient buffers put copies
//! of them on the stack and overflowed it.

use nn_core::{CrossEntropy, Dense, Params, Relu, Seq, boxed_zeroed};
use nn_init::{Init, SplitMix64};
use nn_optim::{Sgd, SgdConfig};
use nn_std::data::Dataset;
use nn_std::train::{TrainConfig, Trainer, evaluate};
use rand_core::RngCore;

type Net = Seq![Dense<f32, 784, 1024>, Relu, Dense<f32, 1024, 256>, Relu, Dense<f32, 256, 10>];

/// 256 samples of 784 pseudo-random features in [0, 1); the class is the
/// block of 79 features (0..9) with the largest sum, so it can be learnt.
fn data() -> Dataset<f32, 784, usize> {
    let mut rng = SplitMix64::new(5);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..256 {
        let mut x = [0.0f32; 784];
        x.iter_mut()
            .for_each(|v| *v = (rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32);
        let sums: Vec<f32> = x.chunks(79).map(|c| c.iter().sum()).collect();
        let class = (0..10)
            .max_by(|&a, &b| sums[a].total_cmp(&sums[b]))
            .unwrap();
        features.push(x);
        labels.push(class);
    }
    Dataset::classification(features, labels, 10).unwrap()
}

/// Plain SGD: without momentum it keeps no state (nn-optim sizes the state
/// by the configuration). An optimizer with state copies (Adam's three) is
/// still returned by value from `Optimizer::new`, so it cannot yet be built
/// on the heap directly.
fn optimizer(net: &Net) -> Box<Sgd<f32, Net>> {
    let config = SgdConfig {
        lr: 0.05,
        ..Default::default()
    };
    Box::new(Sgd::new(config, net).unwrap())
}

fn main() {
    let train = data();
    let mut net = boxed_zeroed::<Net>();
    assert!(net.num_params() > 1_000_000, "{}", net.num_params());
    Init::he_uniform()
        .apply(&mut *net, &mut SplitMix64::new(1))
        .unwrap();
    let mut sgd = optimizer(&net);
    let config = TrainConfig::<32> {
        epochs: 3,
        seed: 0,
        progress: false,
        ..Default::default()
    };
    let before = evaluate(&*net, &CrossEntropy, &train).unwrap().loss;
    let history = Trainer::new(config)
        .fit(&mut *net, &mut sgd, &CrossEntropy, &train, None)
        .unwrap();
    let after = evaluate(&*net, &CrossEntropy, &train).unwrap().loss;
    assert_eq!(history.epochs(), 3);
    assert!(after < before, "loss {before} -> {after}");
    println!(
        "big network on the main thread: {} parameters, loss {before:.4} -> {after:.4}",
        net.num_params()
    );
}
