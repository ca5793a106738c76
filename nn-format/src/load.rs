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

    /// Checks, without writing anything, that `layers` holds this type's
    /// layers: everything [`read_layers`](Loadable::read_layers) can refuse.
    fn check_layers(layers: &mut Layers<'_>) -> Result<(), LoadError>;

    /// Reads this type's layers from `layers` into `self`.
    ///
    /// On error, `self` may be partly overwritten; the `load*` methods call
    /// [`check_layers`](Loadable::check_layers) first, so they never get here
    /// with layers that do not fit.
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError>;

    /// Checks that an already parsed file fits this type (scalar type, layer
    /// count, every layer's kind and sizes) without writing anything.
    fn check_view(view: &ModelView<'_>) -> Result<(), LoadError> {
        view.expect_scalar::<F>()?;
        if view.layer_count() != Self::LAYERS {
            return Err(LoadError::LayerCount {
                expected: Self::LAYERS,
                found: view.layer_count(),
            });
        }
        Self::check_layers(&mut view.layers())
    }

    /// Fills `self` from an already parsed file; on error `self` is unchanged
    /// (everything is checked before the first value is written).
    fn load_view(&mut self, view: &ModelView<'_>) -> Result<(), LoadError> {
        Self::check_view(view)?;
        self.read_layers(&mut view.layers())
    }

    /// Parses `bytes` and fills `self` in place, with no copy of the network
    /// on the stack: the way to load into storage the caller owns (a
    /// `static`, a box) on a device whose stack cannot hold the network. On
    /// error `self` is unchanged.
    ///
    /// ```
    /// use nn_core::{Dense, Relu, Seq};
    /// use nn_format::{LoadError, Loadable};
    /// type Net = Seq![Dense<f32, 4, 3>, Relu, Dense<f32, 3, 2>];
    /// let mut net = Net::default();
    /// net.first.bias = [1.0; 3];
    /// assert_eq!(net.load_into(b"NNMX....").unwrap_err(), LoadError::BadMagic);
    /// assert_eq!(net.first.bias, [1.0; 3]); // nothing changed
    /// ```
    fn load_into(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        self.load_view(&ModelView::parse(bytes)?)
    }

    /// [`load_into`](Loadable::load_into) with the input scaler stored with
    /// the network, also filled in place. On error neither is changed.
    ///
    /// ```
    /// use nn_core::{Dense, Seq, Standardize};
    /// use nn_format::{LoadError, Loadable};
    /// type Net = Seq![Dense<f32, 2, 1>];
    /// let (mut net, mut scaler) = (Net::default(), Standardize::from_parts([0.0; 2], [1.0; 2]));
    /// let r = net.load_into_with_scaler(&mut scaler, b"NNMF");
    /// assert!(matches!(r, Err(LoadError::Truncated { .. })));
    /// ```
    fn load_into_with_scaler<S: FileScaler<F>>(
        &mut self,
        scaler: &mut S,
        bytes: &[u8],
    ) -> Result<(), LoadError> {
        let view = ModelView::parse(bytes)?;
        Self::check_view(&view)?;
        let stored = view.scaler().ok_or(LoadError::NoScaler)?;
        S::check_view(&stored)?;
        self.read_layers(&mut view.layers())?;
        scaler.read_view(&stored)
    }

    /// Parses `bytes` into a new network and the input scaler stored with it.
    ///
    /// The result is built on the stack and moved out: for a network larger
    /// than the stack, use [`load_into_with_scaler`](Loadable::load_into_with_scaler).
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

    /// Parses `bytes` into a new network (built on the stack and moved out;
    /// see [`load_into`](Loadable::load_into) for large networks).
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

/// Takes the next layer and checks its kind and sizes against `expected`.
pub fn next_affine<'a>(
    layers: &mut Layers<'a>,
    expected: LayerDesc,
) -> Result<LayerView<'a>, LoadError> {
    let view = next_layer(layers, expected.kind)?;
    expect_desc(&view, expected)?;
    Ok(view)
}

impl<F: FileScalar, const IN: usize, const OUT: usize> Loadable<F> for Dense<F, IN, OUT> {
    const LAYERS: usize = 1;
    fn check_layers(layers: &mut Layers<'_>) -> Result<(), LoadError> {
        next_affine(layers, LayerDesc::dense(IN as u32, OUT as u32)).map(drop)
    }
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError> {
        let view = next_affine(layers, LayerDesc::dense(IN as u32, OUT as u32))?;
        read_params(&view, self)
    }
}

impl<F: FileScalar, const IN: usize, const OUT: usize, const K: usize> Loadable<F>
    for Maxout<F, IN, OUT, K>
{
    const LAYERS: usize = 1;
    fn check_layers(layers: &mut Layers<'_>) -> Result<(), LoadError> {
        next_affine(layers, LayerDesc::maxout(IN as u32, OUT as u32, K as u32)).map(drop)
    }
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError> {
        let view = next_affine(layers, LayerDesc::maxout(IN as u32, OUT as u32, K as u32))?;
        read_params(&view, self)
    }
}

impl<F: FileScalar, A: Loadable<F>, B: Loadable<F>> Loadable<F> for Chain<A, B> {
    const LAYERS: usize = A::LAYERS + B::LAYERS;
    fn check_layers(layers: &mut Layers<'_>) -> Result<(), LoadError> {
        A::check_layers(layers)?;
        B::check_layers(layers)
    }
    fn read_layers(&mut self, layers: &mut Layers<'_>) -> Result<(), LoadError> {
        self.first.read_layers(layers)?;
        self.second.read_layers(layers)
    }
}
