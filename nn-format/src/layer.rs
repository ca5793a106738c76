//! Layer descriptors: what each stored layer is, its sizes and how many
//! values it stores.

use core::fmt;

/// The registry of layer kinds: one line per kind gives its code in the
/// file, its name, what it stores besides its sizes, and (for kinds without
/// sizes of their own) the nn-core layer of the same name whose
/// [`Loadable`](crate::Loadable) and [`Saveable`](crate::Saveable) impls it
/// generates. Everything else that reads or writes model files (nn-std's
/// runtime loader, Rust-source export, safetensors, `nn inspect`) asks
/// [`LayerKind`], so a new element-wise kind is one line here, its nn-core
/// layer and its variant of nn-std's runtime `LayerSpec`.
///
/// `stores` is one of: `affine` (weights and bias, sized by `dims`; typed
/// impls written by hand), `nothing`, `hyper(field)` (one hyper-parameter,
/// the nn-core layer's `field`, which must be finite), `param(field)` (one
/// learnable scalar).
macro_rules! layer_kinds {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident = $code:literal, $name:literal, $stores:ident $(($field:ident))?;
    )*) => {
        /// The kind of a stored layer, with its code in the file.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[non_exhaustive]
        pub enum LayerKind {
            $($(#[doc = $doc])* $kind,)*
        }

        impl LayerKind {
            /// Every kind, in code order.
            pub const ALL: &'static [LayerKind] = &[$(LayerKind::$kind),*];

            /// The code stored in a descriptor.
            pub const fn code(self) -> u16 {
                match self {
                    $(LayerKind::$kind => $code,)*
                }
            }

            /// Short lower-case name, as in PyTorch's functional API (`"leaky_relu"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(LayerKind::$kind => $name,)*
                }
            }

            /// The nn-core layer type storing this kind (`"LeakyRelu"`).
            pub const fn type_name(self) -> &'static str {
                match self {
                    $(LayerKind::$kind => stringify!($kind),)*
                }
            }

            /// Whether the layer has weights and a bias (`dims` `[in, out, ..]`)
            /// rather than working element- or row-wise on one width.
            pub const fn is_affine(self) -> bool {
                match self {
                    $(LayerKind::$kind => stores!(is_affine $stores),)*
                }
            }

            /// The name of the layer's single stored scalar (`"slope"`, `"a"`,
            /// `"alpha"`), if it has one.
            pub const fn scalar_name(self) -> Option<&'static str> {
                match self {
                    $(LayerKind::$kind => stores!(scalar $stores $($field)?),)*
                }
            }

            /// Whether the single stored scalar is a hyper-parameter (fixed,
            /// must be finite) rather than a learnable parameter.
            pub const fn has_hyper_parameter(self) -> bool {
                match self {
                    $(LayerKind::$kind => stores!(is_hyper $stores),)*
                }
            }
        }

        $(typed_layer!($kind $stores $($field)?);)*
    };
}

/// Per-kind answers of [`layer_kinds!`] from its `stores` column.
macro_rules! stores {
    (is_affine affine) => {
        true
    };
    (is_affine $other:ident) => {
        false
    };
    (is_hyper hyper) => {
        true
    };
    (is_hyper $other:ident) => {
        false
    };
    (scalar $stores:ident $field:ident) => {
        Some(stringify!($field))
    };
    (scalar $stores:ident) => {
        None
    };
}

/// The [`Loadable`](crate::Loadable) and [`Saveable`](crate::Saveable)
/// impls of the nn-core layer named like a kind without sizes of its own.
macro_rules! typed_layer {
    ($kind:ident affine) => {};
    ($kind:ident nothing) => {
        impl<F: crate::FileScalar> crate::Loadable<F> for nn_core::$kind {
            const LAYERS: usize = 1;
            fn check_layers(layers: &mut crate::Layers<'_>) -> Result<(), crate::LoadError> {
                crate::read_plain(layers, LayerKind::$kind)
            }
            fn read_layers(
                &mut self,
                layers: &mut crate::Layers<'_>,
            ) -> Result<(), crate::LoadError> {
                crate::read_plain(layers, LayerKind::$kind)
            }
        }
        impl<F: crate::FileScalar> crate::Saveable<F> for nn_core::$kind {
            fn visit_layers<V: FnMut(crate::LayerRecord<'_, F>)>(
                &self,
                width: u32,
                visit: &mut V,
            ) -> u32 {
                crate::visit_plain(LayerKind::$kind, &[], width, visit)
            }
        }
    };
    ($kind:ident $stores:ident $field:ident) => {
        impl<F: crate::FileScalar> crate::Loadable<F> for nn_core::$kind<F> {
            const LAYERS: usize = 1;
            fn check_layers(layers: &mut crate::Layers<'_>) -> Result<(), crate::LoadError> {
                crate::read_scalar::<F>(&crate::next_layer(layers, LayerKind::$kind)?).map(drop)
            }
            fn read_layers(
                &mut self,
                layers: &mut crate::Layers<'_>,
            ) -> Result<(), crate::LoadError> {
                self.$field = crate::read_scalar(&crate::next_layer(layers, LayerKind::$kind)?)?;
                Ok(())
            }
        }
        impl<F: crate::FileScalar> crate::Saveable<F> for nn_core::$kind<F> {
            fn visit_layers<V: FnMut(crate::LayerRecord<'_, F>)>(
                &self,
                width: u32,
                visit: &mut V,
            ) -> u32 {
                crate::visit_plain(
                    LayerKind::$kind,
                    core::slice::from_ref(&self.$field),
                    width,
                    visit,
                )
            }
        }
    };
}

layer_kinds! {
    /// Fully connected layer; dims `[in, out, 0]`; stores `weight [out][in]`, then `bias [out]`.
    Dense = 1, "dense", affine;
    /// Identity; dims `[width, 0, 0]`; stores nothing.
    Identity = 2, "identity", nothing;
    /// Rectifier; dims `[width, 0, 0]`; stores nothing.
    Relu = 3, "relu", nothing;
    /// Logistic sigmoid; dims `[width, 0, 0]`; stores nothing.
    Sigmoid = 4, "sigmoid", nothing;
    /// Hyperbolic tangent; dims `[width, 0, 0]`; stores nothing.
    Tanh = 5, "tanh", nothing;
    /// Leaky rectifier; dims `[width, 0, 0]`; stores its `slope` (one finite value).
    LeakyRelu = 6, "leaky_relu", hyper(slope);
    /// Parametric rectifier; dims `[width, 0, 0]`; stores its learnable `a` (one value).
    Prelu = 7, "prelu", param(a);
    /// Exponential linear unit; dims `[width, 0, 0]`; stores its `alpha` (one finite value).
    Elu = 8, "elu", hyper(alpha);
    /// Softmax over the last axis; dims `[width, 0, 0]`; stores nothing.
    Softmax = 9, "softmax", nothing;
    /// Log-softmax over the last axis; dims `[width, 0, 0]`; stores nothing.
    LogSoftmax = 10, "log_softmax", nothing;
    /// Maxout with `out` units of `k` affine pieces each; dims `[in, out, k]`;
    /// stores `weight [out·k][in]` (the pieces of a unit are contiguous rows),
    /// then `bias [out·k]`.
    Maxout = 11, "maxout", affine;
}

impl LayerKind {
    /// The kind with this code, if any.
    pub fn from_code(code: u16) -> Option<Self> {
        LayerKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The kind with this [`name`](LayerKind::name), if any.
    ///
    /// ```
    /// use nn_format::LayerKind;
    /// assert_eq!(LayerKind::from_name("leaky_relu"), Some(LayerKind::LeakyRelu));
    /// assert_eq!(LayerKind::LeakyRelu.type_name(), "LeakyRelu");
    /// assert_eq!(LayerKind::from_name("gelu"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        LayerKind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One layer's descriptor: its kind and sizes.
///
/// ```
/// use nn_format::{LayerDesc, LayerKind};
/// let d = LayerDesc::dense(64, 32);
/// assert_eq!(d.value_count(), Some(64 * 32 + 32));
/// assert_eq!(d.to_string(), "dense 64 -> 32");
/// assert_eq!(LayerDesc::elementwise(LayerKind::Relu, 32).to_string(), "relu (32)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LayerDesc {
    /// What the layer is.
    pub kind: LayerKind,
    /// Its sizes; see [`LayerKind`] for their meaning per kind. Unused sizes are 0.
    pub dims: [u32; 3],
}

impl LayerDesc {
    /// A dense layer `inputs -> outputs`.
    pub const fn dense(inputs: u32, outputs: u32) -> Self {
        LayerDesc {
            kind: LayerKind::Dense,
            dims: [inputs, outputs, 0],
        }
    }

    /// A maxout layer `inputs -> units` with `k` pieces per unit.
    pub const fn maxout(inputs: u32, units: u32, k: u32) -> Self {
        LayerDesc {
            kind: LayerKind::Maxout,
            dims: [inputs, units, k],
        }
    }

    /// A layer of a non-affine kind on `width` values (0 when unknown).
    pub const fn elementwise(kind: LayerKind, width: u32) -> Self {
        LayerDesc {
            kind,
            dims: [width, 0, 0],
        }
    }

    /// Input width; `None` for a size-generic layer stored with width 0.
    pub const fn input_width(&self) -> Option<u32> {
        match self.dims[0] {
            0 => None,
            w => Some(w),
        }
    }

    /// Output width; `None` for a size-generic layer stored with width 0.
    pub const fn output_width(&self) -> Option<u32> {
        if self.kind.is_affine() {
            Some(self.dims[1])
        } else {
            self.input_width()
        }
    }

    /// Whether the sizes are allowed for the kind: affine layers need
    /// non-zero sizes (and maxout `k`), and unused sizes must be 0.
    pub const fn is_valid(&self) -> bool {
        let [a, b, c] = self.dims;
        match self.kind {
            LayerKind::Dense => a > 0 && b > 0 && c == 0,
            LayerKind::Maxout => a > 0 && b > 0 && c > 0,
            _ => b == 0 && c == 0,
        }
    }

    /// Number of scalars the layer stores; `None` on overflow.
    pub fn value_count(&self) -> Option<usize> {
        let [a, b, c] = self.dims.map(crate::view::usize_of);
        let (a, b, c) = (a?, b?, c?);
        match self.kind {
            LayerKind::Dense => a.checked_mul(b)?.checked_add(b),
            LayerKind::Maxout => {
                let rows = b.checked_mul(c)?;
                rows.checked_mul(a)?.checked_add(rows)
            }
            k => Some(usize::from(k.scalar_name().is_some())),
        }
    }

    /// Number of learnable parameters (stored values minus hyper-parameters
    /// such as a leaky slope or ELU's alpha); `None` on overflow.
    pub fn param_count(&self) -> Option<usize> {
        if self.kind.has_hyper_parameter() {
            Some(0)
        } else {
            self.value_count()
        }
    }
}

impl fmt::Display for LayerDesc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.dims;
        match self.kind {
            LayerKind::Dense => write!(f, "dense {a} -> {b}"),
            LayerKind::Maxout => write!(f, "maxout {a} -> {b} (k = {c})"),
            k if a == 0 => write!(f, "{k} (any width)"),
            k => write!(f, "{k} ({a})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_invert() {
        for (i, &k) in LayerKind::ALL.iter().enumerate() {
            assert_eq!(k.code(), i as u16 + 1);
            assert_eq!(LayerKind::from_code(k.code()), Some(k));
        }
        assert_eq!(LayerKind::from_code(0), None);
        assert_eq!(LayerKind::from_code(12), None);
    }

    #[test]
    fn value_counts_and_overflow() {
        assert_eq!(LayerDesc::maxout(6, 3, 2).value_count(), Some(6 * 6 + 6));
        assert_eq!(LayerDesc::maxout(6, 3, 2).output_width(), Some(3));
        assert_eq!(
            LayerDesc::elementwise(LayerKind::Elu, 5).value_count(),
            Some(1)
        );
        assert_eq!(
            LayerDesc::elementwise(LayerKind::Elu, 5).param_count(),
            Some(0)
        );
        assert_eq!(
            LayerDesc::elementwise(LayerKind::Prelu, 5).param_count(),
            Some(1)
        );
        let huge = LayerDesc::maxout(u32::MAX, u32::MAX, u32::MAX);
        if usize::BITS == 64 {
            assert_eq!(huge.value_count(), None);
        }
        assert!(!LayerDesc::dense(0, 3).is_valid());
        assert!(
            !LayerDesc {
                kind: LayerKind::Relu,
                dims: [3, 1, 0]
            }
            .is_valid()
        );
        assert!(LayerDesc::elementwise(LayerKind::Relu, 0).is_valid());
    }
}
