//! The typed losses against PyTorch (`shared/reference/losses.json`), in f64
//! and f32, with the README's tolerances.

mod common;

use common::{arr, arr2, assert_close, cases, flat, indices, param, shape};
use nn_core::{
    BceWithLogits, CrossEntropy, CrossEntropyProbs, Float, Hinge, Huber, Loss, LossError, Mse,
    MultiMargin,
};
use serde_json::Value;

/// A typed prediction or target read from JSON, seen flat.
trait Typed: Sized {
    fn parse(v: &Value) -> Self;
    fn flat_f64(&self) -> Vec<f64>;
}

macro_rules! impl_typed {
    ($($t:ty),*) => {$(
        impl<const N: usize> Typed for [$t; N] {
            fn parse(v: &Value) -> Self {
                arr(v)
            }
            fn flat_f64(&self) -> Vec<f64> {
                self.iter().map(|&x| x as f64).collect()
            }
        }
        impl<const N: usize, const B: usize> Typed for [[$t; N]; B] {
            fn parse(v: &Value) -> Self {
                arr2(v)
            }
            fn flat_f64(&self) -> Vec<f64> {
                self.as_flattened().iter().map(|&x| x as f64).collect()
            }
        }
    )*};
}
impl_typed!(f32, f64);

impl<const B: usize> Typed for [usize; B] {
    fn parse(v: &Value) -> Self {
        indices(v)
    }
    fn flat_f64(&self) -> Vec<f64> {
        self.iter().map(|&x| x as f64).collect()
    }
}

/// Checks the loss value and its gradient for one case, through both trait methods.
fn run<F: Float, L: Loss<F, P, T>, P: Typed, T: Typed>(loss: &L, case: &Value) {
    let name = case["name"].as_str().unwrap_or("?");
    let pred = P::parse(&case["pred"]);
    let target = T::parse(&case["target"]);
    let want = case["loss"].as_f64().expect("loss");
    let (value, grad) = loss.loss_and_grad(&pred, &target).expect("valid case");
    assert_close(&format!("{name} loss"), &[value], &[want]);
    assert_eq!(
        loss.loss(&pred, &target),
        Ok(value),
        "{name}: loss = loss_and_grad"
    );
    let grad: Vec<F> = grad.flat_f64().iter().map(|&v| F::from_f64(v)).collect();
    assert_close(&format!("{name} grad"), &grad, &flat(&case["grad_pred"]));
}

/// Runs a loss whose target has the prediction's shape, at the case's sizes.
macro_rules! same_shape {
    ($F:ty, $loss:expr, $case:expr, $s:expr) => {
        match $s {
            [6] => run::<$F, _, [$F; 6], [$F; 6]>(&$loss, $case),
            [7] => run::<$F, _, [$F; 7], [$F; 7]>(&$loss, $case),
            [8] => run::<$F, _, [$F; 8], [$F; 8]>(&$loss, $case),
            [4, 3] => run::<$F, _, [[$F; 3]; 4], [[$F; 3]; 4]>(&$loss, $case),
            [5, 3] => run::<$F, _, [[$F; 3]; 5], [[$F; 3]; 5]>(&$loss, $case),
            [2, 6] => run::<$F, _, [[$F; 6]; 2], [[$F; 6]; 2]>(&$loss, $case),
            s => panic!("no typed test for shape {s:?}"),
        }
    };
}

/// Runs a loss with class-index targets, at the case's sizes.
macro_rules! class_targets {
    ($F:ty, $loss:expr, $case:expr, $s:expr) => {
        match $s {
            [4, 3] => run::<$F, _, [[$F; 3]; 4], [usize; 4]>(&$loss, $case),
            [5, 3] => run::<$F, _, [[$F; 3]; 5], [usize; 5]>(&$loss, $case),
            s => panic!("no typed test for shape {s:?}"),
        }
    };
}

macro_rules! run_case {
    ($F:ty, $case:expr) => {{
        let case: &Value = $case;
        let p = &case["params"];
        let s = shape(&case["pred"]);
        let s = s.as_slice();
        assert_eq!(case["reduction"], "mean");
        match case["name"].as_str().expect("name") {
            "mse" => same_shape!($F, Mse, case, s),
            "huber" => same_shape!($F, Huber::new(param(p, "delta") as $F), case, s),
            "bce_with_logits" => same_shape!($F, BceWithLogits, case, s),
            "hinge" => same_shape!($F, Hinge::new(param(p, "margin") as $F), case, s),
            "cross_entropy_probs" => same_shape!($F, CrossEntropyProbs, case, s),
            "cross_entropy" => class_targets!($F, CrossEntropy, case, s),
            "multi_margin" => {
                assert_eq!(param(p, "p"), 1.0, "only p = 1");
                class_targets!($F, MultiMargin::new(param(p, "margin") as $F), case, s)
            }
            other => panic!("unknown loss {other}"),
        }
    }};
}

#[test]
fn every_loss_case_matches_pytorch_in_f64() {
    let cases = cases("losses");
    for case in &cases {
        run_case!(f64, case);
    }
    assert_eq!(cases.len(), 14);
}

#[test]
fn every_loss_case_matches_pytorch_in_f32() {
    for case in &cases("losses") {
        run_case!(f32, case);
    }
}

#[test]
fn logits_of_1000_give_finite_losses_and_gradients() {
    let pred = [[1000.0f32, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]];
    let probs = [[0.0f32, 1.0, 0.0], [0.5, 0.5, 0.0]];
    let labels = [[1.0f32, -1.0, 1.0], [-1.0, 1.0, -1.0]];
    let classes = [1usize, 0];
    type Batch = [[f32; 3]; 2];
    let all: [Result<(f32, Batch), LossError>; 7] = [
        Mse.loss_and_grad(&pred, &probs),
        Huber::new(1.0).loss_and_grad(&pred, &probs),
        BceWithLogits.loss_and_grad(&pred, &probs),
        Hinge::new(1.0).loss_and_grad(&pred, &labels),
        CrossEntropy.loss_and_grad(&pred, &classes),
        CrossEntropyProbs.loss_and_grad(&pred, &probs),
        MultiMargin::new(1.0).loss_and_grad(&pred, &classes),
    ];
    for (i, r) in all.iter().enumerate() {
        let (l, g) = r.expect("valid");
        assert!(
            l.is_finite() && g.as_flattened().iter().all(|v| v.is_finite()),
            "{i}"
        );
    }
    // Cross-entropy of the wrong class at ±1000 is the logit gap, not infinity.
    let (l, _) = CrossEntropy
        .loss_and_grad(&[1000.0f64, -1000.0], &1)
        .unwrap();
    assert_eq!(l, 2000.0);
}

#[test]
fn invalid_targets_are_errors() {
    let pred = [0.5f64, -0.5, 2.0];
    assert_eq!(
        CrossEntropy.loss(&pred, &3),
        Err(LossError::ClassOutOfRange {
            index: 3,
            classes: 3
        })
    );
    assert_eq!(
        MultiMargin::new(1.0).loss(&[pred, pred], &[0, 9]),
        Err(LossError::ClassOutOfRange {
            index: 9,
            classes: 3
        })
    );
    assert_eq!(
        Hinge::new(1.0).loss(&pred, &[1.0, 0.0, -1.0]),
        Err(LossError::InvalidTarget { position: 1 })
    );
    assert_eq!(
        Mse.loss(&pred, &[0.0, 0.0, f64::NAN]),
        Err(LossError::InvalidTarget { position: 2 })
    );
    assert_eq!(
        Huber::new(1.0).loss_and_grad(&pred, &[f64::NAN, 0.0, 0.0]),
        Err(LossError::InvalidTarget { position: 0 })
    );
    assert_eq!(
        BceWithLogits.loss(&pred, &[0.0, 1.0, 1.0001]),
        Err(LossError::InvalidTarget { position: 2 })
    );
    assert_eq!(
        CrossEntropyProbs.loss(&[pred], &[[0.5, 0.5, -0.1]]),
        Err(LossError::InvalidTarget { position: 2 })
    );
    assert_eq!(Mse.loss(&[0.0f32; 0], &[]), Err(LossError::Empty));
}
