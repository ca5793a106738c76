//! The `f32` dense forward pass with the Arm floating-point unit, in
//! assembly, for hard-float targets (`target_abi = "eabihf"`, such as
//! `thumbv7em-none-eabihf`: Cortex-M4F, M7, M33). The hard-float ABI passes
//! floats in the unit's registers, so these targets have one (VFPv2 or
//! later, FPv4-SP, FPv5), and every one of them has the instructions used
//! here, in Thumb and Arm state alike.
//!
//! Compiled from Rust, the canonical dot product (`kernels::dense`'s
//! module docs) loads each weight and each input with its own `vldr`: about
//! 3.4 instructions per multiply-add. Here one `vldmia` loads eight inputs,
//! one more the row's next eight weights, and eight `vmla.f32` add their
//! products into the eight lane sums: 1.5 instructions per multiply-add.
//!
//! `vmla.f32` is **not** a fused multiply-add: the Arm Architecture
//! Reference Manuals (Armv7-M, DDI 0403, "VMLA, VMLS"; Armv7-A/R, DDI 0406)
//! define it as `S[d] = FPAdd(S[d], FPMul(S[n], S[m], TRUE), TRUE)`, the
//! product rounded before the add, the very operations of the portable
//! `acc[k] += w[k] * x[k]` (LLVM emits `vmla.f32` for that Rust code on its
//! own at the default `-C target-cpu`; the fused instruction is `vfma`, never
//! used). The lanes start at `+0` (loaded, so that `+0 + -0 = +0` as in the
//! portable kernel), the reduction tree and the bias come in the portable
//! order, so every output has the portable kernel's bits.
//!
//! Rows whose length is not a positive multiple of eight are left to the
//! portable kernel. No host test can run this code: the firmware programs
//! are its tests (`examples/firmware`, on the Cortex-M4F under QEMU: the
//! `nn-firmware` program's `dense lanes` checks with signed zeros,
//! subnormals, infinities and NaN, the Digits logits and the Digits
//! training), each output compared bit for bit with the host's.

use core::mem::MaybeUninit;

use crate::kernels::dense::dims::Dims;
use crate::kernels::dense::portable::LANES;

/// The lanes' starting value, `+0` eight times, loaded with one `vldmia`.
static ZEROS: [f32; LANES] = [0.0; LANES];

/// `y = W x + b` for each row of a batch (`x` `[rows][n_in]`, `y`
/// `[rows][n_out]`); `false` (nothing done) unless the lengths are those of
/// one shape with `n_out > 0` and `n_in` a positive multiple of eight.
#[inline]
pub(crate) fn forward_batch(w: &[f32], b: &[f32], x: &[f32], y: &mut [f32]) -> bool {
    let Some(d) = Dims::of_batch(w.len(), b.len(), x.len(), y.len()) else {
        return false;
    };
    if d.n_out == 0 || d.n_in == 0 || !d.n_in.is_multiple_of(LANES) {
        return false;
    }
    for (xr, yr) in x.chunks_exact(d.n_in).zip(y.chunks_exact_mut(d.n_out)) {
        // SAFETY: `MaybeUninit<f32>` has the layout of `f32`, and
        // `forward_into` stores only initialized `f32` values, so `yr` stays
        // initialized.
        let yr = unsafe { &mut *(core::ptr::from_mut(yr) as *mut [MaybeUninit<f32>]) };
        forward_into(w, b, xr, yr);
    }
    true
}

/// The typed layer's forward pass, each output written once (no zero-fill);
/// `None` unless `IN` is a positive multiple of eight and `OUT > 0`.
#[inline]
pub(crate) fn forward_array<const IN: usize, const OUT: usize>(
    w: &[[f32; IN]; OUT],
    b: &[f32; OUT],
    x: &[f32; IN],
) -> Option<[f32; OUT]> {
    let mut y = [MaybeUninit::<f32>::uninit(); OUT];
    if !forward_into(w.as_flattened(), b, x, &mut y) {
        return None;
    }
    // SAFETY: `forward_into` returned `true`, so it stored all `OUT` values;
    // `[MaybeUninit<f32>; OUT]` has the layout of `[f32; OUT]`.
    Some(unsafe { y.as_ptr().cast::<[f32; OUT]>().read() })
}

/// `y[o] = dot(w[o], x) + b[o]` for one sample, every `y[o]` stored;
/// `false` (nothing stored) unless `x.len()` is a positive multiple of
/// eight, `b.len() > 0`, `y.len() = b.len()` and `w.len() = b.len()·x.len()`.
#[inline]
fn forward_into(w: &[f32], b: &[f32], x: &[f32], y: &mut [MaybeUninit<f32>]) -> bool {
    let (n_in, n_out) = (x.len(), b.len());
    if n_in == 0
        || !n_in.is_multiple_of(LANES)
        || n_out == 0
        || y.len() != n_out
        || n_out.checked_mul(n_in) != Some(w.len())
    {
        return false;
    }
    // SAFETY: per row, the inner loop reads `x` eight values at a time from
    // its start until its end (n_in > 0 and a multiple of eight, so the
    // pointer meets the end exactly) and the next n_in values of `w`; after
    // n_out rows (the outer loop stops when the output pointer meets the end
    // of `y`, n_out > 0) it has read exactly `w`'s n_out·n_in values, the
    // n_out values of `b` and stored the n_out values of `y`. No other
    // memory is accessed but the eight values of `ZEROS`. Loads and stores
    // of `f32` are aligned (slices of `f32`). Every register written is an
    // operand or declared clobbered (the callee-saved s16-s23 are saved by
    // the compiler around the block); the flags are not declared preserved
    // (`cmp`); no stack. The FP instructions exist on every hard-float
    // target (this module's cfg). Row by row, register by register:
    // s0-s7 the lane sums, s8-s15 eight weights, s16-s23 eight inputs.
    unsafe {
        core::arch::asm!(
            "2:",
            "vldmia {zeros}, {{s0-s7}}",
            "mov {xp}, {x}",
            "3:",
            "vldmia {xp}!, {{s16-s23}}",
            "vldmia {w}!, {{s8-s15}}",
            "vmla.f32 s0, s8, s16",
            "vmla.f32 s1, s9, s17",
            "vmla.f32 s2, s10, s18",
            "vmla.f32 s3, s11, s19",
            "vmla.f32 s4, s12, s20",
            "vmla.f32 s5, s13, s21",
            "vmla.f32 s6, s14, s22",
            "vmla.f32 s7, s15, s23",
            "cmp {xp}, {x_end}",
            "bne 3b",
            // ((a0+a4) + (a1+a5)) + ((a2+a6) + (a3+a7)), then the bias.
            "vadd.f32 s0, s0, s4",
            "vadd.f32 s1, s1, s5",
            "vadd.f32 s2, s2, s6",
            "vadd.f32 s3, s3, s7",
            "vadd.f32 s0, s0, s1",
            "vadd.f32 s2, s2, s3",
            "vadd.f32 s0, s0, s2",
            "vldmia {b}!, {{s1}}",
            "vadd.f32 s0, s0, s1",
            "vstmia {y}!, {{s0}}",
            "cmp {y}, {y_end}",
            "bne 2b",
            zeros = in(reg) ZEROS.as_ptr(),
            x = in(reg) x.as_ptr(),
            x_end = in(reg) x.as_ptr_range().end,
            xp = out(reg) _,
            w = inout(reg) w.as_ptr() => _,
            b = inout(reg) b.as_ptr() => _,
            y = inout(reg) y.as_mut_ptr() => _,
            y_end = in(reg) y.as_mut_ptr_range().end,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            out("s8") _, out("s9") _, out("s10") _, out("s11") _,
            out("s12") _, out("s13") _, out("s14") _, out("s15") _,
            out("s16") _, out("s17") _, out("s18") _, out("s19") _,
            out("s20") _, out("s21") _, out("s22") _, out("s23") _,
            options(nostack),
        );
    }
    true
}
