//! The Digits program's computations, written once and included with
//! `#[path]` by `build.rs` (on the host, to compute the expected bits) and by
//! `src/bin/digits.rs` (on the device), so both run exactly the same code.
//! `no_std`: only `core`, nn-core, nn-optim and heapless.
//!
//! The model is the Digits main job's 64-32-10 ReLU network as exported by
//! `nn_std::model_file::write_model_files` (`model/model.rs`: the weights and
//! the fitted input scaler as `static`s in flash); the samples are raw 8x8
//! pixels from the same job's test part (`model/samples.rs`). Regenerate
//! both with `regen-digits.sh`.
#![cfg_attr(not(fw_train), allow(dead_code))]

use nn_core::{CrossEntropy, Loss, LossError, Module, Params, Scaler};

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
use samples::{EVAL, STREAM};

/// Pixels per sample (8x8).
pub const PIXELS: usize = 64;
/// Classes (digits 0 to 9).
pub const CLASSES: usize = 10;

/// Raw pixels (0..=16) scaled as in training, with the exported scaler.
pub fn scaled(pixels: &[u8; PIXELS]) -> [f32; PIXELS] {
    SCALER.apply(&pixels.map(f32::from))
}

/// The exported model's logits for embedded sample `i` of `EVAL`.
#[inline(never)]
pub fn logits(i: usize) -> [f32; CLASSES] {
    MODEL.forward(&scaled(&EVAL[i].0))
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

/// Names of the parameters, in `Params` order.
pub const PARAM_NAMES: [&str; 4] = ["W1", "b1", "W2", "b2"];

/// Why on-device training stopped: the library refused something.
#[derive(Debug)]
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

/// The mini-batch: the buffer's samples, oldest first, scaled, and their labels.
fn batch(
    recent: &heapless::HistoryBuffer<([u8; PIXELS], u8), BATCH>,
) -> ([[f32; PIXELS]; BATCH], [usize; BATCH]) {
    let mut x = [[0.0; PIXELS]; BATCH];
    let mut y = [0; BATCH];
    for (k, (pixels, label)) in recent.oldest_ordered().enumerate() {
        x[k] = scaled(pixels);
        y[k] = usize::from(*label);
    }
    (x, y)
}

/// Fine-tunes a RAM copy of the exported model on the device: samples of
/// `STREAM` arrive one by one into a `heapless::HistoryBuffer` (a ring buffer
/// that overwrites the oldest) of the `BATCH` most recent; once it is full,
/// and after every `ARRIVALS` new samples, one Adam step (nn-optim, no
/// allocator) with cross-entropy on the whole buffer. Hands the loss before
/// each step and every parameter after the last to `report(what, values)`.
///
/// # Errors
/// The library refused the data or settings.
#[inline(never)]
pub fn train(report: &mut dyn FnMut(&str, &[f32])) -> Result<(), TrainError> {
    // A RAM copy of the model in flash.
    let mut net: Net = MODEL;
    let config = nn_optim::AdamConfig {
        lr: LR,
        ..nn_optim::AdamConfig::default()
    };
    let mut adam = nn_optim::Adam::new(config, &net).map_err(TrainError::Config)?;
    let mut recent = heapless::HistoryBuffer::<([u8; PIXELS], u8), BATCH>::new();
    let mut stream = STREAM.iter();
    let mut losses = [0.0; STEPS];
    for (s, loss) in losses.iter_mut().enumerate() {
        let arrivals = if s == 0 { BATCH } else { ARRIVALS };
        for sample in stream.by_ref().take(arrivals) {
            recent.write(*sample);
        }
        let (x, y) = batch(&recent);
        *loss = step(&mut net, &mut adam, &x, &y)?;
    }
    report("loss per step", &losses);
    for (name, p) in PARAM_NAMES.iter().zip(net.params()) {
        report(name, p.values);
    }
    Ok(())
}

/// One Adam step with cross-entropy on a batch; returns the loss before it.
#[inline(never)]
fn step(
    net: &mut Net,
    adam: &mut nn_optim::Adam<f32, Net>,
    x: &[[f32; PIXELS]; BATCH],
    y: &[usize; BATCH],
) -> Result<f32, TrainError> {
    let (out, cache) = net.forward_train(x);
    let (loss, dy) = CrossEntropy
        .loss_and_grad(&out, y)
        .map_err(TrainError::Loss)?;
    let mut grads = net.zeroed();
    let _dx: [[f32; PIXELS]; BATCH] = net.backward(&cache, &dy, &mut grads);
    adam.step(net, &grads).map_err(TrainError::Step)?;
    Ok(loss)
}
