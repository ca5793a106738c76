//! The int8 Digits program: runs TensorFlow Lite's int8 64-32-10 Digits
//! model (`model/digits_int8.rs`, a `static` typed network of nn-core's
//! `QDense` layers in flash) on the oracle's 100 int8 test samples, compares
//! every int8 output with TensorFlow Lite Micro's (which the host reproduces
//! bit for bit, nn-core/tests/int8_reference.rs), prints the accuracy and
//! `N passed, M failed` (samples) and exits 0 only when every output agrees.
//! Also runs one sample from an input at an odd address, and the int8 edge
//! cases of `src/int8_edges.rs`, whose outputs must equal the host's.
//! Integer-only: no floating-point routine is linked (see README.md).
#![no_std]
#![no_main]

use nn_core::quant::Infer;

#[path = "../int8_edges.rs"]
mod int8_edges;
#[path = "../../model/digits_int8.rs"]
mod model;
#[path = "../platform.rs"]
mod platform;
// Only the exit status and the stack measurement are used here, not the
// float checker.
#[allow(dead_code)]
#[path = "../support.rs"]
mod support;

use model::{EXPECTED, INPUTS, LABELS, MODEL};
use platform::{exit_with, hprintln};
use support::stack;

/// The host's outputs of the int8 edge cases.
mod expected {
    include!(concat!(env!("OUT_DIR"), "/int8_edges.rs"));
}

/// First index of the largest value.
fn argmax(y: &[i8]) -> usize {
    (0..y.len()).fold(0, |best, i| if y[i] > y[best] { i } else { best })
}

/// One inference, kept out of line so that it can be measured and found in
/// the symbol table.
#[inline(never)]
fn classify(x: &[i8; 64]) -> [i8; 10] {
    MODEL.infer(x)
}

/// An int8 input one byte past an aligned address.
#[repr(C)]
struct Odd {
    pad: u8,
    x: [i8; 64],
}

/// Runs the int8 edge cases; 1 if any output differs from the host's
/// (each difference printed), else 0.
fn edge_cases() -> u32 {
    let mut at = 0;
    let mut differ = 0u32;
    int8_edges::run(&mut |y| {
        for (i, (&got, &want)) in y.iter().zip(&expected::INT8_EDGES[at..]).enumerate() {
            if got != want {
                hprintln!(
                    "FAIL int8 edge output {}: got {}, host {}",
                    at + i,
                    got,
                    want
                );
                differ += 1;
            }
        }
        at += y.len();
    });
    let equal = differ == 0 && at == int8_edges::OUTPUTS && at == expected::INT8_EDGES.len();
    hprintln!("int8 edge cases: {} outputs, {} differ", at, differ);
    u32::from(!equal)
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", unsafe(export_name = "main"))]
fn main() -> ! {
    hprintln!("nn-firmware digits_int8 on {}", env!("FW_TARGET"));
    stack::paint();
    let (mut passed, mut failed, mut correct, mut host_correct) = (0u32, 0u32, 0u32, 0u32);
    for (i, ((x, want), &label)) in INPUTS.iter().zip(&EXPECTED).zip(&LABELS).enumerate() {
        let y = classify(x);
        if y == *want {
            passed += 1;
        } else {
            failed += 1;
            hprintln!("FAIL sample {}: got {:?}, host {:?}", i, y, want);
        }
        correct += u32::from(argmax(&y) == usize::from(label));
        host_correct += u32::from(argmax(want) == usize::from(label));
    }
    // The first sample again, from an input at an odd address.
    let odd = core::hint::black_box(Odd {
        pad: 0,
        x: INPUTS[0],
    });
    let unaligned_ok = classify(&odd.x) == EXPECTED[0];
    hprintln!(
        "input at an odd address ({}): {}",
        odd.pad,
        if unaligned_ok { "equal" } else { "FAIL" }
    );
    failed += u32::from(!unaligned_ok);
    failed += edge_cases();
    let n = INPUTS.len();
    hprintln!(
        "accuracy on {} samples: {}/{} (host: {}/{})",
        n,
        correct,
        n,
        host_correct,
        n
    );
    failed += u32::from(correct != host_correct);
    failed += u32::from(!stack::report());
    hprintln!("{} passed, {} failed", passed, failed);
    exit_with(u32::from(failed != 0 || passed == 0))
}
