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
    pub fn take(&'static self) -> Option<&'static mut T> {
        use core::sync::atomic::Ordering::Relaxed;
        // The check and the mark happen with interrupts off (the Cortex-M0
        // has no atomic swap), so no two callers both see `false`.
        crate::platform::without_interrupts(|| {
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
