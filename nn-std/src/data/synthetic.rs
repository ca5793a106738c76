//! Synthetic playground tasks with noise and a seed: XOR, two spirals, moons,
//! circles and Gaussian blobs.
//!
//! Every generator gives `n` samples with balanced classes (class `k` gets
//! `n / classes` samples, the first `n % classes` classes one more), adds
//! Gaussian noise of standard deviation `noise` to each coordinate, and is
//! deterministic for a seed. Samples are shuffled.
//!
//! ```
//! use nn_std::data::synthetic;
//! let moons = synthetic::moons::<f32>(200, 0.1, 7)?;
//! assert_eq!(moons.class_counts(), vec![100, 100]);
//! assert_eq!(moons, synthetic::moons::<f32>(200, 0.1, 7)?); // same seed, same data
//! # Ok::<(), nn_std::data::DataError>(())
//! ```

use std::f64::consts::PI;

use nn_core::Float;
use rand_chacha::ChaCha8Rng;

use super::dataset::Dataset;
use super::error::DataError;
use super::rng;

fn check(n: usize, noise: f64) -> Result<(), DataError> {
    if n == 0 {
        return Err(DataError::Empty);
    }
    if !(noise >= 0.0 && noise.is_finite()) {
        return Err(DataError::InvalidParameter {
            name: "noise",
            expected: "finite and not negative",
        });
    }
    Ok(())
}

/// Builds `n` samples: `point(class, j, per_class)` gives the clean point
/// for the `j`-th of `per_class` samples of `class`, noise is added, and the
/// samples are shuffled.
fn generate<F: Float, const N: usize>(
    n: usize,
    classes: usize,
    noise: f64,
    seed: u64,
    mut point: impl FnMut(usize, usize, usize, &mut ChaCha8Rng) -> [f64; N],
) -> Result<Dataset<F, N, usize>, DataError> {
    check(n, noise)?;
    let mut rng = rng::seeded(seed, rng::SYNTHETIC_STREAM);
    let mut samples = Vec::with_capacity(n);
    for class in 0..classes {
        let per_class = n / classes + usize::from(class < n % classes);
        for j in 0..per_class {
            let mut p = point(class, j, per_class, &mut rng);
            for v in &mut p {
                *v += noise * rng::normal(&mut rng);
            }
            samples.push((p.map(F::from_f64), class));
        }
    }
    rng::shuffle(&mut samples, &mut rng);
    let (features, labels) = samples.into_iter().unzip();
    Dataset::classification(features, labels, classes)
}

/// XOR: the corners `(0,0)`, `(1,1)` (class 0) and `(0,1)`, `(1,0)`
/// (class 1), used in turn, plus noise.
pub fn xor<F: Float>(n: usize, noise: f64, seed: u64) -> Result<Dataset<F, 2, usize>, DataError> {
    generate(n, 2, noise, seed, |class, j, _, _| {
        let a = (j % 2) as f64;
        let b = if class == 0 { a } else { 1.0 - a };
        [a, b]
    })
}

/// Two interleaved spirals of 1.5 turns in `[-1, 1]^2`: class `c` at
/// angle `t` in `[0, 3π]` is `(t / 3π)(cos(t + cπ), sin(t + cπ))`, with `t`
/// evenly spaced from `π/4`.
pub fn two_spirals<F: Float>(
    n: usize,
    noise: f64,
    seed: u64,
) -> Result<Dataset<F, 2, usize>, DataError> {
    generate(n, 2, noise, seed, |class, j, per_class, _| {
        let turns = 3.0 * PI;
        let t =
            PI / 4.0 + (turns - PI / 4.0) * j as f64 / per_class.max(2).saturating_sub(1) as f64;
        let r = t / turns;
        let a = t + class as f64 * PI;
        [r * libm::cos(a), r * libm::sin(a)]
    })
}

/// Two interleaving half circles, as scikit-learn's `make_moons`: class 0 is
/// `(cos s, sin s)`, class 1 is `(1 - cos s, 0.5 - sin s)`, `s` evenly
/// spaced in `[0, π]`.
pub fn moons<F: Float>(n: usize, noise: f64, seed: u64) -> Result<Dataset<F, 2, usize>, DataError> {
    generate(n, 2, noise, seed, |class, j, per_class, _| {
        let s = PI * j as f64 / per_class.max(2).saturating_sub(1) as f64;
        let (c, si) = (libm::cos(s), libm::sin(s));
        if class == 0 {
            [c, si]
        } else {
            [1.0 - c, 0.5 - si]
        }
    })
}

/// Two concentric circles, as scikit-learn's `make_circles`: class 0 on the
/// unit circle, class 1 on the circle of radius `factor` (in `(0, 1)`), angles
/// evenly spaced.
pub fn circles<F: Float>(
    n: usize,
    noise: f64,
    factor: f64,
    seed: u64,
) -> Result<Dataset<F, 2, usize>, DataError> {
    if !(factor > 0.0 && factor < 1.0) {
        return Err(DataError::InvalidParameter {
            name: "factor",
            expected: "in (0, 1)",
        });
    }
    generate(n, 2, noise, seed, |class, j, per_class, _| {
        let s = 2.0 * PI * j as f64 / per_class as f64;
        let r = if class == 0 { 1.0 } else { factor };
        [r * libm::cos(s), r * libm::sin(s)]
    })
}

/// Gaussian blobs: class `k` is drawn around `centers[k]` with standard
/// deviation `std` in every coordinate.
///
/// ```
/// use nn_std::data::synthetic::blobs;
/// let ds = blobs::<f64, 3>(90, &[[0.0; 3], [5.0; 3], [-5.0; 3]], 0.5, 1)?;
/// assert_eq!(ds.class_counts(), vec![30, 30, 30]);
/// # Ok::<(), nn_std::data::DataError>(())
/// ```
pub fn blobs<F: Float, const N: usize>(
    n: usize,
    centers: &[[F; N]],
    std: f64,
    seed: u64,
) -> Result<Dataset<F, N, usize>, DataError> {
    if centers.is_empty() {
        return Err(DataError::NoClasses);
    }
    if centers.iter().flatten().any(|v| !v.is_finite()) {
        return Err(DataError::InvalidParameter {
            name: "centers",
            expected: "finite",
        });
    }
    generate(n, centers.len(), std, seed, |class, _, _, _| {
        centers[class].map(F::to_f64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }

    #[test]
    fn noiseless_points_lie_on_their_curves() {
        for (x, &c) in xor::<f64>(8, 0.0, 1).unwrap().iter() {
            assert!(x.iter().all(|&v| v == 0.0 || v == 1.0));
            assert_eq!(c, usize::from(x[0] != x[1]));
        }
        for (x, &c) in moons::<f64>(40, 0.0, 1).unwrap().iter() {
            let (cx, cy) = if c == 0 { (0.0, 0.0) } else { (1.0, 0.5) };
            assert_close((x[0] - cx).hypot(x[1] - cy), 1.0);
            assert!(if c == 0 {
                x[1] >= -1e-12
            } else {
                x[1] <= 0.5 + 1e-12
            });
        }
        for (x, &c) in circles::<f64>(40, 0.0, 0.3, 1).unwrap().iter() {
            assert_close(x[0].hypot(x[1]), if c == 0 { 1.0 } else { 0.3 });
        }
        for (x, &c) in two_spirals::<f64>(100, 0.0, 1).unwrap().iter() {
            // Undo the class's half-turn; then the angle is t mod 2π and r = t / 3π.
            let r = x[0].hypot(x[1]);
            let (px, py) = if c == 0 { (x[0], x[1]) } else { (-x[0], -x[1]) };
            let t = r * 3.0 * PI;
            assert_close(libm::cos(t) * r, px);
            assert_close(libm::sin(t) * r, py);
        }
    }

    #[test]
    fn noise_has_the_requested_spread() {
        let ds = blobs::<f64, 2>(4000, &[[3.0, -2.0]], 0.5, 9).unwrap();
        let n = ds.len() as f64;
        let m: f64 = ds.features().iter().map(|x| x[0]).sum::<f64>() / n;
        let v: f64 = ds
            .features()
            .iter()
            .map(|x| (x[0] - m).powi(2))
            .sum::<f64>()
            / n;
        // Standard errors: 0.5/sqrt(4000) = 0.008 (mean), 0.25*sqrt(2/4000) = 0.0056 (variance).
        assert!((m - 3.0).abs() < 0.04, "{m}");
        assert!((v - 0.25).abs() < 0.03, "{v}");
    }

    #[test]
    fn balanced_deterministic_and_seed_dependent() {
        let a = two_spirals::<f32>(101, 0.05, 3).unwrap();
        assert_eq!(a.class_counts(), vec![51, 50]);
        assert_eq!(a, two_spirals::<f32>(101, 0.05, 3).unwrap());
        assert_ne!(a, two_spirals::<f32>(101, 0.05, 4).unwrap());
        let c = circles::<f32>(10, 0.0, 0.5, 0).unwrap();
        assert_eq!(c.class_counts(), vec![5, 5]);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert_eq!(xor::<f32>(0, 0.1, 0), Err(DataError::Empty));
        assert!(matches!(
            moons::<f32>(10, -0.1, 0),
            Err(DataError::InvalidParameter { name: "noise", .. })
        ));
        assert!(matches!(
            moons::<f32>(10, f64::NAN, 0),
            Err(DataError::InvalidParameter { name: "noise", .. })
        ));
        assert!(matches!(
            circles::<f32>(10, 0.1, 1.0, 0),
            Err(DataError::InvalidParameter { name: "factor", .. })
        ));
        assert_eq!(blobs::<f32, 2>(10, &[], 1.0, 0), Err(DataError::NoClasses));
        assert!(matches!(
            blobs::<f32, 1>(10, &[[f32::NAN]], 1.0, 0),
            Err(DataError::InvalidParameter {
                name: "centers",
                ..
            })
        ));
    }
}
