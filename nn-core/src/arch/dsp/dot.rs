//! Dot products of rows with one input vector widened by
//! [`widen`](super::buffers::widen): `SXTB16` widens four weights to two
//! words of 16-bit lanes, `SMLAD` adds two 16-bit products to a sum. Sums
//! wrap modulo 2^32, exactly like the portable kernels' `wrapping_add`.
//! [`accumulate`] runs two rows per pass over the widened inputs, eight
//! inputs per `LDM`.

use core::mem::MaybeUninit;

use super::insn::{smlad, sxtb16, sxtb16_ror8, word};

/// `acc` plus four products of widened inputs `[even, odd]` with weights `w`.
#[inline(always)]
fn step(acc: i32, [even, odd]: [u32; 2], w: &[i8; 4]) -> i32 {
    let w = word(w);
    smlad(odd, sxtb16_ror8(w), smlad(even, sxtb16(w), acc))
}

/// `acc + Σ x·w` with `wide` the widening of `x`, over
/// `2 · wide.len()` inputs (fewer if `w` is shorter, in steps of four).
#[inline]
fn dot_wide(wide: &[u32], w: &[i8], acc: i32) -> i32 {
    let xs = wide.as_chunks::<2>().0;
    xs.iter()
        .zip(w.as_chunks::<4>().0)
        .fold(acc, |s, (&x, w)| step(s, x, w))
}

/// Whether `rows` holds `count` rows of `stride` bytes from its start, each
/// read over `len` bytes: `(count − 1) · stride + len` bytes (no overflow).
fn holds(rows: &[i8], count: usize, stride: usize, len: usize) -> bool {
    let Some(before_last) = count.checked_sub(1) else {
        return true;
    };
    let need = before_last
        .checked_mul(stride)
        .and_then(|s| s.checked_add(len));
    need.is_some_and(|need| need <= rows.len())
}

/// `dst[r] = src[r] + Σ_i x[i] · rows[r · stride + i]` (wrapping) for
/// every `r` below `dst.len()`, with `wide` the widening of `x`
/// (`2 · wide.len()` inputs); returns `dst`, now initialized.
/// `None`, `dst` untouched, unless `src` is as long as `dst` and `rows`
/// holds the rows over `2 · wide.len()` bytes each.
#[inline]
pub(super) fn accumulate<'a>(
    wide: &[u32],
    rows: &[i8],
    stride: usize,
    src: &[i32],
    dst: &'a mut [MaybeUninit<i32>],
) -> Option<&'a mut [i32]> {
    let count = dst.len();
    if src.len() != count || !holds(rows, count, stride, 2 * wide.len()) {
        return None;
    }
    let dst = dst.as_mut_ptr().cast::<i32>();
    // SAFETY: `rows` holds the rows (checked); `src` has `count` elements
    // to read and `dst` as many to write, and they do not overlap (`dst` is
    // borrowed mutably).
    unsafe { accumulate_raw(wide, rows, stride, src.as_ptr(), dst, count) };
    // SAFETY: `accumulate_raw` wrote all `count` elements of `dst`, so they
    // are initialized `i32`s (MaybeUninit<i32> has i32's layout), borrowed
    // mutably for 'a.
    Some(unsafe { core::slice::from_raw_parts_mut(dst, count) })
}

/// [`accumulate`] in place: `sums[r] += Σ_i x[i] · rows[r · stride + i]`;
/// `None`, `sums` untouched, unless `rows` holds the rows.
#[inline]
pub(super) fn accumulate_in_place(
    wide: &[u32],
    rows: &[i8],
    stride: usize,
    sums: &mut [i32],
) -> Option<()> {
    let count = sums.len();
    if !holds(rows, count, stride, 2 * wide.len()) {
        return None;
    }
    let sums = sums.as_mut_ptr();
    // SAFETY: `rows` holds the rows (checked); `sums` has `count` elements
    // to read and write, source and destination the same.
    unsafe { accumulate_raw(wide, rows, stride, sums, sums, count) };
    Some(())
}

/// `dst[r] = src[r] + Σ_i x[i] · rows[r · stride + i]` for `r` below
/// `count`: pairs of rows, then an odd last row.
///
/// # Safety
///
/// `rows` holds `count` rows of `stride` bytes, each read over
/// `2 · wide.len()` bytes ([`holds`]); `src` is valid for reading and `dst`
/// for writing `count` `i32`s, and they are the same or do not overlap.
#[inline]
unsafe fn accumulate_raw(
    wide: &[u32],
    rows: &[i8],
    stride: usize,
    src: *const i32,
    dst: *mut i32,
    count: usize,
) {
    // SAFETY: the caller's guarantees, for the first `2 · (count / 2)` rows.
    unsafe { accumulate_pairs(wide, rows, stride, src, dst, count / 2) };
    if count % 2 == 1 {
        let last = count - 1;
        let row = rows.get(last * stride..).unwrap_or_default();
        // SAFETY: `last` is below `count`; the read comes before the write.
        unsafe { *dst.add(last) = dot_wide(wide, row, *src.add(last)) };
    }
}

/// The pairs of rows of [`accumulate_raw`], portably: the definition of
/// the assembly loop.
///
/// # Safety
///
/// As [`accumulate_raw`]'s, for `2 · pairs` rows.
#[cfg_attr(all(target_arch = "arm", target_feature = "dsp"), allow(dead_code))]
#[inline]
unsafe fn accumulate_pairs_portable(
    wide: &[u32],
    rows: &[i8],
    stride: usize,
    src: *const i32,
    dst: *mut i32,
    pairs: usize,
) {
    let row = |r: usize| rows.get(r * stride..).unwrap_or_default();
    for r in (0..2 * pairs).step_by(2) {
        // SAFETY: r + 1 is below 2 · pairs; both reads come before the
        // writes.
        unsafe {
            let sums = [*src.add(r), *src.add(r + 1)];
            *dst.add(r) = dot_wide(wide, row(r), sums[0]);
            *dst.add(r + 1) = dot_wide(wide, row(r + 1), sums[1]);
        }
    }
}

/// [`accumulate_pairs_portable`] on the host.
#[cfg(not(all(target_arch = "arm", target_feature = "dsp")))]
use accumulate_pairs_portable as accumulate_pairs;

/// Eight multiply-adds in assembly text: the widened inputs in r4, r5, r8,
/// r9 (`[even, odd]` of two words) times the eight weights in r10 and r1,
/// added to the sum in register `$sum` (four `SXTB16`, four `SMLAD`).
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[rustfmt::skip]
macro_rules! multiply_add_8 {
    ($sum:literal) => {
        concat!(
            "sxtb16 lr, r10, ror #8\n",
            "sxtb16 r10, r10\n",
            "smlad ", $sum, ", r4, r10, ", $sum, "\n",
            "smlad ", $sum, ", r5, lr, ", $sum, "\n",
            "sxtb16 lr, r1, ror #8\n",
            "sxtb16 r1, r1\n",
            "smlad ", $sum, ", r8, r1, ", $sum, "\n",
            "smlad ", $sum, ", r9, lr, ", $sum,
        )
    };
}

/// [`accumulate_pairs_portable`] in assembly when `wide` holds a positive
/// multiple of 16 inputs (else the portable loop). Per pair of rows, from
/// its two sums in `src` (one `LDM`): per 16 inputs two `LDM` of four
/// widened words, per row two `LDRD` of eight weights (two `LDR` each where
/// the rows are not word-aligned), eight `SXTB16` and eight `SMLAD`; then
/// the sums stored in `dst` with one `STM` and both row pointers moved to
/// the next pair.
///
/// # Safety
///
/// As [`accumulate_pairs_portable`]'s.
#[cfg(all(target_arch = "arm", target_feature = "dsp"))]
#[inline]
unsafe fn accumulate_pairs(
    wide: &[u32],
    rows: &[i8],
    stride: usize,
    src: *const i32,
    dst: *mut i32,
    pairs: usize,
) {
    let len = 2 * wide.len();
    if len == 0 || !len.is_multiple_of(16) {
        // SAFETY: the caller's guarantees.
        return unsafe { accumulate_pairs_portable(wide, rows, stride, src, dst, pairs) };
    }
    if pairs == 0 {
        return;
    }
    let row0 = rows.as_ptr();
    // After a pass the row pointers are `len` bytes further; the next pair
    // starts two rows (2 · stride bytes) after this one.
    let skip = (2 * stride).wrapping_sub(len);
    // Every row pointer stays word-aligned (`len` is a multiple of 16).
    let aligned = (row0 as usize | stride).is_multiple_of(4);
    // The loop, with `$load0` and `$load1` the loads of eight weights of
    // each row (from r2 and r3 into r10 and r1).
    macro_rules! pairs_loop {
        ($load0:literal, $load1:literal) => {
            core::arch::asm!(
                // [sp]: wide, [sp, #4]: its end, [sp, #8]: src, [sp, #12]:
                // dst, [sp, #16]: dst's end, [sp, #20]: skip.
                "push {{r0, r1, r4, r5, r8, r9}}",
                "3:",
                "ldr r4, [sp, #8]",
                "ldm r4!, {{r11, r12}}",
                "str r4, [sp, #8]",
                "2:",
                "ldm r0!, {{r4, r5, r8, r9}}",
                $load0,
                multiply_add_8!("r11"),
                $load1,
                multiply_add_8!("r12"),
                "ldm r0!, {{r4, r5, r8, r9}}",
                $load0,
                multiply_add_8!("r11"),
                $load1,
                multiply_add_8!("r12"),
                "ldr r10, [sp, #4]",
                "cmp r0, r10",
                "bne 2b",
                "ldr r4, [sp, #12]",
                "stm r4!, {{r11, r12}}",
                "str r4, [sp, #12]",
                "ldr r0, [sp]",
                "ldrd r5, r8, [sp, #16]",
                "add r2, r8",
                "add r3, r8",
                "cmp r4, r5",
                "bne 3b",
                "add sp, #24",
                inout("r0") wide.as_ptr() => _,
                inout("r1") wide.as_ptr_range().end => _,
                inout("r2") row0 => _,
                inout("r3") row0.wrapping_add(stride) => _,
                inout("r4") src => _,
                inout("r5") dst => _,
                inout("r8") dst.wrapping_add(2 * pairs) => _,
                inout("r9") skip => _,
                out("r10") _,
                out("r11") _,
                out("r12") _,
                out("lr") _,
            )
        };
    }
    // SAFETY: by the caller's guarantee `rows` holds `2 · pairs` rows of
    // `stride` bytes, each read over `len` bytes: pair k reads rows 2k and
    // 2k + 1 from their starts (r2, r3: `row0` plus 2k·stride and
    // (2k + 1)·stride) over `len` bytes, in 16-byte steps (len > 0, a
    // multiple of 16), with LDRD only where `row0` and `stride` are
    // multiples of 4, so that every row pointer is word-aligned as LDRD
    // requires, else with LDR, which may be unaligned on Armv7E-M. The
    // LDMs read `wide` from its start (r0, reloaded per pair) to its end
    // ([sp, #4]) in 16-byte steps, inside the slice (len / 2 words, a
    // multiple of 8) and word-aligned (a `u32` slice), as LDM requires.
    // Pair k's LDM reads src[2k..2k + 2] and its STM then writes
    // dst[2k..2k + 2] (src and dst advance by 8 bytes per pair, dst up to
    // `dst + 2 · pairs`), valid by the caller's guarantee, the same or
    // disjoint, and `i32`-aligned (word-aligned, as LDM and STM require).
    // The block pushes six words and frees them before its end. Every
    // register written is an operand declared clobbered; the flags are not
    // declared preserved (SMLAD may set Q).
    unsafe {
        if aligned {
            pairs_loop!("ldrd r10, r1, [r2], #8", "ldrd r10, r1, [r3], #8");
        } else {
            pairs_loop!(
                "ldr r10, [r2], #4\nldr r1, [r2], #4",
                "ldr r10, [r3], #4\nldr r1, [r3], #4"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::buffers::widen;
    use super::*;

    fn exact(x: &[i8], w: &[i8]) -> i64 {
        x.iter().zip(w).map(|(&a, &b)| a as i64 * b as i64).sum()
    }

    #[test]
    fn accumulate_equals_the_exact_sums() {
        let mut next = crate::testing::xorshift32(0x9e37_79b9);
        let x: [i8; 96] = core::array::from_fn(|_| next() as i8);
        let w: [i8; 96 * 5 + 7] = core::array::from_fn(|_| next() as i8);
        let src = [7, i32::MAX - 3, -5, i32::MIN, 0]; // the sums wrap
        for len in [0, 8, 16, 32, 64, 96] {
            for (stride, rows) in [(96, 5), (100, 4), (len, 5), (len + 7, 3), (96, 0)] {
                let mut buffer = [MaybeUninit::uninit(); 48];
                let wide = widen(&x[..len], &mut buffer);
                assert_eq!(wide.len(), len / 2);
                let want: [i32; 5] = core::array::from_fn(|r| {
                    let sum = exact(&x[..len], &w[r * stride..]);
                    src[r].wrapping_add(sum as i32)
                });
                let mut dst = [MaybeUninit::uninit(); 5];
                let got = accumulate(wide, &w, stride, &src[..rows], &mut dst[..rows]);
                assert_eq!(got.unwrap(), &want[..rows], "{len} {stride}");
                let mut sums = src;
                assert!(accumulate_in_place(wide, &w, stride, &mut sums[..rows]).is_some());
                assert_eq!(sums[..rows], want[..rows], "{len} {stride}");
                assert_eq!(sums[rows..], src[rows..]);
            }
        }
    }

    #[test]
    fn accumulate_refuses_short_rows_and_sources() {
        let wide = [0x0001_0001; 8]; // 16 inputs of 1
        let mut dst = [MaybeUninit::uninit(); 3];
        assert!(accumulate(&wide, &[1; 16 * 3 - 1], 16, &[1, 2, 3], &mut dst).is_none());
        assert!(accumulate(&wide, &[1; 16 * 3], 16, &[1, 2], &mut dst).is_none());
        let got = accumulate(&wide, &[1; 16 * 3], 16, &[1, 2, 3], &mut dst);
        assert_eq!(got.unwrap(), [17, 18, 19]);
        let mut sums = [1, 2, 3];
        assert!(accumulate_in_place(&wide, &[1; 16 * 3 - 1], 16, &mut sums).is_none());
        assert_eq!(sums, [1, 2, 3]);
    }

    #[test]
    fn extreme_values_wrap_like_the_exact_sum() {
        let x = [i8::MIN; 64];
        let mut buffer = [MaybeUninit::uninit(); 32];
        let wide = widen(&x, &mut buffer);
        let rows = [[i8::MIN; 64], [i8::MAX; 64]];
        let mut dst = [MaybeUninit::uninit(); 2];
        let got = accumulate(
            wide,
            rows.as_flattened(),
            64,
            &[i32::MAX, i32::MIN],
            &mut dst,
        );
        let want = [
            (i32::MAX as i64 + 64 * 128 * 128) as i32,
            (i32::MIN as i64 - 64 * 128 * 127) as i32,
        ];
        assert_eq!(got.unwrap(), want);
    }
}
