//! Typed int8 layers: [`QDense`] and the [`Quantize`] / [`Dequantize`]
//! boundaries, run by the forward-only trait [`Infer`].

use super::boundary::{dequantize, quantize};
use super::kernel::{OutputStage, fold_input_zero_point, fully_connected};
use super::{QuantError, check_scale, check_zero_point};
use crate::Chain;

/// Inference of a layer or network on inputs of type `X`: the forward pass
/// only.
///
/// int8 layers implement this instead of [`Module`](crate::Module): their
/// parameters are fixed integers with no gradient, so they cannot honour
/// `Module`'s training methods. [`Chain`] implements it, so int8 networks
/// are written with [`seq!`](crate::seq) and typed with [`Seq!`](crate::Seq),
/// with the same compile-time shape check. `X` is one sample (`[T; N]`) or a
/// batch (`[[T; N]; B]`), which gives the same numbers row by row.
pub trait Infer<X> {
    /// What `infer` produces.
    type Output;

    /// The forward pass: no allocation, no panic.
    fn infer(&self, x: &X) -> Self::Output;
}

impl<X, A, B> Infer<X> for Chain<A, B>
where
    A: Infer<X>,
    B: Infer<A::Output>,
{
    type Output = B::Output;

    #[inline]
    fn infer(&self, x: &X) -> Self::Output {
        self.second.infer(&self.first.infer(x))
    }
}

/// Implements `Infer<[[T; N]; B]>` from `Infer<[T; N]>`, row by row.
macro_rules! batched {
    ($layer:ident < $($p:ident),+ >, $t:ty, $n:ident, $u:ty, $m:ident) => {
        impl<$(const $p: usize,)+ const B: usize> Infer<[[$t; $n]; B]> for $layer<$($p),+> {
            type Output = [[$u; $m]; B];

            #[inline]
            fn infer(&self, x: &[[$t; $n]; B]) -> [[$u; $m]; B] {
                x.each_ref().map(|row| self.infer(row))
            }
        }
    };
}

/// Requantization of a layer with `OUT` outputs: Q31 multipliers and shifts
/// (one per output; per-tensor quantization repeats one), the output zero
/// point and the activation clamp (see [`FusedActivation::bounds`](super::FusedActivation::bounds)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requant<const OUT: usize> {
    /// Q31 multiplier per output ([`quantize_multiplier`](super::quantize_multiplier)).
    pub multiplier: [i32; OUT],
    /// Shift per output, positive to the left, in `-31..=30`.
    pub shift: [i32; OUT],
    /// Output zero point, in `[-128, 127]`.
    pub zero_point: i32,
    /// Lower output clamp.
    pub min: i8,
    /// Upper output clamp.
    pub max: i8,
}

impl<const OUT: usize> Requant<OUT> {
    /// One multiplier and shift for every output (per-tensor weights).
    pub const fn per_tensor(
        multiplier: i32,
        shift: i32,
        zero_point: i32,
        min: i8,
        max: i8,
    ) -> Self {
        Requant {
            multiplier: [multiplier; OUT],
            shift: [shift; OUT],
            zero_point,
            min,
            max,
        }
    }

    /// The slice view the kernel reads.
    fn stage(&self) -> OutputStage<'_> {
        OutputStage {
            multiplier: &self.multiplier,
            shift: &self.shift,
            zero_point: self.zero_point,
            min: self.min,
            max: self.max,
        }
    }

    /// Checks zero point, multipliers, shifts and bounds.
    const fn check(&self) -> Result<(), QuantError> {
        if let Err(e) = check_zero_point(self.zero_point) {
            return Err(e);
        }
        if self.min > self.max {
            return Err(QuantError::ActivationBounds);
        }
        let mut o = 0;
        while o < OUT {
            if self.multiplier[o] < 0 {
                return Err(QuantError::Multiplier);
            }
            if self.shift[o] < -31 || self.shift[o] > 30 {
                return Err(QuantError::Shift);
            }
            o += 1;
        }
        Ok(())
    }
}

/// An int8 fully connected layer with `IN` inputs and `OUT` outputs, as
/// TFLite Micro's FULLY_CONNECTED computes it: `acc = Σ (x − zp_in) · w +
/// bias` in i32, requantized by [`Requant`]. Integer-only.
///
/// Weights are symmetric int8 `[OUT][IN]` (TFLite's filter layout), the bias
/// i32 with scale `s_in · s_w`. The constructor is `const` and folds the
/// input zero point into the bias, so a model can be a `static` in flash:
///
/// ```
/// use nn_core::quant::{Infer, QDense, Requant};
/// // acc = (x − 1)·2 + (x − 1)·(−1) + 4, times 2^-1 (M = 2^30, shift 0).
/// static LAYER: QDense<2, 1> = match QDense::new([[2, -1]], [4], 1, Requant::per_tensor(1 << 30, 0, -3, -128, 127)) {
///     Ok(layer) => layer,
///     Err(_) => panic!("bad int8 parameters"),
/// };
/// assert_eq!(LAYER.infer(&[11, 5]), [7]); // (10·2 + 4·(−1) + 4) / 2 − 3
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QDense<const IN: usize, const OUT: usize> {
    weight: [[i8; IN]; OUT],
    /// The bias with `−zp_in · Σ w` folded in.
    folded_bias: [i32; OUT],
    requant: Requant<OUT>,
}

impl<const IN: usize, const OUT: usize> QDense<IN, OUT> {
    /// The layer with weights `[OUT][IN]`, i32 bias (zeros for a layer
    /// without bias), the input zero point and the requantization.
    ///
    /// Errors: a zero point outside `[-128, 127]`, a negative multiplier, a
    /// shift outside `-31..=30`, bounds with `min > max`.
    pub const fn new(
        weight: [[i8; IN]; OUT],
        bias: [i32; OUT],
        input_zero_point: i32,
        requant: Requant<OUT>,
    ) -> Result<Self, QuantError> {
        if let Err(e) = check_zero_point(input_zero_point) {
            return Err(e);
        }
        if let Err(e) = requant.check() {
            return Err(e);
        }
        let mut folded_bias = bias;
        let mut o = 0;
        while o < OUT {
            folded_bias[o] = fold_input_zero_point(&weight[o], bias[o], input_zero_point);
            o += 1;
        }
        Ok(QDense {
            weight,
            folded_bias,
            requant,
        })
    }
}

impl<const IN: usize, const OUT: usize> Infer<[i8; IN]> for QDense<IN, OUT> {
    type Output = [i8; OUT];

    #[inline]
    fn infer(&self, x: &[i8; IN]) -> [i8; OUT] {
        let mut y = [0; OUT];
        let w = self.weight.as_flattened();
        fully_connected(x, w, &self.folded_bias, &self.requant.stage(), &mut y);
        y
    }
}

batched!(QDense<IN, OUT>, i8, IN, i8, OUT);

/// float → int8 at a network's input: [`quantize`] on each of `N` values.
///
/// ```
/// use nn_core::quant::{Infer, Quantize};
/// static Q: Quantize<2> = match Quantize::new(0.5, -1) { Ok(q) => q, Err(_) => panic!() };
/// assert_eq!(Q.infer(&[1.25, -100.0]), [2, -128]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantize<const N: usize> {
    scale: f32,
    zero_point: i32,
}

/// int8 → float at a network's output: [`dequantize`] on each of `N` values.
///
/// ```
/// use nn_core::quant::{Dequantize, Infer};
/// static D: Dequantize<2> = match Dequantize::new(0.5, -1) { Ok(d) => d, Err(_) => panic!() };
/// assert_eq!(D.infer(&[3, -1]), [2.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dequantize<const N: usize> {
    scale: f32,
    zero_point: i32,
}

/// `new` of a boundary layer: checked scale and zero point.
macro_rules! boundary_new {
    ($layer:ident) => {
        impl<const N: usize> $layer<N> {
            /// The boundary with the int8 side's `scale` and `zero_point`.
            ///
            /// Errors: `scale` not positive and finite, `zero_point` outside
            /// `[-128, 127]`.
            pub const fn new(scale: f32, zero_point: i32) -> Result<Self, QuantError> {
                if let Err(e) = check_scale(scale) {
                    return Err(e);
                }
                if let Err(e) = check_zero_point(zero_point) {
                    return Err(e);
                }
                Ok($layer { scale, zero_point })
            }
        }
    };
}

boundary_new!(Quantize);
boundary_new!(Dequantize);

impl<const N: usize> Infer<[f32; N]> for Quantize<N> {
    type Output = [i8; N];

    #[inline]
    fn infer(&self, x: &[f32; N]) -> [i8; N] {
        x.map(|v| quantize(v, self.scale, self.zero_point))
    }
}

impl<const N: usize> Infer<[i8; N]> for Dequantize<N> {
    type Output = [f32; N];

    #[inline]
    fn infer(&self, x: &[i8; N]) -> [f32; N] {
        x.map(|q| dequantize(q, self.scale, self.zero_point))
    }
}

batched!(Quantize<N>, f32, N, i8, N);
batched!(Dequantize<N>, i8, N, f32, N);
