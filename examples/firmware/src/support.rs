//! What the firmware programs share: the painted-stack measurement and the
//! bit-for-bit comparison with the host's results. Included as a module by
//! each `[[bin]]`, next to `platform.rs` (printing, exit status, runtime).

use crate::platform::{exit_with, hprintln};
use nn_core::Float;

pub mod stack {
    //! Measures the peak stack use: paint the free RAM below the current
    //! frame with a pattern, run, then find the lowest word that changed.
    use core::ptr::{addr_of, read_volatile, write_volatile};

    unsafe extern "C" {
        /// End of the static data (cortex-m-rt's link.x, link-riscv32.x): the
        /// stack may grow down to here.
        static __sheap: u32;
        /// Top of the stack (cortex-m-rt's link.x, link-riscv32.x).
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
        crate::platform::hprintln!("peak stack: {} bytes of {} available", peak, available);
        if peak + 64 >= available {
            crate::platform::hprintln!("FAIL the stack may have overflowed into static data");
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
