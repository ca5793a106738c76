//! The Digits program: classifies embedded Digits test samples (raw pixels,
//! scaled on the device with the exported scaler) with the exported
//! 64-32-10 model in flash, and, where the RAM allows (`fw_train`: the
//! `train` feature on a target other than the 16 KiB microbit), fine-tunes a
//! RAM copy with a few Adam steps on a ring buffer of recent samples.
//! Compares every logit, loss and updated weight bit for bit with the host's
//! (`build.rs` runs `src/digits_net.rs` there), prints the accuracy on the
//! embedded samples and `N passed, M failed`; exits 0 only when every value
//! agrees.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;

#[path = "../digits_net.rs"]
mod digits_net;
#[path = "../support.rs"]
mod support;

use digits_net::{CLASSES, argmax, logits, samples::EVAL};
use support::{Checker, stack};

mod expected {
    include!(concat!(env!("OUT_DIR"), "/digits_expected.rs"));
}

/// Classifies every `EVAL` sample, checks its logits and prints the accuracy.
#[inline(never)]
fn inference(c: &mut Checker) {
    c.start(&expected::LOGITS);
    let mut correct = 0;
    for (i, (_, label)) in EVAL.iter().enumerate() {
        let y: [f32; CLASSES] = logits(i);
        c.check("inference", "logits", &y);
        correct += u32::from(argmax(&y) == usize::from(*label));
    }
    c.finish("inference");
    hprintln!(
        "accuracy on the {} embedded test samples: {}/{} (host: {}/{})",
        EVAL.len(),
        correct,
        EVAL.len(),
        expected::HOST_CORRECT,
        EVAL.len()
    );
    if correct != expected::HOST_CORRECT {
        c.failed += 1;
    }
}

/// A few Adam steps on the device; checks the losses and every weight.
#[cfg(fw_train)]
#[inline(never)]
fn training(c: &mut Checker) {
    c.start(&expected::TRAINED);
    if let Err(e) = digits_net::train(&mut |what, values| c.check("adam", what, values)) {
        hprintln!("FAIL training: {}", e);
        c.failed += 1;
    }
    c.finish("training");
}

#[entry]
fn main() -> ! {
    hprintln!("nn-firmware digits on {}", env!("FW_TARGET"));
    stack::paint();
    let mut c = Checker::new();
    inference(&mut c);
    #[cfg(fw_train)]
    training(&mut c);
    #[cfg(not(fw_train))]
    hprintln!(
        "training: not in this build (needs the `train` feature and more than 16 KiB of RAM)"
    );
    let stack_ok = stack::report();
    c.exit(stack_ok)
}
