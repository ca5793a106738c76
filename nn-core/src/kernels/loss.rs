//! Loss kernels on flat slices: the mean loss and, when a gradient buffer is
//! given, `dL/dpred` (which includes the `1/N` of the mean).
//!
//! Element-wise losses average over all elements; row losses (`pred` is
//! `[batch][classes]`) average over the rows. Targets are validated before
//! anything is written, so an error leaves `grad` untouched.

use crate::kernels::activation::sigmoid;
use crate::kernels::softmax::row_max;
use crate::{Float, LossError};

/// Mean squared error `mean((pred − target)²)`; gradient `2·(pred − target)/N`.
///
/// ```
/// use nn_core::kernels::loss::mse;
/// let mut g = [0.0f64; 2];
/// assert_eq!(mse(&[1.0, 3.0], &[0.0, 0.0], Some(&mut g)), Ok(5.0));
/// assert_eq!(g, [1.0, 3.0]);
/// ```
pub fn mse<F: Float>(pred: &[F], target: &[F], grad: Option<&mut [F]>) -> Result<F, LossError> {
    elementwise(
        pred,
        target,
        grad,
        |t| !t.is_nan(),
        |p, t| {
            let r = p - t;
            (r * r, F::TWO * r)
        },
    )
}

/// PyTorch's `HuberLoss`: with `r = pred − target`, `0.5·r²` if `|r| < delta`,
/// otherwise `delta·(|r| − 0.5·delta)`, averaged over all elements. `delta`
/// must be positive and finite, as in PyTorch.
///
/// ```
/// use nn_core::kernels::loss::huber;
/// let mut g = [0.0f32; 2];
/// assert_eq!(huber(1.0, &[0.5, 3.0], &[0.0, 0.0], Some(&mut g)), Ok((0.125 + 2.5) / 2.0));
/// assert_eq!(g, [0.25, 0.5]);
/// assert!(huber(-1.0f32, &[0.5], &[0.0], None).is_err());
/// ```
pub fn huber<F: Float>(
    delta: F,
    pred: &[F],
    target: &[F],
    grad: Option<&mut [F]>,
) -> Result<F, LossError> {
    if !(delta > F::ZERO && delta.is_finite()) {
        return Err(LossError::InvalidParameter { name: "delta" });
    }
    elementwise(
        pred,
        target,
        grad,
        |t| !t.is_nan(),
        |p, t| {
            let r = p - t;
            if r.abs() < delta {
                (F::HALF * r * r, r)
            } else {
                let sign = if r < F::ZERO { -F::ONE } else { F::ONE };
                (delta * (r.abs() - F::HALF * delta), delta * sign)
            }
        },
    )
}

/// Binary cross-entropy from logits, stable for any logit:
/// `max(x, 0) − x·t + ln(1 + e^−|x|)` averaged over all elements; gradient
/// `(σ(x) − t)/N`. Targets must lie in `[0, 1]`.
///
/// ```
/// use nn_core::kernels::loss::bce_with_logits;
/// let mut g = [0.0f64; 2];
/// let l = bce_with_logits(&[1000.0, -1000.0], &[1.0, 0.0], Some(&mut g)).unwrap();
/// assert_eq!((l, g), (0.0, [0.0, 0.0]));
/// assert!(bce_with_logits(&[0.0f32], &[1.5], None).is_err());
/// ```
pub fn bce_with_logits<F: Float>(
    logits: &[F],
    target: &[F],
    grad: Option<&mut [F]>,
) -> Result<F, LossError> {
    elementwise(logits, target, grad, is_probability, |x, t| {
        let value = x.max(F::ZERO) - x * t + (-x.abs()).exp().ln_1p();
        (value, sigmoid(x) - t)
    })
}

/// A margin must be finite (a NaN or infinite margin makes every loss NaN or
/// infinite).
fn check_margin<F: Float>(margin: F) -> Result<(), LossError> {
    if margin.is_finite() {
        Ok(())
    } else {
        Err(LossError::InvalidParameter { name: "margin" })
    }
}

/// Binary hinge loss `mean(max(0, margin − y·f))` for labels `y ∈ {−1, 1}`;
/// gradient `−y/N` where the margin is violated (`margin − y·f > 0`), else 0.
///
/// ```
/// use nn_core::kernels::loss::hinge;
/// let mut g = [0.0f64; 2];
/// assert_eq!(hinge(1.0, &[0.5, 2.0], &[1.0, 1.0], Some(&mut g)), Ok(0.25));
/// assert_eq!(g, [-0.5, 0.0]);
/// ```
pub fn hinge<F: Float>(
    margin: F,
    score: &[F],
    label: &[F],
    grad: Option<&mut [F]>,
) -> Result<F, LossError> {
    check_margin(margin)?;
    elementwise(
        score,
        label,
        grad,
        |y| y == F::ONE || y == -F::ONE,
        |f, y| {
            let m = margin - y * f;
            if m > F::ZERO {
                (m, -y)
            } else {
                (F::ZERO, F::ZERO)
            }
        },
    )
}

/// Softmax cross-entropy from logits `pred` (`[batch][classes]`) and class
/// indices `target` (`[batch]`): `−(1/B) Σ_b log_softmax(pred_b)[target_b]`;
/// gradient `(softmax(pred_b) − onehot(target_b))/B`.
///
/// ```
/// use nn_core::kernels::loss::cross_entropy;
/// let mut g = [0.0f64; 2];
/// let l = cross_entropy(&[0.0, 0.0], 2, &[1], Some(&mut g)).unwrap();
/// assert_eq!((l, g), (core::f64::consts::LN_2, [0.5, -0.5]));
/// ```
pub fn cross_entropy<F: Float>(
    pred: &[F],
    classes: usize,
    target: &[usize],
    grad: Option<&mut [F]>,
) -> Result<F, LossError> {
    check_rows(pred, classes, target.len(), grad.as_deref())?;
    check_classes(target, classes)?;
    let inv_b = F::ONE / F::from_usize(target.len());
    // The loss is `Σ ln Σ e^(x − m) − Σ (x_t − m)`, each sum in row order:
    // both are sums of non-negative terms, and neither needs the other pass.
    let (mut log_sums, mut shifted_targets) = (F::ZERO, F::ZERO);
    let Some(grad) = grad else {
        for (row, &t) in pred.chunks_exact(classes).zip(target) {
            let (m, s) = shifted_sum(row);
            log_sums += s.ln();
            shifted_targets += row[t] - m;
        }
        return Ok((log_sums - shifted_targets) * inv_b);
    };
    shifted_exps(pred, classes, grad, |r, shifted| {
        shifted_targets += shifted[target[r]];
    });
    for (g, &t) in grad.chunks_exact_mut(classes).zip(target) {
        let s = exp_sum(g);
        log_sums += s.ln();
        let k = inv_b / s;
        g.iter_mut().for_each(|e| *e *= k);
        g[t] -= inv_b;
    }
    Ok((log_sums - shifted_targets) * inv_b)
}

/// Softmax cross-entropy from logits with probability targets, both
/// `[batch][classes]`: `−(1/B) Σ_b Σ_c t_bc·log_softmax(pred_b)_c`, targets used
/// as given (not renormalised); gradient `(softmax(pred_b)·Σ_c t_bc − t_b)/B`.
/// Targets must lie in `[0, 1]`.
///
/// ```
/// use nn_core::kernels::loss::cross_entropy_probs;
/// let mut g = [0.0f64; 2];
/// let l = cross_entropy_probs(&[0.0, 0.0], 2, &[0.25, 0.75], Some(&mut g)).unwrap();
/// assert_eq!((l, g), (core::f64::consts::LN_2, [0.25, -0.25]));
/// ```
pub fn cross_entropy_probs<F: Float>(
    pred: &[F],
    classes: usize,
    target: &[F],
    grad: Option<&mut [F]>,
) -> Result<F, LossError> {
    let rows = target.len().checked_div(classes).unwrap_or(0);
    check_rows(pred, classes, rows, grad.as_deref())?;
    if target.len() != pred.len() {
        return Err(LossError::ShapeMismatch {
            expected: pred.len(),
            found: target.len(),
        });
    }
    check_targets(target, is_probability)?;
    let inv_b = F::ONE / F::from_usize(rows);
    let mut total = F::ZERO;
    let mut grad_rows = grad.map(|g| {
        shifted_exps(pred, classes, g, |_, _| {});
        g.chunks_exact_mut(classes)
    });
    for (row, t) in pred.chunks_exact(classes).zip(target.chunks_exact(classes)) {
        let exps = grad_rows.as_mut().and_then(Iterator::next);
        let (m, s) = match &exps {
            Some(e) => (row_max(row), exp_sum(e)),
            None => shifted_sum(row),
        };
        let ln_s = s.ln();
        let mut t_sum = F::ZERO;
        for (&x, &tc) in row.iter().zip(t) {
            total -= tc * ((x - m) - ln_s);
            t_sum += tc;
        }
        if let Some(g) = exps {
            let k = t_sum * inv_b / s;
            g.iter_mut()
                .zip(t)
                .for_each(|(e, &tc)| *e = *e * k - tc * inv_b);
        }
    }
    Ok(total * inv_b)
}

/// PyTorch's `MultiMarginLoss` with `p = 1`: for logits `pred`
/// (`[batch][classes]`) and class indices `target`,
/// `loss_b = Σ_{i≠y_b} max(0, margin − x_b[y_b] + x_b[i]) / C`, averaged over
/// the batch (divided by `C`, not `C − 1`).
///
/// ```
/// use nn_core::kernels::loss::multi_margin;
/// let mut g = [0.0f64; 2];
/// assert_eq!(multi_margin(1.0, &[0.5, 0.0], 2, &[0], Some(&mut g)), Ok(0.25));
/// assert_eq!(g, [-0.5, 0.5]);
/// ```
pub fn multi_margin<F: Float>(
    margin: F,
    pred: &[F],
    classes: usize,
    target: &[usize],
    grad: Option<&mut [F]>,
) -> Result<F, LossError> {
    check_margin(margin)?;
    check_rows(pred, classes, target.len(), grad.as_deref())?;
    check_classes(target, classes)?;
    let scale = F::ONE / (F::from_usize(classes) * F::from_usize(target.len()));
    let mut total = F::ZERO;
    let mut grad_rows = grad.map(|g| g.chunks_exact_mut(classes));
    for (row, &y) in pred.chunks_exact(classes).zip(target) {
        let mut g = grad_rows.as_mut().and_then(Iterator::next);
        if let Some(g) = g.as_deref_mut() {
            g.fill(F::ZERO);
        }
        for (i, &x) in row.iter().enumerate() {
            let z = margin - row[y] + x;
            if i != y && z > F::ZERO {
                total += z;
                if let Some(g) = g.as_deref_mut() {
                    g[i] += scale;
                    g[y] -= scale;
                }
            }
        }
    }
    Ok(total * scale)
}

/// Shared driver of the element-wise losses: checks shapes and targets, then
/// sums `term(p, t) = (value, dvalue/dp)` and writes `dvalue/dp / N`.
#[inline]
fn elementwise<F: Float>(
    pred: &[F],
    target: &[F],
    grad: Option<&mut [F]>,
    valid: impl Fn(F) -> bool,
    term: impl Fn(F, F) -> (F, F),
) -> Result<F, LossError> {
    if pred.is_empty() {
        return Err(LossError::Empty);
    }
    same_len(pred.len(), target.len())?;
    if let Some(g) = grad.as_deref() {
        same_len(pred.len(), g.len())?;
    }
    check_targets(target, valid)?;
    let inv_n = F::ONE / F::from_usize(pred.len());
    let mut total = F::ZERO;
    match grad {
        Some(g) => {
            for ((gi, &p), &t) in g.iter_mut().zip(pred).zip(target) {
                let (v, d) = term(p, t);
                total += v;
                *gi = d * inv_n;
            }
        }
        None => {
            for (&p, &t) in pred.iter().zip(target) {
                total += term(p, t).0;
            }
        }
    }
    Ok(total * inv_n)
}

/// `Ok` when `found == expected`.
#[inline]
fn same_len(expected: usize, found: usize) -> Result<(), LossError> {
    if expected == found {
        Ok(())
    } else {
        Err(LossError::ShapeMismatch { expected, found })
    }
}

/// Checks a `[rows][classes]` prediction (and gradient buffer) against the row count.
#[inline]
fn check_rows<F>(
    pred: &[F],
    classes: usize,
    rows: usize,
    grad: Option<&[F]>,
) -> Result<(), LossError> {
    if rows == 0 || classes == 0 {
        return Err(LossError::Empty);
    }
    // Saturating: an absurd `classes` is a shape mismatch, not an overflow.
    same_len(rows.saturating_mul(classes), pred.len())?;
    match grad {
        Some(g) => same_len(pred.len(), g.len()),
        None => Ok(()),
    }
}

/// The first target for which `valid` fails, as an error.
#[inline]
fn check_targets<F: Float>(target: &[F], valid: impl Fn(F) -> bool) -> Result<(), LossError> {
    match target.iter().position(|&t| !valid(t)) {
        Some(position) => Err(LossError::InvalidTarget { position }),
        None => Ok(()),
    }
}

/// The first class index that is not below `classes`, as an error.
#[inline]
fn check_classes(target: &[usize], classes: usize) -> Result<(), LossError> {
    match target.iter().find(|&&t| t >= classes) {
        Some(&index) => Err(LossError::ClassOutOfRange { index, classes }),
        None => Ok(()),
    }
}

/// `0 ≤ t ≤ 1` (false for NaN).
#[inline]
fn is_probability<F: Float>(t: F) -> bool {
    t >= F::ZERO && t <= F::ONE
}

/// The row maximum `m` and `Σ e^(x − m)`, summed in order like [`exp_sum`]
/// (so the loss does not depend on whether a gradient is asked for).
#[inline]
fn shifted_sum<F: Float>(row: &[F]) -> (F, F) {
    let m = row_max(row);
    (m, row.iter().map(|&x| (x - m).exp()).sum())
}

/// `out = e^(x − m)` for each row of `pred` (`m` the row's maximum), with one
/// slice exponential over the whole batch; `each_row(r, x − m)` sees every
/// shifted row before the exponential.
fn shifted_exps<F: Float>(
    pred: &[F],
    classes: usize,
    out: &mut [F],
    mut each_row: impl FnMut(usize, &[F]),
) {
    let rows = pred
        .chunks_exact(classes)
        .zip(out.chunks_exact_mut(classes));
    for (r, (row, o)) in rows.enumerate() {
        let m = row_max(row);
        o.iter_mut().zip(row).for_each(|(o, &x)| *o = x - m);
        each_row(r, o);
    }
    F::exp_in_place(out);
}

/// `Σ e`, in order.
#[inline]
fn exp_sum<F: Float>(e: &[F]) -> F {
    e.iter().copied().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_targets_are_errors_and_leave_grad_untouched() {
        let mut g = [7.0f64; 2];
        assert_eq!(
            cross_entropy(&[0.0, 1.0], 2, &[2], Some(&mut g)),
            Err(LossError::ClassOutOfRange {
                index: 2,
                classes: 2
            })
        );
        assert_eq!(
            hinge(1.0, &[0.0, 1.0], &[1.0, 0.5], Some(&mut g)),
            Err(LossError::InvalidTarget { position: 1 })
        );
        assert_eq!(
            mse(&[0.0, 1.0], &[f64::NAN, 0.0], Some(&mut g)),
            Err(LossError::InvalidTarget { position: 0 })
        );
        assert_eq!(
            bce_with_logits(&[0.0, 1.0], &[0.0, -0.1], Some(&mut g)),
            Err(LossError::InvalidTarget { position: 1 })
        );
        assert_eq!(
            cross_entropy_probs(&[0.0, 1.0], 2, &[f64::NAN, 1.0], Some(&mut g)),
            Err(LossError::InvalidTarget { position: 0 })
        );
        assert_eq!(
            multi_margin(1.0, &[0.0, 1.0], 2, &[5], Some(&mut g)),
            Err(LossError::ClassOutOfRange {
                index: 5,
                classes: 2
            })
        );
        assert_eq!(g, [7.0; 2]);
    }

    #[test]
    fn shape_errors() {
        assert_eq!(mse::<f32>(&[], &[], None), Err(LossError::Empty));
        assert_eq!(
            mse(&[1.0f32], &[1.0, 2.0], None),
            Err(LossError::ShapeMismatch {
                expected: 1,
                found: 2
            })
        );
        assert_eq!(
            cross_entropy(&[1.0f32, 2.0, 3.0], 2, &[0], None),
            Err(LossError::ShapeMismatch {
                expected: 2,
                found: 3
            })
        );
        assert_eq!(
            cross_entropy::<f64>(&[], 3, &[], None),
            Err(LossError::Empty)
        );
        assert_eq!(
            cross_entropy(&[1.0f32, 2.0], usize::MAX, &[0, 0], None),
            Err(LossError::ShapeMismatch {
                expected: usize::MAX,
                found: 2
            })
        );
        let mut short = [0.0f64; 1];
        assert_eq!(
            huber(1.0, &[1.0, 2.0], &[0.0, 0.0], Some(&mut short)),
            Err(LossError::ShapeMismatch {
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn logits_of_1000_are_stable() {
        let pred = [1000.0f32, -1000.0, 999.0, -1000.0, 1000.0, 0.0];
        let mut g = [0.0f32; 6];
        let l = cross_entropy(&pred, 3, &[1, 2], Some(&mut g)).unwrap();
        // row 0: lse ≈ 1000.3133, target −1000 → 2000.31; row 1: lse = 1000, target 0 → 1000.
        assert!((l - (2000.3133 + 1000.0) / 2.0).abs() < 1e-2, "{l}");
        assert!(g.iter().all(|v| v.is_finite()));
        let l = cross_entropy_probs(&pred, 3, &[0.0, 1.0, 0.0, 0.5, 0.0, 0.5], Some(&mut g));
        assert!(l.unwrap().is_finite() && g.iter().all(|v| v.is_finite()));
        let l = bce_with_logits(&pred, &[0.0, 1.0, 0.5, 1.0, 0.0, 1.0], Some(&mut g)).unwrap();
        assert!(
            l.is_finite()
                && (l
                    - (1000.0 + 1000.0 + 499.5 + 1000.0 + 1000.0 + core::f32::consts::LN_2) / 6.0)
                    .abs()
                    < 1e-2
        );
        assert!(g.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn softmax_losses_give_the_same_bits_with_and_without_a_gradient() {
        let pred: [f32; 30] = core::array::from_fn(|i| ((i * 37 % 23) as f32 - 11.0) * 0.731);
        let targets = [4, 0, 9];
        let probs: [f32; 30] = core::array::from_fn(|i| ((i * 7 % 5) as f32) * 0.1);
        let mut g = [0.0f32; 30];
        let with = cross_entropy(&pred, 10, &targets, Some(&mut g)).unwrap();
        let without = cross_entropy(&pred, 10, &targets, None).unwrap();
        assert_eq!(with.to_bits(), without.to_bits());
        // The gradient of each row sums to zero: softmax sums to one.
        for row in g.chunks_exact(10) {
            assert!(row.iter().sum::<f32>().abs() < 1e-6);
        }
        let with = cross_entropy_probs(&pred, 10, &probs, Some(&mut g)).unwrap();
        let without = cross_entropy_probs(&pred, 10, &probs, None).unwrap();
        assert_eq!(with.to_bits(), without.to_bits());
    }
}
