//! Runs the model of `model.rs` on the device and compares the bits of every
//! output with the host's (`build.rs`); prints the outputs and exits 0 only
//! when all agree (QEMU's exit status).
#![no_std]
#![no_main]

use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::hprintln;

mod model;

mod expected {
    use crate::model;
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

#[entry]
fn main() -> ! {
    let mut failed = 0;
    for (x, want) in model::INPUTS.iter().zip(&expected::EXPECTED) {
        let y = model::infer(core::hint::black_box(x));
        let same = y.map(f32::to_bits) == *want;
        failed += u32::from(!same);
        hprintln!(
            "{:?} -> {:?} {}",
            x,
            y,
            if same { "ok" } else { "FAIL (host differs)" }
        );
    }
    hprintln!("{} failed", failed);
    exit(failed)
}

/// Ends the QEMU run with `code` as its exit status (semihosting
/// SYS_EXIT_EXTENDED); on a real board, replace with your own reporting.
fn exit(code: u32) -> ! {
    let args = [0x20026usize, code as usize]; // ADP_Stopped_ApplicationExit, status
    // SAFETY: semihosting call 0x20 reads the two words of `args`, which live
    // for the duration of the call; QEMU then ends the program.
    unsafe { cortex_m_semihosting::syscall(0x20, &args) };
    #[allow(clippy::empty_loop)]
    loop {}
}

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    hprintln!("HardFault at pc={:#010x}", ef.pc());
    exit(3)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("PANIC: {}", info);
    exit(1)
}
