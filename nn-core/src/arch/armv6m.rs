//! The int8 dot product for Armv6-M (Cortex-M0/M0+/M1), in assembly.
//!
//! Thumb-1 loads sign-extended bytes only with a register offset, and has
//! eight low registers for its arithmetic: compiled from Rust, the two-row
//! loop of `quant::kernel` spills its pointers to the stack (about six
//! instructions per multiply-add at opt-level "s"). Here both sums live in
//! high registers and one negative index walks the three rows up to their
//! ends: nine instructions per input for two multiply-adds. The portable
//! definition is `quant::portable::dot_pair_plain`, which the host tests check
//! and which computes the same integers (every firmware run compares the
//! outputs with the host's).

/// `[Σ x·w0, Σ x·w1]` over the common length, wrapping modulo 2^32.
#[inline]
pub(crate) fn dot_pair(x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    let n = x.len().min(w0.len()).min(w1.len());
    if n == 0 {
        return [0, 0];
    }
    let (s0, s1): (i32, i32);
    let ends = [x, w0, w1].map(|v| v[..n].as_ptr_range().end);
    // SAFETY: the index runs from -n to -1, so every load reads
    // `v[n + index]` of a slice with at least `n` elements (n > 0, and
    // slices never exceed isize::MAX bytes, so `-n` is exact); the loop ends
    // when the index reaches 0. Registers written are declared as outputs
    // (r3 to r5) or clobbered (r8, r10); the flags are not declared
    // preserved; no stack; memory is only read.
    unsafe {
        core::arch::asm!(
            // r0..r2: the rows' ends, r3: the index, r4: x, r5: products,
            // r8 and r10: the sums (Thumb-1 adds to high registers without
            // touching the flags), copied to r4 and r5 at the end.
            "movs r4, #0",
            "mov r8, r4",
            "mov r10, r4",
            "2:",
            "ldrsb r4, [r0, r3]",
            "ldrsb r5, [r1, r3]",
            "muls r5, r4, r5",
            "add r8, r5",
            "ldrsb r5, [r2, r3]",
            "muls r5, r4, r5",
            "add r10, r5",
            "adds r3, #1",
            "bne 2b",
            "mov r4, r8",
            "mov r5, r10",
            in("r0") ends[0],
            in("r1") ends[1],
            in("r2") ends[2],
            inout("r3") (n as isize).wrapping_neg() => _,
            out("r4") s0,
            out("r5") s1,
            out("r8") _,
            out("r10") _,
            options(readonly, nostack),
        );
    }
    [s0, s1]
}
