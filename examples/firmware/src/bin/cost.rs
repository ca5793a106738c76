//! The cost program: runs the inference workloads between two marker
//! functions, `cost_begin` and `cost_end`, so that `cost/cost.py` (QEMU with
//! the `insncount` plugin) can count the instructions each one executes.
//! Windows, in order (the program prints them as `cost window NAME COUNT`):
//!
//! - `empty`: nothing between the markers (the markers' own overhead);
//! - `loop`: a hand-written two-instruction loop, the same code run
//!   [`LOOPS`] times, whose counts must differ by exactly two instructions
//!   per extra iteration (the tool's validation);
//! - `digits`: the Digits model's forward pass (`src/digits_net.rs`:
//!   64-32-10, f32) on each `EVAL` sample, scaled before the window (the
//!   figure the anchors report); the logits are compared bit for
//!   bit with the host's;
//! - `sine`: the TFLite-Micro "hello world" sine shape, 1-16-16-1 f32 with
//!   ReLU, fixed weights (`src/sine_net.rs`), on 8 inputs;
//! - `digits_int8`: TensorFlow Lite's int8 Digits model
//!   (`model/digits_int8.rs`, 64-32-10) on its 100 int8 test samples, every
//!   output compared with TensorFlow Lite Micro's;
//! - `sine_int8`: TensorFlow Lite's int8 "hello world" sine model
//!   (`model/sine_int8.rs`, 1-16-16-1) on its 100 samples, compared likewise.
//!
//! Also prints each workload's peak stack (painted stack below the caller)
//! and exits 0 only when every output agreed and the stack fit.
#![no_std]
#![no_main]

use core::hint::black_box;

use nn_core::Module;
use nn_core::quant::Infer;

// The training half is the digits program's (digits_net.rs allows the
// dead code itself in builds without whole-network training).
#[allow(dead_code)] // the labels are the digits_int8 program's
#[path = "../../model/digits_int8.rs"]
mod digits_int8;
#[cfg_attr(fw_train_full, allow(dead_code))]
#[path = "../digits_net.rs"]
mod digits_net;
#[path = "../platform.rs"]
mod platform;
#[path = "../../model/sine_int8.rs"]
mod sine_int8;
#[path = "../sine_net.rs"]
mod sine_net;
#[path = "../support.rs"]
mod support;

use digits_net::model::MODEL;
use platform::hprintln;
use support::{Checker, stack};

#[allow(dead_code)] // the training figures are the digits program's
mod expected {
    include!(concat!(env!("OUT_DIR"), "/digits_expected.rs"));
}

/// Opens a counting window: the tool counts from this function's first
/// instruction.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn cost_begin() {
    // An opaque use of a value, so that the call stays and the two markers
    // differ (the linker could otherwise fold identical functions).
    black_box(1u32);
}

/// Closes the counting window: the tool counts up to this function's first
/// instruction (excluded).
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn cost_end() {
    black_box(0u32);
}

/// Runs `f` in `n` windows named `name`.
fn windows<T>(name: &str, n: usize, mut f: impl FnMut(usize) -> T) {
    hprintln!("cost window {} {}", name, n);
    for i in 0..n {
        cost_begin();
        let y = f(i);
        cost_end();
        black_box(y);
    }
}

/// Iterations of the validation loop, one window each.
const LOOPS: [u32; 2] = [100, 1100];

/// `n` iterations of a two-instruction loop (decrement, branch if not zero).
#[inline(always)]
fn spin(n: u32) {
    // SAFETY: only modifies the register it is given (and the flags); no
    // memory access.
    unsafe {
        #[cfg(target_arch = "arm")]
        core::arch::asm!("2:", "subs {n}, #1", "bne 2b", n = inout(reg) n => _, options(nomem, nostack));
        #[cfg(target_arch = "riscv32")]
        core::arch::asm!("2:", "addi {n}, {n}, -1", "bnez {n}, 2b", n = inout(reg) n => _, options(nomem, nostack));
    }
}

/// Runs `model` on every input in its own window named `name`; the number
/// of outputs that differ from `expected`, each printed.
fn int8_windows<M, const IN: usize, const OUT: usize>(
    name: &str,
    model: &M,
    inputs: &[[i8; IN]],
    expected: &[[i8; OUT]],
) -> u32
where
    M: Infer<[i8; IN], Output = [i8; OUT]>,
{
    let mut failed = 0;
    windows(name, inputs.len(), |i| {
        let y = model.infer(black_box(&inputs[i]));
        if y != expected[i] {
            hprintln!(
                "FAIL {} sample {}: got {:?}, host {:?}",
                name,
                i,
                y,
                expected[i]
            );
            failed += 1;
        }
    });
    failed
}

/// Bytes of stack that `f` uses below the caller's frame, measured by
/// painting (approximate within a few words).
#[inline(never)]
fn stack_of<T>(f: impl FnOnce() -> T) -> usize {
    let here = 0u32;
    let mark = core::ptr::addr_of!(here) as usize;
    stack::paint();
    black_box(f());
    mark - stack::lowest_used()
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", unsafe(export_name = "main"))]
fn main() -> ! {
    hprintln!("nn-firmware cost on {}", env!("FW_TARGET"));
    windows("empty", 1, |_| ());
    windows("loop", LOOPS.len(), |i| spin(black_box(LOOPS[i])));
    let eval = &digits_net::samples::EVAL;
    let mut y = [[0.0f32; digits_net::CLASSES]; 40];
    for (i, yi) in y.iter_mut().enumerate().take(eval.len()) {
        let x = digits_net::scaled(&eval[i].0);
        windows("digits", 1, |_| *yi = MODEL.forward(black_box(&x)));
    }
    windows("sine", sine_net::INPUTS.len(), |i| {
        sine_net::SINE.forward(black_box(&[sine_net::INPUTS[i]]))
    });
    let int8_failed = int8_windows(
        "digits_int8",
        &digits_int8::MODEL,
        &digits_int8::INPUTS,
        &digits_int8::EXPECTED,
    ) + int8_windows(
        "sine_int8",
        &sine_int8::MODEL,
        &sine_int8::INPUTS,
        &sine_int8::EXPECTED,
    );
    let x = digits_net::scaled(&eval[0].0);
    let digits_stack = stack_of(|| MODEL.forward(black_box(&x)));
    let sine_stack = stack_of(|| sine_net::SINE.forward(black_box(&[0.5])));
    let digits_int8_stack =
        stack_of(|| digits_int8::MODEL.infer(black_box(&digits_int8::INPUTS[0])));
    let sine_int8_stack = stack_of(|| sine_int8::MODEL.infer(black_box(&sine_int8::INPUTS[0])));
    hprintln!("cost stack digits {}", digits_stack);
    hprintln!("cost stack sine {}", sine_stack);
    hprintln!("cost stack digits_int8 {}", digits_int8_stack);
    hprintln!("cost stack sine_int8 {}", sine_int8_stack);
    let mut c = Checker::new();
    c.start(&expected::LOGITS);
    c.check("digits", "logits", y[..eval.len()].as_flattened());
    c.finish("digits");
    c.exit(stack::report() && int8_failed == 0)
}
