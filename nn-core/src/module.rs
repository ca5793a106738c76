//! The layer trait and compile-time-checked composition.

use crate::{Float, Param, ParamMut, Params};

/// A layer or network applied to inputs of type `X`.
///
/// Inputs are arrays passed by reference; a reference to a reference is no
/// input (here `x` is already a `&[f32; 3]`), and the error says so:
/// ```compile_fail,E0277
/// use nn_core::{Dense, Module};
/// let layer = Dense::<f32, 3, 2>::default();
/// let sample = [1.0f32; 3];
/// let x = &sample;
/// let y = layer.forward(&x); // `layer.forward(x)` compiles
/// ```
///
/// `X` is one sample (`[F; N]`) or a batch (`[[F; N]; B]`); the same layer
/// implements both and computes the same numbers either way. A module is its
/// own gradient type: [`backward`](Module::backward) accumulates `dL/dθ` into a
/// value of `Self` whose parameters play the role of gradients.
#[diagnostic::on_unimplemented(
    message = "layer `{Self}` does not take `{X}` as its input",
    label = "this input does not fit `{Self}`",
    note = "in a chain, each layer's input must be the previous layer's output: compare the sizes of `{Self}` with the layer before it",
    note = "if `{X}` is a reference, the input went in by reference once too often: `forward` takes `&[F; N]` (a sample) or `&[[F; N]; B]` (a batch), so pass `x` itself when it is already a reference, `&x` when it is the array"
)]
pub trait Module<X> {
    /// What `forward` produces.
    type Output;
    /// What `backward` needs from the forward pass besides the input and the
    /// output (`()` for [`Dense`](crate::Dense), the activations and softmax; a
    /// [`Chain`] keeps its inner activations here); a plain value, no heap.
    type Cache;

    /// Inference: no cache, no allocation, no panic.
    fn forward(&self, x: &X) -> Self::Output;

    /// Forward pass that also returns what [`backward`](Module::backward) needs.
    fn forward_train(&self, x: &X) -> (Self::Output, Self::Cache);

    /// [`forward_train`](Module::forward_train) into existing values: the
    /// same bits, written in place.
    ///
    /// A training loop that keeps `y` and `cache` from one batch to the next
    /// saves the copies of returning them by value (a network's activations,
    /// moved once per level of nesting). The default calls `forward_train`;
    /// [`Dense`](crate::Dense), the activations and [`Chain`] write in place.
    ///
    /// ```
    /// use nn_core::{seq, Dense, Module, Relu};
    /// let net = seq![Dense::<f32, 2, 3>::default(), Relu, Dense::<f32, 3, 1>::default()];
    /// let (mut y, mut cache) = net.forward_train(&[[0.0; 2]; 4]);
    /// for x in [[[1.0, 2.0]; 4], [[-1.0, 0.5]; 4]] {
    ///     net.forward_train_into(&x, &mut y, &mut cache);
    ///     assert_eq!((y, cache), net.forward_train(&x));
    /// }
    /// ```
    #[inline]
    fn forward_train_into(&self, x: &X, y: &mut Self::Output, cache: &mut Self::Cache) {
        (*y, *cache) = self.forward_train(x);
    }

    /// Adds the parameter gradients to `grads` and returns `dL/dx`, given the
    /// input `x`, output `y` and cache of the forward pass and
    /// `dy = dL/d(output)`.
    ///
    /// The caller still holds `x` and `y`, so layers copy neither into the
    /// cache: softmax and log-softmax take their gradient from `y`, and so do
    /// sigmoid and tanh (no second transcendental call).
    fn backward(
        &self,
        x: &X,
        y: &Self::Output,
        cache: &Self::Cache,
        dy: &Self::Output,
        grads: &mut Self,
    ) -> X;

    /// Accumulates parameter gradients only; `dL/dx` is not computed.
    ///
    /// Adds to `grads` exactly what [`backward`](Module::backward) adds (the
    /// same bits), for the place where the input gradient would be thrown
    /// away: a network's first layer in training. The default calls
    /// `backward` and drops its result; [`Dense`](crate::Dense) skips the
    /// `dx` product and [`Chain`] runs `backward` on its second module and
    /// `backward_params` on its first.
    ///
    /// ```
    /// use nn_core::{seq, Dense, Module, Relu};
    /// let net = seq![
    ///     Dense::<f32, 2, 3>::from_parts([[1.0, 0.5], [-1.0, 2.0], [0.25, 0.0]], [0.0, 0.1, 0.0]),
    ///     Relu,
    ///     Dense::<f32, 3, 1>::from_parts([[1.0, -1.0, 2.0]], [0.5]),
    /// ];
    /// let x = [1.0, 2.0];
    /// let (y, cache) = net.forward_train(&x);
    /// let (mut full, mut params_only) = (<_>::default(), <_>::default());
    /// let _dx: [f32; 2] = net.backward(&x, &y, &cache, &[1.0], &mut full);
    /// net.backward_params(&x, &y, &cache, &[1.0], &mut params_only);
    /// assert_eq!(full, params_only);
    /// ```
    #[inline]
    fn backward_params(
        &self,
        x: &X,
        y: &Self::Output,
        cache: &Self::Cache,
        dy: &Self::Output,
        grads: &mut Self,
    ) {
        let _ = self.backward(x, y, cache, dy, grads);
    }
}

/// A training pass's output and cache, kept from one batch to the next.
pub type Pass<M, X> = (<M as Module<X>>::Output, <M as Module<X>>::Cache);

/// The forward training pass of `x` into `pass`: in place
/// ([`Module::forward_train_into`]) when `pass` holds the previous batch's
/// values, else by [`Module::forward_train`]; returns the output and cache.
///
/// ```
/// use nn_core::{forward_train_reusing, seq, Dense, Module, Relu};
/// let net = seq![Dense::<f32, 2, 3>::default(), Relu, Dense::<f32, 3, 1>::default()];
/// let mut pass = None;
/// for x in [[[1.0, 2.0]; 4], [[-1.0, 0.5]; 4]] {
///     let (y, cache) = forward_train_reusing(&net, &x, &mut pass);
///     assert_eq!((*y, *cache), net.forward_train(&x));
/// }
/// ```
#[inline]
pub fn forward_train_reusing<'p, M: Module<X>, X>(
    module: &M,
    x: &X,
    pass: &'p mut Option<Pass<M, X>>,
) -> &'p mut Pass<M, X> {
    if let Some((y, cache)) = pass {
        module.forward_train_into(x, y, cache);
    }
    pass.get_or_insert_with(|| module.forward_train(x))
}

/// Two modules applied one after the other: `B(A(x))`.
///
/// The single impl's bound `B: Module<A::Output>` is the shape check: chaining
/// a layer whose input size differs from the previous output is a compile
/// error. Build chains with [`seq!`](crate::seq) and name their types with
/// [`Seq!`](crate::Seq).
///
/// A size mismatch does not compile; the error names the layer that rejects
/// its input and the input it was given (here `Dense<f32, 7, 3>` and
/// `[f32; 8]`, the output of `Dense<f32, 4, 8>` after `Relu`):
/// ```compile_fail,E0277
/// use nn_core::{Dense, Module, Relu, Seq};
/// type Net = Seq![Dense<f32, 4, 8>, Relu, Dense<f32, 7, 3>];
/// let y = Net::default().forward(&[0.0f32; 4]);
/// ```
/// The check can also sit where the network is declared, with no call:
/// ```
/// use nn_core::{Dense, Module, Relu, Seq};
/// type Net = Seq![Dense<f32, 4, 8>, Relu, Dense<f32, 8, 3>];
/// const _: () = {
///     const fn maps<M: Module<[f32; 4], Output = [f32; 3]>>() {}
///     maps::<Net>()
/// };
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Chain<A, B> {
    /// The first module.
    pub first: A,
    /// The second module, fed by the first.
    pub second: B,
}

impl<A, B> Chain<A, B> {
    /// Chains `first` then `second`.
    pub const fn new(first: A, second: B) -> Self {
        Chain { first, second }
    }
}

impl<X, A, B> Module<X> for Chain<A, B>
where
    A: Module<X>,
    B: Module<A::Output>,
{
    type Output = B::Output;
    /// The first module's cache, its output (the second module's input) and
    /// the second module's cache.
    type Cache = (A::Cache, A::Output, B::Cache);

    #[inline]
    fn forward(&self, x: &X) -> Self::Output {
        self.second.forward(&self.first.forward(x))
    }

    #[inline]
    fn forward_train(&self, x: &X) -> (Self::Output, Self::Cache) {
        let (h, cache_a) = self.first.forward_train(x);
        let (y, cache_b) = self.second.forward_train(&h);
        (y, (cache_a, h, cache_b))
    }

    #[inline]
    fn forward_train_into(&self, x: &X, y: &mut Self::Output, cache: &mut Self::Cache) {
        let (cache_a, h, cache_b) = cache;
        self.first.forward_train_into(x, h, cache_a);
        self.second.forward_train_into(h, y, cache_b);
    }

    #[inline]
    fn backward(
        &self,
        x: &X,
        y: &Self::Output,
        cache: &Self::Cache,
        dy: &Self::Output,
        grads: &mut Self,
    ) -> X {
        let (cache_a, h, cache_b) = cache;
        let dh = self.second.backward(h, y, cache_b, dy, &mut grads.second);
        self.first.backward(x, h, cache_a, &dh, &mut grads.first)
    }

    #[inline]
    fn backward_params(
        &self,
        x: &X,
        y: &Self::Output,
        cache: &Self::Cache,
        dy: &Self::Output,
        grads: &mut Self,
    ) {
        let (cache_a, h, cache_b) = cache;
        let dh = self.second.backward(h, y, cache_b, dy, &mut grads.second);
        self.first
            .backward_params(x, h, cache_a, &dh, &mut grads.first);
    }
}

impl<F: Float, A: Params<F>, B: Params<F>> Params<F> for Chain<A, B> {
    fn params(&self) -> impl Iterator<Item = Param<'_, F>> {
        self.first.params().chain(self.second.params())
    }
    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, F>> {
        self.first.params_mut().chain(self.second.params_mut())
    }
}

/// The type of a chain of modules: `Seq![A, B, C]` is `Chain<A, Chain<B, C>>`.
///
/// ```
/// use nn_core::{Dense, Relu, Seq, Module};
/// type Net = Seq![Dense<f32, 4, 8>, Relu, Dense<f32, 8, 3>];
/// let net = Net::default();
/// let y: [f32; 3] = net.forward(&[1.0; 4]);
/// assert_eq!(y, [0.0; 3]);
/// ```
#[macro_export]
macro_rules! Seq {
    ($a:ty $(,)?) => { $a };
    ($a:ty, $($rest:ty),+ $(,)?) => { $crate::Chain<$a, $crate::Seq![$($rest),+]> };
}

/// A chain of module values: `seq![a, b, c]` is `Chain::new(a, Chain::new(b, c))`.
///
/// The seed course's worked example, as a network:
/// ```
/// use nn_core::{seq, Dense, Identity, Module};
/// let net = seq![
///     Dense::<f64, 2, 2>::from_parts([[1.0, 1.0], [1.0, -1.0]], [0.0; 2]),
///     Identity,
///     Dense::<f64, 2, 1>::from_parts([[1.0, -1.0]], [0.0]),
/// ];
/// let (out, cache) = net.forward_train(&[40.0, 0.0]);
/// assert_eq!(cache.1, [40.0, 40.0]); // the hidden layer's output
/// assert_eq!(out, [0.0]);
/// ```
#[macro_export]
macro_rules! seq {
    ($a:expr $(,)?) => { $a };
    ($a:expr, $($rest:expr),+ $(,)?) => { $crate::Chain::new($a, $crate::seq![$($rest),+]) };
}
