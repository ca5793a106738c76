//! Group-maximum kernels: the non-affine part of a maxout layer.
//!
//! The input is split into contiguous groups of `k` values; each output is the
//! maximum of its group. Ties go to the lowest index in the group, and the
//! gradient flows only to the winner.

use crate::Float;

/// `y[u] = max_{j<k} x[u·k + j]`, and `argmax[u]` = the winning `j` (the lowest
/// on ties). `x` has `y.len()·k` entries.
///
/// The first NaN of a group wins it (as in PyTorch's `max`), so NaN
/// propagates.
///
/// # Panics
/// When `k = 0`, `x.len() != y.len()·k` or `argmax.len() != y.len()`.
///
/// ```
/// use nn_core::kernels::maxout_forward;
/// let (mut y, mut arg) = ([0.0f32; 2], [0usize; 2]);
/// maxout_forward(&[1.0, 3.0, 2.0, 5.0, 5.0, -1.0], 3, &mut y, &mut arg);
/// assert_eq!((y, arg), ([3.0, 5.0], [1, 0]));
/// ```
#[inline]
pub fn maxout_forward<F: Float>(x: &[F], k: usize, y: &mut [F], argmax: &mut [usize]) {
    assert!(
        k > 0 && y.len().checked_mul(k) == Some(x.len()) && argmax.len() == y.len(),
        "maxout_forward: inconsistent lengths (x {}, k {k}, y {}, argmax {})",
        x.len(),
        y.len(),
        argmax.len()
    );
    for ((group, yu), au) in x.chunks_exact(k).zip(y.iter_mut()).zip(argmax.iter_mut()) {
        let (mut best, mut arg) = (F::NEG_INFINITY, 0);
        for (j, &v) in group.iter().enumerate() {
            if j == 0 || v > best || (v.is_nan() && !best.is_nan()) {
                best = v;
                arg = j;
            }
        }
        *yu = best;
        *au = arg;
    }
}

/// Backward of [`maxout_forward`]: `dx[u·k + argmax[u]] = dy[u]`, every other
/// entry of `dx` is 0.
///
/// # Panics
/// When `k = 0`, `dx.len() != dy.len()·k`, `argmax.len() != dy.len()`, or
/// an `argmax` entry is not below `k`.
///
/// ```
/// use nn_core::kernels::maxout_backward;
/// let mut dx = [9.0f64; 4];
/// maxout_backward(&[1, 0], 2, &[0.5, -2.0], &mut dx);
/// assert_eq!(dx, [0.0, 0.5, -2.0, 0.0]);
/// ```
#[inline]
pub fn maxout_backward<F: Float>(argmax: &[usize], k: usize, dy: &[F], dx: &mut [F]) {
    assert!(
        k > 0 && dy.len().checked_mul(k) == Some(dx.len()) && argmax.len() == dy.len(),
        "maxout_backward: inconsistent lengths (argmax {}, k {k}, dy {}, dx {})",
        argmax.len(),
        dy.len(),
        dx.len()
    );
    dx.fill(F::ZERO);
    for ((group, &a), &g) in dx.chunks_exact_mut(k).zip(argmax).zip(dy) {
        group[a] = g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_lowest_piece() {
        let (mut y, mut a) = ([0.0f64; 2], [9usize; 2]);
        maxout_forward(&[2.0, 2.0, -1.0, -1.0], 2, &mut y, &mut a);
        assert_eq!((y, a), ([2.0, -1.0], [0, 0]));
    }

    #[test]
    #[should_panic(expected = "maxout_forward: inconsistent lengths")]
    fn forward_refuses_a_zero_group_size() {
        let (mut y, mut a) = ([7.0f32; 1], [3usize; 1]);
        maxout_forward(&[], 0, &mut y, &mut a);
    }

    #[test]
    #[should_panic(expected = "maxout_forward: inconsistent lengths")]
    fn forward_refuses_a_short_input() {
        let (mut y, mut a) = ([0.0f32; 2], [0usize; 2]);
        maxout_forward(&[1.0, 2.0, 3.0], 2, &mut y, &mut a);
    }

    #[test]
    #[should_panic(expected = "maxout_backward: inconsistent lengths")]
    fn backward_refuses_a_short_input_gradient() {
        let mut dx = [1.0f32; 3];
        maxout_backward(&[0, 1], 2, &[1.0, 2.0], &mut dx);
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn backward_refuses_an_argmax_outside_its_group() {
        let mut dx = [1.0f32; 2];
        maxout_backward(&[5], 2, &[1.0], &mut dx);
    }

    #[test]
    fn extreme_values_pass_through_exactly() {
        let (mut y, mut a) = ([0.0f32; 1], [0usize; 1]);
        maxout_forward(&[-1000.0, 1000.0, 999.0], 3, &mut y, &mut a);
        assert_eq!((y, a), ([1000.0], [1]));
    }
}
