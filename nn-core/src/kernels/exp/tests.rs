//! Bit-identity of the slice `exp` with `libm::expf`, on every tier.

extern crate std;

use super::*;
use crate::Float;
use crate::arch::{Isa, isa, set_isa, tiers_to_test};
use std::vec::Vec;

/// The tiers this CPU runs (asking for a higher one would test a lower one
/// twice); the others are reported as skipped for `test`.
fn tiers(test: &str) -> Vec<Isa> {
    tiers_to_test(test, &[Isa::Portable, Isa::Avx2, Isa::Avx512])
}

/// Runs `bits` through tier `tier` in one slice and compares with libm lane by lane.
fn check(tier: Isa, bits: &[u32]) {
    let mut v: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
    exp_f32_on(tier, &mut v);
    for (&b, y) in bits.iter().zip(&v) {
        let want = libm::expf(f32::from_bits(b));
        assert_eq!(
            y.to_bits(),
            want.to_bits(),
            "{tier:?}: exp({:e} = {b:#010x}) = {y:e}, libm {want:e}",
            f32::from_bits(b)
        );
    }
}

/// Case boundaries of `expf` (`|x|` bits), and the bits near each, both signs.
fn edges() -> Vec<u32> {
    let magnitudes = [
        0,
        1,
        2,
        0x007f_ffff,
        0x0080_0000, // zero, subnormals, smallest normal
        TINY,
        K_ONE,
        K_ROUND,
        SPECIAL_FROM.to_bits(),
        0x42b1_7218,
        0x42cf_f1b5, // expf's branches
        0x3f80_0000,
        0x4120_0000,
        0x41f0_0000, // 1, 10, 30
        0x7f7f_ffff,
        0x7f80_0000, // MAX, infinity
    ];
    let mut out = Vec::new();
    for m in magnitudes {
        for d in -4i64..=4 {
            let b = i64::from(m) + d;
            if (0..=0x7f80_0000).contains(&b) {
                out.push(b as u32);
                out.push(b as u32 | 0x8000_0000);
            }
        }
    }
    // NaNs: quiet and signalling, with payloads, both signs.
    for nan in [0x7fc0_0000u32, 0x7f80_0001, 0x7fa5_a5a5, 0x7fff_ffff] {
        out.push(nan);
        out.push(nan | 0x8000_0000);
    }
    out
}

#[test]
#[allow(clippy::excessive_precision)] // libm's literals, verbatim
fn constants_are_libms_literals() {
    assert_eq!(LN2_HI, 6.9314575195e-01);
    assert_eq!(LN2_LO, 1.4286067653e-06);
    assert_eq!(INV_LN2, 1.4426950216e+00);
    assert_eq!(P1, 1.6666625440e-1);
    assert_eq!(P2, -2.7667332906e-3);
}

#[test]
fn edges_match_libm_on_every_tier() {
    let e = edges();
    for tier in tiers("edges_match_libm_on_every_tier") {
        check(tier, &e);
        // Each edge in every lane of a block, among ordinary values.
        for &b in &e {
            for lane in 0..LANES {
                let mut block = [(-2.5f32).to_bits(); LANES];
                block[lane] = b;
                check(tier, &block);
            }
        }
    }
}

#[test]
fn every_1021st_bit_pattern_matches_libm_on_every_tier() {
    // 1021 is prime, so the sample walks through all exponents and mantissa
    // residues; 4.2 million inputs per tier.
    const STEP: u64 = 1021;
    let sample: Vec<u32> = (0..(1u64 << 32))
        .step_by(STEP as usize)
        .map(|b| b as u32)
        .collect();
    for tier in tiers("every_1021st_bit_pattern_matches_libm_on_every_tier") {
        for part in sample.chunks(4099) {
            check(tier, part);
        }
    }
}

#[test]
fn softmax_range_matches_libm_densely() {
    // Every 211th pattern of [-30, 0] (x <= 0 after the max is subtracted).
    let lo = 0x8000_0000u32;
    let hi = (-30.0f32).to_bits();
    let sample: Vec<u32> = (lo..=hi).step_by(211).collect();
    for part in sample.chunks(1000) {
        check(isa(), part);
    }
}

#[test]
fn all_slice_lengths_and_tails_match_libm() {
    // Ordinary values with a special one (overflow, underflow, NaN) now and then.
    let pool = |i: usize| -> u32 {
        match i % 13 {
            3 => 0x42c8_0000,  // 100: overflow
            7 => 0xc2d0_0000,  // -104: zero
            11 => 0xc2b8_0000, // -92: subnormal
            12 => 0x7fc0_1234,
            _ => (-20.0 + 0.731 * i as f32).to_bits(),
        }
    };
    for tier in tiers("all_slice_lengths_and_tails_match_libm") {
        for len in 0..=40 {
            for start in 0..3 {
                let bits: Vec<u32> = (start..start + len).map(pool).collect();
                check(tier, &bits);
            }
        }
    }
}

#[test]
fn float_trait_dispatches_on_the_selected_tier() {
    let bits: Vec<u32> = (0..300u32)
        .map(|i| (-25.0 + 0.1 * i as f32).to_bits())
        .collect();
    let best = isa();
    for tier in tiers("float_trait_dispatches_on_the_selected_tier") {
        set_isa(tier);
        let mut v: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
        f32::exp_in_place(&mut v);
        for (&b, y) in bits.iter().zip(&v) {
            assert_eq!(y.to_bits(), libm::expf(f32::from_bits(b)).to_bits());
        }
    }
    set_isa(best);
    let mut w = [-1.0f64, 0.0, 0.5, 700.0, f64::NAN];
    f64::exp_in_place(&mut w);
    for (y, x) in w.iter().zip([-1.0f64, 0.0, 0.5, 700.0, f64::NAN]) {
        assert_eq!(y.to_bits(), libm::exp(x).to_bits());
    }
}

/// All 2^32 inputs on every tier (release: 35-80 s per tier here, by load).
/// Run with `cargo test -p nn-core --release -- --ignored exhaustive`.
#[test]
#[ignore]
fn exhaustive_all_bit_patterns_on_every_tier() {
    const BLOCK: usize = 1 << 16;
    let mut v = std::vec![0.0f32; BLOCK];
    for tier in tiers("exhaustive_all_bit_patterns_on_every_tier") {
        let start = std::time::Instant::now();
        for hi in 0..(1u64 << 32) / BLOCK as u64 {
            let base = (hi * BLOCK as u64) as u32;
            for (i, x) in v.iter_mut().enumerate() {
                *x = f32::from_bits(base + i as u32);
            }
            exp_f32_on(tier, &mut v);
            for (i, y) in v.iter().enumerate() {
                let x = f32::from_bits(base + i as u32);
                let want = libm::expf(x);
                assert_eq!(
                    y.to_bits(),
                    want.to_bits(),
                    "{tier:?}: exp({x:e}) = {y:e}, libm {want:e}"
                );
            }
        }
        std::println!(
            "{tier:?}: all 2^32 inputs bit-identical in {:?}",
            start.elapsed()
        );
    }
}
