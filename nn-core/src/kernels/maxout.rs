//! Group-maximum kernels: the non-affine part of a maxout layer.
//!
//! The input is split into contiguous groups of `k` values; each output is the
//! maximum of its group. Ties go to the lowest index in the group, and the
//! gradient flows only to the winner.

use crate::Float;

/// `y[u] = max_{j<k} x[u·k + j]`, and `argmax[u]` = the winning `j` (the lowest
/// on ties). `x` has `y.len()·k` entries.
///
/// With `k = 0` nothing is written. The first NaN of a group wins it (as in
/// PyTorch's `max`), so NaN propagates.
///
/// ```
/// use nn_core::kernels::maxout_forward;
/// let (mut y, mut arg) = ([0.0f32; 2], [0usize; 2]);
/// maxout_forward(&[1.0, 3.0, 2.0, 5.0, 5.0, -1.0], 3, &mut y, &mut arg);
/// assert_eq!((y, arg), ([3.0, 5.0], [1, 0]));
/// ```
#[inline]
pub fn maxout_forward<F: Float>(x: &[F], k: usize, y: &mut [F], argmax: &mut [usize]) {
    debug_assert_eq!(x.len(), y.len() * k);
    debug_assert_eq!(argmax.len(), y.len());
    if k == 0 {
        return;
    }
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
/// ```
/// use nn_core::kernels::maxout_backward;
/// let mut dx = [9.0f64; 4];
/// maxout_backward(&[1, 0], 2, &[0.5, -2.0], &mut dx);
/// assert_eq!(dx, [0.0, 0.5, -2.0, 0.0]);
/// ```
#[inline]
pub fn maxout_backward<F: Float>(argmax: &[usize], k: usize, dy: &[F], dx: &mut [F]) {
    debug_assert_eq!(argmax.len(), dy.len());
    debug_assert_eq!(dx.len(), dy.len() * k);
    dx.fill(F::ZERO);
    if k == 0 {
        return;
    }
    for ((group, &a), &g) in dx.chunks_exact_mut(k).zip(argmax).zip(dy) {
        if let Some(d) = group.get_mut(a) {
            *d = g;
        }
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
    fn zero_group_size_and_bad_argmax_do_not_panic() {
        let (mut y, mut a) = ([7.0f32; 1], [3usize; 1]);
        maxout_forward(&[], 0, &mut y, &mut a);
        assert_eq!((y, a), ([7.0], [3]));
        let mut dx = [1.0f32; 2];
        maxout_backward(&[5], 2, &[1.0], &mut dx);
        assert_eq!(dx, [0.0, 0.0]);
    }

    #[test]
    fn extreme_values_pass_through_exactly() {
        let (mut y, mut a) = ([0.0f32; 1], [0usize; 1]);
        maxout_forward(&[-1000.0, 1000.0, 999.0], 3, &mut y, &mut a);
        assert_eq!((y, a), ([1000.0], [1]));
    }
}
