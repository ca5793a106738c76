//! The no_std checker: a `#![no_std]`, `#![no_main]` host program that links
//! the nn crates without std (and, by default, without `alloc`) and really runs
//! them, so that their generic code is instantiated and linked.
//!
//! If anything in the dependency graph links std, rustc stops with
//! `error[E0152]: found duplicate lang item 'panic_impl'` naming the culprit;
//! if anything needs an allocator in the default variant, the link fails with
//! "no global memory allocator found". With `--features alloc` nn-core and
//! nn-optim get their `alloc` features and this program supplies a null
//! allocator that must never be called. See README.md.
//!
//! The program runs a `static` int8 network (nn-core's `quant`), checks the
//! gradients of a network holding every layer type
//! against central differences with every loss (nn-core's `gradcheck`),
//! initializes networks with He normal (nn-init, seeded
//! `SplitMix64`) and trains them on XOR with `Mse` and with `CrossEntropy`,
//! each with nn-optim's `Adam` and with SGD with Nesterov momentum (inference,
//! loss, backward pass and optimizer step, per sample and batched, in f32 and
//! f64). It exits 0 only when the results are sane: initialization
//! reproducible and in bounds, everything finite, batched equals per-sample bit
//! for bit, the loss at least halves, and bad targets, bad optimizer settings
//! and NaN gradients give error values instead of panics. It also writes a
//! model file into a stack buffer and loads it back (nn-format).
#![no_std]
#![no_main]

use core::ffi::{c_char, c_int};
use core::fmt::{self, Write};

use nn_core::gradcheck::check_network;
use nn_core::{
    BceWithLogits, CrossEntropy, CrossEntropyProbs, Dense, Elu, Float, Hinge, Huber, LeakyRelu,
    LogSoftmax, Loss, LossError, Maxout, Module, Mse, MultiMargin, ParamKind, Params, Prelu, Relu,
    Seq, Sigmoid, Softmax, Tanh, seq,
};
use nn_format::{LoadError, Loadable, ModelView, write_model};
use nn_init::{Distribution, Init, InitError, Initializer, SplitMix64};
use nn_optim::{
    AdamConfig, AdamRule, ConfigError, Optimizer, Present, Rule, Sgd, SgdConfig, SgdRule, StepError,
};

mod sys {
    //! The three libc functions this program needs (libc, not std).
    use core::ffi::c_int;

    unsafe extern "C" {
        pub fn write(fd: c_int, buf: *const u8, count: usize) -> isize;
        pub fn _exit(status: c_int) -> !;
    }

    /// Standard output through `write(2)`.
    pub struct Stdout;

    impl core::fmt::Write for Stdout {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let mut rest = s.as_bytes();
            while !rest.is_empty() {
                // SAFETY: `rest` is a valid, initialized byte slice for the
                // duration of the call, and `write` reads at most `len` bytes.
                let n = unsafe { write(1, rest.as_ptr(), rest.len()) };
                if n <= 0 {
                    return Err(core::fmt::Error);
                }
                rest = &rest[n as usize..];
            }
            Ok(())
        }
    }

    /// Ends the process with `status` without unwinding or running destructors.
    pub fn exit(status: c_int) -> ! {
        // SAFETY: `_exit` is always safe to call; it never returns.
        unsafe { _exit(status) }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = writeln!(sys::Stdout, "nostd-check: PANIC: {info}");
    sys::exit(101)
}

/// The prebuilt host `core` references this symbol; with `panic = "abort"`
/// it is never called.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

#[cfg(feature = "alloc")]
mod null_alloc {
    //! A global allocator that refuses every request: the `alloc` variant
    //! links, but any allocation at run time fails loudly.
    use core::alloc::{GlobalAlloc, Layout};

    struct Null;

    // SAFETY: `alloc` always returns null (a permitted "allocation failed"
    // answer) and `dealloc` is never given a pointer, because none is ever
    // handed out.
    unsafe impl GlobalAlloc for Null {
        unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
            core::ptr::null_mut()
        }
        unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
    }

    #[global_allocator]
    static GLOBAL: Null = Null;
}

/// Hidden width of the test networks.
const HIDDEN: usize = 8;
/// The networks under test: two dense layers and one activation; `O` outputs.
type Net<F, const O: usize> = Seq![Dense<F, 2, HIDDEN>, Relu, Dense<F, HIDDEN, O>];
/// XOR: four samples, one batch.
const BATCH: usize = 4;
const XOR_X: [[f64; 2]; BATCH] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// XOR as a regression target (for `Mse`).
const XOR_Y: [[f64; 1]; BATCH] = [[0.0], [1.0], [1.0], [0.0]];
/// XOR as class indices (for `CrossEntropy`).
const XOR_CLASS: [usize; BATCH] = [0, 1, 1, 0];

/// Why a run could not even start or continue.
enum Failure {
    Init(InitError),
    Loss(LossError),
    Config(ConfigError),
    Step(StepError),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Init(e) => write!(f, "initialization failed: {e}"),
            Failure::Loss(e) => write!(f, "loss failed: {e}"),
            Failure::Config(e) => write!(f, "optimizer refused its configuration: {e}"),
            Failure::Step(e) => write!(f, "optimizer step refused: {e}"),
        }
    }
}

/// What one training run found.
struct Outcome<F> {
    first_loss: F,
    last_loss: F,
    /// Batched forward/backward agreed bit for bit with the per-sample path.
    batch_matches: bool,
    /// All parameters and gradients stayed finite.
    finite: bool,
}

/// A network with He-normal weights (nn-init, seeded SplitMix64) and zero biases.
fn he_normal_net<F: Float, const O: usize>(seed: u64) -> Result<Net<F, O>, InitError> {
    let mut net: Net<F, O> = seq![Dense::zeros(), Relu, Dense::zeros()];
    Initializer::new(Init::he_normal()).apply(&mut net, &mut SplitMix64::new(seed))?;
    Ok(net)
}

/// Trains `Net<F, O>` on XOR against `target` with `loss` and the optimizer
/// `R` (nn-optim) for `steps` full-batch steps.
fn train_xor<F, const O: usize, T, L, R>(
    loss: &L,
    target: &T,
    config: R::Config,
    seed: u64,
    steps: usize,
) -> Result<Outcome<F>, Failure>
where
    F: Float,
    L: Loss<F, [[F; O]; BATCH], T>,
    R: Rule<Float = F>,
{
    let mut net = he_normal_net::<F, O>(seed).map_err(Failure::Init)?;
    let mut opt = Optimizer::<R, _>::new(config, &net).map_err(Failure::Config)?;
    let x = XOR_X.map(|r| r.map(F::from_f64));
    let mut out = Outcome {
        first_loss: F::NAN,
        last_loss: F::NAN,
        batch_matches: true,
        finite: true,
    };
    for step in 0..steps {
        let (y, cache) = net.forward_train(&x);
        let (value, dy) = loss.loss_and_grad(&y, target).map_err(Failure::Loss)?;
        let mut grads = net.zeroed();
        let _dx: [[F; 2]; BATCH] = net.backward(&x, &y, &cache, &dy, &mut grads);

        if step == 0 {
            out.first_loss = value;
            // The per-sample path must give the same numbers as the batch.
            let mut per_sample = net.zeroed();
            for ((xr, yr), dyr) in x.iter().zip(&y).zip(&dy) {
                let (ys, cs) = net.forward_train(xr);
                out.batch_matches &= ys == *yr && net.forward(xr) == ys;
                let _dxs: [F; 2] = net.backward(xr, &ys, &cs, dyr, &mut per_sample);
            }
            out.batch_matches &= per_sample == grads;
        }
        out.last_loss = value;
        out.finite &= value.is_finite() && grads.all_finite();

        opt.step(&mut net, &grads).map_err(Failure::Step)?;
    }
    out.finite &= net.all_finite();
    Ok(out)
}

/// Prints one check's line; returns `ok`.
fn line(ok: bool, args: fmt::Arguments<'_>) -> bool {
    let _ = writeln!(sys::Stdout, "{} {args}", if ok { "ok  " } else { "FAIL" });
    ok
}

/// Prints one training run's outcome; returns whether it is sane.
fn report<F: Float>(name: &str, run: Result<Outcome<F>, Failure>) -> bool {
    match run {
        Ok(o) => {
            let fell = o.last_loss < o.first_loss * F::HALF;
            line(
                fell && o.batch_matches && o.finite,
                format_args!(
                    "{} {name}: XOR loss {:.4e} -> {:.4e} (fell by half: {fell}), \
                     batch == per-sample: {}, finite: {}",
                    F::NAME,
                    o.first_loss.to_f64(),
                    o.last_loss.to_f64(),
                    o.batch_matches,
                    o.finite,
                ),
            )
        }
        Err(e) => line(false, format_args!("{} {name}: {e}", F::NAME)),
    }
}

/// nn-format without std or allocation: a network written into a stack
/// buffer, parsed, loaded back equal; a flipped byte is a checksum error.
fn check_model_file() -> bool {
    type Net = Seq![Dense<f32, 2, 3>, LeakyRelu<f32>, Dense<f32, 3, 1>];
    let net: Net = seq![
        Dense::from_parts([[1.0, -2.0], [0.5, 0.25], [-1.5, 3.0]], [0.1, -0.2, 0.3]),
        LeakyRelu::new(0.125),
        Dense::from_parts([[2.0, -1.0, 0.5]], [0.75]),
    ];
    let mut buf = [0u8; 256];
    let written = write_model(&net, None, &mut buf);
    let (ok, n) = match written {
        Ok(n) => {
            let back = Net::load(&buf[..n]);
            let same = back.as_ref().is_ok_and(|b| *b == net);
            buf[30] ^= 1;
            let flipped = matches!(ModelView::parse(&buf[..n]), Err(LoadError::Checksum { .. }));
            (same && flipped, n)
        }
        Err(_) => (false, 0),
    };
    line(
        ok,
        format_args!(
            "model file: {n} bytes written in place, loaded back equal, a flipped byte refused"
        ),
    )
}

/// He-normal initialization: reproducible from the seed, weights drawn and
/// within the truncation bound `2·sqrt(2 / fan_in) / 0.8796`, biases zero.
fn check_init<F: Float>() -> bool {
    let (Ok(a), Ok(b)) = (he_normal_net::<F, 3>(11), he_normal_net::<F, 3>(11)) else {
        return line(false, format_args!("{} He normal: refused", F::NAME));
    };
    let mut sane = a == b;
    for p in a.params() {
        sane &= match p.kind {
            ParamKind::Weight { fan_in, .. } => {
                let bound = F::from_f64(2.0 * Float::sqrt(2.0 / fan_in as f64) / 0.8796);
                p.values.iter().any(|&w| w != F::ZERO) && p.values.iter().all(|&w| w.abs() <= bound)
            }
            _ => p.values.iter().all(|&b| b == F::ZERO),
        };
    }
    line(
        sane,
        format_args!(
            "{} He normal init: reproducible, within bounds, biases zero",
            F::NAME
        ),
    )
}

/// int8 inference (nn-core's `quant`): a `static` network `Quantize`,
/// `QDense`, `Dequantize` computing `relu(2x - 1)` on a sample and a batch,
/// and a bad zero point refused with an error value.
fn check_int8() -> bool {
    use nn_core::quant::{Dequantize, Infer, QDense, QuantError, Quantize, Requant};
    type Int8Net = Seq![Quantize<1>, QDense<1, 1>, Dequantize<1>];
    // Scales 1/8 (input, output), weight 64 · 1/32, bias -256 · 1/256; the
    // factor 2^-5 is M = 2^30, shift -4; ReLU clamps at the zero point 0.
    static NET: Int8Net = match (
        Quantize::new(0.125, 0),
        QDense::new(
            [[64]],
            [-256],
            0,
            Requant::per_tensor(1 << 30, -4, 0, 0, 127),
        ),
        Dequantize::new(0.125, 0),
    ) {
        (Ok(q), Ok(dense), Ok(d)) => seq![q, dense, d],
        _ => panic!("invalid int8 parameters"),
    };
    let sample = NET.infer(&[1.5]) == [2.0] && NET.infer(&[0.25]) == [0.0];
    let batch = NET.infer(&[[1.5], [0.25], [-3.0]]) == [[2.0], [0.0], [0.0]];
    let refused = Quantize::<1>::new(0.125, 128) == Err(QuantError::ZeroPoint);
    line(
        sample && batch && refused,
        format_args!(
            "int8 relu(2x - 1): sample {sample}, batch {batch}, bad zero point refused {refused}"
        ),
    )
}

/// Bad targets give an error value, not a panic.
fn check_loss_error() -> bool {
    let got = CrossEntropy.loss(&[0.0f32, 1.0], &5);
    let want = Err(LossError::ClassOutOfRange {
        index: 5,
        classes: 2,
    });
    line(
        got == want,
        format_args!("CrossEntropy with class 5 of 2 is refused: {:?}", got),
    )
}

/// Bad settings and non-finite gradients give error values, not panics, and a
/// refused step changes nothing.
fn check_optimizer_errors() -> bool {
    let net = he_normal_net::<f32, 1>(3);
    let Ok(mut net) = net else {
        return line(false, format_args!("optimizer errors: init refused"));
    };
    let bad = SgdConfig {
        nesterov: true,
        ..SgdConfig::default()
    };
    let config = Sgd::new(bad, &net).err();
    let mut grads = net.zeroed();
    grads.first.bias[3] = f32::NAN;
    let before = net;
    let step = Sgd::new(SgdConfig::default(), &net).map(|mut o| o.step(&mut net, &grads));
    let ok = config == Some(ConfigError::NesterovWithoutMomentum)
        && step
            == Ok(Err(StepError::NonFiniteGradient {
                tensor: 1,
                index: 3,
            }))
        && net == before;
    line(
        ok,
        format_args!(
            "optimizer errors: Nesterov without momentum {config:?}, NaN gradient {step:?}"
        ),
    )
}

/// Every layer type of nn-core in one network (f64, batch of two).
type Zoo = Seq![
    Dense<f64, 3, 6>,
    LeakyRelu<f64>,
    Maxout<f64, 6, 5, 2>,
    Elu<f64>,
    Dense<f64, 5, 5>,
    Prelu<f64>,
    Dense<f64, 5, 4>,
    Sigmoid,
    Dense<f64, 4, 4>,
    Softmax,
    Dense<f64, 4, 4>,
    LogSoftmax,
    Dense<f64, 4, 4>,
    Tanh,
    Dense<f64, 4, 3>,
];

/// Gradient-check tolerance, as nn-core's own gradient-check tests.
const GRAD_TOL: f64 = 1e-7;

/// Backpropagation through every layer type and every loss agrees with
/// central differences (nn-core's `gradcheck`), in this no_std build.
fn check_gradients() -> [bool; 7] {
    let mut zoo: Zoo = seq![
        Dense::zeros(),
        LeakyRelu::new(0.1),
        Maxout::zeros(),
        Elu::new(0.7),
        Dense::zeros(),
        Prelu::new(0.25),
        Dense::zeros(),
        Sigmoid,
        Dense::zeros(),
        Softmax,
        Dense::zeros(),
        LogSoftmax,
        Dense::zeros(),
        Tanh,
        Dense::zeros(),
    ];
    // Maxout's pieces are `ParamKind::Weight`s too, so He normal covers them;
    // small random biases move the units away from kinks and ties.
    let init = Initializer::new(Init::he_normal()).with_bias(Init::Fixed(Distribution::Uniform {
        low: -0.1,
        high: 0.1,
    }));
    if let Err(e) = init.apply(&mut zoo, &mut SplitMix64::new(5)) {
        return [line(false, format_args!("gradient check: init refused: {e}")); 7];
    }
    let x = [[0.3, -1.2, 0.8], [-0.6, 0.45, 1.5]];
    let results = [
        (
            "Mse",
            check_network(&zoo, &Mse, &x, &[[0.5, -0.25, 1.0], [0.0, 0.75, -0.5]]),
        ),
        (
            "Huber",
            check_network(
                &zoo,
                &Huber::new(0.5),
                &x,
                &[[2.0, -0.25, 1.0], [0.0, 0.75, -3.0]],
            ),
        ),
        (
            "CrossEntropy",
            check_network(&zoo, &CrossEntropy, &x, &[2, 0]),
        ),
        (
            "CrossEntropyProbs",
            check_network(
                &zoo,
                &CrossEntropyProbs,
                &x,
                &[[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]],
            ),
        ),
        (
            "BceWithLogits",
            check_network(
                &zoo,
                &BceWithLogits,
                &x,
                &[[1.0, 0.0, 0.25], [0.0, 1.0, 0.5]],
            ),
        ),
        (
            "Hinge",
            check_network(
                &zoo,
                &Hinge::new(1.0),
                &x,
                &[[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]],
            ),
        ),
        (
            "MultiMargin",
            check_network(&zoo, &MultiMargin::new(1.0), &x, &[1, 2]),
        ),
    ];
    results.map(|(name, r)| match r {
        Ok(e) => line(
            e < GRAD_TOL,
            format_args!(
                "gradient check, every layer type, {name}: largest relative error {e:.2e}"
            ),
        ),
        Err(e) => line(false, format_args!("gradient check, {name}: {e}")),
    })
}

/// The C entry point, called by the host's start files through libc.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    let variant = if cfg!(feature = "alloc") {
        "alloc + null allocator"
    } else {
        "no alloc"
    };
    let _ = writeln!(sys::Stdout, "nostd-check ({variant})");
    let adam = AdamConfig {
        lr: 0.05,
        ..AdamConfig::default()
    };
    let sgd = SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        nesterov: true,
        ..SgdConfig::default()
    };
    let y32 = XOR_Y.map(|r| r.map(|v| v as f32));
    let (mse, ce, c) = (&Mse, &CrossEntropy, &XOR_CLASS);
    let grads = check_gradients();
    let checks = [
        check_int8(),
        check_init::<f32>(),
        check_init::<f64>(),
        report(
            "Mse, Adam",
            train_xor::<_, 1, _, _, AdamRule<f32>>(mse, &y32, adam, 7, 300),
        ),
        report(
            "Mse, Adam",
            train_xor::<_, 1, _, _, AdamRule<f64>>(mse, &XOR_Y, adam, 7, 300),
        ),
        report(
            "CrossEntropy, Adam",
            train_xor::<_, 2, _, _, AdamRule<f32>>(ce, c, adam, 7, 300),
        ),
        report(
            "CrossEntropy, Adam",
            train_xor::<_, 2, _, _, AdamRule<f64>>(ce, c, adam, 7, 300),
        ),
        report(
            "Mse, SGD Nesterov",
            train_xor::<_, 1, _, _, SgdRule<f32, Present>>(mse, &y32, sgd, 7, 300),
        ),
        report(
            "Mse, SGD Nesterov",
            train_xor::<_, 1, _, _, SgdRule<f64, Present>>(mse, &XOR_Y, sgd, 7, 300),
        ),
        report(
            "CrossEntropy, SGD Nesterov",
            train_xor::<_, 2, _, _, SgdRule<f32, Present>>(ce, c, sgd, 7, 300),
        ),
        report(
            "CrossEntropy, SGD Nesterov",
            train_xor::<_, 2, _, _, SgdRule<f64, Present>>(ce, c, sgd, 7, 300),
        ),
        check_loss_error(),
        check_optimizer_errors(),
        check_model_file(),
    ];
    let failed = checks.iter().chain(&grads).filter(|ok| !**ok).count();
    let _ = writeln!(
        sys::Stdout,
        "{} passed, {} failed",
        checks.len() + grads.len() - failed,
        failed
    );
    c_int::from(failed != 0)
}
