//! Runs the forward pass, two losses, the backward pass and a few optimizer
//! steps of a small network with fixed weights (`net.rs`) on a Cortex-M, and
//! compares the bit pattern of every output, loss, gradient and updated
//! weight, in f32 and f64, with those the host
//! computed at build time (`build.rs` -> `$OUT_DIR/expected.rs`). Prints one
//! line per tensor and `N passed, M failed` (counting values); exits 0 only
//! when every value agrees.
#![no_std]
#![no_main]

use nn_core::Float;

mod net;
mod platform;
mod support;

use platform::hprintln;
use support::{Checker, stack};

mod expected {
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

/// Runs one precision of `net::run` against its expected bits.
fn run<F: Float>(c: &mut Checker, expected: &'static [u64]) {
    c.start(expected);
    if let Err(e) = net::run::<F>(&mut |group, what, values| c.check(group, what, values)) {
        hprintln!("FAIL {}: {}", F::NAME, e);
        c.failed += 1;
    }
    c.finish(F::NAME);
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", unsafe(export_name = "main"))]
fn main() -> ! {
    hprintln!("nn-firmware on {}", env!("FW_TARGET"));
    stack::paint();
    let mut c = Checker::new();
    run::<f32>(&mut c, &expected::EXPECTED_F32);
    run::<f64>(&mut c, &expected::EXPECTED_F64);
    let stack_ok = stack::report();
    c.exit(stack_ok)
}
