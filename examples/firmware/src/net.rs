//! The network whose results the firmware compares with the host's, bit for
//! bit. Written once, included with `#[path]` by `build.rs` (on the host, to
//! compute the expected bits) and by `main.rs` (on the device), so both run
//! exactly the same code. `no_std`: only `core` and the nn crates.

use nn_core::{
    CrossEntropy, Dense, Elu, Float, Identity, LeakyRelu, LogSoftmax, Loss, LossError, Maxout,
    Module, Mse, Params, Prelu, Relu, Seq, Sigmoid, Softmax, Tanh, seq,
};
use nn_init::{Init, InitError, Initializer, SplitMix64};
use nn_optim::{
    AdamConfig, AdamRule, ConfigError, Optimizer, Present, Rule, SgdConfig, SgdRule, StepError,
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
/// Names of the parameters, in `Params` order.
const PARAM_NAMES: [&str; 6] = ["W1", "b1", "W2", "b2", "W3", "b3"];

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

/// Why a run stopped: the library refused something (a bug in the fixed data
/// or settings above, or in the library).
#[derive(Debug)]
pub enum RunError {
    /// A loss refused its targets.
    Loss(LossError),
    /// An optimizer refused its configuration.
    Config(ConfigError),
    /// An optimizer refused a step.
    Step(StepError),
    /// An initializer refused the network.
    Init(InitError),
}

impl core::fmt::Display for RunError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RunError::Loss(e) => write!(f, "loss: {e}"),
            RunError::Config(e) => write!(f, "optimizer configuration: {e}"),
            RunError::Step(e) => write!(f, "optimizer step: {e}"),
            RunError::Init(e) => write!(f, "initializer: {e}"),
        }
    }
}

impl From<InitError> for RunError {
    fn from(e: InitError) -> Self {
        RunError::Init(e)
    }
}

impl From<LossError> for RunError {
    fn from(e: LossError) -> Self {
        RunError::Loss(e)
    }
}

impl From<ConfigError> for RunError {
    fn from(e: ConfigError) -> Self {
        RunError::Config(e)
    }
}

impl From<StepError> for RunError {
    fn from(e: StepError) -> Self {
        RunError::Step(e)
    }
}

/// Optimizer steps on the batch with cross-entropy.
const TRAIN_STEPS: usize = 3;

/// Trains the network for [`TRAIN_STEPS`] steps on the batch with
/// cross-entropy and the optimizer `R` (nn-optim); checks the loss before each
/// step and every parameter after the last.
#[inline(never)]
fn train<F, R>(
    group: &str,
    config: R::Config,
    check: &mut dyn FnMut(&str, &str, &[F]),
) -> Result<(), RunError>
where
    F: Float,
    R: Rule<Float = F>,
{
    let mut net = net::<F>();
    let mut opt = Optimizer::<R, _>::new(config, &net)?;
    let x: [[F; IN]; BATCH] = X.map(cast);
    let mut losses = [F::ZERO; TRAIN_STEPS];
    for loss in losses.iter_mut() {
        let (y, cache) = net.forward_train(&x);
        let dy;
        (*loss, dy) = CrossEntropy.loss_and_grad(&y, &CLASS)?;
        let mut grads = net.zeroed();
        let _dx: [[F; IN]; BATCH] = net.backward(&x, &y, &cache, &dy, &mut grads);
        opt.step(&mut net, &grads)?;
    }
    check(group, "loss per step", &losses);
    for (name, p) in PARAM_NAMES.iter().zip(net.params()) {
        check(group, name, p.values);
    }
    Ok(())
}

/// Runs the forward pass, both losses and the backward passes, on one sample
/// and on a batch, then a few optimizer steps and two seeded initializations,
/// and hands every result to
/// `check(group, what, values)` in a fixed order.
///
/// Each part is a separate function that is never inlined, so that their
/// stack frames do not add up (the microbit has 16 KiB of RAM).
///
/// # Errors
/// The library refused the fixed data or settings.
pub fn run<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) -> Result<(), RunError> {
    sample_checks::<F>(check)?;
    batch_checks::<F>(check)?;
    nan_checks::<F>(check);
    lane_checks::<F>(check);
    let adam = AdamConfig {
        lr: 0.01,
        ..AdamConfig::default()
    };
    train::<F, AdamRule<F>>("adam", adam, check)?;
    let sgd = SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        ..SgdConfig::default()
    };
    train::<F, SgdRule<F, Present>>("sgd momentum", sgd, check)?;
    init::<F>("init he-normal", Initializer::new(Init::he_normal()), check)?;
    init::<F>("init pytorch-linear", Initializer::pytorch_linear(), check)
}

/// Initializes the network with `initializer` (nn-init) from a seeded
/// `SplitMix64` and checks every parameter.
#[inline(never)]
fn init<F: Float>(
    group: &str,
    initializer: Initializer,
    check: &mut dyn FnMut(&str, &str, &[F]),
) -> Result<(), RunError> {
    let mut net = Net::<F>::default();
    initializer.apply(&mut net, &mut SplitMix64::new(2024))?;
    for (name, p) in PARAM_NAMES.iter().zip(net.params()) {
        check(group, name, p.values);
    }
    Ok(())
}

/// Forward, both losses and backward on sample 0.
#[inline(never)]
fn sample_checks<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) -> Result<(), RunError> {
    let net = net::<F>();
    let x: [F; IN] = cast(X[0]);
    let (y, cache) = net.forward_train(&x);
    check("sample", "forward", &y);
    check("sample", "inference", &net.forward(&x));
    for which in [Which::Mse, Which::CrossEntropy] {
        let group = which.group(false);
        let (loss, dy) = which.sample(&y)?;
        check(group, "loss", &[loss]);
        check(group, "dL/dy", &dy);
        let mut grads = net.zeroed();
        let dx: [F; IN] = net.backward(&x, &y, &cache, &dy, &mut grads);
        for (name, g) in GRAD_NAMES.iter().zip(grads.params()) {
            check(group, name, g.values);
        }
        check(group, "dL/dx", &dx);
    }
    Ok(())
}

/// Inputs with a NaN, the kinks and both signs, for the NaN checks.
const NAN_X: [f64; 4] = [f64::NAN, -1.5, 0.0, 2.0];

/// Forward and backward of one activation on [`NAN_X`] with `dy = 1, 2, 3, 4`.
fn activation<F: Float, A>(check: &mut dyn FnMut(&str, &str, &[F]), name: &str, act: A)
where
    A: Module<[F; 4], Output = [F; 4], Cache = ()> + Clone,
{
    let x: [F; 4] = cast(NAN_X);
    let (y, ()) = act.forward_train(&x);
    let dx = act.backward(&x, &y, &(), &cast([1.0, 2.0, 3.0, 4.0]), &mut act.clone());
    check(name, "forward", &y);
    check(name, "backward", &dx);
}

/// NaN propagates as in PyTorch through every activation, softmax, maxout
/// and the network: the device must produce NaN exactly where the host does.
/// The checker compares NaN-ness, not bits, for NaNs: the sign of a NaN the
/// hardware makes (`0 * inf`, `NaN + x`) differs between ARM and x86_64.
#[inline(never)]
fn nan_checks<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) {
    activation(check, "nan identity", Identity);
    activation(check, "nan relu", Relu);
    activation(check, "nan leaky relu", LeakyRelu::<F>::default());
    activation(check, "nan prelu", Prelu::<F>::default());
    activation(check, "nan elu", Elu::<F>::default());
    activation(check, "nan sigmoid", Sigmoid);
    activation(check, "nan tanh", Tanh);
    activation(check, "nan softmax", Softmax);
    activation(check, "nan log-softmax", LogSoftmax);
    let mut grads = Prelu::<F>::default();
    let x: [F; 4] = cast(NAN_X);
    let _: [F; 4] = Prelu::default().backward(&x, &x, &(), &x, &mut grads);
    check("nan prelu", "dL/da", &[grads.a]);
    let maxout = Maxout::<F, 4, 2, 2>::from_parts(
        [[[F::ONE; 4], [F::ZERO; 4]], [[F::ZERO; 4], [F::ONE; 4]]],
        [[F::ZERO, F::NAN], [F::ZERO; 2]],
    );
    let x: [F; 4] = cast([1.0, 2.0, 3.0, 4.0]);
    let y: [F; 2] = maxout.forward(&x);
    check("nan maxout", "forward", &y);
    let mut x: [F; IN] = cast(X[0]);
    x[1] = F::NAN;
    let net = net::<F>();
    let (y, cache) = net.forward_train(&x);
    let mut grads = net.zeroed();
    let dx: [F; IN] = net.backward(&x, &y, &cache, &y, &mut grads);
    check("nan network", "forward", &y);
    check("nan network", "dL/dx", &dx);
    for (name, g) in GRAD_NAMES.iter().zip(grads.params()) {
        check("nan network", name, g.values);
    }
}

/// Inputs of the dense-lane checks: sixteen, two full groups of eight lanes
/// (the width at which the f32 forward pass runs in assembly on the
/// Cortex-M4F, `nn-core/src/arch/vfp.rs`), with signed zeros, magnitudes
/// far apart and tiny values.
const LANE_X: [f64; 16] = [
    0.0, 1e8, 1.0, -1e8, 1e-20, 3.0, 0.5, -0.0, 2.0, 1e-20, -1.0, 7.0, 1e30, 0.25, -3.0, 1e-7,
];
/// `+∞`, short, so that the rows below stay one line each.
const INF: f64 = f64::INFINITY;
/// One row per hazard of a dense kernel's order of operations on
/// [`LANE_X`]: every product a zero of sign `-` and a `-0` bias (the lanes
/// must start at `+0`, the result is `+0`); a sum whose rounding depends on
/// the lane order (f32: 8 in the documented order, 5.75 summed in sequence);
/// a product that overflows f32 (`1e30·1e10`); two products below f32's
/// normal range (`1e-20·1e-20`, subnormal unless flushed); `inf·0 = NaN`;
/// overflows of both signs in two lanes, `+inf + -inf = NaN` in the tree
/// (finite in f64).
#[rustfmt::skip]
const LANE_W: [[f64; 16]; 6] = [
    [-0.0, -0.0, -0.0, 0.0, -0.0, -0.0, -0.0, 0.0, -0.0, -0.0, 0.0, -0.0, -0.0, -0.0, 0.0, -0.0],
    [1.0, 1.0, 3.0, 1.0, 0.0, 1e-8, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0],
    [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e10, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 1e-20, 0.0, 0.0, 0.0, 0.0, 1e-20, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [INF, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 1e31, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1e10, 0.0, 0.0, 0.0],
];
const LANE_B: [f64; 6] = [-0.0, 0.5, -1.0, 0.0, 1.0, 0.25];

/// A `Dense<16, 6>` on [`LANE_X`], one sample through the typed forward
/// pass and a batch of two (the second sample reversed) through the slice
/// kernel, and five of its rows as a `Dense<16, 5>` (rows 3, 4, 5, 0, 1).
/// On the Cortex-M4F the six rows run as three pairs in assembly; of five,
/// the last (the lane-order row) runs alone, in Rust.
#[inline(never)]
fn lane_checks<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) {
    let layer = Dense::<F, 16, 6>::from_parts(LANE_W.map(cast), cast(LANE_B));
    let x: [F; 16] = cast(LANE_X);
    check("dense lanes", "forward", &layer.forward(&x));
    let mut reversed = x;
    reversed.reverse();
    let y: [[F; 6]; 2] = layer.forward(&[x, reversed]);
    check("dense lanes", "batch forward", y.as_flattened());
    let five = Dense::<F, 16, 5>::from_parts(
        core::array::from_fn(|r| layer.weight[(r + 3) % 6]),
        core::array::from_fn(|r| layer.bias[(r + 3) % 6]),
    );
    check("dense lanes", "odd rows", &five.forward(&x));
}

/// Forward, both losses and backward on the batch.
#[inline(never)]
fn batch_checks<F: Float>(check: &mut dyn FnMut(&str, &str, &[F])) -> Result<(), RunError> {
    let net = net::<F>();
    let x: [[F; IN]; BATCH] = X.map(cast);
    let (y, cache) = net.forward_train(&x);
    check("batch", "forward", y.as_flattened());
    for which in [Which::Mse, Which::CrossEntropy] {
        let group = which.group(true);
        let (loss, dy) = which.batch(&y)?;
        check(group, "loss", &[loss]);
        check(group, "dL/dy", dy.as_flattened());
        let mut grads = net.zeroed();
        let dx: [[F; IN]; BATCH] = net.backward(&x, &y, &cache, &dy, &mut grads);
        for (name, g) in GRAD_NAMES.iter().zip(grads.params()) {
            check(group, name, g.values);
        }
        check(group, "dL/dx", dx.as_flattened());
    }
    Ok(())
}
