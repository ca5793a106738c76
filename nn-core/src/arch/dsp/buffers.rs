//! The layer's two buffers on the stack, filled from uninitialized memory
//! (no zeroing per call) and handed out as the part written: the input
//! vector widened to 16-bit lanes, and a block of sums.

use core::mem::MaybeUninit;

use super::insn::{sxtb16, sxtb16_ror8, word};

/// `x` widened into the start of `buffer`: per four inputs
/// `[SXTB16(x), SXTB16(x ROR 8)]`, the inputs of even and odd index, for
/// the first multiple of eight inputs that fits (two words per four).
/// Returns the words written.
#[cfg_attr(all(target_arch = "arm", target_feature = "dsp"), allow(dead_code))]
#[inline]
pub(super) fn widen_portable<'a>(x: &[i8], buffer: &'a mut [MaybeUninit<u32>]) -> &'a [u32] {
    let eights = x.as_chunks::<4>().0.as_chunks::<2>().0;
    let mut len = 0;
    for ([a, b], out) in eights.iter().zip(buffer.as_chunks_mut::<4>().0) {
        let (a, b) = (word(a), word(b));
        *out = [sxtb16(a), sxtb16_ror8(a), sxtb16(b), sxtb16_ror8(b)].map(MaybeUninit::new);
        len += 4;
    }
    // SAFETY: the loop wrote the first `len` elements of `buffer`, so they
    // are initialized `u32`s (MaybeUninit<u32> has u32's layout).
    unsafe { core::slice::from_raw_parts(buffer.as_ptr().cast(), len) }
}

/// [`widen_portable`] on the host.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
pub(super) use widen_portable as widen;

/// [`widen_portable`] in assembly: per eight inputs two `LDR`, four
/// `SXTB16` and one `STM`.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline]
pub(super) fn widen<'a>(x: &[i8], buffer: &'a mut [MaybeUninit<u32>]) -> &'a [u32] {
    let words = (x.len() / 8).min(buffer.len() / 4) * 4;
    if words == 0 {
        return &[];
    }
    let out = buffer.as_mut_ptr();
    // SAFETY: the loop reads `x` from its start up to `2 · words` bytes
    // (at most its length) with LDR, which may be unaligned on Armv7E-M,
    // and writes `words` words (at most `buffer`'s length) from `buffer`'s
    // start with STM, word-aligned as STM requires (a slice of
    // MaybeUninit<u32>, which nothing else borrows); 8 bytes and 4 words
    // per iteration, `words` a positive multiple of 4. Registers written
    // are operands declared clobbered; flags not declared preserved; no
    // stack.
    unsafe {
        core::arch::asm!(
            "2:",
            "ldr r4, [r0], #4",
            "ldr r8, [r0], #4",
            "sxtb16 r5, r4, ror #8",
            "sxtb16 r4, r4",
            "sxtb16 r9, r8, ror #8",
            "sxtb16 r8, r8",
            "stm r1!, {{r4, r5, r8, r9}}",
            "cmp r0, r2",
            "bne 2b",
            inout("r0") x.as_ptr() => _,
            inout("r1") out => _,
            in("r2") x.as_ptr().wrapping_add(2 * words),
            out("r4") _,
            out("r5") _,
            out("r8") _,
            out("r9") _,
            options(nostack),
        );
    }
    // SAFETY: the loop wrote the first `words` elements of `buffer`, so
    // they are initialized `u32`s (MaybeUninit<u32> has u32's layout).
    unsafe { core::slice::from_raw_parts(out.cast(), words) }
}

/// `src` copied into the start of `dst` (as many as fit); returns the
/// elements written.
#[inline]
pub(super) fn copy<'a>(src: &[i32], dst: &'a mut [MaybeUninit<i32>]) -> &'a mut [i32] {
    let len = src.len().min(dst.len());
    for (d, &s) in dst.iter_mut().zip(src) {
        d.write(s);
    }
    // SAFETY: the loop wrote the first `len` elements of `dst`, so they are
    // initialized `i32`s (MaybeUninit<i32> has i32's layout).
    unsafe { core::slice::from_raw_parts_mut(dst.as_mut_ptr().cast(), len) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widen_splits_even_and_odd_inputs_into_16_bit_lanes() {
        let x: [i8; 20] = core::array::from_fn(|i| (i as i8 - 10) * 12);
        let mut buffer = [MaybeUninit::uninit(); 12];
        let wide = widen(&x, &mut buffer);
        assert_eq!(wide.len(), 8); // 16 of the 20 inputs
        let lane = |w: u32, k: u32| (w >> (16 * k)) as u16 as i16 as i8;
        for (i, &x) in x[..16].iter().enumerate() {
            let (four, pos) = (i / 4, i % 4);
            let w = wide[2 * four + pos % 2];
            assert_eq!(lane(w, pos as u32 / 2), x, "{i}");
        }
        let mut small = [MaybeUninit::uninit(); 5];
        assert_eq!(widen(&x, &mut small).len(), 4); // what fits: 8 inputs
    }

    #[test]
    fn copy_writes_what_fits() {
        let mut dst = [MaybeUninit::uninit(); 3];
        assert_eq!(copy(&[1, 2], &mut dst), [1, 2]);
        assert_eq!(copy(&[4, 5, 6, 7], &mut dst), [4, 5, 6]);
    }
}
