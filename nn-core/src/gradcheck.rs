//! Finite-difference gradient checks, in `f64`, for any layer, loss or network.
//!
//! Each check compares the analytic gradient (from [`Module::backward`] or
//! [`Loss::loss_and_grad`]) with central differences
//! `(f(θ + h) − f(θ − h)) / 2h`, `h = `[`STEP`], one scalar at a time, and
//! returns the largest [`relative_error`]. A module is reduced to a scalar by
//! a fixed projection `Σ_j w_j·y_j` of its output (weights from
//! [`projection_weight`]), so every output element takes part.
//! Inputs should stay away from kinks (`relu` at 0, maxout ties), where a
//! finite difference is meaningless.
//!
//! ```
//! use nn_core::gradcheck::{check_module_input, check_module_params};
//! use nn_core::{seq, Dense, Tanh};
//! let net = seq![
//!     Dense::<f64, 2, 3>::from_parts([[0.5, -1.0], [0.25, 0.75], [-0.5, 0.1]], [0.1, 0.0, -0.2]),
//!     Tanh,
//!     Dense::<f64, 3, 1>::from_parts([[1.0, -2.0, 0.5]], [0.3]),
//! ];
//! let x = [[0.3, -0.7], [1.2, 0.4]];
//! assert!(check_module_input(&net, &x) < 1e-7);
//! assert!(check_module_params(&net, &x) < 1e-7);
//! ```

use crate::{Loss, LossError, Module, Params};

/// The finite-difference step `h`.
pub const STEP: f64 = 1e-5;

/// Gradients smaller than this are compared absolutely rather than relatively.
pub const FLOOR: f64 = 1e-3;

/// A fixed-size `f64` array (one sample or a batch) seen as one flat slice.
///
/// ```
/// use nn_core::gradcheck::Tensor;
/// assert_eq!([[1.0, 2.0], [3.0, 4.0]].flat(), &[1.0, 2.0, 3.0, 4.0]);
/// ```
pub trait Tensor: Copy {
    /// The elements, row-major.
    fn flat(&self) -> &[f64];
    /// The elements, row-major, mutable.
    fn flat_mut(&mut self) -> &mut [f64];
}

impl<const N: usize> Tensor for [f64; N] {
    fn flat(&self) -> &[f64] {
        self
    }
    fn flat_mut(&mut self) -> &mut [f64] {
        self
    }
}

impl<const N: usize, const B: usize> Tensor for [[f64; N]; B] {
    fn flat(&self) -> &[f64] {
        self.as_flattened()
    }
    fn flat_mut(&mut self) -> &mut [f64] {
        self.as_flattened_mut()
    }
}

/// `|analytic − numeric| / max(|analytic|, |numeric|, FLOOR)`; infinite if either is NaN.
///
/// ```
/// use nn_core::gradcheck::relative_error;
/// assert_eq!(relative_error(2.0, 2.5), 0.2);
/// assert!((relative_error(0.0, 1e-9) - 1e-6).abs() < 1e-18); // below FLOOR: absolute
/// assert_eq!(relative_error(f64::NAN, 1.0), f64::INFINITY);
/// ```
pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    let scale = analytic.abs().max(numeric.abs()).max(FLOOR);
    let e = (analytic - numeric).abs() / scale;
    if e.is_nan() { f64::INFINITY } else { e }
}

/// The weight of output element `j` in the scalar projection `Σ_j w_j·y_j`:
/// a fixed sequence of distinct-looking values in `[-1, 1]`.
///
/// ```
/// use nn_core::gradcheck::projection_weight;
/// assert!((0..100).all(|j| projection_weight(j).abs() <= 1.0));
/// ```
pub fn projection_weight(j: usize) -> f64 {
    ((j * 37 + 5) % 23) as f64 / 11.0 - 1.0
}

/// Largest error of `dL/dx` for `L = Σ_j w_j·module(x)_j`.
///
/// ```
/// use nn_core::{gradcheck::check_module_input, Sigmoid};
/// assert!(check_module_input(&Sigmoid, &[0.3, -2.0, 5.0]) < 1e-7);
/// ```
pub fn check_module_input<M, X>(module: &M, x: &X) -> f64
where
    M: Module<X> + Params<f64> + Clone,
    X: Tensor,
    M::Output: Tensor,
{
    let (y, cache) = module.forward_train(x);
    let dx = module.backward(x, &y, &cache, &projection_of(&y), &mut module.zeroed());
    max_error(
        x.flat().len(),
        |i| dx.flat()[i],
        |i, d| {
            let mut xs = *x;
            xs.flat_mut()[i] += d;
            project(&module.forward(&xs))
        },
    )
}

/// Largest error of `dL/dθ` over every parameter scalar θ of `module`, for
/// `L = Σ_j w_j·module(x)_j`.
///
/// ```
/// use nn_core::{gradcheck::check_module_params, Prelu};
/// assert!(check_module_params(&Prelu::new(0.25), &[-0.5, 2.0, -3.0]) < 1e-7);
/// ```
pub fn check_module_params<M, X>(module: &M, x: &X) -> f64
where
    M: Module<X> + Params<f64> + Clone,
    M::Output: Tensor,
{
    let (y, cache) = module.forward_train(x);
    let mut grads = module.zeroed();
    module.backward(x, &y, &cache, &projection_of(&y), &mut grads);
    params_error(module, &grads, |m| project(&m.forward(x)))
}

/// Largest error of `dL/dpred` from [`Loss::loss_and_grad`].
///
/// ```
/// use nn_core::{gradcheck::check_loss, CrossEntropy};
/// assert!(check_loss(&CrossEntropy, &[[0.5, -1.0, 2.0]], &[1]).unwrap() < 1e-7);
/// ```
pub fn check_loss<L, P, T>(loss: &L, pred: &P, target: &T) -> Result<f64, LossError>
where
    L: Loss<f64, P, T>,
    P: Tensor,
{
    let (_, grad) = loss.loss_and_grad(pred, target)?;
    let mut failure = None;
    let e = max_error(
        pred.flat().len(),
        |i| grad.flat()[i],
        |i, d| {
            let mut p = *pred;
            p.flat_mut()[i] += d;
            loss.loss(&p, target).unwrap_or_else(|err| {
                failure = Some(err);
                f64::NAN
            })
        },
    );
    failure.map_or(Ok(e), Err)
}

/// Largest error of the gradients of `loss(module(x), target)` with respect to
/// every parameter and every input element: backpropagation through a whole
/// network and its loss.
///
/// ```
/// use nn_core::{gradcheck::check_network, seq, Dense, Mse, Elu};
/// let net = seq![Dense::<f64, 2, 2>::from_parts([[1.0, -0.5], [0.3, 0.8]], [0.1, -0.1]), Elu::new(0.5)];
/// assert!(check_network(&net, &Mse, &[0.2, -0.9], &[0.5, 0.5]).unwrap() < 1e-7);
/// ```
pub fn check_network<M, X, L, T>(module: &M, loss: &L, x: &X, target: &T) -> Result<f64, LossError>
where
    M: Module<X> + Params<f64> + Clone,
    X: Tensor,
    L: Loss<f64, M::Output, T>,
{
    let (y, cache) = module.forward_train(x);
    let (_, dy) = loss.loss_and_grad(&y, target)?;
    let mut grads = module.zeroed();
    let dx = module.backward(x, &y, &cache, &dy, &mut grads);
    let mut failure = None;
    let mut value = |m: &M, x: &X| {
        loss.loss(&m.forward(x), target).unwrap_or_else(|err| {
            failure = Some(err);
            f64::NAN
        })
    };
    let e_params = params_error(module, &grads, |m| value(m, x));
    let e_input = max_error(
        x.flat().len(),
        |i| dx.flat()[i],
        |i, d| {
            let mut xs = *x;
            xs.flat_mut()[i] += d;
            value(module, &xs)
        },
    );
    failure.map_or(Ok(e_params.max(e_input)), Err)
}

/// Compares the parameters of `grads` with central differences of `objective`
/// over the parameters of `module`.
fn params_error<M: Params<f64> + Clone>(
    module: &M,
    grads: &M,
    mut objective: impl FnMut(&M) -> f64,
) -> f64 {
    let analytic = |i: usize| nth_scalar(grads, i);
    max_error(module.num_params(), analytic, |i, d| {
        let mut m = module.clone();
        if let Some(v) = m.params_mut().flat_map(|p| p.values).nth(i) {
            *v += d;
        }
        objective(&m)
    })
}

/// The `i`-th parameter scalar in [`Params`] order (NaN if out of range).
fn nth_scalar<M: Params<f64>>(m: &M, i: usize) -> f64 {
    m.params()
        .flat_map(|p| p.values.iter().copied())
        .nth(i)
        .unwrap_or(f64::NAN)
}

/// The largest [`relative_error`] between `analytic(i)` and the central
/// difference of `objective_at(i, ±STEP)`, over `i < n`.
fn max_error(
    n: usize,
    analytic: impl Fn(usize) -> f64,
    mut objective_at: impl FnMut(usize, f64) -> f64,
) -> f64 {
    (0..n)
        .map(|i| {
            let numeric = (objective_at(i, STEP) - objective_at(i, -STEP)) / (2.0 * STEP);
            relative_error(analytic(i), numeric)
        })
        .fold(0.0, f64::max)
}

/// `Σ_j w_j·y_j`.
fn project<Y: Tensor>(y: &Y) -> f64 {
    y.flat()
        .iter()
        .enumerate()
        .map(|(j, v)| projection_weight(j) * v)
        .sum()
}

/// The gradient of [`project`]: `w` shaped like `y`.
fn projection_of<Y: Tensor>(y: &Y) -> Y {
    let mut w = *y;
    for (j, v) in w.flat_mut().iter_mut().enumerate() {
        *v = projection_weight(j);
    }
    w
}
