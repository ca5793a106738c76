//! The Digits program's computations, written once and included with
//! `#[path]` by `build.rs` (on the host, to compute the expected bits) and by
//! `src/bin/digits.rs` (on the device), so both run exactly the same code.
//! `no_std`: only `core`, nn-core, nn-optim and heapless.
//!
//! The model is the Digits main job's 64-32-10 ReLU network as exported by
//! `nn_std::io::write_model_files` (`model/model.rs`: the weights and
//! the fitted input scaler as `static`s in flash); the samples are raw 8x8
//! pixels from the same job's test part (`model/samples.rs`). Regenerate
//! both with `regen-digits.sh`.
#![cfg_attr(not(fw_train_full), allow(dead_code))]

use nn_core::{CrossEntropy, Dense, Loss, LossError, Module, Params, Scaler};

/// The exported model: `Net`, `MODEL` and `SCALER`.
#[allow(dead_code)]
pub mod model {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/model/model.rs"));
}

/// Embedded test samples: `EVAL` and `STREAM`.
pub mod samples {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/model/samples.rs"));
}

use model::{MODEL, Net, SCALER};
use samples::STREAM;

/// Pixels per sample (8x8).
pub const PIXELS: usize = 64;
/// Classes (digits 0 to 9).
pub const CLASSES: usize = 10;

/// Raw pixels (0..=16) scaled as in training, with the exported scaler.
pub fn scaled(pixels: &[u8; PIXELS]) -> [f32; PIXELS] {
    SCALER.apply(&pixels.map(f32::from))
}

/// The exported model's logits for raw pixels: the whole inference path.
#[inline(never)]
pub fn logits(pixels: &[u8; PIXELS]) -> [f32; CLASSES] {
    MODEL.forward(&scaled(pixels))
}

/// Index of the largest logit (the first one on ties).
pub fn argmax(y: &[f32; CLASSES]) -> usize {
    let mut best = 0;
    for (k, &v) in y.iter().enumerate() {
        if v > y[best] {
            best = k;
        }
    }
    best
}

/// Recent samples kept for training: the mini-batch.
pub const BATCH: usize = 8;
/// Adam steps taken on the device.
pub const STEPS: usize = 3;
/// New samples that arrive before each step after the first (which waits
/// for a full buffer).
pub const ARRIVALS: usize = 4;
/// Adam's learning rate for the on-device steps.
pub const LR: f64 = 1e-3;
const _: () = assert!(BATCH + (STEPS - 1) * ARRIVALS <= STREAM.len());

/// Names of the parameters of the whole network, in `Params` order.
pub const PARAM_NAMES: [&str; 4] = ["W1", "b1", "W2", "b2"];
/// Names of the parameters of the last layer.
pub const HEAD_PARAM_NAMES: [&str; 2] = ["W2", "b2"];

/// The last layer, the one the microbit can fine-tune in its 16 KiB of RAM.
pub type Head = Dense<f32, HIDDEN, CLASSES>;
/// Hidden units (the last layer's inputs).
pub const HIDDEN: usize = 32;

/// A training function: [`train`] or [`train_head`].
pub type TrainFn = fn(&mut dyn FnMut(&str, &[f32])) -> Result<(), TrainError>;

/// Why on-device training stopped: the library refused something.
#[derive(Clone, Copy, Debug)]
pub enum TrainError {
    /// The loss refused the targets.
    Loss(LossError),
    /// Adam refused its configuration.
    Config(nn_optim::ConfigError),
    /// Adam refused a step.
    Step(nn_optim::StepError),
}

impl core::fmt::Display for TrainError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TrainError::Loss(e) => write!(f, "loss: {e}"),
            TrainError::Config(e) => write!(f, "optimizer configuration: {e}"),
            TrainError::Step(e) => write!(f, "optimizer step: {e}"),
        }
    }
}

/// The inputs of the whole network: the scaled pixels.
fn pixels_in(pixels: &[u8; PIXELS]) -> [f32; PIXELS] {
    scaled(pixels)
}

/// The inputs of the last layer: the frozen first layer's ReLU units, computed
/// from the model in flash.
fn hidden_in(pixels: &[u8; PIXELS]) -> [f32; HIDDEN] {
    let h: [f32; HIDDEN] = MODEL.first.forward(&scaled(pixels));
    MODEL.second.first.forward(&h)
}

/// Fills the mini-batch `x`, `y`: the buffer's samples, oldest first,
/// mapped by `input`, and their labels.
#[inline(never)]
fn batch<const IN: usize>(
    recent: &heapless::HistoryBuffer<([u8; PIXELS], u8), BATCH>,
    input: fn(&[u8; PIXELS]) -> [f32; IN],
    x: &mut [[f32; IN]; BATCH],
    y: &mut [usize; BATCH],
) {
    for (k, (pixels, label)) in recent.oldest_ordered().enumerate() {
        x[k] = input(pixels);
        y[k] = usize::from(*label);
    }
}

/// Fine-tunes a RAM copy of the whole exported model on the device (about
/// 90 KB of stack: the model, its gradients and Adam's state `m`, `v`; the
/// M4F board only). See [`fine_tune`].
///
/// # Errors
/// The library refused the data or settings.
#[inline(never)]
pub fn train(report: &mut dyn FnMut(&str, &[f32])) -> Result<(), TrainError> {
    // A RAM copy of the model in flash.
    let mut net: Net = MODEL;
    fine_tune(&mut net, pixels_in, &PARAM_NAMES, report)
}

/// Fine-tunes a RAM copy of the last layer only, on the frozen first
/// layer's features (small enough for the microbit). See [`fine_tune`].
///
/// # Errors
/// The library refused the data or settings.
#[inline(never)]
pub fn train_head(report: &mut dyn FnMut(&str, &[f32])) -> Result<(), TrainError> {
    let mut head: Head = MODEL.second.second;
    fine_tune(&mut head, hidden_in, &HEAD_PARAM_NAMES, report)
}

/// On-device training of `net` (inputs made from the raw pixels by
/// `input`): samples of `STREAM` arrive one by one into a
/// `heapless::HistoryBuffer` (a ring buffer that overwrites the oldest) of
/// the `BATCH` most recent; once it is full, and after every `ARRIVALS` new
/// samples, one Adam step (nn-optim, no allocator) with cross-entropy on the
/// whole buffer. Hands the loss before each step and every parameter
/// (named by `names`) after the last to `report(what, values)`.
#[inline(never)]
fn fine_tune<M, const IN: usize>(
    net: &mut M,
    input: fn(&[u8; PIXELS]) -> [f32; IN],
    names: &[&str],
    report: &mut dyn FnMut(&str, &[f32]),
) -> Result<(), TrainError>
where
    M: Module<[[f32; IN]; BATCH], Output = [[f32; CLASSES]; BATCH]> + Params<f32> + Clone,
{
    // Used where it is, not moved out of the `Result` (a copy of Adam's
    // state on the stack otherwise).
    let mut made = adam(net);
    let adam = made.as_mut().map_err(|e| *e)?;
    let mut recent = heapless::HistoryBuffer::<([u8; PIXELS], u8), BATCH>::new();
    let mut stream = STREAM.iter();
    let mut losses = [0.0; STEPS];
    let mut x = [[0.0; IN]; BATCH];
    let mut y = [0; BATCH];
    for (s, loss) in losses.iter_mut().enumerate() {
        let arrivals = if s == 0 { BATCH } else { ARRIVALS };
        for sample in stream.by_ref().take(arrivals) {
            recent.write(*sample);
        }
        batch(&recent, input, &mut x, &mut y);
        *loss = step(net, adam, &x, &y)?;
    }
    report("loss per step", &losses);
    for (name, p) in names.iter().zip(net.params()) {
        report(name, p.values);
    }
    Ok(())
}

/// Adam for `net`, with zero state. Not inlined, so that the temporaries
/// of its construction do not stay in the caller's frame (the microbit has
/// 16 KiB of RAM).
#[inline(never)]
fn adam<M: Params<f32> + Clone>(net: &M) -> Result<nn_optim::Adam<f32, M>, TrainError> {
    let config = nn_optim::AdamConfig {
        lr: LR,
        ..nn_optim::AdamConfig::default()
    };
    nn_optim::Adam::new(config, net).map_err(TrainError::Config)
}

/// One Adam step with cross-entropy on a batch; returns the loss before it.
#[inline(never)]
fn step<M, const IN: usize>(
    net: &mut M,
    adam: &mut nn_optim::Adam<f32, M>,
    x: &[[f32; IN]; BATCH],
    y: &[usize; BATCH],
) -> Result<f32, TrainError>
where
    M: Module<[[f32; IN]; BATCH], Output = [[f32; CLASSES]; BATCH]> + Params<f32> + Clone,
{
    let (out, cache) = net.forward_train(x);
    let (loss, dy) = CrossEntropy
        .loss_and_grad(&out, y)
        .map_err(TrainError::Loss)?;
    let mut grads = net.zeroed();
    let _dx: [[f32; IN]; BATCH] = net.backward(x, &out, &cache, &dy, &mut grads);
    adam.step(net, &grads).map_err(TrainError::Step)?;
    Ok(loss)
}
