//! Describing a typed network for a model-file writer.

use crate::{FileScalar, LayerDesc, LayerKind};
use nn_core::{Chain, Dense, Maxout, Params};

/// One layer as a writer sees it: its descriptor and its values, in file order.
#[derive(Clone, Copy, Debug)]
pub struct LayerRecord<'a, F> {
    /// Kind and sizes.
    pub desc: LayerDesc,
    /// The values to store, concatenated in order (weights then bias, or the
    /// single hyper-parameter); unused parts are empty.
    pub values: [&'a [F]; 2],
}

/// A network that a model-file writer can store: it describes its layers in
/// order with their values.
///
/// ```
/// use nn_core::{seq, Dense, Relu};
/// use nn_format::{LayerDesc, LayerKind, Saveable};
/// let net = seq![Dense::<f32, 2, 3>::zeros(), Relu];
/// let mut descs = Vec::new();
/// let out = net.visit_layers(0, &mut |r| descs.push(r.desc));
/// assert_eq!(out, 3);
/// assert_eq!(descs, [LayerDesc::dense(2, 3), LayerDesc::elementwise(LayerKind::Relu, 3)]);
/// ```
pub trait Saveable<F: FileScalar> {
    /// Calls `visit` for each layer in order. `width` is the number of
    /// values fed to the first layer (0 when unknown); size-generic layers
    /// record it as their width. Returns the output width (0 when unknown).
    fn visit_layers<V: FnMut(LayerRecord<'_, F>)>(&self, width: u32, visit: &mut V) -> u32;
}

impl<F: FileScalar, const IN: usize, const OUT: usize> Saveable<F> for Dense<F, IN, OUT> {
    fn visit_layers<V: FnMut(LayerRecord<'_, F>)>(&self, _width: u32, visit: &mut V) -> u32 {
        visit(LayerRecord {
            desc: LayerDesc::dense(IN as u32, OUT as u32),
            values: [self.weight.as_flattened(), &self.bias],
        });
        OUT as u32
    }
}

/// Records a size-generic layer of `kind` with optional stored values.
pub fn visit_plain<F: FileScalar, V: FnMut(LayerRecord<'_, F>)>(
    kind: LayerKind,
    values: &[F],
    width: u32,
    visit: &mut V,
) -> u32 {
    visit(LayerRecord {
        desc: LayerDesc::elementwise(kind, width),
        values: [values, &[]],
    });
    width
}

/// Records a layer whose values are its [`Params`] in order (at most two tensors).
pub fn visit_params<F: FileScalar, P: Params<F>, V: FnMut(LayerRecord<'_, F>)>(
    desc: LayerDesc,
    layer: &P,
    visit: &mut V,
) {
    let mut it = layer.params();
    let a = it.next().map_or(&[][..], |p| p.values);
    let b = it.next().map_or(&[][..], |p| p.values);
    visit(LayerRecord {
        desc,
        values: [a, b],
    });
}

impl<F: FileScalar, const IN: usize, const OUT: usize, const K: usize> Saveable<F>
    for Maxout<F, IN, OUT, K>
{
    fn visit_layers<V: FnMut(LayerRecord<'_, F>)>(&self, _width: u32, visit: &mut V) -> u32 {
        visit(LayerRecord {
            desc: LayerDesc::maxout(IN as u32, OUT as u32, K as u32),
            values: [
                self.weight.as_flattened().as_flattened(),
                self.bias.as_flattened(),
            ],
        });
        OUT as u32
    }
}

impl<F: FileScalar, A: Saveable<F>, B: Saveable<F>> Saveable<F> for Chain<A, B> {
    fn visit_layers<V: FnMut(LayerRecord<'_, F>)>(&self, width: u32, visit: &mut V) -> u32 {
        let mid = self.first.visit_layers(width, visit);
        self.second.visit_layers(mid, visit)
    }
}
