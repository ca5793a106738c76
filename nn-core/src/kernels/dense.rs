//! Fully connected layer kernels: `y = W x + b` with `W` stored `[out][in]`.

use crate::Float;

/// `y[o] = b[o] + Σ_i w[o][i]·x[i]` for one sample.
///
/// `w` is `[out][in]` row-major (`out = b.len()`, `in = x.len()`), `y` has `out` entries.
///
/// ```
/// let w = [1.0, 1.0, 1.0, -1.0]; // [[1, 1], [1, -1]]
/// let mut y = [0.0; 2];
/// nn_core::kernels::dense_forward(&w, &[0.0, 0.5], &[40.0, 0.0], &mut y);
/// assert_eq!(y, [40.0, 40.5]);
/// ```
#[inline]
pub fn dense_forward<F: Float>(w: &[F], b: &[F], x: &[F], y: &mut [F]) {
    let n_in = x.len();
    debug_assert_eq!(w.len(), b.len() * n_in);
    debug_assert_eq!(y.len(), b.len());
    if n_in == 0 {
        y.copy_from_slice_prefix(b);
        return;
    }
    for ((yo, row), &bo) in y.iter_mut().zip(w.chunks_exact(n_in)).zip(b) {
        let mut acc = F::ZERO;
        for (&wi, &xi) in row.iter().zip(x) {
            acc += wi * xi;
        }
        *yo = acc + bo;
    }
}

/// [`dense_forward`] on each row of a batch: `x` is `[batch][in]`, `y` is `[batch][out]`.
#[inline]
pub fn dense_forward_batch<F: Float>(w: &[F], b: &[F], x: &[F], y: &mut [F]) {
    let (n_in, n_out) = (in_size(w, b), b.len());
    if n_in == 0 || n_out == 0 {
        for yr in y.chunks_exact_mut(n_out.max(1)) {
            yr.copy_from_slice_prefix(b);
        }
        return;
    }
    for (xr, yr) in x.chunks_exact(n_in).zip(y.chunks_exact_mut(n_out)) {
        dense_forward(w, b, xr, yr);
    }
}

/// Backward pass for one sample: adds `dy ⊗ x` to `dw` and `dy` to `db`, and
/// writes `dx[i] = Σ_o w[o][i]·dy[o]`.
#[inline]
pub fn dense_backward<F: Float>(
    w: &[F],
    x: &[F],
    dy: &[F],
    dw: &mut [F],
    db: &mut [F],
    dx: &mut [F],
) {
    let n_in = x.len();
    debug_assert_eq!(w.len(), dy.len() * n_in);
    debug_assert_eq!(dw.len(), w.len());
    debug_assert_eq!(db.len(), dy.len());
    debug_assert_eq!(dx.len(), n_in);
    dx.fill(F::ZERO);
    if n_in == 0 {
        db.iter_mut().zip(dy).for_each(|(d, &g)| *d += g);
        return;
    }
    for (((row, dw_row), db_o), &g) in w
        .chunks_exact(n_in)
        .zip(dw.chunks_exact_mut(n_in))
        .zip(db.iter_mut())
        .zip(dy)
    {
        *db_o += g;
        for (((&wi, dwi), &xi), dxi) in row.iter().zip(dw_row.iter_mut()).zip(x).zip(dx.iter_mut())
        {
            *dwi += g * xi;
            *dxi += wi * g;
        }
    }
}

/// [`dense_backward`] on each row of a batch, accumulating parameter gradients
/// over the rows in order: `x` and `dx` are `[batch][in]`, `dy` is `[batch][out]`.
#[inline]
pub fn dense_backward_batch<F: Float>(
    w: &[F],
    x: &[F],
    dy: &[F],
    dw: &mut [F],
    db: &mut [F],
    dx: &mut [F],
) {
    let (n_in, n_out) = (in_size(w, db), db.len());
    if n_in == 0 || n_out == 0 {
        for dyr in dy.chunks_exact(n_out.max(1)) {
            db.iter_mut().zip(dyr).for_each(|(d, &g)| *d += g);
        }
        dx.fill(F::ZERO);
        return;
    }
    for ((xr, dyr), dxr) in x
        .chunks_exact(n_in)
        .zip(dy.chunks_exact(n_out))
        .zip(dx.chunks_exact_mut(n_in))
    {
        dense_backward(w, xr, dyr, dw, db, dxr);
    }
}

/// Inputs per output of a `[out][in]` weight matrix whose bias has `out` entries.
#[inline]
fn in_size<F>(w: &[F], b: &[F]) -> usize {
    w.len().checked_div(b.len()).unwrap_or(0)
}

/// `copy_from_slice` over the common prefix, which cannot panic.
trait CopyPrefix<F> {
    fn copy_from_slice_prefix(&mut self, src: &[F]);
}

impl<F: Copy> CopyPrefix<F> for [F] {
    #[inline]
    fn copy_from_slice_prefix(&mut self, src: &[F]) {
        self.iter_mut().zip(src).for_each(|(d, &s)| *d = s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn inconsistent_sizes_do_not_panic_in_release_kernels() {
        // The zero-input layer: y = b.
        let mut y = [0.0f32; 2];
        dense_forward(&[], &[1.0, 2.0], &[], &mut y);
        assert_eq!(y, [1.0, 2.0]);
    }
}
