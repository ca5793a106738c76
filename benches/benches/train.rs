//! Training throughput on Digits (issue 5): 64-32-10 ReLU, Adam, batch 32,
//! one thread. One epoch over the 1347-sample training part through
//! `Trainer::fit` beside the same epoch as a bare loop over pre-gathered
//! batches calling the kernels directly (forward, loss, backward, Adam):
//! the difference is the loop's overhead (shuffle, batch gathering,
//! bookkeeping), and the data-parallel variant. Compare with `benches/python/sklearn_digits.py`.
//!
//! `cargo bench -p nn-benches --bench train`

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use nn_core::{CrossEntropy, Dense, Loss, Module, Params, Relu, Seq, seq};
use nn_init::{Init, SplitMix64};
use nn_optim::{Adam, AdamConfig};
use nn_std::data::{Dataset, LastBatch, datasets};
use nn_std::train::{TrainConfig, Trainer};

type Net = Seq![Dense<f32, 64, 32>, Relu, Dense<f32, 32, 10>];

fn setup() -> (Net, Adam<f32, Net>, Dataset<f32, 64, usize>) {
    let (train, _) = datasets::digits::<f32>().train_test_split(0.25, 0).unwrap();
    let train = train.scaled(&train.fit_standardize()).unwrap();
    let mut net: Net = seq![Dense::zeros(), Relu, Dense::zeros()];
    Init::he_uniform()
        .apply(&mut net, &mut SplitMix64::new(0))
        .unwrap();
    let adam = Adam::new(AdamConfig::default(), &net).unwrap();
    (net, adam, train)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_digits_epoch");
    let (mut net, mut adam, train) = setup();
    group.throughput(Throughput::Elements(train.len() as u64));
    let mut epoch = 0;
    group.bench_function("trainer_fit", |b| {
        b.iter(|| {
            let config = TrainConfig::<32> {
                epochs: 1,
                seed: epoch,
                progress: false,
                ..TrainConfig::default()
            };
            epoch += 1;
            Trainer::new(config)
                .fit(&mut net, &mut adam, &CrossEntropy, &train, None)
                .unwrap()
        })
    });

    // Data-parallel: chunks of 8 samples on rayon's pool (set
    // RAYON_NUM_THREADS), per-sample path inside each chunk.
    let (mut net, mut adam, train) = setup();
    group.throughput(Throughput::Elements(train.len() as u64));
    let mut epoch = 0;
    group.bench_function("trainer_fit_parallel_chunk8", |b| {
        b.iter(|| {
            let config = TrainConfig::<32> {
                epochs: 1,
                seed: epoch,
                progress: false,
                parallel_chunk: Some(8),
                ..TrainConfig::default()
            };
            epoch += 1;
            Trainer::new(config)
                .fit(&mut net, &mut adam, &CrossEntropy, &train, None)
                .unwrap()
        })
    });

    // The bare kernels: the same full batches, gathered once beforehand.
    let (mut net, mut adam, train) = setup();
    let order = train.epoch_order(0, 0);
    let batches: Vec<_> = train
        .batches::<32>(Some(&order), LastBatch::Drop)
        .unwrap()
        .map(|b| (b.x, b.y))
        .collect();
    let mut grads = net.zeroed();
    group.throughput(Throughput::Elements((batches.len() * 32) as u64));
    group.bench_function("bare_kernels", |b| {
        b.iter(|| {
            for (x, y) in &batches {
                grads.fill(0.0);
                let (out, cache) = <Net as Module<[[f32; 64]; 32]>>::forward_train(&net, x);
                let (l, dy) = CrossEntropy.loss_and_grad(&out, y).unwrap();
                let _dx: [[f32; 64]; 32] = net.backward(&cache, &dy, &mut grads);
                adam.step(&mut net, &grads).unwrap();
                black_box(l);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
