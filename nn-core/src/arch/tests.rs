//! Tier selection and the per-tier compilation of [`vectorized`].

use super::*;

#[test]
fn selected_tier_never_exceeds_the_cpu() {
    let best = isa();
    assert_eq!(set_isa(Isa::Portable), Isa::Portable);
    assert_eq!(
        set_isa(Isa::Avx512),
        best,
        "asking for more gives what the CPU has"
    );
    set_isa(best);
}

/// An element-wise loop gives the same bits on every tier the CPU runs.
#[test]
fn vectorized_gives_the_same_bits_on_every_tier() {
    struct Step;
    impl Kernel<(&mut [f32], &[f32])> for Step {
        type Output = f32;
        #[inline(always)]
        fn run((v, g): (&mut [f32], &[f32])) -> f32 {
            for (v, &g) in v.iter_mut().zip(g) {
                *v = *v * 0.9 + g * g / (crate::Float::sqrt(g.abs()) + 1e-8);
            }
            v.iter().sum()
        }
    }
    let g: [f32; 203] = core::array::from_fn(|i| libm::sinf(i as f32 * 0.37) * 1e3);
    let mut want = [0.25f32; 203];
    let want_sum = Step::run((&mut want, &g));
    let all = [Isa::Portable, Isa::Avx2, Isa::Avx512];
    for tier in tiers_to_test("vectorized_gives_the_same_bits_on_every_tier", &all) {
        let mut v = [0.25f32; 203];
        let sum = vectorized_on::<Step, _>(tier, (&mut v, &g));
        assert_eq!(sum.to_bits(), want_sum.to_bits(), "{tier:?}");
        assert!(
            v.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()),
            "{tier:?}"
        );
    }
}
