//! Row-wise softmax and log-softmax kernels, stable for any finite input
//! (the row maximum is subtracted before exponentiating).

use crate::Float;

/// `max(x) + ln Σ exp(x - max(x))`, the stable log-sum-exp of a row.
///
/// Returns `-∞` for an empty row, and NaN when the row holds NaN.
///
/// ```
/// use nn_core::kernels::log_sum_exp;
/// let v = log_sum_exp(&[1000.0f64, 1000.0]);
/// assert!((v - (1000.0 + core::f64::consts::LN_2)).abs() < 1e-12);
/// ```
#[inline]
pub fn log_sum_exp<F: Float>(x: &[F]) -> F {
    let m = row_max(x);
    if !m.is_finite() {
        return m;
    }
    let s: F = x.iter().map(|&v| (v - m).exp()).sum();
    m + s.ln()
}

/// `y = softmax(x)` for one row: `y[i] = e^(x[i] - m) / Σ_j e^(x[j] - m)`, `m = max(x)`.
///
/// ```
/// use nn_core::kernels::softmax_forward;
/// let mut y = [0.0f32; 3];
/// softmax_forward(&[1000.0, 1000.0, -1000.0], &mut y);
/// assert_eq!(y, [0.5, 0.5, 0.0]);
/// ```
///
/// # Panics
/// If `x` and `y` differ in length.
#[inline]
pub fn softmax_forward<F: Float>(x: &[F], y: &mut [F]) {
    assert_eq!(x.len(), y.len(), "softmax_forward: x and y lengths");
    let m = row_max(x);
    y.iter_mut().zip(x).for_each(|(yi, &xi)| *yi = xi - m);
    F::exp_in_place(y);
    let mut s = F::ZERO;
    y.iter().for_each(|&yi| s += yi);
    let inv = F::ONE / s;
    y.iter_mut().for_each(|yi| *yi *= inv);
}

/// Backward of [`softmax_forward`] from its output `y`:
/// `dx[i] = y[i]·(dy[i] − Σ_j dy[j]·y[j])`.
///
/// ```
/// use nn_core::kernels::softmax_backward;
/// let mut dx = [0.0f64; 2];
/// softmax_backward(&[0.5, 0.5], &[1.0, 0.0], &mut dx);
/// assert_eq!(dx, [0.25, -0.25]);
/// ```
///
/// # Panics
/// If `dy` or `dx` differs in length from `y`.
#[inline]
pub fn softmax_backward<F: Float>(y: &[F], dy: &[F], dx: &mut [F]) {
    check_backward_lengths("softmax_backward", y, dy, dx);
    let dot: F = y.iter().zip(dy).map(|(&yi, &g)| yi * g).sum();
    for ((dxi, &yi), &g) in dx.iter_mut().zip(y).zip(dy) {
        *dxi = yi * (g - dot);
    }
}

/// `y = log_softmax(x)` for one row: `y[i] = (x[i] − m) − ln Σ_j e^(x[j] − m)`.
///
/// ```
/// use nn_core::kernels::log_softmax_forward;
/// let mut y = [0.0f64; 2];
/// log_softmax_forward(&[-1000.0, -1000.0], &mut y);
/// assert_eq!(y, [-core::f64::consts::LN_2; 2]);
/// ```
///
/// # Panics
/// If `x` and `y` differ in length.
#[inline]
pub fn log_softmax_forward<F: Float>(x: &[F], y: &mut [F]) {
    assert_eq!(x.len(), y.len(), "log_softmax_forward: x and y lengths");
    let m = row_max(x);
    let s: F = x.iter().map(|&v| (v - m).exp()).sum();
    let ln_s = s.ln();
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = (xi - m) - ln_s;
    }
}

/// Backward of [`log_softmax_forward`] from its output `y`:
/// `dx[i] = dy[i] − e^(y[i])·Σ_j dy[j]`.
///
/// ```
/// use nn_core::kernels::log_softmax_backward;
/// let ln_half = -core::f64::consts::LN_2;
/// let mut dx = [0.0f64; 2];
/// log_softmax_backward(&[ln_half, ln_half], &[1.0, 0.0], &mut dx);
/// assert!((dx[0] - 0.5).abs() < 1e-15 && (dx[1] + 0.5).abs() < 1e-15);
/// ```
///
/// # Panics
/// If `dy` or `dx` differs in length from `y`.
#[inline]
pub fn log_softmax_backward<F: Float>(y: &[F], dy: &[F], dx: &mut [F]) {
    check_backward_lengths("log_softmax_backward", y, dy, dx);
    let sum: F = dy.iter().copied().sum();
    for ((dxi, &yi), &g) in dx.iter_mut().zip(y).zip(dy) {
        *dxi = g - yi.exp() * sum;
    }
}

/// Panics, naming `kernel`, unless `dy` and `dx` have `y`'s length.
#[inline]
fn check_backward_lengths<F>(kernel: &str, y: &[F], dy: &[F], dx: &[F]) {
    assert!(
        dy.len() == y.len() && dx.len() == y.len(),
        "{kernel}: y, dy and dx lengths"
    );
}

/// The largest entry of a row that is not NaN (`-∞` if there is none).
///
/// Skipping NaN costs one compare per entry (no NaN test in the chain) and
/// changes no result: a NaN entry still makes its row's softmax and loss NaN.
#[inline]
pub(crate) fn row_max<F: Float>(x: &[F]) -> F {
    x.iter()
        .fold(F::NEG_INFINITY, |m, &v| if v > m { v } else { m })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_of_huge_and_tiny_rows_is_finite_and_normalised() {
        for row in [
            [1000.0f64, 999.5, -1000.0, 0.0],
            [-1000.0, -1000.5, -999.0, -1001.0],
            [3.0, 3.0, 3.0, 3.0],
        ] {
            let mut y = [0.0; 4];
            softmax_forward(&row, &mut y);
            assert!(y.iter().all(|v| v.is_finite() && *v >= 0.0));
            assert!((y.iter().sum::<f64>() - 1.0).abs() < 1e-15);
            let mut l = [0.0; 4];
            log_softmax_forward(&row, &mut l);
            for (a, b) in l.iter().zip(&y) {
                assert!(a.is_finite());
                if *b > 1e-300 {
                    assert!((Float::exp(*a) - b).abs() < 1e-15);
                }
            }
        }
    }

    #[test]
    fn log_softmax_keeps_precision_where_softmax_underflows() {
        let mut l = [0.0f32; 2];
        log_softmax_forward(&[1000.0, -1000.0], &mut l);
        assert_eq!(l, [0.0, -2000.0]);
    }

    #[test]
    #[should_panic(expected = "softmax_forward: x and y lengths")]
    fn softmax_forward_refuses_a_short_output() {
        softmax_forward(&[1.0f32, 2.0, 3.0], &mut [0.0; 2]);
    }

    #[test]
    #[should_panic(expected = "log_softmax_forward: x and y lengths")]
    fn log_softmax_forward_refuses_a_short_output() {
        log_softmax_forward(&[1.0f32, 2.0, 3.0], &mut [0.0; 2]);
    }

    #[test]
    #[should_panic(expected = "softmax_backward: y, dy and dx lengths")]
    fn softmax_backward_refuses_a_short_dx() {
        softmax_backward(&[0.5f64, 0.5], &[1.0, 0.0], &mut [0.0; 1]);
    }

    #[test]
    #[should_panic(expected = "log_softmax_backward: y, dy and dx lengths")]
    fn log_softmax_backward_refuses_a_short_dy() {
        log_softmax_backward(&[0.5f64, 0.5], &[1.0], &mut [0.0; 2]);
    }

    /// A NaN entry makes the whole row NaN (PyTorch's softmax and
    /// log-softmax), forward and backward.
    #[test]
    fn a_nan_entry_makes_the_row_nan() {
        let x = [1.0f32, f32::NAN, -2.0];
        let (mut y, mut l, mut dx) = ([0.0; 3], [0.0; 3], [0.0; 3]);
        softmax_forward(&x, &mut y);
        log_softmax_forward(&x, &mut l);
        assert!(y.iter().chain(&l).all(|v| v.is_nan()), "{y:?} {l:?}");
        softmax_backward(&y, &[1.0, 0.0, 0.0], &mut dx);
        assert!(dx.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn log_sum_exp_handles_edges() {
        assert_eq!(log_sum_exp::<f64>(&[]), f64::NEG_INFINITY);
        assert!(log_sum_exp(&[1.0f32, f32::NAN]).is_nan());
        assert_eq!(log_sum_exp(&[-1000.0f64]), -1000.0);
    }
}
