//! Boilerplate shared by every [`Rule`](crate::Rule) implementation.

/// The `Rule` methods that only read or write `self.config` and `self.t`.
///
/// The rule must be a struct of `config`, `t`, `_float: PhantomData<F>` and
/// the fields given as `field: initial value` (NAdam's running product).
/// The configuration fields in brackets (`[lr, eps]`) are also checked in
/// the rule's float type, in which they are applied
/// ([`check_in`](crate::error::check_in)).
macro_rules! rule_common {
    ([$($applied:ident),*] $($field:ident: $init:expr),* $(,)?) => {
        fn new(config: Self::Config) -> Result<Self, $crate::ConfigError> {
            config.validate()?;
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

/// Defines an update loop `fn name<F: Float>(args) -> ret { body }` that runs
/// a copy compiled for AVX2 (8 f32 lanes instead of SSE2's 4) when the `std`
/// feature is on and the CPU has AVX2, and the plain copy otherwise. The
/// loops use no fused multiply-add, so both copies give the same bits
/// (tested in `adam`).
macro_rules! multiversion {
    (
        $(#[$meta:meta])*
        fn $name:ident<F: Float>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block
    ) => {
        $(#[$meta])*
        #[inline]
        #[allow(clippy::too_many_arguments)]
        fn $name<F: Float>($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            fn plain<F: Float>($($arg: $ty),*) $(-> $ret)? $body

            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            {
                #[target_feature(enable = "avx2")]
                #[allow(clippy::too_many_arguments)]
                fn avx2<F: Float>($($arg: $ty),*) $(-> $ret)? {
                    plain($($arg),*)
                }
                if std::is_x86_feature_detected!("avx2") {
                    #[allow(unsafe_code)]
                    // SAFETY: `avx2` only enables AVX2 code generation, and the
                    // CPU was just checked to support AVX2.
                    return unsafe { avx2($($arg),*) };
                }
            }
            plain($($arg),*)
        }
    };
}

pub(crate) use multiversion;
