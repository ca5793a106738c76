//! Training throughput on Digits (issue 5): 64-32-10 ReLU, Adam, batch 32,
//! one thread. One epoch over the 1347-sample training part through
//! `Trainer::fit` beside the same epoch as a bare loop over pre-gathered
//! batches calling the kernels directly (forward, loss, backward, Adam):
//! the difference is the loop's overhead (shuffle, batch gathering,
//! bookkeeping), and the data-parallel variant. Compare with `benches/python/sklearn_digits.py`.
//! Then issue 7's W3c (784-128-10, 10,000 samples, batch 64, Adam) through
//! `Trainer::fit` on one thread and data-parallel (batched chunks of 32 or
//! 16 rows) on pools of 1 and 2 threads.
//!
//! This bench measures wall time (criterion's default `WallTime`, not the
//! other benches' thread CPU clock), which is what a multi-threaded run
//! must be judged by.
//!
//! `cargo bench -p nn-benches --bench train`

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, Throughput, black_box, criterion_group, criterion_main,
};
use nn_core::{CrossEntropy, Dense, Loss, Module, Params, Relu, Seq, seq};
use nn_init::{Init, SplitMix64};
use nn_optim::{Adam, AdamConfig};
use nn_std::data::{Dataset, LastBatch, datasets};
use nn_std::train::{TrainConfig, Trainer};
use rand_core::RngCore;

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

    // Data-parallel: batched chunks of 8 samples on rayon's pool (set
    // RAYON_NUM_THREADS).
    let (mut net, mut adam, train) = setup();
    group.throughput(Throughput::Elements(train.len() as u64));
    let mut epoch = 0;
    group.bench_function("trainer_fit_parallel_chunk8", |b| {
        b.iter(|| {
            let config = TrainConfig::<32, 8> {
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
                <Net as Module<[[f32; 64]; 32]>>::backward_params(
                    &net, x, &out, &cache, &dy, &mut grads,
                );
                adam.step(&mut net, &grads).unwrap();
                black_box(l);
            }
        })
    });
    group.finish();
}

type WideNet = Seq![Dense<f32, 784, 128>, Relu, Dense<f32, 128, 10>];

/// W3c's data: 10,000 MNIST-shaped samples, deterministic pseudo-random
/// pixels in [0, 1) and labels in 0..10.
fn wide_data() -> Dataset<f32, 784, usize> {
    let mut rng = SplitMix64::new(7);
    let mut next = || (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
    let features = (0..10_000)
        .map(|_| core::array::from_fn(|_| next()))
        .collect();
    let labels = (0..10_000).map(|i| (i * 7 + i / 3) % 10).collect();
    Dataset::classification(features, labels, 10).unwrap()
}

fn bench_w3c_threads(c: &mut Criterion) {
    let data = wide_data();
    let mut group = c.benchmark_group("W3c_epoch_threads");
    group.sample_size(10);
    group.throughput(Throughput::Elements(data.len() as u64));
    w3c::<64>(&mut group, "batched_1_thread", 1, &data);
    w3c::<32>(&mut group, "chunk32_1_thread", 1, &data);
    w3c::<32>(&mut group, "chunk32_2_threads", 2, &data);
    w3c::<16>(&mut group, "chunk16_2_threads", 2, &data);
    group.finish();
}

/// W3c's epoch with batch 64 in chunks of `K` rows (`K = 64`: the batched
/// path on the calling thread) on a pool of `threads` threads.
fn w3c<const K: usize>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    threads: usize,
    data: &Dataset<f32, 784, usize>,
) {
    // Everything runs on a pool thread with room for the batch's caches and
    // the model-sized values that `Adam::new` returns by value (several
    // copies of them on the main thread overflow its 8 MiB).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(64 << 20)
        .build()
        .unwrap();
    let (mut net, mut adam) = pool.install(|| {
        let mut net: Box<WideNet> = Box::default();
        Init::he_uniform()
            .apply(&mut *net, &mut SplitMix64::new(0))
            .unwrap();
        let adam = Box::new(Adam::new(AdamConfig::default(), &*net).unwrap());
        (net, adam)
    });
    let mut epoch = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            let config = TrainConfig::<64, K> {
                epochs: 1,
                seed: epoch,
                progress: false,
                ..TrainConfig::default()
            };
            epoch += 1;
            pool.install(|| {
                Trainer::new(config)
                    .fit(&mut *net, &mut *adam, &CrossEntropy, data, None)
                    .unwrap()
            })
        })
    });
}

criterion_group!(benches, bench, bench_w3c_threads);
criterion_main!(benches);
