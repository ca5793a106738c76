//! The training loop.

use std::borrow::BorrowMut;
use std::time::Instant;

use nn_core::{Float, Loss, Module, Params};
use nn_optim::{GradError, Optimizer, Rule, Schedule, grad};

use super::TrainError;
use super::callback::{Callback, Control};
use super::config::{Clip, TrainConfig};
use super::evaluate::evaluate;
use super::pass::{Workspace, batch_grads};
use super::progress::EpochBar;
use super::snapshot::{Snapshot, all_finite};
use super::stopping::Stopper;
use super::threads;
use crate::data::{Batch, Dataset, LastBatch, Target, batch_count};
use crate::history::{EpochRecord, History};
use crate::metrics::RunningMean;

/// Trains any nn-core network with any loss and any nn-optim optimizer; see
/// the [module documentation](super) for an example.
///
/// `M` is the model type, `B` the mini-batch size, `K` the rows of a
/// gradient chunk (`B` by default; see [`TrainConfig`] for data-parallel
/// chunks), `S` the learning-rate schedule (none by default: the
/// optimizer's own rate stays).
pub struct Trainer<'a, M, const B: usize, const K: usize = B, S = nn_optim::Constant> {
    config: TrainConfig<B, K>,
    schedule: Option<S>,
    callbacks: Vec<&'a mut dyn Callback<M>>,
}

impl<'a, M, const B: usize, const K: usize> Trainer<'a, M, B, K> {
    /// A trainer with these settings, no schedule and no callbacks.
    pub fn new(config: TrainConfig<B, K>) -> Self {
        Trainer {
            config,
            schedule: None,
            callbacks: Vec::new(),
        }
    }
}

impl<'a, M, const B: usize, const K: usize, S: Schedule> Trainer<'a, M, B, K, S> {
    /// Sets the learning rate before every optimizer step to
    /// `schedule.lr(step)`, `step` counting this run's steps from 0.
    pub fn schedule<S2: Schedule>(self, schedule: S2) -> Trainer<'a, M, B, K, S2> {
        Trainer {
            config: self.config,
            schedule: Some(schedule),
            callbacks: self.callbacks,
        }
    }

    /// Adds a callback (called in the order added).
    pub fn callback(mut self, callback: &'a mut dyn Callback<M>) -> Self {
        self.callbacks.push(callback);
        self
    }

    /// The settings.
    pub fn config(&self) -> &TrainConfig<B, K> {
        &self.config
    }

    fn check_config(&self) -> Result<(), TrainError> {
        let bad = |name, expected| Err(TrainError::InvalidConfig { name, expected });
        let c = &self.config;
        if c.epochs == 0 {
            return bad("epochs", "at least 1");
        }
        if B == 0 {
            return bad("B", "a batch size of at least 1");
        }
        if K == 0 || !B.is_multiple_of(K) {
            return bad(
                "K",
                "a chunk size of at least 1 that divides the batch size B",
            );
        }
        if let Some(e) = c.early_stopping {
            if e.patience == 0 {
                return bad("early_stopping.patience", "at least 1");
            }
            // NaN fails the range check; inf would make no epoch an improvement.
            if !(0.0..f64::INFINITY).contains(&e.min_delta) {
                return bad("early_stopping.min_delta", "finite and >= 0");
            }
        }
        if let Some(Clip::Norm(t) | Clip::Value(t)) = c.clip
            && (t.is_nan() || t <= 0.0)
        {
            return bad("clip", "a threshold > 0");
        }
        Ok(())
    }

    /// Trains `model` on `train` for the configured epochs, validating on
    /// `val` after each, and returns the history.
    ///
    /// Each epoch visits `train` in a seeded order (`Dataset::epoch_order`
    /// with `config.seed` and the epoch index from 0) in batches of `B`, each
    /// cut into chunks of `K` rows that go through the batched layers (in
    /// parallel on the current `rayon` pool when `K < B` and the `parallel`
    /// feature is on); the rows of a
    /// kept partial last batch that fill no whole chunk go through the
    /// per-sample path, and its gradient is the mean over its own rows (see
    /// [`TrainConfig::last_batch`] for the other choices). Then come
    /// clipping, the schedule's rate and the optimizer step; with parallel
    /// chunks, another thread gathers the next batch meanwhile.
    ///
    /// Stops with [`TrainError::Diverged`] as soon as a batch's loss is NaN
    /// or infinite, and with [`TrainError::NonFiniteWeights`] when an epoch
    /// ends with a NaN or infinite weight; after either, `model` holds the
    /// weights it had at the end of the last epoch that ended with finite
    /// weights (its initial weights if that is none).
    ///
    /// The gradients (one buffer per chunk), each chunk's activations and
    /// caches (reused from batch to batch, see
    /// [`Module::forward_train_into`](nn_core::Module::forward_train_into)),
    /// the weight copy for other threads, the copy of the last finite weights
    /// and early stopping's copy of the best weights live on the heap,
    /// allocated once per call; model-sized buffers are copied straight into
    /// their allocation ([`nn_core::boxed_copy`], hence `M: Copy`), never
    /// through the stack. The first batch's forward pass, the loss gradient
    /// and the backward pass's intermediate gradients (activation-sized) sit
    /// on the stack of the thread that runs the chunk.
    ///
    /// The optimizer keeps its state by value ([`Optimizer::new`]: a model
    /// copy per buffer inside the optimizer, two for Adam) or on the heap
    /// ([`Optimizer::new_boxed`]: `Buf = Box<M>`, each buffer in its own
    /// allocation); both train to the same bits. A network of a million
    /// parameters trains on the main thread's default stack when the model is
    /// built on the heap ([`nn_core::boxed_zeroed`]) and the optimizer keeps
    /// its state there:
    ///
    /// ```
    /// use nn_core::{boxed_zeroed, CrossEntropy, Dense, Relu, Seq};
    /// use nn_init::{Init, SplitMix64};
    /// use nn_optim::{Adam, AdamConfig};
    /// use nn_std::data::Dataset;
    /// use nn_std::train::{TrainConfig, Trainer};
    ///
    /// // 0.8 M parameters (3.3 MB); Adam's state is two more such copies.
    /// type Net = Seq![Dense<f32, 784, 1024>, Relu, Dense<f32, 1024, 10>];
    /// let mut net: Box<Net> = boxed_zeroed();
    /// Init::he_uniform().apply(&mut *net, &mut SplitMix64::new(1))?;
    /// let mut adam = Adam::new_boxed(AdamConfig::default(), &*net)?;
    ///
    /// let data = Dataset::classification(vec![[0.5f32; 784], [-0.5; 784]], vec![3, 7], 10)?;
    /// let config = TrainConfig::<2> { epochs: 3, progress: false, ..Default::default() };
    /// let history = Trainer::new(config).fit(&mut *net, &mut adam, &CrossEntropy, &data, None)?;
    /// assert!(history.records[2].train_loss < history.records[0].train_loss);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit<F, const N: usize, const C: usize, T, L, R, Buf>(
        &mut self,
        model: &mut M,
        optimizer: &mut Optimizer<R, M, Buf>,
        loss: &L,
        train: &Dataset<F, N, T>,
        val: Option<&Dataset<F, N, T>>,
    ) -> Result<History, TrainError>
    where
        F: Float + Send + Sync,
        T: Target<F>,
        M: Module<[F; N], Output = [F; C]>
            + Module<[[F; N]; K], Output = [[F; C]; K]>
            + Params<F>
            + Copy
            + Send
            + Sync,
        <M as Module<[[F; N]; K]>>::Cache: Send,
        L: Loss<F, [F; C], T> + Loss<F, [[F; C]; K], [T; K]> + Sync,
        R: Rule<Float = F>,
        Buf: BorrowMut<M>,
        Optimizer<R, M, Buf>: Send,
        S: Sync,
    {
        self.check_config()?;
        let config = self.config;
        let classes = train.targets()[0].class().is_some();
        let mut work = Workspace::new(model, config.chunks());
        // One batch buffer, on the heap, refilled in place; with parallel
        // chunks a second one, filled on another thread during the
        // optimizer step.
        let mut batch = Box::new(Batch::<F, N, T, B>::new());
        let parallel = config.chunks() > 1 && threads::several();
        let mut prefetch = parallel.then(|| Box::new(Batch::<F, N, T, B>::new()));
        let mut history = History::default();
        let mut stopper = Stopper::new(config.early_stopping);
        let mut step: u64 = 0;
        let batches = batch_count(train.len(), B, config.last_batch);
        // The weights to go back to if training diverges: one heap copy,
        // refreshed once per epoch.
        let mut last_finite = Snapshot::new();
        last_finite.take(model);
        if batches == 0 {
            return Err(TrainError::InvalidConfig {
                name: "last_batch",
                expected: "at least one batch (the training set is smaller than B)",
            });
        }
        for cb in &mut self.callbacks {
            cb.on_train_begin(model);
        }
        for epoch in 1..=config.epochs {
            for cb in &mut self.callbacks {
                cb.on_epoch_begin(epoch);
            }
            let order = if config.shuffle {
                train.epoch_order(config.seed, epoch as u64 - 1)
            } else {
                (0..train.len()).collect()
            };
            let bar = EpochBar::new(config.progress, epoch, config.epochs, batches);
            let start = Instant::now();
            let mut epoch_loss = RunningMean::default();
            let mut correct = 0;
            let mut batches_of = train
                .batches::<B>(Some(&order), config.last_batch)
                .map_err(|_| TrainError::InvalidConfig {
                    name: "B",
                    expected: "at least 1",
                })?;
            let mut index = 0;
            let mut more = batches_of.next_into(&mut batch);
            while more {
                index += 1;
                let batch_no = index;
                // A wrapped-around last batch is full of real samples.
                let rows = match config.last_batch {
                    LastBatch::Wrap => B,
                    _ => batch.len,
                };
                let tally =
                    batch_grads(model, loss, &batch, rows, &mut work).map_err(|source| {
                        TrainError::Loss {
                            epoch,
                            batch: batch_no,
                            source,
                        }
                    })?;
                let grads = work.grads();
                let mean = tally.loss_sum.to_f64() / rows as f64;
                if !mean.is_finite() {
                    last_finite.restore(model);
                    return Err(TrainError::Diverged {
                        epoch,
                        batch: batch_no,
                        loss: mean,
                    });
                }
                let schedule = self.schedule.as_ref();
                let mut apply = || {
                    update(optimizer, model, grads, config.clip, schedule, step)
                        .map_err(|e| e.at(epoch, batch_no))
                };
                if let Some(next) = prefetch.as_mut() {
                    // The next batch's gathering needs no weights: it runs
                    // beside the step (and keeps the pool's threads awake).
                    let (updated, fetched) = threads::join(apply, || batches_of.next_into(next));
                    updated?;
                    std::mem::swap(&mut batch, next);
                    more = fetched;
                } else {
                    apply()?;
                    more = batches_of.next_into(&mut batch);
                }
                step += 1;
                epoch_loss.add(mean, rows);
                correct += tally.correct;
                for cb in &mut self.callbacks {
                    cb.on_batch_end(epoch, batch_no, mean);
                }
                let seen = epoch_loss.count() as f64;
                bar.tick(
                    epoch_loss.mean().unwrap_or(f64::NAN),
                    classes.then(|| correct as f64 / seen),
                );
            }
            let seconds = start.elapsed().as_secs_f64();
            // The last steps can break the weights without a loss showing it.
            if !all_finite(model) {
                last_finite.restore(model);
                return Err(TrainError::NonFiniteWeights { epoch });
            }
            last_finite.take(model);
            let seen = epoch_loss.count();
            history.samples += seen;
            history.train_seconds += seconds;
            let val_eval = val.map(|v| evaluate(model, loss, v)).transpose()?;
            let record = EpochRecord {
                epoch,
                train_loss: epoch_loss.mean().unwrap_or(f64::NAN),
                train_accuracy: classes.then(|| correct as f64 / seen as f64),
                val_loss: val_eval.as_ref().map(|e| e.loss),
                val_accuracy: val_eval.as_ref().and_then(|e| e.accuracy()),
                lr: optimizer.lr(),
                seconds,
            };
            history.records.push(record);
            bar.finish(&record);
            let monitored = record.val_loss.unwrap_or(record.train_loss);
            let mut stop = stopper.observe(epoch, monitored, model);
            for cb in &mut self.callbacks {
                stop |= cb.on_epoch_end(&record, model) == Control::Stop;
            }
            if stop && epoch < config.epochs {
                history.stopped_early = true;
                break;
            }
        }
        history.best_epoch = stopper.finish(model);
        for cb in &mut self.callbacks {
            cb.on_train_end(&history, model);
        }
        Ok(history)
    }
}

/// Why [`update`] failed: the error, once given its epoch and batch.
enum UpdateError {
    Clip(GradError),
    Schedule(u64, nn_optim::ConfigError),
    Step(nn_optim::StepError),
}

impl UpdateError {
    fn at(self, epoch: usize, batch: usize) -> TrainError {
        match self {
            UpdateError::Clip(source) => TrainError::Clip {
                epoch,
                batch,
                source,
            },
            UpdateError::Schedule(step, source) => TrainError::Schedule { step, source },
            UpdateError::Step(source) => TrainError::Step {
                epoch,
                batch,
                source,
            },
        }
    }
}

/// Clipping, the schedule's rate for step `step` and the optimizer step.
fn update<F, M, R, Buf, S>(
    optimizer: &mut Optimizer<R, M, Buf>,
    model: &mut M,
    grads: &mut M,
    clip_with: Option<Clip>,
    schedule: Option<&S>,
    step: u64,
) -> Result<(), UpdateError>
where
    F: Float,
    M: Params<F>,
    R: Rule<Float = F>,
    Buf: BorrowMut<M>,
    S: Schedule,
{
    clip(grads, clip_with).map_err(UpdateError::Clip)?;
    if let Some(s) = schedule {
        optimizer
            .set_lr(s.lr(step))
            .map_err(|e| UpdateError::Schedule(step, e))?;
    }
    optimizer.step(model, grads).map_err(UpdateError::Step)
}

/// Applies the configured gradient clipping, if any.
fn clip<F: Float, M: Params<F>>(grads: &mut M, clip: Option<Clip>) -> Result<(), GradError> {
    match clip {
        Some(Clip::Norm(t)) => grad::clip_norm(grads, F::from_f64(t)).map(|_| ()),
        Some(Clip::Value(t)) => grad::clip_value(grads, F::from_f64(t)),
        None => Ok(()),
    }
}
