//! Loading a model file into a network of a matching type.

use crate::{
    FileScalar, FileScaler, LayerDesc, LayerKind, LayerView, Layers, LoadError, ModelView,
};
use nn_core::{Chain, Dense, Maxout, Params};

/// A network (or layer) that can be filled from a model file, in place and
/// without allocation.
///
/// Implemented for [`Dense`], the activations and [`Chain`], so every
/// `Seq![...]` network is loadable:
///
/// ```
/// use nn_core::{Dense, Relu, Seq};
/// use nn_format::{Loadable, LoadError};
/// type Net = Seq![Dense<f32, 4, 3>, Relu, Dense<f32, 3, 2>];
/// // Not a model file:
/// assert_eq!(Net::load(b"NNMX....").unwrap_err(), LoadError::BadMagic);
/// ```
pub trait Loadable<F: FileScalar> {
    /// Number of stored layers this type reads.
    const LAYERS: usize;

    /// Reads this type's layers from `layers` into `self`.
    ///
    /// On error, `self` may be partly overwritten.
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError>;

    /// Fills `self` from an already parsed file (checks scalar type and layer count).
    fn load_view(&mut self, view: &ModelView<'_>) -> Result<(), LoadError> {
        view.expect_scalar::<F>()?;
        if view.layer_count() != Self::LAYERS {
            return Err(LoadError::LayerCount {
                expected: Self::LAYERS,
                found: view.layer_count(),
            });
        }
        self.read_layers(&mut view.layers())
    }

    /// Parses `bytes` and fills `self` in place (use this for networks too
    /// large for the stack, e.g. a `static mut` or a boxed network).
    fn load_into(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        self.load_view(&ModelView::parse(bytes)?)
    }

    /// Parses `bytes` into a new network and the input scaler stored with it.
    ///
    /// ```
    /// use nn_core::{Dense, Seq, Standardize};
    /// use nn_format::{LoadError, Loadable};
    /// type Net = Seq![Dense<f32, 2, 1>];
    /// let r = Net::load_with_scaler::<Standardize<f32, 2>>(b"NNMF");
    /// assert!(matches!(r, Err(LoadError::Truncated { .. })));
    /// ```
    fn load_with_scaler<S: FileScaler<F>>(bytes: &[u8]) -> Result<(Self, S), LoadError>
    where
        Self: Default + Sized,
    {
        let view = ModelView::parse(bytes)?;
        let mut net = Self::default();
        net.load_view(&view)?;
        let scaler = view.load_scaler::<F, S>()?;
        Ok((net, scaler))
    }

    /// Parses `bytes` into a new network.
    fn load(bytes: &[u8]) -> Result<Self, LoadError>
    where
        Self: Default + Sized,
    {
        let mut net = Self::default();
        net.load_into(bytes)?;
        Ok(net)
    }
}

/// Takes the next layer and checks its kind.
pub fn next_layer<'a>(
    layers: &mut Layers<'a>,
    kind: LayerKind,
) -> Result<LayerView<'a>, LoadError> {
    let layer = layers.next_index();
    let view = layers.next().ok_or(LoadError::LayerCount {
        expected: layer + 1,
        found: layer,
    })?;
    if view.desc.kind != kind {
        return Err(LoadError::LayerKindMismatch {
            layer,
            expected: kind,
            found: view.desc.kind,
        });
    }
    Ok(view)
}

/// Checks that a layer's sizes are `expected` exactly.
pub fn expect_desc(view: &LayerView<'_>, expected: LayerDesc) -> Result<(), LoadError> {
    if view.desc == expected {
        Ok(())
    } else {
        Err(LoadError::ShapeMismatch {
            layer: view.index,
            expected,
            found: view.desc,
        })
    }
}

/// Copies a layer's stored values into `target`'s parameter tensors, in
/// [`Params`] order.
pub fn read_params<F: FileScalar, P: Params<F>>(
    view: &LayerView<'_>,
    target: &mut P,
) -> Result<(), LoadError> {
    let values = view.values::<F>()?;
    let mut offset = 0;
    for p in target.params_mut() {
        let n = p.values.len();
        let src = values
            .slice(offset, n)
            .ok_or(LoadError::BadDescriptor { layer: view.index })?;
        src.copy_to(p.values);
        offset += n;
    }
    if offset == values.len() {
        Ok(())
    } else {
        Err(LoadError::BadDescriptor { layer: view.index })
    }
}

/// Reads the single stored scalar of a leaky_relu, prelu or elu layer.
pub fn read_scalar<F: FileScalar>(view: &LayerView<'_>) -> Result<F, LoadError> {
    view.values::<F>()?
        .get(0)
        .ok_or(LoadError::BadDescriptor { layer: view.index })
}

/// Reads a size-generic layer without values (checks only its kind).
pub fn read_plain(layers: &mut Layers<'_>, kind: LayerKind) -> Result<(), LoadError> {
    next_layer(layers, kind).map(|_| ())
}

impl<F: FileScalar, const IN: usize, const OUT: usize> Loadable<F> for Dense<F, IN, OUT> {
    const LAYERS: usize = 1;
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError> {
        let view = next_layer(layers, LayerKind::Dense)?;
        expect_desc(&view, LayerDesc::dense(IN as u32, OUT as u32))?;
        read_params(&view, self)
    }
}

impl<F: FileScalar, const IN: usize, const OUT: usize, const K: usize> Loadable<F>
    for Maxout<F, IN, OUT, K>
{
    const LAYERS: usize = 1;
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError> {
        let view = next_layer(layers, LayerKind::Maxout)?;
        expect_desc(&view, LayerDesc::maxout(IN as u32, OUT as u32, K as u32))?;
        read_params(&view, self)
    }
}

impl<F: FileScalar, A: Loadable<F>, B: Loadable<F>> Loadable<F> for Chain<A, B> {
    const LAYERS: usize = A::LAYERS + B::LAYERS;
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError> {
        self.first.read_layers(layers)?;
        self.second.read_layers(layers)
    }
}
