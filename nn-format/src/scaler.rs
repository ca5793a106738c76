//! Storing and loading the fitted input scalers of `nn_core::scale`.

use crate::{FileScalar, LoadError, ModelView, ScalerKind, ScalerParts, ScalerView};
use nn_core::scale::{MinMax, Standardize};

/// A fitted scaler type that a model file can store and load.
pub trait FileScaler<F: FileScalar>: Sized {
    /// The kind stored in the header.
    const KIND: ScalerKind;

    /// The offset and factor arrays to store.
    fn parts(&self) -> ScalerParts<'_, F>;

    /// The stored scaler as `Self` (checks kind and width).
    fn from_view(view: &ScalerView<'_>) -> Result<Self, LoadError>;
}

fn read_arrays<F: FileScalar, const N: usize>(
    view: &ScalerView<'_>,
    kind: ScalerKind,
) -> Result<([F; N], [F; N]), LoadError> {
    if view.kind != kind {
        return Err(LoadError::ScalerKindMismatch {
            expected: kind,
            found: view.kind,
        });
    }
    if view.width as usize != N {
        return Err(LoadError::ScalerWidth {
            expected: N as u32,
            found: view.width,
        });
    }
    let (o, k) = (view.offset::<F>()?, view.factor::<F>()?);
    let mut offset = [F::ZERO; N];
    let mut factor = [F::ZERO; N];
    if o.copy_to(&mut offset) && k.copy_to(&mut factor) {
        Ok((offset, factor))
    } else {
        Err(LoadError::BadScaler)
    }
}

impl<F: FileScalar, const N: usize> FileScaler<F> for Standardize<F, N> {
    const KIND: ScalerKind = ScalerKind::Standardize;
    fn parts(&self) -> ScalerParts<'_, F> {
        ScalerParts {
            kind: Self::KIND,
            offset: &self.mean,
            factor: &self.inv_std,
        }
    }
    fn from_view(view: &ScalerView<'_>) -> Result<Self, LoadError> {
        let (mean, inv_std) = read_arrays(view, Self::KIND)?;
        Ok(Standardize::from_parts(mean, inv_std))
    }
}

impl<F: FileScalar, const N: usize> FileScaler<F> for MinMax<F, N> {
    const KIND: ScalerKind = ScalerKind::MinMax;
    fn parts(&self) -> ScalerParts<'_, F> {
        ScalerParts {
            kind: Self::KIND,
            offset: &self.min,
            factor: &self.inv_range,
        }
    }
    fn from_view(view: &ScalerView<'_>) -> Result<Self, LoadError> {
        let (min, inv_range) = read_arrays(view, Self::KIND)?;
        Ok(MinMax::from_parts(min, inv_range))
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
