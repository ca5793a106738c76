//! Boilerplate shared by every [`Rule`](crate::Rule) implementation.

/// The `Rule` methods that only read or write `self.config` and `self.t`.
///
/// The rule must be a struct of `config`, `t`, `_float: PhantomData<F>` and
/// the fields given as `field: initial value` (NAdam's running product).
/// The configuration fields in brackets (`[lr, eps]`) are also checked in
/// the rule's float type, in which they are applied
/// ([`check_in`](crate::error::check_in)). `=> |c| ...;` checks the
/// configuration `c` against the optional state buffers the type keeps
/// ([`check_slot`](crate::state::check_slot)).
macro_rules! rule_common {
    ([$($applied:ident),*] $(=> $slots:expr;)? $($field:ident: $init:expr),* $(,)?) => {
        fn new(config: Self::Config) -> Result<Self, $crate::ConfigError> {
            config.validate()?;
            $(($slots)(&config)?;)?
            $($crate::error::check_in::<Self::Float>(stringify!($applied), config.$applied)?;)*
            Ok(Self {
                config,
                t: 0,
                $($field: $init,)*
                _float: core::marker::PhantomData,
            })
        }
        fn config(&self) -> &Self::Config {
            &self.config
        }
        fn lr(&self) -> f64 {
            self.config.lr
        }
        fn set_lr(&mut self, lr: f64) -> Result<(), $crate::ConfigError> {
            $crate::error::check_lr(lr)?;
            $crate::error::check_in::<Self::Float>("lr", lr)?;
            self.config.lr = lr;
            Ok(())
        }
        fn steps(&self) -> u64 {
            self.t
        }
    };
}

pub(crate) use rule_common;

/// Defines an update loop `fn name<F: Float>(args) -> ret { body }` that
/// runs compiled for the tier nn-core's arch layer selected
/// ([`nn_core::arch::vectorized`]): with AVX2 or AVX-512 code generation
/// (8 or 16 `f32` lanes instead of SSE2's 4) on an x86_64 CPU that has them,
/// `std` or not, and as the plain copy under `set_isa(Isa::Portable)` and on
/// other targets. The loops use no fused multiply-add, so every tier gives
/// the same bits (tested in `adam`).
macro_rules! multiversion {
    (@ret) => { () };
    (@ret $ret:ty) => { $ret };
    (
        $(#[$meta:meta])*
        fn $name:ident<F: Float>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block
    ) => {
        $(#[$meta])*
        #[inline]
        #[allow(clippy::too_many_arguments)]
        fn $name<F: Float>($($arg: $ty),*) $(-> $ret)? {
            struct Loop<F>(core::marker::PhantomData<F>);
            impl<F: Float> nn_core::arch::Kernel<($($ty,)*)> for Loop<F> {
                type Output = multiversion!(@ret $($ret)?);
                #[inline(always)]
                fn run(($($arg,)*): ($($ty,)*)) -> Self::Output $body
            }
            nn_core::arch::vectorized::<Loop<F>, _>(($($arg,)*))
        }
    };
}

pub(crate) use multiversion;
