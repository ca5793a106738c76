//! The reference kernels: plain generic Rust that defines the order of every
//! floating-point operation (see [the module docs](super)).
//!
//! The eight partial sums are written lane by lane with constant indices
//! ([`mac8`], [`mac_tail`]) rather than as a loop over the lanes: at every
//! optimization level, `opt-level = "s"` included, the compiler then keeps
//! them in registers (eight FP registers on a Cortex-M4F) instead of memory,
//! and a host compiler still vectorizes them (SSE2 on x86_64's baseline, NEON
//! on aarch64). On a microcontroller they run as scalar code with the same
//! results bit for bit.

use crate::Float;

/// Lanes of the dot-product accumulator: element `i` of a row goes to lane `i % LANES`.
pub(crate) const LANES: usize = 8;

/// The fixed reduction tree of the eight lanes:
/// `((a0+a4) + (a1+a5)) + ((a2+a6) + (a3+a7))`.
#[inline(always)]
pub(crate) fn reduce<F: Float>(a: &[F; LANES]) -> F {
    ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
}

/// `acc[k] += w[k]·x[k]` for the eight lanes (a multiply, then an add).
#[inline(always)]
fn mac8<F: Float>(acc: &mut [F; LANES], w: &[F; LANES], x: &[F; LANES]) {
    acc[0] += w[0] * x[0];
    acc[1] += w[1] * x[1];
    acc[2] += w[2] * x[2];
    acc[3] += w[3] * x[3];
    acc[4] += w[4] * x[4];
    acc[5] += w[5] * x[5];
    acc[6] += w[6] * x[6];
    acc[7] += w[7] * x[7];
}

/// `acc[k] += w[k]·x[k]` for the fewer than eight elements of a row's tail
/// (the common prefix of `w` and `x`).
#[inline(always)]
fn mac_tail<F: Float>(acc: &mut [F; LANES], w: &[F], x: &[F]) {
    let n = w.len().min(x.len());
    if n > 0 {
        acc[0] += w[0] * x[0];
    }
    if n > 1 {
        acc[1] += w[1] * x[1];
    }
    if n > 2 {
        acc[2] += w[2] * x[2];
    }
    if n > 3 {
        acc[3] += w[3] * x[3];
    }
    if n > 4 {
        acc[4] += w[4] * x[4];
    }
    if n > 5 {
        acc[5] += w[5] * x[5];
    }
    if n > 6 {
        acc[6] += w[6] * x[6];
    }
}

/// `Σ_i w[i]·x[i]` in the canonical order: eight interleaved partial sums,
/// each a separate multiply then add (no fused multiply-add), reduced by
/// [`reduce`]. `w` and `x` have the same length.
#[inline]
pub(crate) fn dot<F: Float>(w: &[F], x: &[F]) -> F {
    debug_assert_eq!(w.len(), x.len());
    let mut acc = [F::ZERO; LANES];
    let (wc, wr) = w.as_chunks::<LANES>();
    let (xc, xr) = x.as_chunks::<LANES>();
    for (wc, xc) in wc.iter().zip(xc) {
        mac8(&mut acc, wc, xc);
    }
    mac_tail(&mut acc, wr, xr);
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

/// [`forward`] for fixed sizes, returning the outputs: each is written once
/// (no zero-filled array that is then overwritten). The typed `Dense`
/// forward pass off x86_64 (where the vector kernels write into a slice).
#[cfg(any(not(target_arch = "x86_64"), test))]
#[inline]
pub(crate) fn forward_array<F: Float, const IN: usize, const OUT: usize>(
    w: &[[F; IN]; OUT],
    b: &[F; OUT],
    x: &[F; IN],
) -> [F; OUT] {
    core::array::from_fn(|o| if IN == 0 { b[o] } else { dot(&w[o], x) + b[o] })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented order, written as plainly as possible: element `i`
    /// goes to lane `i % 8`, then the fixed reduction tree.
    fn reference_dot(w: &[f32], x: &[f32]) -> f32 {
        let mut acc = [0.0f32; LANES];
        for (i, (&wi, &xi)) in w.iter().zip(x).enumerate() {
            acc[i % LANES] += wi * xi;
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
    }

    /// Values of mixed signs and magnitudes, so that the order of additions
    /// changes the rounding.
    fn values(n: usize, seed: u32) -> [f32; 40] {
        core::array::from_fn(|i| {
            let k = (i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) >> 8;
            let v = (k % 2001) as f32 / 1000.0 - 1.0;
            if i < n {
                v * (1.0 + (k % 7) as f32 * 1e3)
            } else {
                0.0
            }
        })
    }

    #[test]
    fn dot_follows_the_documented_order_for_every_length_and_tail() {
        for n in 0..=40 {
            let (w, x) = (values(n, 1), values(n, 7));
            let got = dot(&w[..n], &x[..n]);
            assert_eq!(
                got.to_bits(),
                reference_dot(&w[..n], &x[..n]).to_bits(),
                "n = {n}"
            );
        }
    }

    /// `forward_array` against `forward` for one shape (tails included).
    fn check_array_forward<const IN: usize, const OUT: usize>(bias: [f32; OUT]) {
        let w: [[f32; IN]; OUT] = core::array::from_fn(|o| {
            let v = values(IN, o as u32 + 3);
            core::array::from_fn(|i| v[i])
        });
        let x: [f32; IN] = core::array::from_fn(|i| values(IN, 99)[i]);
        let mut want = [0.0f32; OUT];
        forward(w.as_flattened(), &bias, &x, &mut want);
        let got = forward_array(&w, &bias, &x);
        assert_eq!(got.map(f32::to_bits), want.map(f32::to_bits), "{IN} inputs");
    }

    #[test]
    fn array_forward_writes_the_bits_of_the_slice_forward() {
        // -0.0 biases: with no inputs the output is the bias itself (-0.0),
        // not 0.0 + -0.0 = +0.0.
        check_array_forward::<0, 3>([-0.0, 1.5, -0.0]);
        check_array_forward::<1, 3>([-0.0, 1.5, -2.0]);
        check_array_forward::<7, 2>([0.25, -0.0]);
        check_array_forward::<8, 2>([0.25, -1.0]);
        check_array_forward::<17, 4>([0.25, -1.0, 3.0, -0.0]);
        check_array_forward::<40, 1>([0.5]);
    }
}
