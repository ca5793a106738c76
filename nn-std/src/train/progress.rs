//! The per-epoch `indicatif` progress bar, drawn only on a terminal and
//! with the `progress` feature (on by default).

#[cfg(feature = "progress")]
use std::io::IsTerminal;

#[cfg(feature = "progress")]
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::history::EpochRecord;

/// A progress bar over one epoch's batches, or nothing when disabled or when
/// standard output is not a terminal.
#[cfg(feature = "progress")]
pub(crate) struct EpochBar(Option<ProgressBar>);

/// No progress bar (built without the `progress` feature).
#[cfg(not(feature = "progress"))]
pub(crate) struct EpochBar;

#[cfg(not(feature = "progress"))]
impl EpochBar {
    pub(crate) fn new(_enabled: bool, _epoch: usize, _epochs: usize, _batches: usize) -> Self {
        EpochBar
    }

    pub(crate) fn tick(&self, _loss: f64, _accuracy: Option<f64>) {}

    pub(crate) fn finish(&self, _r: &EpochRecord) {}
}

#[cfg(feature = "progress")]
impl EpochBar {
    pub(crate) fn new(enabled: bool, epoch: usize, epochs: usize, batches: usize) -> Self {
        if !enabled || !std::io::stdout().is_terminal() {
            return EpochBar(None);
        }
        let bar = ProgressBar::with_draw_target(Some(batches as u64), ProgressDrawTarget::stdout());
        let style = ProgressStyle::with_template(
            "epoch {prefix} [{bar:20.cyan/blue}] {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(format!("{epoch}/{epochs}"));
        EpochBar(Some(bar))
    }

    /// After a batch: the running loss and accuracy.
    pub(crate) fn tick(&self, loss: f64, accuracy: Option<f64>) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            bar.set_message(match accuracy {
                Some(a) => format!("loss {loss:.4} acc {a:.4}"),
                None => format!("loss {loss:.4}"),
            });
        }
    }

    /// After the epoch: the epoch's figures, left on screen without the bar
    /// (so that the line fits 80 columns with the validation accuracy).
    pub(crate) fn finish(&self, r: &EpochRecord) {
        if let Some(bar) = &self.0 {
            if let Ok(style) = ProgressStyle::with_template(FINISHED) {
                bar.set_style(style);
            }
            bar.finish_with_message(summary(r));
        }
    }
}

/// The template of a finished epoch's line: no bar, the figures.
#[cfg(feature = "progress")]
const FINISHED: &str = "epoch {prefix} {pos}/{len} {msg}";

/// An epoch's figures: `loss 0.0123 acc 0.9985 | val loss 0.0712 acc 0.9800`.
#[cfg_attr(not(feature = "progress"), allow(dead_code))]
fn summary(r: &EpochRecord) -> String {
    let mut msg = format!("loss {:.4}", r.train_loss);
    if let Some(a) = r.train_accuracy {
        msg += &format!(" acc {a:.4}");
    }
    if let Some(l) = r.val_loss {
        msg += &format!(" | val loss {l:.4}");
    }
    if let Some(a) = r.val_accuracy {
        msg += &format!(" acc {a:.4}");
    }
    msg
}

#[cfg(all(test, feature = "progress"))]
mod tests {
    use super::*;

    #[test]
    fn a_finished_epoch_fits_80_columns() {
        // Three-digit epochs and batches, losses up to 99.
        let r = EpochRecord {
            epoch: 100,
            train_loss: 12.3456,
            train_accuracy: Some(0.9985),
            val_loss: Some(10.0712),
            val_accuracy: Some(0.98),
            lr: 0.01,
            seconds: 1.0,
        };
        let line = FINISHED
            .replace("{prefix}", "100/100")
            .replace("{pos}/{len}", "999/999")
            .replace("{msg}", &summary(&r));
        assert!(line.len() <= 80, "{} columns: {line}", line.len());
        assert!(line.ends_with("val loss 10.0712 acc 0.9800"), "{line}");
    }
}
