//! Mini-batches of fixed size `B`, in a given visiting order.

use nn_core::Float;

use super::dataset::{Dataset, Target};
use super::error::DataError;

/// What to do with the last batch when the data set's size is not a multiple
/// of the batch size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LastBatch {
    /// Yield it with its real length in [`Batch::len`]; the rows after it are
    /// padding (zero features, target [`Target::padding`]).
    #[default]
    Keep,
    /// Leave it out: every batch is full.
    Drop,
}

/// A batch of `B` samples in the array shape the batched layers take.
///
/// Only the first [`len`](Self::len) rows are real; a partial last batch is
/// padded. Use [`x`](Self::x) / [`y`](Self::y) for the real rows as slices.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch<F, const N: usize, T, const B: usize> {
    /// Features, `B` rows.
    pub x: [[F; N]; B],
    /// Targets, `B` entries.
    pub y: [T; B],
    /// Number of real rows (`1..=B`).
    pub len: usize,
}

impl<F, const N: usize, T, const B: usize> Batch<F, N, T, B> {
    /// Whether all `B` rows are real.
    pub fn is_full(&self) -> bool {
        self.len == B
    }
    /// The real feature rows.
    pub fn x(&self) -> &[[F; N]] {
        &self.x[..self.len]
    }
    /// The real targets.
    pub fn y(&self) -> &[T] {
        &self.y[..self.len]
    }
}

/// The number of batches of size `batch` over `len` samples.
pub fn batch_count(len: usize, batch: usize, last: LastBatch) -> usize {
    if batch == 0 {
        return 0;
    }
    match last {
        LastBatch::Keep => len.div_ceil(batch),
        LastBatch::Drop => len / batch,
    }
}

/// Iterator over the batches of a data set; see [`Dataset::batches`].
#[derive(Clone, Debug)]
pub struct Batches<'a, F, const N: usize, T, const B: usize> {
    data: &'a Dataset<F, N, T>,
    order: Option<&'a [usize]>,
    pos: usize,
    end: usize,
}

impl<F: Float, const N: usize, T: Target<F>, const B: usize> Iterator for Batches<'_, F, N, T, B> {
    type Item = Batch<F, N, T, B>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        let stop = (self.pos + B).min(self.end);
        let mut batch = Batch {
            x: [[F::ZERO; N]; B],
            y: [T::padding(); B],
            len: stop - self.pos,
        };
        match self.order {
            Some(order) => {
                self.data
                    .gather(&order[self.pos..stop], &mut batch.x, &mut batch.y);
            }
            None => {
                for (k, i) in (self.pos..stop).enumerate() {
                    batch.x[k] = self.data.features()[i];
                    batch.y[k] = self.data.targets()[i];
                }
            }
        }
        self.pos = stop;
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.pos).div_ceil(B);
        (n, Some(n))
    }
}

impl<F: Float, const N: usize, T: Target<F>, const B: usize> ExactSizeIterator
    for Batches<'_, F, N, T, B>
{
}

impl<F: Float, const N: usize, T: Target<F>> Dataset<F, N, T> {
    /// Batches of `B` samples visited in `order` (usually
    /// [`epoch_order`](Dataset::epoch_order)), or in storage order if `order`
    /// is `None`.
    ///
    /// Each [`Batch`] lives on the stack (`B * N` features): for large
    /// batches of wide samples, use [`gather`](Dataset::gather) into a buffer
    /// on the heap instead.
    ///
    /// ```
    /// use nn_std::data::{Dataset, LastBatch};
    /// let ds = Dataset::<f32, 1, usize>::classification((0..5).map(|i| [i as f32]).collect(), vec![0; 5], 1)?;
    /// let order = ds.epoch_order(42, 0);
    /// let lens: Vec<usize> = ds.batches::<2>(Some(&order), LastBatch::Keep)?.map(|b| b.len).collect();
    /// assert_eq!(lens, [2, 2, 1]);
    /// assert_eq!(ds.batches::<2>(None, LastBatch::Drop)?.count(), 2);
    /// # Ok::<(), nn_std::data::DataError>(())
    /// ```
    pub fn batches<'a, const B: usize>(
        &'a self,
        order: Option<&'a [usize]>,
        last: LastBatch,
    ) -> Result<Batches<'a, F, N, T, B>, DataError> {
        if B == 0 {
            return Err(DataError::InvalidParameter {
                name: "B",
                expected: "at least 1",
            });
        }
        let len = match order {
            Some(order) => {
                if order.iter().any(|&i| i >= self.len()) {
                    return Err(DataError::InvalidParameter {
                        name: "order",
                        expected: "indices below the number of samples",
                    });
                }
                order.len()
            }
            None => self.len(),
        };
        Ok(Batches {
            data: self,
            order,
            pos: 0,
            end: batch_count(len, B, last).saturating_mul(B).min(len),
        })
    }

    /// Copies the samples at `indices` into the first rows of `x` and `y` and
    /// returns how many were copied (`min(indices.len(), B)`); the other rows
    /// are left as they were.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn gather<const B: usize>(
        &self,
        indices: &[usize],
        x: &mut [[F; N]; B],
        y: &mut [T; B],
    ) -> usize {
        let n = indices.len().min(B);
        for (k, &i) in indices[..n].iter().enumerate() {
            x[k] = self.features()[i];
            y[k] = self.targets()[i];
        }
        n
    }
}
