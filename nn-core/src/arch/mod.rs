//! The one place that knows the CPU: instruction-set tiers, their detection
//! and selection, and every routine written for one architecture.
//!
//! The kernels elsewhere are plain generic Rust. On x86_64 this module adds
//! `cpuid`/`xgetbv` detection (no std, cached in atomics), the tier
//! selection ([`isa`], [`set_isa`]), the register-blocked `f32` dense
//! kernels (SSE2 for the portable tier, AVX2, AVX-512), and [`vectorized`], which runs a [`Kernel`] compiled for the
//! selected tier (the slice `exp` and the optimizers' update loops use it). Every tier
//! computes the same bits as the portable code: the tier tests check it bit
//! for bit. The `f32`-only routines are reached through hooks of the sealed
//! [`Float`](crate::Float) trait, so no generic code casts between scalar
//! types.
//!
//! On Arm cores with the DSP extension, `dsp` holds the int8 fully
//! connected layer with `SXTB16`/`SMLAD`; on Armv6-M, `armv6m` the int8
//! dot product in Thumb-1 assembly; on Arm hard-float targets, `vfp` the
//! `f32` dense forward pass with `VLDM`/`VMLA`.
//!
//! This is the only module of the crate with `unsafe` code (in `x86`,
//! `dsp`, `armv6m` and `vfp`).

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(crate) mod x86;

/// The int8 fully connected layer with Arm's DSP extension (portable
/// definitions of its instructions on other targets, for the tests).
#[cfg(any(test, all(target_arch = "arm", target_feature = "dsp")))]
#[allow(unsafe_code)]
pub(crate) mod dsp;

/// The int8 dot product in Thumb-1 assembly for Armv6-M (Cortex-M0/M0+).
#[cfg(all(target_arch = "arm", not(target_feature = "thumb2")))]
#[allow(unsafe_code)]
pub(crate) mod armv6m;

/// The `f32` dense forward pass with the floating-point unit of Arm
/// hard-float targets (Cortex-M4F and up).
#[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
#[allow(unsafe_code)]
pub(crate) mod vfp;

#[cfg(test)]
extern crate std;

/// An instruction-set tier of the kernels.
///
/// All tiers give bit-identical results; they differ only in speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
    /// The build target's baseline: on x86_64 the `f32` dense kernels with
    /// SSE2 (part of every x86_64 CPU) in register blocks, the rest plain
    /// Rust vectorized by the compiler; on other targets plain Rust only
    /// (the only tier there).
    Portable,
    /// x86_64 AVX2 with register-blocked micro-kernels.
    Avx2,
    /// x86_64 AVX-512F/VL: the dense forward pass with 256-bit vectors but
    /// 32 registers (larger blocks), the backward pass and the slice `exp`
    /// with 512-bit vectors.
    Avx512,
}

/// The tier the kernels use: the best one the CPU supports unless lowered
/// with [`set_isa`].
///
/// ```
/// use nn_core::arch::{Isa, isa};
/// let tier = isa();
/// assert!(tier >= Isa::Portable);
/// ```
pub fn isa() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        x86::selected()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Isa::Portable
    }
}

/// Selects the tier for all later kernel calls (process-wide), capped at what
/// the CPU supports; returns the tier now in use. Results do not change, only
/// speed: this exists for benchmarks and tests.
///
/// ```
/// use nn_core::arch::{Isa, isa, set_isa};
/// let best = isa();
/// assert_eq!(set_isa(Isa::Portable), Isa::Portable);
/// set_isa(best);
/// ```
pub fn set_isa(requested: Isa) -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        x86::set(requested)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = requested;
        Isa::Portable
    }
}

/// The best tier the CPU supports, whatever [`set_isa`] selected.
#[cfg(test)]
pub(crate) fn detected_isa() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        x86::detect()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Isa::Portable
    }
}

/// A loop to be compiled once per tier by [`vectorized`]: a type (usually
/// a unit struct) whose [`run`](Kernel::run) holds the loop.
///
/// `run` should be `#[inline(always)]`, so that its body is compiled inside
/// each tier's code.
pub trait Kernel<A> {
    /// What the loop returns.
    type Output;
    /// The loop.
    fn run(args: A) -> Self::Output;
}

/// `K::run(args)` compiled for the selected tier ([`isa`]): with AVX2 (or
/// AVX-512) code generation on x86_64 when selected, as plain code otherwise.
///
/// For element-wise loops without fused multiply-add the compiler's wider
/// vectors change no element's operations, so every tier gives the same
/// bits.
///
/// ```
/// use nn_core::arch::{Kernel, vectorized};
/// struct Scale;
/// impl Kernel<(&mut [f32], f32)> for Scale {
///     type Output = ();
///     #[inline(always)]
///     fn run((v, k): (&mut [f32], f32)) {
///         v.iter_mut().for_each(|e| *e *= k);
///     }
/// }
/// let mut v = [1.0f32, 2.0, 3.0];
/// vectorized::<Scale, _>((&mut v[..], 0.5));
/// assert_eq!(v, [0.5, 1.0, 1.5]);
/// ```
#[inline]
pub fn vectorized<K: Kernel<A>, A>(args: A) -> K::Output {
    vectorized_on::<K, A>(isa(), args)
}

/// [`vectorized`] on tier `isa`, capped at what the CPU supports.
#[inline]
pub(crate) fn vectorized_on<K: Kernel<A>, A>(isa: Isa, args: A) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    {
        x86::on_tier::<K, A>(isa, args)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = isa;
        K::run(args)
    }
}

/// Batched `f32` dense forward pass on the selected tier, or with the Arm
/// floating-point unit; `false` (nothing done) when the portable kernel
/// must run: no such code for this target or shape, an empty dimension, or
/// lengths that are not those of one shape.
#[inline]
pub(crate) fn dense_forward_f32(w: &[f32], b: &[f32], x: &[f32], y: &mut [f32]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        x86::dense::forward_batch_on(isa(), w, b, x, y)
    }
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    {
        vfp::forward_batch(w, b, x, y)
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "arm", target_abi = "eabihf")
    )))]
    {
        let _ = (w, b, x, y);
        false
    }
}

/// The typed `f32` dense layer's forward pass off x86_64, each output
/// written once: with the Arm floating-point unit where it applies, the
/// portable kernel otherwise.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(crate) fn dense_forward_array_f32<const IN: usize, const OUT: usize>(
    w: &[[f32; IN]; OUT],
    b: &[f32; OUT],
    x: &[f32; IN],
) -> [f32; OUT] {
    #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
    if let Some(y) = vfp::forward_array(w, b, x) {
        return y;
    }
    crate::kernels::dense::portable::forward_array(w, b, x)
}

/// Batched `f32` dense backward pass on the selected tier, `false` as in
/// [`dense_forward_f32`]; `input_grad` is `(w, dx)`, `None` for the
/// parameter gradients alone.
#[inline]
pub(crate) fn dense_backward_f32(
    x: &[f32],
    dy: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    input_grad: Option<(&[f32], &mut [f32])>,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        x86::dense::backward_batch_on(isa(), x, dy, dw, db, input_grad)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (x, dy, dw, db, input_grad);
        false
    }
}

/// `√x` for `f32`, correctly rounded (IEEE 754), as an operation the
/// compiler can vectorize; `libm::sqrtf` is inline assembly on x86_64,
/// which keeps every loop around it scalar. The same bits either way.
#[inline(always)]
pub(crate) fn sqrt_f32(x: f32) -> f32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        x86::sqrt_f32(x)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        libm::sqrtf(x)
    }
}

/// [`sqrt_f32`] for `f64`.
#[inline(always)]
pub(crate) fn sqrt_f64(x: f64) -> f64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        x86::sqrt_f64(x)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        libm::sqrt(x)
    }
}

/// The tiers among `wanted` that this CPU runs, for a test that checks
/// each; for every other one a `SKIPPED:` line naming the test and the
/// missing feature goes to stderr, written past the test harness' capture,
/// so that a tier not tested is visible in every run.
#[cfg(test)]
pub(crate) fn tiers_to_test(test: &str, wanted: &[Isa]) -> std::vec::Vec<Isa> {
    use std::io::Write;
    let best = detected_isa();
    for &tier in wanted.iter().filter(|&&t| t > best) {
        let feature = match tier {
            Isa::Avx512 => "avx512f/avx512vl",
            _ => "avx2",
        };
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {test} on {tier:?}: this CPU lacks {feature}"
        );
    }
    wanted.iter().copied().filter(|&t| t <= best).collect()
}

#[cfg(test)]
mod tests;
