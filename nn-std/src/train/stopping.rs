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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!s.observe(1, 1.0, &1));
        assert!(!s.observe(2, 0.95, &2)); // not below 1.0 - 0.1: waits 1
        assert!(!s.observe(3, 0.85, &3)); // improves: best epoch 3
        assert!(!s.observe(4, f64::NAN, &4));
        assert!(s.observe(5, 0.8, &5)); // 0.8 > 0.85 - 0.1: patience out
        let mut model = 5;
        assert_eq!(s.finish(&mut model), Some(3));
        assert_eq!(model, 3);
    }

    #[test]
    fn without_a_rule_nothing_stops_or_changes() {
        let mut s = Stopper::new(None);
        assert!(!s.observe(1, 1.0, &1));
        assert!(!s.observe(2, 2.0, &2));
        let mut model = 2;
        assert_eq!(s.finish(&mut model), None);
        assert_eq!(model, 2);
    }

    #[test]
    fn without_restore_the_weights_stay() {
        let mut s = Stopper::new(Some(EarlyStopping {
            restore_best: false,
            ..EarlyStopping::default()
        }));
        s.observe(1, 0.5, &1);
        s.observe(2, 0.9, &2);
        let mut model = 2;
        assert_eq!(s.finish(&mut model), Some(1));
        assert_eq!(model, 2);
    }
}
