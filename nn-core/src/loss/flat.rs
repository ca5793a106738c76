//! Targets viewed as flat slices, whatever their nesting.

/// A target (a class index, a vector or a batch of either) as one flat slice.
pub(crate) trait Flat<T> {
    fn flat_slice(&self) -> &[T];
}

impl Flat<usize> for usize {
    fn flat_slice(&self) -> &[usize] {
        core::slice::from_ref(self)
    }
}

impl<T, const N: usize> Flat<T> for [T; N] {
    fn flat_slice(&self) -> &[T] {
        self
    }
}

impl<T, const N: usize, const B: usize> Flat<T> for [[T; N]; B] {
    fn flat_slice(&self) -> &[T] {
        self.as_flattened()
    }
}

/// The target as a flat slice.
pub(crate) fn flat<T, X: Flat<T> + ?Sized>(x: &X) -> &[T] {
    x.flat_slice()
}
