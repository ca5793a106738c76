//! The network whose results the firmware compares with the host's, bit for
//! bit. Written once, included with `#[path]` by `build.rs` (on the host, to
//! compute the expected bits) and by `main.rs` (on the device), so both run
//! exactly the same code. `no_std`: only `core` and `nn_core`.

use nn_core::{Dense, Float, Module, Params, Relu, Seq, seq};

/// Inputs per sample.
pub const IN: usize = 4;
/// Hidden units.
pub const HIDDEN: usize = 6;
/// Outputs (logits for cross-entropy).
pub const OUT: usize = 3;
/// Samples in the batched check.
pub const BATCH: usize = 2;

/// The network: `Dense<4, 6>`, `Relu`, `Dense<6, 3>`.
pub type Net<F> = Seq![Dense<F, IN, HIDDEN>, Relu, Dense<F, HIDDEN, OUT>];

// Fixed weights and data, written in f64 and rounded once to the precision
// under test. Some hidden units are negative for the first sample so that the
// ReLU's zero branch is exercised.
const W1: [[f64; IN]; HIDDEN] = [
    [0.1, -0.2, 0.3, 0.4],
    [-0.5, 0.6, -0.7, 0.8],
    [0.9, 0.15, -0.25, -0.35],
    [-0.45, -0.55, 0.65, -0.75],
    [0.33, 0.66, 0.99, -0.12],
    [-0.21, 0.43, -0.87, 0.05],
];
const B1: [f64; HIDDEN] = [0.01, -0.02, 0.03, -0.04, 0.05, -0.06];
const W2: [[f64; HIDDEN]; OUT] = [
    [0.7, -0.3, 0.2, 0.5, -0.1, 0.4],
    [-0.6, 0.8, -0.9, 0.25, 0.35, -0.45],
    [0.11, 0.22, 0.33, -0.44, 0.55, -0.66],
];
const B2: [f64; OUT] = [0.1, -0.1, 0.2];
const X: [[f64; IN]; BATCH] = [[1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -0.75]];
const TARGET: [[f64; OUT]; BATCH] = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]];
const CLASS: [usize; BATCH] = [2, 0];

/// Names of the parameter gradients, in `Params` order.
const GRAD_NAMES: [&str; 4] = ["dL/dW1", "dL/db1", "dL/dW2", "dL/db2"];

fn cast<F: Float, const N: usize>(a: [f64; N]) -> [F; N] {
    a.map(F::from_f64)
}

/// The network with the fixed weights in precision `F`.
pub fn net<F: Float>() -> Net<F> {
    seq![
        Dense::from_parts(W1.map(cast), cast(B1)),
        Relu,
        Dense::from_parts(W2.map(cast), cast(B2)),
    ]
}

/// Mean squared error of one sample, mean over its elements: value and
/// gradient `2 (y - t) / n`.
fn mse<F: Float>(y: &[F; OUT], t: &[F; OUT]) -> (F, [F; OUT]) {
    let n = F::from_usize(OUT);
    let mut loss = F::ZERO;
    let mut grad = [F::ZERO; OUT];
    for ((g, &yi), &ti) in grad.iter_mut().zip(y).zip(t) {
        let d = yi - ti;
        loss += d * d;
        *g = F::TWO * d / n;
    }
    (loss / n, grad)
}

/// Softmax cross-entropy of one sample from logits and a class index: value
/// `logsumexp(y) - y[c]` and gradient `softmax(y) - onehot(c)`.
fn cross_entropy<F: Float>(y: &[F; OUT], class: usize) -> (F, [F; OUT]) {
    let max = y.iter().fold(F::NEG_INFINITY, |m, &v| m.max(v));
    let mut sum = F::ZERO;
    let mut grad = [F::ZERO; OUT];
    for (g, &v) in grad.iter_mut().zip(y) {
        *g = (v - max).exp();
        sum += *g;
    }
    for (i, g) in grad.iter_mut().enumerate() {
        *g /= sum;
        if i == class {
            *g -= F::ONE;
        }
    }
    (sum.ln() + max - y[class], grad)
}

/// Which loss drives a backward pass.
#[derive(Clone, Copy)]
enum Which {
    Mse,
    CrossEntropy,
}

impl Which {
    /// The check group: path (sample or batch) and loss.
    fn group(self, batch: bool) -> &'static str {
        match (batch, self) {
            (false, Which::Mse) => "sample mse",
            (false, Which::CrossEntropy) => "sample cross-entropy",
            (true, Which::Mse) => "batch mse",
            (true, Which::CrossEntropy) => "batch cross-entropy",
        }
    }

    /// Loss of one sample `i` and its gradient.
    fn sample<F: Float>(self, y: &[F; OUT], i: usize) -> (F, [F; OUT]) {
        match self {
            Which::Mse => mse(y, &cast(TARGET[i])),
            Which::CrossEntropy => cross_entropy(y, CLASS[i]),
        }
    }

    /// Mean loss over the batch and its gradient (each row scaled by `1/B`).
    fn batch<F: Float>(self, y: &[[F; OUT]; BATCH]) -> (F, [[F; OUT]; BATCH]) {
        let inv = F::ONE / F::from_usize(BATCH);
        let mut loss = F::ZERO;
        let mut grad = [[F::ZERO; OUT]; BATCH];
        for (i, (g, yr)) in grad.iter_mut().zip(y).enumerate() {
            let (l, gr) = self.sample(yr, i);
            loss += l;
            *g = gr.map(|v| v * inv);
        }
        (loss * inv, grad)
    }
}

/// Runs the forward pass, both losses and the backward passes, on one sample
/// and on a batch, and hands every result to `check(group, what, values)` in
/// a fixed order.
pub fn run<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) {
    let net = net::<F>();
    let x: [[F; IN]; BATCH] = X.map(cast);

    // One sample.
    let (y, cache) = net.forward_train(&x[0]);
    check("sample", "forward", &y);
    check("sample", "inference", &net.forward(&x[0]));
    for which in [Which::Mse, Which::CrossEntropy] {
        let group = which.group(false);
        let (loss, dy) = which.sample(&y, 0);
        check(group, "loss", &[loss]);
        check(group, "dL/dy", &dy);
        let mut grads = net.zeroed();
        let dx: [F; IN] = net.backward(&cache, &dy, &mut grads);
        for (name, g) in GRAD_NAMES.iter().zip(grads.params()) {
            check(group, name, g.values);
        }
        check(group, "dL/dx", &dx);
    }

    // A batch.
    let (y, cache) = net.forward_train(&x);
    check("batch", "forward", y.as_flattened());
    for which in [Which::Mse, Which::CrossEntropy] {
        let group = which.group(true);
        let (loss, dy) = which.batch(&y);
        check(group, "loss", &[loss]);
        check(group, "dL/dy", dy.as_flattened());
        let mut grads = net.zeroed();
        let dx: [[F; IN]; BATCH] = net.backward(&cache, &dy, &mut grads);
        for (name, g) in GRAD_NAMES.iter().zip(grads.params()) {
            check(group, name, g.values);
        }
        check(group, "dL/dx", dx.as_flattened());
    }
}
