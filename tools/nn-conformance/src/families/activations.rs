//! Cases of `activations.json`: one activation layer of a runtime network.

use nn_core::{Float, Params};
use nn_format::LayerKind;

use super::{Family, cast, has_all, widen};
use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Precision, Tolerance};
use nn_std::runtime::{LayerSpec, Network};

/// `activations.json`.
pub(super) const FAMILY: Family = Family {
    name: "activations",
    detect: |case| has_all(case, &["kind", "name", "x"]),
    run_f64: run::<f64>,
    run_f32: run::<f32>,
};

/// The layer an activation name and its parameters describe. Parameters that
/// PyTorch defaults (`negative_slope`, `a`, `alpha`) may be left out; unknown
/// names and parameters are errors.
pub(crate) fn activation_spec<F: Float>(
    name: &str,
    params: Fields<'_>,
) -> Result<LayerSpec<F>, CaseError> {
    let number = |key: &str, default: Option<f64>| -> Result<F, CaseError> {
        match (params.has(key), default) {
            (false, Some(d)) => Ok(F::from_f64(d)),
            _ => params.number(key).map(F::from_f64),
        }
    };
    let (spec, known): (LayerSpec<F>, &[&str]) = match name {
        "leaky_relu" => (
            LayerSpec::LeakyRelu {
                slope: number("negative_slope", Some(0.01))?,
            },
            &["negative_slope"],
        ),
        "prelu" => (
            LayerSpec::Prelu {
                a: number("a", Some(0.25))?,
            },
            &["a"],
        ),
        "elu" => (
            LayerSpec::Elu {
                alpha: number("alpha", Some(1.0))?,
            },
            &["alpha"],
        ),
        "maxout" => (
            LayerSpec::Maxout {
                k: params.count("k")?,
            },
            &["k"],
        ),
        // Every kind without a scalar, by its model-file name.
        other => match LayerKind::from_name(other).and_then(|k| LayerSpec::from_kind(k, None)) {
            Some(spec) => (spec, &[]),
            None => return Err(format!("unknown activation `{other}`")),
        },
    };
    params.only(known, name)?;
    Ok(spec)
}

/// Runs one activation case in precision `F`.
fn run<F: Float>(case: Fields<'_>, p: Precision) -> Result<Comparison, CaseError> {
    let tol = Tolerance::single(p);
    let name = case.str("name")?;
    let spec = activation_spec::<F>(name, case.object("params")?)?;
    match case.str("kind")? {
        "elementwise" | "vector" => {}
        other => return Err(format!("unknown kind `{other}`")),
    }
    let x = case.tensor("x")?;
    let (rows, width) = x.as_matrix("x")?;
    let net = Network::<F>::new(width, &[spec]).map_err(|e| e.to_string())?;
    let cache = net
        .forward_train(&cast(&x.data))
        .map_err(|e| e.to_string())?;
    let mut cmp = Comparison::default();
    cmp.values("y", widen(cache.output()), &case.tensor("y")?.data, tol)?;

    let backward = |dy: &[F]| -> Result<(Vec<F>, Network<F>), CaseError> {
        let mut grads = net.zeroed();
        let dx = net
            .backward(&cache, dy, &mut grads)
            .map_err(|e| e.to_string())?;
        Ok((dx, grads))
    };
    if case.has("dydx") {
        // Element-wise: with an upstream of ones, dL/dx[i] = dy_i/dx_i.
        let (dx, _) = backward(&vec![F::ONE; cache.output().len()])?;
        cmp.values("dydx", widen(&dx), &case.tensor("dydx")?.data, tol)?;
    }
    if case.has("dyda") {
        let dyda = prelu_slope_gradients(&net, cache.output().len(), backward)?;
        cmp.values("dyda", widen(&dyda), &case.tensor("dyda")?.data, tol)?;
    }
    if case.has("vjp") {
        let upstream = case.tensor("upstream")?;
        let (dx, _) = backward(&cast(&upstream.data))?;
        cmp.values("vjp", widen(&dx), &case.tensor("vjp")?.data, tol)?;
    }
    if case.has("argmax") {
        let LayerSpec::Maxout { k } = spec else {
            return Err(format!("`argmax` given for {name}, which is not maxout"));
        };
        let units = rows * width / k;
        let (mut y, mut arg) = (vec![F::ZERO; units], vec![0usize; units]);
        nn_core::kernels::maxout_forward(&cast::<F>(&x.data), k, &mut y, &mut arg);
        cmp.exact("argmax", &arg, &case.indices("argmax")?);
    }
    if cmp.compared() == cache.output().len() {
        return Err("no gradient to check (`dydx` or `vjp` missing)".to_string());
    }
    Ok(cmp)
}

/// `∂y_i/∂a` for every element: the slope gradient for a one-hot upstream.
fn prelu_slope_gradients<F: Float>(
    net: &Network<F>,
    n: usize,
    backward: impl Fn(&[F]) -> Result<(Vec<F>, Network<F>), CaseError>,
) -> Result<Vec<F>, CaseError> {
    if !matches!(net.specs().next(), Some(LayerSpec::Prelu { .. })) {
        return Err("`dyda` is only defined for prelu".to_string());
    }
    (0..n)
        .map(|i| {
            let mut dy = vec![F::ZERO; n];
            dy[i] = F::ONE;
            let (_, grads) = backward(&dy)?;
            grads
                .param(0)
                .and_then(|a| a.first().copied())
                .ok_or_else(|| "prelu has no slope parameter".to_string())
        })
        .collect()
}
