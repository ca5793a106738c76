//! Cases of `mlp.json`: one forward and backward pass of a runtime network
//! built from the case's sizes, activation and weights.

use nn_core::{Float, Params};

use super::activations::activation_spec;
use super::{Family, cast, has_all, widen};
use crate::json::{CaseError, Fields, Tensor};
use crate::tolerance::{Comparison, Precision, Tolerance};
use nn_std::runtime::{Cache, LayerSpec, LossSpec, Network, Target};

/// `mlp.json`.
pub(super) const FAMILY: Family = Family {
    name: "mlp",
    detect: |case| has_all(case, &["layers", "sizes"]),
    run_f64: run::<f64>,
    run_f32: run::<f32>,
};

/// A network of `mlp.json`'s layout, with where to find each part.
pub(crate) struct Mlp<F> {
    /// The network: dense layers, each hidden one followed by the activation.
    pub net: Network<F>,
    /// Network index of each dense layer.
    pub dense: Vec<usize>,
    /// Network index of each hidden activation.
    pub hidden: Vec<usize>,
    /// Tensor index (in `Params` order) of each dense layer's weight; its
    /// bias follows.
    pub weight_tensors: Vec<usize>,
    /// Tensor index of each PReLU slope.
    pub prelu_tensors: Vec<usize>,
    /// The loss.
    pub loss: LossSpec<F>,
}

impl<F: Float> Mlp<F> {
    /// Builds the network of a case from `sizes`, `activation`,
    /// `activation_params`, `loss` and the layer list `layers_field`
    /// (`layers` or `initial_layers`).
    pub fn build(case: Fields<'_>, layers_field: &str) -> Result<Self, CaseError> {
        let sizes = case.indices("sizes")?;
        let act_name = case.str("activation")?;
        let act = activation_spec::<F>(act_name, case.object("activation_params")?)?;
        let loss = match case.str("loss")? {
            "softmax_cross_entropy" => LossSpec::CrossEntropy,
            "mse" => LossSpec::Mse,
            other => return Err(format!("unknown loss `{other}`")),
        };
        let use_bias = !case.has("use_bias") || case.flag("use_bias")?;
        let layers = case.array(layers_field)?;
        if sizes.len() != layers.len() + 1 {
            return Err(format!(
                "`sizes` has {} entries for {} layers",
                sizes.len(),
                layers.len()
            ));
        }
        let mut parts = Vec::with_capacity(layers.len());
        let mut specs = Vec::new();
        let (mut dense, mut hidden) = (Vec::new(), Vec::new());
        for (l, layer) in layers.iter().enumerate() {
            let what = format!("{layers_field}[{l}]");
            let layer = Fields::new(layer, &what)?;
            layer.only(&["weight", "bias"], &what)?;
            let weight = layer.tensor("weight")?;
            let bias = match (layer.has("bias"), use_bias) {
                (true, _) => layer.tensor("bias")?,
                (false, false) => Tensor {
                    shape: vec![weight.shape.first().copied().unwrap_or(0)],
                    data: vec![0.0; weight.shape.first().copied().unwrap_or(0)],
                },
                (false, true) => return Err(format!("{what}: missing field `bias`")),
            };
            if !use_bias && bias.data.iter().any(|&b| b != 0.0) {
                return Err(format!(
                    "{what}: `use_bias` is false but the bias is not zero"
                ));
            }
            let [rows, _] = weight.shape[..] else {
                return Err(format!("{what}.weight is not a matrix"));
            };
            dense.push(specs.len());
            specs.push(LayerSpec::Dense { outputs: rows });
            if l + 1 < layers.len() {
                hidden.push(specs.len());
                specs.push(act);
            }
            parts.push((what, weight, bias));
        }
        let mut net = Network::new(sizes[0], &specs).map_err(|e| e.to_string())?;
        // Every layer's width must be the one `sizes` states.
        for (l, &i) in hidden.iter().chain(dense.last()).enumerate() {
            let width = net.layer_outputs(i).unwrap_or(0);
            if width != sizes[l + 1] {
                return Err(format!(
                    "layer {l} has {width} outputs after its activation, `sizes` says {}",
                    sizes[l + 1]
                ));
            }
        }
        let (mut weight_tensors, mut prelu_tensors) = (Vec::new(), Vec::new());
        let mut tensor = 0;
        for (l, (what, weight, bias)) in parts.iter().enumerate() {
            let inputs = if l == 0 {
                sizes[0]
            } else {
                net.layer_outputs(dense[l] - 1).unwrap_or(0)
            };
            weight.expect_shape(&format!("{what}.weight"), &[weight.shape[0], inputs])?;
            bias.expect_shape(&format!("{what}.bias"), &[weight.shape[0]])?;
            weight_tensors.push(tensor);
            net.set_param(tensor, &cast(&weight.data))
                .map_err(|e| e.to_string())?;
            net.set_param(tensor + 1, &cast(&bias.data))
                .map_err(|e| e.to_string())?;
            tensor += 2;
            if matches!(act, LayerSpec::Prelu { .. }) && l + 1 < parts.len() {
                prelu_tensors.push(tensor);
                tensor += 1;
            }
        }
        Ok(Mlp {
            net,
            dense,
            hidden,
            weight_tensors,
            prelu_tensors,
            loss,
        })
    }

    /// The case's targets in the loss's form.
    pub fn targets(&self, case: Fields<'_>) -> Result<Targets<F>, CaseError> {
        Ok(if self.loss.class_targets() {
            Targets::Classes(case.indices("target")?)
        } else {
            Targets::Values(cast(&case.tensor("target")?.data))
        })
    }

    /// The loss of the network's output in `cache` and its gradient.
    pub fn loss_and_grad(
        &self,
        cache: &Cache<F>,
        targets: &Targets<F>,
    ) -> Result<(F, Vec<F>), CaseError> {
        self.loss
            .loss_and_grad(cache.output(), self.net.outputs(), targets.as_target())
            .map_err(|e| e.to_string())
    }
}

/// Owned targets.
pub(crate) enum Targets<F> {
    /// Values.
    Values(Vec<F>),
    /// Class indices.
    Classes(Vec<usize>),
}

impl<F> Targets<F> {
    fn as_target(&self) -> Target<'_, F> {
        match self {
            Targets::Values(v) => Target::Values(v),
            Targets::Classes(c) => Target::Classes(c),
        }
    }
}

/// Reads a field that holds one tensor per layer.
fn per_layer(case: Fields<'_>, name: &str, layers: usize) -> Result<Vec<Tensor>, CaseError> {
    let items = case.array(name)?;
    if items.len() != layers {
        return Err(format!(
            "`{name}` has {} entries for {layers} layers",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(l, v)| Tensor::from_value(v, &format!("{name}[{l}]")))
        .collect()
}

/// Runs one MLP case in precision `F`.
fn run<F: Float>(case: Fields<'_>, p: Precision) -> Result<Comparison, CaseError> {
    let tol = Tolerance::single(p);
    let mlp = Mlp::<F>::build(case, "layers")?;
    let net = &mlp.net;
    let layers = mlp.dense.len();
    let x = case.tensor("x")?;
    let cache = net
        .forward_train(&cast(&x.data))
        .map_err(|e| e.to_string())?;
    let targets = mlp.targets(case)?;
    let (loss, dy) = mlp.loss_and_grad(&cache, &targets)?;
    let mut grads = net.zeroed();
    let all = net
        .backward_all(&cache, &dy, &mut grads)
        .map_err(|e| e.to_string())?;

    let mut cmp = Comparison::default();
    let z = per_layer(case, "z", layers)?;
    let a = per_layer(case, "a", layers)?;
    let grad_z = per_layer(case, "grad_z", layers)?;
    for l in 0..layers {
        let d = mlp.dense[l];
        cmp.values(
            &format!("z[{l}]"),
            widen(cache.layer_output(d)),
            &z[l].data,
            tol,
        )?;
        let a_index = mlp.hidden.get(l).copied().unwrap_or(d);
        cmp.values(
            &format!("a[{l}]"),
            widen(cache.layer_output(a_index)),
            &a[l].data,
            tol,
        )?;
        cmp.values(
            &format!("grad_z[{l}]"),
            widen(&all[d + 1]),
            &grad_z[l].data,
            tol,
        )?;
    }
    if case.has("probs") {
        let width = net.outputs();
        let mut probs = vec![F::ZERO; cache.output().len()];
        for (o, pr) in cache
            .output()
            .chunks_exact(width)
            .zip(probs.chunks_exact_mut(width))
        {
            nn_core::kernels::softmax_forward(o, pr);
        }
        cmp.values("probs", widen(&probs), &case.tensor("probs")?.data, tol)?;
    }
    cmp.scalar("loss_value", loss.to_f64(), case.number("loss_value")?, tol);

    let grad_layers = case.array("grad_layers")?;
    if grad_layers.len() != layers {
        return Err(format!(
            "`grad_layers` has {} entries for {layers} layers",
            grad_layers.len()
        ));
    }
    let grad_params: Vec<&[F]> = grads.params().map(|p| p.values).collect();
    for (l, g) in grad_layers.iter().enumerate() {
        let g = Fields::new(g, "grad_layers")?;
        let t = mlp.weight_tensors[l];
        let w = format!("grad_layers[{l}].weight");
        cmp.values(&w, widen(grad_params[t]), &g.tensor("weight")?.data, tol)?;
        let b = format!("grad_layers[{l}].bias");
        cmp.values(&b, widen(grad_params[t + 1]), &g.tensor("bias")?.data, tol)?;
    }
    cmp.values("grad_x", widen(&all[0]), &case.tensor("grad_x")?.data, tol)?;
    match (case.has("grad_prelu_a"), mlp.prelu_tensors.is_empty()) {
        (true, false) => {
            let got = mlp
                .prelu_tensors
                .iter()
                .flat_map(|&t| widen(grad_params[t]));
            cmp.values("grad_prelu_a", got, &case.tensor("grad_prelu_a")?.data, tol)?;
        }
        (true, true) => return Err("`grad_prelu_a` given for a network without prelu".into()),
        (false, false) => return Err("missing field `grad_prelu_a`".into()),
        (false, true) => {}
    }
    Ok(cmp)
}
