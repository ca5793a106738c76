//! Layer descriptors: what each stored layer is, its sizes and how many
//! values it stores.

use core::fmt;

/// The kind of a stored layer, with its code in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayerKind {
    /// Fully connected layer; dims `[in, out, 0]`; stores `weight [out][in]`, then `bias [out]`.
    Dense,
    /// Identity; dims `[width, 0, 0]`; stores nothing.
    Identity,
    /// Rectifier; dims `[width, 0, 0]`; stores nothing.
    Relu,
    /// Logistic sigmoid; dims `[width, 0, 0]`; stores nothing.
    Sigmoid,
    /// Hyperbolic tangent; dims `[width, 0, 0]`; stores nothing.
    Tanh,
    /// Leaky rectifier; dims `[width, 0, 0]`; stores its `slope` (one value).
    LeakyRelu,
    /// Parametric rectifier; dims `[width, 0, 0]`; stores its learnable `a` (one value).
    Prelu,
    /// Exponential linear unit; dims `[width, 0, 0]`; stores its `alpha` (one value).
    Elu,
    /// Softmax over the last axis; dims `[width, 0, 0]`; stores nothing.
    Softmax,
    /// Log-softmax over the last axis; dims `[width, 0, 0]`; stores nothing.
    LogSoftmax,
    /// Maxout with `out` units of `k` affine pieces each; dims `[in, out, k]`;
    /// stores `weight [out·k][in]` (the pieces of a unit are contiguous rows),
    /// then `bias [out·k]`.
    Maxout,
}

impl LayerKind {
    /// Every kind, in code order.
    pub const ALL: [LayerKind; 11] = [
        LayerKind::Dense,
        LayerKind::Identity,
        LayerKind::Relu,
        LayerKind::Sigmoid,
        LayerKind::Tanh,
        LayerKind::LeakyRelu,
        LayerKind::Prelu,
        LayerKind::Elu,
        LayerKind::Softmax,
        LayerKind::LogSoftmax,
        LayerKind::Maxout,
    ];

    /// The code stored in a descriptor (1 to 11).
    pub const fn code(self) -> u16 {
        match self {
            LayerKind::Dense => 1,
            LayerKind::Identity => 2,
            LayerKind::Relu => 3,
            LayerKind::Sigmoid => 4,
            LayerKind::Tanh => 5,
            LayerKind::LeakyRelu => 6,
            LayerKind::Prelu => 7,
            LayerKind::Elu => 8,
            LayerKind::Softmax => 9,
            LayerKind::LogSoftmax => 10,
            LayerKind::Maxout => 11,
        }
    }

    /// The kind with this code, if any.
    pub fn from_code(code: u16) -> Option<Self> {
        LayerKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Short lower-case name, as in PyTorch's functional API (`"leaky_relu"`).
    pub const fn name(self) -> &'static str {
        match self {
            LayerKind::Dense => "dense",
            LayerKind::Identity => "identity",
            LayerKind::Relu => "relu",
            LayerKind::Sigmoid => "sigmoid",
            LayerKind::Tanh => "tanh",
            LayerKind::LeakyRelu => "leaky_relu",
            LayerKind::Prelu => "prelu",
            LayerKind::Elu => "elu",
            LayerKind::Softmax => "softmax",
            LayerKind::LogSoftmax => "log_softmax",
            LayerKind::Maxout => "maxout",
        }
    }

    /// Whether the layer has weights and a bias (`dims` `[in, out, ..]`)
    /// rather than working element- or row-wise on one width.
    pub const fn is_affine(self) -> bool {
        matches!(self, LayerKind::Dense | LayerKind::Maxout)
    }

    /// The name of the layer's single stored scalar (`"slope"`, `"a"`,
    /// `"alpha"`), if it has one.
    pub const fn scalar_name(self) -> Option<&'static str> {
        match self {
            LayerKind::LeakyRelu => Some("slope"),
            LayerKind::Prelu => Some("a"),
            LayerKind::Elu => Some("alpha"),
            _ => None,
        }
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
            LayerKind::LeakyRelu | LayerKind::Prelu | LayerKind::Elu => Some(1),
            _ => Some(0),
        }
    }

    /// Number of learnable parameters (stored values minus hyper-parameters
    /// such as a leaky slope or ELU's alpha); `None` on overflow.
    pub fn param_count(&self) -> Option<usize> {
        match self.kind {
            LayerKind::LeakyRelu | LayerKind::Elu => Some(0),
            _ => self.value_count(),
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
        for (i, k) in LayerKind::ALL.into_iter().enumerate() {
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
