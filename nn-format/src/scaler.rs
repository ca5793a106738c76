//! Storing and loading the fitted input scalers of `nn_core::scale`.

use crate::{FileScalar, LoadError, ModelView, ScalerKind, ScalerParts, ScalerView};
use nn_core::scale::{MinMax, Standardize};

/// A fitted scaler type that a model file can store and load.
pub trait FileScaler<F: FileScalar>: Sized {
    /// The kind stored in the header.
    const KIND: ScalerKind;
    /// The number of features.
    const WIDTH: usize;

    /// The offset and factor arrays to store.
    fn parts(&self) -> ScalerParts<'_, F>;

    /// The offset and factor arrays to load into.
    fn parts_mut(&mut self) -> [&mut [F]; 2];

    /// The stored scaler as `Self` (checks kind and width).
    fn from_view(view: &ScalerView<'_>) -> Result<Self, LoadError>;

    /// Checks, without writing anything, that the stored scaler is a `Self`
    /// (kind and width).
    fn check_view(view: &ScalerView<'_>) -> Result<(), LoadError> {
        if view.kind != Self::KIND {
            return Err(LoadError::ScalerKindMismatch {
                expected: Self::KIND,
                found: view.kind,
            });
        }
        if view.width as usize != Self::WIDTH {
            return Err(LoadError::ScalerWidth {
                expected: Self::WIDTH as u32,
                found: view.width,
            });
        }
        let (o, k) = (view.offset::<F>()?, view.factor::<F>()?);
        if o.len() == Self::WIDTH && k.len() == Self::WIDTH {
            Ok(())
        } else {
            Err(LoadError::BadScaler)
        }
    }

    /// Fills `self` with the stored scaler, in place; on error `self` is
    /// unchanged.
    fn read_view(&mut self, view: &ScalerView<'_>) -> Result<(), LoadError> {
        Self::check_view(view)?;
        let (o, k) = (view.offset::<F>()?, view.factor::<F>()?);
        let [offset, factor] = self.parts_mut();
        // Both lengths were checked above.
        if o.copy_to(offset) && k.copy_to(factor) {
            Ok(())
        } else {
            Err(LoadError::BadScaler)
        }
    }
}

impl<F: FileScalar, const N: usize> FileScaler<F> for Standardize<F, N> {
    const KIND: ScalerKind = ScalerKind::Standardize;
    const WIDTH: usize = N;
    fn parts(&self) -> ScalerParts<'_, F> {
        ScalerParts {
            kind: Self::KIND,
            offset: &self.mean,
            factor: &self.inv_std,
        }
    }
    fn parts_mut(&mut self) -> [&mut [F]; 2] {
        [&mut self.mean, &mut self.inv_std]
    }
    fn from_view(view: &ScalerView<'_>) -> Result<Self, LoadError> {
        let mut s = Standardize::from_parts([F::ZERO; N], [F::ZERO; N]);
        s.read_view(view)?;
        Ok(s)
    }
}

impl<F: FileScalar, const N: usize> FileScaler<F> for MinMax<F, N> {
    const KIND: ScalerKind = ScalerKind::MinMax;
    const WIDTH: usize = N;
    fn parts(&self) -> ScalerParts<'_, F> {
        ScalerParts {
            kind: Self::KIND,
            offset: &self.min,
            factor: &self.inv_range,
        }
    }
    fn parts_mut(&mut self) -> [&mut [F]; 2] {
        [&mut self.min, &mut self.inv_range]
    }
    fn from_view(view: &ScalerView<'_>) -> Result<Self, LoadError> {
        let mut s = MinMax::from_parts([F::ZERO; N], [F::ZERO; N]);
        s.read_view(view)?;
        Ok(s)
    }
}

impl<'a> ModelView<'a> {
    /// The file's stored scaler as `S`; [`LoadError::NoScaler`] when the
    /// file has none.
    pub fn load_scaler<F: FileScalar, S: FileScaler<F>>(&self) -> Result<S, LoadError> {
        self.expect_scalar::<F>()?;
        S::from_view(&self.scaler().ok_or(LoadError::NoScaler)?)
    }
}
