//! Finite-difference checks of every layer, every loss and a network.

use nn_core::gradcheck::{check_loss, check_module_input, check_module_params, check_network};
use nn_core::{
    BceWithLogits, CrossEntropy, CrossEntropyProbs, Dense, Elu, Hinge, Huber, Identity, LeakyRelu,
    LogSoftmax, Loss, LossError, Maxout, Module, Mse, MultiMargin, Param, ParamMut, Params, Prelu,
    Relu, Sigmoid, Softmax, Tanh, seq,
};

const TOL: f64 = 1e-7;

/// Inputs away from every kink, with mixed signs and magnitudes.
const X: [[f64; 4]; 3] = [
    [0.3, -1.7, 2.5, -0.05],
    [-0.8, 0.6, -3.2, 1.1],
    [4.0, -0.4, 0.9, -2.2],
];

fn check_activation<M>(act: M)
where
    M: Module<[f64; 4], Output = [f64; 4]>
        + Module<[[f64; 4]; 3], Output = [[f64; 4]; 3]>
        + Params<f64>
        + Clone,
{
    let e1 = check_module_input(&act, &X[0]);
    let eb = check_module_input(&act, &X);
    assert!(e1 < TOL && eb < TOL, "{e1} {eb}");
}

#[test]
fn every_activation_passes() {
    check_activation(Identity);
    check_activation(Relu);
    check_activation(Sigmoid);
    check_activation(Tanh);
    check_activation(LeakyRelu::new(0.2));
    check_activation(Elu::new(0.5));
    check_activation(Elu::default());
    check_activation(Prelu::new(0.1));
    check_activation(Softmax);
    check_activation(LogSoftmax);
}

#[test]
fn prelu_slope_gradient_passes() {
    let act = Prelu::new(0.3);
    assert!(check_module_params(&act, &X[1]) < TOL);
    assert!(check_module_params(&act, &X) < TOL);
}

#[test]
fn dense_passes() {
    let layer = Dense::<f64, 4, 2>::from_parts(
        [[0.5, -1.0, 0.25, 2.0], [-0.3, 0.8, 1.5, -0.7]],
        [0.1, -0.2],
    );
    for e in [
        check_module_input(&layer, &X[2]),
        check_module_params(&layer, &X[2]),
        check_module_input(&layer, &X),
        check_module_params(&layer, &X),
    ] {
        assert!(e < TOL, "{e}");
    }
}

#[test]
fn maxout_passes_away_from_ties() {
    let layer = Maxout::<f64, 4, 2, 3>::from_parts(
        [
            [
                [0.5, -1.0, 0.25, 2.0],
                [-0.3, 0.8, 1.5, -0.7],
                [1.0, 0.2, -0.6, 0.1],
            ],
            [
                [0.9, 0.4, -0.2, -1.1],
                [-1.3, -0.5, 0.35, 0.6],
                [0.05, 1.2, 0.7, -0.45],
            ],
        ],
        [[0.1, -0.2, 0.0], [0.3, 0.0, -0.1]],
    );
    // The winners must be unique by a clear gap, so a step of 1e-5 keeps them.
    for row in &X {
        let z = layer.pre_activation(row);
        for unit in &z {
            let mut sorted = *unit;
            sorted.sort_by(f64::total_cmp);
            assert!(sorted[2] - sorted[1] > 1e-3, "{unit:?}");
        }
    }
    for e in [
        check_module_input(&layer, &X[0]),
        check_module_params(&layer, &X[0]),
        check_module_input(&layer, &X),
        check_module_params(&layer, &X),
    ] {
        assert!(e < TOL, "{e}");
    }
}

#[test]
fn every_loss_passes_per_sample_and_per_batch() {
    let targets = [
        [0.2, 0.9, -1.0, 3.0],
        [0.0, 0.5, 2.0, -0.5],
        [1.5, 1.0, 0.0, 0.1],
    ];
    let probs = [
        [0.1, 0.2, 0.3, 0.4],
        [1.0, 0.0, 0.0, 0.0],
        [0.25, 0.5, 0.0, 0.25],
    ];
    let labels = [
        [1.0, -1.0, 1.0, 1.0],
        [-1.0, -1.0, 1.0, 1.0],
        [1.0, -1.0, -1.0, 1.0],
    ];
    let classes = [2usize, 0, 3];
    let results = [
        check_loss(&Mse, &X, &targets),
        check_loss(&Mse, &X[0], &targets[0]),
        check_loss(&Huber::new(1.0), &X, &targets),
        check_loss(&Huber::new(0.5), &X[1], &targets[1]),
        check_loss(&BceWithLogits, &X, &probs),
        check_loss(&BceWithLogits, &X[2], &probs[2]),
        check_loss(&Hinge::default(), &X, &labels),
        check_loss(&Hinge::default(), &X[0], &labels[0]),
        check_loss(&CrossEntropy, &X, &classes),
        check_loss(&CrossEntropy, &X[1], &classes[1]),
        check_loss(&CrossEntropyProbs, &X, &probs),
        check_loss(&CrossEntropyProbs, &X[2], &probs[2]),
        check_loss(&MultiMargin::default(), &X, &classes),
        check_loss(&MultiMargin::default(), &X[0], &classes[0]),
    ];
    for (i, r) in results.iter().enumerate() {
        let e = r.unwrap();
        assert!(e < TOL, "case {i}: {e}");
    }
}

#[test]
fn loss_errors_are_reported_not_hidden() {
    assert_eq!(
        check_loss(&CrossEntropy, &[0.0, 1.0], &7),
        Err(LossError::ClassOutOfRange {
            index: 7,
            classes: 2
        })
    );
}

#[test]
fn two_layer_network_through_chain_passes() {
    let net = seq![
        Dense::<f64, 4, 3>::from_parts(
            [
                [0.5, -1.0, 0.25, 0.2],
                [-0.3, 0.8, 0.15, -0.7],
                [0.1, 0.2, -0.6, 0.4]
            ],
            [0.1, -0.2, 0.05],
        ),
        Tanh,
        Dense::<f64, 3, 2>::from_parts([[1.0, -0.5, 0.3], [0.2, 0.7, -1.1]], [0.0, 0.4]),
    ];
    let e = check_network(&net, &CrossEntropy, &X, &[1, 0, 1]).unwrap();
    assert!(e < TOL, "{e}");
    let e = check_network(&net, &Mse, &X[0], &[0.5, -0.5]).unwrap();
    assert!(e < TOL, "{e}");
    assert!(check_module_params(&net, &X) < TOL);
    let with_prelu = seq![net.first, Prelu::new(0.2), net.second.second];
    let e = check_network(&with_prelu, &MultiMargin::default(), &X, &[1, 0, 1]).unwrap();
    assert!(e < TOL, "{e}");
}

/// A layer whose backward is deliberately wrong (`3x` instead of `2x` for `x²`):
/// the checker must notice.
#[derive(Clone, Copy, Debug, Default)]
struct WrongSquare;

impl Module<[f64; 2]> for WrongSquare {
    type Output = [f64; 2];
    type Cache = ();
    fn forward(&self, x: &[f64; 2]) -> [f64; 2] {
        x.map(|v| v * v)
    }
    fn forward_train(&self, x: &[f64; 2]) -> ([f64; 2], ()) {
        (self.forward(x), ())
    }
    fn backward(
        &self,
        x: &[f64; 2],
        _: &[f64; 2],
        _: &(),
        dy: &[f64; 2],
        _: &mut Self,
    ) -> [f64; 2] {
        [3.0 * x[0] * dy[0], 3.0 * x[1] * dy[1]]
    }
}

impl Params<f64> for WrongSquare {
    fn params(&self) -> impl Iterator<Item = Param<'_, f64>> {
        core::iter::empty()
    }
    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, f64>> {
        core::iter::empty()
    }
}

#[test]
fn a_wrong_gradient_is_caught() {
    assert!(check_module_input(&WrongSquare, &[0.7, -1.3]) > 0.3);
}

/// A loss whose gradient is off by a factor of 2 must be caught too.
struct HalfGradMse;

impl Loss<f64, [f64; 3], [f64; 3]> for HalfGradMse {
    fn loss(&self, p: &[f64; 3], t: &[f64; 3]) -> Result<f64, LossError> {
        Mse.loss(p, t)
    }
    fn loss_and_grad(&self, p: &[f64; 3], t: &[f64; 3]) -> Result<(f64, [f64; 3]), LossError> {
        let (l, g) = Mse.loss_and_grad(p, t)?;
        Ok((l, g.map(|v| v / 2.0)))
    }
}

#[test]
fn a_wrong_loss_gradient_is_caught() {
    let e = check_loss(&HalfGradMse, &[1.0, -2.0, 0.5], &[0.0; 3]).unwrap();
    assert!(e > 0.4, "{e}");
}
