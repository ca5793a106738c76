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

    /// After the epoch: the epoch's figures, left on screen.
    pub(crate) fn finish(&self, r: &EpochRecord) {
        if let Some(bar) = &self.0 {
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
            bar.finish_with_message(msg);
        }
    }
}
