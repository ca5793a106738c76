//! The reference kernels: plain generic Rust that defines the order of every
//! floating-point operation (see [the module docs](super)).
//!
//! The compiler vectorizes the eight-lane accumulator (SSE2 on x86_64's
//! baseline, NEON on aarch64); on a microcontroller it runs as scalar code with
//! the same results bit for bit.

use crate::Float;

/// Lanes of the dot-product accumulator: element `i` of a row goes to lane `i % LANES`.
pub(crate) const LANES: usize = 8;

/// The fixed reduction tree of the eight lanes:
/// `((a0+a4) + (a1+a5)) + ((a2+a6) + (a3+a7))`.
#[inline(always)]
pub(crate) fn reduce<F: Float>(a: &[F; LANES]) -> F {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

/// `Σ_i w[i]·x[i]` in the canonical order: eight interleaved partial sums,
/// each a separate multiply then add (no fused multiply-add), reduced by
/// [`reduce`]. Works on the common prefix of `w` and `x`.
#[inline]
pub(crate) fn dot<F: Float>(w: &[F], x: &[F]) -> F {
    let mut acc = [F::ZERO; LANES];
    let (wc, xc) = (w.chunks_exact(LANES), x.chunks_exact(LANES));
    let (wr, xr) = (wc.remainder(), xc.remainder());
    for (wc, xc) in wc.zip(xc) {
        for ((a, &wi), &xi) in acc.iter_mut().zip(wc).zip(xc) {
            *a += wi * xi;
        }
    }
    for ((a, &wi), &xi) in acc.iter_mut().zip(wr).zip(xr) {
        *a += wi * xi;
    }
    reduce(&acc)
}

/// `y[o] = dot(w[o], x) + b[o]` for one sample.
#[inline]
pub(crate) fn forward<F: Float>(w: &[F], b: &[F], x: &[F], y: &mut [F]) {
    let n_in = x.len();
    if n_in == 0 {
        y.iter_mut().zip(b).for_each(|(d, &s)| *d = s);
        return;
    }
    for ((yo, row), &bo) in y.iter_mut().zip(w.chunks_exact(n_in)).zip(b) {
        *yo = dot(row, x) + bo;
    }
}

/// One sample's backward pass: `dw[o][i] += dy[o]·x[i]`, `db[o] += dy[o]`,
/// `dx[i] = Σ_o w[o][i]·dy[o]` summed over `o` in increasing order from `0`.
#[inline]
pub(crate) fn backward<F: Float>(
    w: &[F],
    x: &[F],
    dy: &[F],
    dw: &mut [F],
    db: &mut [F],
    dx: &mut [F],
) {
    let n_in = x.len();
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

/// The parameter half of [`backward`] alone: `dw[o][i] += dy[o]·x[i]`,
/// `db[o] += dy[o]`, the same operations in the same order, without `dx`.
#[inline]
pub(crate) fn backward_params<F: Float>(x: &[F], dy: &[F], dw: &mut [F], db: &mut [F]) {
    let n_in = x.len();
    db.iter_mut().zip(dy).for_each(|(d, &g)| *d += g);
    if n_in == 0 {
        return;
    }
    for (dw_row, &g) in dw.chunks_exact_mut(n_in).zip(dy) {
        for (dwi, &xi) in dw_row.iter_mut().zip(x) {
            *dwi += g * xi;
        }
    }
}
