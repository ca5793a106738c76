//! The network whose results the firmware compares with the host's, bit for
//! bit. Written once, included with `#[path]` by `build.rs` (on the host, to
//! compute the expected bits) and by `main.rs` (on the device), so both run
//! exactly the same code. `no_std`: only `core` and `nn_core`.

use nn_core::{
    CrossEntropy, Dense, Float, Loss, LossError, Module, Mse, Params, Relu, Seq, Tanh, seq,
};

/// Inputs per sample.
pub const IN: usize = 4;
/// Units of the first hidden layer.
pub const HIDDEN: usize = 6;
/// Units of the second hidden layer.
pub const HIDDEN2: usize = 5;
/// Outputs (logits for cross-entropy).
pub const OUT: usize = 3;
/// Samples in the batched check.
pub const BATCH: usize = 2;

/// The network: `Dense<4, 6>`, `Relu`, `Dense<6, 5>`, `Tanh`, `Dense<5, 3>`.
pub type Net<F> = Seq![
    Dense<F, IN, HIDDEN>,
    Relu,
    Dense<F, HIDDEN, HIDDEN2>,
    Tanh,
    Dense<F, HIDDEN2, OUT>,
];

// Fixed weights and data, written in f64 and rounded once to the precision
// under test. Some hidden units are negative for the first sample so that the
// ReLU's zero branch is exercised; the tanh layer and the cross-entropy run
// libm's `tanh`, `exp` and `log`.
const W1: [[f64; IN]; HIDDEN] = [
    [0.1, -0.2, 0.3, 0.4],
    [-0.5, 0.6, -0.7, 0.8],
    [0.9, 0.15, -0.25, -0.35],
    [-0.45, -0.55, 0.65, -0.75],
    [0.33, 0.66, 0.99, -0.12],
    [-0.21, 0.43, -0.87, 0.05],
];
const B1: [f64; HIDDEN] = [0.01, -0.02, 0.03, -0.04, 0.05, -0.06];
const W2: [[f64; HIDDEN]; HIDDEN2] = [
    [0.7, -0.3, 0.2, 0.5, -0.1, 0.4],
    [-0.6, 0.8, -0.9, 0.25, 0.35, -0.45],
    [0.11, 0.22, 0.33, -0.44, 0.55, -0.66],
    [0.45, -0.15, 0.05, 0.95, -0.85, 0.3],
    [-0.02, 0.64, -0.38, 0.17, 0.29, -0.73],
];
const B2: [f64; HIDDEN2] = [0.1, -0.1, 0.2, -0.2, 0.05];
const W3: [[f64; HIDDEN2]; OUT] = [
    [1.2, -0.8, 0.4, 0.6, -1.1],
    [-0.3, 0.9, -1.4, 0.2, 0.7],
    [0.5, 0.1, 0.8, -0.9, -0.4],
];
const B3: [f64; OUT] = [0.3, -0.25, 0.0];
const X: [[f64; IN]; BATCH] = [[1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -0.75]];
const TARGET: [[f64; OUT]; BATCH] = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]];
const CLASS: [usize; BATCH] = [2, 0];

/// Names of the parameter gradients, in `Params` order.
const GRAD_NAMES: [&str; 6] = ["dL/dW1", "dL/db1", "dL/dW2", "dL/db2", "dL/dW3", "dL/db3"];

fn cast<F: Float, const N: usize>(a: [f64; N]) -> [F; N] {
    a.map(F::from_f64)
}

/// The network with the fixed weights in precision `F`.
pub fn net<F: Float>() -> Net<F> {
    seq![
        Dense::from_parts(W1.map(cast), cast(B1)),
        Relu,
        Dense::from_parts(W2.map(cast), cast(B2)),
        Tanh,
        Dense::from_parts(W3.map(cast), cast(B3)),
    ]
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

    /// Loss of sample 0 and its gradient.
    fn sample<F: Float>(self, y: &[F; OUT]) -> Result<(F, [F; OUT]), LossError> {
        match self {
            Which::Mse => Mse.loss_and_grad(y, &cast(TARGET[0])),
            Which::CrossEntropy => CrossEntropy.loss_and_grad(y, &CLASS[0]),
        }
    }

    /// Mean loss over the batch and its gradient.
    fn batch<F: Float>(self, y: &[[F; OUT]; BATCH]) -> Result<(F, [[F; OUT]; BATCH]), LossError> {
        match self {
            Which::Mse => Mse.loss_and_grad(y, &TARGET.map(cast)),
            Which::CrossEntropy => CrossEntropy.loss_and_grad(y, &CLASS),
        }
    }
}

/// Runs the forward pass, both losses and the backward passes, on one sample
/// and on a batch, and hands every result to `check(group, what, values)` in
/// a fixed order.
///
/// # Errors
/// A loss refused its targets (a bug in the fixed data above).
pub fn run<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) -> Result<(), LossError> {
    let net = net::<F>();
    let x: [[F; IN]; BATCH] = X.map(cast);

    // One sample.
    let (y, cache) = net.forward_train(&x[0]);
    check("sample", "forward", &y);
    check("sample", "inference", &net.forward(&x[0]));
    for which in [Which::Mse, Which::CrossEntropy] {
        let group = which.group(false);
        let (loss, dy) = which.sample(&y)?;
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
        let (loss, dy) = which.batch(&y)?;
        check(group, "loss", &[loss]);
        check(group, "dL/dy", dy.as_flattened());
        let mut grads = net.zeroed();
        let dx: [[F; IN]; BATCH] = net.backward(&cache, &dy, &mut grads);
        for (name, g) in GRAD_NAMES.iter().zip(grads.params()) {
            check(group, name, g.values);
        }
        check(group, "dL/dx", dx.as_flattened());
    }
    Ok(())
}
