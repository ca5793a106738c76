//! Early-stopping bookkeeping: the best monitored loss, its epoch and weights.

use super::config::EarlyStopping;

/// Watches the monitored loss epoch after epoch.
pub(crate) struct Stopper<M> {
    rule: Option<EarlyStopping>,
    best: Option<(f64, usize, M)>,
    waited: usize,
}

impl<M: Clone> Stopper<M> {
    pub(crate) fn new(rule: Option<EarlyStopping>) -> Self {
        Stopper {
            rule,
            best: None,
            waited: 0,
        }
    }

    /// Records epoch `epoch`'s monitored `loss` (NaN never improves) and
    /// returns whether patience has run out.
    pub(crate) fn observe(&mut self, epoch: usize, loss: f64, model: &M) -> bool {
        let Some(rule) = self.rule else {
            return false;
        };
        if self
            .best
            .as_ref()
            .is_none_or(|b| loss < b.0 - rule.min_delta)
        {
            self.best = Some((loss, epoch, model.clone()));
            self.waited = 0;
            false
        } else {
            self.waited += 1;
            self.waited >= rule.patience
        }
    }

    /// The best epoch; puts its weights back into `model` if the rule says so.
    pub(crate) fn finish(self, model: &mut M) -> Option<usize> {
        let (_, epoch, weights) = self.best?;
        if self.rule.is_some_and(|r| r.restore_best) {
            *model = weights;
        }
        Some(epoch)
    }
}
