//! Networks, gradients and optimizer state on the heap without a stack copy.
//!
//! A typed network is one plain value: `Seq![Dense<f32, 784, 512>, Relu,
//! Dense<f32, 512, 10>]` holds 1.6 MB of weights inline, and
//! `Box::new(Net::default())` builds that value on the stack first (several
//! times over in a debug build), which overflows a thread's stack. The
//! functions here allocate first and fill the allocation in place:
//! [`boxed_zeroed`] for a network of zeros (the starting point of an
//! initializer or a gradient accumulator) and [`boxed_copy`] for a copy of an
//! existing value (nn-optim's `Optimizer::new_boxed` makes each optimizer
//! state buffer from one, zeroed in place).
//!
//! ```
//! use nn_core::{boxed_zeroed, Dense, Params, Relu, Seq};
//! type Net = Seq![Dense<f32, 784, 512>, Relu, Dense<f32, 512, 10>];
//! let net: Box<Net> = boxed_zeroed();
//! assert_eq!(net.num_params(), 784 * 512 + 512 + 512 * 10 + 10);
//! assert!(net.params().all(|p| p.values.iter().all(|&v| v == 0.0)));
//! ```
#![allow(unsafe_code)]

use alloc::boxed::Box;

use crate::layers::activation::{Identity, Relu, Sigmoid, Tanh};
use crate::layers::softmax::{LogSoftmax, Softmax};
use crate::{Chain, Dense, Float, Maxout, Prelu};

/// Types whose all-zero bit pattern is a valid value: for nn-core's layers,
/// the layer with every parameter zero.
///
/// Implemented for `f32`, `f64`, [`Dense`], [`Maxout`], [`Prelu`] (slope 0),
/// [`Chain`]s of such modules and the activations without settings.
/// [`LeakyRelu`](crate::LeakyRelu) and [`Elu`](crate::Elu) are left out on
/// purpose: their all-zero value (slope 0, `alpha` 0) is a different
/// activation than the one meant, and nothing would say so.
///
/// # Safety
/// Every byte of `Self` zero must be a valid value of `Self` (no references,
/// no `NonZero`, no enums without a zero discriminant).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be built from zeroed memory",
    note = "`boxed_zeroed` takes networks of `Dense`, `Maxout`, `Prelu` and the activations without settings; for `LeakyRelu` or `Elu` build the network by value, or box a copy with `boxed_copy`"
)]
pub unsafe trait Zeroable: Sized {}

// SAFETY: the all-zero bits of an IEEE 754 binary32 or binary64 are +0.0.
unsafe impl Zeroable for f32 {}
// SAFETY: as above.
unsafe impl Zeroable for f64 {}
// SAFETY: two arrays of a zeroable float (the sealed `Float` is f32 or f64).
unsafe impl<F: Float + Zeroable, const IN: usize, const OUT: usize> Zeroable for Dense<F, IN, OUT> {}
// SAFETY: two arrays of a zeroable float.
unsafe impl<F: Float + Zeroable, const IN: usize, const OUT: usize, const K: usize> Zeroable
    for Maxout<F, IN, OUT, K>
{
}
// SAFETY: one zeroable float.
unsafe impl<F: Float + Zeroable> Zeroable for Prelu<F> {}
// SAFETY: a struct of two fields that are valid all-zero (padding is never read).
unsafe impl<A: Zeroable, B: Zeroable> Zeroable for Chain<A, B> {}

/// `Zeroable` for field-less unit structs.
macro_rules! zeroable_unit {
    ($($ty:ty),*) => {$(
        // SAFETY: a zero-sized unit struct has no bytes to be invalid.
        unsafe impl Zeroable for $ty {}
    )*};
}
zeroable_unit!(Identity, Relu, Sigmoid, Tanh, Softmax, LogSoftmax);

/// A `T` of all-zero bits, allocated on the heap and never on the stack.
///
/// For a network of nn-core layers this is the network with every parameter
/// zero: equal to `Net::default()` for [`Dense`] and [`Maxout`] layers and
/// the parameter-free activations, and ready for an initializer.
///
/// ```
/// use nn_core::{boxed_zeroed, Dense, Relu, Seq};
/// type Net = Seq![Dense<f64, 3, 4>, Relu, Dense<f64, 4, 2>];
/// assert_eq!(*boxed_zeroed::<Net>(), Net::default());
/// ```
pub fn boxed_zeroed<T: Zeroable>() -> Box<T> {
    let zeroed = Box::<T>::new_zeroed();
    // SAFETY: `Zeroable` promises that all-zero bytes are a valid `T`.
    unsafe { zeroed.assume_init() }
}

/// A heap copy of `value`, copied straight into the allocation (no
/// temporary on the stack, unlike `Box::new(*value)` in a debug build).
///
/// ```
/// use nn_core::{boxed_copy, Dense};
/// let layer = Dense::<f32, 2, 1>::from_parts([[0.5, -1.0]], [0.25]);
/// assert_eq!(*boxed_copy(&layer), layer);
/// ```
pub fn boxed_copy<T: Copy>(value: &T) -> Box<T> {
    let mut copy = Box::<T>::new_uninit();
    // SAFETY: `copy` is a fresh allocation for one `T` that cannot overlap
    // `value`; a bitwise copy of a `Copy` value is a valid `T`, so after the
    // copy the allocation is initialized.
    unsafe {
        core::ptr::copy_nonoverlapping(value, copy.as_mut_ptr(), 1);
        copy.assume_init()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LeakyRelu, Params, Seq};

    #[test]
    fn zeroed_networks_equal_their_default() {
        type Net = Seq![
            Dense<f32, 5, 4>,
            Relu,
            Maxout<f32, 4, 3, 2>,
            Tanh,
            Dense<f32, 3, 3>,
            Sigmoid,
            Identity,
            Softmax
        ];
        assert_eq!(*boxed_zeroed::<Net>(), Net::default());
        type Logs = Seq![Dense<f64, 2, 2>, LogSoftmax];
        assert_eq!(*boxed_zeroed::<Logs>(), Logs::default());
        let prelu = boxed_zeroed::<Prelu<f64>>();
        assert_eq!(prelu.a.to_bits(), 0);
    }

    #[test]
    fn copies_are_bit_identical() {
        let mut net: Seq![Dense<f64, 3, 2>, LeakyRelu<f64>, Dense<f64, 2, 1>] = Default::default();
        for (i, p) in net.params_mut().enumerate() {
            p.values
                .iter_mut()
                .enumerate()
                .for_each(|(j, v)| *v = (i * 10 + j) as f64 - 7.5);
        }
        net.second.first.slope = -0.3;
        assert_eq!(*boxed_copy(&net), net);
    }

    #[test]
    fn a_million_parameters_never_touch_the_stack() {
        // 2 M f32 = 8 MiB: more than a test thread's 2 MiB stack, so a stack
        // temporary of this value would overflow it.
        type Big = Dense<f32, 1024, 2048>;
        let big = boxed_zeroed::<Big>();
        assert!(big.weight.iter().flatten().all(|&w| w == 0.0));
        let copy = boxed_copy(&*big);
        assert_eq!(copy.num_params(), 1024 * 2048 + 2048);
    }
}
