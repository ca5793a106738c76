//! Issue 7's workloads W1a–W4, nn beside nalgebra, ndarray and the naive
//! version, plus a 1024×1024 SGEMM of matrixmultiply as the practical ceiling
//! and the core's measured peak per tier (`common::peak`). nn runs once per
//! kernel tier this CPU supports (rows `nn portable`, `nn avx2`,
//! `nn avx512`, forced with `set_isa`), so an AVX-512 machine also reports its
//! AVX2 figures.
//!
//! `cargo bench -p nn-benches --bench workloads`

#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::clock::Clock;
use common::peers::{NaDyn, NaStatic, Nd, na_data, nd_adam, nd_data};
use common::{
    Data, NnTrainer, Opt, Weights, adam_slice, as_rows, naive, nn_net, nn_row, on_tier, tiers,
};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use nalgebra::SVector;
use ndarray::Array1;
use nn_benches::copy::{ADAM_BYTES_PER_PARAM, ADAM_STREAMS, CopyBaseline};
use nn_core::Module;
use nn_core::arch::isa;
use nn_optim::{AdamConfig, AdamRule, AdamState, Rule};

type C = Criterion<Clock>;

fn group<'a>(c: &'a mut C, name: &str, elems: u64) -> BenchmarkGroup<'a, Clock> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(elems));
    g.warm_up_time(Duration::from_millis(700));
    g.measurement_time(Duration::from_secs(3));
    g
}

fn w1<const I: usize, const H: usize, const O: usize>(c: &mut C, name: &str) {
    let w = Weights::new(I, H, O, 1);
    let d = Data::new(1, I, O, 2);
    let x: [f32; I] = d.x[..].try_into().unwrap();
    let mut g = group(c, name, 1);
    let net = nn_net::<I, H, O>(&w);
    for tier in tiers() {
        on_tier(tier, || {
            g.bench_function(nn_row(tier), |b| b.iter(|| net.forward(black_box(&x))))
        });
    }
    let nv = naive::Mlp::<I, H, O>::new(&w);
    g.bench_function("naive", |b| b.iter(|| nv.forward(black_box(&x))));
    let na = NaStatic::<I, H, O>::new(&w);
    let xs = SVector::<f32, I>::from_column_slice(&x);
    g.bench_function("nalgebra", |b| b.iter(|| na.forward(black_box(&xs))));
    let nd = Nd::new(&w);
    let xa = Array1::from(x.to_vec());
    // Same model in every system: outputs agree to rounding.
    let y = net.forward(&x);
    for (k, &yk) in y.iter().enumerate() {
        for other in [nv.forward(&x)[k], na.forward(&xs)[k], nd.forward1(&xa)[k]] {
            assert!((yk - other).abs() < 1e-4, "{name}: {yk} vs {other}");
        }
    }
    g.bench_function("ndarray", |b| b.iter(|| nd.forward1(black_box(&xa))));
    g.finish();
}

fn w1a(c: &mut C) {
    w1::<64, 32, 10>(c, "W1a 64-32-10 one sample");
}

fn w1b(c: &mut C) {
    w1::<784, 128, 10>(c, "W1b 784-128-10 one sample");
}

fn w2(c: &mut C) {
    const B: usize = 256;
    let w = Weights::new(784, 128, 10, 3);
    let d = Data::new(B, 784, 10, 4);
    let xb: &[[f32; 784]; B] = as_rows::<784>(&d.x).try_into().unwrap();
    let mut g = group(c, "W2 784-128-10 batch 256", B as u64);
    let net = nn_net::<784, 128, 10>(&w);
    for tier in tiers() {
        on_tier(tier, || {
            g.bench_function(nn_row(tier), |b| {
                b.iter(|| net.forward(black_box(xb))[B - 1][0])
            })
        });
    }
    let nv = naive::Mlp::<784, 128, 10>::new(&w);
    g.bench_function("naive", |b| {
        b.iter(|| black_box(xb).iter().map(|x| nv.forward(x)[0]).sum::<f32>())
    });
    let na = NaDyn::new(&w);
    let xs = na_data(&d);
    g.bench_function("nalgebra", |b| {
        b.iter(|| na.forward(black_box(&xs).columns(0, B)))
    });
    let nd = Nd::new(&w);
    let xa = nd_data(&d);
    let (y, ya, yn) = (
        net.forward(xb),
        na.forward(xs.columns(0, B)),
        nd.forward(xa.view()),
    );
    for r in [0, 17, B - 1] {
        for k in 0..10 {
            assert!((y[r][k] - ya[(k, r)]).abs() < 1e-4 && (y[r][k] - yn[[r, k]]).abs() < 1e-4);
            assert!((y[r][k] - nv.forward(&xb[r])[k]).abs() < 1e-4);
        }
    }
    g.bench_function("ndarray", |b| b.iter(|| nd.forward(black_box(&xa).view())));
    g.finish();
}

fn w3<const I: usize, const H: usize, const O: usize, const B: usize>(
    c: &mut C,
    name: &str,
    n: usize,
    opt: Opt,
) {
    let w = Weights::new(I, H, O, 5);
    let d = Data::new(n, I, O, 6);
    let mut g = group(c, name, n as u64);
    if n > 5000 {
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(6));
    }
    for tier in tiers() {
        let mut t = NnTrainer::<I, H, O>::new(&w);
        on_tier(tier, || {
            g.bench_function(nn_row(tier), |b| {
                b.iter(|| t.epoch::<B>(black_box(&d), opt))
            })
        });
    }
    let mut t = NnTrainer::<I, H, O>::new(&w);
    t.bare = true;
    g.bench_function("nn-kernels", |b| {
        b.iter(|| t.epoch::<B>(black_box(&d), opt))
    });
    let mut nv = naive::Trainer::<I, H, O>::new(&w);
    g.bench_function("naive", |b| b.iter(|| nv.epoch(black_box(&d), B, opt)));
    let mut na = NaDyn::new(&w);
    let xs = na_data(&d);
    g.bench_function("nalgebra", |b| {
        b.iter(|| na.epoch(&xs, black_box(&d), B, opt))
    });
    let mut nd = Nd::new(&w);
    let xa = nd_data(&d);
    g.bench_function("ndarray", |b| {
        b.iter(|| nd.epoch(&xa, black_box(&d), B, opt))
    });
    g.finish();
}

fn w3a(c: &mut C) {
    w3::<64, 32, 10, 32>(c, "W3a 64-32-10 epoch 1797 batch 32 SGD", 1797, Opt::Sgd);
}

fn w3b(c: &mut C) {
    w3::<64, 32, 10, 32>(c, "W3b 64-32-10 epoch 1797 batch 32 Adam", 1797, Opt::Adam);
}

fn w3c(c: &mut C) {
    w3::<784, 128, 10, 64>(
        c,
        "W3c 784-128-10 epoch 10000 batch 64 Adam",
        10_000,
        Opt::Adam,
    );
}

fn w4(c: &mut C) {
    for n in [1_000_000usize, 10_000_000] {
        let mut rng = common::Lcg::new(9);
        let grads = rng.vec(n, -1.0, 1.0);
        let mut p = rng.vec(n, -1.0, 1.0);
        let (mut m, mut v) = (vec![0.0f32; n], vec![0.0f32; n]);
        let mut g = c.benchmark_group(format!("W4 Adam step {n} params"));
        g.warm_up_time(Duration::from_millis(700));
        g.measurement_time(Duration::from_secs(3));
        // Adam reads p, g, m, v and writes p, m, v: 28 bytes per parameter.
        g.throughput(Throughput::Bytes((ADAM_BYTES_PER_PARAM * n) as u64));
        let mut rule = AdamRule::<f32>::new(AdamConfig::default()).unwrap();
        g.bench_function("nn-optim Adam", |b| {
            b.iter(|| {
                let state = AdamState {
                    m: &mut m[..],
                    v: &mut v[..],
                    vmax: (),
                };
                rule.step(&mut p, black_box(&grads), state).unwrap();
            })
        });
        let mut t = 0;
        g.bench_function("plain loop", |b| {
            b.iter(|| {
                t += 1;
                adam_slice(&mut p, black_box(&grads), &mut m, &mut v, t.min(1000));
            })
        });
        let (mut ma, mut va) = (Array1::zeros(n), Array1::zeros(n));
        let mut t = 0;
        g.bench_function("ndarray Zip", |b| {
            b.iter(|| {
                t += 1;
                nd_adam(&mut p, black_box(&grads), &mut ma, &mut va, t.min(1000));
            })
        });
        // The shared baseline (nn_benches::copy): 2n floats copied, Adam's
        // 16n-byte footprint, 8 bytes moved per element.
        let mut copy = CopyBaseline::matching(n, ADAM_STREAMS);
        g.throughput(Throughput::Bytes(copy.bytes()));
        g.bench_function("copy loop", |b| b.iter(|| copy.run()));
        g.finish();
    }
}

#[allow(unsafe_code)] // matrixmultiply's raw-pointer API
fn sgemm(c: &mut C) {
    const N: usize = 1024;
    let mut rng = common::Lcg::new(11);
    let (a, b) = (rng.vec(N * N, -1.0, 1.0), rng.vec(N * N, -1.0, 1.0));
    let mut out = vec![0.0f32; N * N];
    let mut g = group(c, "SGEMM 1024 (flops)", 2 * (N * N * N) as u64);
    g.sample_size(10);
    g.bench_function("matrixmultiply", |bch| {
        bch.iter(|| {
            // SAFETY: three N×N row-major matrices of exactly N·N floats.
            unsafe {
                matrixmultiply::sgemm(
                    N,
                    N,
                    N,
                    1.0,
                    a.as_ptr(),
                    N as isize,
                    1,
                    b.as_ptr(),
                    N as isize,
                    1,
                    0.0,
                    out.as_mut_ptr(),
                    N as isize,
                    1,
                )
            }
        })
    });
    g.finish();
}

/// The core's peak per tier (`common::peak`): separate multiplies and adds
/// (the limit of nn's exact-order kernels), fused multiply-adds, and the
/// AVX2 forward's inner loop in L1 (aligned and with split loads).
#[cfg(target_arch = "x86_64")]
fn peak(c: &mut C) {
    use common::peak::{Peak, flops, run, supported};
    const ITERS: usize = 100_000;
    let mut g = c.benchmark_group("peak (flops)");
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(1));
    for tier in tiers() {
        for kind in [Peak::MulAdd, Peak::Fma, Peak::Block, Peak::BlockSplit] {
            if supported(tier, kind) {
                let name = format!("{} {kind:?}", nn_row(tier).trim_start_matches("nn "));
                g.throughput(Throughput::Elements(flops(tier, kind, ITERS)));
                g.bench_function(name, |b| b.iter(|| run(tier, kind, black_box(ITERS))));
            }
        }
    }
    g.finish();
}

#[cfg(not(target_arch = "x86_64"))]
fn peak(_: &mut C) {}

fn config() -> C {
    let clock = Clock::default();
    eprintln!(
        "CPU: {}; measuring {}; dense kernels on {:?} (each tier forced in turn)",
        common::cpu_model(),
        clock.name(),
        isa()
    );
    Criterion::default().with_measurement(clock)
}

criterion_group! {
    name = benches;
    config = config();
    targets = peak, w1a, w1b, w2, w3a, w3b, w3c, w4, sgemm
}
criterion_main!(benches);
