//! The figures of every training epoch, saved as CSV and plotted as SVG.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

pub mod plot;

/// One epoch's figures. Accuracies are `None` for numeric (regression)
/// targets; validation figures are `None` without a validation set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochRecord {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's samples (measured during the epoch,
    /// while the weights moved).
    pub train_loss: f64,
    /// Training accuracy over the epoch (same caveat).
    pub train_accuracy: Option<f64>,
    /// Validation loss after the epoch.
    pub val_loss: Option<f64>,
    /// Validation accuracy after the epoch.
    pub val_accuracy: Option<f64>,
    /// Learning rate of the epoch's last step.
    pub lr: f64,
    /// Wall-clock seconds of the epoch's training passes (without validation).
    pub seconds: f64,
}

/// The record of a training run: every epoch, the best epoch, timing.
///
/// ```
/// use nn_std::history::{EpochRecord, History};
/// let mut h = History::default();
/// h.records.push(EpochRecord {
///     epoch: 1, train_loss: 0.5, train_accuracy: Some(0.75), val_loss: None,
///     val_accuracy: None, lr: 0.01, seconds: 0.25,
/// });
/// let csv = h.to_csv();
/// assert_eq!(csv.lines().nth(1), Some("1,0.5,0.75,,,0.01,0.25"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One record per epoch run.
    pub records: Vec<EpochRecord>,
    /// The epoch with the lowest monitored loss, when early stopping was on.
    pub best_epoch: Option<usize>,
    /// Whether early stopping or a callback ended training before the last epoch.
    pub stopped_early: bool,
    /// Training samples processed (over all epochs).
    pub samples: u64,
    /// Seconds spent in training passes (over all epochs, without validation).
    pub train_seconds: f64,
}

/// The CSV header of [`History::to_csv`].
pub const CSV_HEADER: &str = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds";

impl History {
    /// Number of epochs run.
    pub fn epochs(&self) -> usize {
        self.records.len()
    }

    /// The last epoch's record.
    pub fn last(&self) -> Option<&EpochRecord> {
        self.records.last()
    }

    /// Training throughput: samples per second of training passes.
    pub fn samples_per_second(&self) -> f64 {
        if self.train_seconds > 0.0 {
            self.samples as f64 / self.train_seconds
        } else {
            0.0
        }
    }

    /// The history as CSV ([`CSV_HEADER`], then one line per epoch; a missing
    /// figure is an empty field; numbers in Rust's shortest round-trip form).
    pub fn to_csv(&self) -> String {
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut out = String::from(CSV_HEADER);
        out.push('\n');
        for r in &self.records {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{}",
                r.epoch,
                r.train_loss,
                opt(r.train_accuracy),
                opt(r.val_loss),
                opt(r.val_accuracy),
                r.lr,
                r.seconds
            );
        }
        out
    }

    /// Writes [`to_csv`](Self::to_csv) to `path`.
    pub fn save_csv(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_csv())
    }

    /// The loss and accuracy curves as an SVG picture (see [`plot`]).
    pub fn to_svg(&self) -> String {
        plot::curves_svg(self)
    }

    /// Writes [`to_svg`](Self::to_svg) to `path`.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_svg())
    }
}
