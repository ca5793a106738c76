//! Two rows' dot products with one input vector: `SXTB16` widens int8
//! lanes to 16 bits, `SMLAD` adds two 16-bit products to a sum. Sums wrap
//! modulo 2^32, exactly like the portable kernels' `wrapping_add`.
//!
//! The input vector is widened once per layer ([`widen`]): each four inputs
//! become two words, the even and the odd inputs as 16-bit lanes, which line
//! up with `SXTB16` and `SXTB16 ROR #8` of four weights. [`dot_pair_wide`]
//! then loads eight inputs with one `LDM` for both rows. Inputs too many for
//! the caller's buffer take [`dot_pair_narrow`], which widens them on the
//! fly for each pair of rows.

use core::mem::MaybeUninit;

use super::insn::{smlad, sxtb16, sxtb16_ror8};

/// Four int8 values as one little-endian word (one `LDR`, which may be
/// unaligned on Armv7E-M).
#[inline(always)]
fn word(v: &[i8; 4]) -> u32 {
    u32::from_le_bytes(v.map(|b| b as u8))
}

/// `x` (a multiple of four inputs, at most `2 · buffer.len()`) widened
/// into the start of `buffer`: per four inputs `[SXTB16(x), SXTB16(x ROR 8)]`,
/// the inputs of even and odd index. Returns the words written.
#[inline]
pub(super) fn widen<'a>(x: &[i8], buffer: &'a mut [MaybeUninit<u32>]) -> &'a [u32] {
    let (words, pairs) = (x.as_chunks::<4>().0, buffer.as_chunks_mut::<2>().0);
    let mut len = 0;
    for (w, p) in words.iter().zip(pairs) {
        let v = word(w);
        p[0].write(sxtb16(v));
        p[1].write(sxtb16_ror8(v));
        len += 2;
    }
    // SAFETY: the loop wrote the first `len` elements of `buffer`, so they
    // are initialized `u32`s (MaybeUninit<u32> has u32's layout).
    unsafe { core::slice::from_raw_parts(buffer.as_ptr().cast(), len) }
}

/// `acc` plus four products of widened inputs `[even, odd]` with weights `w`.
#[inline(always)]
fn step(acc: i32, [even, odd]: [u32; 2], w: &[i8; 4]) -> i32 {
    let w = word(w);
    smlad(odd, sxtb16_ror8(w), smlad(even, sxtb16(w), acc))
}

/// `acc + [Σ x·w0, Σ x·w1]` with `wide` the widening of `x` ([`widen`]),
/// over `2 · wide.len()` inputs (the rows' common length if shorter, in
/// steps of four).
#[inline]
pub(super) fn dot_pair_wide_portable(
    wide: &[u32],
    w0: &[i8],
    w1: &[i8],
    [mut s0, mut s1]: [i32; 2],
) -> [i32; 2] {
    let xs = wide.as_chunks::<2>().0;
    for ((&x, a), b) in xs
        .iter()
        .zip(w0.as_chunks::<4>().0)
        .zip(w1.as_chunks::<4>().0)
    {
        s0 = step(s0, x, a);
        s1 = step(s1, x, b);
    }
    [s0, s1]
}

/// `acc + [Σ x·w0, Σ x·w1]` over the common length in steps of four,
/// widening each input word on the fly.
#[inline]
pub(super) fn dot_pair_narrow_portable(
    x: &[i8],
    w0: &[i8],
    w1: &[i8],
    [mut s0, mut s1]: [i32; 2],
) -> [i32; 2] {
    let xs = x.as_chunks::<4>().0;
    for ((x, a), b) in xs
        .iter()
        .zip(w0.as_chunks::<4>().0)
        .zip(w1.as_chunks::<4>().0)
    {
        let v = word(x);
        let x = [sxtb16(v), sxtb16_ror8(v)];
        s0 = step(s0, x, a);
        s1 = step(s1, x, b);
    }
    [s0, s1]
}

/// [`dot_pair_wide_portable`] on the host.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
pub(super) use dot_pair_wide_portable as dot_pair_wide;

/// [`dot_pair_narrow_portable`] on the host.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
pub(super) use dot_pair_narrow_portable as dot_pair_narrow;

/// [`dot_pair_wide_portable`] in assembly for 16 inputs per iteration
/// (`wide.len()` a multiple of 8 and rows at least `2 · wide.len()` long;
/// otherwise the portable loop): per eight inputs one `LDM` of four
/// widened words, and per row two `LDR`, four `SXTB16` and four `SMLAD`.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline]
pub(super) fn dot_pair_wide(wide: &[u32], w0: &[i8], w1: &[i8], acc: [i32; 2]) -> [i32; 2] {
    let n = 2 * wide.len();
    if n == 0 || n % 16 != 0 || w0.len() < n || w1.len() < n {
        return dot_pair_wide_portable(wide, w0, w1, acc);
    }
    let [mut s0, mut s1] = acc;
    // SAFETY: `wide`'s pointer advances by 16 bytes per half iteration and
    // the loop stops at its end, after n / 16 iterations (n > 0, a multiple
    // of 16), so every LDM reads inside `wide` (word-aligned: a `u32`
    // slice, as LDM requires); the rows' pointers advance by n bytes in
    // all, inside rows of at least n bytes (LDR may be unaligned). Every
    // register written is an operand or declared clobbered; the flags are
    // not declared preserved (SMLAD may set Q); no stack; memory is only
    // read.
    unsafe {
        core::arch::asm!(
            "2:",
            "ldm r0!, {{r4, r5, r8, r9}}",
            "ldr r10, [r2], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r11, r4, r10, r11",
            "smlad r11, r5, lr, r11",
            "ldr r10, [r2], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r11, r8, r10, r11",
            "smlad r11, r9, lr, r11",
            "ldr r10, [r3], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r12, r4, r10, r12",
            "smlad r12, r5, lr, r12",
            "ldr r10, [r3], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r12, r8, r10, r12",
            "smlad r12, r9, lr, r12",
            "ldm r0!, {{r4, r5, r8, r9}}",
            "ldr r10, [r2], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r11, r4, r10, r11",
            "smlad r11, r5, lr, r11",
            "ldr r10, [r2], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r11, r8, r10, r11",
            "smlad r11, r9, lr, r11",
            "ldr r10, [r3], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r12, r4, r10, r12",
            "smlad r12, r5, lr, r12",
            "ldr r10, [r3], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r12, r8, r10, r12",
            "smlad r12, r9, lr, r12",
            "cmp r0, r1",
            "bne 2b",
            inout("r0") wide.as_ptr() => _,
            in("r1") wide.as_ptr_range().end,
            inout("r2") w0.as_ptr() => _,
            inout("r3") w1.as_ptr() => _,
            out("r4") _,
            out("r5") _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            inout("r11") s0,
            inout("r12") s1,
            out("lr") _,
            options(readonly, nostack),
        );
    }
    [s0, s1]
}

/// [`dot_pair_narrow_portable`] in assembly for 8 inputs per iteration
/// (the common length a multiple of 8; otherwise the portable loop): per
/// eight inputs two `LDR` and four `SXTB16` for `x`, and per row two `LDR`,
/// four `SXTB16` and four `SMLAD`.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline]
pub(super) fn dot_pair_narrow(x: &[i8], w0: &[i8], w1: &[i8], acc: [i32; 2]) -> [i32; 2] {
    let n = x.len();
    if n == 0 || n % 8 != 0 || w0.len() < n || w1.len() < n {
        return dot_pair_narrow_portable(x, w0, w1, acc);
    }
    let [mut s0, mut s1] = acc;
    // SAFETY: the three pointers advance by eight bytes per iteration and
    // the loop stops when `x`'s reaches its end, after n / 8 iterations
    // (n > 0, a multiple of 8), so every load lies inside `x` or a row of
    // at least n bytes; only LDR, which may be unaligned on Armv7E-M.
    // Registers, flags, stack and memory as in `dot_pair_wide`.
    unsafe {
        core::arch::asm!(
            "2:",
            "ldr r4, [r0], #4",
            "ldr r5, [r0], #4",
            "sxtb16 r8, r4, ror #8",
            "sxtb16 r4, r4",
            "sxtb16 r9, r5, ror #8",
            "sxtb16 r5, r5",
            "ldr r10, [r2], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r11, r4, r10, r11",
            "smlad r11, r8, lr, r11",
            "ldr r10, [r2], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r11, r5, r10, r11",
            "smlad r11, r9, lr, r11",
            "ldr r10, [r3], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r12, r4, r10, r12",
            "smlad r12, r8, lr, r12",
            "ldr r10, [r3], #4",
            "sxtb16 lr, r10, ror #8",
            "sxtb16 r10, r10",
            "smlad r12, r5, r10, r12",
            "smlad r12, r9, lr, r12",
            "cmp r0, r1",
            "bne 2b",
            inout("r0") x.as_ptr() => _,
            in("r1") x.as_ptr_range().end,
            inout("r2") w0.as_ptr() => _,
            inout("r3") w1.as_ptr() => _,
            out("r4") _,
            out("r5") _,
            out("r8") _,
            out("r9") _,
            out("r10") _,
            inout("r11") s0,
            inout("r12") s1,
            out("lr") _,
            options(readonly, nostack),
        );
    }
    [s0, s1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(x: &[i8], w: &[i8]) -> i32 {
        x.iter()
            .zip(w)
            .map(|(&a, &b)| a as i64 * b as i64)
            .sum::<i64>() as i32
    }

    #[test]
    fn both_loops_equal_the_exact_sums() {
        let mut s = 0x9e37_79b9_u32;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s as i8
        };
        let v: [[i8; 96]; 3] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        let extremes = [[i8::MIN; 96], [i8::MIN; 96], [i8::MAX; 96]];
        for [x, a, b] in [v, extremes] {
            let init = [7, i32::MAX - 3]; // the sums wrap
            for len in [0, 4, 8, 16, 32, 64, 96] {
                let (x, a, b) = (&x[..len], &a[..len], &b[..len]);
                let want = [
                    exact(x, a).wrapping_add(init[0]),
                    exact(x, b).wrapping_add(init[1]),
                ];
                let mut buffer = [MaybeUninit::uninit(); 48];
                let wide = widen(x, &mut buffer);
                assert_eq!(wide.len(), len / 2);
                assert_eq!(dot_pair_wide(wide, a, b, init), want, "{len}");
                assert_eq!(dot_pair_narrow(x, a, b, init), want, "{len}");
            }
        }
    }
}
