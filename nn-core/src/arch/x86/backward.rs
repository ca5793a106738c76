//! The dense backward pass, one implementation for every vector width:
//!
//! - `dw[o][i] += Σ_r (in order) dy[r][o]·x[r][i]`, tiles of outputs × input
//!   vectors held in registers while the batch rows stream through;
//! - `dx[r][i] = Σ_o (in order, from 0) w[o][i]·dy[r][o]`, tiles of rows ×
//!   input vectors summing over the outputs.
//!
//! Both products are element-wise along the inputs (each element's sum runs
//! over rows or outputs in order), so the width of a vector changes no
//! element's operations: the code is generic over [`Lanes`] (4 lanes with
//! SSE2, 8 with AVX2, 16 with AVX-512) and compiled once per tier by the
//! `#[target_feature]` entry points at the bottom, into which everything
//! else is inlined (the pattern of the slice `exp`).

use core::arch::x86_64::*;

use super::dense::{BackPtrs, tail_mask};
use crate::kernels::dense::dims::Dims;

/// A vector register of `f32` lanes and the operations the backward pass
/// needs. Every method is `unsafe`: the CPU must support the register's
/// instructions (the entry points enable them), and pointers must be valid
/// for the lanes they touch.
trait Lanes: Copy {
    /// Floats per register.
    const N: usize;
    /// Whether `dw` tiles load their `dy` splats from a buffer filled once
    /// per output tile (see [`dw_tiles`]) instead of splatting as they go:
    /// an SSE2 splat is a shuffle, which takes a slot of the arithmetic
    /// pipes, while AVX splats from memory are plain loads.
    const PREPARED_SPLATS: bool;
    /// Which lanes a tail load or store touches.
    type Mask: Copy;
    /// The first `rem` lanes, or all when `rem == 0`.
    unsafe fn mask(rem: usize) -> Self::Mask;
    /// All lanes `+0`.
    unsafe fn zero() -> Self;
    /// `N` floats from `p`, or the first `rem` (the rest zero) when `rem != 0`.
    unsafe fn load(p: *const f32, rem: usize, m: Self::Mask) -> Self;
    /// Stores `N` floats at `p`, or only the first `rem` when `rem != 0`.
    unsafe fn store(p: *mut f32, v: Self, rem: usize, m: Self::Mask);
    /// `*p` in every lane.
    unsafe fn splat(p: *const f32) -> Self;
    /// `a + b·c`: a multiply, then an add, each rounded (no FMA).
    unsafe fn add_mul(a: Self, b: Self, c: Self) -> Self;
}

impl Lanes for __m256 {
    const N: usize = 8;
    const PREPARED_SPLATS: bool = false;
    type Mask = __m256i;
    #[inline(always)]
    unsafe fn mask(rem: usize) -> __m256i {
        // SAFETY: AVX2 by the trait's contract.
        unsafe { tail_mask(rem) }
    }
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: AVX by the trait's contract.
        unsafe { _mm256_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32, rem: usize, m: __m256i) -> Self {
        // SAFETY: by the trait's contract (masked lanes are not read).
        unsafe {
            if rem == 0 {
                _mm256_loadu_ps(p)
            } else {
                _mm256_maskload_ps(p, m)
            }
        }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: Self, rem: usize, m: __m256i) {
        // SAFETY: by the trait's contract (masked lanes are not written).
        unsafe {
            if rem == 0 {
                _mm256_storeu_ps(p, v)
            } else {
                _mm256_maskstore_ps(p, m, v)
            }
        }
    }
    #[inline(always)]
    unsafe fn splat(p: *const f32) -> Self {
        // SAFETY: by the trait's contract.
        unsafe { _mm256_broadcast_ss(&*p) }
    }
    #[inline(always)]
    unsafe fn add_mul(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: AVX by the trait's contract.
        unsafe { _mm256_add_ps(a, _mm256_mul_ps(b, c)) }
    }
}

/// SSE2, the x86_64 baseline: no masked loads, so a tail goes through a
/// zeroed copy (the mask is the count of lanes in bounds).
impl Lanes for __m128 {
    const N: usize = 4;
    const PREPARED_SPLATS: bool = true;
    type Mask = usize;
    #[inline(always)]
    unsafe fn mask(rem: usize) -> usize {
        rem
    }
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: SSE is part of every x86_64 CPU.
        unsafe { _mm_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32, rem: usize, _: usize) -> Self {
        // SAFETY: by the trait's contract (only `rem` floats read when
        // `rem != 0`).
        unsafe {
            if rem == 0 {
                _mm_loadu_ps(p)
            } else {
                let mut t = [0.0f32; 4];
                core::ptr::copy_nonoverlapping(p, t.as_mut_ptr(), rem);
                _mm_loadu_ps(t.as_ptr())
            }
        }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: Self, rem: usize, _: usize) {
        // SAFETY: by the trait's contract (only `rem` floats written when
        // `rem != 0`).
        unsafe {
            if rem == 0 {
                _mm_storeu_ps(p, v)
            } else {
                let mut t = [0.0f32; 4];
                _mm_storeu_ps(t.as_mut_ptr(), v);
                core::ptr::copy_nonoverlapping(t.as_ptr(), p, rem);
            }
        }
    }
    #[inline(always)]
    unsafe fn splat(p: *const f32) -> Self {
        // SAFETY: by the trait's contract.
        unsafe { _mm_set1_ps(*p) }
    }
    #[inline(always)]
    unsafe fn add_mul(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: SSE is part of every x86_64 CPU.
        unsafe { _mm_add_ps(a, _mm_mul_ps(b, c)) }
    }
}

impl Lanes for __m512 {
    const N: usize = 16;
    const PREPARED_SPLATS: bool = false;
    type Mask = __mmask16;
    #[inline(always)]
    unsafe fn mask(rem: usize) -> __mmask16 {
        if rem == 0 {
            u16::MAX
        } else {
            (1u16 << rem) - 1
        }
    }
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: AVX-512F by the trait's contract.
        unsafe { _mm512_setzero_ps() }
    }
    #[inline(always)]
    unsafe fn load(p: *const f32, _rem: usize, m: __mmask16) -> Self {
        // SAFETY: by the trait's contract (masked lanes are not read).
        unsafe { _mm512_maskz_loadu_ps(m, p) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: Self, _rem: usize, m: __mmask16) {
        // SAFETY: by the trait's contract (masked lanes are not written).
        unsafe { _mm512_mask_storeu_ps(p, m, v) }
    }
    #[inline(always)]
    unsafe fn splat(p: *const f32) -> Self {
        // SAFETY: by the trait's contract.
        unsafe { _mm512_set1_ps(*p) }
    }
    #[inline(always)]
    unsafe fn add_mul(a: Self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F by the trait's contract.
        unsafe { _mm512_add_ps(a, _mm512_mul_ps(b, c)) }
    }
}

/// The backward pass with AVX2: tiles of 6 outputs × 2 vectors for `dw` and
/// 6 rows × 2 vectors for `dx` (12 accumulators, the 2 vectors, the splat
/// and a product: all 16 registers), or of 4 × 2 below 12 outputs, where
/// the 6-wide tiles leave too wide an edge (10 outputs: 6 + 2 + 2).
///
/// Per row (or output) a 6 × 2 tile makes 8 loads for 24 multiplies and 24
/// adds, against 6 for 16 with 4 × 2: the AVX2 kernels are bound by their
/// loads (docs/BENCHMARKS.md, issue 15).
///
/// # Safety
/// AVX2 available; pointers valid for the sizes in `d` (see [`BackPtrs`]).
#[target_feature(enable = "avx2")]
pub(super) unsafe fn backward_avx2(d: Dims, p: BackPtrs) {
    // SAFETY: this function's contract, with AVX2 enabled here.
    unsafe {
        if d.n_out >= 12 {
            backward::<__m256, 6, 2, 6, 2>(d, p)
        } else {
            backward::<__m256, 4, 2, 4, 2>(d, p)
        }
    }
}

/// The backward pass with SSE2 (the portable tier on x86_64): the AVX2
/// tiles with 4-lane vectors (16 registers as well); `dw` loads its `dy`
/// splats from a buffer ([`Lanes::PREPARED_SPLATS`]).
///
/// # Safety
/// Pointers as in [`backward_avx2`] (SSE2 is part of every x86_64 CPU).
pub(super) unsafe fn backward_sse2(d: Dims, p: BackPtrs) {
    // SAFETY: this function's contract.
    unsafe {
        if d.n_out >= 12 {
            backward::<__m128, 6, 2, 6, 2>(d, p)
        } else {
            backward::<__m128, 4, 2, 4, 2>(d, p)
        }
    }
}

/// The backward pass with AVX-512: 32 registers allow tiles of 6 × 3.
///
/// # Safety
/// AVX-512F/VL available; pointers as in [`backward_avx2`].
#[target_feature(enable = "avx2,avx512f,avx512vl")]
pub(super) unsafe fn backward_avx512(d: Dims, p: BackPtrs) {
    // SAFETY: this function's contract, with AVX-512 enabled here.
    unsafe { backward::<__m512, 6, 3, 6, 3>(d, p) }
}

/// Inputs of one panel of `dw` column blocks, at most (bytes): the panel's
/// rows of `x` stay in L1 while every output tile passes over them (the
/// `dy` column strip of a tile, one cache line per row, stays there too).
const DW_PANEL_BYTES: usize = 24 * 1024;

/// `dw` in tiles of `OW` outputs × `VW` vectors, the input columns in panels
/// of about [`DW_PANEL_BYTES`] of `x`, then (unless `dx` is null) `dx` in
/// tiles of `RX` rows × `VX` vectors; one sample takes wide tiles of 1 × 8
/// vectors, so that enough sums are in flight.
///
/// # Safety
/// `L`'s instructions available; pointers valid for the sizes in `d`.
#[inline(always)]
unsafe fn backward<L: Lanes, const OW: usize, const VW: usize, const RX: usize, const VX: usize>(
    d: Dims,
    p: BackPtrs,
) {
    let n_in = d.n_in;
    let block = VW * L::N;
    // Bytes of `x` per column block; at least 1, so that an empty batch
    // (no rows: the tiles then only load and store `dw` unchanged) does not
    // divide by zero.
    let block_bytes = d.rows.saturating_mul(block * size_of::<f32>()).max(1);
    let panel = (DW_PANEL_BYTES / block_bytes).max(1);
    let mut i = 0;
    // SAFETY: (whole body) every panel covers inputs i..i+blocks·N·V <=
    // n_in, or a last vector masked to the `n_in - i < N` inputs left (a
    // constant `rem = 0` elsewhere, so full vectors need no mask); the rest
    // by this function's contract.
    unsafe {
        while i + block <= n_in {
            let blocks = ((n_in - i) / block).min(panel);
            dw_panel::<L, OW, VW>(d, p, i, blocks, 0);
            i += blocks * block;
        }
        while i + L::N <= n_in {
            dw_panel::<L, OW, 1>(d, p, i, 1, 0);
            i += L::N;
        }
        if i < n_in {
            dw_panel::<L, OW, 1>(d, p, i, 1, n_in - i);
        }
        if p.dx.is_null() {
            return;
        }
        if d.rows == 1 {
            dx_cols::<L, 1, 8>(d, p);
        } else {
            dx_cols::<L, RX, VX>(d, p);
        }
    }
}

/// `dx` over all input columns: blocks of `V` vectors, then single vectors,
/// then a masked one for the inputs left, each in tiles of `R` rows.
///
/// # Safety
/// As [`backward`].
#[inline(always)]
unsafe fn dx_cols<L: Lanes, const R: usize, const V: usize>(d: Dims, p: BackPtrs) {
    let n_in = d.n_in;
    let mut i = 0;
    // SAFETY: as in `backward`.
    unsafe {
        while i + V * L::N <= n_in {
            dx_rows::<L, R, V>(d, p, i, 0);
            i += V * L::N;
        }
        while i + L::N <= n_in {
            dx_rows::<L, R, 1>(d, p, i, 0);
            i += L::N;
        }
        if i < n_in {
            dx_rows::<L, R, 1>(d, p, i, n_in - i);
        }
    }
}

/// All outputs of `blocks` consecutive blocks of `V` vectors from input
/// column `i`: tiles of `O` outputs, then the edge in tiles of 2 and 1, each
/// tile over the panel's blocks in turn (`rem != 0` only with one block of
/// `V == 1`).
///
/// # Safety
/// As [`backward`], with the columns inside the matrix.
#[inline(always)]
unsafe fn dw_panel<L: Lanes, const O: usize, const V: usize>(
    d: Dims,
    p: BackPtrs,
    i: usize,
    blocks: usize,
    rem: usize,
) {
    let mut o = 0;
    // SAFETY: tiles cover outputs o..o+O' <= n_out.
    unsafe {
        while o + O <= d.n_out {
            dw_tiles::<L, O, V>(d, p, o, i, blocks, rem);
            o += O;
        }
        while o + 2 <= d.n_out {
            dw_tiles::<L, 2, V>(d, p, o, i, blocks, rem);
            o += 2;
        }
        if o < d.n_out {
            dw_tiles::<L, 1, V>(d, p, o, i, blocks, rem);
        }
    }
}

/// Rows of `dy` splats prepared at a time by [`dw_tiles`] (with
/// [`Lanes::PREPARED_SPLATS`]): 6 KiB of SSE2 registers for 6 outputs.
const SPLAT_ROWS: usize = 64;
/// The widest `dw` tile with prepared splats.
const SPLAT_OUTPUTS: usize = 6;

/// The `O × V` tiles of `dw` at output `o` in `blocks` consecutive blocks
/// of `V` vectors from input `i`, one after the other. With
/// [`Lanes::PREPARED_SPLATS`], the tile's `dy` values are splatted once per
/// [`SPLAT_ROWS`] rows into a buffer that every block then loads from (each
/// row's products are the same, in the same order).
///
/// # Safety
/// As [`backward`], with the tiles inside the matrix.
#[inline(always)]
unsafe fn dw_tiles<L: Lanes, const O: usize, const V: usize>(
    d: Dims,
    p: BackPtrs,
    o: usize,
    i: usize,
    blocks: usize,
    rem: usize,
) {
    let Dims { rows, n_out, .. } = d;
    // SAFETY: block `k` is inside the matrix by this function's contract,
    // the splats read `dy[r][o + q]` for r < rows, q < O <= n_out - o, and
    // `L`'s instructions are available.
    unsafe {
        let m = L::mask(rem);
        let col = |k: usize| i + k * V * L::N;
        if !L::PREPARED_SPLATS {
            let splat = |r: usize, q: usize| L::splat(p.dy.add(r * n_out + o + q));
            for k in 0..blocks {
                dw_tile::<L, O, V>(d, p, o, col(k), 0..rows, rem, m, splat);
            }
            return;
        }
        const { assert!(!L::PREPARED_SPLATS || O <= SPLAT_OUTPUTS) };
        let mut splats = [[L::zero(); SPLAT_OUTPUTS]; SPLAT_ROWS];
        let mut r0 = 0;
        while r0 < rows {
            let r1 = (r0 + SPLAT_ROWS).min(rows);
            for (r, row) in (r0..r1).zip(&mut splats) {
                for (q, g) in row[..O].iter_mut().enumerate() {
                    *g = L::splat(p.dy.add(r * n_out + o + q));
                }
            }
            let splat = |r: usize, q: usize| splats[r - r0][q];
            for k in 0..blocks {
                dw_tile::<L, O, V>(d, p, o, col(k), r0..r1, rem, m, splat);
            }
            r0 = r1;
        }
    }
}

/// One `O × V` tile of `dw` at output `o`, input `i`, over `rows`; `splat(r,
/// q)` is `dy[r][o + q]` in every lane.
///
/// # Safety
/// As [`backward`], with the tile inside the matrix.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // one tile's coordinates; inlined
unsafe fn dw_tile<L: Lanes, const O: usize, const V: usize>(
    d: Dims,
    p: BackPtrs,
    o: usize,
    i: usize,
    rows: core::ops::Range<usize>,
    rem: usize,
    m: L::Mask,
    splat: impl Fn(usize, usize) -> L,
) {
    let n_in = d.n_in;
    // SAFETY: the tile is in bounds by this function's contract; tail loads
    // and stores touch only the `rem` lanes in bounds.
    unsafe {
        let mut acc = [[L::zero(); V]; O];
        for (q, acc_q) in acc.iter_mut().enumerate() {
            for (v, a) in acc_q.iter_mut().enumerate() {
                *a = L::load(p.dw.add((o + q) * n_in + i + v * L::N), rem, m);
            }
        }
        for r in rows {
            let mut xv = [L::zero(); V];
            for (v, xv) in xv.iter_mut().enumerate() {
                *xv = L::load(p.x.add(r * n_in + i + v * L::N), rem, m);
            }
            for (q, acc_q) in acc.iter_mut().enumerate() {
                let g = splat(r, q);
                for (a, &xv) in acc_q.iter_mut().zip(&xv) {
                    *a = L::add_mul(*a, g, xv);
                }
            }
        }
        for (q, acc_q) in acc.iter().enumerate() {
            for (v, &a) in acc_q.iter().enumerate() {
                L::store(p.dw.add((o + q) * n_in + i + v * L::N), a, rem, m);
            }
        }
    }
}

/// All rows of one block of input columns: tiles of `R` rows, then the
/// edge in tiles of 2 and 1 (`rem != 0` only with `V == 1`).
///
/// # Safety
/// As [`backward`], with the columns inside the matrix.
#[inline(always)]
unsafe fn dx_rows<L: Lanes, const R: usize, const V: usize>(
    d: Dims,
    p: BackPtrs,
    i: usize,
    rem: usize,
) {
    let mut r = 0;
    // SAFETY: tiles cover rows r..r+R' <= rows.
    unsafe {
        while r + R <= d.rows {
            dx_tile::<L, R, V>(d, p, r, i, rem);
            r += R;
        }
        while r + 2 <= d.rows {
            dx_tile::<L, 2, V>(d, p, r, i, rem);
            r += 2;
        }
        if r < d.rows {
            dx_tile::<L, 1, V>(d, p, r, i, rem);
        }
    }
}

/// One `R × V` tile of `dx` at row `r`, input `i`.
///
/// # Safety
/// As [`backward`], with the tile inside the matrix.
#[inline(always)]
unsafe fn dx_tile<L: Lanes, const R: usize, const V: usize>(
    d: Dims,
    p: BackPtrs,
    r: usize,
    i: usize,
    rem: usize,
) {
    let Dims { n_in, n_out, .. } = d;
    // SAFETY: as in `dw_tile`.
    unsafe {
        let m = L::mask(rem);
        let mut acc = [[L::zero(); V]; R];
        for o in 0..n_out {
            let mut wv = [L::zero(); V];
            for (v, wv) in wv.iter_mut().enumerate() {
                *wv = L::load(p.w.add(o * n_in + i + v * L::N), rem, m);
            }
            for (q, acc_q) in acc.iter_mut().enumerate() {
                let g = L::splat(p.dy.add((r + q) * n_out + o));
                for (a, &wv) in acc_q.iter_mut().zip(&wv) {
                    *a = L::add_mul(*a, wv, g);
                }
            }
        }
        for (q, acc_q) in acc.iter().enumerate() {
            for (v, &a) in acc_q.iter().enumerate() {
                L::store(p.dx.add((r + q) * n_in + i + v * L::N), a, rem, m);
            }
        }
    }
}
