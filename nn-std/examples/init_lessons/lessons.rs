//! The course's lessons about initialization as small, seeded experiments
//! (the `init_lessons` example prints them; `tests/init_lessons.rs` checks them).
//!
//! - [`depth_experiment`]: how the spread of activations evolves through a deep
//!   stack of dense layers for a given scheme and activation (He keeps ReLU
//!   activations at a stable scale, a standard normal explodes, zeros collapse).
//! - [`symmetry_experiment`]: a network started from zeros keeps all its hidden
//!   units identical while it trains; a random start breaks the symmetry.

use nn_core::kernels::dense_forward_batch;
use nn_core::{Dense, Float, Module, Params};
use nn_init::{Init, InitError, Initializer, SplitMix64, sample};

/// The schemes the course compares, with the names the example prints.
pub const SCHEMES: [(&str, Init); 6] = [
    ("zeros", Init::Zeros),
    ("normal", Init::normal(1.0)),
    ("xavier_uniform", Init::xavier_uniform()),
    ("xavier_normal", Init::xavier_normal()),
    ("he_uniform", Init::he_uniform()),
    ("he_normal", Init::he_normal()),
];

/// The hidden activation of [`depth_experiment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `tanh`.
    Tanh,
    /// `max(0, x)`.
    Relu,
}

impl Activation {
    /// Lowercase name (`"tanh"`, `"relu"`).
    pub const fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
        }
    }

    fn apply(self, xs: &mut [f32]) {
        match self {
            Activation::Tanh => xs.iter_mut().for_each(|x| *x = Float::tanh(*x)),
            Activation::Relu => xs.iter_mut().for_each(|x| *x = x.max(0.0)),
        }
    }
}

/// Feeds `batch` standard-normal inputs of size `width` through `layers`
/// dense layers of `width` units (weights by `init`, biases zero), each
/// followed by `activation`, in `f32`. Returns the standard deviation of
/// every hidden layer's activations over the batch (population std of all
/// `batch · width` values), first layer first.
///
/// Inputs and weights come from `SplitMix64::new(seed)`: inputs first, then
/// the layers in order, so every scheme sees the same inputs for a seed.
pub fn depth_experiment(
    init: &Init,
    activation: Activation,
    layers: usize,
    width: usize,
    batch: usize,
    seed: u64,
) -> Result<Vec<f64>, InitError> {
    let mut rng = SplitMix64::new(seed);
    let mut x: Vec<f32> = (0..batch * width)
        .map(|_| sample::standard_normal(&mut rng))
        .collect();
    let mut y = vec![0.0f32; batch * width];
    let mut w = vec![0.0f32; width * width];
    let b = vec![0.0f32; width];
    let mut stds = Vec::with_capacity(layers);
    for _ in 0..layers {
        init.fill(&mut rng, &mut w, width, width)?;
        dense_forward_batch(&w, &b, &x, &mut y);
        activation.apply(&mut y);
        stds.push(std_of(&y));
        core::mem::swap(&mut x, &mut y);
    }
    Ok(stds)
}

/// Population standard deviation, accumulated in `f64`.
pub fn std_of(xs: &[f32]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = xs
        .iter()
        .map(|&v| (f64::from(v) - mean) * (f64::from(v) - mean))
        .sum::<f64>()
        / n;
    libm::sqrt(var)
}

/// Hidden units of the symmetry experiment's network (2 → 8 → 3).
pub const SYMMETRY_HIDDEN: usize = 8;
const SYMMETRY_BATCH: usize = 32;

/// What [`symmetry_experiment`] measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SymmetryOutcome {
    /// Hidden units that differ from every other one (incoming weights, bias and
    /// outgoing weights compared with tolerance `1e-9` relative to the largest).
    pub distinct_hidden_units: usize,
    /// Hidden units in the network.
    pub hidden_units: usize,
    /// Mean squared error before training.
    pub initial_loss: f64,
    /// Mean squared error after training.
    pub final_loss: f64,
}

/// Trains a 2 → 8 (sigmoid) → 3 network, weights by `init` and biases zero,
/// with full-batch gradient descent (learning rate 0.5) on mean squared error
/// for `steps` steps, on 32 seeded points of `[-1, 1]²` with three targets
/// `(x0·x1, (x0 + x1) / 2, x0² − 1/2)`; then counts distinct hidden units.
///
/// With zeros every hidden unit gets the same gradient at every step, so they
/// stay one unit repeated 8 times; a random start gives 8 distinct units.
pub fn symmetry_experiment(
    init: &Init,
    steps: usize,
    seed: u64,
) -> Result<SymmetryOutcome, InitError> {
    const H: usize = SYMMETRY_HIDDEN;
    const B: usize = SYMMETRY_BATCH;
    let mut rng = SplitMix64::new(seed);
    let mut x = [[0.0f64; 2]; B];
    let mut t = [[0.0f64; 3]; B];
    for (xi, ti) in x.iter_mut().zip(t.iter_mut()) {
        *xi = [
            sample::uniform_f64(&mut rng, -1.0, 1.0),
            sample::uniform_f64(&mut rng, -1.0, 1.0),
        ];
        *ti = [xi[0] * xi[1], 0.5 * (xi[0] + xi[1]), xi[0] * xi[0] - 0.5];
    }
    let mut l1 = Dense::<f64, 2, H>::zeros();
    let mut l2 = Dense::<f64, H, 3>::zeros();
    let rule = Initializer::new(*init);
    rule.apply(&mut l1, &mut rng)?;
    rule.apply(&mut l2, &mut rng)?;

    let mse = |y: &[[f64; 3]; B]| -> (f64, [[f64; 3]; B]) {
        let n = (B * 3) as f64;
        let mut dy = [[0.0; 3]; B];
        let mut loss = 0.0;
        for ((yr, tr), dr) in y.iter().zip(&t).zip(dy.iter_mut()) {
            for ((&yv, &tv), d) in yr.iter().zip(tr).zip(dr.iter_mut()) {
                loss += (yv - tv) * (yv - tv) / n;
                *d = 2.0 * (yv - tv) / n;
            }
        }
        (loss, dy)
    };
    let forward = |l1: &Dense<f64, 2, H>, l2: &Dense<f64, H, 3>| {
        let (z, c1) = l1.forward_train(&x);
        let h = z.map(|r| r.map(|v| 1.0 / (1.0 + Float::exp(-v))));
        let (y, c2) = l2.forward_train(&h);
        (h, y, z, c1, c2)
    };
    let initial_loss = mse(&forward(&l1, &l2).1).0;
    let lr = 0.5;
    for _ in 0..steps {
        let (h, y, z, c1, c2) = forward(&l1, &l2);
        let (_, dy) = mse(&y);
        let (mut g1, mut g2) = (Dense::<f64, 2, H>::zeros(), Dense::<f64, H, 3>::zeros());
        let dh: [[f64; H]; B] = l2.backward(&h, &y, &c2, &dy, &mut g2);
        let mut dz = dh;
        for (dzr, hr) in dz.iter_mut().zip(&h) {
            for (d, &s) in dzr.iter_mut().zip(hr) {
                *d *= s * (1.0 - s);
            }
        }
        let _: [[f64; 2]; B] = l1.backward(&x, &z, &c1, &dz, &mut g1);
        sgd_step(&mut l1, &g1, lr);
        sgd_step(&mut l2, &g2, lr);
    }
    let final_loss = mse(&forward(&l1, &l2).1).0;

    let unit = |j: usize| {
        [
            l1.weight[j][0],
            l1.weight[j][1],
            l1.bias[j],
            l2.weight[0][j],
            l2.weight[1][j],
            l2.weight[2][j],
        ]
    };
    let scale = (0..H)
        .flat_map(&unit)
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let same = |i: usize, j: usize| {
        unit(i)
            .iter()
            .zip(unit(j).iter())
            .all(|(a, b)| (a - b).abs() <= 1e-9 * scale)
    };
    let distinct = (0..H).filter(|&j| (0..j).all(|i| !same(i, j))).count();
    Ok(SymmetryOutcome {
        distinct_hidden_units: distinct,
        hidden_units: H,
        initial_loss,
        final_loss,
    })
}

/// `p -= lr · g` over every tensor.
fn sgd_step<M: Params<f64>>(model: &mut M, grads: &M, lr: f64) {
    for (p, g) in model.params_mut().zip(grads.params()) {
        for (v, &d) in p.values.iter_mut().zip(g.values) {
            *v -= lr * d;
        }
    }
}
