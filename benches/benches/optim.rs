//! One optimizer step over 1,000,000 f32 parameters (slice API), beside a
//! plain copy loop over about the same number of bytes, in the same run.
//!
//! Bytes moved per parameter per step (f32, 4 B each), counting the streams the
//! algorithm must read and write:
//!
//! | optimizer | reads | writes | B/param |
//! | --- | --- | --- | --- |
//! | Sgd (plain) | p, g | p | 12 |
//! | Sgd momentum | p, g, buf | p, buf | 20 |
//! | Adagrad | p, g, sum | p, sum | 20 |
//! | Adadelta | p, g, v, u | p, v, u | 28 |
//! | RmsProp | p, g, v | p, v | 20 |
//! | Adam / AdamW / AdaMax / NAdam | p, g, m, v | p, m, v | 28 |
//! | Adam AMSGrad | p, g, m, v, vmax | p, m, v, vmax | 36 |
//! | copy loop | src | dst | 8 per element, over 4,000,000 elements = 32 MB |
//!
//! Every step also re-reads `g` once (4 B/param) to refuse NaN/inf before any
//! change; that read is not counted above, so the ratios are conservative.
//!
//! Run: `cargo bench -p nn-benches --bench optim -- --warm-up-time 1 --measurement-time 3`.
//! After criterion's own report, a summary times every case again with a
//! median of 15 runs and prints GB/s and the ratio to the copy loop.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group};
use nn_optim::{
    AdaMaxConfig, AdaMaxRule, AdadeltaConfig, AdadeltaRule, AdagradConfig, AdagradRule, AdamConfig,
    AdamRule, AdamWConfig, AdamWRule, NAdamConfig, NAdamRule, RmsPropConfig, RmsPropRule, Rule,
    SgdConfig, SgdRule,
};

const N: usize = 1_000_000;
const COPY_N: usize = 4 * N;

/// Parameters, gradients and three state buffers.
struct Buffers {
    p: Vec<f32>,
    g: Vec<f32>,
    s: [Vec<f32>; 3],
}

impl Buffers {
    fn new() -> Self {
        let p = (0..N).map(|i| ((i % 97) as f32 - 48.0) * 0.01).collect();
        let g = (0..N).map(|i| ((i % 89) as f32 - 44.0) * 0.001).collect();
        Buffers {
            p,
            g,
            s: [vec![0.0; N], vec![0.0; N], vec![0.0; N]],
        }
    }
}

/// One step of `rule` on the buffers (the unused state slots get empty slices).
fn step<R: Rule<K, Float = f32>, const K: usize>(rule: &mut R, b: &mut Buffers) {
    let mut slots = b.s.iter_mut();
    let state: [&mut [f32]; K] = std::array::from_fn(|i| {
        let s = slots.next().expect("three state buffers");
        if rule.uses_slot(i) {
            &mut s[..]
        } else {
            &mut []
        }
    });
    rule.step(&mut b.p, black_box(&b.g), state)
        .expect("finite gradients");
}

/// A benchmark case: name, bytes per parameter, and one step.
struct Case {
    name: &'static str,
    bytes_per_param: usize,
    run: Box<dyn FnMut(&mut Buffers)>,
}

fn case<R: Rule<K, Float = f32> + 'static, const K: usize>(
    name: &'static str,
    bytes_per_param: usize,
    mut rule: R,
) -> Case {
    Case {
        name,
        bytes_per_param,
        run: Box::new(move |b| step(&mut rule, b)),
    }
}

fn cases() -> Vec<Case> {
    let sgd_momentum = SgdConfig {
        lr: 1e-3,
        momentum: 0.9,
        ..SgdConfig::default()
    };
    let ams = AdamConfig {
        amsgrad: true,
        ..AdamConfig::default()
    };
    vec![
        case("sgd", 12, SgdRule::new(SgdConfig::default()).unwrap()),
        case("sgd_momentum", 20, SgdRule::new(sgd_momentum).unwrap()),
        case(
            "adagrad",
            20,
            AdagradRule::new(AdagradConfig::default()).unwrap(),
        ),
        case(
            "adadelta",
            28,
            AdadeltaRule::new(AdadeltaConfig::default()).unwrap(),
        ),
        case(
            "rmsprop",
            20,
            RmsPropRule::new(RmsPropConfig::default()).unwrap(),
        ),
        case("adam", 28, AdamRule::new(AdamConfig::default()).unwrap()),
        case("adam_amsgrad", 36, AdamRule::new(ams).unwrap()),
        case("adamw", 28, AdamWRule::new(AdamWConfig::default()).unwrap()),
        case(
            "adamax",
            28,
            AdaMaxRule::new(AdaMaxConfig::default()).unwrap(),
        ),
        case("nadam", 28, NAdamRule::new(NAdamConfig::default()).unwrap()),
    ]
}

/// The baseline: a plain element-by-element copy loop.
fn copy_loop(src: &[f32], dst: &mut [f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("optim_step_1M_f32");
    let src = vec![1.0f32; COPY_N];
    let mut dst = vec![0.0f32; COPY_N];
    group.throughput(Throughput::Bytes((COPY_N * 8) as u64));
    group.bench_function("copy_loop_4M", |bch| {
        bch.iter(|| copy_loop(black_box(&src), black_box(&mut dst)))
    });
    let mut buffers = Buffers::new();
    for mut case in cases() {
        group.throughput(Throughput::Bytes((N * case.bytes_per_param) as u64));
        group.bench_function(case.name, |bch| bch.iter(|| (case.run)(&mut buffers)));
    }
    group.finish();
}

/// Median seconds of `runs` calls of `f`, after one warm-up call.
fn median_secs(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn summary() {
    let src = vec![1.0f32; COPY_N];
    let mut dst = vec![0.0f32; COPY_N];
    let copy_secs = median_secs(15, || copy_loop(black_box(&src), black_box(&mut dst)));
    let copy_gbs = (COPY_N * 8) as f64 / copy_secs / 1e9;
    println!(
        "\nsummary (median of 15): copy loop {copy_gbs:.2} GB/s ({:.3} ms for 32 MB)",
        copy_secs * 1e3
    );
    println!(
        "{:<14} {:>7} {:>10} {:>9} {:>9}",
        "optimizer", "B/param", "ms/step", "GB/s", "vs copy"
    );
    let mut buffers = Buffers::new();
    for mut case in cases() {
        let secs = median_secs(15, || (case.run)(&mut buffers));
        let gbs = (N * case.bytes_per_param) as f64 / secs / 1e9;
        println!(
            "{:<14} {:>7} {:>10.3} {:>9.2} {:>8.0}%",
            case.name,
            case.bytes_per_param,
            secs * 1e3,
            gbs,
            100.0 * gbs / copy_gbs
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
