//! The training loop.

use std::time::Instant;

use nn_core::{Float, Loss, Module, Params};
use nn_optim::{GradError, Optimizer, Rule, Schedule, grad};

use super::TrainError;
use super::callback::{Callback, Control};
use super::config::{Clip, TrainConfig};
use super::evaluate::evaluate;
use super::pass::batch_grads;
use super::progress::EpochBar;
use super::stopping::Stopper;
use crate::data::{Batch, Dataset, LastBatch, Target, batch_count};
use crate::history::{EpochRecord, History};
use crate::metrics::RunningMean;

/// Trains any nn-core network with any loss and any nn-optim optimizer; see
/// the [module documentation](super) for an example.
///
/// `M` is the model type, `B` the mini-batch size, `S` the learning-rate
/// schedule (none by default: the optimizer's own rate stays).
pub struct Trainer<'a, M, const B: usize, S = nn_optim::Constant> {
    config: TrainConfig<B>,
    schedule: Option<S>,
    callbacks: Vec<&'a mut dyn Callback<M>>,
}

impl<'a, M, const B: usize> Trainer<'a, M, B> {
    /// A trainer with these settings, no schedule and no callbacks.
    pub fn new(config: TrainConfig<B>) -> Self {
        Trainer {
            config,
            schedule: None,
            callbacks: Vec::new(),
        }
    }
}

impl<'a, M, const B: usize, S: Schedule> Trainer<'a, M, B, S> {
    /// Sets the learning rate before every optimizer step to
    /// `schedule.lr(step)`, `step` counting this run's steps from 0.
    pub fn schedule<S2: Schedule>(self, schedule: S2) -> Trainer<'a, M, B, S2> {
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
    pub fn config(&self) -> &TrainConfig<B> {
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
        if c.parallel_chunk == Some(0) {
            return bad("parallel_chunk", "at least 1 sample");
        }
        if c.early_stopping
            .is_some_and(|e| e.patience == 0 || e.min_delta.is_nan() || e.min_delta < 0.0)
        {
            return bad("early_stopping", "patience >= 1 and min_delta >= 0");
        }
        if let Some(Clip::Norm(t) | Clip::Value(t)) = c.clip
            && (t.is_nan() || t < 0.0)
        {
            return bad("clip", "a threshold >= 0");
        }
        Ok(())
    }

    /// Trains `model` on `train` for the configured epochs, validating on
    /// `val` after each, and returns the history.
    ///
    /// Each epoch visits `train` in a seeded order (`Dataset::epoch_order`
    /// with `config.seed` and the epoch index from 0) in batches of `B`; a full batch
    /// goes through the batched layers, a kept partial last batch through
    /// the per-sample path with its gradients scaled by `1 / len` (see
    /// [`TrainConfig::last_batch`] for the other choices). Then come
    /// clipping, the schedule's rate and the optimizer step.
    ///
    /// Stops with [`TrainError::Diverged`] as soon as a batch's loss is NaN
    /// or infinite (the model keeps the weights of the step before).
    ///
    /// Like the layers, the step keeps the batch's caches and model-sized
    /// gradient copies on the stack, with no heap: a few times the model's
    /// size plus a few batches. A 784-128-10 network needs more than the
    /// 2 MiB that spawned threads get by default; run such a network's
    /// training on the main thread or on a thread built with a larger
    /// `stack_size`.
    pub fn fit<F, const N: usize, const C: usize, T, L, R, const K: usize>(
        &mut self,
        model: &mut M,
        optimizer: &mut Optimizer<R, M, K>,
        loss: &L,
        train: &Dataset<F, N, T>,
        val: Option<&Dataset<F, N, T>>,
    ) -> Result<History, TrainError>
    where
        F: Float + Send + Sync,
        T: Target<F>,
        M: Module<[F; N], Output = [F; C]>
            + Module<[[F; N]; B], Output = [[F; C]; B]>
            + Params<F>
            + Clone
            + Send
            + Sync,
        L: Loss<F, [F; C], T> + Loss<F, [[F; C]; B], [T; B]> + Sync,
        R: Rule<K, Float = F>,
    {
        self.check_config()?;
        let config = self.config;
        let classes = train.targets()[0].class().is_some();
        let mut grads = model.zeroed();
        // One batch buffer, on the heap, refilled in place.
        let mut batch = Box::new(Batch::<F, N, T, B>::new());
        let mut history = History::default();
        let mut stopper = Stopper::new(config.early_stopping);
        let mut step: u64 = 0;
        let batches = batch_count(train.len(), B, config.last_batch);
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
            while batches_of.next_into(&mut batch) {
                index += 1;
                let batch_no = index;
                // A wrapped-around last batch is full of real samples.
                let rows = match config.last_batch {
                    LastBatch::Wrap => B,
                    _ => batch.len,
                };
                grads.fill(F::ZERO);
                let tally =
                    batch_grads(model, loss, &batch, rows, config.parallel_chunk, &mut grads)
                        .map_err(|source| TrainError::Loss {
                            epoch,
                            batch: batch_no,
                            source,
                        })?;
                let mean = tally.loss_sum.to_f64() / rows as f64;
                if !mean.is_finite() {
                    return Err(TrainError::Diverged {
                        epoch,
                        batch: batch_no,
                        loss: mean,
                    });
                }
                clip(&mut grads, config.clip).map_err(|source| TrainError::Clip {
                    epoch,
                    batch: batch_no,
                    source,
                })?;
                if let Some(s) = &self.schedule {
                    optimizer
                        .set_lr(s.lr(step))
                        .map_err(|source| TrainError::Schedule { step, source })?;
                }
                optimizer
                    .step(model, &grads)
                    .map_err(|source| TrainError::Step {
                        epoch,
                        batch: batch_no,
                        source,
                    })?;
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

/// Applies the configured gradient clipping, if any.
fn clip<F: Float, M: Params<F>>(grads: &mut M, clip: Option<Clip>) -> Result<(), GradError> {
    match clip {
        Some(Clip::Norm(t)) => grad::clip_norm(grads, F::from_f64(t)).map(|_| ()),
        Some(Clip::Value(t)) => grad::clip_value(grads, F::from_f64(t)),
        None => Ok(()),
    }
}
