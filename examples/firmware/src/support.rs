//! What both firmware programs share: the exit status through semihosting,
//! the painted-stack measurement, the bit-for-bit comparison with the host's
//! results, and the fault and panic handlers. Included as a module by
//! `main.rs` and `digits.rs` (the two `[[bin]]`s).

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::{debug, hprintln};
use nn_core::Float;

/// Exits QEMU with `code` through SYS_EXIT_EXTENDED (0x20); `debug::exit`
/// only gives 0 or 1 on 32-bit ARM.
pub fn exit_with(code: u32) -> ! {
    let args = [0x20026usize, code as usize]; // 0x20026 = ADP_Stopped_ApplicationExit
    // SAFETY: semihosting call 0x20 takes a pointer to two words, which `args`
    // provides for the duration of the call; QEMU ends the program.
    unsafe { cortex_m_semihosting::syscall(0x20, &args) };
    #[allow(clippy::empty_loop)]
    loop {}
}

pub mod stack {
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
        top() - lowest_used()
    }

    /// The lowest stack address written since the paint.
    pub fn lowest_used() -> usize {
        let mut a = bottom();
        // SAFETY: every address read is word-aligned RAM between the end of
        // static data and the top of the stack.
        while a < top() && unsafe { read_volatile(a as *const u32) } == PAINT {
            a += 4;
        }
        a
    }

    /// Prints the peak stack use; false when the stack may have reached the
    /// static data.
    pub fn report() -> bool {
        let (peak, available) = (peak(), available());
        cortex_m_semihosting::hprintln!("peak stack: {} bytes of {} available", peak, available);
        if peak + 64 >= available {
            cortex_m_semihosting::hprintln!("FAIL the stack may have overflowed into static data");
            return false;
        }
        true
    }
}

/// Compares results, in the order they are produced, with the host's bit
/// patterns.
pub struct Checker {
    /// The host's bit patterns of the values being checked.
    pub expected: &'static [u64],
    /// Index of the next expected value.
    pub next: usize,
    /// Values that agreed.
    pub passed: u32,
    /// Values that differed (and other failures).
    pub failed: u32,
}

impl Checker {
    /// A checker with nothing to compare yet.
    pub const fn new() -> Self {
        Checker {
            expected: &[],
            next: 0,
            passed: 0,
            failed: 0,
        }
    }

    /// Compares `values` with the next expected bit patterns and prints one
    /// line (plus one per mismatch).
    pub fn check<F: Float>(&mut self, group: &str, what: &str, values: &[F]) {
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

    /// Starts comparing against `expected`.
    pub fn start(&mut self, expected: &'static [u64]) {
        self.expected = expected;
        self.next = 0;
    }

    /// Counts a failure when fewer or more values were checked than the host
    /// computed.
    pub fn finish(&mut self, name: &str) {
        if self.next != self.expected.len() {
            hprintln!(
                "FAIL {}: computed {} values, host {}",
                name,
                self.next,
                self.expected.len()
            );
            self.failed += 1;
        }
    }

    /// Prints `N passed, M failed` and exits 0 only when everything agreed
    /// (and `stack_ok`).
    pub fn exit(mut self, stack_ok: bool) -> ! {
        self.failed += u32::from(!stack_ok);
        hprintln!("{} passed, {} failed", self.passed, self.failed);
        exit_with(if self.failed == 0 && self.passed > 0 {
            0
        } else {
            1
        })
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
