//! The int8 dot products with the Arm DSP extension (Armv7E-M: Cortex-M4,
//! M7, M33 with DSP): `SXTB16` widens two int8 lanes to 16 bits, `SMLAD`
//! adds two 16-bit products to a 32-bit sum in one instruction.
//!
//! The same algorithm runs on every target: with the instructions (inline
//! assembly) where `target_feature = "dsp"`, with their portable
//! definitions elsewhere, so that the host tests check the algorithm bit for
//! bit against the plain dot product. `SMLAD`'s sum wraps modulo 2^32 (it
//! only sets the sticky Q flag), exactly like the portable kernels'
//! `wrapping_add`, so the result is the same integer.

/// `SXTB16`: bytes 0 and 2 of `v`, sign-extended into two 16-bit lanes.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
fn sxtb16(v: u32) -> u32 {
    let r: u32;
    // SAFETY: a register-to-register instruction of the DSP extension,
    // which this build's target has (`target_feature = "dsp"`); no memory,
    // no stack, no flags.
    unsafe {
        core::arch::asm!("sxtb16 {r}, {v}", r = lateout(reg) r, v = in(reg) v,
            options(pure, nomem, nostack, preserves_flags));
    }
    r
}

/// `SXTB16 ROR #8`: bytes 1 and 3 of `v`, sign-extended into two lanes.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
fn sxtb16_ror8(v: u32) -> u32 {
    let r: u32;
    // SAFETY: as in `sxtb16`.
    unsafe {
        core::arch::asm!("sxtb16 {r}, {v}, ror #8", r = lateout(reg) r, v = in(reg) v,
            options(pure, nomem, nostack, preserves_flags));
    }
    r
}

/// `SMLAD`: `acc + lo(a)·lo(b) + hi(a)·hi(b)` with signed 16-bit lanes,
/// wrapping modulo 2^32.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
fn smlad(a: u32, b: u32, acc: i32) -> i32 {
    let r: i32;
    // SAFETY: a register-only instruction of the DSP extension (present:
    // `target_feature = "dsp"`); it may set the Q flag, so the flags are not
    // declared preserved; no memory, no stack.
    unsafe {
        core::arch::asm!("smlad {r}, {a}, {b}, {acc}", r = lateout(reg) r, a = in(reg) a,
            b = in(reg) b, acc = in(reg) acc, options(pure, nomem, nostack));
    }
    r
}

/// Portable `SXTB16` (Arm ARM: `R[d]<15:0> = SignExtend(rotated<7:0>)`,
/// `R[d]<31:16> = SignExtend(rotated<23:16>)`).
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
fn sxtb16(v: u32) -> u32 {
    let lo = v as u8 as i8 as i16 as u16 as u32;
    let hi = (v >> 16) as u8 as i8 as i16 as u16 as u32;
    lo | hi << 16
}

/// Portable `SXTB16 ROR #8`.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
fn sxtb16_ror8(v: u32) -> u32 {
    sxtb16(v.rotate_right(8))
}

/// Portable `SMLAD` (the sum wraps modulo 2^32).
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
fn smlad(a: u32, b: u32, acc: i32) -> i32 {
    let lo = (a as i16 as i32) * (b as i16 as i32);
    let hi = ((a >> 16) as i16 as i32) * ((b >> 16) as i16 as i32);
    acc.wrapping_add(lo).wrapping_add(hi)
}

/// Four int8 values as one little-endian word (one `LDR` on Armv7E-M,
/// which loads unaligned words).
#[inline(always)]
fn word(v: &[i8; 4]) -> u32 {
    u32::from_le_bytes([v[0] as u8, v[1] as u8, v[2] as u8, v[3] as u8])
}

/// `[Σ x·w0, Σ x·w1]` over the common length, wrapping modulo 2^32: the
/// first multiple of eight inputs in assembly on the DSP extension
/// ([`dot_pair_by16`]), the rest four at a time with two `SMLAD` per row,
/// then one at a time.
#[inline]
pub(crate) fn dot_pair(x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    let n = x.len().min(w0.len()).min(w1.len());
    let n16 = n & !15;
    let sums = dot_pair_by16(&x[..n16], &w0[..n16], &w1[..n16]);
    if n16 == n {
        return sums;
    }
    dot_pair_from(sums, &x[n16..n], &w0[n16..n], &w1[n16..n])
}

/// `sums` plus the two dot products, four inputs per step (each widened
/// once for both rows, two `SMLAD` per row), then one at a time.
#[inline]
fn dot_pair_from([mut s0, mut s1]: [i32; 2], x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    let (x4, x_rest) = x.as_chunks::<4>();
    let (a4, a_rest) = w0.as_chunks::<4>();
    let (b4, b_rest) = w1.as_chunks::<4>();
    for ((x, a), b) in x4.iter().zip(a4).zip(b4) {
        let x = word(x);
        let (x_even, x_odd) = (sxtb16(x), sxtb16_ror8(x));
        let (a, b) = (word(a), word(b));
        s0 = smlad(x_odd, sxtb16_ror8(a), smlad(x_even, sxtb16(a), s0));
        s1 = smlad(x_odd, sxtb16_ror8(b), smlad(x_even, sxtb16(b), s1));
    }
    for ((&x, &a), &b) in x_rest.iter().zip(a_rest).zip(b_rest) {
        s0 = s0.wrapping_add(x as i32 * a as i32);
        s1 = s1.wrapping_add(x as i32 * b as i32);
    }
    [s0, s1]
}

/// The two dot products of slices whose common length is a multiple of 16
/// (the caller's `n16`): on the host, [`dot_pair_from`].
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline]
fn dot_pair_by16(x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    dot_pair_from([0, 0], x, w0, w1)
}

/// The two dot products of slices of one length that is a multiple of 16,
/// in assembly, the loop body twice: per eight inputs one `LDM` of `x`, four
/// `SXTB16`, and per row two `LDR`, four `SXTB16` and four `SMLAD` (the
/// same operations as [`dot_pair_from`], in registers).
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline]
fn dot_pair_by16(x: &[i8], w0: &[i8], w1: &[i8]) -> [i32; 2] {
    let n = x.len();
    if n == 0 || n % 16 != 0 || w0.len() != n || w1.len() != n {
        return dot_pair_from([0, 0], x, w0, w1);
    }
    let (mut s0, mut s1) = (0i32, 0i32);
    // SAFETY: the three pointers advance by sixteen bytes per iteration and
    // the loop stops when `x`'s reaches its end, after n / 16 iterations
    // (n > 0, a multiple of 16), so every load lies inside a slice of n
    // bytes; word loads may be unaligned (Armv7E-M allows it for LDR/LDM).
    // Every register written is an operand (or declared clobbered); the
    // flags are not declared preserved (SMLAD may set Q); no stack; memory
    // is only read.
    unsafe {
        core::arch::asm!(
            "2:",
            "ldm r0!, {{r4, r5}}",
            "sxtb16 r8, r4, ror #8",
            "sxtb16 r4, r4",
            "sxtb16 r10, r5, ror #8",
            "sxtb16 r5, r5",
            "ldr lr, [r2], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r11, r4, lr, r11",
            "smlad r11, r8, r9, r11",
            "ldr lr, [r2], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r11, r5, lr, r11",
            "smlad r11, r10, r9, r11",
            "ldr lr, [r3], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r12, r4, lr, r12",
            "smlad r12, r8, r9, r12",
            "ldr lr, [r3], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r12, r5, lr, r12",
            "smlad r12, r10, r9, r12",
            "ldm r0!, {{r4, r5}}",
            "sxtb16 r8, r4, ror #8",
            "sxtb16 r4, r4",
            "sxtb16 r10, r5, ror #8",
            "sxtb16 r5, r5",
            "ldr lr, [r2], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r11, r4, lr, r11",
            "smlad r11, r8, r9, r11",
            "ldr lr, [r2], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r11, r5, lr, r11",
            "smlad r11, r10, r9, r11",
            "ldr lr, [r3], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r12, r4, lr, r12",
            "smlad r12, r8, r9, r12",
            "ldr lr, [r3], #4",
            "sxtb16 r9, lr, ror #8",
            "sxtb16 lr, lr",
            "smlad r12, r5, lr, r12",
            "smlad r12, r10, r9, r12",
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

    #[test]
    fn portable_instructions_follow_their_definitions() {
        assert_eq!(sxtb16(0x80_7f_ff_01), 0x007f_0001);
        assert_eq!(sxtb16_ror8(0x80_7f_ff_01), 0xff80_ffff);
        // 0x7fff·0x7fff + (−0x8000)·(−0x8000) wraps past i32::MAX.
        let got = smlad(0x8000_7fff, 0x8000_7fff, i32::MAX);
        let want = (i32::MAX as i64 + 0x7fff * 0x7fff + 0x8000 * 0x8000) as i32;
        assert_eq!(got, want);
    }

    #[test]
    fn dot_pair_equals_the_exact_sums() {
        let mut s = 0x9e37_79b9_u32;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s as i8
        };
        let v: [[i8; 67]; 3] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        let exact = |x: &[i8], w: &[i8]| -> i32 {
            x.iter()
                .zip(w)
                .map(|(&a, &b)| a as i64 * b as i64)
                .sum::<i64>() as i32
        };
        for len in [0, 1, 3, 4, 5, 8, 64, 67] {
            let (x, a, b) = (&v[0][..len], &v[1][..len], &v[2][..len]);
            assert_eq!(dot_pair(x, a, b), [exact(x, a), exact(x, b)], "{len}");
        }
        let (lo, hi) = ([i8::MIN; 64], [i8::MAX; 64]);
        assert_eq!(dot_pair(&lo, &lo, &hi), [exact(&lo, &lo), exact(&lo, &hi)]);
    }
}
