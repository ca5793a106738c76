//! The DSP-extension instructions of the int8 kernels: inline assembly
//! where `target_feature = "dsp"`, their definitions from the Arm
//! Architecture Reference Manual (ARMv7-M, section A7.7) elsewhere, so that
//! the host tests run the same algorithms bit for bit.

/// Four int8 values as one little-endian word (one `LDR`, which may be
/// unaligned on Armv7E-M).
#[inline(always)]
pub(super) fn word(v: &[i8; 4]) -> u32 {
    u32::from_le_bytes(v.map(|b| b as u8))
}

/// `SXTB16`: bytes 0 and 2 of `v`, sign-extended into two 16-bit lanes.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
pub(super) fn sxtb16(v: u32) -> u32 {
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
pub(super) fn sxtb16_ror8(v: u32) -> u32 {
    let r: u32;
    // SAFETY: as in `sxtb16`.
    unsafe {
        core::arch::asm!("sxtb16 {r}, {v}, ror #8", r = lateout(reg) r, v = in(reg) v,
            options(pure, nomem, nostack, preserves_flags));
    }
    r
}

/// `SMLAD`: `acc + lo(a)·lo(b) + hi(a)·hi(b)` with signed 16-bit lanes,
/// wrapping modulo 2^32 (the instruction only sets the sticky Q flag).
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
pub(super) fn smlad(a: u32, b: u32, acc: i32) -> i32 {
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

/// `QDADD`: `a + 2·b`, the doubling and the sum each saturated to i32.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
pub(super) fn qdadd(a: i32, b: i32) -> i32 {
    let r: i32;
    // SAFETY: as in `smlad` (sets only the sticky Q flag).
    unsafe {
        core::arch::asm!("qdadd {r}, {a}, {b}", r = lateout(reg) r, a = in(reg) a,
            b = in(reg) b, options(pure, nomem, nostack));
    }
    r
}

/// `(h − [h < 0]) / 2^e` rounded half up, for `e` in `0..=31` and
/// `h ≠ i32::MIN`: `h / 2^e` rounded half away from zero
/// (gemmlowp's `RoundingDivideByPOT`), in three instructions. `ADDS`
/// computes `h − [h < 0]` and leaves `[h < 0]` in the carry; `ASRS` by a
/// register shifts and leaves the last bit shifted out in the carry (or,
/// for `e = 0`, the carry unchanged); `ADC` adds it.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline(always)]
pub(super) fn rounding_shift(h: i32, e: u32) -> i32 {
    let r: i32;
    // SAFETY: register-only Thumb-2 instructions; they set the flags, which
    // are not declared preserved; no memory, no stack.
    unsafe {
        core::arch::asm!(
            "adds {r}, {h}, {h}, asr #31",
            "asrs {r}, {r}, {e}",
            "adc {r}, {r}, #0",
            r = out(reg) r, h = in(reg) h, e = in(reg) e,
            options(pure, nomem, nostack),
        );
    }
    r
}

/// Portable `SXTB16` (`R[d]<15:0> = SignExtend(R[m]<7:0>)`,
/// `R[d]<31:16> = SignExtend(R[m]<23:16>)`).
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
pub(super) fn sxtb16(v: u32) -> u32 {
    let lo = v as u8 as i8 as i16 as u16 as u32;
    let hi = (v >> 16) as u8 as i8 as i16 as u16 as u32;
    lo | hi << 16
}

/// Portable `SXTB16 ROR #8`.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
pub(super) fn sxtb16_ror8(v: u32) -> u32 {
    sxtb16(v.rotate_right(8))
}

/// Portable `SMLAD` (the sum wraps modulo 2^32).
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
pub(super) fn smlad(a: u32, b: u32, acc: i32) -> i32 {
    let lo = (a as i16 as i32) * (b as i16 as i32);
    let hi = ((a >> 16) as i16 as i32) * ((b >> 16) as i16 as i32);
    acc.wrapping_add(lo).wrapping_add(hi)
}

/// Portable `QDADD`.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
pub(super) fn qdadd(a: i32, b: i32) -> i32 {
    a.saturating_add(b.saturating_mul(2))
}

/// Portable [`rounding_shift`]: the flags of `ADDS`, `ASRS`, `ADC` spelt
/// out (`e` in `0..=31`).
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
#[inline(always)]
pub(super) fn rounding_shift(h: i32, e: u32) -> i32 {
    let t = h.wrapping_add(h >> 31);
    let carry = if e == 0 {
        (h < 0) as i32 // ADDS's carry, left by a shift of 0
    } else {
        (t >> (e - 1)) & 1
    };
    (t >> e).wrapping_add(carry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::rounding_divide_by_pot;

    #[test]
    fn portable_instructions_follow_their_definitions() {
        assert_eq!(sxtb16(0x80_7f_ff_01), 0x007f_0001);
        assert_eq!(sxtb16_ror8(0x80_7f_ff_01), 0xff80_ffff);
        // 0x7fff·0x7fff + (−0x8000)·(−0x8000) wraps past i32::MAX.
        let got = smlad(0x8000_7fff, 0x8000_7fff, i32::MAX);
        let want = (i32::MAX as i64 + 0x7fff * 0x7fff + 0x8000 * 0x8000) as i32;
        assert_eq!(got, want);
        assert_eq!(qdadd(1, 2), 5);
        assert_eq!(qdadd(0, 1 << 30), i32::MAX); // the doubling saturates
        assert_eq!(qdadd(-1, i32::MIN / 2), i32::MIN); // the sum saturates
        assert_eq!(qdadd(-5, -(1 << 30)), i32::MIN);
    }

    #[test]
    fn rounding_shift_rounds_half_away_from_zero() {
        let mut next = crate::testing::xorshift32(0x2545_f491);
        let random = core::iter::repeat_with(move || {
            let s = next();
            s as i32 >> (s % 32)
        });
        let ties = (0..31).flat_map(|k| {
            let p = 1i32 << k;
            [
                p,
                p - 1,
                p + 1,
                -p,
                -p - 1,
                -p + 1,
                3 * (p >> 1),
                -3 * (p >> 1),
            ]
        });
        let ends = [0, 1, -1, i32::MAX, i32::MAX - 1, i32::MIN + 1, i32::MIN + 2];
        for h in ties.chain(ends).chain(random.take(100_000)) {
            for e in 0..=31 {
                let want = rounding_divide_by_pot(h, e);
                assert_eq!(rounding_shift(h, e as u32), want, "{h} {e}");
            }
        }
    }
}
