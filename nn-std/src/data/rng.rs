//! Seeded, portable randomness for shuffling, splitting and synthetic data.
//!
//! Every random choice in [`crate::data`] comes from a [`ChaCha8Rng`] built
//! from a user seed and a fixed *stream* per purpose, so results are the same
//! on every platform and run after run. Epoch `e`'s shuffle uses stream `e`,
//! which makes an epoch's order independent of the epochs before it (a resumed
//! run shuffles as the uninterrupted one did).

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Stream used by train/validation/test splits.
pub const SPLIT_STREAM: u64 = u64::MAX;
/// Stream used by the synthetic data generators.
pub const SYNTHETIC_STREAM: u64 = u64::MAX - 1;

/// The generator for `seed` on `stream`.
///
/// ```
/// use nn_std::data::rng::seeded;
/// use rand_core::RngCore;
/// assert_eq!(seeded(7, 0).next_u64(), seeded(7, 0).next_u64());
/// assert_ne!(seeded(7, 0).next_u64(), seeded(7, 1).next_u64());
/// ```
pub fn seeded(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A uniform integer in `0..n` without bias (`n > 0`; returns 0 for 0), by
/// Lemire's multiply-and-reject method (one division only on rare rejections).
pub fn below<R: RngCore>(rng: &mut R, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let n = n as u64;
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as usize
}

/// Shuffles a slice in place (Fisher–Yates).
pub fn shuffle<T, R: RngCore>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i + 1);
        items.swap(i, j);
    }
}

/// The visiting order of `len` samples in epoch `epoch` for `seed`: a
/// permutation of `0..len`.
///
/// ```
/// use nn_std::data::rng::epoch_order;
/// let a = epoch_order(10, 42, 0);
/// assert_eq!(a, epoch_order(10, 42, 0)); // deterministic
/// assert_ne!(a, epoch_order(10, 42, 1)); // a new order each epoch
/// let mut sorted = a.clone();
/// sorted.sort();
/// assert_eq!(sorted, (0..10).collect::<Vec<_>>());
/// ```
pub fn epoch_order(len: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    shuffle(&mut order, &mut seeded(seed, epoch));
    order
}

/// A uniform `f64` in `[0, 1)` with 53 random bits.
pub fn uniform<R: RngCore>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal `f64` (Box–Muller; one draw per call).
pub fn normal<R: RngCore>(rng: &mut R) -> f64 {
    use nn_core::Float;
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - uniform(rng);
    let u2 = uniform(rng);
    Float::sqrt(-2.0 * Float::ln(u1)) * libm::cos(core::f64::consts::TAU * u2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_is_in_range_and_covers_it() {
        let mut rng = seeded(1, 0);
        let mut seen = [0usize; 7];
        for _ in 0..7000 {
            seen[below(&mut rng, 7)] += 1;
        }
        // Each bucket expects 1000; 5 sigma is about 150.
        assert!(seen.iter().all(|&c| (850..1150).contains(&c)), "{seen:?}");
        assert_eq!(below(&mut rng, 0), 0);
        assert_eq!(below(&mut rng, 1), 0);
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut rng = seeded(3, 0);
        let n = 20000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        // Standard errors: 1/sqrt(n) = 0.007 for the mean, sqrt(2/n) = 0.01 for the variance.
        assert!(m.abs() < 0.035, "mean {m}");
        assert!((v - 1.0).abs() < 0.05, "variance {v}");
    }

    #[test]
    fn uniform_is_in_unit_interval() {
        let mut rng = seeded(5, 2);
        assert!(
            (0..1000)
                .map(|_| uniform(&mut rng))
                .all(|u| (0.0..1.0).contains(&u))
        );
    }
}
