//! Issue 15's comparisons measured so that the machine's noise cancels out.
//!
//! On a shared machine (a VM whose host runs other tenants) criterion's
//! medians of the same binary move by 20–40 % from run to run, and an
//! instruction-dense kernel such as nn's exact-order AVX2 forward loses more
//! to a busy neighbour than an FMA kernel does. Here every contestant of a
//! workload runs once per round, in turn, for many rounds, so that all of
//! them see the same moments of the machine (each round's timed calls follow
//! one untimed call, so they find the caches as repeated calls leave them,
//! as in criterion's loops); each one's **minimum** over the
//! rounds is its uncontended speed, and its median is shown beside it. The
//! ratios are best peer / nn row (above 1: that nn tier beats every peer),
//! from the minima and from the medians.
//!
//! ```sh
//! cargo bench -p nn-benches --bench interleaved [-- FILTER]
//! ```
//!
//! FILTER picks workloads by key (`W1a`, `W2`, `W3` for all three epochs, `W4 10M`, ...).
//! `ROUNDS=N` sets the rounds (default 60; W3c's epochs and the 10 M-parameter
//! Adam step run a quarter of them, the short peak loops ten times as many).
//! The time is the thread's CPU time (`common::clock`). In W4 the plain loop
//! counts as a peer.

#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::clock::Clock;
use common::peers::{NaDyn, NaStatic, Nd, na_data, nd_adam, nd_data};
use common::{Data, NnTrainer, Opt, Weights, adam_slice, as_rows, nn_net, nn_row, on_tier, tiers};
use nalgebra::SVector;
use ndarray::Array1;
use nn_core::Module;
use nn_core::arch::Isa;
use nn_optim::{AdamConfig, AdamRule, AdamState, Rule};

/// A workload's key (for the filter), how to build it, and its rounds.
type Entry = (&'static str, fn() -> Workload<'static>, usize);

/// One system (or nn on one tier) running a workload.
struct Contestant<'a> {
    name: String,
    tier: Option<Isa>,
    run: Box<dyn FnMut() + 'a>,
    /// Seconds per call, one entry per round.
    times: Vec<f64>,
}

/// The contestants of one workload and its work per call (flops, or 0).
struct Workload<'a> {
    name: String,
    flops: f64,
    calls: usize,
    contestants: Vec<Contestant<'a>>,
}

impl<'a> Workload<'a> {
    fn new(name: impl Into<String>, flops: f64, calls: usize) -> Self {
        Workload {
            name: name.into(),
            flops,
            calls,
            contestants: Vec::new(),
        }
    }

    /// Adds nn on `tier` (run with the kernels forced to it).
    fn nn(&mut self, tier: Isa, run: impl FnMut() + 'a) {
        self.push(nn_row(tier), Some(tier), run);
    }

    fn push(&mut self, name: impl Into<String>, tier: Option<Isa>, run: impl FnMut() + 'a) {
        self.contestants.push(Contestant {
            name: name.into(),
            tier,
            run: Box::new(run),
            times: Vec::new(),
        });
    }

    /// `rounds` rounds; in each, every contestant makes `calls` calls.
    fn measure(&mut self, clock: &Clock, rounds: usize) {
        for _ in 0..rounds {
            for c in &mut self.contestants {
                let calls = self.calls;
                let mut timed = || {
                    // One call untimed, so the timed ones find the caches as
                    // repeated calls leave them (as criterion's loops do).
                    (c.run)();
                    let start = clock.read();
                    for _ in 0..calls {
                        (c.run)();
                    }
                    (clock.read() - start).as_secs_f64() / calls as f64
                };
                let t = match c.tier {
                    Some(tier) => on_tier(tier, timed),
                    None => timed(),
                };
                c.times.push(t);
            }
        }
    }

    fn report(&mut self, peaks: &[(String, f64)]) {
        println!("\n### {}\n", self.name);
        println!(
            "| row | min | median | best peer / row (min) | (median) |{}",
            gflops_head(self.flops)
        );
        println!(
            "| --- | ---: | ---: | ---: | ---: |{}",
            gflops_rule(self.flops)
        );
        let stats: Vec<(f64, f64)> = self
            .contestants
            .iter_mut()
            .map(|c| min_median(&mut c.times))
            .collect();
        let peer = |pick: fn(&(f64, f64)) -> f64| {
            self.contestants
                .iter()
                .zip(&stats)
                .filter(|(c, _)| !c.name.starts_with("nn"))
                .map(|(_, s)| pick(s))
                .fold(f64::INFINITY, f64::min)
        };
        let (peer_min, peer_med) = (peer(|s| s.0), peer(|s| s.1));
        for (c, &(min, med)) in self.contestants.iter().zip(&stats) {
            let ratios = if c.name.starts_with("nn") {
                format!("{:.2}× | {:.2}×", peer_min / min, peer_med / med)
            } else {
                " | ".to_string()
            };
            let gflops = if self.flops > 0.0 {
                let g = self.flops / min / 1e9;
                let tier = c.name.trim_start_matches("nn ");
                let share = |kind: &str| {
                    peaks
                        .iter()
                        .find(|(n, _)| *n == format!("{tier} {kind}"))
                        .map_or(String::new(), |(_, p)| format!("{:.0} %", 100.0 * g / p))
                };
                format!(" {g:.1} | {} | {} |", share("MulAdd"), share("Fma"))
            } else {
                String::new()
            };
            println!(
                "| {} | {} | {} | {ratios} |{gflops}",
                c.name,
                fmt(min),
                fmt(med)
            );
        }
    }
}

fn gflops_head(flops: f64) -> &'static str {
    if flops > 0.0 {
        " GFLOP/s (min) | % of mul+add peak | % of FMA peak |"
    } else {
        ""
    }
}

fn gflops_rule(flops: f64) -> &'static str {
    if flops > 0.0 {
        " ---: | ---: | ---: |"
    } else {
        ""
    }
}

fn min_median(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2])
}

fn fmt(seconds: f64) -> String {
    let ns = seconds * 1e9;
    match ns {
        ns if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        ns if ns >= 1e3 => format!("{:.1} µs", ns / 1e3),
        ns => format!("{ns:.0} ns"),
    }
}

/// The peaks (GFLOP/s, best round) per `"tier kind"`, as `common::peak`.
#[cfg(target_arch = "x86_64")]
fn peaks(clock: &Clock, rounds: usize) -> Vec<(String, f64)> {
    use common::peak::{Peak, flops, run, supported};
    const ITERS: usize = 20_000;
    let mut out = Vec::new();
    let mut w = Workload::new("peak", 0.0, 1);
    for tier in tiers() {
        for kind in [Peak::MulAdd, Peak::Fma, Peak::Block] {
            if supported(tier, kind) {
                let name = format!("{} {kind:?}", nn_row(tier).trim_start_matches("nn "));
                out.push((name.clone(), flops(tier, kind, ITERS) as f64));
                w.push(name, None, move || {
                    black_box(run(tier, kind, black_box(ITERS)));
                });
            }
        }
    }
    // The loops are short (tens of µs): ten times the rounds.
    w.measure(clock, 10 * rounds);
    println!("\n### Peak (GFLOP/s, best round)\n");
    println!("| loop | GFLOP/s |\n| --- | ---: |");
    for ((name, flops), c) in out.iter_mut().zip(&mut w.contestants) {
        *flops /= min_median(&mut c.times).0 * 1e9;
        println!("| {name} | {flops:.1} |");
    }
    out
}

#[cfg(not(target_arch = "x86_64"))]
fn peaks(_: &Clock, _: usize) -> Vec<(String, f64)> {
    Vec::new()
}

fn w1<const I: usize, const H: usize, const O: usize>(name: &str) -> Workload<'static> {
    let w = Weights::new(I, H, O, 1);
    let x: [f32; I] = Data::new(1, I, O, 2).x[..].try_into().unwrap();
    let mut wl = Workload::new(name, 0.0, 200);
    for tier in tiers() {
        let net = nn_net::<I, H, O>(&w);
        wl.nn(tier, move || {
            black_box(net.forward(black_box(&x)));
        });
    }
    let na = NaStatic::<I, H, O>::new(&w);
    let xs = SVector::<f32, I>::from_column_slice(&x);
    wl.push("nalgebra", None, move || {
        black_box(na.forward(black_box(&xs)));
    });
    let nd = Nd::new(&w);
    let xa = Array1::from(x.to_vec());
    wl.push("ndarray", None, move || {
        black_box(nd.forward1(black_box(&xa)));
    });
    wl
}

fn w2() -> Workload<'static> {
    const B: usize = 256;
    let w = Weights::new(784, 128, 10, 3);
    let d = Data::new(B, 784, 10, 4);
    let flops = (2 * (784 * 128 + 128 * 10) * B) as f64;
    let mut wl = Workload::new("W2 784-128-10 batch 256", flops, 1);
    for tier in tiers() {
        let net = nn_net::<784, 128, 10>(&w);
        let xb: Box<[[f32; 784]; B]> = as_rows::<784>(&d.x).to_vec().try_into().unwrap();
        wl.nn(tier, move || {
            black_box(net.forward(black_box(&*xb))[B - 1][0]);
        });
    }
    let na = NaDyn::new(&w);
    let xs = na_data(&d);
    wl.push("nalgebra", None, move || {
        black_box(na.forward(black_box(&xs).columns(0, B)));
    });
    let nd = Nd::new(&w);
    let xa = nd_data(&d);
    wl.push("ndarray", None, move || {
        black_box(nd.forward(black_box(&xa).view()));
    });
    wl
}

fn w3<const I: usize, const H: usize, const O: usize, const B: usize>(
    name: &str,
    n: usize,
    opt: Opt,
) -> Workload<'static> {
    let w = Weights::new(I, H, O, 5);
    let d = std::rc::Rc::new(Data::new(n, I, O, 6));
    let mut wl = Workload::new(name, 0.0, 1);
    for tier in tiers() {
        let mut t = NnTrainer::<I, H, O>::new(&w);
        let d = d.clone();
        wl.nn(tier, move || t.epoch::<B>(black_box(&d), opt));
    }
    let mut na = NaDyn::new(&w);
    let xs = na_data(&d);
    let dn = d.clone();
    wl.push("nalgebra", None, move || {
        na.epoch(&xs, black_box(&dn), B, opt)
    });
    let mut nd = Nd::new(&w);
    let xa = nd_data(&d);
    wl.push("ndarray", None, move || {
        nd.epoch(&xa, black_box(&d), B, opt)
    });
    wl
}

fn w4(n: usize) -> Workload<'static> {
    let mut rng = common::Lcg::new(9);
    let grads = std::rc::Rc::new(rng.vec(n, -1.0, 1.0));
    let p0 = rng.vec(n, -1.0, 1.0);
    let mut wl = Workload::new(format!("W4 Adam step {n} params"), 0.0, 1);
    let (mut p, mut m, mut v, g) = (p0.clone(), vec![0.0f32; n], vec![0.0f32; n], grads.clone());
    let mut rule = AdamRule::<f32>::new(AdamConfig::default()).unwrap();
    wl.push("nn-optim Adam", None, move || {
        let state = AdamState {
            m: &mut m[..],
            v: &mut v[..],
            vmax: (),
        };
        rule.step(&mut p, black_box(&g), state).unwrap();
    });
    let (mut p, mut m, mut v, g) = (p0.clone(), vec![0.0f32; n], vec![0.0f32; n], grads.clone());
    let mut t = 0;
    wl.push("plain loop", None, move || {
        t += 1;
        adam_slice(&mut p, black_box(&g), &mut m, &mut v, t.min(1000));
    });
    let (mut p, mut m, mut v) = (p0, Array1::zeros(n), Array1::zeros(n));
    let mut t = 0;
    wl.push("ndarray Zip", None, move || {
        t += 1;
        nd_adam(&mut p, black_box(&grads), &mut m, &mut v, t.min(1000));
    });
    wl
}

fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(60);
    let clock = Clock::default();
    println!(
        "CPU: {}; {}; {rounds} rounds; interleaved, min and median per call",
        common::cpu_model(),
        clock.name()
    );
    let peaks = peaks(&clock, rounds);
    let workloads: Vec<Entry> = vec![
        (
            "W1a",
            || w1::<64, 32, 10>("W1a 64-32-10 one sample"),
            rounds,
        ),
        (
            "W1b",
            || w1::<784, 128, 10>("W1b 784-128-10 one sample"),
            rounds,
        ),
        ("W2", w2, rounds),
        (
            "W3a",
            || w3::<64, 32, 10, 32>("W3a 64-32-10 epoch 1797 batch 32 SGD", 1797, Opt::Sgd),
            rounds,
        ),
        (
            "W3b",
            || w3::<64, 32, 10, 32>("W3b 64-32-10 epoch 1797 batch 32 Adam", 1797, Opt::Adam),
            rounds,
        ),
        (
            "W3c",
            || {
                w3::<784, 128, 10, 64>(
                    "W3c 784-128-10 epoch 10000 batch 64 Adam",
                    10_000,
                    Opt::Adam,
                )
            },
            rounds.div_ceil(4),
        ),
        ("W4 1M", || w4(1_000_000), rounds),
        ("W4 10M", || w4(10_000_000), rounds.div_ceil(4)),
    ];
    for (key, make, rounds) in workloads {
        if key.contains(&filter) || filter.contains(key) {
            let mut wl = make();
            wl.measure(&clock, rounds);
            wl.report(&peaks);
        }
    }
}
