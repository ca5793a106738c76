//! Every optimizer, through the network API, trains a 2-8-1 ReLU network on
//! XOR (full batch, MSE) from the same seeded start (SplitMix64 seed 7,
//! PyTorch-style uniform init) to a loss below 1e-3.

mod common;

use nn_core::{Dense, Module, Params, Relu, Seq};
use nn_optim::{
    AdaMax, AdaMaxConfig, Adadelta, AdadeltaConfig, Adagrad, AdagradConfig, Adam, AdamConfig,
    AdamW, AdamWConfig, AmsGrad, NAdam, NAdamConfig, Optimizer, Present, RmsProp, RmsPropConfig,
    RmsPropRule, Rule, Sgd, SgdConfig, SgdMomentum, decay_except_biases, grad,
};

type Net = Seq![Dense<f64, 2, 8>, Relu, Dense<f64, 8, 1>];

const X: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const Y: [f64; 4] = [0.0, 1.0, 1.0, 0.0];
const SEED: u64 = 7;

/// Mean squared error over the batch, and `dL/dy`.
fn mse(y: &[[f64; 1]; 4]) -> (f64, [[f64; 1]; 4]) {
    let mut loss = 0.0;
    let mut dy = [[0.0; 1]; 4];
    for b in 0..4 {
        let r = y[b][0] - Y[b];
        loss += r * r / 4.0;
        dy[b][0] = 2.0 * r / 4.0;
    }
    (loss, dy)
}

fn loss_of(net: &Net) -> f64 {
    mse(&net.forward(&X)).0
}

/// Trains `steps` full-batch steps; returns (initial loss, final loss).
fn train<R: Rule<Float = f64>>(
    make: impl FnOnce(&Net) -> Optimizer<R, Net>,
    steps: usize,
) -> (f64, f64) {
    let mut net = Net::default();
    common::init(&mut net, SEED);
    let initial = loss_of(&net);
    let mut opt = make(&net);
    let mut grads = net.zeroed();
    for _ in 0..steps {
        grad::zero(&mut grads);
        let (y, cache) = net.forward_train(&X);
        let (_, dy) = mse(&y);
        let _dx: [[f64; 2]; 4] = net.backward(&X, &y, &cache, &dy, &mut grads);
        opt.step(&mut net, &grads).expect("finite gradients");
    }
    assert_eq!(opt.steps(), steps as u64);
    (initial, loss_of(&net))
}

fn assert_learns(name: &str, (initial, last): (f64, f64), threshold: f64) {
    println!("{name}: loss {initial:.4} -> {last:.2e}");
    assert!(
        initial > 0.1,
        "{name}: the seeded start is not already solved"
    );
    assert!(last < threshold, "{name}: final loss {last} >= {threshold}");
}

#[test]
fn sgd_learns_xor() {
    let c = SgdConfig {
        lr: 0.2,
        ..SgdConfig::default()
    };
    assert_learns("sgd", train(|n| Sgd::new(c, n).unwrap(), 2000), 1e-3);
}

#[test]
fn sgd_momentum_learns_xor() {
    let c = SgdConfig {
        lr: 0.05,
        momentum: 0.9,
        dampening: 0.1,
        ..SgdConfig::default()
    };
    assert_learns(
        "sgd momentum",
        train(|n| SgdMomentum::new(c, n).unwrap(), 1000),
        1e-3,
    );
}

#[test]
fn sgd_nesterov_with_weight_decay_learns_xor() {
    let c = SgdConfig {
        lr: 0.05,
        momentum: 0.9,
        nesterov: true,
        weight_decay: 1e-4,
        ..SgdConfig::default()
    };
    assert_learns(
        "sgd nesterov",
        train(|n| SgdMomentum::new(c, n).unwrap(), 1000),
        1e-3,
    );
}

#[test]
fn adagrad_learns_xor() {
    let c = AdagradConfig {
        lr: 0.1,
        ..AdagradConfig::default()
    };
    assert_learns(
        "adagrad",
        train(|n| Adagrad::new(c, n).unwrap(), 2000),
        1e-3,
    );
}

#[test]
fn adadelta_learns_xor() {
    let c = AdadeltaConfig {
        lr: 1.0,
        ..AdadeltaConfig::default()
    };
    assert_learns(
        "adadelta",
        train(|n| Adadelta::new(c, n).unwrap(), 3000),
        1e-3,
    );
}

#[test]
fn rmsprop_learns_xor() {
    let c = RmsPropConfig {
        lr: 0.01,
        ..RmsPropConfig::default()
    };
    assert_learns(
        "rmsprop",
        train(|n| RmsProp::new(c, n).unwrap(), 1000),
        1e-3,
    );
}

#[test]
fn rmsprop_centered_momentum_learns_xor() {
    let c = RmsPropConfig {
        lr: 0.005,
        centered: true,
        momentum: 0.5,
        ..RmsPropConfig::default()
    };
    assert_learns(
        "rmsprop centered",
        train(
            |n| Optimizer::<RmsPropRule<f64, Present, Present>, _>::new(c, n).unwrap(),
            1000,
        ),
        1e-3,
    );
}

#[test]
fn adam_learns_xor() {
    let c = AdamConfig {
        lr: 0.01,
        ..AdamConfig::default()
    };
    assert_learns("adam", train(|n| Adam::new(c, n).unwrap(), 1000), 1e-3);
}

#[test]
fn adam_amsgrad_learns_xor() {
    let c = AdamConfig {
        lr: 0.01,
        amsgrad: true,
        weight_decay: 1e-4,
        ..AdamConfig::default()
    };
    assert_learns(
        "adam amsgrad",
        train(|n| AmsGrad::new(c, n).unwrap(), 1000),
        1e-3,
    );
}

#[test]
fn adamw_learns_xor() {
    let c = AdamWConfig {
        lr: 0.01,
        ..AdamWConfig::default()
    };
    let make = |n: &Net| {
        AdamW::new(c, n)
            .unwrap()
            .with_decay_filter(decay_except_biases)
    };
    assert_learns("adamw", train(make, 1000), 1e-3);
}

#[test]
fn adamax_learns_xor() {
    let c = AdaMaxConfig {
        lr: 0.02,
        ..AdaMaxConfig::default()
    };
    assert_learns("adamax", train(|n| AdaMax::new(c, n).unwrap(), 1000), 1e-3);
}

#[test]
fn nadam_learns_xor() {
    let c = NAdamConfig {
        lr: 0.01,
        ..NAdamConfig::default()
    };
    assert_learns("nadam", train(|n| NAdam::new(c, n).unwrap(), 1000), 1e-3);
}
