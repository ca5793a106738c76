//! The core's arithmetic peak, measured: register-only loops of independent
//! vector chains, one per instruction-set tier, so that a kernel's speed can
//! be given as a share of what the core can issue.
//!
//! - *mul+add*: six multiply chains and six add chains (`m *= c`, `a += d`),
//!   the issue limit of a kernel that multiplies and adds separately, as nn's
//!   exact-order kernels do;
//! - *FMA*: twelve fused multiply-add chains (`a = a·c + d`), the peak that
//!   BLAS-style kernels can reach (2 flops per lane);
//! - *Block* and *BlockSplit* (AVX2 only): the inner loop of nn's AVX2 dense
//!   forward (2 rows × 4 outputs, per 8-lane step 2 input and 4 weight
//!   loads, 8 multiplies, 8 adds) over rows that stay in L1, with the rows on
//!   a 64-byte boundary (*Block*) or 16 bytes past one (*BlockSplit*: every
//!   other 32-byte load crosses a cache line, as with the 16-byte-aligned
//!   buffers of the heap): the ceiling of that loop's loads and instructions,
//!   below the mul+add peak.
//!
//! Twelve chains cover the latency (3–4 cycles) times the throughput (2 per
//! cycle) of current x86 cores and fit in 16 registers with the constants.

#![allow(unsafe_code)] // `core::arch` intrinsics behind run-time detection

use std::arch::x86_64::*;
use std::hint::black_box;

use nn_core::arch::Isa;

/// Chains per loop iteration.
const CHAINS: usize = 12;

/// Which peak to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peak {
    /// Separate multiplies and adds.
    MulAdd,
    /// Fused multiply-add (needs the `fma` feature).
    Fma,
    /// The AVX2 forward's 2 × 4 block on aligned rows in L1.
    Block,
    /// The same with every other load crossing a cache line.
    BlockSplit,
}

/// Inputs per row of the block loops (2 KiB: six rows stay in L1).
const BLOCK_ROW: usize = 512;
/// Flops of one 8-lane step of the 2 × 4 block.
const BLOCK_STEP_FLOPS: u64 = 2 * 2 * 4 * 8;

/// Floats per vector of `tier`'s peak loop (SSE2 for the portable tier).
pub fn lanes(tier: Isa) -> usize {
    match tier {
        Isa::Portable => 4,
        Isa::Avx2 => 8,
        Isa::Avx512 => 16,
    }
}

/// Flops of one [`run`] call of `iters` iterations (for the block loops,
/// `iters` 8-lane steps, rounded down to whole rows).
pub fn flops(tier: Isa, peak: Peak, iters: usize) -> u64 {
    match peak {
        Peak::MulAdd => (CHAINS * lanes(tier) * iters) as u64,
        Peak::Fma => 2 * (CHAINS * lanes(tier) * iters) as u64,
        Peak::Block | Peak::BlockSplit => {
            BLOCK_STEP_FLOPS * (iters / (BLOCK_ROW / 8) * (BLOCK_ROW / 8)) as u64
        }
    }
}

/// Whether this CPU runs `peak` on `tier`.
pub fn supported(tier: Isa, peak: Peak) -> bool {
    let fma = peak == Peak::Fma;
    match (tier, peak) {
        (Isa::Portable, _) => peak == Peak::MulAdd,
        (Isa::Avx2, _) => {
            is_x86_feature_detected!("avx2") && (!fma || is_x86_feature_detected!("fma"))
        }
        (Isa::Avx512, Peak::MulAdd | Peak::Fma) => is_x86_feature_detected!("avx512f"),
        (Isa::Avx512, _) => false,
    }
}

/// `iters` iterations of `peak`'s loop on `tier`; the result only keeps the
/// chains alive. Panics when [`supported`] is false.
pub fn run(tier: Isa, peak: Peak, iters: usize) -> f32 {
    assert!(supported(tier, peak), "{peak:?} on {tier:?} not supported");
    let (c, d) = (black_box(1.0f32), black_box(1e-30f32));
    // SAFETY: `supported` checked the features each function enables.
    unsafe {
        match (tier, peak) {
            (Isa::Portable, _) => mul_add_sse(iters, c, d),
            (Isa::Avx2, Peak::MulAdd) => mul_add_avx2(iters, c, d),
            (Isa::Avx2, Peak::Fma) => fma_avx2(iters, c, d),
            (Isa::Avx2, Peak::Block) => block_avx2(iters / (BLOCK_ROW / 8), 0),
            (Isa::Avx2, Peak::BlockSplit) => block_avx2(iters / (BLOCK_ROW / 8), 4),
            (Isa::Avx512, Peak::MulAdd) => mul_add_avx512(iters, c, d),
            (Isa::Avx512, Peak::Fma) => fma_avx512(iters, c, d),
            (Isa::Avx512, _) => unreachable!("not supported"),
        }
    }
}

/// The body shared by every loop: `$mul`/`$add`/`$fma` on vectors of `$set1`.
macro_rules! chains {
    (mul_add, $iters:expr, $c:expr, $d:expr, $set1:ident, $mul:ident, $add:ident, $sum:expr) => {{
        let (c, d) = ($set1($c), $set1($d));
        let mut m = [$set1(1.0); CHAINS / 2];
        let mut a = [$set1(0.0); CHAINS / 2];
        for _ in 0..$iters {
            for k in 0..CHAINS / 2 {
                m[k] = $mul(m[k], c);
                a[k] = $add(a[k], d);
            }
        }
        let s = m.iter().chain(&a).fold($set1(0.0), |s, &v| $add(s, v));
        $sum(s)
    }};
    (fma, $iters:expr, $c:expr, $d:expr, $set1:ident, $fma:ident, $add:ident, $sum:expr) => {{
        let (c, d) = ($set1($c), $set1($d));
        let mut a = [$set1(0.0); CHAINS];
        for _ in 0..$iters {
            for v in a.iter_mut() {
                *v = $fma(*v, c, d);
            }
        }
        let s = a.iter().fold($set1(0.0), |s, &v| $add(s, v));
        $sum(s)
    }};
}

#[target_feature(enable = "sse2")]
fn mul_add_sse(iters: usize, c: f32, d: f32) -> f32 {
    chains!(
        mul_add,
        iters,
        c,
        d,
        _mm_set1_ps,
        _mm_mul_ps,
        _mm_add_ps,
        _mm_cvtss_f32
    )
}

#[target_feature(enable = "avx2")]
fn mul_add_avx2(iters: usize, c: f32, d: f32) -> f32 {
    let first = |v| _mm256_cvtss_f32(v);
    chains!(
        mul_add,
        iters,
        c,
        d,
        _mm256_set1_ps,
        _mm256_mul_ps,
        _mm256_add_ps,
        first
    )
}

#[target_feature(enable = "avx2,fma")]
fn fma_avx2(iters: usize, c: f32, d: f32) -> f32 {
    let first = |v| _mm256_cvtss_f32(v);
    chains!(
        fma,
        iters,
        c,
        d,
        _mm256_set1_ps,
        _mm256_fmadd_ps,
        _mm256_add_ps,
        first
    )
}

#[target_feature(enable = "avx512f")]
fn mul_add_avx512(iters: usize, c: f32, d: f32) -> f32 {
    let first = |v| _mm512_reduce_add_ps(v);
    chains!(
        mul_add,
        iters,
        c,
        d,
        _mm512_set1_ps,
        _mm512_mul_ps,
        _mm512_add_ps,
        first
    )
}

#[target_feature(enable = "avx512f")]
fn fma_avx512(iters: usize, c: f32, d: f32) -> f32 {
    let first = |v| _mm512_reduce_add_ps(v);
    chains!(
        fma,
        iters,
        c,
        d,
        _mm512_set1_ps,
        _mm512_fmadd_ps,
        _mm512_add_ps,
        first
    )
}

/// Six rows of [`BLOCK_ROW`] inputs on a 64-byte boundary, plus room to
/// shift them.
#[repr(C, align(64))]
struct Rows([f32; 6 * BLOCK_ROW + 16]);

/// `passes` passes of the 2 × 4 block over two input rows and four weight
/// rows that start `offset` floats past a 64-byte boundary, the loop of
/// `nn_core`'s AVX2 forward (unaligned loads; the same 6 loads, 8 `vmulps`
/// and 8 `vaddps` per step).
#[target_feature(enable = "avx2")]
fn block_avx2(passes: usize, offset: usize) -> f32 {
    let data = black_box(Rows([0.5; 6 * BLOCK_ROW + 16]));
    let base = data.0[offset..][..6 * BLOCK_ROW].as_ptr();
    // SAFETY: every row `k < 6` and step `j < BLOCK_ROW / 8` reads floats
    // `offset + k·BLOCK_ROW + 8j ..+8` of `data`, in bounds (checked by the
    // slice above); AVX is enabled here.
    let load = |row: *const f32, j: usize| unsafe { _mm256_loadu_ps(row.add(j * 8)) };
    let mut acc = [[_mm256_setzero_ps(); 4]; 2];
    for _ in 0..passes {
        // SAFETY: as for `load`.
        let rows: [*const f32; 6] =
            black_box(core::array::from_fn(|k| unsafe { base.add(k * BLOCK_ROW) }));
        for j in 0..BLOCK_ROW / 8 {
            let x = [load(rows[0], j), load(rows[1], j)];
            for o in 0..4 {
                let w = load(rows[2 + o], j);
                for (r, &x) in x.iter().enumerate() {
                    acc[r][o] = _mm256_add_ps(acc[r][o], _mm256_mul_ps(w, x));
                }
            }
        }
    }
    let s = acc
        .iter()
        .flatten()
        .fold(_mm256_setzero_ps(), |s, &v| _mm256_add_ps(s, v));
    _mm256_cvtss_f32(s)
}
