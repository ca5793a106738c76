//! Runs the forward pass, two losses, the backward pass and a few optimizer
//! steps of a small network with fixed weights (`net.rs`) on a Cortex-M, and
//! compares the bit pattern of every output, loss, gradient and updated
//! weight, in f32 and f64, with those the host
//! computed at build time (`build.rs` -> `$OUT_DIR/expected.rs`). Prints one
//! line per tensor and `N passed, M failed` (counting values); exits 0 only
//! when every value agrees.
#![no_std]
#![no_main]

use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hprintln};
use nn_core::Float;

mod net;

mod expected {
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

/// Exits QEMU with `code` through SYS_EXIT_EXTENDED (0x20); `debug::exit`
/// only gives 0 or 1 on 32-bit ARM.
fn exit_with(code: u32) -> ! {
    let args = [0x20026usize, code as usize]; // 0x20026 = ADP_Stopped_ApplicationExit
    // SAFETY: semihosting call 0x20 takes a pointer to two words, which `args`
    // provides for the duration of the call; QEMU ends the program.
    unsafe { cortex_m_semihosting::syscall(0x20, &args) };
    #[allow(clippy::empty_loop)]
    loop {}
}

mod stack {
    //! Measures the peak stack use: paint the free RAM below the current
    //! frame with a pattern, run, then find the lowest word that changed.
    use core::ptr::{addr_of, read_volatile, write_volatile};

    unsafe extern "C" {
        /// End of the static data (cortex-m-rt's link.x): the stack may grow down to here.
        static __sheap: u32;
        /// Top of the stack (cortex-m-rt's link.x).
        static _stack_start: u32;
    }

    const PAINT: u32 = 0x5afe_57ac;
    /// Left unpainted below the caller's frame, for `paint`'s own frame.
    const MARGIN: usize = 256;

    fn bottom() -> usize {
        addr_of!(__sheap) as usize
    }

    fn top() -> usize {
        addr_of!(_stack_start) as usize
    }

    /// Paints the free stack below the caller.
    #[inline(never)]
    pub fn paint() {
        let here = 0u32;
        let end = (addr_of!(here) as usize - MARGIN) & !3;
        for a in (bottom()..end).step_by(4) {
            // SAFETY: `a` is word-aligned and lies between the end of static
            // data and below the live stack, RAM that nothing uses yet.
            unsafe { write_volatile(a as *mut u32, PAINT) };
        }
    }

    /// Bytes between the end of static data and the top of the stack.
    pub fn available() -> usize {
        top() - bottom()
    }

    /// Bytes of stack used so far (since reset), as seen from the paint.
    pub fn peak() -> usize {
        let mut a = bottom();
        // SAFETY: every address read is word-aligned RAM between the end of
        // static data and the top of the stack.
        while a < top() && unsafe { read_volatile(a as *const u32) } == PAINT {
            a += 4;
        }
        top() - a
    }
}

/// Compares results, in the order `net::run` produces them, with the host's.
struct Checker {
    expected: &'static [u64],
    next: usize,
    passed: u32,
    failed: u32,
}

impl Checker {
    fn check<F: Float>(&mut self, group: &str, what: &str, values: &[F]) {
        let mut bad = 0;
        for (i, v) in values.iter().enumerate() {
            let got = v.to_bits_u64();
            let ok = match self.expected.get(self.next) {
                // Bit-identical, or both NaN (the sign of a hardware-made NaN
                // differs between ARM and x86_64).
                Some(&want) => got == want || (v.is_nan() && is_nan_bits::<F>(want)),
                None => false,
            };
            if !ok {
                bad += 1;
                let want = self.expected.get(self.next).copied().unwrap_or(0);
                hprintln!(
                    "     {} {} {}[{}]: got {:#x}, host {:#x}",
                    F::NAME,
                    group,
                    what,
                    i,
                    got,
                    want
                );
            }
            self.next += 1;
        }
        self.failed += bad;
        self.passed += values.len() as u32 - bad;
        let tag = if bad == 0 { "ok  " } else { "FAIL" };
        hprintln!(
            "{} {} {} {} ({} values)",
            tag,
            F::NAME,
            group,
            what,
            values.len()
        );
    }

    /// Runs one precision against its expected bits.
    fn run<F: Float>(&mut self, expected: &'static [u64]) {
        self.expected = expected;
        self.next = 0;
        if let Err(e) = net::run::<F>(&mut |group, what, values| self.check(group, what, values)) {
            hprintln!("FAIL {}: {}", F::NAME, e);
            self.failed += 1;
        }
        if self.next != expected.len() {
            hprintln!(
                "FAIL {}: computed {} values, host {}",
                F::NAME,
                self.next,
                expected.len()
            );
            self.failed += 1;
        }
    }
}

/// Whether `bits` is a NaN of the precision `F`.
fn is_nan_bits<F: Float>(bits: u64) -> bool {
    if F::BYTES == 4 {
        (bits as u32 & 0x7fff_ffff) > 0x7f80_0000
    } else {
        (bits & 0x7fff_ffff_ffff_ffff) > 0x7ff0_0000_0000_0000
    }
}

#[entry]
fn main() -> ! {
    hprintln!("nn-firmware on {}", env!("FW_TARGET"));
    stack::paint();
    let mut c = Checker {
        expected: &[],
        next: 0,
        passed: 0,
        failed: 0,
    };
    c.run::<f32>(&expected::EXPECTED_F32);
    c.run::<f64>(&expected::EXPECTED_F64);
    let (peak, available) = (stack::peak(), stack::available());
    hprintln!("peak stack: {} bytes of {} available", peak, available);
    if peak + 64 >= available {
        hprintln!("FAIL the stack may have overflowed into static data");
        c.failed += 1;
    }
    hprintln!("{} passed, {} failed", c.passed, c.failed);
    exit_with(if c.failed == 0 && c.passed > 0 { 0 } else { 1 })
}

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    hprintln!("HardFault at pc={:#010x}", ef.pc());
    exit_with(3)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("PANIC: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}
