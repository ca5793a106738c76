//! Mini-batches of fixed size `B`, in a given visiting order.

use nn_core::Float;

use super::dataset::{Dataset, Target};
use super::error::DataError;

/// What to do with the last batch when the data set's size is not a multiple
/// of the batch size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LastBatch {
    /// Yield it with its real length in [`Batch::len`]; the rows after it are
    /// padding (zero features, target [`Target::padding`]), to be left out
    /// of the loss (or use [`Batch::x`] / [`Batch::y`] per sample).
    #[default]
    Keep,
    /// Yield it filled up with samples from the start of the order (wrapping
    /// around): every row is a real sample, so a fixed-size batched network
    /// and loss can take it as it is; [`Batch::len`] counts only the rows not
    /// seen before in this epoch.
    Wrap,
    /// Leave it out: every batch is full.
    Drop,
}

/// A batch of `B` samples in the array shape the batched layers take.
///
/// The first [`len`](Self::len) rows are the batch's own samples; the rows
/// after them (last batch only) are padding or, with [`LastBatch::Wrap`],
/// repeated samples. Use [`x`](Self::x) / [`y`](Self::y) for the own rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch<F, const N: usize, T, const B: usize> {
    /// Features, `B` rows.
    pub x: [[F; N]; B],
    /// Targets, `B` entries.
    pub y: [T; B],
    /// Number of real rows (`1..=B`).
    pub len: usize,
}

impl<F: Float, const N: usize, T: Target<F>, const B: usize> Batch<F, N, T, B> {
    /// An empty batch (zero features, padding targets, length 0), to fill
    /// with [`Batches::next_into`].
    pub fn new() -> Self {
        Self {
            x: [[F::ZERO; N]; B],
            y: [T::padding(); B],
            len: 0,
        }
    }
}

impl<F: Float, const N: usize, T: Target<F>, const B: usize> Default for Batch<F, N, T, B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F, const N: usize, T, const B: usize> Batch<F, N, T, B> {
    /// Whether all `B` rows are real.
    pub fn is_full(&self) -> bool {
        self.len == B
    }
    /// The real feature rows (all `B` if `len` was set above `B`).
    pub fn x(&self) -> &[[F; N]] {
        &self.x[..self.len.min(B)]
    }
    /// The real targets (all `B` if `len` was set above `B`).
    pub fn y(&self) -> &[T] {
        &self.y[..self.len.min(B)]
    }
}

/// The number of batches of size `batch` over `len` samples.
pub fn batch_count(len: usize, batch: usize, last: LastBatch) -> usize {
    if batch == 0 {
        return 0;
    }
    match last {
        LastBatch::Keep | LastBatch::Wrap => len.div_ceil(batch),
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
    total: usize,
    wrap: bool,
}

impl<F: Float, const N: usize, T: Target<F>, const B: usize> Batches<'_, F, N, T, B> {
    /// The sample at position `k` of the visiting order.
    fn sample(&self, k: usize) -> usize {
        self.order.map_or(k, |o| o[k])
    }

    /// Fills `batch` with the next batch in place and returns `true`, or
    /// returns `false` at the end. Faster than the iterator (no new batch
    /// to build and move each time), and `batch` can live on the heap.
    ///
    /// ```
    /// use nn_std::data::{Batch, Dataset, LastBatch};
    /// let ds = Dataset::<f32, 1, usize>::classification(vec![[1.0], [2.0], [3.0]], vec![0; 3], 1)?;
    /// let mut batch = Box::new(Batch::<f32, 1, usize, 2>::new());
    /// let mut batches = ds.batches::<2>(None, LastBatch::Keep)?;
    /// let mut seen = vec![];
    /// while batches.next_into(&mut batch) {
    ///     seen.extend_from_slice(batch.x());
    /// }
    /// assert_eq!(seen, [[1.0], [2.0], [3.0]]);
    /// assert_eq!(batch.x, [[3.0], [0.0]]); // the padding row is zeroed
    /// # Ok::<(), nn_std::data::DataError>(())
    /// ```
    pub fn next_into(&mut self, batch: &mut Batch<F, N, T, B>) -> bool {
        if self.pos >= self.end {
            return false;
        }
        let stop = (self.pos + B).min(self.end);
        let len = stop - self.pos;
        let rows = if self.wrap { B } else { len };
        let (features, targets) = (self.data.features(), self.data.targets());
        for (k, (x, y)) in batch.x.iter_mut().zip(&mut batch.y).enumerate() {
            if k < rows {
                let mut p = self.pos + k;
                if p >= self.total {
                    p %= self.total; // wrapping around (LastBatch::Wrap)
                }
                let i = self.sample(p);
                *x = features[i];
                *y = targets[i];
            } else {
                *x = [F::ZERO; N];
                *y = T::padding();
            }
        }
        batch.len = len;
        self.pos = stop;
        true
    }
}

impl<F: Float, const N: usize, T: Target<F>, const B: usize> Iterator for Batches<'_, F, N, T, B> {
    type Item = Batch<F, N, T, B>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut batch = Batch::new();
        self.next_into(&mut batch).then_some(batch)
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
    /// let ds = Dataset::<f32, 1, usize>::classification((1..6).map(|i| [i as f32]).collect(), vec![0; 5], 1)?;
    /// let order = ds.epoch_order(42, 0);
    /// let lens: Vec<usize> = ds.batches::<2>(Some(&order), LastBatch::Keep)?.map(|b| b.len).collect();
    /// assert_eq!(lens, [2, 2, 1]);
    /// assert_eq!(ds.batches::<2>(None, LastBatch::Drop)?.count(), 2);
    /// let last = ds.batches::<2>(None, LastBatch::Wrap)?.last().unwrap();
    /// assert_eq!((last.len, last.x), (1, [[5.0], [1.0]])); // filled up with sample 0
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
        if len == 0 {
            return Err(DataError::Empty);
        }
        Ok(Batches {
            data: self,
            order,
            pos: 0,
            end: batch_count(len, B, last).saturating_mul(B).min(len),
            total: len,
            wrap: last == LastBatch::Wrap,
        })
    }

    /// Copies the samples at `indices` into the first rows of `x` and `y` and
    /// returns how many were copied (`min(indices.len(), B)`); the other rows
    /// are left as they were. An index out of range is an error, and then
    /// nothing is copied.
    pub fn gather<const B: usize>(
        &self,
        indices: &[usize],
        x: &mut [[F; N]; B],
        y: &mut [T; B],
    ) -> Result<usize, DataError> {
        let n = indices.len().min(B);
        self.check_indices(&indices[..n])?;
        for (k, &i) in indices[..n].iter().enumerate() {
            x[k] = self.features()[i];
            y[k] = self.targets()[i];
        }
        Ok(n)
    }
}
