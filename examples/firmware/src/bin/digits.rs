//! The Digits program: classifies embedded Digits test samples (raw pixels,
//! scaled on the device with the exported scaler) with the exported
//! 64-32-10 model in flash, and, with the `train` feature, fine-tunes a RAM
//! copy with a few Adam steps on a ring buffer of recent samples: the last
//! layer on every target (`fw_train`), the whole network where the RAM
//! allows (`fw_train_full`: not the 16 KiB microbit).
//! Compares every logit, loss and updated weight bit for bit with the host's
//! (`build.rs` runs `src/digits_net.rs` there), prints the accuracy on the
//! embedded samples and `N passed, M failed`; exits 0 only when every value
//! agrees.
#![no_std]
#![no_main]

#[path = "../digits_net.rs"]
mod digits_net;
#[path = "../platform.rs"]
mod platform;
#[path = "../support.rs"]
mod support;

use digits_net::{CLASSES, argmax, logits, samples::EVAL};
use platform::hprintln;
use support::{Checker, stack};

mod expected {
    include!(concat!(env!("OUT_DIR"), "/digits_expected.rs"));
}

/// Classifies every `EVAL` sample, checks its logits and prints the accuracy.
#[inline(never)]
fn inference(c: &mut Checker) {
    c.start(&expected::LOGITS);
    let mut correct = 0;
    for (i, (pixels, label)) in EVAL.iter().enumerate() {
        let y: [f32; CLASSES] = logits(pixels);
        let failed = c.failed;
        c.check("inference", "logits", &y);
        if c.failed != failed {
            hprintln!("     (the logits above are those of EVAL[{}])", i);
        }
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

/// A few Adam steps on the device with `train`; checks the losses and every
/// updated weight against `expected`.
#[cfg(fw_train)]
#[inline(never)]
fn training(c: &mut Checker, group: &str, train: digits_net::TrainFn, expected: &'static [u64]) {
    c.start(expected);
    if let Err(e) = train(&mut |what, values| c.check(group, what, values)) {
        hprintln!("FAIL {}: {}", group, e);
        c.failed += 1;
    }
    c.finish(group);
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", unsafe(export_name = "main"))]
fn main() -> ! {
    hprintln!("nn-firmware digits on {}", env!("FW_TARGET"));
    stack::paint();
    let mut c = Checker::new();
    inference(&mut c);
    #[cfg(fw_train)]
    training(
        &mut c,
        "adam last layer",
        digits_net::train_head,
        &expected::TRAINED_HEAD,
    );
    #[cfg(fw_train_full)]
    training(&mut c, "adam", digits_net::train, &expected::TRAINED);
    #[cfg(not(fw_train))]
    hprintln!("training: not in this build (feature `train`)");
    #[cfg(all(fw_train, not(fw_train_full)))]
    hprintln!("training the whole network: not on this target (16 KiB of RAM)");
    let stack_ok = stack::report();
    c.exit(stack_ok)
}
