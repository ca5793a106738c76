#![allow(missing_docs)]
//! The hot loops on their own: dense forward and backward per sample and
//! batched on every instruction-set tier, each activation and each loss.
//! Throughput is in flops (2 per multiply-add) for the dense kernels.
//!
//! `cargo bench -p nn-benches --bench kernels`

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::clock::Clock;
use common::{Lcg, tiers};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nn_core::arch::{isa, set_isa};
use nn_core::kernels::activation::Elementwise;
use nn_core::kernels::{
    dense_backward, dense_backward_batch, dense_backward_params, dense_backward_params_batch,
    dense_forward, dense_forward_batch, elementwise_backward, elementwise_forward, loss,
};
use nn_core::{Elu, LeakyRelu, Prelu, Relu, Sigmoid, Tanh};

type C = Criterion<Clock>;

/// `(inputs, outputs, batch)`; batch 1 uses the per-sample kernels.
const SHAPES: [(usize, usize, usize); 6] = [
    (64, 32, 1),
    (784, 128, 1),
    (64, 32, 32),
    (32, 10, 32),
    (784, 128, 64),
    (784, 128, 256),
];

fn dense(c: &mut C) {
    let best = isa();
    for (n_in, n_out, batch) in SHAPES {
        let mut g = Lcg::new(3);
        let w = g.vec(n_in * n_out, -0.1, 0.1);
        let b = g.vec(n_out, -0.1, 0.1);
        let x = g.vec(n_in * batch, 0.0, 1.0);
        let dy = g.vec(n_out * batch, -1.0, 1.0);
        let (mut y, mut dx) = (vec![0.0f32; n_out * batch], vec![0.0f32; n_in * batch]);
        let (mut dw, mut db) = (vec![0.0f32; n_in * n_out], vec![0.0f32; n_out]);
        let flops = 2 * (n_in * n_out * batch) as u64;
        let mut grp = c.benchmark_group(format!("dense {n_in}->{n_out} batch {batch} (flops)"));
        grp.warm_up_time(Duration::from_millis(300));
        grp.measurement_time(Duration::from_secs(1));
        grp.throughput(Throughput::Elements(flops));
        for tier in tiers() {
            set_isa(tier);
            grp.bench_function(format!("forward {tier:?}"), |bch| {
                bch.iter(|| {
                    if batch == 1 {
                        dense_forward(&w, &b, black_box(&x), &mut y)
                    } else {
                        dense_forward_batch(&w, &b, black_box(&x), &mut y)
                    }
                })
            });
            // Backward does twice the work: dW and dX.
            grp.throughput(Throughput::Elements(2 * flops));
            grp.bench_function(format!("backward {tier:?}"), |bch| {
                bch.iter(|| {
                    if batch == 1 {
                        dense_backward(&w, black_box(&x), &dy, &mut dw, &mut db, &mut dx)
                    } else {
                        dense_backward_batch(&w, black_box(&x), &dy, &mut dw, &mut db, &mut dx)
                    }
                })
            });
            // Parameter gradients only (what training needs of a first layer): dW.
            grp.throughput(Throughput::Elements(flops));
            grp.bench_function(format!("backward params {tier:?}"), |bch| {
                bch.iter(|| {
                    if batch == 1 {
                        dense_backward_params(black_box(&x), &dy, &mut dw, &mut db)
                    } else {
                        dense_backward_params_batch(black_box(&x), &dy, &mut dw, &mut db)
                    }
                })
            });
        }
        set_isa(best);
        grp.finish();
    }
}

/// Forward and backward of one element-wise activation over 128 × 64 values.
fn activation<A: Elementwise<f32>>(c: &mut C, name: &str, act: A) {
    let n = 128 * 64;
    let mut g = Lcg::new(4);
    let x = g.vec(n, -3.0, 3.0);
    let dy = g.vec(n, -1.0, 1.0);
    let mut y = vec![0.0f32; n];
    elementwise_forward(&act, &x, &mut y);
    let mut dx = vec![0.0f32; n];
    let mut grp = c.benchmark_group(format!("activation {name} 128x64 (elements)"));
    grp.warm_up_time(Duration::from_millis(300));
    grp.measurement_time(Duration::from_secs(1));
    grp.throughput(Throughput::Elements(n as u64));
    grp.bench_function("forward", |b| {
        b.iter(|| elementwise_forward(&act, black_box(&x), &mut dx))
    });
    grp.bench_function("backward", |b| {
        b.iter(|| elementwise_backward(&act, black_box(&x), &y, &dy, &mut dx))
    });
    grp.finish();
}

fn activations(c: &mut C) {
    activation(c, "relu", Relu);
    activation(c, "sigmoid", Sigmoid);
    activation(c, "tanh", Tanh);
    activation(c, "leaky_relu", LeakyRelu::<f32>::default());
    activation(c, "elu", Elu::<f32>::default());
    activation(c, "prelu", Prelu::<f32>::default());
}

/// Loss and gradient of a batch of 32 samples × 10 classes / outputs.
fn losses(c: &mut C) {
    let (b, k) = (32usize, 10usize);
    let mut g = Lcg::new(5);
    let z = g.vec(b * k, -3.0, 3.0);
    let t = g.vec(b * k, 0.0, 1.0);
    let labels: Vec<usize> = (0..b).map(|i| (i * 7) % k).collect();
    let signs: Vec<f32> = t
        .iter()
        .map(|&v| if v < 0.5 { -1.0 } else { 1.0 })
        .collect();
    let mut grad = vec![0.0f32; b * k];
    let mut grp = c.benchmark_group("loss and gradient 32x10 (samples)");
    grp.warm_up_time(Duration::from_millis(300));
    grp.measurement_time(Duration::from_secs(1));
    grp.throughput(Throughput::Elements(b as u64));
    grp.bench_function("cross_entropy", |bch| {
        bch.iter(|| loss::cross_entropy(black_box(&z), k, &labels, Some(&mut grad)).unwrap())
    });
    grp.bench_function("mse", |bch| {
        bch.iter(|| loss::mse(black_box(&z), &t, Some(&mut grad)).unwrap())
    });
    grp.bench_function("huber", |bch| {
        bch.iter(|| loss::huber(1.0, black_box(&z), &t, Some(&mut grad)).unwrap())
    });
    grp.bench_function("bce_with_logits", |bch| {
        bch.iter(|| loss::bce_with_logits(black_box(&z), &t, Some(&mut grad)).unwrap())
    });
    grp.bench_function("hinge", |bch| {
        bch.iter(|| loss::hinge(1.0, black_box(&z), &signs, Some(&mut grad)).unwrap())
    });
    grp.finish();
}

/// `e^x` over 320 logits in `[-30, 0]` (a 32 × 10 softmax after the max is
/// subtracted): the scalar `libm::expf` loop against the libm-exact slice
/// `Float::exp_in_place` on each tier.
fn exp_slice(c: &mut C) {
    use nn_core::Float;
    let n = 320;
    let x = Lcg::new(6).vec(n, -30.0, 0.0);
    let mut y = vec![0.0f32; n];
    let best = isa();
    let mut grp = c.benchmark_group("exp f32 slice 320 (elements)");
    grp.warm_up_time(Duration::from_millis(300));
    grp.measurement_time(Duration::from_secs(1));
    grp.throughput(Throughput::Elements(n as u64));
    grp.bench_function("libm::expf loop", |b| {
        b.iter(|| {
            for (y, &x) in y.iter_mut().zip(black_box(&x)) {
                *y = Float::exp(x);
            }
        })
    });
    for tier in tiers() {
        set_isa(tier);
        grp.bench_function(format!("exp_in_place {tier:?}"), |b| {
            b.iter(|| {
                y.copy_from_slice(black_box(&x));
                f32::exp_in_place(&mut y);
            })
        });
    }
    set_isa(best);
    grp.finish();
}

fn config() -> C {
    Criterion::default().with_measurement(Clock::default())
}

criterion_group! {
    name = benches;
    config = config();
    targets = dense, activations, losses, exp_slice
}
criterion_main!(benches);
