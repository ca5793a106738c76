//! The core's arithmetic peak, measured: register-only loops of independent
//! vector chains, one per instruction-set tier, so that a kernel's speed can
//! be given as a share of what the core can issue.
//!
//! - *mul+add*: six multiply chains and six add chains (`m *= c`, `a += d`),
//!   the issue limit of a kernel that multiplies and adds separately, as nn's
//!   exact-order kernels do;
//! - *FMA*: twelve fused multiply-add chains (`a = a·c + d`), the peak that
//!   BLAS-style kernels can reach (2 flops per lane).
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
}

/// Floats per vector of `tier`'s peak loop (SSE2 for the portable tier).
pub fn lanes(tier: Isa) -> usize {
    match tier {
        Isa::Portable => 4,
        Isa::Avx2 => 8,
        Isa::Avx512 => 16,
    }
}

/// Flops of one [`run`] call of `iters` iterations.
pub fn flops(tier: Isa, iters: usize) -> u64 {
    (CHAINS * lanes(tier) * iters) as u64
}

/// Whether this CPU runs `peak` on `tier`.
pub fn supported(tier: Isa, peak: Peak) -> bool {
    let fma = peak == Peak::Fma;
    match tier {
        Isa::Portable => !fma,
        Isa::Avx2 => is_x86_feature_detected!("avx2") && (!fma || is_x86_feature_detected!("fma")),
        Isa::Avx512 => is_x86_feature_detected!("avx512f"),
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
            (Isa::Avx512, Peak::MulAdd) => mul_add_avx512(iters, c, d),
            (Isa::Avx512, Peak::Fma) => fma_avx512(iters, c, d),
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
