//! Boilerplate shared by every [`Rule`](crate::Rule) implementation.

/// The `Rule` methods that only read or write `self.config` and `self.t`.
macro_rules! rule_common {
    () => {
        fn new(config: Self::Config) -> Result<Self, $crate::ConfigError> {
            config.validate()?;
            Ok(Self::from_valid(config))
        }
        fn config(&self) -> &Self::Config {
            &self.config
        }
        fn lr(&self) -> f64 {
            self.config.lr
        }
        fn set_lr(&mut self, lr: f64) -> Result<(), $crate::ConfigError> {
            $crate::error::check_lr(lr)?;
            self.config.lr = lr;
            Ok(())
        }
        fn steps(&self) -> u64 {
            self.t
        }
    };
}

pub(crate) use rule_common;
