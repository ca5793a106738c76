//! Initializing whole networks through `nn_core::Params`.

use nn_core::{Dense, Param, ParamKind, ParamMut, Params, Relu, seq};
use nn_init::{Init, InitError, Initializer, SplitMix64, TRUNCATION_STD_CORRECTION};
use rand_core::RngCore;

fn std_of(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt()
}

#[test]
fn each_layer_gets_its_own_fan_in() {
    let mut net = seq![
        Dense::<f64, 400, 100>::zeros(),
        Relu,
        Dense::<f64, 100, 25>::zeros()
    ];
    Init::he_normal()
        .apply(&mut net, &mut SplitMix64::new(3))
        .unwrap();
    let p: Vec<Param<'_, f64>> = net.params().collect();
    assert_eq!(p.len(), 4);
    // Layer 1: 40_000 weights, std sqrt(2/400) = 0.0707; layer 2: 2_500, std sqrt(2/100) = 0.1414.
    // 5 standard errors of the std (μ4 ≤ 3σ⁴): 5·σ/sqrt(2n) = 1.8 % and 7.1 %.
    for (w, fan_in) in [(&p[0], 400.0f64), (&p[2], 100.0)] {
        let target = (2.0 / fan_in).sqrt();
        let n = w.values.len() as f64;
        let s = std_of(w.values);
        assert!(
            (s - target).abs() < 5.0 * target / (2.0 * n).sqrt(),
            "fan_in {fan_in}: std {s}"
        );
        let bound = 2.0 * target / TRUNCATION_STD_CORRECTION;
        assert!(w.values.iter().all(|v| v.abs() <= bound));
    }
    // Biases: zeros by default.
    assert!(p[1].values.iter().chain(p[3].values).all(|&b| b == 0.0));
}

#[test]
fn applying_draws_tensors_in_order_from_one_stream() {
    let mut net = seq![
        Dense::<f64, 3, 4>::zeros(),
        Relu,
        Dense::<f64, 4, 2>::zeros()
    ];
    Initializer::pytorch_linear()
        .apply(&mut net, &mut SplitMix64::new(11))
        .unwrap();
    let mut rng = SplitMix64::new(11);
    let (mut w1, mut b1, mut w2, mut b2) = ([0.0; 12], [0.0; 4], [0.0; 8], [0.0; 2]);
    Init::PytorchLinear.fill(&mut rng, &mut w1, 3, 4).unwrap();
    Init::PytorchLinear.fill(&mut rng, &mut b1, 3, 4).unwrap();
    Init::PytorchLinear.fill(&mut rng, &mut w2, 4, 2).unwrap();
    Init::PytorchLinear.fill(&mut rng, &mut b2, 4, 2).unwrap();
    let p: Vec<_> = net.params().collect();
    assert_eq!(p[0].values, w1);
    assert_eq!(p[1].values, b1);
    assert_eq!(p[2].values, w2);
    assert_eq!(p[3].values, b2);
    // PyTorch's rule for biases: U(±1/sqrt(fan_in)) with the layer's fan-in, nonzero.
    assert!(b1.iter().all(|b| b.abs() < 1.0 / 3f64.sqrt()) && b1.iter().any(|&b| b != 0.0));
    assert!(b2.iter().all(|b| b.abs() < 0.5));
}

#[test]
fn bias_rule_sees_the_layers_fans() {
    // Xavier on a bias: fan_in from the kind, fan_out = the bias length.
    let mut layer = Dense::<f64, 10, 90>::zeros();
    let rule = Initializer::new(Init::Zeros).with_bias(Init::xavier_uniform());
    rule.apply(&mut layer, &mut SplitMix64::new(1)).unwrap();
    let bound = (6.0f64 / 100.0).sqrt();
    assert!(layer.bias.iter().all(|b| b.abs() < bound));
    assert!(
        layer.bias.iter().any(|b| b.abs() > 0.8 * bound),
        "uses fan_out 90, not 0"
    );
    assert!(layer.weight.iter().flatten().all(|&w| w == 0.0));
}

/// A layer with a tensor of kind `Other` (as a PReLU slope).
#[derive(Clone, Default)]
struct WithSlope {
    w: [f64; 6],
    slope: [f64; 1],
}

impl Params<f64> for WithSlope {
    fn params(&self) -> impl Iterator<Item = Param<'_, f64>> {
        [
            Param {
                values: &self.w[..],
                kind: ParamKind::Weight {
                    fan_in: 3,
                    fan_out: 2,
                },
            },
            Param {
                values: &self.slope[..],
                kind: ParamKind::Other,
            },
        ]
        .into_iter()
    }
    fn params_mut(&mut self) -> impl Iterator<Item = ParamMut<'_, f64>> {
        [
            ParamMut {
                values: &mut self.w[..],
                kind: ParamKind::Weight {
                    fan_in: 3,
                    fan_out: 2,
                },
            },
            ParamMut {
                values: &mut self.slope[..],
                kind: ParamKind::Other,
            },
        ]
        .into_iter()
    }
}

#[test]
fn other_tensors_keep_their_values() {
    let mut m = WithSlope {
        slope: [0.25],
        ..Default::default()
    };
    Init::he_uniform()
        .apply(&mut m, &mut SplitMix64::new(2))
        .unwrap();
    assert_eq!(m.slope, [0.25]);
    assert!(m.w.iter().all(|&w| w != 0.0));
}

#[test]
fn an_invalid_tensor_leaves_the_network_and_generator_untouched() {
    // The second layer has no inputs: He (fan-in) cannot scale it.
    let mut net = seq![Dense::<f64, 2, 3>::zeros(), Dense::<f64, 0, 3>::zeros()];
    let mut rng = SplitMix64::new(4);
    assert_eq!(
        Init::he_normal().apply(&mut net, &mut rng),
        Err(InitError::ZeroFan)
    );
    assert!(net.params().all(|p| p.values.iter().all(|&v| v == 0.0)));
    assert_eq!(rng.next_u64(), SplitMix64::new(4).next_u64());
    // Fan-out mode works for it (fan_out = 3).
    let rule = Init::HeNormal {
        mode: nn_init::FanMode::FanOut,
        gain: 1.0,
    };
    assert_eq!(rule.apply(&mut net, &mut rng), Ok(()));
}
