//! int8 inference (TFLite Micro's arithmetic, nn-core's `quant` kernel)
//! beside f32 inference, batched, on the Digits shape 64-32-10.
//!
//! The int8 kernel is portable Rust (SSE2 on a default x86_64 build); the
//! f32 kernels run their best tier and, for a like-for-like figure, their
//! portable tier.
//!
//! `cargo bench -p nn-benches --bench int8`

#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::clock::Clock;
use common::{Data, Weights, nn_net};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nn_core::Module;
use nn_core::arch::{Isa, isa, set_isa};
use nn_core::quant::{FusedActivation, Infer, quantize};
use nn_std::quant::{QLayerParams, QNetwork, QParams};

type C = Criterion<Clock>;

const BATCH: usize = 256;

/// Per-channel symmetric int8 weights and i32 bias of one f32 layer.
fn quantize_layer(
    w: &[f32],
    b: &[f32],
    n_in: usize,
    input: QParams,
    output: QParams,
    relu: bool,
) -> QLayerParams {
    let rows = w.chunks(n_in);
    let scales: Vec<f32> = rows
        .clone()
        .map(|r| r.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0)
        .collect();
    let weights = rows
        .zip(&scales)
        .flat_map(|(r, &s)| r.iter().map(move |v| quantize(*v, s, 0)))
        .collect();
    let bias = b
        .iter()
        .zip(&scales)
        .map(|(v, s)| (v / (input.scale * s)).round() as i32)
        .collect();
    QLayerParams {
        in_features: n_in,
        out_features: b.len(),
        weights,
        bias: Some(bias),
        input,
        output,
        weight_scales: scales,
        activation: if relu {
            FusedActivation::Relu
        } else {
            FusedActivation::None
        },
    }
}

fn digits(c: &mut C) {
    let w = Weights::new(64, 32, 10, 1);
    let d = Data::new(BATCH, 64, 10, 2);
    let x: Box<[[f32; 64]; BATCH]> = Box::new(std::array::from_fn(|r| {
        d.x[r * 64..][..64].try_into().unwrap()
    }));
    let f32_net = nn_net::<64, 32, 10>(&w);

    let input = QParams {
        scale: 1.0 / 255.0,
        zero_point: -128,
    };
    let hidden = QParams {
        scale: 8.0 / 255.0,
        zero_point: -128,
    };
    let output = QParams {
        scale: 8.0 / 255.0,
        zero_point: 0,
    };
    let q_net = QNetwork::new(vec![
        quantize_layer(&w.w1, &w.b1, 64, input, hidden, true),
        quantize_layer(&w.w2, &w.b2, 32, hidden, output, false),
    ])
    .unwrap();
    let typed = Box::new(nn_core::seq![
        q_net.dense::<64, 32>(0).unwrap(),
        q_net.dense::<32, 10>(1).unwrap()
    ]);
    let xq: Box<[[i8; 64]; BATCH]> =
        Box::new(x.map(|row| row.map(|v| quantize(v, input.scale, input.zero_point))));
    let xq_flat = xq.as_flattened().to_vec();
    assert_eq!(
        q_net.forward(&xq_flat).unwrap(),
        typed.infer(&*xq).as_flattened()
    );

    let mut g = c.benchmark_group(format!("digits 64-32-10 inference, batch {BATCH}"));
    g.throughput(Throughput::Elements(BATCH as u64));
    g.warm_up_time(Duration::from_millis(700));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("f32 typed", |b| b.iter(|| f32_net.forward(black_box(&*x))));
    // The int8 kernel has only the portable tier (SSE2 on a default build):
    // the f32 kernels' portable tier is its like-for-like peer.
    let best = isa();
    set_isa(Isa::Portable);
    g.bench_function("f32 typed, portable tier", |b| {
        b.iter(|| f32_net.forward(black_box(&*x)))
    });
    set_isa(best);
    g.bench_function("int8 typed", |b| b.iter(|| typed.infer(black_box(&*xq))));
    g.bench_function("int8 QNetwork", |b| {
        b.iter(|| q_net.forward(black_box(&xq_flat)).unwrap())
    });
    g.bench_function("int8 QNetwork, f32 in/out", |b| {
        b.iter(|| q_net.forward_f32(black_box(x.as_flattened())).unwrap())
    });
    g.finish();
}

fn config() -> C {
    Criterion::default().with_measurement(Clock::default())
}

criterion_group! {
    name = benches;
    config = config();
    targets = digits
}
criterion_main!(benches);
