//! The model-file program: loads the Digits model file (`model/model.bin`,
//! embedded with `include_bytes!`) with nn-format into a zeroed network and
//! scaler in a `static` (`.bss`), in place, with no copy on the stack, and
//! classifies the embedded samples with it. Every logit must be
//! bit-identical to the host's logits of the exported static model (the
//! `digits` program's figures). Prints the peak stack of each loading path:
//! `load_into_with_scaler` everywhere, and for comparison
//! `load_with_scaler` (the network built on the stack and moved out) where
//! the RAM allows it (not on the 16 KiB microbit, where it overflows the
//! stack). Also checks that a refused file leaves the storage unchanged and
//! that the storage is handed out only once. Exits 0 only when all agree.
#![no_std]
#![no_main]

// The training half is the digits program's (digits_net.rs allows the
// dead code itself in builds without whole-network training).
#[cfg_attr(fw_train_full, allow(dead_code))]
#[path = "../digits_net.rs"]
mod digits_net;
#[path = "../platform.rs"]
mod platform;
#[path = "../slot.rs"]
mod slot;
#[path = "../support.rs"]
mod support;

use digits_net::{CLASSES, PIXELS, argmax, model::Net, samples::EVAL};
use nn_core::{Dense, Module, Relu, Scaler, Standardize, seq};
use nn_format::{LoadError, Loadable};
use platform::hprintln;
use slot::Slot;
use support::{Checker, stack};

#[allow(dead_code)] // the training figures are the digits program's
mod expected {
    include!(concat!(env!("OUT_DIR"), "/digits_expected.rs"));
}

/// The input scaler stored in the model file.
type InputScaler = Standardize<f32, PIXELS>;

/// The model file, in flash.
static MODEL_FILE: &[u8] = include_bytes!("../../model/model.bin");

/// RAM for the loaded network and scaler: all zeros, so in `.bss`.
static STORAGE: Slot<(Net, InputScaler)> = Slot::new((
    seq![Dense::zeros(), Relu, Dense::zeros()],
    Standardize::from_parts([0.0; PIXELS], [0.0; PIXELS]),
));

/// Loads the model file into `net` and `scaler` in place.
#[inline(never)]
fn load_in_place(net: &mut Net, scaler: &mut InputScaler, bytes: &[u8]) -> Result<(), LoadError> {
    net.load_into_with_scaler(scaler, bytes)
}

/// The logits of raw pixels with a given network and scaler.
fn logits(net: &Net, scaler: &InputScaler, pixels: &[u8; PIXELS]) -> [f32; CLASSES] {
    net.forward(&scaler.apply(&pixels.map(f32::from)))
}

/// Classifies every `EVAL` sample with `net`, checks every logit against the
/// host's and prints the accuracy.
fn classify(c: &mut Checker, group: &str, net: &Net, scaler: &InputScaler) {
    c.start(&expected::LOGITS);
    let mut correct = 0;
    for (pixels, label) in &EVAL {
        let y = logits(net, scaler, pixels);
        c.check(group, "logits", &y);
        correct += u32::from(argmax(&y) == usize::from(*label));
    }
    c.finish(group);
    hprintln!(
        "accuracy: {}/{} (host: {})",
        correct,
        EVAL.len(),
        expected::HOST_CORRECT
    );
    c.failed += u32::from(correct != expected::HOST_CORRECT);
}

/// A refused file (the model file without its last byte) leaves the storage
/// as it was.
fn refused_file_changes_nothing(c: &mut Checker, net: &mut Net, scaler: &mut InputScaler) {
    let truncated = &MODEL_FILE[..MODEL_FILE.len() - 1];
    let refused = matches!(
        load_in_place(net, scaler, truncated),
        Err(LoadError::Truncated { .. })
    );
    let untouched = net.first.bias == [0.0; 32] && scaler.inv_std == [0.0; PIXELS];
    let tag = if refused && untouched { "ok  " } else { "FAIL" };
    hprintln!("{} a truncated file is refused and changes nothing", tag);
    c.failed += u32::from(!(refused && untouched));
}

/// `Net::load_with_scaler`: the network is built on the stack and moved out.
/// Classifies the first sample so that the loaded copy is used.
#[cfg(not(fw_small_ram))]
#[inline(never)]
fn load_on_stack() -> Result<[f32; CLASSES], LoadError> {
    let (net, scaler) = Net::load_with_scaler::<InputScaler>(MODEL_FILE)?;
    Ok(logits(&net, &scaler, &EVAL[0].0))
}

#[cfg(not(fw_small_ram))]
fn compare_with_load_on_stack(c: &mut Checker) {
    stack::paint();
    let result = load_on_stack();
    hprintln!(
        "peak stack, Net::load_with_scaler + one inference: {} bytes",
        stack::peak()
    );
    match result {
        Ok(y) => {
            c.start(&expected::LOGITS[..CLASSES]);
            c.check("load_with_scaler", "logits of EVAL[0]", &y);
            c.finish("load_with_scaler");
        }
        Err(e) => {
            hprintln!("FAIL load_with_scaler: {}", e);
            c.failed += 1;
        }
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", unsafe(export_name = "main"))]
fn main() -> ! {
    hprintln!("nn-firmware digits_load on {}", env!("FW_TARGET"));
    let mut c = Checker::new();
    let Some((net, scaler)) = STORAGE.take() else {
        hprintln!("FAIL the storage was already taken");
        platform::exit_with(1)
    };
    if STORAGE.take().is_some() {
        hprintln!("FAIL the storage was handed out twice");
        c.failed += 1;
    }
    hprintln!(
        "model file: {} bytes; storage: {} bytes in .bss",
        MODEL_FILE.len(),
        core::mem::size_of::<(Net, InputScaler)>()
    );
    refused_file_changes_nothing(&mut c, net, scaler);
    stack::paint();
    let loaded = load_in_place(net, scaler, MODEL_FILE);
    hprintln!("peak stack, load_into_with_scaler: {} bytes", stack::peak());
    match loaded {
        Ok(()) => classify(&mut c, "model file", net, scaler),
        Err(e) => {
            hprintln!("FAIL load_into_with_scaler: {}", e);
            c.failed += 1;
        }
    }
    #[cfg(not(fw_small_ram))]
    compare_with_load_on_stack(&mut c);
    #[cfg(fw_small_ram)]
    hprintln!(
        "Net::load_with_scaler: not on this target (it needs more stack than 16 KiB of RAM leave)"
    );
    let stack_ok = stack::report();
    c.exit(stack_ok)
}
