//! The workloads of issue 7, written once per system: nn (typed API), the
//! project's naive nested loops, nalgebra and ndarray. Every system runs the
//! same model, data, batch order and update.
#![allow(dead_code)]

pub mod clock;
pub mod naive;
#[cfg(target_arch = "x86_64")]
pub mod peak;
pub mod peers;

use nn_core::arch::{Isa, isa, set_isa};
use nn_core::{
    Chain, CrossEntropy, Dense, Loss, Module, Params, Pass, Relu, forward_train_reusing,
};

/// The kernel tiers this CPU runs, lowest first (call before any
/// [`set_isa`], which lowers [`isa`]).
pub fn tiers() -> Vec<Isa> {
    let best = isa();
    [Isa::Portable, Isa::Avx2, Isa::Avx512]
        .into_iter()
        .filter(|&t| t <= best)
        .collect()
}

/// The row name of nn on `tier`: `nn avx2`, ...
pub fn nn_row(tier: Isa) -> String {
    format!("nn {}", format!("{tier:?}").to_lowercase())
}

/// Runs `f` with the kernels on `tier`, then restores the tier before.
pub fn on_tier<R>(tier: Isa, f: impl FnOnce() -> R) -> R {
    let before = isa();
    set_isa(tier);
    let r = f();
    set_isa(before);
    r
}

/// The CPU's model name from `/proc/cpuinfo` (with family and model
/// numbers), or "unknown CPU".
pub fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |key: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == key))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    };
    match (field("model name"), field("cpu family"), field("model")) {
        (Some(name), Some(fam), Some(model)) => format!("{name} (family {fam}, model {model})"),
        (Some(name), _, _) => name,
        _ => "unknown CPU".to_string(),
    }
}

/// Deterministic uniform numbers in `[lo, hi)` (no rand dependency).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 40) as f32 / (1u64 << 24) as f32)
    }
    pub fn vec(&mut self, n: usize, lo: f32, hi: f32) -> Vec<f32> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
}

/// Weights of an `I-H-O` MLP, `[out][in]` row-major, PyTorch-like init.
#[derive(Clone)]
pub struct Weights {
    pub sizes: (usize, usize, usize),
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
}

impl Weights {
    pub fn new(i: usize, h: usize, o: usize, seed: u64) -> Self {
        let mut g = Lcg::new(seed);
        let (a1, a2) = (1.0 / (i as f32).sqrt(), 1.0 / (h as f32).sqrt());
        Weights {
            sizes: (i, h, o),
            w1: g.vec(i * h, -a1, a1),
            b1: g.vec(h, -a1, a1),
            w2: g.vec(h * o, -a2, a2),
            b2: g.vec(o, -a2, a2),
        }
    }
}

/// A classification data set: `n` rows of `dim` features in `[0, 1)`, labels `< classes`.
pub struct Data {
    pub dim: usize,
    pub x: Vec<f32>,
    pub y: Vec<usize>,
}

impl Data {
    pub fn new(n: usize, dim: usize, classes: usize, seed: u64) -> Self {
        let mut g = Lcg::new(seed);
        let x = g.vec(n * dim, 0.0, 1.0);
        let y = (0..n)
            .map(|_| (g.uniform(0.0, classes as f32) as usize).min(classes - 1))
            .collect();
        Data { dim, x, y }
    }
    pub fn len(&self) -> usize {
        self.y.len()
    }
}

/// Learning rate of SGD (issue 7: 0.1) and Adam (PyTorch's default 1e-3).
pub const SGD_LR: f32 = 0.1;
pub const ADAM_LR: f32 = 1e-3;
pub const BETA1: f32 = 0.9;
pub const BETA2: f32 = 0.999;
pub const EPS: f32 = 1e-8;

/// Adam on one flat tensor (PyTorch's formula, bias-corrected, step `t >= 1`).
#[inline]
pub fn adam_slice(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], t: i32) {
    let bc1 = 1.0 - BETA1.powi(t);
    let bc2 = 1.0 - BETA2.powi(t);
    let step = ADAM_LR / bc1;
    let inv_bc2 = 1.0 / bc2;
    for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        *m = BETA1 * *m + (1.0 - BETA1) * g;
        *v = BETA2 * *v + (1.0 - BETA2) * g * g;
        *p -= step * *m / ((*v * inv_bc2).sqrt() + EPS);
    }
}

/// Softmax cross-entropy gradient of a batch mean: `(softmax(z) - onehot(y)) / B`,
/// written into `z` in place (for the peers, which have no such loss).
#[inline]
pub fn softmax_ce_grad_rows(z: &mut [f32], classes: usize, y: &[usize]) {
    let inv_b = 1.0 / y.len() as f32;
    for (row, &t) in z.chunks_exact_mut(classes).zip(y) {
        let max = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        let k = inv_b / sum;
        for v in row.iter_mut() {
            *v *= k;
        }
        row[t] -= inv_b;
    }
}

/// The optimizer of a training workload.
#[derive(Clone, Copy, Debug)]
pub enum Opt {
    Sgd,
    Adam,
}

// ---------------------------------------------------------------------------
// nn, typed API.

pub type Net<const I: usize, const H: usize, const O: usize> =
    Chain<Dense<f32, I, H>, Chain<Relu, Dense<f32, H, O>>>;

pub fn nn_net<const I: usize, const H: usize, const O: usize>(w: &Weights) -> Box<Net<I, H, O>> {
    let mut net: Box<Net<I, H, O>> = Box::default();
    net.first.weight.as_flattened_mut().copy_from_slice(&w.w1);
    net.first.bias.copy_from_slice(&w.b1);
    net.second
        .second
        .weight
        .as_flattened_mut()
        .copy_from_slice(&w.w2);
    net.second.second.bias.copy_from_slice(&w.b2);
    net
}

/// nn's trainer: the model, its gradients, and nn-optim's `Sgd` or `Adam`,
/// whose state has the model's own type; the loss is nn-core's `CrossEntropy`.
pub struct NnTrainer<const I: usize, const H: usize, const O: usize> {
    pub net: Box<Net<I, H, O>>,
    grads: Box<Net<I, H, O>>,
    sgd: Box<nn_optim::Sgd<f32, Net<I, H, O>>>,
    adam: Box<nn_optim::Adam<f32, Net<I, H, O>>>,
    /// Diagnostic: the peers' hand-written loss and update instead of
    /// nn-core's `CrossEntropy` and nn-optim, to separate kernels from the rest.
    pub bare: bool,
    m: Box<Net<I, H, O>>,
    v: Box<Net<I, H, O>>,
    t: i32,
}

impl<const I: usize, const H: usize, const O: usize> NnTrainer<I, H, O> {
    pub fn new(w: &Weights) -> Self {
        let net = nn_net(w);
        let sgd = nn_optim::SgdConfig {
            lr: SGD_LR as f64,
            ..Default::default()
        };
        let adam = nn_optim::AdamConfig {
            lr: ADAM_LR as f64,
            ..Default::default()
        };
        NnTrainer {
            grads: Box::default(),
            sgd: Box::new(nn_optim::Sgd::new(sgd, &*net).unwrap()),
            adam: Box::new(nn_optim::Adam::new(adam, &*net).unwrap()),
            net,
            bare: false,
            m: Box::default(),
            v: Box::default(),
            t: 0,
        }
    }

    fn bare_step<const B: usize>(&mut self, x: &[[f32; I]; B], y: &[usize], opt: Opt) {
        let (z, cache) = self.net.forward_train(x);
        let mut dz = z;
        softmax_ce_grad_rows(dz.as_flattened_mut(), O, y);
        self.grads.fill(0.0);
        // Parameter gradients only: training discards the first layer's dL/dx.
        Module::<[[f32; I]; B]>::backward_params(&*self.net, x, &z, &cache, &dz, &mut self.grads);
        match opt {
            Opt::Sgd => {
                for (p, g) in self.net.params_mut().zip(self.grads.params()) {
                    p.values
                        .iter_mut()
                        .zip(g.values)
                        .for_each(|(p, &g)| *p -= SGD_LR * g);
                }
            }
            Opt::Adam => {
                self.t += 1;
                let params = self.net.params_mut().zip(self.grads.params());
                let state = self.m.params_mut().zip(self.v.params_mut());
                for ((p, g), (m, v)) in params.zip(state) {
                    adam_slice(p.values, g.values, m.values, v.values, self.t);
                }
            }
        }
    }

    fn step<const B: usize>(
        &mut self,
        x: &[[f32; I]; B],
        y: &[usize],
        opt: Opt,
        pass: &mut Option<Pass<Net<I, H, O>, [[f32; I]; B]>>,
    ) {
        if self.bare {
            return self.bare_step(x, y, opt);
        }
        let (z, cache) = forward_train_reusing(&*self.net, x, pass);
        let y: &[usize; B] = y.try_into().unwrap();
        let (_loss, dz) = CrossEntropy.loss_and_grad(z, y).unwrap();
        self.grads.fill(0.0);
        Module::<[[f32; I]; B]>::backward_params(&*self.net, x, z, cache, &dz, &mut self.grads);
        match opt {
            Opt::Sgd => self.sgd.step(&mut self.net, &self.grads).unwrap(),
            Opt::Adam => self.adam.step(&mut self.net, &self.grads).unwrap(),
        }
    }

    /// One epoch in order: full batches of `B`, then the rest one partial batch.
    pub fn epoch<const B: usize>(&mut self, d: &Data, opt: Opt) {
        let rows: &[[f32; I]] = as_rows(&d.x);
        let mut chunks = rows.chunks_exact(B);
        let mut ys = d.y.chunks_exact(B);
        // The output and cache of full batches, reused from batch to batch.
        let mut pass = None;
        for (xb, yb) in (&mut chunks).zip(&mut ys) {
            self.step::<B>(xb.try_into().unwrap(), yb, opt, &mut pass);
        }
        // The remainder row by row (B = 1 batches would change the update
        // count); a typed network needs the batch size in its type, so the
        // tail is processed with the largest power of two that fits, repeatedly.
        let (mut xs, mut yt) = (chunks.remainder(), ys.remainder());
        while !xs.is_empty() {
            let n = tail_batch(xs.len());
            macro_rules! tail {
                ($($k:literal)*) => { match n { $($k => self.step::<$k>(xs[..$k].try_into().unwrap(), &yt[..$k], opt, &mut None),)* _ => unreachable!() } };
            }
            tail!(1 2 4 8 16 32);
            xs = &xs[n..];
            yt = &yt[n..];
        }
    }
}

/// Tail batches: powers of two, largest first (1797 % 32 = 5 → 4 + 1).
pub fn tail_batch(n: usize) -> usize {
    [32usize, 16, 8, 4, 2, 1]
        .into_iter()
        .find(|&k| k <= n)
        .unwrap_or(1)
}

pub fn as_rows<const N: usize>(x: &[f32]) -> &[[f32; N]] {
    let (rows, rest) = x.as_chunks::<N>();
    assert!(rest.is_empty());
    rows
}

/// The batch schedule every system follows: `(start, len)` of full batches
/// of `b`, then the remainder split by [`tail_batch`].
pub fn schedule(n: usize, b: usize) -> Vec<(usize, usize)> {
    let mut s: Vec<(usize, usize)> = (0..n / b).map(|k| (k * b, b)).collect();
    let mut at = n / b * b;
    while at < n {
        let k = tail_batch(n - at);
        s.push((at, k));
        at += k;
    }
    s
}
