//! Early-stopping bookkeeping: the best monitored loss, its epoch and weights.

use nn_core::{Float, Params};

use super::config::EarlyStopping;
use super::snapshot::Snapshot;

/// Watches the monitored loss epoch after epoch.
pub(crate) struct Stopper<F> {
    rule: Option<EarlyStopping>,
    /// The best loss and its epoch.
    best: Option<(f64, usize)>,
    /// The best epoch's parameters.
    weights: Snapshot<F>,
    waited: usize,
}

impl<F: Float> Stopper<F> {
    pub(crate) fn new(rule: Option<EarlyStopping>) -> Self {
        Stopper {
            rule,
            best: None,
            weights: Snapshot::new(),
            waited: 0,
        }
    }

    /// Records epoch `epoch`'s monitored `loss` (NaN never improves) and
    /// returns whether patience has run out.
    pub(crate) fn observe<M: Params<F>>(&mut self, epoch: usize, loss: f64, model: &M) -> bool {
        let Some(rule) = self.rule else {
            return false;
        };
        if self.best.is_none_or(|b| loss < b.0 - rule.min_delta) {
            self.best = Some((loss, epoch));
            self.weights.take(model);
            self.waited = 0;
            false
        } else {
            self.waited += 1;
            self.waited >= rule.patience
        }
    }

    /// The best epoch; puts its weights back into `model` if the rule says so.
    pub(crate) fn finish<M: Params<F>>(self, model: &mut M) -> Option<usize> {
        let (_, epoch) = self.best?;
        if self.rule.is_some_and(|r| r.restore_best) {
            self.weights.restore(model);
        }
        Some(epoch)
    }
}

#[cfg(test)]
mod tests {
    use nn_core::Dense;

    use super::*;

    /// A one-parameter "model" holding `v`.
    fn m(v: f64) -> Dense<f64, 1, 1> {
        Dense::from_parts([[v]], [0.0])
    }

    fn rule(patience: usize, min_delta: f64) -> Option<EarlyStopping> {
        Some(EarlyStopping {
            patience,
            min_delta,
            restore_best: true,
        })
    }

    #[test]
    fn improvements_must_beat_min_delta_and_nan_never_improves() {
        let mut s = Stopper::new(rule(2, 0.1));
        assert!(!s.observe(1, 1.0, &m(1.0)));
        assert!(!s.observe(2, 0.95, &m(2.0))); // not below 1.0 - 0.1: waits 1
        assert!(!s.observe(3, 0.85, &m(3.0))); // improves: best epoch 3
        assert!(!s.observe(4, f64::NAN, &m(4.0)));
        assert!(s.observe(5, 0.8, &m(5.0))); // 0.8 > 0.85 - 0.1: patience out
        let mut model = m(5.0);
        assert_eq!(s.finish(&mut model), Some(3));
        assert_eq!(model, m(3.0));
    }

    #[test]
    fn without_a_rule_nothing_stops_or_changes() {
        let mut s = Stopper::new(None);
        assert!(!s.observe(1, 1.0, &m(1.0)));
        assert!(!s.observe(2, 2.0, &m(2.0)));
        let mut model = m(2.0);
        assert_eq!(s.finish(&mut model), None);
        assert_eq!(model, m(2.0));
    }

    #[test]
    fn without_restore_the_weights_stay() {
        let mut s = Stopper::new(Some(EarlyStopping {
            restore_best: false,
            ..EarlyStopping::default()
        }));
        s.observe(1, 0.5, &m(1.0));
        s.observe(2, 0.9, &m(2.0));
        let mut model = m(2.0);
        assert_eq!(s.finish(&mut model), Some(1));
        assert_eq!(model, m(2.0));
    }
}
