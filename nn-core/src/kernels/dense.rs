//! Fully connected layer kernels: `y = W x + b` with `W` stored `[out][in]`.
//!
//! # Order of operations (the same bits on every target)
//!
//! The result of a kernel is defined by one fixed order of `f32`/`f64`
//! operations, which every implementation follows exactly, so a host and a
//! microcontroller compute the same bits:
//!
//! - **dot products** (`dense_forward`): element `i` of a row is multiplied
//!   (`w·x`, rounded) and added (rounded) into partial sum `i % 8`, in
//!   increasing `i`; the eight partial sums (starting at `+0`) are reduced as
//!   `((a0+a4) + (a1+a5)) + ((a2+a6) + (a3+a7))`, then the bias is added.
//!   No fused multiply-add anywhere.
//! - **backward**: `dw[o][i] += dy[o]·x[i]` and `db[o] += dy[o]` for each
//!   sample of a batch in order; `dx[i]` starts at `+0` and adds `w[o][i]·dy[o]`
//!   for `o = 0, 1, …` in order. The `*_params` kernels do the same to `dw`
//!   and `db` and skip `dx` (same bits, less work).
//! - a batch computes exactly what its rows compute one by one.
//!
//! The portable kernels are plain generic Rust (the compiler vectorizes the
//! eight partial sums). On x86_64 the `f32` kernels additionally dispatch at
//! run time to AVX2 or AVX-512 code in [`crate::arch`] (see
//! [`isa`](crate::arch::isa) and [`set_isa`](crate::arch::set_isa)) that is
//! register-blocked over several rows and outputs but performs the very same
//! operations on every element, which the tests check bit for bit against the
//! portable kernels for every tier, edge and tail. Fused multiply-add
//! is left out on purpose: it would make x86_64 results differ from a
//! Cortex-M0 or from the portable build, and on AMD Zen separate multiply and
//! add run on separate pipes at the same throughput (see `docs/BENCHMARKS.md`).

pub(crate) mod dims;
pub(crate) mod portable;

use crate::Float;
use dims::Dims;

/// `y[o] = b[o] + Σ_i w[o][i]·x[i]` for one sample.
///
/// `w` is `[out][in]` row-major (`out = b.len()`, `in = x.len()`), `y` has `out` entries.
///
/// # Panics
/// When `w.len() != b.len()·x.len()` or `y.len() != b.len()`.
///
/// ```
/// let w = [1.0, 1.0, 1.0, -1.0]; // [[1, 1], [1, -1]]
/// let mut y = [0.0; 2];
/// nn_core::kernels::dense_forward(&w, &[0.0, 0.5], &[40.0, 0.0], &mut y);
/// assert_eq!(y, [40.0, 40.5]);
/// ```
#[inline]
pub fn dense_forward<F: Float>(w: &[F], b: &[F], x: &[F], y: &mut [F]) {
    let sizes = [w.len(), b.len(), x.len(), y.len()];
    if Dims::of_sample(sizes[0], sizes[1], sizes[2], sizes[3]).is_none() {
        inconsistent("dense_forward", "w, b, x, y", sizes);
    }
    if F::dense_forward_tier(w, b, x, y) {
        return;
    }
    portable::forward(w, b, x, y);
}

/// [`dense_forward`] on each row of a batch: `x` is `[batch][in]`, `y` is `[batch][out]`.
///
/// # Panics
/// When the lengths are not those of one shape: `w` `[out][in]`, `b`
/// `[out]`, `x` `[batch][in]`, `y` `[batch][out]`.
///
/// ```
/// let w = [1.0f32, 2.0]; // one output, two inputs
/// let mut y = [0.0f32; 2];
/// nn_core::kernels::dense_forward_batch(&w, &[1.0], &[1.0, 1.0, 0.0, -1.0], &mut y);
/// assert_eq!(y, [4.0, -1.0]);
/// ```
#[inline]
pub fn dense_forward_batch<F: Float>(w: &[F], b: &[F], x: &[F], y: &mut [F]) {
    // The vector tiers run only on lengths that `Dims::of_batch` accepts;
    // what they decline is checked here.
    if F::dense_forward_tier(w, b, x, y) {
        return;
    }
    let sizes = [w.len(), b.len(), x.len(), y.len()];
    let Some(Dims { n_in, n_out, .. }) = Dims::of_batch(sizes[0], sizes[1], sizes[2], sizes[3])
    else {
        inconsistent("dense_forward_batch", "w, b, x, y", sizes);
    };
    if n_in == 0 || n_out == 0 {
        for yr in y.chunks_exact_mut(n_out.max(1)) {
            yr.copy_from_slice(b);
        }
        return;
    }
    for (xr, yr) in x.chunks_exact(n_in).zip(y.chunks_exact_mut(n_out)) {
        portable::forward(w, b, xr, yr);
    }
}

/// Backward pass for one sample: adds `dy ⊗ x` to `dw` and `dy` to `db`, and
/// writes `dx[i] = Σ_o w[o][i]·dy[o]`.
///
/// # Panics
/// When `w.len() != dy.len()·x.len()`, or `dw`, `db`, `dx` do not have the
/// lengths of `w`, `dy`, `x`.
///
/// ```
/// // W = [[1, 2]], x = [3, 4], dy = [2]
/// let (mut dw, mut db, mut dx) = ([0.0; 2], [0.0; 1], [0.0; 2]);
/// nn_core::kernels::dense_backward(&[1.0, 2.0], &[3.0, 4.0], &[2.0], &mut dw, &mut db, &mut dx);
/// assert_eq!((dw, db, dx), ([6.0, 8.0], [2.0], [2.0, 4.0]));
/// ```
#[inline]
pub fn dense_backward<F: Float>(
    w: &[F],
    x: &[F],
    dy: &[F],
    dw: &mut [F],
    db: &mut [F],
    dx: &mut [F],
) {
    let sizes = [w.len(), dw.len(), db.len(), x.len(), dx.len(), dy.len()];
    if Dims::of_sample(sizes[0], sizes[2], sizes[3], sizes[5]).is_none()
        || sizes[1] != sizes[0]
        || sizes[4] != sizes[3]
    {
        inconsistent("dense_backward", "w, dw, db, x, dx, dy", sizes);
    }
    if F::dense_backward_tier(x, dy, dw, db, Some((w, &mut *dx))) {
        return;
    }
    portable::backward(w, x, dy, dw, db, dx);
}

/// [`dense_backward`] on each row of a batch, accumulating parameter gradients
/// over the rows in order: `x` and `dx` are `[batch][in]`, `dy` is `[batch][out]`.
///
/// # Panics
/// When the lengths are not those of one shape: `w` and `dw` `[out][in]`,
/// `db` `[out]`, `x` and `dx` `[batch][in]`, `dy` `[batch][out]`.
///
/// ```
/// // W = [[1, 2]], two samples
/// let (mut dw, mut db, mut dx) = ([0.0; 2], [0.0; 1], [0.0; 4]);
/// let x = [3.0, 4.0, 1.0, 0.0];
/// nn_core::kernels::dense_backward_batch(&[1.0, 2.0], &x, &[2.0, 1.0], &mut dw, &mut db, &mut dx);
/// assert_eq!((dw, db, dx), ([7.0, 8.0], [3.0], [2.0, 4.0, 1.0, 2.0]));
/// ```
#[inline]
pub fn dense_backward_batch<F: Float>(
    w: &[F],
    x: &[F],
    dy: &[F],
    dw: &mut [F],
    db: &mut [F],
    dx: &mut [F],
) {
    if F::dense_backward_tier(x, dy, dw, db, Some((w, &mut *dx))) {
        return;
    }
    let sizes = [w.len(), dw.len(), db.len(), x.len(), dx.len(), dy.len()];
    let Some(Dims { n_in, n_out, .. }) = Dims::of_batch(sizes[0], sizes[2], sizes[3], sizes[5])
        .filter(|_| sizes[1] == sizes[0] && sizes[4] == sizes[3])
    else {
        inconsistent("dense_backward_batch", "w, dw, db, x, dx, dy", sizes);
    };
    if n_in == 0 || n_out == 0 {
        add_rows(dy, n_out, db);
        dx.fill(F::ZERO);
        return;
    }
    for ((xr, dyr), dxr) in x
        .chunks_exact(n_in)
        .zip(dy.chunks_exact(n_out))
        .zip(dx.chunks_exact_mut(n_in))
    {
        portable::backward(w, xr, dyr, dw, db, dxr);
    }
}

/// The parameter gradients of [`dense_backward`] alone: adds `dy ⊗ x` to `dw`
/// and `dy` to `db`; `dL/dx` is not computed. The bits of `dw` and `db` are
/// those of [`dense_backward`]. For a network's first layer, whose input
/// gradient training discards.
///
/// # Panics
/// When `dw.len() != dy.len()·x.len()` or `db.len() != dy.len()`.
///
/// ```
/// // W = [[1, 2]] (only its shape matters here), x = [3, 4], dy = [2]
/// let (mut dw, mut db) = ([0.0; 2], [0.0; 1]);
/// nn_core::kernels::dense_backward_params(&[3.0, 4.0], &[2.0], &mut dw, &mut db);
/// assert_eq!((dw, db), ([6.0, 8.0], [2.0]));
/// ```
#[inline]
pub fn dense_backward_params<F: Float>(x: &[F], dy: &[F], dw: &mut [F], db: &mut [F]) {
    let sizes = [dw.len(), db.len(), x.len(), dy.len()];
    if Dims::of_sample(sizes[0], sizes[1], sizes[2], sizes[3]).is_none() {
        inconsistent("dense_backward_params", "dw, db, x, dy", sizes);
    }
    dense_backward_params_batch(x, dy, dw, db);
}

/// [`dense_backward_params`] over the rows of a batch, in order: `x` is
/// `[batch][in]`, `dy` is `[batch][out]`. The bits of `dw` and `db` are those
/// of [`dense_backward_batch`].
///
/// # Panics
/// When the lengths are not those of one shape: `dw` `[out][in]`, `db`
/// `[out]`, `x` `[batch][in]`, `dy` `[batch][out]`.
///
/// ```
/// let (mut dw, mut db) = ([0.0; 2], [0.0; 1]);
/// let x = [3.0, 4.0, 1.0, 0.0];
/// nn_core::kernels::dense_backward_params_batch(&x, &[2.0, 1.0], &mut dw, &mut db);
/// assert_eq!((dw, db), ([7.0, 8.0], [3.0]));
/// ```
#[inline]
pub fn dense_backward_params_batch<F: Float>(x: &[F], dy: &[F], dw: &mut [F], db: &mut [F]) {
    if F::dense_backward_tier(x, dy, dw, db, None) {
        return;
    }
    let sizes = [dw.len(), db.len(), x.len(), dy.len()];
    let Some(Dims { n_in, n_out, .. }) = Dims::of_batch(sizes[0], sizes[1], sizes[2], sizes[3])
    else {
        inconsistent("dense_backward_params_batch", "dw, db, x, dy", sizes);
    };
    if n_in == 0 || n_out == 0 {
        add_rows(dy, n_out, db);
        return;
    }
    for (xr, dyr) in x.chunks_exact(n_in).zip(dy.chunks_exact(n_out)) {
        portable::backward_params(xr, dyr, dw, db);
    }
}

/// `db += dy[r]` for each row `r` of `dy` (`[rows][n_out]`), in order.
#[inline]
fn add_rows<F: Float>(dy: &[F], n_out: usize, db: &mut [F]) {
    for dyr in dy.chunks_exact(n_out.max(1)) {
        db.iter_mut().zip(dyr).for_each(|(d, &g)| *d += g);
    }
}

/// The panic of a kernel called with lengths that are not those of one shape.
#[cold]
#[inline(never)]
#[track_caller]
fn inconsistent<const N: usize>(kernel: &str, names: &str, lengths: [usize; N]) -> ! {
    panic!("{kernel}: inconsistent slice lengths ({names}) = {lengths:?}")
}

#[cfg(test)]
mod tests;
