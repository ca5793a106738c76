//! A copy of a model's parameters, flattened into one reused heap buffer
//! (no model-sized copies on the stack).

use nn_core::{Float, Params};

/// The parameters of a model at some point, to put back later.
pub(crate) struct Snapshot<F>(Vec<F>);

impl<F: Float> Snapshot<F> {
    /// An empty snapshot (restoring it changes nothing).
    pub(crate) fn new() -> Self {
        Snapshot(Vec::new())
    }

    /// Replaces the copy by `model`'s parameters.
    pub(crate) fn take<M: Params<F>>(&mut self, model: &M) {
        self.0.clear();
        for p in model.params() {
            self.0.extend_from_slice(p.values);
        }
    }

    /// Puts the copy back into `model` (shaped like the model it was taken of).
    pub(crate) fn restore<M: Params<F>>(&self, model: &mut M) {
        let mut rest = &self.0[..];
        for p in model.params_mut() {
            let (values, tail) = rest.split_at(p.values.len().min(rest.len()));
            p.values[..values.len()].copy_from_slice(values);
            rest = tail;
        }
    }
}

/// Whether every parameter of `model` is finite.
pub(crate) fn all_finite<F: Float, M: Params<F>>(model: &M) -> bool {
    model
        .params()
        .all(|p| p.values.iter().all(|v| v.is_finite()))
}
