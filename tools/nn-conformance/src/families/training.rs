//! Cases of `mlp_training.json`: full-batch training of a runtime network
//! with an nn-optim optimizer (its network API).

use nn_core::{Float, Params};
use nn_optim::{Optimizer, Rule};

use super::mlp::Mlp;
use super::optimizers::{RuleUser, with_rule};
use super::{Family, cast, has_all, widen};
use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Precision, Tolerance};
use nn_std::runtime::Network;

/// `mlp_training.json`.
pub(super) const FAMILY: Family = Family {
    name: "mlp_training",
    detect: |case| has_all(case, &["initial_layers"]),
    run_f64: run::<f64>,
    run_f32: run::<f32>,
};

struct Training<'a> {
    case: Fields<'a>,
    p: Precision,
}

impl<F: Float> RuleUser<F> for Training<'_> {
    type Output = Result<Comparison, CaseError>;

    fn run<R: Rule<Float = F>>(self, config: R::Config) -> Self::Output {
        let case = self.case;
        let mut mlp = Mlp::<F>::build(case, "initial_layers")?;
        let targets = mlp.targets(case)?;
        let x = cast::<F>(&case.tensor("x")?.data);
        let steps = case.count("steps")?;
        let mut opt =
            Optimizer::<R, Network<F>>::new(config, &mlp.net).map_err(|e| e.to_string())?;
        let mut losses = Vec::with_capacity(steps);
        for _ in 0..steps {
            let cache = mlp.net.forward_train(&x).map_err(|e| e.to_string())?;
            let (loss, dy) = mlp.loss_and_grad(&cache, &targets)?;
            let mut grads = mlp.net.zeroed();
            mlp.net
                .backward(&cache, &dy, &mut grads)
                .map_err(|e| e.to_string())?;
            opt.step(&mut mlp.net, &grads).map_err(|e| e.to_string())?;
            losses.push(loss);
        }
        let cache = mlp.net.forward_train(&x).map_err(|e| e.to_string())?;
        let (final_loss, _) = mlp.loss_and_grad(&cache, &targets)?;

        let tol = Tolerance::trajectory(self.p);
        let mut cmp = Comparison::default();
        let want = case.tensor("loss_per_step")?;
        want.expect_shape("loss_per_step", &[steps])?;
        cmp.values("loss_per_step", widen(&losses), &want.data, tol)?;
        cmp.scalar(
            "final_loss",
            final_loss.to_f64(),
            case.number("final_loss")?,
            tol,
        );
        let finals = case.array("final_layers")?;
        if finals.len() != mlp.weight_tensors.len() {
            return Err(format!(
                "`final_layers` has {} entries for {} layers",
                finals.len(),
                mlp.weight_tensors.len()
            ));
        }
        let params: Vec<&[F]> = mlp.net.params().map(|p| p.values).collect();
        for (l, layer) in finals.iter().enumerate() {
            let layer = Fields::new(layer, "final_layers")?;
            let t = mlp.weight_tensors[l];
            let w = format!("final_layers[{l}].weight");
            cmp.values(&w, widen(params[t]), &layer.tensor("weight")?.data, tol)?;
            let b = format!("final_layers[{l}].bias");
            cmp.values(&b, widen(params[t + 1]), &layer.tensor("bias")?.data, tol)?;
        }
        Ok(cmp)
    }
}

/// Runs one training case in precision `F`.
fn run<F: Float>(case: Fields<'_>, p: Precision) -> Result<Comparison, CaseError> {
    let optimizer = case.str("optimizer")?;
    with_rule::<F, _>(optimizer, case.object("hyperparams")?, Training { case, p })?
}
