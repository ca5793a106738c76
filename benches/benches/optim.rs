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
//! | copy loop | src | dst | 8 per element, over 2,000,000 elements = 16 MB moved |
//!
//! The copy loop is the shared baseline `nn_benches::copy::CopyBaseline`
//! (also used by `workloads`' W4): it copies `2·N` floats, so its footprint
//! (16 MB) equals Adam's four 4 MB streams; see that module for the definition.
//!
//! Every step also re-reads `g` once (4 B/param) to refuse NaN/inf before any
//! change; that read is not counted above, so the ratios are conservative.
//!
//! Run: `cargo bench -p nn-benches --bench optim -- --warm-up-time 1 --measurement-time 3`.
//! After criterion's own report, a summary times every case again (31 runs,
//! median and best) and prints GB/s and the ratio to the copy loop's GB/s.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use nn_benches::copy::{ADAM_BYTES_PER_PARAM, ADAM_STREAMS, CopyBaseline};
use nn_optim::{
    AdaMaxConfig, AdaMaxRule, AdadeltaConfig, AdadeltaRule, AdagradConfig, AdagradRule, AdamConfig,
    AdamRule, AdamWConfig, AdamWRule, NAdamConfig, NAdamRule, Present, RmsPropConfig, RmsPropRule,
    Rule, SgdConfig, SgdRule,
};

const N: usize = 1_000_000;

/// Parameters and gradients (each case owns its state buffers).
struct Buffers {
    p: Vec<f32>,
    g: Vec<f32>,
}

impl Buffers {
    fn new() -> Self {
        let p = (0..N).map(|i| ((i % 97) as f32 - 48.0) * 0.01).collect();
        let g = (0..N).map(|i| ((i % 89) as f32 - 44.0) * 0.001).collect();
        Buffers { p, g }
    }
}

/// One step of `rule` on the buffers with its state (only the buffers its
/// configuration uses).
fn step<R: Rule<Float = f32>>(rule: &mut R, state: &mut R::State<Vec<f32>>, b: &mut Buffers) {
    rule.step(&mut b.p, black_box(&b.g), R::slices(state))
        .expect("finite gradients");
}

/// A benchmark case: name, bytes per parameter, and one step.
struct Case {
    name: &'static str,
    bytes_per_param: usize,
    run: Box<dyn FnMut(&mut Buffers)>,
}

fn case<R: Rule<Float = f32> + 'static>(
    name: &'static str,
    bytes_per_param: usize,
    mut rule: R,
) -> Case {
    let mut state = R::state_with(|| vec![0.0; N]);
    Case {
        name,
        bytes_per_param,
        run: Box::new(move |b| step(&mut rule, &mut state, b)),
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
        case(
            "sgd",
            12,
            SgdRule::<f32>::new(SgdConfig::default()).unwrap(),
        ),
        case(
            "sgd_momentum",
            20,
            SgdRule::<_, Present>::new(sgd_momentum).unwrap(),
        ),
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
            RmsPropRule::<f32>::new(RmsPropConfig::default()).unwrap(),
        ),
        case(
            "adam",
            ADAM_BYTES_PER_PARAM,
            AdamRule::<f32>::new(AdamConfig::default()).unwrap(),
        ),
        case(
            "adam_amsgrad",
            36,
            AdamRule::<_, Present>::new(ams).unwrap(),
        ),
        case(
            "adamw",
            28,
            AdamWRule::<f32>::new(AdamWConfig::default()).unwrap(),
        ),
        case(
            "adamax",
            28,
            AdaMaxRule::new(AdaMaxConfig::default()).unwrap(),
        ),
        case("nadam", 28, NAdamRule::new(NAdamConfig::default()).unwrap()),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("optim_step_1M_f32");
    let mut copy = CopyBaseline::matching(N, ADAM_STREAMS);
    group.throughput(Throughput::Bytes(copy.bytes()));
    group.bench_function("copy_loop_2M", |bch| bch.iter(|| copy.run()));
    let mut buffers = Buffers::new();
    for mut case in cases() {
        group.throughput(Throughput::Bytes((N * case.bytes_per_param) as u64));
        group.bench_function(case.name, |bch| bch.iter(|| (case.run)(&mut buffers)));
    }
    group.finish();
}

/// Median and best seconds of `runs` calls of `f`, after one warm-up call.
fn timings(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[runs / 2], times[0])
}

fn summary() {
    const RUNS: usize = 31;
    let mut copy = CopyBaseline::matching(N, ADAM_STREAMS);
    let (copy_med, copy_best) = timings(RUNS, || copy.run());
    let gbs = |bytes: usize, secs: f64| bytes as f64 / secs / 1e9;
    let copy_bytes = copy.bytes() as usize;
    let (copy_med_gbs, copy_best_gbs) = (gbs(copy_bytes, copy_med), gbs(copy_bytes, copy_best));
    println!(
        "\nsummary over {RUNS} runs: copy loop (16 MB) median {copy_med_gbs:.2} GB/s, best {copy_best_gbs:.2} GB/s"
    );
    println!(
        "{:<14} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "optimizer", "B/param", "med ms", "med GB/s", "med/copy", "best GB/s", "best/copy"
    );
    let mut buffers = Buffers::new();
    for mut case in cases() {
        let (med, best) = timings(RUNS, || (case.run)(&mut buffers));
        let bytes = N * case.bytes_per_param;
        println!(
            "{:<14} {:>7} {:>9.3} {:>9.2} {:>8.0}% {:>9.2} {:>8.0}%",
            case.name,
            case.bytes_per_param,
            med * 1e3,
            gbs(bytes, med),
            100.0 * gbs(bytes, med) / copy_med_gbs,
            gbs(bytes, best),
            100.0 * gbs(bytes, best) / copy_best_gbs,
        );
    }
}

/// Criterion's timing of every case, configured from the command line.
fn benches() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
