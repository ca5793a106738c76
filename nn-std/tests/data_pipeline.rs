//! The data API end to end with nn-core: split, scale on train, shuffled
//! fixed-size batches into a batched network and loss, plain SGD by hand,
//! evaluation with the confusion matrix. Checks that the pieces fit (shapes,
//! padding, determinism) and that a model really learns from them.

use nn_core::{CrossEntropy, Dense, Loss, Module, Params};
use nn_std::data::{Dataset, LastBatch, datasets, synthetic};
use nn_std::metrics::{ConfusionMatrix, RunningMean};

/// Softmax regression trained with SGD on batches of 8 (the last one wrapped).
fn train_linear<const N: usize, const C: usize>(
    train: &Dataset<f64, N, usize>,
    epochs: u64,
    seed: u64,
) -> (Dense<f64, N, C>, Vec<f64>) {
    let mut net = Dense::<f64, N, C>::zeros();
    let mut losses = Vec::new();
    for epoch in 0..epochs {
        let order = train.epoch_order(seed, epoch);
        let mut mean = RunningMean::default();
        for batch in train.batches::<8>(Some(&order), LastBatch::Wrap).unwrap() {
            let (logits, cache) = net.forward_train(&batch.x);
            let (loss, dy) = CrossEntropy.loss_and_grad(&logits, &batch.y).unwrap();
            let mut grads = net.zeroed();
            let _dx: [[f64; N]; 8] = net.backward(&batch.x, &logits, &cache, &dy, &mut grads);
            for (p, g) in net.params_mut().zip(grads.params()) {
                for (w, d) in p.values.iter_mut().zip(g.values) {
                    *w -= 0.1 * d;
                }
            }
            mean.add(loss, batch.len);
        }
        losses.push(mean.mean().unwrap());
    }
    (net, losses)
}

fn evaluate<const N: usize, const C: usize>(
    net: &Dense<f64, N, C>,
    test: &Dataset<f64, N, usize>,
) -> ConfusionMatrix {
    let mut cm = ConfusionMatrix::new(C).unwrap();
    for batch in test.batches::<16>(None, LastBatch::Keep).unwrap() {
        let logits: [[f64; C]; 16] = net.forward(&batch.x);
        for (scores, &y) in logits[..batch.len].iter().zip(batch.y()) {
            cm.add_logits(y, scores).unwrap();
        }
    }
    cm
}

#[test]
fn iris_softmax_regression_learns_through_the_data_api() {
    let iris = datasets::iris::<f64>();
    let (train, test) = iris.train_test_split(0.2, 3).unwrap();
    let scaler = train.fit_standardize();
    let (train, test) = (
        train.scaled(&scaler).unwrap(),
        test.scaled(&scaler).unwrap(),
    );
    let (net, losses) = train_linear::<4, 3>(&train, 60, 3);
    // Starts at ln 3 (zero weights give uniform probabilities) and falls.
    assert!((losses[0] - 3f64.ln()).abs() < 0.5, "{losses:?}");
    assert!(losses[59] < 0.25, "{losses:?}");
    let cm = evaluate(&net, &test).with_class_names(iris.class_names());
    assert_eq!(cm.total(), 30);
    assert!(cm.accuracy() >= 0.9, "{cm}\n{}", cm.report());
    // Deterministic: the same seed gives bit-identical weights.
    let (again, _) = train_linear::<4, 3>(&train, 60, 3);
    assert_eq!(net, again);
}

#[test]
fn linear_model_cannot_learn_xor_but_blobs_are_easy() {
    // A sanity check that the synthetic tasks are what they claim: XOR is not
    // linearly separable (a linear model stays near chance), blobs are.
    let xor = synthetic::xor::<f64>(200, 0.05, 1).unwrap();
    let (net, _) = train_linear::<2, 2>(&xor, 30, 1);
    let acc = evaluate(&net, &xor).accuracy();
    assert!(acc < 0.8, "{acc}");
    let blobs = synthetic::blobs::<f64, 2>(200, &[[-2.0, 0.0], [2.0, 0.0]], 0.5, 1).unwrap();
    let (net, _) = train_linear::<2, 2>(&blobs, 30, 1);
    assert!(evaluate(&net, &blobs).accuracy() > 0.98);
}
