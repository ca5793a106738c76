//! Cases of `losses.json`: one loss on a batch through [`LossSpec`].

use nn_core::Float;

use super::{Family, cast, has_all, widen};
use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Precision, Tolerance};
use nn_std::runtime::{LossSpec, Target};

/// `losses.json`.
pub(super) const FAMILY: Family = Family {
    name: "losses",
    detect: |case| has_all(case, &["pred", "grad_pred"]),
    run_f64: run::<f64>,
    run_f32: run::<f32>,
};

/// The loss a name and its parameters describe. Unknown names, unknown
/// parameters and parameter values the library does not implement are errors.
pub(crate) fn loss_spec<F: Float>(
    name: &str,
    params: Fields<'_>,
) -> Result<LossSpec<F>, CaseError> {
    let require = |key: &str, value: f64| -> Result<(), CaseError> {
        match params.has(key) {
            true if params.number(key)? != value => Err(format!(
                "{name} with {key} = {} is not supported (only {value})",
                params.number(key)?
            )),
            _ => Ok(()),
        }
    };
    // PyTorch's defaults: delta = 1, margin = 1.
    let number = |key: &str| -> Result<F, CaseError> {
        match params.has(key) {
            true => params.number(key).map(F::from_f64),
            false => Ok(F::ONE),
        }
    };
    let (spec, known): (LossSpec<F>, &[&str]) = match name {
        "mse" => (LossSpec::Mse, &[]),
        "huber" => (
            LossSpec::Huber {
                delta: number("delta")?,
            },
            &["delta"],
        ),
        "cross_entropy" | "softmax_cross_entropy" => (LossSpec::CrossEntropy, &[]),
        "cross_entropy_probs" => (LossSpec::CrossEntropyProbs, &[]),
        "bce_with_logits" => (LossSpec::BceWithLogits, &[]),
        "hinge" => (
            LossSpec::Hinge {
                margin: number("margin")?,
            },
            &["margin"],
        ),
        "multi_margin" => {
            require("p", 1.0)?;
            (
                LossSpec::MultiMargin {
                    margin: number("margin")?,
                },
                &["p", "margin"],
            )
        }
        other => return Err(format!("unknown loss `{other}`")),
    };
    params.only(known, name)?;
    Ok(spec)
}

/// Runs one loss case in precision `F`.
fn run<F: Float>(case: Fields<'_>, p: Precision) -> Result<Comparison, CaseError> {
    let tol = Tolerance::single(p);
    let name = case.str("name")?;
    let spec = loss_spec::<F>(name, case.object("params")?)?;
    match case.str("reduction")? {
        "mean" => {}
        other => return Err(format!("reduction `{other}` is not supported (only mean)")),
    }
    let pred = case.tensor("pred")?;
    let pred_f = cast::<F>(&pred.data);
    let (loss, grad) = if spec.class_targets() {
        let target = case.indices("target")?;
        spec.loss_and_grad(&pred_f, pred.width(), Target::Classes(&target))
    } else {
        let target = cast::<F>(&case.tensor("target")?.data);
        spec.loss_and_grad(&pred_f, pred.width(), Target::Values(&target))
    }
    .map_err(|e| e.to_string())?;
    let mut cmp = Comparison::default();
    cmp.scalar("loss", loss.to_f64(), case.number("loss")?, tol);
    cmp.values(
        "grad_pred",
        widen(&grad),
        &case.tensor("grad_pred")?.data,
        tol,
    )?;
    Ok(cmp)
}
