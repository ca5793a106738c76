//! The training loop's guarantees: divergence guard, early stopping with the
//! best weights restored, determinism, thread-count independence, callbacks,
//! the partial-batch path and the schedule.

use nn_core::{CrossEntropy, Dense, Loss, Mse, Params, Relu, Seq, seq};
use nn_init::{Init, SplitMix64};
use nn_optim::{Adam, AdamConfig, ConfigError, Sgd, SgdConfig, StepDecay};
use nn_std::data::{Dataset, synthetic};
use nn_std::history::EpochRecord;
use nn_std::train::{Callback, Clip, Control, EarlyStopping, TrainConfig, TrainError, Trainer};

type Net = Seq![Dense<f64, 2, 8>, Relu, Dense<f64, 8, 2>];

fn net(seed: u64) -> Net {
    let mut m: Net = seq![Dense::zeros(), Relu, Dense::zeros()];
    Init::he_uniform()
        .apply(&mut m, &mut SplitMix64::new(seed))
        .unwrap();
    m
}

fn bits(m: &Net) -> Vec<u64> {
    m.params()
        .flat_map(|p| p.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
        .collect()
}

fn moons() -> Dataset<f64, 2, usize> {
    synthetic::moons(90, 0.1, 3).unwrap()
}

fn quiet<const B: usize>(epochs: usize, seed: u64) -> TrainConfig<B> {
    TrainConfig {
        epochs,
        seed,
        progress: false,
        ..TrainConfig::default()
    }
}

fn adam(m: &Net) -> Adam<f64, Net> {
    Adam::new(
        AdamConfig {
            lr: 0.01,
            ..AdamConfig::default()
        },
        m,
    )
    .unwrap()
}

fn train_adam<const B: usize, const K: usize>(
    config: TrainConfig<B, K>,
    data: &Dataset<f64, 2, usize>,
) -> Net {
    let mut m = net(1);
    let mut opt = adam(&m);
    Trainer::new(config)
        .fit(&mut m, &mut opt, &CrossEntropy, data, None)
        .unwrap();
    m
}

#[test]
fn learns_moons() {
    let data = moons();
    let mut m = net(1);
    let mut opt = adam(&m);
    let h = Trainer::new(quiet::<8>(40, 0))
        .fit(&mut m, &mut opt, &CrossEntropy, &data, Some(&data))
        .unwrap();
    let first = h.records[0];
    let last = *h.last().unwrap();
    assert!(
        last.train_loss < first.train_loss / 2.0,
        "{first:?} {last:?}"
    );
    assert!(last.val_accuracy.unwrap() > 0.85, "{last:?}");
    assert_eq!(h.samples, 40 * 90);
    assert_eq!(h.to_csv().lines().count(), 41);
}

#[test]
fn divergence_guard_stops_with_a_clear_error() {
    let data = moons();
    let mut m = net(1);
    let mut sgd = Sgd::new(
        SgdConfig {
            lr: 1e200,
            ..SgdConfig::default()
        },
        &m,
    )
    .unwrap();
    let err = Trainer::new(quiet::<8>(5, 0))
        .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
        .unwrap_err();
    match err {
        TrainError::Diverged { epoch, batch, loss } => {
            assert!(!loss.is_finite());
            assert!(epoch == 1 && batch >= 2, "{err}");
        }
        other => panic!("expected Diverged, got {other:?}"),
    }
    assert!(err.to_string().contains("diverged"));
    // Issue 12 item 4: the model is back at its last finite weights (here
    // the initial ones: the first epoch diverged), not the broken ones.
    assert_eq!(bits(&m), bits(&net(1)));
}

/// Issue 12 item 4: the last step of a run made every weight infinite while
/// each batch's loss (computed before its step) was finite, and `fit`
/// returned `Ok`.
#[test]
fn non_finite_weights_after_the_last_step_are_an_error_and_rolled_back() {
    let data = Dataset::regression(vec![[1.0f64]; 4], vec![[1e18]; 4]).unwrap();
    let start = Dense::<f64, 1, 1>::from_parts([[0.5]], [0.0]);
    let mut m = start;
    let mut sgd = Sgd::new(
        SgdConfig {
            lr: 1e300,
            ..SgdConfig::default()
        },
        &m,
    )
    .unwrap();
    let err = Trainer::new(quiet::<4>(1, 0))
        .fit(&mut m, &mut sgd, &Mse, &data, None)
        .unwrap_err();
    assert!(
        matches!(err, TrainError::NonFiniteWeights { epoch: 1 }),
        "{err:?}"
    );
    assert_eq!(m, start);
    assert!(err.to_string().contains("epoch 1"), "{err}");
}

/// Issue 12 item 4: `lr = 1e39` is finite in `f64` but infinite in `f32`,
/// `eps = 1e-50` is 0 there: an `f32` optimizer refuses them.
#[test]
fn hyper_parameters_are_checked_in_the_float_type_they_are_applied_in() {
    let m32 = Dense::<f32, 1, 1>::zeros();
    let m64 = Dense::<f64, 1, 1>::zeros();
    let sgd = |lr| SgdConfig {
        lr,
        ..SgdConfig::default()
    };
    let adam = |eps| AdamConfig {
        eps,
        ..AdamConfig::default()
    };
    let refused = |name| ConfigError::OutOfRange {
        name,
        allowed: "values that stay finite and non-zero in the parameters' float type",
    };
    assert_eq!(Sgd::new(sgd(1e39), &m32).unwrap_err(), refused("lr"));
    assert_eq!(Sgd::new(sgd(1e-50), &m32).unwrap_err(), refused("lr"));
    assert_eq!(Adam::new(adam(1e-50), &m32).unwrap_err(), refused("eps"));
    assert!(Sgd::new(sgd(1e39), &m64).is_ok());
    assert!(Adam::new(adam(1e-50), &m64).is_ok());
    assert!(Sgd::new(sgd(0.0), &m32).is_ok());
    // A schedule's rate is checked the same way.
    let mut opt = Sgd::new(sgd(0.1), &m32).unwrap();
    assert_eq!(opt.set_lr(1e39).unwrap_err(), refused("lr"));
    assert_eq!(opt.lr(), 0.1);
}

/// Issue 12 item 8: `min_delta = inf` made every epoch a non-improvement
/// (and NaN or a negative value is meaningless): each is refused by name.
#[test]
fn early_stopping_min_delta_must_be_finite_and_non_negative() {
    let data = moons();
    for min_delta in [f64::INFINITY, f64::NAN, -1e-3, f64::NEG_INFINITY] {
        let mut m = net(1);
        let mut sgd = Sgd::new(SgdConfig::default(), &m).unwrap();
        let config = TrainConfig::<16> {
            early_stopping: Some(EarlyStopping {
                min_delta,
                ..EarlyStopping::default()
            }),
            ..quiet(2, 0)
        };
        let err = Trainer::new(config)
            .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
            .unwrap_err();
        assert!(
            matches!(
                err,
                TrainError::InvalidConfig {
                    name: "early_stopping.min_delta",
                    ..
                }
            ),
            "{min_delta}: {err:?}"
        );
        assert_eq!(bits(&m), bits(&net(1)));
    }
}

/// Records the weights after every epoch.
#[derive(Default)]
struct Snapshots(Vec<Vec<u64>>);

impl Callback<Net> for Snapshots {
    fn on_epoch_end(&mut self, _r: &EpochRecord, model: &Net) -> Control {
        self.0.push(bits(model));
        Control::Continue
    }
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let train = moons();
    // The validation labels are the opposite of the training labels: as the
    // network learns, the validation loss rises, so the best epoch is early.
    let flipped: Vec<usize> = train.targets().iter().map(|&t| 1 - t).collect();
    let val = Dataset::classification(train.features().to_vec(), flipped, 2).unwrap();
    let mut m = net(1);
    let mut opt = adam(&m);
    let mut snaps = Snapshots::default();
    let config = TrainConfig::<8> {
        early_stopping: Some(EarlyStopping {
            patience: 2,
            ..EarlyStopping::default()
        }),
        ..quiet(50, 0)
    };
    let h = Trainer::new(config)
        .callback(&mut snaps)
        .fit(&mut m, &mut opt, &CrossEntropy, &train, Some(&val))
        .unwrap();
    let best = h.best_epoch.unwrap();
    assert!(h.stopped_early);
    assert_eq!(
        h.epochs(),
        best + 2,
        "stops `patience` epochs after the best"
    );
    let losses: Vec<f64> = h.records.iter().map(|r| r.val_loss.unwrap()).collect();
    let min = losses.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(losses[best - 1], min);
    assert_eq!(
        bits(&m),
        snaps.0[best - 1],
        "the best epoch's weights are back"
    );
    assert_ne!(bits(&m), *snaps.0.last().unwrap());
}

#[test]
fn same_seed_same_weights_other_seed_other_weights() {
    let data = moons();
    let a = train_adam(quiet::<8>(5, 11), &data);
    let b = train_adam(quiet::<8>(5, 11), &data);
    let c = train_adam(quiet::<8>(5, 12), &data);
    assert_eq!(bits(&a), bits(&b));
    assert_ne!(bits(&a), bits(&c));
}

#[test]
fn optimizer_state_on_the_heap_trains_to_the_same_bits() {
    let data = moons();
    let config = AdamConfig {
        lr: 0.01,
        ..AdamConfig::default()
    };
    let run = |boxed: bool| {
        let mut m = net(1);
        let trainer = &mut Trainer::new(quiet::<8>(5, 3));
        let history = if boxed {
            let mut opt = Adam::new_boxed(config, &m).unwrap();
            trainer.fit(&mut m, &mut opt, &CrossEntropy, &data, None)
        } else {
            let mut opt = Adam::new(config, &m).unwrap();
            trainer.fit(&mut m, &mut opt, &CrossEntropy, &data, None)
        };
        let losses: Vec<u64> = history
            .unwrap()
            .records
            .iter()
            .map(|r| r.train_loss.to_bits())
            .collect();
        (bits(&m), losses)
    };
    let by_value = run(false);
    assert_ne!(by_value.0, bits(&net(1)), "training moved the weights");
    assert_eq!(run(true), by_value);
}

#[test]
#[cfg_attr(not(feature = "parallel"), ignore = "needs the `parallel` feature")]
fn parallel_result_does_not_depend_on_the_thread_count() {
    // 90 samples in batches of 16 as chunks of 4: five full batches of four
    // chunks, then 10 rows as two chunks and two samples alone.
    let data = moons();
    let config = quiet::<16>(4, 5).chunked::<4>();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| bits(&train_adam(config, &data)))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
    // And it trains like the batched path (same maths, other summation
    // order): within the reference README's f64 trajectory tolerance.
    let batched = bits(&train_adam(quiet::<16>(4, 5), &data));
    for (a, b) in one.iter().zip(&batched) {
        let (a, b) = (f64::from_bits(*a), f64::from_bits(*b));
        assert!((a - b).abs() <= 1e-12 + 1e-8 * b.abs(), "{a} vs {b}");
    }
    assert_ne!(one, batched, "the chunked sums run in another order");
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
#[cfg_attr(not(feature = "parallel"), ignore = "needs the `parallel` feature")]
fn parallel_chunks_with_schedule_clip_and_early_stopping_match_one_thread() {
    // On several threads the next batch is gathered during the step and
    // other threads read a copy of the weights: nothing of it may show.
    let data = moons();
    let config = TrainConfig::<16, 8> {
        epochs: 8,
        seed: 2,
        progress: false,
        clip: Some(Clip::Norm(0.5)),
        early_stopping: Some(EarlyStopping {
            patience: 2,
            ..EarlyStopping::default()
        }),
        ..TrainConfig::default()
    };
    let run = |threads| {
        pool(threads).install(|| {
            let mut m = net(1);
            let mut sgd = Sgd::new(SgdConfig::default(), &m).unwrap();
            let schedule = StepDecay {
                base: 0.5,
                gamma: 0.5,
                every: 6,
            };
            let h = Trainer::new(config)
                .schedule(schedule)
                .fit(&mut m, &mut sgd, &CrossEntropy, &data, Some(&data))
                .unwrap();
            let losses: Vec<(u64, u64, u64)> = h
                .records
                .iter()
                .map(|r| {
                    (
                        r.train_loss.to_bits(),
                        r.val_loss.unwrap().to_bits(),
                        r.lr.to_bits(),
                    )
                })
                .collect();
            (bits(&m), losses, h.best_epoch, sgd.steps())
        })
    };
    let one = run(1);
    assert!(one.1.len() >= 3 && one.3 >= 3 * 6, "{} epochs", one.1.len());
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
}

#[test]
#[cfg_attr(not(feature = "parallel"), ignore = "needs the `parallel` feature")]
fn parallel_chunks_diverge_like_one_thread() {
    let data = moons();
    let run = |threads| {
        pool(threads).install(|| {
            let mut m = net(1);
            let config = SgdConfig {
                lr: 1e200,
                ..SgdConfig::default()
            };
            let mut sgd = Sgd::new(config, &m).unwrap();
            let err = Trainer::new(quiet::<8>(5, 0).chunked::<2>())
                .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
                .unwrap_err();
            (err, sgd.steps())
        })
    };
    let (err, steps) = run(1);
    assert!(
        matches!(err, TrainError::Diverged { epoch: 1, batch, .. } if batch >= 2 && steps == batch as u64 - 1),
        "{err:?} after {steps} steps"
    );
    assert_eq!(format!("{:?}", run(2)), format!("{:?}", (err, steps)));
}

/// Counts every hook and stops after epoch 2.
#[derive(Default)]
struct Counter {
    begin: usize,
    epoch_begin: Vec<usize>,
    batches: usize,
    epoch_end: usize,
    end: usize,
}

impl Callback<Net> for Counter {
    fn on_train_begin(&mut self, _: &Net) {
        self.begin += 1;
    }
    fn on_epoch_begin(&mut self, epoch: usize) {
        self.epoch_begin.push(epoch);
    }
    fn on_batch_end(&mut self, _: usize, _: usize, loss: f64) {
        assert!(loss.is_finite());
        self.batches += 1;
    }
    fn on_epoch_end(&mut self, r: &EpochRecord, _: &Net) -> Control {
        self.epoch_end += 1;
        if r.epoch == 2 {
            Control::Stop
        } else {
            Control::Continue
        }
    }
    fn on_train_end(&mut self, h: &nn_std::history::History, _: &Net) {
        assert_eq!(h.epochs(), 2);
        self.end += 1;
    }
}

#[test]
fn callbacks_are_called_and_can_stop() {
    let data = moons(); // 90 samples: 11 full batches of 8 and one of 2
    let mut m = net(1);
    let mut opt = adam(&m);
    let mut c = Counter::default();
    let h = Trainer::new(quiet::<8>(10, 0))
        .callback(&mut c)
        .fit(&mut m, &mut opt, &CrossEntropy, &data, None)
        .unwrap();
    assert!(h.stopped_early);
    assert_eq!((c.begin, c.epoch_end, c.end), (1, 2, 1));
    assert_eq!(c.epoch_begin, vec![1, 2]);
    assert_eq!(c.batches, 2 * 12);
    assert_eq!(opt.steps(), 24);
}

#[test]
fn partial_batch_takes_the_mean_gradient() {
    // 3 samples, B = 4: one partial batch through the per-sample path. With
    // plain SGD (lr 1) the step must be minus the mean gradient, computed
    // here independently from the batched loss over exactly 3 rows.
    let data = Dataset::classification(
        vec![[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]],
        vec![0, 1, 1],
        2,
    )
    .unwrap();
    let m0 = net(4);
    let x: [[f64; 2]; 3] = [[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]];
    let (out, cache) = <Net as nn_core::Module<[[f64; 2]; 3]>>::forward_train(&m0, &x);
    let (_, dy) = CrossEntropy.loss_and_grad(&out, &[0, 1, 1]).unwrap();
    let mut g = m0.zeroed();
    let _: [[f64; 2]; 3] = nn_core::Module::backward(&m0, &x, &out, &cache, &dy, &mut g);
    let mut m = m0;
    let mut sgd = Sgd::new(
        SgdConfig {
            lr: 1.0,
            ..SgdConfig::default()
        },
        &m,
    )
    .unwrap();
    let config = TrainConfig::<4> {
        shuffle: false,
        ..quiet(1, 0)
    };
    Trainer::new(config)
        .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
        .unwrap();
    for ((p, p0), gr) in m.params().zip(m0.params()).zip(g.params()) {
        for ((&v, &v0), &gv) in p.values.iter().zip(p0.values).zip(gr.values) {
            assert!((v - (v0 - gv)).abs() < 1e-12, "{v} vs {}", v0 - gv);
        }
    }
}

#[test]
fn schedule_sets_the_rate_of_every_step() {
    let data = moons(); // 12 batches of 8 per epoch
    let mut m = net(1);
    let mut sgd = Sgd::new(SgdConfig::default(), &m).unwrap();
    let s = StepDecay {
        base: 0.1,
        gamma: 0.5,
        every: 12,
    };
    let h = Trainer::new(quiet::<8>(3, 0))
        .schedule(s)
        .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
        .unwrap();
    let lrs: Vec<f64> = h.records.iter().map(|r| r.lr).collect();
    assert_eq!(lrs, vec![0.1, 0.05, 0.025]);
}

#[test]
fn bad_settings_are_refused() {
    let data = moons();
    let mut m = net(1);
    let mut opt = adam(&m);
    let err = Trainer::new(quiet::<8>(0, 0))
        .fit(&mut m, &mut opt, &CrossEntropy, &data, None)
        .unwrap_err();
    assert!(matches!(
        err,
        TrainError::InvalidConfig { name: "epochs", .. }
    ));
    // The chunk size K must be at least 1 and divide B.
    let refused = |err| matches!(err, TrainError::InvalidConfig { name: "K", .. });
    let config = quiet::<8>(1, 0).chunked::<0>();
    let err = Trainer::new(config).fit(&mut m, &mut opt, &CrossEntropy, &data, None);
    assert!(refused(err.unwrap_err()));
    let config = quiet::<8>(1, 0).chunked::<3>();
    let err = Trainer::new(config).fit(&mut m, &mut opt, &CrossEntropy, &data, None);
    assert!(refused(err.unwrap_err()));
    let config = quiet::<8>(1, 0).chunked::<16>();
    let err = Trainer::new(config).fit(&mut m, &mut opt, &CrossEntropy, &data, None);
    assert!(refused(err.unwrap_err()));
    assert_eq!(opt.steps(), 0, "nothing was trained");
}

#[test]
fn clip_norm_bounds_every_step() {
    // Plain SGD with lr 1: each step is minus the clipped gradient, so no
    // step may move the weights by more than the clipping norm.
    let data = moons();
    let mut m = net(1);
    let mut sgd = Sgd::new(
        SgdConfig {
            lr: 1.0,
            ..SgdConfig::default()
        },
        &m,
    )
    .unwrap();
    struct Steps {
        last: Vec<f64>,
        max_move: f64,
    }
    impl Callback<Net> for Steps {
        fn on_epoch_end(&mut self, _: &EpochRecord, m: &Net) -> Control {
            let now: Vec<f64> = m.params().flat_map(|p| p.values.to_vec()).collect();
            let d: f64 = now
                .iter()
                .zip(&self.last)
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            self.max_move = self.max_move.max(d.sqrt());
            self.last = now;
            Control::Continue
        }
    }
    let mut steps = Steps {
        last: m.params().flat_map(|p| p.values.to_vec()).collect(),
        max_move: 0.0,
    };
    // One batch per epoch (B = 90 = the whole set), so epochs are steps.
    let config = TrainConfig::<90> {
        clip: Some(nn_std::train::Clip::Norm(0.01)),
        ..quiet(5, 0)
    };
    Trainer::new(config)
        .callback(&mut steps)
        .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
        .unwrap();
    assert!(steps.max_move <= 0.01 + 1e-12, "{}", steps.max_move);
    assert!(
        steps.max_move > 0.009,
        "the gradient was clipped, not zeroed"
    );
}

#[test]
fn regression_targets_train_with_mse_and_have_no_accuracy() {
    // y = 2 x0 - x1 on a grid: a linear model learns it with Adam.
    let xs: Vec<[f64; 2]> = (0..50)
        .map(|i| [(i % 10) as f64 / 10.0, (i / 10) as f64 / 5.0])
        .collect();
    let ys: Vec<[f64; 1]> = xs.iter().map(|x| [2.0 * x[0] - x[1]]).collect();
    let data = Dataset::<f64, 2, [f64; 1]>::regression(xs, ys).unwrap();
    let mut m = Dense::<f64, 2, 1>::zeros();
    let mut opt = Adam::new(
        AdamConfig {
            lr: 0.05,
            ..AdamConfig::default()
        },
        &m,
    )
    .unwrap();
    let h = Trainer::new(quiet::<10>(200, 0))
        .fit(&mut m, &mut opt, &nn_core::Mse, &data, Some(&data))
        .unwrap();
    let last = h.last().unwrap();
    assert_eq!((last.train_accuracy, last.val_accuracy), (None, None));
    assert!(last.val_loss.unwrap() < 1e-4, "{last:?}");
    assert!((m.weight[0][0] - 2.0).abs() < 0.02 && (m.weight[0][1] + 1.0).abs() < 0.02);
}

#[test]
fn wrapped_last_batch_goes_through_the_batched_layers() {
    // 6 samples, B = 4, no shuffle: batches [0 1 2 3] and [4 5 0 1]. With
    // plain SGD (lr 1) each step is minus the batched mean gradient of its 4 rows.
    let xs = [
        [0.5, -1.0],
        [2.0, 0.25],
        [-1.5, 1.0],
        [0.1, 0.2],
        [1.0, -2.0],
        [-0.3, 0.7],
    ];
    let ys = [0usize, 1, 1, 0, 1, 0];
    let data = Dataset::classification(xs.to_vec(), ys.to_vec(), 2).unwrap();
    let step = |m: &mut Net, rows: [usize; 4]| {
        let x = rows.map(|r| xs[r]);
        let (out, cache) = <Net as nn_core::Module<[[f64; 2]; 4]>>::forward_train(m, &x);
        let (_, dy) = CrossEntropy
            .loss_and_grad(&out, &rows.map(|r| ys[r]))
            .unwrap();
        let mut g = m.zeroed();
        let _: [[f64; 2]; 4] = nn_core::Module::backward(m, &x, &out, &cache, &dy, &mut g);
        for (p, gr) in m.params_mut().zip(g.params()) {
            p.values
                .iter_mut()
                .zip(gr.values)
                .for_each(|(v, g)| *v -= g);
        }
    };
    let mut expected = net(4);
    step(&mut expected, [0, 1, 2, 3]);
    step(&mut expected, [4, 5, 0, 1]);
    let mut m = net(4);
    let mut sgd = Sgd::new(
        SgdConfig {
            lr: 1.0,
            ..SgdConfig::default()
        },
        &m,
    )
    .unwrap();
    let config = TrainConfig::<4> {
        shuffle: false,
        last_batch: nn_std::data::LastBatch::Wrap,
        ..quiet(1, 0)
    };
    let h = Trainer::new(config)
        .fit(&mut m, &mut sgd, &CrossEntropy, &data, None)
        .unwrap();
    assert_eq!(h.samples, 8);
    for (p, e) in m.params().zip(expected.params()) {
        for (&v, &w) in p.values.iter().zip(e.values) {
            assert!((v - w).abs() < 1e-12, "{v} vs {w}");
        }
    }
}

/// Issue 12 item 2: `evaluate` sized its confusion matrix by the data set's
/// classes squared; a model of `C` outputs only ever predicts `C` classes.
#[test]
fn evaluation_sizes_the_confusion_matrix_by_the_model_outputs() {
    let data = Dataset::classification(vec![[1.0f64], [-1.0]], vec![0, 1], 50_000).unwrap();
    let m = Dense::<f64, 1, 2>::from_parts([[-1.0], [1.0]], [0.0, 0.0]);
    let eval = nn_std::train::evaluate(&m, &CrossEntropy, &data).unwrap();
    let cm = eval.confusion.unwrap();
    assert_eq!(cm.classes(), 2);
    assert_eq!((cm.count(0, 1), cm.count(1, 0)), (1, 1));
}

/// A binary classifier (one logit, `BceWithLogits`) on class labels 0/1 gets
/// a stratified split, per-epoch train and validation accuracy, and a
/// confusion matrix; every figure is recounted here from the logits.
#[test]
fn one_logit_binary_classifier_has_accuracy_and_a_confusion_matrix() {
    use nn_core::BceWithLogits;
    use nn_std::train::evaluate;
    let data = moons();
    let (train, val) = data.train_test_split(0.3, 1).unwrap();
    // Stratified: each part keeps the 0/1 proportions (within one sample).
    let share = |d: &Dataset<f64, 2, usize>| d.class_counts()[1] as f64 / d.len() as f64;
    assert!((share(&train) - share(&data)).abs() * train.len() as f64 <= 1.0);
    assert!((share(&val) - share(&data)).abs() * val.len() as f64 <= 1.0);

    type Binary = Seq![Dense<f64, 2, 8>, Relu, Dense<f64, 8, 1>];
    let mut model: Binary = seq![Dense::zeros(), Relu, Dense::zeros()];
    Init::he_uniform()
        .apply(&mut model, &mut SplitMix64::new(2))
        .unwrap();
    let mut opt = Adam::new(
        AdamConfig {
            lr: 0.02,
            ..Default::default()
        },
        &model,
    )
    .unwrap();
    let history = Trainer::new(quiet::<8>(40, 0))
        .fit(&mut model, &mut opt, &BceWithLogits, &train, Some(&val))
        .unwrap();
    let last = history.records.last().unwrap();
    assert!(history.records.iter().all(|r| r.train_accuracy.is_some()));
    let eval = evaluate(&model, &BceWithLogits, &val).unwrap();
    assert_eq!(last.val_accuracy, eval.accuracy());
    // Recount: class 1 iff the logit is > 0.
    let cm = eval.confusion.as_ref().unwrap();
    let mut counts = [[0u64; 2]; 2];
    for (x, &y) in val.iter() {
        let logit = nn_core::Module::forward(&model, x)[0];
        counts[y][usize::from(logit > 0.0)] += 1;
    }
    for (t, row) in counts.iter().enumerate() {
        for (p, &n) in row.iter().enumerate() {
            assert_eq!(cm.count(t, p), n, "target {t} predicted {p}");
        }
    }
    let correct = (counts[0][0] + counts[1][1]) as f64;
    assert_eq!(eval.accuracy(), Some(correct / val.len() as f64));
    let precision = counts[1][1] as f64 / (counts[1][1] + counts[0][1]) as f64;
    assert_eq!(cm.precision(1), precision);
    assert!(eval.accuracy().unwrap() > 0.85, "{eval:?}");
}
