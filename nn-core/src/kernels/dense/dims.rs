//! The sizes of a dense kernel call, derived from its slice lengths.

/// `rows` samples of `n_in` inputs and `n_out` outputs: `W` is `[n_out][n_in]`,
/// the inputs (and `dx`) `[rows][n_in]`, the outputs (and `dy`) `[rows][n_out]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dims {
    pub(crate) rows: usize,
    pub(crate) n_in: usize,
    pub(crate) n_out: usize,
}

impl Dims {
    /// The sizes of a batch with a weight of `w` values, `n_out` outputs per
    /// sample (the bias length), `x` input values and `y` output values, or
    /// `None` when the four lengths are not those of one shape.
    ///
    /// This is the guard in front of the `unsafe` x86 kernels, which index
    /// up to `rows·n_in` and `rows·n_out`: every product it checks is
    /// computed without wrapping, so no lengths make it accept a shape whose
    /// buffers are shorter than the kernel's reach (on 32-bit targets too).
    /// With `n_out = 0` every shape has empty `W` and `y` (and `rows = n_in
    /// = 0`); with `n_in = 0` the rows come from `y`.
    pub(crate) fn of_batch(w: usize, n_out: usize, x: usize, y: usize) -> Option<Dims> {
        if n_out == 0 {
            return (w == 0 && y == 0).then_some(Dims {
                rows: 0,
                n_in: 0,
                n_out,
            });
        }
        if !w.is_multiple_of(n_out) {
            return None;
        }
        let n_in = w / n_out;
        if n_in == 0 {
            return (x == 0 && y.is_multiple_of(n_out)).then_some(Dims {
                rows: y / n_out,
                n_in,
                n_out,
            });
        }
        if !x.is_multiple_of(n_in) {
            return None;
        }
        let rows = x / n_in;
        (rows.checked_mul(n_out) == Some(y)).then_some(Dims { rows, n_in, n_out })
    }

    /// The sizes of one sample (`rows = 1`): `w = n_out·n_in`, `y = n_out`.
    pub(crate) fn of_sample(w: usize, n_out: usize, x: usize, y: usize) -> Option<Dims> {
        (n_out.checked_mul(x) == Some(w) && y == n_out).then_some(Dims {
            rows: 1,
            n_in: x,
            n_out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Dims;

    /// The lengths of issue 12's out-of-bounds write: three buffers of 2^32
    /// values (`W`, the bias, `x`) and an empty output. `rows·n_out = 2^64`
    /// wrapped to `0 = y.len()` in the old guard of the x86 kernels, which
    /// then wrote `2^64` outputs into an empty slice on the AVX2 tier. The
    /// x86 tier runs exactly when this guard accepts (see
    /// `tiers_decline_what_they_do_not_handle`), so refusing these lengths
    /// here is refusing that call; the buffers themselves (3 × 16 GiB) are
    /// not needed to show it.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn wrapping_lengths_of_issue_12_are_refused() {
        let n = 1usize << 32;
        assert_eq!(Dims::of_batch(n, n, n, 0), None);
        // Every pair of factors whose product wraps to a small length.
        for (a, b) in [(1usize << 32, 1usize << 32), (3, usize::MAX / 3 + 2)] {
            let wrapped = a.wrapping_mul(b);
            assert_eq!(Dims::of_batch(a, a, b, wrapped), None, "{a} x {b}");
            assert_eq!(Dims::of_batch(b, b, a, wrapped), None, "{b} x {a}");
            assert_eq!(Dims::of_sample(wrapped, a, b, a), None, "{a} x {b}");
        }
    }

    /// The same on a 32-bit target (the firmware's): products past `u32::MAX`.
    #[test]
    fn products_past_the_pointer_width_are_refused() {
        let half = 1usize << (usize::BITS / 2);
        assert_eq!(Dims::of_batch(half, half, half, 0), None);
        assert_eq!(Dims::of_sample(0, half, half, half), None);
        assert_eq!(
            Dims::of_batch(usize::MAX, 1, usize::MAX, 1).map(|d| d.rows),
            Some(1)
        );
    }

    #[test]
    fn consistent_lengths_give_the_shape() {
        let d = |rows, n_in, n_out| Some(Dims { rows, n_in, n_out });
        assert_eq!(Dims::of_batch(6, 2, 9, 6), d(3, 3, 2));
        assert_eq!(Dims::of_batch(0, 2, 0, 8), d(4, 0, 2)); // zero inputs: y = b per row
        assert_eq!(Dims::of_batch(0, 0, 5, 0), d(0, 0, 0)); // zero outputs
        assert_eq!(Dims::of_batch(6, 2, 0, 0), d(0, 3, 2)); // empty batch
        assert_eq!(Dims::of_sample(6, 2, 3, 2), d(1, 3, 2));
    }

    #[test]
    fn inconsistent_lengths_are_refused() {
        assert_eq!(Dims::of_batch(5, 2, 2, 2), None); // W not [2][in]
        assert_eq!(Dims::of_batch(6, 2, 7, 4), None); // x not [rows][3]
        assert_eq!(Dims::of_batch(6, 2, 9, 5), None); // y not [3][2]
        assert_eq!(Dims::of_batch(0, 2, 1, 2), None); // inputs without weights
        assert_eq!(Dims::of_batch(0, 0, 0, 1), None); // outputs without bias
        assert_eq!(Dims::of_sample(6, 2, 3, 3), None);
        assert_eq!(Dims::of_sample(6, 2, 2, 2), None);
    }
}
