//! Issue 16 item 1: a network of more than a million parameters is built and
//! trained with Adam, and stepped by every other optimizer with state, on the
//! main thread's default stack (8 MiB on Linux).
//!
//! `harness = false`: `main` is this binary's main thread, not one of the
//! test harness' threads (2 MiB), so this checks what a user's `main` sees.
//! The network's weights take 4.3 MB; before heap construction,
//! `Box::new(Net::default())` and the trainer's gradient buffers put copies
//! of them on the stack and overflowed it, and so did an optimizer built by
//! value (`Adam::new`: 8.6 MB of state). `Optimizer::new_boxed` keeps each
//! state buffer in its own heap allocation.

use nn_core::{CrossEntropy, Dense, Params, Relu, Seq, boxed_copy, boxed_zeroed};
use nn_init::{Init, SplitMix64};
use nn_optim::{
    AdaMaxConfig, AdaMaxRule, AdadeltaConfig, AdadeltaRule, AdagradConfig, AdagradRule, Adam,
    AdamConfig, AdamRule, AdamWConfig, AdamWRule, NAdamConfig, NAdamRule, Optimizer, Present,
    RmsPropConfig, RmsPropRule, Rule, SgdConfig, SgdRule,
};
use nn_std::data::Dataset;
use nn_std::train::{TrainConfig, Trainer, evaluate};
use rand_core::RngCore;

type Net = Seq![Dense<f32, 784, 1024>, Relu, Dense<f32, 1024, 256>, Relu, Dense<f32, 256, 10>];

/// The batch size.
const B: usize = 32;

/// Epochs of the Adam run (8 steps each). Two show the loss falling, and a
/// debug build (CI runs this test in debug twice) spends most of its time in
/// them: with two, the whole test (the other optimizers' steps included)
/// takes less time than three epochs of SGD alone did before.
const EPOCHS: usize = 2;

/// `count` samples of 784 pseudo-random features in [0, 1); the class is
/// the block of 79 features (0..9) with the largest sum, so it can be learnt.
fn data(count: usize) -> Dataset<f32, 784, usize> {
    let mut rng = SplitMix64::new(5);
    let mut features = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..count {
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

fn config(epochs: usize) -> TrainConfig<B> {
    TrainConfig {
        epochs,
        seed: 0,
        progress: false,
        ..Default::default()
    }
}

/// One `Trainer::fit` step (one epoch of one batch) of the optimizer `R`
/// with its state on the heap, from a heap copy of `start`; checks that it
/// ran and moved the weights.
fn one_step<R>(name: &str, config: R::Config, start: &Net)
where
    R: Rule<Float = f32>,
    Optimizer<R, Net, Box<Net>>: Send,
{
    let batch = data(B);
    let mut net = boxed_copy(start);
    let mut optimizer = Optimizer::<R, Net, Box<Net>>::new_boxed(config, &*net).unwrap();
    let history = Trainer::new(self::config(1))
        .fit(&mut *net, &mut optimizer, &CrossEntropy, &batch, None)
        .unwrap();
    assert_eq!((history.epochs(), optimizer.steps()), (1, 1), "{name}");
    assert!(*net != *start, "{name} left the weights as they were");
    println!("{name}: one step on the heap");
}

fn main() {
    let train = data(256);
    let mut net = boxed_zeroed::<Net>();
    assert!(net.num_params() > 1_000_000, "{}", net.num_params());
    Init::he_uniform()
        .apply(&mut *net, &mut SplitMix64::new(1))
        .unwrap();
    let mut adam = Adam::new_boxed(AdamConfig::default(), &*net).unwrap();
    let before = evaluate(&*net, &CrossEntropy, &train).unwrap().loss;
    let history = Trainer::new(config(EPOCHS))
        .fit(&mut *net, &mut adam, &CrossEntropy, &train, None)
        .unwrap();
    let after = evaluate(&*net, &CrossEntropy, &train).unwrap().loss;
    assert_eq!(history.epochs(), EPOCHS);
    assert!(after < before, "loss {before} -> {after}");
    println!(
        "big network with Adam on the main thread: {} parameters, loss {before:.4} -> {after:.4}",
        net.num_params()
    );

    let momentum = SgdConfig {
        lr: 0.01,
        momentum: 0.9,
        ..Default::default()
    };
    one_step::<SgdRule<f32, Present>>("SGD with momentum", momentum, &net);
    one_step::<AdagradRule<f32>>("Adagrad", AdagradConfig::default(), &net);
    let rmsprop = RmsPropConfig {
        centered: true,
        momentum: 0.9,
        ..Default::default()
    };
    one_step::<RmsPropRule<f32, Present, Present>>("RMSprop centered, momentum", rmsprop, &net);
    one_step::<AdadeltaRule<f32>>("Adadelta", AdadeltaConfig::default(), &net);
    one_step::<AdaMaxRule<f32>>("AdaMax", AdaMaxConfig::default(), &net);
    one_step::<NAdamRule<f32>>("NAdam", NAdamConfig::default(), &net);
    let amsgrad = AdamConfig {
        amsgrad: true,
        ..Default::default()
    };
    one_step::<AdamRule<f32, Present>>("AMSGrad", amsgrad, &net);
    one_step::<AdamWRule<f32>>("AdamW", AdamWConfig::default(), &net);
}
