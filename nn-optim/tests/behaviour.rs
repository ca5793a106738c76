//! Configuration checks, PyTorch defaults, refusal of non-finite gradients,
//! weight-decay filters, and the network API (state by value or on the heap)
//! and the slice API agreeing bit for bit.

use nn_core::{Dense, Params};
use nn_optim::{
    AdaMaxConfig, AdaMaxRule, AdaMaxState, AdadeltaConfig, AdadeltaRule, AdadeltaState,
    AdagradConfig, AdagradRule, AdagradState, Adam, AdamConfig, AdamRule, AdamState, AdamW,
    AdamWConfig, AdamWRule, AmsGrad, ConfigError, NAdamConfig, NAdamRule, NAdamState, Optimizer,
    Present, RmsPropConfig, RmsPropRule, RmsPropState, Rule, Sgd, SgdConfig, SgdMomentum, SgdRule,
    SgdState, StepError, decay_except_biases, first_non_finite,
};

fn out_of_range(name: &'static str) -> Result<(), ConfigError> {
    Err(ConfigError::OutOfRange {
        name,
        allowed: match name {
            "beta1" | "beta2" => "[0, 1)",
            "eps" => "(0, inf)",
            "rho" | "alpha" | "dampening" => "[0, 1]",
            _ => "[0, inf)",
        },
    })
}

#[test]
fn defaults_are_pytorch_defaults() {
    let s = SgdConfig::default();
    assert_eq!(
        (s.lr, s.momentum, s.dampening, s.weight_decay, s.nesterov),
        (1e-3, 0.0, 0.0, 0.0, false)
    );
    let a = AdagradConfig::default();
    assert_eq!(
        (
            a.lr,
            a.lr_decay,
            a.weight_decay,
            a.initial_accumulator_value,
            a.eps
        ),
        (1e-2, 0.0, 0.0, 0.0, 1e-10)
    );
    let d = AdadeltaConfig::default();
    assert_eq!((d.lr, d.rho, d.eps, d.weight_decay), (1.0, 0.9, 1e-6, 0.0));
    let r = RmsPropConfig::default();
    assert_eq!(
        (r.lr, r.alpha, r.eps, r.weight_decay, r.momentum, r.centered),
        (1e-2, 0.99, 1e-8, 0.0, 0.0, false)
    );
    let m = AdamConfig::default();
    assert_eq!(
        (m.lr, m.betas, m.eps, m.weight_decay, m.amsgrad),
        (1e-3, (0.9, 0.999), 1e-8, 0.0, false)
    );
    let w = AdamWConfig::default();
    assert_eq!(
        (w.lr, w.betas, w.eps, w.weight_decay, w.amsgrad),
        (1e-3, (0.9, 0.999), 1e-8, 1e-2, false)
    );
    let x = AdaMaxConfig::default();
    assert_eq!(
        (x.lr, x.betas, x.eps, x.weight_decay),
        (2e-3, (0.9, 0.999), 1e-8, 0.0)
    );
    let n = NAdamConfig::default();
    assert_eq!(
        (
            n.lr,
            n.betas,
            n.eps,
            n.weight_decay,
            n.momentum_decay,
            n.decoupled_weight_decay
        ),
        (2e-3, (0.9, 0.999), 1e-8, 0.0, 4e-3, false)
    );
    for ok in [
        s.validate(),
        a.validate(),
        d.validate(),
        r.validate(),
        m.validate(),
        w.validate(),
        x.validate(),
        n.validate(),
    ] {
        assert_eq!(ok, Ok(()));
    }
}

#[test]
fn sgd_config_errors() {
    let d = SgdConfig::default();
    assert_eq!(SgdConfig { lr: -0.1, ..d }.validate(), out_of_range("lr"));
    assert_eq!(
        SgdConfig { lr: f64::NAN, ..d }.validate(),
        out_of_range("lr")
    );
    assert_eq!(
        SgdConfig {
            lr: f64::INFINITY,
            ..d
        }
        .validate(),
        out_of_range("lr")
    );
    assert_eq!(
        SgdConfig {
            momentum: -0.5,
            ..d
        }
        .validate(),
        out_of_range("momentum")
    );
    assert_eq!(
        SgdConfig {
            dampening: 1.5,
            ..d
        }
        .validate(),
        out_of_range("dampening")
    );
    assert_eq!(
        SgdConfig {
            weight_decay: -1e-4,
            ..d
        }
        .validate(),
        out_of_range("weight_decay")
    );
    assert_eq!(
        SgdConfig {
            nesterov: true,
            ..d
        }
        .validate(),
        Err(ConfigError::NesterovWithoutMomentum)
    );
    assert_eq!(
        SgdConfig {
            nesterov: true,
            momentum: 0.9,
            dampening: 0.1,
            ..d
        }
        .validate(),
        Err(ConfigError::NesterovWithDampening)
    );
    // Rule::new and the network constructor refuse the same way.
    assert!(matches!(
        SgdRule::<f32>::new(SgdConfig {
            nesterov: true,
            ..d
        }),
        Err(ConfigError::NesterovWithoutMomentum)
    ));
    let layer = Dense::<f32, 2, 1>::zeros();
    assert!(Sgd::new(SgdConfig { lr: -1.0, ..d }, &layer).is_err());
}

#[test]
fn adaptive_config_errors() {
    let a = AdamConfig::default();
    assert_eq!(
        AdamConfig {
            betas: (1.0, 0.999),
            ..a
        }
        .validate(),
        out_of_range("beta1")
    );
    assert_eq!(
        AdamConfig {
            betas: (0.9, -0.1),
            ..a
        }
        .validate(),
        out_of_range("beta2")
    );
    assert_eq!(
        AdamConfig {
            betas: (0.9, f64::NAN),
            ..a
        }
        .validate(),
        out_of_range("beta2")
    );
    assert_eq!(AdamConfig { eps: 0.0, ..a }.validate(), out_of_range("eps"));
    assert_eq!(
        AdamConfig { eps: -1e-8, ..a }.validate(),
        out_of_range("eps")
    );
    assert_eq!(
        AdamConfig {
            weight_decay: -0.1,
            ..a
        }
        .validate(),
        out_of_range("weight_decay")
    );
    assert_eq!(
        AdamWConfig {
            betas: (0.9, 1.0),
            ..AdamWConfig::default()
        }
        .validate(),
        out_of_range("beta2")
    );
    assert_eq!(
        AdaMaxConfig {
            eps: 0.0,
            ..AdaMaxConfig::default()
        }
        .validate(),
        out_of_range("eps")
    );
    assert_eq!(
        NAdamConfig {
            momentum_decay: -1.0,
            ..NAdamConfig::default()
        }
        .validate(),
        out_of_range("momentum_decay")
    );
    assert_eq!(
        AdagradConfig {
            lr_decay: -0.1,
            ..AdagradConfig::default()
        }
        .validate(),
        out_of_range("lr_decay")
    );
    assert_eq!(
        AdagradConfig {
            initial_accumulator_value: -1.0,
            ..AdagradConfig::default()
        }
        .validate(),
        out_of_range("initial_accumulator_value")
    );
    assert_eq!(
        AdadeltaConfig {
            rho: 1.5,
            ..AdadeltaConfig::default()
        }
        .validate(),
        out_of_range("rho")
    );
    assert_eq!(
        RmsPropConfig {
            alpha: -0.1,
            ..RmsPropConfig::default()
        }
        .validate(),
        out_of_range("alpha")
    );
    assert_eq!(
        RmsPropConfig {
            momentum: -0.1,
            ..RmsPropConfig::default()
        }
        .validate(),
        out_of_range("momentum")
    );
    assert!(AdamRule::<f64>::new(AdamConfig { eps: 0.0, ..a }).is_err());
    assert!(
        AdamWRule::<f64>::new(AdamWConfig {
            lr: -1.0,
            ..AdamWConfig::default()
        })
        .is_err()
    );
    assert!(
        NAdamRule::<f64>::new(NAdamConfig {
            eps: 0.0,
            ..NAdamConfig::default()
        })
        .is_err()
    );
    assert!(
        AdaMaxRule::<f64>::new(AdaMaxConfig {
            lr: -1.0,
            ..AdaMaxConfig::default()
        })
        .is_err()
    );
    assert!(
        AdagradRule::<f64>::new(AdagradConfig {
            eps: 0.0,
            ..AdagradConfig::default()
        })
        .is_err()
    );
    assert!(
        AdadeltaRule::<f64>::new(AdadeltaConfig {
            eps: 0.0,
            ..AdadeltaConfig::default()
        })
        .is_err()
    );
    assert!(
        RmsPropRule::<f64>::new(RmsPropConfig {
            eps: 0.0,
            ..RmsPropConfig::default()
        })
        .is_err()
    );
}

#[test]
fn set_lr_validates_and_keeps_the_old_rate_on_error() {
    let layer = Dense::<f64, 2, 1>::zeros();
    let mut adam = Adam::new(AdamConfig::default(), &layer).unwrap();
    assert_eq!(adam.set_lr(-0.1), out_of_range("lr"));
    assert_eq!(adam.lr(), 1e-3);
    adam.set_lr(0.5).unwrap();
    assert_eq!(adam.lr(), 0.5);
    assert_eq!(adam.rule().config().lr, 0.5);
}

#[test]
fn network_step_refuses_non_finite_gradients_and_changes_nothing() {
    let mut layer = Dense::<f64, 2, 1>::from_parts([[1.0, 2.0]], [3.0]);
    let before = layer;
    let mut adam = Adam::new(
        AdamConfig {
            lr: 0.1,
            ..AdamConfig::default()
        },
        &layer,
    )
    .unwrap();
    let mut grads = Dense::<f64, 2, 1>::from_parts([[0.5, 0.5]], [f64::NAN]);
    assert_eq!(
        adam.step(&mut layer, &grads),
        Err(StepError::NonFiniteGradient {
            tensor: 1,
            index: 0
        })
    );
    grads = Dense::from_parts([[0.5, f64::NEG_INFINITY]], [0.5]);
    assert_eq!(
        adam.step(&mut layer, &grads),
        Err(StepError::NonFiniteGradient {
            tensor: 0,
            index: 1
        })
    );
    assert_eq!(layer, before);
    assert_eq!(adam.steps(), 0);
    let state = adam.state();
    assert!(
        [&state.m, &state.v]
            .iter()
            .all(|s| s.params().all(|p| p.values.iter().all(|&v| v == 0.0)))
    );
    // A good step afterwards is the first step.
    grads.fill(0.5);
    adam.step(&mut layer, &grads).unwrap();
    assert_eq!(adam.steps(), 1);
    assert!((layer.bias[0] - (3.0 - 0.1 * 0.5 / (0.5 + 1e-8))).abs() < 1e-14);
}

#[test]
fn slice_step_refuses_non_finite_gradients_at_any_position() {
    let mut sgd = SgdRule::<f32, Present>::new(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        ..SgdConfig::default()
    })
    .unwrap();
    let mut w = [1.0f32; 17];
    let mut buf = [0.0f32; 17];
    for bad in [0, 9, 16] {
        let mut g = [1.0f32; 17];
        g[bad] = if bad == 9 { f32::INFINITY } else { f32::NAN };
        assert_eq!(
            sgd.step(
                &mut w,
                &g,
                SgdState {
                    momentum_buffer: &mut buf
                }
            ),
            Err(StepError::NonFiniteGradient {
                tensor: 0,
                index: bad
            })
        );
    }
    assert_eq!(w, [1.0; 17]);
    assert_eq!(buf, [0.0; 17]);
    assert_eq!(sgd.steps(), 0);
    assert_eq!(first_non_finite(&[1.0f64, 2.0]), None);
    assert_eq!(first_non_finite::<f64>(&[]), None);
}

#[test]
fn first_non_finite_finds_the_first_bad_element_in_blocks_and_tails() {
    for len in 0..100 {
        let clean: Vec<f32> = (0..len).map(|i| i as f32 * 1e30 - 3e31).collect();
        assert_eq!(first_non_finite(&clean), None, "len {len}");
        for at in 0..len {
            for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
                let mut v = clean.clone();
                v[at] = bad;
                if at + 1 < len {
                    v[len - 1] = f32::NAN;
                }
                assert_eq!(first_non_finite(&v), Some(at), "len {len}, at {at}, {bad}");
            }
        }
    }
}

#[test]
fn slice_step_checks_the_length_of_every_buffer() {
    let mut adam = AdamRule::<f64>::new(AdamConfig::default()).unwrap();
    let (mut w, mut m, mut v) = ([0.0; 3], [0.0; 3], [0.0; 2]);
    fn state<'a>(m: &'a mut [f64], v: &'a mut [f64]) -> AdamState<&'a mut [f64]> {
        AdamState { m, v, vmax: () }
    }
    assert_eq!(
        adam.step(&mut w, &[1.0; 3], state(&mut m, &mut v)),
        Err(StepError::LengthMismatch {
            tensor: 0,
            expected: 3,
            found: 2
        })
    );
    assert_eq!(
        adam.step(&mut w, &[1.0; 4], state(&mut m, &mut [0.0; 3])),
        Err(StepError::LengthMismatch {
            tensor: 0,
            expected: 3,
            found: 4
        })
    );
    let mut ams = AdamRule::<f64, Present>::new(AdamConfig {
        amsgrad: true,
        ..AdamConfig::default()
    })
    .unwrap();
    let (mut v, mut vmax) = ([0.0; 3], [0.0; 1]);
    assert_eq!(
        ams.step(
            &mut w,
            &[1.0; 3],
            AdamState {
                m: &mut m,
                v: &mut v,
                vmax: &mut vmax
            }
        ),
        Err(StepError::LengthMismatch {
            tensor: 0,
            expected: 3,
            found: 1
        })
    );
    assert_eq!((w, ams.steps(), adam.steps()), ([0.0; 3], 0, 0));
    // Sgd without momentum has no buffer at all.
    let mut sgd = SgdRule::<f64>::new(SgdConfig {
        lr: 1.0,
        ..SgdConfig::default()
    })
    .unwrap();
    sgd.step(
        &mut w,
        &[1.0, 2.0, 3.0],
        SgdState {
            momentum_buffer: (),
        },
    )
    .unwrap();
    assert_eq!(w, [-1.0, -2.0, -3.0]);
}

#[test]
fn a_configuration_must_match_the_buffers_its_type_keeps() {
    let mismatch = |name, used| Err(ConfigError::StateMismatch { name, used });
    let ams = AdamConfig {
        amsgrad: true,
        ..AdamConfig::default()
    };
    assert_eq!(
        AdamRule::<f32>::new(ams).map(|_| ()),
        mismatch("amsgrad", true)
    );
    assert_eq!(
        AdamRule::<f32, Present>::new(AdamConfig::default()).map(|_| ()),
        mismatch("amsgrad", false)
    );
    assert_eq!(
        AdamWRule::<f32>::new(AdamWConfig::from(ams)).map(|_| ()),
        mismatch("amsgrad", true)
    );
    let momentum = SgdConfig {
        momentum: 0.9,
        ..SgdConfig::default()
    };
    assert_eq!(
        SgdRule::<f32>::new(momentum).map(|_| ()),
        mismatch("momentum", true)
    );
    assert_eq!(
        SgdRule::<f32, Present>::new(SgdConfig::default()).map(|_| ()),
        mismatch("momentum", false)
    );
    let centered = RmsPropConfig {
        centered: true,
        ..RmsPropConfig::default()
    };
    assert_eq!(
        RmsPropRule::<f32>::new(centered).map(|_| ()),
        mismatch("centered", true)
    );
    assert_eq!(
        RmsPropRule::<f32, Present, Present>::new(centered).map(|_| ()),
        mismatch("momentum", false)
    );
    // The network API refuses the same way, before it makes any state.
    let layer = Dense::<f32, 2, 1>::zeros();
    assert!(matches!(
        Adam::new(ams, &layer),
        Err(ConfigError::StateMismatch {
            name: "amsgrad",
            used: true
        })
    ));
    assert!(matches!(
        Adam::new_boxed(ams, &layer),
        Err(ConfigError::StateMismatch {
            name: "amsgrad",
            used: true
        })
    ));
    assert!(AmsGrad::new(ams, &layer).is_ok());
    assert!(SgdMomentum::new(momentum, &layer).is_ok());
}

#[test]
fn absent_buffers_take_no_memory() {
    type Net = Dense<f32, 64, 32>;
    let copy = core::mem::size_of::<Net>();
    let state = |n: usize| n * copy;
    assert_eq!(size_of::<AdamState<Net>>(), state(2));
    assert_eq!(size_of::<AdamState<Net, Present>>(), state(3));
    assert_eq!(size_of::<SgdState<Net>>(), 0);
    assert_eq!(size_of::<SgdState<Net, Present>>(), state(1));
    assert_eq!(size_of::<RmsPropState<Net>>(), state(1));
    assert_eq!(size_of::<RmsPropState<Net, Present, Present>>(), state(3));
    assert_eq!(size_of::<AdagradState<Net>>(), state(1));
    assert_eq!(size_of::<AdadeltaState<Net>>(), state(2));
    assert_eq!(size_of::<AdaMaxState<Net>>(), state(2));
    assert_eq!(size_of::<NAdamState<Net>>(), state(2));
    // The network optimizer is its state plus a few words.
    let words = size_of::<Adam<f32, Net>>() - state(2);
    assert!(words <= 64, "{words} bytes besides the state");
    // With the state on the heap, it is the same words and two pointers.
    assert_eq!(
        size_of::<Adam<f32, Net, Box<Net>>>(),
        words + 2 * size_of::<Box<Net>>()
    );
}

type Layer = Dense<f64, 3, 2>;

/// The bits of every parameter of `layer`.
fn bits(layer: &Layer) -> Vec<u64> {
    layer
        .params()
        .flat_map(|p| p.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
        .collect()
}

/// Five steps through the network API with the state by value, with the
/// state on the heap, and through the slice API (one rule per tensor, so all
/// count the same steps) give the same bits.
fn apis_agree<R: Rule<Float = f64>>(config: R::Config) {
    let mut net = Layer::from_parts([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [0.7, -0.8]);
    let mut opt = Optimizer::<R, Layer>::new(config, &net).unwrap();
    let mut boxed_net = net;
    let mut boxed = Optimizer::<R, Layer, Box<Layer>>::new_boxed(config, &net).unwrap();
    let (mut rule_w, mut rule_b) = (R::new(config).unwrap(), R::new(config).unwrap());
    let mut w = net.weight.as_flattened().to_vec();
    let mut b = net.bias.to_vec();
    let mut sw = R::state_with(|| vec![0.0; 6]);
    let mut sb = R::state_with(|| vec![0.0; 2]);
    for step in 0..5 {
        let k = step as f64;
        let grads = Layer::from_parts(
            [[1.0 - k, 0.5, -0.25 * k], [2.0, -1.0 + k, 0.125]],
            [0.3 * k, -0.7],
        );
        opt.step(&mut net, &grads).unwrap();
        boxed.step(&mut boxed_net, &grads).unwrap();
        assert_eq!(bits(&boxed_net), bits(&net), "step {step}");
        rule_w
            .step(&mut w, grads.weight.as_flattened(), R::slices(&mut sw))
            .unwrap();
        rule_b
            .step(&mut b, &grads.bias, R::slices(&mut sb))
            .unwrap();
    }
    assert_eq!(net.weight.as_flattened(), &w[..]);
    assert_eq!(&net.bias[..], &b[..]);
    assert_eq!((opt.steps(), boxed.steps()), (5, 5));
}

#[test]
fn network_apis_by_value_and_boxed_and_slice_api_agree_bit_for_bit() {
    apis_agree::<SgdRule<f64, Present>>(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        nesterov: true,
        weight_decay: 0.01,
        ..SgdConfig::default()
    });
    apis_agree::<SgdRule<f64>>(SgdConfig {
        lr: 0.1,
        weight_decay: 0.01,
        ..SgdConfig::default()
    });
    apis_agree::<AdagradRule<f64>>(AdagradConfig {
        lr_decay: 0.1,
        initial_accumulator_value: 0.5,
        ..AdagradConfig::default()
    });
    apis_agree::<AdadeltaRule<f64>>(AdadeltaConfig {
        weight_decay: 0.01,
        ..AdadeltaConfig::default()
    });
    apis_agree::<RmsPropRule<f64, Present, Present>>(RmsPropConfig {
        centered: true,
        momentum: 0.5,
        ..RmsPropConfig::default()
    });
    apis_agree::<RmsPropRule<f64>>(RmsPropConfig::default());
    apis_agree::<AdamRule<f64, Present>>(AdamConfig {
        lr: 0.05,
        weight_decay: 0.01,
        amsgrad: true,
        ..AdamConfig::default()
    });
    apis_agree::<AdamRule<f64>>(AdamConfig {
        lr: 0.05,
        ..AdamConfig::default()
    });
    apis_agree::<AdamWRule<f64>>(AdamWConfig {
        lr: 0.05,
        ..AdamWConfig::default()
    });
    apis_agree::<AdaMaxRule<f64>>(AdaMaxConfig::default());
    apis_agree::<NAdamRule<f64>>(NAdamConfig {
        weight_decay: 0.1,
        decoupled_weight_decay: true,
        ..NAdamConfig::default()
    });
}

#[test]
fn decay_filter_skips_biases() {
    // Zero gradients: AdamW's update is pure decay, w·(1 − lr·wd), on weights only.
    let config = AdamWConfig {
        lr: 0.1,
        weight_decay: 0.5,
        ..AdamWConfig::default()
    };
    let mut net = Dense::<f64, 2, 1>::from_parts([[2.0, -4.0]], [8.0]);
    let grads = net.zeroed();
    let mut adamw = AdamW::new(config, &net)
        .unwrap()
        .with_decay_filter(decay_except_biases);
    adamw.step(&mut net, &grads).unwrap();
    assert_eq!(net.weight, [[2.0 * 0.95, -4.0 * 0.95]]);
    assert_eq!(net.bias, [8.0]);
    // Without the filter the bias decays too.
    let mut all = AdamW::new(config, &net).unwrap();
    all.step(&mut net, &grads).unwrap();
    assert_eq!(net.bias, [8.0 * 0.95]);
    // Sgd's L2 decay with the same filter: d = wd·w on weights only.
    let sgd_config = SgdConfig {
        lr: 0.1,
        weight_decay: 0.5,
        ..SgdConfig::default()
    };
    let mut net = Dense::<f64, 2, 1>::from_parts([[2.0, -4.0]], [8.0]);
    let mut sgd = Sgd::new(sgd_config, &net)
        .unwrap()
        .with_decay_filter(decay_except_biases);
    sgd.step(&mut net, &grads).unwrap();
    assert_eq!(
        net.weight,
        [[2.0 - 0.1 * 0.5 * 2.0, -4.0 + 0.1 * 0.5 * 4.0]]
    );
    assert_eq!(net.bias, [8.0]);
}

#[test]
fn errors_display() {
    let e = ConfigError::OutOfRange {
        name: "eps",
        allowed: "(0, inf)",
    };
    assert_eq!(e.to_string(), "hyper-parameter `eps` must be in (0, inf)");
    let s = StepError::NonFiniteGradient {
        tensor: 2,
        index: 5,
    };
    assert_eq!(
        s.to_string(),
        "gradient element 5 of parameter tensor 2 is NaN or infinite"
    );
}
