//! The `f32` dense forward pass with the Arm floating-point unit, in
//! assembly, for hard-float targets (`target_abi = "eabihf"`, such as
//! `thumbv7em-none-eabihf`: Cortex-M4F, M7, M33). The hard-float ABI passes
//! floats in the unit's registers, so these targets have one (VFPv2 or
//! later, FPv4-SP, FPv5), and every one of them has the instructions used
//! here, in Thumb and Arm state alike.
//!
//! Compiled from Rust, the canonical dot product (`kernels::dense`'s
//! module docs) loads each weight and each input with its own `vldr`: about
//! 3.4 instructions per multiply-add. Here rows go two at a time: one
//! `vldmia` loads eight inputs, one per row that row's next eight weights,
//! and sixteen `vmla.f32` add the products into the two rows' eight lane
//! sums (21 instructions with the loop, 1.3 per multiply-add). An odd last
//! row runs the portable dot product.
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
use crate::kernels::dense::portable::{self, LANES};

/// The lanes' starting value, `+0`, for two rows' eight lanes, loaded
/// with one `vldmia`.
static ZEROS: [f32; 2 * LANES] = [0.0; 2 * LANES];

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
/// Rows two at a time, sharing each load of `x`; an odd last row by the
/// portable dot product.
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
    let paired = n_out & !1;
    let (w2, w1) = w.split_at(paired * n_in);
    let (b2, b1) = b.split_at(paired);
    let (y2, y1) = y.split_at_mut(paired);
    if paired > 0 {
        // SAFETY: the shape was checked above: `b2` holds `paired` values,
        // a positive even number, `y2` as many, `w2` paired·n_in.
        unsafe { rows_by_two(w2, b2, x, y2) };
    }
    // An odd last row: the portable dot product (the same bits).
    if let (Some(y_last), Some(&b_last)) = (y1.first_mut(), b1.first()) {
        y_last.write(portable::dot(w1, x) + b_last);
    }
    true
}

/// `y[o] = dot(w[o], x) + b[o]` for every row, two rows at a time: per
/// eight inputs one `vldmia` of `x` shared by both rows, one of each row's
/// weights and sixteen `vmla.f32`.
///
/// # Safety
/// `x.len()` is a positive multiple of eight, `b.len()` is even and
/// positive, `y.len() = b.len()` and `w.len() = b.len()·x.len()`.
#[inline]
unsafe fn rows_by_two(w: &[f32], b: &[f32], x: &[f32], y: &mut [MaybeUninit<f32>]) {
    let n_in = x.len();
    // SAFETY: per pair of rows, the inner loop reads `x` eight values at a
    // time from its start until its end (its length a positive multiple of
    // eight, so the pointer meets the end exactly); `wa` walks the pair's
    // first row and `wb` its second (starting n_in values further, inside
    // `w`, which holds at least two rows). After the inner loop `wa` is at
    // the second row and `wb` at the next pair's first, so one stride (n_in
    // values, in bytes) more puts each on the next pair's rows (past the
    // end of `w` after the last pair, never loaded). The outer loop stores
    // two outputs per iteration and stops when the output pointer meets the
    // end of `y` (even length, not empty): it has read exactly the values of
    // `w` and `b` and stored every value of `y` (the caller's contract). No
    // other memory is accessed but `ZEROS`. `f32` loads and stores are
    // aligned (slices of `f32`). Every register written is an operand or
    // declared clobbered (the compiler saves the callee-saved s16-s31); the
    // flags are not declared preserved (`cmp`); no stack. The FP
    // instructions exist on every hard-float target (this module's cfg).
    // s0-s7 and s8-s15: the two rows' lane sums, s16-s23: eight inputs,
    // s24-s31: eight weights of one row, then of the other.
    unsafe {
        core::arch::asm!(
            "2:",
            "vldmia {zeros}, {{s0-s15}}",
            "mov {xp}, {x}",
            "3:",
            "vldmia {xp}!, {{s16-s23}}",
            "vldmia {wa}!, {{s24-s31}}",
            "vmla.f32 s0, s24, s16",
            "vmla.f32 s1, s25, s17",
            "vmla.f32 s2, s26, s18",
            "vmla.f32 s3, s27, s19",
            "vmla.f32 s4, s28, s20",
            "vmla.f32 s5, s29, s21",
            "vmla.f32 s6, s30, s22",
            "vmla.f32 s7, s31, s23",
            "vldmia {wb}!, {{s24-s31}}",
            "vmla.f32 s8, s24, s16",
            "vmla.f32 s9, s25, s17",
            "vmla.f32 s10, s26, s18",
            "vmla.f32 s11, s27, s19",
            "vmla.f32 s12, s28, s20",
            "vmla.f32 s13, s29, s21",
            "vmla.f32 s14, s30, s22",
            "vmla.f32 s15, s31, s23",
            "cmp {xp}, {x_end}",
            "bne 3b",
            // Each row: ((a0+a4) + (a1+a5)) + ((a2+a6) + (a3+a7)), then its
            // bias; the two outputs go to s0 and s1, stored together.
            "vadd.f32 s0, s0, s4",
            "vadd.f32 s1, s1, s5",
            "vadd.f32 s2, s2, s6",
            "vadd.f32 s3, s3, s7",
            "vadd.f32 s0, s0, s1",
            "vadd.f32 s2, s2, s3",
            "vadd.f32 s0, s0, s2",
            "vadd.f32 s8, s8, s12",
            "vadd.f32 s9, s9, s13",
            "vadd.f32 s10, s10, s14",
            "vadd.f32 s11, s11, s15",
            "vadd.f32 s8, s8, s9",
            "vadd.f32 s10, s10, s11",
            "vadd.f32 s8, s8, s10",
            "vldmia {b}!, {{s16-s17}}",
            "vadd.f32 s0, s0, s16",
            "vadd.f32 s1, s8, s17",
            "vstmia {y}!, {{s0-s1}}",
            "add {wa}, {wa}, {stride}",
            "add {wb}, {wb}, {stride}",
            "cmp {y}, {y_end}",
            "bne 2b",
            zeros = in(reg) ZEROS.as_ptr(),
            x = in(reg) x.as_ptr(),
            x_end = in(reg) x.as_ptr_range().end,
            xp = out(reg) _,
            wa = inout(reg) w.as_ptr() => _,
            wb = inout(reg) w[n_in..].as_ptr() => _,
            stride = in(reg) core::mem::size_of_val(x),
            b = inout(reg) b.as_ptr() => _,
            y = inout(reg) y.as_mut_ptr() => _,
            y_end = in(reg) y.as_mut_ptr_range().end,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            out("s8") _, out("s9") _, out("s10") _, out("s11") _,
            out("s12") _, out("s13") _, out("s14") _, out("s15") _,
            out("s16") _, out("s17") _, out("s18") _, out("s19") _,
            out("s20") _, out("s21") _, out("s22") _, out("s23") _,
            out("s24") _, out("s25") _, out("s26") _, out("s27") _,
            out("s28") _, out("s29") _, out("s30") _, out("s31") _,
            options(nostack),
        );
    }
}
