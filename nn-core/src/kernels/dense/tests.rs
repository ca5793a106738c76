extern crate std;

use super::*;
#[cfg(target_arch = "x86_64")]
use crate::arch::x86::dense::{backward_batch_on as backward_on, forward_batch_on as forward_on};
#[cfg(target_arch = "x86_64")]
use crate::arch::{Isa, tiers_to_test};

#[test]
fn batch_equals_rows_bit_for_bit() {
    let w = [0.3f32, -1.2, 0.7, 2.5, 0.1, -0.4];
    let b = [0.05f32, -0.2];
    let x = [1.0f32, 2.0, -3.0, 0.5, 0.25, -1.5];
    let mut yb = [0.0f32; 4];
    dense_forward_batch(&w, &b, &x, &mut yb);
    for r in 0..2 {
        let mut y = [0.0f32; 2];
        dense_forward(&w, &b, &x[r * 3..r * 3 + 3], &mut y);
        assert_eq!(y, yb[r * 2..r * 2 + 2]);
    }
}

#[test]
fn backward_is_the_closed_form() {
    // W = [[1, 2], [3, 4]], x = [5, 6], dy = [1, -1]
    let w = [1.0f64, 2.0, 3.0, 4.0];
    let (mut dw, mut db, mut dx) = ([0.0; 4], [0.0; 2], [9.0; 2]);
    dense_backward(&w, &[5.0, 6.0], &[1.0, -1.0], &mut dw, &mut db, &mut dx);
    assert_eq!(dw, [5.0, 6.0, -5.0, -6.0]);
    assert_eq!(db, [1.0, -1.0]);
    assert_eq!(dx, [1.0 - 3.0, 2.0 - 4.0]);
}

#[test]
fn zero_inputs_give_the_bias() {
    let mut y = [0.0f32; 2];
    dense_forward(&[], &[1.0, 2.0], &[], &mut y);
    assert_eq!(y, [1.0, 2.0]);
    let mut y = [0.0f64; 6];
    dense_forward_batch(&[], &[1.0, 2.0], &[], &mut y);
    assert_eq!(y, [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
    let (mut db, mut dx) = ([0.5f32; 2], [7.0f32; 0]);
    dense_backward_batch(&[], &[], &[1.0, 2.0, 3.0, 4.0], &mut [], &mut db, &mut dx);
    assert_eq!(db, [4.5, 6.5]);
}

/// One consistent shape (2 rows, 3 inputs, 2 outputs) and its buffers, with
/// `short` taking one value off the slice it names.
fn shape(short: &str) -> [std::vec::Vec<f32>; 7] {
    let len = |name: &str, n: usize| n - usize::from(name == short);
    [
        std::vec![0.5; len("w", 6)],
        std::vec![0.5; len("b", 2)],
        std::vec![0.5; len("x", 6)],
        std::vec![0.5; len("y", 4)],
        std::vec![0.5; len("dw", 6)],
        std::vec![0.5; len("dx", 6)],
        std::vec![0.5; len("dy", 4)],
    ]
}

/// Lengths that are not those of one shape are refused by every x86 tier
/// (which then leaves the call to the portable code) and make the public
/// kernels panic, whatever the tier: before, a short `dx` silently skipped
/// columns and a short `y` computed a prefix.
#[test]
fn inconsistent_lengths_panic_on_every_tier() {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    for short in ["w", "b", "x", "y", "dw", "dx", "dy"] {
        let [w, b, x, mut y, mut dw, mut dx, dy] = shape(short);
        let mut db = b.clone();
        #[cfg(target_arch = "x86_64")]
        for tier in tiers_to_test(
            "inconsistent_lengths_panic_on_every_tier",
            &[Isa::Portable, Isa::Avx2, Isa::Avx512],
        ) {
            if ["w", "b", "x", "y"].contains(&short) {
                assert!(!forward_on(tier, &w, &b, &x, &mut y), "{tier:?} {short}");
            }
            if short != "y" {
                let grad = Some((&w[..], &mut dx[..]));
                assert!(
                    !backward_on(tier, &x, &dy, &mut dw, &mut db, grad),
                    "{tier:?} {short}"
                );
            }
        }
        if ["w", "b", "x", "y"].contains(&short) {
            let forward = catch_unwind(AssertUnwindSafe(|| {
                dense_forward_batch(&w, &b, &x, &mut y);
            }));
            assert!(forward.is_err(), "forward, short {short}");
        }
        if short != "y" {
            let backward = catch_unwind(AssertUnwindSafe(|| {
                dense_backward_batch(&w, &x, &dy, &mut dw, &mut db, &mut dx);
            }));
            assert!(backward.is_err(), "backward, short {short}");
        }
    }
}

#[test]
#[should_panic(expected = "dense_forward: inconsistent slice lengths")]
fn dense_forward_refuses_a_short_output() {
    dense_forward(&[1.0f32; 6], &[0.0; 2], &[1.0; 3], &mut [0.0; 1]);
}

#[test]
#[should_panic(expected = "dense_forward_batch: inconsistent slice lengths")]
fn dense_forward_batch_refuses_a_short_output() {
    dense_forward_batch(&[1.0f32; 6], &[0.0; 2], &[1.0; 6], &mut [0.0; 3]);
}

#[test]
#[should_panic(expected = "dense_backward: inconsistent slice lengths")]
fn dense_backward_refuses_a_short_input_gradient() {
    let (mut dw, mut db, mut dx) = ([0.0f64; 6], [0.0; 2], [0.0; 2]);
    dense_backward(&[1.0; 6], &[1.0; 3], &[1.0; 2], &mut dw, &mut db, &mut dx);
}

#[test]
#[should_panic(expected = "dense_backward_batch: inconsistent slice lengths")]
fn dense_backward_batch_refuses_a_short_input_gradient() {
    let (mut dw, mut db, mut dx) = ([0.0f32; 6], [0.0; 2], [0.0; 5]);
    dense_backward_batch(&[1.0; 6], &[1.0; 6], &[1.0; 4], &mut dw, &mut db, &mut dx);
}

#[test]
#[should_panic(expected = "dense_backward_params: inconsistent slice lengths")]
fn dense_backward_params_refuses_a_short_bias_gradient() {
    let (mut dw, mut db) = ([0.0f32; 6], [0.0; 1]);
    dense_backward_params(&[1.0; 3], &[1.0; 2], &mut dw, &mut db);
}

#[test]
#[should_panic(expected = "dense_backward_params_batch: inconsistent slice lengths")]
fn dense_backward_params_batch_refuses_a_short_output_gradient() {
    let (mut dw, mut db) = ([0.0f32; 6], [0.0; 2]);
    dense_backward_params_batch(&[1.0; 6], &[1.0; 3], &mut dw, &mut db);
}

#[test]
fn dot_follows_the_documented_order() {
    // Ten products: lane k gets elements k and k + 8. Chosen so that a plain
    // left-to-right sum gives a different answer: 1e8 + 1 - 1e8 + ... in f32.
    let x = [1e8f32, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1e8, 1.0];
    let w = [1.0f32; 10];
    let a = [1e8f32 + -1e8, 1.0 + 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let want = ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
    assert_eq!(want, 8.0);
    let mut y = [0.0f32; 1];
    dense_forward(&w, &[0.5], &x, &mut y);
    assert_eq!(y[0], 8.5);
    let sequential = x.iter().fold(0.0f32, |s, &v| s + v);
    assert_ne!(sequential, 8.0, "the example must tell the orders apart");
}

/// A small deterministic generator of awkward `f32`s: mixed magnitudes and
/// signs, signed zeros, subnormals and the occasional infinity.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (self.0 >> 33) as u32;
        match r % 64 {
            0 => -0.0,
            1 => 0.0,
            2 => 1.0e-40,
            3 if r % 1024 == 3 => f32::INFINITY,
            _ => {
                let m = (r >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                m * [1.0, 1.0e-3, 1.0e3, 7.0][(r as usize >> 6) % 4]
            }
        }
    }
    fn vec<const N: usize>(&mut self, n: usize) -> ([f32; N], usize) {
        let mut v = [0.0; N];
        v[..n].iter_mut().for_each(|e| *e = self.next());
        (v, n)
    }
}

fn bits(s: &[f32]) -> impl Iterator<Item = u32> + '_ {
    s.iter().map(|v| v.to_bits())
}

/// Every specialized tier against the portable kernels, bit for bit, over
/// sizes that hit every block edge and masked tail.
#[cfg(target_arch = "x86_64")]
#[test]
fn every_tier_is_bit_identical_to_portable() {
    let tiers = tiers_to_test(
        "every_tier_is_bit_identical_to_portable",
        &[Isa::Portable, Isa::Avx2, Isa::Avx512],
    );
    let mut g = Gen(7);
    let mut checked = 0;
    for n_in in [1usize, 3, 7, 8, 9, 15, 16, 17, 24, 31, 33, 64, 70] {
        for n_out in [1usize, 2, 3, 4, 5, 7, 8, 9, 10, 13] {
            for rows in [1usize, 2, 3, 4, 5, 6, 7, 11] {
                let (w, _) = g.vec::<910>(n_in * n_out);
                let w = &w[..n_in * n_out];
                let (b, _) = g.vec::<13>(n_out);
                let b = &b[..n_out];
                let (x, _) = g.vec::<770>(rows * n_in);
                let x = &x[..rows * n_in];
                let (dy, _) = g.vec::<143>(rows * n_out);
                let dy = &dy[..rows * n_out];
                let (dw0, _) = g.vec::<910>(n_in * n_out);

                let mut y_ref = [0.0f32; 143];
                let y_ref = &mut y_ref[..rows * n_out];
                for (xr, yr) in x.chunks_exact(n_in).zip(y_ref.chunks_exact_mut(n_out)) {
                    portable::forward(w, b, xr, yr);
                }
                let (mut dw_ref, mut db_ref, mut dx_ref) = (dw0, [0.5f32; 13], [0.0f32; 770]);
                for ((xr, dyr), dxr) in x
                    .chunks_exact(n_in)
                    .zip(dy.chunks_exact(n_out))
                    .zip(dx_ref.chunks_exact_mut(n_in))
                {
                    portable::backward(
                        w,
                        xr,
                        dyr,
                        &mut dw_ref[..w.len()],
                        &mut db_ref[..n_out],
                        dxr,
                    );
                }

                // The portable parameters-only kernel: the same dw, db bits.
                let (mut dw_p, mut db_p) = (dw0, [0.5f32; 13]);
                for (xr, dyr) in x.chunks_exact(n_in).zip(dy.chunks_exact(n_out)) {
                    portable::backward_params(xr, dyr, &mut dw_p[..w.len()], &mut db_p[..n_out]);
                }
                assert!(
                    bits(&dw_p).eq(bits(&dw_ref)),
                    "params dw in={n_in} out={n_out}"
                );
                assert!(
                    bits(&db_p).eq(bits(&db_ref)),
                    "params db in={n_in} out={n_out}"
                );

                for &tier in &tiers {
                    let mut y = [0.0f32; 143];
                    let y = &mut y[..rows * n_out];
                    assert!(forward_on(tier, w, b, x, y));
                    assert!(
                        bits(y).eq(bits(y_ref)),
                        "forward {tier:?} in={n_in} out={n_out} rows={rows}"
                    );
                    let (mut dw, mut db, mut dx) = (dw0, [0.5f32; 13], [0.0f32; 770]);
                    assert!(backward_on(
                        tier,
                        x,
                        dy,
                        &mut dw[..w.len()],
                        &mut db[..n_out],
                        Some((w, &mut dx[..x.len()])),
                    ));
                    let what = format_args!("{tier:?} in={n_in} out={n_out} rows={rows}");
                    assert!(bits(&dw).eq(bits(&dw_ref)), "dw {what}");
                    assert!(bits(&db).eq(bits(&db_ref)), "db {what}");
                    assert!(bits(&dx).eq(bits(&dx_ref)), "dx {what}");
                    let (mut dw, mut db) = (dw0, [0.5f32; 13]);
                    assert!(backward_on(
                        tier,
                        x,
                        dy,
                        &mut dw[..w.len()],
                        &mut db[..n_out],
                        None,
                    ));
                    assert!(bits(&dw).eq(bits(&dw_ref)), "params-only dw {what}");
                    assert!(bits(&db).eq(bits(&db_ref)), "params-only db {what}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 13 * 10 * 8 * tiers.len());
}

/// An empty batch (no rows) changes nothing on every tier: no gradient, no
/// output, no panic.
#[cfg(target_arch = "x86_64")]
#[test]
fn an_empty_batch_is_a_no_op_on_every_tier() {
    let (w, b) = ([0.5f32; 6], [0.25f32; 2]);
    for tier in tiers_to_test(
        "an_empty_batch_is_a_no_op_on_every_tier",
        &[Isa::Portable, Isa::Avx2, Isa::Avx512],
    ) {
        let (mut dw, mut db, mut dx) = ([1.0f32; 6], [2.0f32; 2], [0.0f32; 0]);
        backward_on(tier, &[], &[], &mut dw, &mut db, Some((&w, &mut dx)));
        backward_on(tier, &[], &[], &mut dw, &mut db, None);
        forward_on(tier, &w, &b, &[], &mut []);
        assert_eq!((dw, db), ([1.0; 6], [2.0; 2]), "{tier:?}");
    }
}

#[cfg(target_arch = "x86_64")]
#[test]
fn tiers_decline_what_they_do_not_handle() {
    let mut y = [0.0f32; 2];
    // Sizes that do not match exactly, and f64, go to the portable kernels.
    assert!(!forward_on(
        Isa::Avx512,
        &[1.0f32; 5],
        &[0.0; 2],
        &[1.0; 2],
        &mut y
    ));
    let mut y64 = [0.0f64; 2];
    assert!(!<f64 as crate::float::sealed::Sealed>::dense_forward_tier(
        &[1.0f64; 4],
        &[0.0; 2],
        &[1.0; 2],
        &mut y64
    ));
    // The portable tier runs SSE2 on x86_64: it takes a consistent shape.
    assert!(forward_on(
        Isa::Portable,
        &[1.0f32; 4],
        &[0.0; 2],
        &[1.0; 2],
        &mut y
    ));
    assert_eq!(y, [2.0, 2.0]);
}

/// Long rows (several input chunks of the blocked kernels), many outputs
/// (several panels) and row counts around the block sizes, bit for bit.
#[cfg(target_arch = "x86_64")]
#[test]
fn long_rows_are_bit_identical_to_portable() {
    extern crate std;
    use std::vec;
    let tiers = tiers_to_test(
        "long_rows_are_bit_identical_to_portable",
        &[Isa::Portable, Isa::Avx2, Isa::Avx512],
    );
    let mut g = Gen(11);
    for (n_in, n_out, rows) in [
        (300, 9, 8),
        (517, 6, 17),
        (784, 70, 9),
        (263, 257, 8),
        (263, 261, 8),
        // The AVX-512 3 × 8 blocks (outputs in eights, at most 256 inputs)
        // over several panels, with and without a masked tail, around the
        // 256-input switch to 4 × 6 (2 × 6 with AVX2); the training shapes
        // 64->32 and 32->10.
        (64, 32, 32),
        (32, 10, 32),
        (203, 24, 7),
        (256, 16, 5),
        (257, 16, 5),
        // Several row chunks of the x86 forward's cache blocking (about
        // 128 KiB of inputs each) with edge strips in the last one.
        (784, 12, 87),
        (784, 10, 87),
        (1500, 8, 45),
        // The AVX2 backward's switch from 4 × 2 to 6 × 2 tiles at 12
        // outputs, every edge of 0..=5 outputs or rows after the 6-wide
        // tiles, one and two vectors per tile.
        (40, 11, 13),
        (40, 12, 12),
        (17, 13, 6),
        (24, 14, 7),
        (33, 15, 17),
        (16, 16, 1),
        (9, 17, 11),
    ] {
        let mut v = |n: usize| (0..n).map(|_| g.next()).collect::<std::vec::Vec<f32>>();
        let (w, b, x, dy, dw0) = (
            v(n_in * n_out),
            v(n_out),
            v(rows * n_in),
            v(rows * n_out),
            v(n_in * n_out),
        );
        let mut y_ref = vec![0.0f32; rows * n_out];
        let (mut dw_ref, mut db_ref, mut dx_ref) =
            (dw0.clone(), vec![0.5f32; n_out], vec![0.0f32; rows * n_in]);
        for r in 0..rows {
            let xr = &x[r * n_in..][..n_in];
            portable::forward(&w, &b, xr, &mut y_ref[r * n_out..][..n_out]);
            let dyr = &dy[r * n_out..][..n_out];
            portable::backward(
                &w,
                xr,
                dyr,
                &mut dw_ref,
                &mut db_ref,
                &mut dx_ref[r * n_in..][..n_in],
            );
        }
        for &tier in &tiers {
            let mut y = vec![0.0f32; rows * n_out];
            assert!(forward_on(tier, &w, &b, &x, &mut y));
            assert!(
                bits(&y).eq(bits(&y_ref)),
                "forward {tier:?} {n_in}x{n_out} rows={rows}"
            );
            let (mut dw, mut db, mut dx) =
                (dw0.clone(), vec![0.5f32; n_out], vec![1.0f32; rows * n_in]);
            assert!(backward_on(
                tier,
                &x,
                &dy,
                &mut dw,
                &mut db,
                Some((&w, &mut dx))
            ));
            assert!(bits(&dw).eq(bits(&dw_ref)), "dw {tier:?} {n_in}x{n_out}");
            assert!(bits(&db).eq(bits(&db_ref)), "db {tier:?} {n_in}x{n_out}");
            assert!(bits(&dx).eq(bits(&dx_ref)), "dx {tier:?} {n_in}x{n_out}");
            let (mut dw, mut db) = (dw0.clone(), vec![0.5f32; n_out]);
            assert!(backward_on(tier, &x, &dy, &mut dw, &mut db, None));
            assert!(
                bits(&dw).eq(bits(&dw_ref)),
                "params-only dw {tier:?} {n_in}x{n_out}"
            );
            assert!(
                bits(&db).eq(bits(&db_ref)),
                "params-only db {tier:?} {n_in}x{n_out}"
            );
        }
    }
}

/// The forward on weights and inputs at every offset from a 32-byte
/// boundary (the x86 kernels load unaligned vectors and mask the tails
/// wherever the slices start), bit for bit.
#[cfg(target_arch = "x86_64")]
#[test]
fn forward_is_bit_identical_at_every_alignment() {
    extern crate std;
    use std::vec;
    let tiers = tiers_to_test(
        "forward_is_bit_identical_at_every_alignment",
        &[Isa::Portable, Isa::Avx2, Isa::Avx512],
    );
    let mut g = Gen(13);
    for (n_in, n_out, rows) in [
        (784, 12, 40),
        (784, 10, 17),
        (64, 32, 32),
        (100, 9, 20),
        (1500, 8, 16),
        (24, 5, 15),
    ] {
        let (w0, b, x0) = (
            (0..n_in * n_out + 8)
                .map(|_| g.next())
                .collect::<std::vec::Vec<f32>>(),
            (0..n_out).map(|_| g.next()).collect::<std::vec::Vec<f32>>(),
            (0..rows * n_in + 8)
                .map(|_| g.next())
                .collect::<std::vec::Vec<f32>>(),
        );
        for ow in 0..8 {
            for ox in [0, 3, 4] {
                let w = &w0[ow..][..n_in * n_out];
                let x = &x0[ox..][..rows * n_in];
                let mut y_ref = vec![0.0f32; rows * n_out];
                for (xr, yr) in x.chunks_exact(n_in).zip(y_ref.chunks_exact_mut(n_out)) {
                    portable::forward(w, &b, xr, yr);
                }
                for &tier in &tiers {
                    let mut y = vec![0.0f32; rows * n_out];
                    assert!(forward_on(tier, w, &b, x, &mut y));
                    assert!(
                        bits(&y).eq(bits(&y_ref)),
                        "forward {tier:?} {n_in}x{n_out} rows={rows} w+{ow} x+{ox}"
                    );
                }
            }
        }
    }
}

/// The public parameters-only kernels (on whatever tier is selected, and on
/// `f64`, which is always portable) against the full backward, bit for bit.
#[test]
fn backward_params_equals_full_backward_bit_for_bit() {
    fn check<F: Float>(g: &mut Gen) {
        let (n_in, n_out, rows) = (37usize, 11usize, 5usize);
        let v = |g: &mut Gen, n: usize| {
            let mut a = [F::ZERO; 407];
            a[..n]
                .iter_mut()
                .for_each(|e| *e = F::from_f64(g.next() as f64));
            a
        };
        let (w, x, dy, dw0) = (
            v(g, n_in * n_out),
            v(g, rows * n_in),
            v(g, rows * n_out),
            v(g, n_in * n_out),
        );
        let (w, x, dy) = (&w[..n_in * n_out], &x[..rows * n_in], &dy[..rows * n_out]);
        let (mut dw, mut db, mut dx) = (dw0, [F::HALF; 11], [F::ZERO; 407]);
        dense_backward_batch(w, x, dy, &mut dw[..w.len()], &mut db, &mut dx[..x.len()]);
        let (mut dw_p, mut db_p) = (dw0, [F::HALF; 11]);
        dense_backward_params_batch(x, dy, &mut dw_p[..w.len()], &mut db_p);
        let b = |s: &[F]| {
            s.iter()
                .map(|v| v.to_bits_u64())
                .collect::<std::vec::Vec<_>>()
        };
        assert_eq!(b(&dw_p), b(&dw), "{}", F::NAME);
        assert_eq!(b(&db_p), b(&db), "{}", F::NAME);
        // One sample.
        let (mut dw1, mut db1) = (dw0, [F::HALF; 11]);
        let mut dx1 = [F::ZERO; 37];
        dense_backward(
            w,
            &x[..n_in],
            &dy[..n_out],
            &mut dw1[..w.len()],
            &mut db1,
            &mut dx1,
        );
        let (mut dw2, mut db2) = (dw0, [F::HALF; 11]);
        dense_backward_params(&x[..n_in], &dy[..n_out], &mut dw2[..w.len()], &mut db2);
        assert_eq!(b(&dw2), b(&dw1), "{}", F::NAME);
        assert_eq!(b(&db2), b(&db1), "{}", F::NAME);
    }
    extern crate std;
    let mut g = Gen(13);
    check::<f32>(&mut g);
    check::<f64>(&mut g);
}
