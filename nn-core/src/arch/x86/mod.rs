//! x86_64: tier detection by `cpuid` and `xgetbv` (no std), the selected
//! tier, code compiled per tier, and the `f32` dense kernels.
//!
//! The `unsafe` here: `xgetbv` after `cpuid` showed it available, calls of
//! `#[target_feature]` functions after detection found their features, and
//! (in `dense`) vector loads and stores through pointers whose ranges are
//! checked up front.
//!
//! Needs Rust 1.89 (AVX-512 intrinsics and `target_feature` 1.1), the
//! workspace's declared `rust-version`.

mod backward;
pub(crate) mod dense;

use core::arch::x86_64::*;
use core::sync::atomic::{AtomicU8, Ordering};

use super::{Isa, Kernel};

const UNKNOWN: u8 = u8::MAX;
/// The tier in use; `UNKNOWN` until the first kernel call or `set_isa`.
static SELECTED: AtomicU8 = AtomicU8::new(UNKNOWN);
/// What the CPU supports; `UNKNOWN` until detected.
static DETECTED: AtomicU8 = AtomicU8::new(UNKNOWN);

fn to_u8(isa: Isa) -> u8 {
    match isa {
        Isa::Portable => 0,
        Isa::Avx2 => 1,
        Isa::Avx512 => 2,
    }
}

fn from_u8(v: u8) -> Isa {
    match v {
        1 => Isa::Avx2,
        2 => Isa::Avx512,
        _ => Isa::Portable,
    }
}

/// The best tier this CPU and OS support, by `cpuid` and `xgetbv` (no std).
pub(crate) fn detect() -> Isa {
    let d = DETECTED.load(Ordering::Relaxed);
    if d != UNKNOWN {
        return from_u8(d);
    }
    let isa = detect_uncached();
    DETECTED.store(to_u8(isa), Ordering::Relaxed);
    isa
}

fn detect_uncached() -> Isa {
    let leaf0 = __cpuid(0);
    if leaf0.eax < 7 {
        return Isa::Portable;
    }
    let leaf1 = __cpuid(1);
    let (osxsave, avx) = (leaf1.ecx & (1 << 27) != 0, leaf1.ecx & (1 << 28) != 0);
    if !(osxsave && avx) {
        return Isa::Portable;
    }
    // SAFETY: CPUID.1:ECX.OSXSAVE[bit 27] is set, so the OS has enabled
    // XSAVE and `xgetbv` with ECX = 0 is a valid instruction.
    let xcr0 = unsafe { _xgetbv(0) };
    // XMM and YMM state saved by the OS.
    if xcr0 & 0b110 != 0b110 {
        return Isa::Portable;
    }
    let leaf7 = __cpuid_count(7, 0);
    if leaf7.ebx & (1 << 5) == 0 {
        return Isa::Portable; // no AVX2
    }
    let avx512 = leaf7.ebx & (1 << 16) != 0 && leaf7.ebx & (1 << 31) != 0; // F and VL
    // Opmask, upper ZMM0-15 and ZMM16-31 state saved by the OS.
    if avx512 && xcr0 & 0xe0 == 0xe0 {
        Isa::Avx512
    } else {
        Isa::Avx2
    }
}

/// The tier the kernels use now.
pub(crate) fn selected() -> Isa {
    let s = SELECTED.load(Ordering::Relaxed);
    if s != UNKNOWN {
        return from_u8(s);
    }
    let isa = detect();
    SELECTED.store(to_u8(isa), Ordering::Relaxed);
    isa
}

/// Requests a tier; gets the best supported one that is not above it.
pub(crate) fn set(requested: Isa) -> Isa {
    let isa = from_u8(to_u8(requested).min(to_u8(detect())));
    SELECTED.store(to_u8(isa), Ordering::Relaxed);
    isa
}

/// `K::run(args)` compiled for tier `isa`, capped at what the CPU supports.
#[inline]
pub(super) fn on_tier<K: Kernel<A>, A>(isa: Isa, args: A) -> K::Output {
    match isa.min(detect()) {
        // SAFETY: `detect` found AVX2, AVX-512F and AVX-512VL supported by
        // the CPU and enabled by the OS.
        Isa::Avx512 => unsafe { on_avx512::<K, A>(args) },
        // SAFETY: `detect` found AVX2 supported and enabled.
        Isa::Avx2 => unsafe { on_avx2::<K, A>(args) },
        Isa::Portable => K::run(args),
    }
}

#[target_feature(enable = "avx2")]
fn on_avx2<K: Kernel<A>, A>(args: A) -> K::Output {
    K::run(args)
}

#[target_feature(enable = "avx2,avx512f,avx512vl")]
fn on_avx512<K: Kernel<A>, A>(args: A) -> K::Output {
    K::run(args)
}

#[cfg(target_feature = "sse2")]
/// `√x` by `sqrtss`, which the compiler sees as `llvm.sqrt` (and vectorizes).
#[inline(always)]
pub(super) fn sqrt_f32(x: f32) -> f32 {
    // SAFETY: these intrinsics need only SSE, part of the x86_64 baseline
    // (this function is compiled only with SSE2 enabled); they touch no memory.
    unsafe { _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x))) }
}

#[cfg(target_feature = "sse2")]
/// `√x` by `sqrtsd`, as [`sqrt_f32`].
#[inline(always)]
pub(super) fn sqrt_f64(x: f64) -> f64 {
    // SAFETY: these intrinsics need only SSE2, enabled for this build;
    // they touch no memory.
    unsafe { _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x))) }
}
