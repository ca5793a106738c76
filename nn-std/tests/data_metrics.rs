//! Metrics on hand-computed examples.

use nn_std::metrics::{ConfusionMatrix, MetricsError, RunningMean, accuracy, argmax};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Targets and predictions of 10 samples of 3 classes. By hand, rows are
/// targets: [3 1 0], [0 1 1], [0 1 3].
const TARGETS: [usize; 10] = [0, 0, 0, 1, 1, 2, 2, 2, 2, 0];
const PREDICTIONS: [usize; 10] = [0, 1, 0, 1, 2, 2, 2, 1, 2, 0];

#[test]
fn confusion_matrix_counts_and_per_class_metrics() {
    let cm = ConfusionMatrix::from_predictions(3, &TARGETS, &PREDICTIONS).unwrap();
    let rows: Vec<Vec<u64>> = (0..3)
        .map(|t| (0..3).map(|p| cm.count(t, p)).collect())
        .collect();
    assert_eq!(rows, [[3, 1, 0], [0, 1, 1], [0, 1, 3]]);
    assert_eq!((cm.total(), cm.correct()), (10, 7));
    assert!(close(cm.accuracy(), 0.7));
    assert_eq!(accuracy(&TARGETS, &PREDICTIONS), Ok(0.7));
    // precision = tp / predicted: 3/3, 1/3, 3/4; recall = tp / support: 3/4, 1/2, 3/4.
    let p = [1.0, 1.0 / 3.0, 0.75];
    let r = [0.75, 0.5, 0.75];
    let f1 = [6.0 / 7.0, 0.4, 0.75];
    let support = [4, 2, 4];
    for c in 0..3 {
        assert!(close(cm.precision(c), p[c]), "precision {c}");
        assert!(close(cm.recall(c), r[c]), "recall {c}");
        assert!(close(cm.f1(c), f1[c]), "f1 {c}");
        assert!(close(cm.f1(c), 2.0 * p[c] * r[c] / (p[c] + r[c])));
        assert_eq!(cm.support(c), support[c]);
        assert_eq!(cm.per_class()[c].support, support[c]);
    }
    let m = cm.macro_avg();
    assert!(close(m.precision, (1.0 + 1.0 / 3.0 + 0.75) / 3.0));
    assert!(close(m.recall, 2.0 / 3.0));
    assert!(close(m.f1, (6.0 / 7.0 + 0.4 + 0.75) / 3.0));
    let w = cm.weighted_avg();
    assert!(close(w.precision, (4.0 + 2.0 / 3.0 + 3.0) / 10.0));
    assert!(close(w.recall, 0.7)); // weighted recall equals accuracy
    assert!(close(w.f1, (4.0 * 6.0 / 7.0 + 0.8 + 3.0) / 10.0));
    assert_eq!(w.support, 10);
}

#[test]
fn undefined_ratios_are_zero() {
    // Class 2 is never present nor predicted; class 1 is never predicted.
    let cm = ConfusionMatrix::from_predictions(3, &[0, 1], &[0, 0]).unwrap();
    assert_eq!((cm.precision(1), cm.recall(1), cm.f1(1)), (0.0, 0.0, 0.0));
    assert_eq!((cm.precision(2), cm.recall(2), cm.f1(2)), (0.0, 0.0, 0.0));
    assert!(close(cm.precision(0), 0.5));
    assert_eq!(ConfusionMatrix::new(2).unwrap().accuracy(), 0.0);
}

#[test]
fn confusion_matrix_prints_as_a_table() {
    let cm = ConfusionMatrix::from_predictions(3, &TARGETS, &PREDICTIONS).unwrap();
    let want = "       | predicted\n\
                target | 0 1 2\n\
                -------+------\n     \
                0 | 3 1 0\n     \
                1 | 0 1 1\n     \
                2 | 0 1 3";
    assert_eq!(cm.to_string(), want);
    let named = cm.clone().with_class_names(&["cat", "dog", "bird"]);
    let text = named.to_string();
    assert!(text.contains("target |  cat  dog bird\n"), "{text}");
    assert!(text.contains("   dog |    0    1    1\n"), "{text}");
    let report = named.report().to_string();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[1],
        "         cat    1.0000    0.7500    0.8571         4"
    );
    assert_eq!(
        lines[4],
        "    accuracy                        0.7000        10"
    );
    assert_eq!(
        lines[6],
        "weighted avg    0.7667    0.7000    0.7229        10"
    );
    // Wrong number of names: ignored.
    assert_eq!(cm.clone().with_class_names(&["a"]).to_string(), want);
}

#[test]
fn logits_merge_and_errors() {
    let mut cm = ConfusionMatrix::new(2).unwrap();
    cm.add_logits(1, &[0.2f32, 0.9]).unwrap();
    cm.add_logits(0, &[0.1f64, 0.9]).unwrap();
    assert_eq!((cm.count(1, 1), cm.count(0, 1)), (1, 1));
    // A NaN score is no prediction, not a confident one.
    assert_eq!(
        cm.add_logits(0, &[f64::NAN, 0.9]),
        Err(MetricsError::NonFinite)
    );
    // One logit in a 2-class matrix: class 1 iff it is > 0.
    cm.add_logits(0, &[0.0f32]).unwrap();
    cm.add_logits(1, &[0.5f32]).unwrap();
    assert_eq!((cm.count(0, 0), cm.count(1, 1)), (1, 2));
    assert_eq!(
        cm.add_logits(0, &[0.1f32, 0.2, 0.3]),
        Err(MetricsError::ShapeMismatch {
            expected: 2,
            found: 3
        })
    );
    assert_eq!(
        cm.add_logits(0, &[f32::NAN; 2]),
        Err(MetricsError::NonFinite)
    );
    assert_eq!(
        cm.add(2, 0),
        Err(MetricsError::ClassOutOfRange {
            class: 2,
            classes: 2
        })
    );
    assert_eq!(
        cm.add(0, 5),
        Err(MetricsError::ClassOutOfRange {
            class: 5,
            classes: 2
        })
    );
    let mut other = ConfusionMatrix::new(2).unwrap();
    other.add(0, 0).unwrap();
    cm.merge(&other).unwrap();
    assert_eq!((cm.total(), cm.correct()), (5, 4));
    assert!(cm.merge(&ConfusionMatrix::new(3).unwrap()).is_err());
    assert_eq!(ConfusionMatrix::new(0), Err(MetricsError::NoClasses));
    assert_eq!(
        ConfusionMatrix::new(1 << 40),
        Err(MetricsError::TooManyClasses { classes: 1 << 40 })
    );
    assert_eq!(
        ConfusionMatrix::from_predictions(2, &[0], &[]),
        Err(MetricsError::LengthMismatch {
            targets: 1,
            predictions: 0
        })
    );
    assert_eq!(accuracy(&[], &[]), Err(MetricsError::Empty));
    assert_eq!(
        accuracy(&[1], &[1, 2]),
        Err(MetricsError::LengthMismatch {
            targets: 1,
            predictions: 2
        })
    );
}

#[test]
fn argmax_ties_and_nan() {
    assert_eq!(argmax(&[1.0f32, 5.0, 5.0]), Some(1));
    // nn-core's rule: a NaN anywhere means no class.
    assert_eq!(argmax(&[f32::NAN, -1.0, -2.0]), None);
    assert_eq!(argmax(&[f32::NEG_INFINITY]), Some(0));
    assert_eq!(argmax::<f32>(&[]), None);
}

#[test]
fn running_mean_weights_by_count() {
    let mut m = RunningMean::default();
    assert_eq!(m.mean(), None);
    m.add(1.0f32, 3);
    m.add_one(5.0f64);
    assert_eq!(m.mean(), Some(2.0)); // (3 * 1 + 5) / 4
    assert_eq!(m.count(), 4);
    let mut other = RunningMean::default();
    other.add(10.0f64, 4);
    m.merge(&other);
    assert_eq!(m.mean(), Some(6.0)); // (8 + 40) / 8
    m.reset();
    assert_eq!((m.mean(), m.count()), (None, 0));
}
