//! Statistical tests of the samplers and schemes, each with its stated confidence.
//!
//! Every test uses a fixed seed, so it is deterministic; the stated confidence
//! is the probability that a *correct* sampler would fail it with a random seed.
//!
//! - Means and variances: `n = 100_000` samples; a check fails only if the
//!   estimate is more than 5 standard errors from the exact value (two-sided
//!   normal tail: probability 5.7e-7 per check). Standard error of the mean:
//!   `σ / sqrt(n)`; of the (population) variance: `sqrt((μ4 − σ⁴) / n)` with
//!   `μ4 = 3σ⁴` (normal), `9σ⁴/5` (uniform), and the bound `3σ⁴` for a normal
//!   truncated symmetrically (truncation only lowers the fourth moment).
//! - Kolmogorov–Smirnov against the exact CDF (`Φ` from `libm::erfc`), level
//!   `α = 0.001`: reject if `D_n > c(α) / sqrt(n)` with
//!   `c(α) = sqrt(−ln(α/2) / 2) = 1.9495` (asymptotic Kolmogorov distribution;
//!   accurate for `n = 20_000`).

use nn_init::sample::{self, truncated_normal_f64};
use nn_init::{Distribution, FanMode, Init, SplitMix64, TRUNCATION_STD_CORRECTION};

const N: usize = 100_000;
const KS_N: usize = 20_000;
const ALPHA: f64 = 0.001;

fn draw(d: &Distribution, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    let mut v = vec![0.0f64; n];
    d.fill(&mut rng, &mut v).unwrap();
    v
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (m, xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n)
}

#[derive(Clone, Copy)]
enum Shape {
    Normal,
    Uniform,
    TruncatedSymmetric,
}

/// Checks mean and variance against exact values at 5 standard errors.
fn assert_moments(name: &str, xs: &[f64], mean: f64, var: f64, shape: Shape) {
    let n = xs.len() as f64;
    let (m, v) = mean_var(xs);
    let mu4 = match shape {
        Shape::Normal | Shape::TruncatedSymmetric => 3.0 * var * var,
        Shape::Uniform => 1.8 * var * var,
    };
    let se_mean = (var / n).sqrt();
    let se_var = ((mu4 - var * var) / n).sqrt();
    assert!(
        (m - mean).abs() <= 5.0 * se_mean,
        "{name}: mean {m} vs {mean} (se {se_mean})"
    );
    assert!(
        (v - var).abs() <= 5.0 * se_var,
        "{name}: var {v} vs {var} (se {se_var})"
    );
}

/// (name, scheme, exact mean, exact variance, support, shape).
type Case = (&'static str, Init, f64, f64, (f64, f64), Shape);

#[test]
fn every_scheme_has_its_mean_variance_and_bounds() {
    let (fi, fo) = (256usize, 100usize);
    let (fin, fout, fsum) = (fi as f64, fo as f64, (fi + fo) as f64);
    let xu = (6.0 / fsum).sqrt();
    let hu = (6.0 / fin).sqrt();
    let pt = 1.0 / fin.sqrt();
    let he_s0 = (2.0 / fin).sqrt() / TRUNCATION_STD_CORRECTION;
    let he_out_s0 = (2.0 / fout).sqrt() / TRUNCATION_STD_CORRECTION;
    let lecun_s0 = (1.0 / fin).sqrt() / TRUNCATION_STD_CORRECTION;
    // (name, scheme, exact mean, exact variance, support, shape) — closed forms written out here.
    let cases: [Case; 12] = [
        (
            "uniform",
            Init::Fixed(Distribution::Uniform {
                low: -3.0,
                high: 1.0,
            }),
            -1.0,
            16.0 / 12.0,
            (-3.0, 1.0),
            Shape::Uniform,
        ),
        (
            "normal",
            Init::Fixed(Distribution::Normal {
                mean: 0.5,
                std: 2.0,
            }),
            0.5,
            4.0,
            (f64::NEG_INFINITY, f64::INFINITY),
            Shape::Normal,
        ),
        (
            "truncated_normal",
            Init::Fixed(Distribution::TruncatedNormal {
                mean: 0.0,
                std: 1.0,
                low: -2.0,
                high: 2.0,
            }),
            0.0,
            TRUNCATION_STD_CORRECTION * TRUNCATION_STD_CORRECTION,
            (-2.0, 2.0),
            Shape::TruncatedSymmetric,
        ),
        (
            "xavier_uniform",
            Init::xavier_uniform(),
            0.0,
            2.0 / fsum,
            (-xu, xu),
            Shape::Uniform,
        ),
        (
            "xavier_normal",
            Init::xavier_normal(),
            0.0,
            2.0 / fsum,
            (f64::NEG_INFINITY, f64::INFINITY),
            Shape::Normal,
        ),
        (
            "he_uniform",
            Init::he_uniform(),
            0.0,
            2.0 / fin,
            (-hu, hu),
            Shape::Uniform,
        ),
        (
            "he_uniform_fan_out_tanh",
            Init::HeUniform {
                mode: FanMode::FanOut,
                gain: 5.0 / 3.0,
            },
            0.0,
            25.0 / 9.0 / fout,
            (
                -(5.0 / 3.0) * (3.0 / fout).sqrt(),
                (5.0 / 3.0) * (3.0 / fout).sqrt(),
            ),
            Shape::Uniform,
        ),
        (
            "he_normal",
            Init::he_normal(),
            0.0,
            2.0 / fin,
            (-2.0 * he_s0, 2.0 * he_s0),
            Shape::TruncatedSymmetric,
        ),
        (
            "he_normal_fan_out",
            Init::HeNormal {
                mode: FanMode::FanOut,
                gain: std::f64::consts::SQRT_2,
            },
            0.0,
            2.0 / fout,
            (-2.0 * he_out_s0, 2.0 * he_out_s0),
            Shape::TruncatedSymmetric,
        ),
        (
            "kaiming_normal",
            Init::kaiming_normal(),
            0.0,
            2.0 / fin,
            (f64::NEG_INFINITY, f64::INFINITY),
            Shape::Normal,
        ),
        (
            "lecun_normal",
            Init::LecunNormal,
            0.0,
            1.0 / fin,
            (-2.0 * lecun_s0, 2.0 * lecun_s0),
            Shape::TruncatedSymmetric,
        ),
        (
            "pytorch_linear",
            Init::PytorchLinear,
            0.0,
            pt * pt / 3.0,
            (-pt, pt),
            Shape::Uniform,
        ),
    ];
    for (i, (name, init, mean, var, (lo, hi), shape)) in cases.into_iter().enumerate() {
        let d = init.distribution(fi, fo).unwrap();
        let xs = draw(&d, N, 1000 + i as u64);
        assert_moments(name, &xs, mean, var, shape);
        assert!((d.mean() - mean).abs() < 1e-15, "{name}: exact mean");
        assert!(
            (d.variance() - var).abs() < 1e-14 * var.max(1.0),
            "{name}: exact variance"
        );
        let (min, max) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        assert!(
            min >= lo && max <= hi,
            "{name}: [{min}, {max}] outside [{lo}, {hi}]"
        );
        if matches!(shape, Shape::Uniform) {
            assert!(max < hi, "{name}: the upper bound is excluded");
        }
        if lo.is_finite() {
            // The samples reach within 1 % of both ends: for the densities here,
            // the chance to miss a 1 % end band in 100k draws is below 1e-20.
            let w = 0.01 * (hi - lo);
            assert!(
                min < lo + w && max > hi - w,
                "{name}: does not fill its support"
            );
        }
    }
    // Zeros and constants are exact.
    assert!(
        draw(&Init::Zeros.distribution(fi, fo).unwrap(), 10, 0)
            .iter()
            .all(|&x| x == 0.0)
    );
    assert!(
        draw(
            &Init::Fixed(Distribution::Constant(0.25))
                .distribution(0, 0)
                .unwrap(),
            10,
            0
        )
        .iter()
        .all(|&x| x == 0.25)
    );
}

#[test]
fn he_normal_std_is_sqrt_two_over_fan_in_not_the_uncorrected_value() {
    // The course's claim, and the difference to an uncorrected 2σ truncation
    // (std 0.88·sqrt(2/fan_in)): the two differ by 12 %, the estimator's 5σ band is 1.1 %.
    let xs = draw(&Init::he_normal().distribution(512, 512).unwrap(), N, 7);
    let s = mean_var(&xs).1.sqrt();
    let target = (2.0f64 / 512.0).sqrt();
    let se = target * (2.0 / N as f64).sqrt() / 2.0 * 5.0; // 5 standard errors of the std (μ4 ≤ 3σ⁴)
    assert!((s - target).abs() < se, "{s} vs {target}");
    assert!((s - target * TRUNCATION_STD_CORRECTION).abs() > 10.0 * se);
}

// ---------------------------------------------------------------- Kolmogorov–Smirnov

/// Upper tail `Q(x) = P(Z > x) = erfc(x / √2) / 2`, exact at ±inf.
fn upper(x: f64) -> f64 {
    0.5 * libm::erfc(x * std::f64::consts::FRAC_1_SQRT_2)
}

/// CDF of `N(0, 1)` conditioned on `[a, b]`, from upper tails (precise in the right tail).
fn truncated_cdf(x: f64, a: f64, b: f64) -> f64 {
    ((upper(a) - upper(x)) / (upper(a) - upper(b))).clamp(0.0, 1.0)
}

fn ks_statistic(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            ((i + 1) as f64 / n - f).max(f - i as f64 / n)
        })
        .fold(0.0, f64::max)
}

fn ks_critical(n: usize) -> f64 {
    let c = (-(ALPHA / 2.0).ln() / 2.0).sqrt();
    assert!((c - 1.949_5).abs() < 1e-4);
    c / (n as f64).sqrt()
}

#[test]
fn ks_standard_normal_against_phi() {
    let mut rng = SplitMix64::new(99);
    let xs: Vec<f64> = (0..KS_N)
        .map(|_| sample::standard_normal_f64(&mut rng))
        .collect();
    let d = ks_statistic(xs.clone(), |x| 1.0 - upper(x));
    assert!(d < ks_critical(KS_N), "D = {d}");
    // Power: the same samples are rejected against N(0, 1.05²) (the test can fail).
    let d_wrong = ks_statistic(xs, |x| 1.0 - upper(x / 1.05));
    assert!(d_wrong > ks_critical(KS_N), "D = {d_wrong}");
}

#[test]
fn ks_uniform_against_its_cdf() {
    let mut rng = SplitMix64::new(3);
    let xs: Vec<f64> = (0..KS_N)
        .map(|_| sample::uniform_f64(&mut rng, -2.0, 6.0))
        .collect();
    let d = ks_statistic(xs, |x| ((x + 2.0) / 8.0).clamp(0.0, 1.0));
    assert!(d < ks_critical(KS_N), "D = {d}");
}

#[test]
fn ks_truncated_normal_in_every_regime_and_bounds_never_exceeded() {
    let inf = f64::INFINITY;
    // Each pair exercises one proposal of the rejection sampler.
    let intervals = [
        (-2.0, 2.0),  // around 0, wide: normal proposal
        (-0.3, 0.4),  // around 0, narrow: uniform proposal
        (0.0, inf),   // half-normal: exponential proposal
        (3.0, inf),   // far tail: exponential proposal
        (5.0, 6.0),   // far, wide enough: exponential proposal, upper bound rejects
        (1.0, 1.5),   // short one-sided: uniform proposal
        (-inf, -1.0), // left side, mirrored
        (-4.0, -3.9), // short left interval
        (-1.0, inf),  // half-open around 0
    ];
    for (k, &(a, b)) in intervals.iter().enumerate() {
        let mut rng = SplitMix64::new(500 + k as u64);
        let xs: Vec<f64> = (0..KS_N)
            .map(|_| sample::truncated_standard_normal(&mut rng, a, b))
            .collect();
        assert!(xs.iter().all(|&x| a <= x && x <= b), "[{a}, {b}] exceeded");
        let d = ks_statistic(xs, |x| truncated_cdf(x, a, b));
        assert!(d < ks_critical(KS_N), "[{a}, {b}]: D = {d}");
    }
}

#[test]
fn truncation_bounds_hold_after_scaling_and_rounding_to_f32() {
    // Bounds that are not multiples of std and not exact in binary: the f64
    // sample is clamped and f32 rounding is monotone, so 1M draws stay inside.
    let (mean, std, lo, hi) = (0.1f32, 0.3f32, -0.05f32, 0.2f32);
    let mut rng = SplitMix64::new(8);
    let mut min_seen = f32::INFINITY;
    let mut max_seen = f32::NEG_INFINITY;
    for _ in 0..1_000_000 {
        let x: f32 = sample::truncated_normal(&mut rng, mean, std, lo, hi);
        min_seen = min_seen.min(x);
        max_seen = max_seen.max(x);
    }
    assert!(min_seen >= lo && max_seen <= hi, "[{min_seen}, {max_seen}]");
    // And the exact ends are approached: each 1e-4 end band holds about 4e-4 of
    // the mass, so 1M draws miss it with probability about e^-400.
    assert!(min_seen - lo < 1e-4 && hi - max_seen < 1e-4);
    // The same holds for the f64 entry point with absolute bounds.
    let mut rng = SplitMix64::new(9);
    assert!((0..100_000).all(|_| {
        let x = truncated_normal_f64(&mut rng, 0.0, 0.02, -0.04, 0.04);
        (-0.04..=0.04).contains(&x)
    }));
}

/// Counts the `u64`s a sampler takes.
struct Counting(SplitMix64, u64);
impl rand_core::RngCore for Counting {
    fn next_u32(&mut self) -> u32 {
        self.1 += 1;
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.1 += 1;
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        self.0.fill_bytes(dst)
    }
}

#[test]
fn truncated_sampler_needs_few_draws_on_every_interval() {
    // The documented bound: fewer than 3 expected tries, i.e. 6 u64s, for any
    // interval (worst near [-0, 1]: acceptance Φ(1) − Φ(0) = 0.34). Measured
    // over 20_000 samples; the 5-standard-error margin of the mean count is < 0.1.
    let inf = f64::INFINITY;
    for (a, b) in [
        (-1e-9, 1.0 - 1e-9),
        (0.0, 2f64.sqrt()),
        (0.0, inf),
        (-0.5, 0.49),
        (10.0, 10.1),
        (10.0, inf),
        (6.0, 6.2),
        (-inf, inf),
    ] {
        let mut rng = Counting(SplitMix64::new(1), 0);
        for _ in 0..KS_N {
            sample::truncated_standard_normal(&mut rng, a, b);
        }
        let per_sample = rng.1 as f64 / KS_N as f64;
        assert!(per_sample < 6.0, "[{a}, {b}]: {per_sample} u64s per sample");
    }
}
