//! [`Slot`]: a place in a `static` for one value too large for the stack,
//! handed out once as `&'static mut` (no `static mut`). Included as a module
//! by the programs that load a model file into RAM.

/// Storage for one value in a `static` (so in `.bss` when it is all zeros),
/// handed out once as `&'static mut`: a place for a network too large for
/// the stack, without `static mut`.
pub struct Slot<T> {
    taken: core::sync::atomic::AtomicBool,
    value: core::cell::UnsafeCell<T>,
}

// SAFETY: the value is reachable only through the single `&mut` that `take`
// hands out (to whichever thread or interrupt takes it first), so sharing the
// `Slot` shares no access to `T`; `T: Send` lets that `&mut` go anywhere.
unsafe impl<T: Send> Sync for Slot<T> {}

impl<T> Slot<T> {
    /// A slot holding `value` (use a constant with all bits zero for `.bss`).
    pub const fn new(value: T) -> Self {
        Slot {
            taken: core::sync::atomic::AtomicBool::new(false),
            value: core::cell::UnsafeCell::new(value),
        }
    }

    /// The value, the first time; `None` afterwards.
    #[allow(clippy::mut_from_ref)] // handed out once: see the SAFETY note
    pub fn take(&'static self) -> Option<&'static mut T> {
        use core::sync::atomic::Ordering::Relaxed;
        // The check and the mark happen with interrupts off (the Cortex-M0
        // has no atomic swap), so no two callers both see `false`.
        without_interrupts(|| {
            if self.taken.load(Relaxed) {
                return None;
            }
            self.taken.store(true, Relaxed);
            // SAFETY: `taken` was false and is now true, so this is the only
            // reference to the value that will ever exist; it lives as long as
            // the `static`.
            Some(unsafe { &mut *self.value.get() })
        })
    }
}

/// Runs `f` with interrupts disabled.
#[cfg(target_arch = "arm")]
fn without_interrupts<R>(f: impl FnOnce() -> R) -> R {
    cortex_m::interrupt::free(|_| f())
}

/// Runs `f` with machine interrupts disabled (mstatus.MIE cleared, then
/// restored).
#[cfg(target_arch = "riscv32")]
fn without_interrupts<R>(f: impl FnOnce() -> R) -> R {
    const MIE: usize = 1 << 3;
    let mstatus: usize;
    // SAFETY: reads mstatus and clears MIE, nothing else; no memory access.
    unsafe { core::arch::asm!("csrrci {0}, mstatus, 8", out(reg) mstatus) };
    let r = f();
    if mstatus & MIE != 0 {
        // SAFETY: sets MIE again, as it was before.
        unsafe { core::arch::asm!("csrsi mstatus, 8") };
    }
    r
}
