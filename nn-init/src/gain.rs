//! Recommended gains per nonlinearity, as PyTorch's `torch.nn.init.calculate_gain`.

/// A nonlinearity that follows a layer, for [`calculate_gain`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Nonlinearity {
    /// The identity (also PyTorch's `conv*d` entries): gain 1.
    Linear,
    /// Logistic sigmoid: gain 1.
    Sigmoid,
    /// Hyperbolic tangent: gain 5/3.
    Tanh,
    /// Rectified linear unit: gain √2.
    Relu,
    /// Leaky ReLU with the given negative slope: gain `sqrt(2 / (1 + slope²))`.
    LeakyRelu(f64),
    /// SELU: gain 3/4 (PyTorch's choice, for self-normalizing networks
    /// initialized with `kaiming_normal_(nonlinearity = 'linear')` semantics).
    Selu,
}

/// The gain that keeps the variance of activations stable through a layer
/// followed by `nonlinearity`; the same values as PyTorch's `calculate_gain`.
///
/// ```
/// use nn_init::{calculate_gain, Nonlinearity};
/// assert_eq!(calculate_gain(Nonlinearity::Tanh), 5.0 / 3.0);
/// assert_eq!(calculate_gain(Nonlinearity::Relu), core::f64::consts::SQRT_2);
/// assert_eq!(calculate_gain(Nonlinearity::LeakyRelu(0.0)), calculate_gain(Nonlinearity::Relu));
/// ```
pub fn calculate_gain(nonlinearity: Nonlinearity) -> f64 {
    match nonlinearity {
        Nonlinearity::Linear | Nonlinearity::Sigmoid => 1.0,
        Nonlinearity::Tanh => 5.0 / 3.0,
        Nonlinearity::Relu => core::f64::consts::SQRT_2,
        Nonlinearity::LeakyRelu(slope) => libm::sqrt(2.0 / (1.0 + slope * slope)),
        Nonlinearity::Selu => 0.75,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::approx_constant)] // the literals are PyTorch's printed values, on purpose
    fn gains_equal_pytorch() {
        // torch.nn.init.calculate_gain(...) in PyTorch 2.x, printed with repr().
        assert_eq!(calculate_gain(Nonlinearity::Linear), 1.0);
        assert_eq!(calculate_gain(Nonlinearity::Sigmoid), 1.0);
        assert_eq!(calculate_gain(Nonlinearity::Tanh), 1.666_666_666_666_666_7);
        assert_eq!(calculate_gain(Nonlinearity::Relu), 1.414_213_562_373_095_1);
        // leaky_relu with its default slope 0.01
        assert!(
            (calculate_gain(Nonlinearity::LeakyRelu(0.01)) - 1.414_142_856_997_835_4).abs() < 1e-15
        );
        assert_eq!(calculate_gain(Nonlinearity::Selu), 0.75);
    }
}
