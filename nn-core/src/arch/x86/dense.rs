//! The `f32` dense kernels for SSE2 (the portable tier on x86_64), AVX2 and
//! AVX-512VL.
//!
//! Every kernel here computes exactly the operations of the portable
//! kernels (`kernels::dense::portable`), in the same order (eight-lane
//! partial sums, multiply then add, the same reduction tree; sums over
//! outputs or batch rows in increasing order), so results are bit-identical
//! to the portable build on any target. The speed comes from register
//! blocking (several rows and outputs share each load; the forward's cache
//! blocking is shared by the tiers, each supplies its [`Blocks`]), 256-bit
//! vectors (two 128-bit halves per eight-lane sum with SSE2), and, in the
//! AVX-512 tier, the 32 vector registers of AVX-512VL that
//! allow larger blocks plus 512-bit vectors in the backward pass
//! (element-wise there, so wider vectors change no element's operations).
//! FMA is deliberately not used: fused rounding would break bit-identity
//! with devices, and on AMD Zen the separate multiply and add pipes give the
//! same throughput.
//!
//! The `unsafe` here: calls into `#[target_feature]` functions after
//! detection, and vector loads and stores through pointers whose ranges are
//! checked up front by [`Dims::of_batch`] (checked arithmetic).

use core::arch::x86_64::*;

use super::backward::{backward_avx2, backward_avx512, backward_sse2};
use super::detect;
use crate::arch::Isa;
use crate::kernels::dense::dims::Dims;
use crate::kernels::dense::portable::{LANES, reduce};

/// Batched forward `y[r] = W x[r] + b` on tier `isa` (capped at what the CPU
/// supports; the portable tier runs SSE2, which every x86_64 CPU has).
/// Returns `false` (and does nothing) when the plain portable kernel must
/// run instead: an empty dimension, or lengths that are not those of one
/// shape.
#[inline]
pub(crate) fn forward_batch_on(isa: Isa, w: &[f32], b: &[f32], x: &[f32], y: &mut [f32]) -> bool {
    let isa = isa.min(detect());
    let Some(d) = Dims::of_batch(w.len(), b.len(), x.len(), y.len()) else {
        return false;
    };
    if d.n_in == 0 || d.n_out == 0 {
        return false;
    }
    // SAFETY: the tier was detected as supported (capped at `detect`), and
    // the slice lengths are those of `d` (checked above), which is the
    // contract of the kernels.
    unsafe {
        let (w, b, x, y) = (w.as_ptr(), b.as_ptr(), x.as_ptr(), y.as_mut_ptr());
        match isa {
            Isa::Avx512 => forward_avx512(d, w, b, x, y),
            Isa::Avx2 => forward_avx2(d, w, b, x, y),
            Isa::Portable => forward_sse2(d, w, b, x, y),
        }
    }
    true
}

/// Batched backward on tier `isa` (SSE2 for the portable tier); `false` as
/// in [`forward_batch_on`].
/// `input_grad` is `(w, dx)`: with `None`, only the parameter gradients are
/// computed (`w` is needed only for `dx`).
#[inline]
pub(crate) fn backward_batch_on(
    isa: Isa,
    x: &[f32],
    dy: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    input_grad: Option<(&[f32], &mut [f32])>,
) -> bool {
    let isa = isa.min(detect());
    let Some(d) = Dims::of_batch(dw.len(), db.len(), x.len(), dy.len()) else {
        return false;
    };
    if d.n_in == 0 || d.n_out == 0 {
        return false;
    }
    // Null pointers when no input gradient is wanted: the kernels skip `dx`.
    let (w, dx) = match input_grad {
        None => (core::ptr::null(), core::ptr::null_mut()),
        Some((w, dx)) => {
            if w.len() != dw.len() || dx.len() != x.len() {
                return false;
            }
            (w.as_ptr(), dx.as_mut_ptr())
        }
    };
    for g in dy.chunks_exact(d.n_out) {
        db.iter_mut().zip(g).for_each(|(d, &g)| *d += g);
    }
    let p = BackPtrs {
        w,
        x: x.as_ptr(),
        dy: dy.as_ptr(),
        dw: dw.as_mut_ptr(),
        dx,
    };
    // SAFETY: as in `forward_batch_on`: tier supported, lengths checked against
    // `d`; `w` and `dx` are null together, and then never read.
    unsafe {
        match isa {
            Isa::Avx512 => backward_avx512(d, p),
            Isa::Avx2 => backward_avx2(d, p),
            Isa::Portable => backward_sse2(d, p),
        }
    }
    true
}

/// Pointers of a backward call: `w`, `dw` hold `n_out·n_in`, `x`, `dx`
/// `rows·n_in`, `dy` `rows·n_out` floats. Null `w` and `dx` mean that only
/// the parameter gradients are wanted: the `dx` phase is skipped.
#[derive(Clone, Copy)]
pub(super) struct BackPtrs {
    pub(super) w: *const f32,
    pub(super) x: *const f32,
    pub(super) dy: *const f32,
    pub(super) dw: *mut f32,
    pub(super) dx: *mut f32,
}

// ---------------------------------------------------------------------------
// Forward entry points: the same generic code, compiled with each feature
// set (the backward ones are in `backward`). Safety contract of both: the CPU supports the enabled features, and the
// pointers are valid for the sizes in `d` (see `Dims` and `BackPtrs`), `y`,
// `dw`, `dx` writable and not overlapping the inputs.

#[target_feature(enable = "avx2")]
unsafe fn forward_avx2(d: Dims, w: *const f32, b: *const f32, x: *const f32, y: *mut f32) {
    // Long rows in blocks of 2 rows × 6 outputs (12 accumulators, 2 inputs,
    // a weight and a product: all 16 registers); shorter rows, where the
    // reductions weigh more, 2 × 4, or 4 × 2 when the outputs do not come in
    // fours (docs/BENCHMARKS.md, tile sizes).
    // SAFETY: the contract of this function is the contract of `forward`.
    unsafe {
        if d.n_in >= 256 {
            forward::<Avx2, 2, 6>(d, w, b, x, y)
        } else if d.n_out.is_multiple_of(4) {
            forward::<Avx2, 2, 4>(d, w, b, x, y)
        } else {
            forward::<Avx2, 4, 2>(d, w, b, x, y)
        }
    }
}

#[target_feature(enable = "avx2,avx512f,avx512vl")]
unsafe fn forward_avx512(d: Dims, w: *const f32, b: *const f32, x: *const f32, y: *mut f32) {
    // 256-bit vectors with 32 registers. Short rows (where the reductions
    // weigh most) in blocks of 3 rows × 8 outputs when the outputs come in
    // eights, otherwise 4 rows × 4 outputs; long rows in blocks of 4 rows ×
    // 6 outputs (docs/BENCHMARKS.md, tile sizes).
    // SAFETY: the contract of this function is the contract of `forward`.
    unsafe {
        if d.n_in > 256 {
            forward::<Avx2, 4, 6>(d, w, b, x, y)
        } else if d.n_out.is_multiple_of(8) {
            forward::<Avx2, 3, 8>(d, w, b, x, y)
        } else {
            forward::<Avx2, 4, 4>(d, w, b, x, y)
        }
    }
}

/// SSE2 (the x86_64 baseline, no detection): blocks of 2 rows × 3 outputs,
/// each eight-lane sum in two 128-bit registers (12 of the 16 registers).
///
/// # Safety
/// As [`forward`].
unsafe fn forward_sse2(d: Dims, w: *const f32, b: *const f32, x: *const f32, y: *mut f32) {
    // SAFETY: the contract of this function is the contract of `forward`.
    unsafe { forward::<Sse2, 2, 3>(d, w, b, x, y) }
}

// ---------------------------------------------------------------------------
// Forward: y[r][o] = reduce(8-lane Σ w[o][i]·x[r][i]) + b[o].

/// One tier's `R × O` register block of the forward pass (see [`block`]);
/// the cache-blocking drivers ([`forward`], [`strips`], [`strip`]) are
/// shared.
trait Blocks {
    /// Whether single rows (at the bottom edge) take blocks of 8 outputs
    /// (else 4), see [`strips`].
    const WIDE_ROW: bool;

    /// `R` rows × `O` outputs: `y[r][o] = reduce(acc) + b[o]`.
    ///
    /// # Safety
    /// The tier's instructions available; `x` has `R` rows and `w` `O` rows
    /// of `d.n_in` floats (row strides `d.n_in`), `b` `O` floats, and `y`
    /// `R` rows of `O` writable floats (row stride `d.n_out`).
    unsafe fn block<const R: usize, const O: usize>(
        d: Dims,
        w: *const f32,
        b: *const f32,
        x: *const f32,
        y: *mut f32,
    );
}

/// The AVX2 blocks (also those of the AVX-512 tier, with 32 registers).
struct Avx2;

impl Blocks for Avx2 {
    const WIDE_ROW: bool = true;

    #[inline(always)]
    unsafe fn block<const R: usize, const O: usize>(
        d: Dims,
        w: *const f32,
        b: *const f32,
        x: *const f32,
        y: *mut f32,
    ) {
        // SAFETY: the trait's contract is `block`'s.
        unsafe { block::<R, O>(d, w, b, x, y) }
    }
}

/// Mask of the first `rem` (< 8) lanes.
#[target_feature(enable = "avx2")]
#[inline]
pub(super) fn tail_mask(rem: usize) -> __m256i {
    _mm256_cmpgt_epi32(
        _mm256_set1_epi32(rem as i32),
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
    )
}

/// Weights of one output panel, at most (bytes): a panel stays in L1 while
/// a chunk's rows stream past it.
const PANEL_BYTES: usize = 16 * 1024;
/// Inputs of one row chunk, at most (bytes): a chunk stays in L2 while the
/// output panels pass over it.
const CHUNK_BYTES: usize = 128 * 1024;

/// Cache-blocked driver: the rows in chunks of about [`CHUNK_BYTES`] of
/// inputs, each chunk's outputs in panels of about [`PANEL_BYTES`] of
/// weights, and each panel over the chunk's rows in strips of `R` rows (at
/// the bottom edge, one of 2 rows when `R > 2`, then single rows), see
/// [`strip`]. Which `(row, output)` sum is computed when changes nothing in
/// the operations of a sum.
///
/// # Safety
/// `T`'s instructions available; `w`: `n_out·n_in`, `b`: `n_out`, `x`:
/// `rows·n_in` floats readable; `y`: `rows·n_out` floats writable, not
/// overlapping the others.
#[inline(always)]
unsafe fn forward<T: Blocks, const R: usize, const O: usize>(
    d: Dims,
    w: *const f32,
    b: *const f32,
    x: *const f32,
    y: *mut f32,
) {
    let Dims { rows, n_in, n_out } = d;
    let row_bytes = n_in * size_of::<f32>();
    let panel = (PANEL_BYTES / row_bytes / O).max(1) * O;
    let chunk = (CHUNK_BYTES / row_bytes / R).max(1) * R;
    let mut r0 = 0;
    // SAFETY: (whole body) chunks cover rows r0..r1 <= rows of `x` and `y`,
    // panels outputs o0..o1 <= n_out of `w`, `b` and `y`, in bounds by this
    // function's contract.
    unsafe {
        while r0 < rows {
            let r1 = (r0 + chunk).min(rows);
            let mut o0 = 0;
            while o0 < n_out {
                let o1 = (o0 + panel).min(n_out);
                strips::<T, R, O>(
                    d,
                    r1 - r0,
                    o1 - o0,
                    w.add(o0 * n_in),
                    b.add(o0),
                    x.add(r0 * n_in),
                    y.add(r0 * n_out + o0),
                );
                o0 = o1;
            }
            r0 = r1;
        }
    }
}

/// Outputs `0..cols` of rows `0..rows` (of the strides in `d`) in strips of
/// `R` rows, then (at the bottom edge) one of 2 rows when `R > 2`, then
/// single rows.
///
/// # Safety
/// `T`'s instructions available; `w`: `cols` rows of `d.n_in` floats, `b`:
/// `cols` floats, `x`: `rows` rows of `d.n_in` floats readable; `y`: `rows`
/// rows of `cols` floats writable (row stride `d.n_out`).
#[inline(always)]
unsafe fn strips<T: Blocks, const R: usize, const O: usize>(
    d: Dims,
    rows: usize,
    cols: usize,
    w: *const f32,
    b: *const f32,
    x: *const f32,
    y: *mut f32,
) {
    let (n_in, n_out) = (d.n_in, d.n_out);
    let mut r = 0;
    // SAFETY: (whole body) each strip covers rows r..r+R' <= rows of `x` and
    // `y`, in bounds by this function's contract.
    unsafe {
        while r + R <= rows {
            strip::<T, R, O>(d, cols, w, b, x.add(r * n_in), y.add(r * n_out));
            r += R;
        }
        if R > 2 && r + 2 <= rows {
            strip::<T, 2, O>(d, cols, w, b, x.add(r * n_in), y.add(r * n_out));
            r += 2;
        }
        while r < rows {
            let (xr, yr) = (x.add(r * n_in), y.add(r * n_out));
            if T::WIDE_ROW {
                strip::<T, 1, 8>(d, cols, w, b, xr, yr);
            } else {
                strip::<T, 1, 4>(d, cols, w, b, xr, yr);
            }
            r += 1;
        }
    }
}

/// Outputs `0..cols` of `R` rows: blocks of `O` outputs, then (at the right
/// edge) one block of 4, one of 2 and one of 1 output as needed.
///
/// # Safety
/// `T`'s instructions available; `w`: `cols` rows of `d.n_in` floats, `b`:
/// `cols` floats readable, `x`: `R` rows of `d.n_in` floats readable, `y`:
/// `R` rows of `cols` floats writable (row stride `d.n_out`).
#[inline(always)]
unsafe fn strip<T: Blocks, const R: usize, const O: usize>(
    d: Dims,
    cols: usize,
    w: *const f32,
    b: *const f32,
    x: *const f32,
    y: *mut f32,
) {
    let n_in = d.n_in;
    let mut o = 0;
    // SAFETY: (whole body) each block covers outputs o..o+O' <= cols of `w`,
    // `b` and `y`, in bounds by this function's contract.
    unsafe {
        while o + O <= cols {
            T::block::<R, O>(d, w.add(o * n_in), b.add(o), x, y.add(o));
            o += O;
        }
        if O > 4 && o + 4 <= cols {
            T::block::<R, 4>(d, w.add(o * n_in), b.add(o), x, y.add(o));
            o += 4;
        }
        if O > 2 && o + 2 <= cols {
            T::block::<R, 2>(d, w.add(o * n_in), b.add(o), x, y.add(o));
            o += 2;
        }
        // At most one output is left now.
        if O > 1 && o < cols {
            T::block::<R, 1>(d, w.add(o * n_in), b.add(o), x, y.add(o));
        }
    }
}

/// `R` rows × `O` outputs: `R·O` accumulators; each step loads `R` input
/// vectors and `O` weight vectors.
///
/// # Safety
/// AVX2 available; `x` has `R` rows and `w` `O` rows of `d.n_in` floats
/// (row strides `d.n_in`), `b` `O` floats, and `y` `R` rows of `O` writable
/// floats (row stride `d.n_out`).
#[target_feature(enable = "avx2")]
#[inline]
#[allow(clippy::needless_range_loop)] // `acc[r][o]` indexed like the math; fully unrolled
unsafe fn block<const R: usize, const O: usize>(
    d: Dims,
    w: *const f32,
    b: *const f32,
    x: *const f32,
    y: *mut f32,
) {
    let n_in = d.n_in;
    let nb = n_in / LANES;
    let rem = n_in % LANES;
    let mut acc = [[_mm256_setzero_ps(); O]; R];
    // SAFETY: (whole body) offsets j·8 + lane < n_in within each row; the
    // tail uses masked loads that touch only the `rem` lanes in bounds.
    unsafe {
        // One step: inputs j·8..j·8+8 into every accumulator.
        let step = |acc: &mut [[__m256; O]; R], j: usize| {
            let mut xv = [_mm256_setzero_ps(); R];
            for (r, v) in xv.iter_mut().enumerate() {
                *v = _mm256_loadu_ps(x.add(r * n_in + j * LANES));
            }
            for o in 0..O {
                let wv = _mm256_loadu_ps(w.add(o * n_in + j * LANES));
                for r in 0..R {
                    acc[r][o] = _mm256_add_ps(acc[r][o], _mm256_mul_ps(wv, xv[r]));
                }
            }
        };
        // Two steps per iteration (half the loop overhead), in order.
        let mut j = 0;
        while j + 2 <= nb {
            step(&mut acc, j);
            step(&mut acc, j + 1);
            j += 2;
        }
        if j < nb {
            step(&mut acc, j);
        }
        if rem != 0 {
            let m = tail_mask(rem);
            let keep = _mm256_castsi256_ps(m);
            let mut xv = [_mm256_setzero_ps(); R];
            for (r, v) in xv.iter_mut().enumerate() {
                *v = _mm256_maskload_ps(x.add(r * n_in + nb * LANES), m);
            }
            for o in 0..O {
                let wv = _mm256_maskload_ps(w.add(o * n_in + nb * LANES), m);
                for r in 0..R {
                    let sum = _mm256_add_ps(acc[r][o], _mm256_mul_ps(wv, xv[r]));
                    acc[r][o] = _mm256_blendv_ps(acc[r][o], sum, keep);
                }
            }
        }
        finish::<R, O>(&acc, b, y, d.n_out);
    }
}

/// `y[r][o] = reduce(acc[r][o]) + b[o]`, eight accumulators per [`hsum8`]
/// where the block's shape allows it (`O` a multiple of 8, or 2 rows of 4, or
/// 4 rows of 2 outputs), four rows of one output per [`hsum4`].
///
/// # Safety
/// AVX2 available; `b` `O` floats readable, `y` `R` rows of `O` floats
/// writable (row stride `n_out`).
#[target_feature(enable = "avx2")]
#[inline]
#[allow(clippy::needless_range_loop)] // `acc[r][o]` indexed like the math; fully unrolled
unsafe fn finish<const R: usize, const O: usize>(
    acc: &[[__m256; O]; R],
    b: *const f32,
    y: *mut f32,
    n_out: usize,
) {
    // SAFETY: (whole body) reads `b[..O]`, writes `y[r·n_out + o]` for
    // r < R, o < O only.
    unsafe {
        if O.is_multiple_of(8) {
            for r in 0..R {
                for o in (0..O).step_by(8) {
                    let a = &acc[r];
                    let s = hsum8([
                        a[o],
                        a[o + 1],
                        a[o + 2],
                        a[o + 3],
                        a[o + 4],
                        a[o + 5],
                        a[o + 6],
                        a[o + 7],
                    ]);
                    let yr = y.add(r * n_out + o);
                    _mm256_storeu_ps(yr, _mm256_add_ps(s, _mm256_loadu_ps(b.add(o))));
                }
            }
        } else if O == 4 && R.is_multiple_of(2) {
            let b4 = _mm_loadu_ps(b);
            let bv = _mm256_set_m128(b4, b4);
            for r in (0..R).step_by(2) {
                let (a, c) = (&acc[r], &acc[r + 1]);
                let s = hsum8([a[0], a[1], a[2], a[3], c[0], c[1], c[2], c[3]]);
                let s = _mm256_add_ps(s, bv);
                _mm_storeu_ps(y.add(r * n_out), _mm256_castps256_ps128(s));
                _mm_storeu_ps(y.add((r + 1) * n_out), _mm256_extractf128_ps::<1>(s));
            }
        } else if O == 6 && R.is_multiple_of(2) {
            // Per pair of rows: outputs 0–3 of both rows per `hsum8`,
            // outputs 4–5 of both per `hsum4` ([r0 o4, r0 o5, r1 o4, r1 o5]).
            let b4 = _mm_loadu_ps(b);
            let b4 = _mm256_set_m128(b4, b4);
            let b2 = f64::from_bits(b.add(4).cast::<u64>().read_unaligned());
            let b2 = _mm_castpd_ps(_mm_set1_pd(b2));
            for r in (0..R).step_by(2) {
                let (a, c) = (&acc[r], &acc[r + 1]);
                let (y0, y1) = (y.add(r * n_out), y.add((r + 1) * n_out));
                let s = _mm256_add_ps(hsum8([a[0], a[1], a[2], a[3], c[0], c[1], c[2], c[3]]), b4);
                _mm_storeu_ps(y0, _mm256_castps256_ps128(s));
                _mm_storeu_ps(y1, _mm256_extractf128_ps::<1>(s));
                let t = _mm_castps_si128(_mm_add_ps(hsum4(a[4], a[5], c[4], c[5]), b2));
                y0.add(4)
                    .cast::<i64>()
                    .write_unaligned(_mm_cvtsi128_si64(t));
                y1.add(4)
                    .cast::<i64>()
                    .write_unaligned(_mm_extract_epi64::<1>(t));
            }
        } else if O == 2 && R.is_multiple_of(4) {
            let b2 = f64::from_bits(b.cast::<u64>().read_unaligned());
            let bv = _mm256_castpd_ps(_mm256_set1_pd(b2));
            for r in (0..R).step_by(4) {
                let a = [&acc[r], &acc[r + 1], &acc[r + 2], &acc[r + 3]];
                let s = hsum8([
                    a[0][0], a[0][1], a[1][0], a[1][1], a[2][0], a[2][1], a[3][0], a[3][1],
                ]);
                let s = _mm256_castps_si256(_mm256_add_ps(s, bv));
                let (lo, hi) = (_mm256_castsi256_si128(s), _mm256_extracti128_si256::<1>(s));
                let pairs = [
                    _mm_cvtsi128_si64(lo),
                    _mm_extract_epi64::<1>(lo),
                    _mm_cvtsi128_si64(hi),
                    _mm_extract_epi64::<1>(hi),
                ];
                for (k, &p) in pairs.iter().enumerate() {
                    y.add((r + k) * n_out).cast::<i64>().write_unaligned(p);
                }
            }
        } else if O == 1 && R.is_multiple_of(4) {
            let bv = _mm_set1_ps(*b);
            for r in (0..R).step_by(4) {
                let s = hsum4(acc[r][0], acc[r + 1][0], acc[r + 2][0], acc[r + 3][0]);
                let mut t = [0.0f32; 4];
                _mm_storeu_ps(t.as_mut_ptr(), _mm_add_ps(s, bv));
                for (k, &v) in t.iter().enumerate() {
                    *y.add((r + k) * n_out) = v;
                }
            }
        } else {
            for r in 0..R {
                let yr = y.add(r * n_out);
                let mut o = 0;
                while o + 4 <= O {
                    let a = &acc[r];
                    let s = hsum4(a[o], a[o + 1], a[o + 2], a[o + 3]);
                    _mm_storeu_ps(yr.add(o), _mm_add_ps(s, _mm_loadu_ps(b.add(o))));
                    o += 4;
                }
                while o < O {
                    *yr.add(o) = hsum1(acc[r][o]) + *b.add(o);
                    o += 1;
                }
            }
        }
    }
}

/// Lanes `[a0+a4, a1+a5, a2+a6, a3+a7]`, the first level of [`reduce`].
#[target_feature(enable = "avx2")]
#[inline]
fn fold(a: __m256) -> __m128 {
    _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps::<1>(a))
}

/// [`reduce`] of four accumulators at once: `hadd` pairs lanes `(0,1)`,
/// `(2,3)` of the folded vectors, then the two halves, exactly the tree
/// `((a0+a4)+(a1+a5)) + ((a2+a6)+(a3+a7))`.
#[target_feature(enable = "avx2")]
#[inline]
fn hsum4(a: __m256, b: __m256, c: __m256, d: __m256) -> __m128 {
    let ab = _mm_hadd_ps(fold(a), fold(b));
    let cd = _mm_hadd_ps(fold(c), fold(d));
    _mm_hadd_ps(ab, cd)
}

/// [`reduce`] of eight accumulators at once: lane `k` of the result is
/// `reduce(a[k])`. The first level adds the 128-bit halves of `a[k]` and
/// `a[k + 4]` in one 256-bit add (`[a0+a4, a1+a5, a2+a6, a3+a7]` in each
/// half), then two levels of 256-bit `hadd` pair neighbouring lanes, exactly
/// the tree `((a0+a4)+(a1+a5)) + ((a2+a6)+(a3+a7))`; pairing `k` with `k + 4`
/// leaves the results in order.
#[target_feature(enable = "avx2")]
#[inline]
fn hsum8(a: [__m256; 8]) -> __m256 {
    let fold2 = |p: __m256, q: __m256| {
        let lo = _mm256_permute2f128_ps::<0x20>(p, q); // [p lo, q lo]
        let hi = _mm256_permute2f128_ps::<0x31>(p, q); // [p hi, q hi]
        _mm256_add_ps(lo, hi)
    };
    let l01 = _mm256_hadd_ps(fold2(a[0], a[4]), fold2(a[1], a[5]));
    let l23 = _mm256_hadd_ps(fold2(a[2], a[6]), fold2(a[3], a[7]));
    _mm256_hadd_ps(l01, l23)
}

/// [`reduce`] of one accumulator.
#[target_feature(enable = "avx2")]
#[inline]
fn hsum1(a: __m256) -> f32 {
    let mut t = [0.0f32; LANES];
    // SAFETY: `t` is 8 writable floats.
    unsafe { _mm256_storeu_ps(t.as_mut_ptr(), a) };
    reduce(&t)
}

/// The SSE2 blocks: each eight-lane sum in two 128-bit registers (lanes
/// 0–3 and 4–7), the same multiply-then-add per lane as the portable
/// kernel; a row's last `n_in % 8` inputs go through zeroed copies. SSE2 is
/// part of every x86_64 CPU.
struct Sse2;

impl Blocks for Sse2 {
    const WIDE_ROW: bool = false;

    #[inline(always)]
    #[allow(clippy::needless_range_loop)] // `acc[r][o]` indexed like the math; fully unrolled
    unsafe fn block<const R: usize, const O: usize>(
        d: Dims,
        w: *const f32,
        b: *const f32,
        x: *const f32,
        y: *mut f32,
    ) {
        let n_in = d.n_in;
        let nb = n_in / LANES;
        let rem = n_in % LANES;
        // SAFETY: SSE is part of every x86_64 CPU.
        let mut acc = [[[unsafe { _mm_setzero_ps() }; 2]; O]; R];
        // One half step: inputs `k..k+4` (`half` 0 or 1 of an eight-lane step)
        // from rows at `x` and weights at `w` with strides `sx`, `sw`.
        let half_step = |acc: &mut [[[__m128; 2]; O]; R],
                         x: *const f32,
                         sx: usize,
                         w: *const f32,
                         sw: usize,
                         half: usize| {
            // SAFETY: the callers pass pointers to 4 readable floats per row.
            unsafe {
                let mut xv = [_mm_setzero_ps(); R];
                for (r, v) in xv.iter_mut().enumerate() {
                    *v = _mm_loadu_ps(x.add(r * sx));
                }
                for o in 0..O {
                    let wv = _mm_loadu_ps(w.add(o * sw));
                    for r in 0..R {
                        acc[r][o][half] = _mm_add_ps(acc[r][o][half], _mm_mul_ps(wv, xv[r]));
                    }
                }
            }
        };
        // SAFETY: (whole body) offsets j·8 + lane < n_in within each row; the
        // tail reads only the `rem` floats in bounds, into zeroed copies.
        unsafe {
            for j in 0..nb {
                for half in 0..2 {
                    let k = j * LANES + half * 4;
                    half_step(&mut acc, x.add(k), n_in, w.add(k), n_in, half);
                }
            }
            if rem != 0 {
                let mut xt = [[0.0f32; LANES]; R];
                let mut wt = [[0.0f32; LANES]; O];
                for (r, t) in xt.iter_mut().enumerate() {
                    core::ptr::copy_nonoverlapping(
                        x.add(r * n_in + nb * LANES),
                        t.as_mut_ptr(),
                        rem,
                    );
                }
                for (o, t) in wt.iter_mut().enumerate() {
                    core::ptr::copy_nonoverlapping(
                        w.add(o * n_in + nb * LANES),
                        t.as_mut_ptr(),
                        rem,
                    );
                }
                // The copies' zero lanes add `+0·+0 = +0`, which changes no sum:
                // a sum that starts at `+0` is never `-0`.
                let (xp, wp) = (xt.as_ptr().cast::<f32>(), wt.as_ptr().cast::<f32>());
                for half in 0..2 {
                    half_step(
                        &mut acc,
                        xp.add(half * 4),
                        LANES,
                        wp.add(half * 4),
                        LANES,
                        half,
                    );
                }
            }
            // [a0+a4, a1+a5, a2+a6, a3+a7]: the first level of `reduce`.
            let fold = |[lo, hi]: [__m128; 2]| _mm_add_ps(lo, hi);
            let y_at = |r: usize, o: usize| y.add(r * d.n_out + o);
            if R == 2 && O == 2 {
                // The block's four sums at once; the bias is [b0, b1, b0, b1].
                let a = [acc[0][0], acc[0][1], acc[1][0], acc[1][1]].map(fold);
                let b2 = _mm_castsi128_ps(_mm_set1_epi64x(b.cast::<i64>().read_unaligned()));
                let s = _mm_castps_si128(_mm_add_ps(reduce4(a), b2));
                let row1 = _mm_unpackhi_epi64(s, s);
                y_at(0, 0)
                    .cast::<i64>()
                    .write_unaligned(_mm_cvtsi128_si64(s));
                y_at(1, 0)
                    .cast::<i64>()
                    .write_unaligned(_mm_cvtsi128_si64(row1));
            } else if O.is_multiple_of(4) {
                for r in 0..R {
                    for o in (0..O).step_by(4) {
                        let a = [0, 1, 2, 3].map(|k| fold(acc[r][o + k]));
                        _mm_storeu_ps(y_at(r, o), _mm_add_ps(reduce4(a), _mm_loadu_ps(b.add(o))));
                    }
                }
            } else {
                for r in 0..R {
                    for o in 0..O {
                        // (f0+f1) and (f2+f3) in lanes 0 and 2, then their sum.
                        let f = fold(acc[r][o]);
                        let pairs = _mm_add_ps(f, _mm_shuffle_ps::<0b10_11_00_01>(f, f));
                        let sum = _mm_add_ss(pairs, _mm_movehl_ps(pairs, pairs));
                        *y_at(r, o) = _mm_cvtss_f32(_mm_add_ss(sum, _mm_load_ss(b.add(o))));
                    }
                }
            }
        }
    }
}

/// The rest of [`reduce`] for four folded sums at once: lane `k` of the
/// result is `(f[k][0] + f[k][1]) + (f[k][2] + f[k][3])` (a 4 × 4
/// transpose, then the same adds in the same order).
#[inline(always)]
fn reduce4(f: [__m128; 4]) -> __m128 {
    // SAFETY: SSE is part of every x86_64 CPU; no memory is touched.
    unsafe {
        let (lo01, lo23) = (_mm_unpacklo_ps(f[0], f[1]), _mm_unpacklo_ps(f[2], f[3]));
        let (hi01, hi23) = (_mm_unpackhi_ps(f[0], f[1]), _mm_unpackhi_ps(f[2], f[3]));
        let c0 = _mm_movelh_ps(lo01, lo23); // f[k][0]
        let c1 = _mm_movehl_ps(lo23, lo01); // f[k][1]
        let c2 = _mm_movelh_ps(hi01, hi23); // f[k][2]
        let c3 = _mm_movehl_ps(hi23, hi01); // f[k][3]
        _mm_add_ps(_mm_add_ps(c0, c1), _mm_add_ps(c2, c3))
    }
}
