//! `mlp_training.json`: typed networks (nn-core's `Dense`, `Tanh`, `Sigmoid`,
//! `Mse`, `CrossEntropy`) trained for 10 full-batch steps with the network API
//! ([`Sgd`](nn_optim::Sgd) and [`Adam`](nn_optim::Adam), with or without their optional buffers), compared with PyTorch in f64 and f32 (trajectory
//! tolerances). A case whose shape, activation, loss or optimizer is not
//! mapped fails.

use nn_core::{CrossEntropy, Dense, Float, Loss, Module, Mse, Params, Seq, Sigmoid, Tanh};
use nn_optim::{AdamConfig, AdamRule, Optimizer, Present, Rule, SgdConfig, SgdRule};
use serde_json::Value;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/reference/mlp_training.json"
);

const B: usize = 4;

type TanhNet<F> = Seq![Dense<F, 2, 4>, Tanh, Dense<F, 4, 1>];
type SigmoidNet<F> = Seq![Dense<F, 2, 4>, Sigmoid, Dense<F, 4, 2>];

fn f64s(v: &Value) -> Result<Vec<f64>, String> {
    v.as_array()
        .ok_or("expected an array")?
        .iter()
        .map(|x| x.as_f64().ok_or_else(|| "expected a number".to_string()))
        .collect()
}

fn dense<F: Float, const I: usize, const O: usize>(
    layer: &Value,
) -> Result<Dense<F, I, O>, String> {
    let mut d = Dense::<F, I, O>::zeros();
    let rows = layer["weight"].as_array().ok_or("weight missing")?;
    if rows.len() != O {
        return Err(format!("weight has {} rows, want {O}", rows.len()));
    }
    for (o, row) in rows.iter().enumerate() {
        let row = f64s(row)?;
        if row.len() != I {
            return Err(format!("weight row has {} entries, want {I}", row.len()));
        }
        for (i, &v) in row.iter().enumerate() {
            d.weight[o][i] = F::from_f64(v);
        }
    }
    let bias = f64s(&layer["bias"])?;
    if bias.len() != O {
        return Err(format!("bias has {} entries, want {O}", bias.len()));
    }
    for (o, &v) in bias.iter().enumerate() {
        d.bias[o] = F::from_f64(v);
    }
    Ok(d)
}

fn inputs<F: Float>(case: &Value) -> Result<[[F; 2]; B], String> {
    let rows = case["x"].as_array().ok_or("x missing")?;
    if rows.len() != B {
        return Err(format!("batch of {}, want {B}", rows.len()));
    }
    let mut x = [[F::ZERO; 2]; B];
    for (b, row) in rows.iter().enumerate() {
        let row = f64s(row)?;
        if row.len() != 2 {
            return Err("x rows must have 2 entries".into());
        }
        x[b] = [F::from_f64(row[0]), F::from_f64(row[1])];
    }
    Ok(x)
}

/// One optimizer step on a network and its gradients.
type StepFn<'a, N> = dyn FnMut(&mut N, &N) -> Result<(), String> + 'a;

/// The network API's step of the optimizer `R` for `net`, boxed.
fn stepper<'a, R, N>(config: R::Config, net: &N) -> Result<Box<StepFn<'a, N>>, String>
where
    R: Rule + 'a,
    N: Params<R::Float> + Clone + 'a,
{
    let mut opt = Optimizer::<R, N>::new(config, net).map_err(|e| e.to_string())?;
    Ok(Box::new(move |n, g| {
        opt.step(n, g).map_err(|e| e.to_string())
    }))
}

struct Run {
    losses: Vec<f64>,
    final_loss: f64,
    layers: Vec<(Vec<f64>, Vec<f64>)>,
}

/// Full-batch training through the network API.
fn train<F, N, const O: usize>(
    mut net: N,
    x: &[[F; 2]; B],
    loss: impl Fn(&[[F; O]; B]) -> Result<(F, [[F; O]; B]), String>,
    case: &Value,
) -> Result<Run, String>
where
    F: Float,
    N: Module<[[F; 2]; B], Output = [[F; O]; B]> + Params<F> + Clone,
{
    let hp = case["hyperparams"]
        .as_object()
        .ok_or("hyperparams missing")?;
    let num = |k: &str| {
        hp.get(k)
            .and_then(Value::as_f64)
            .ok_or(format!("{k} missing"))
    };
    let flag = |k: &str| {
        hp.get(k)
            .and_then(Value::as_bool)
            .ok_or(format!("{k} missing"))
    };
    if flag("maximize")? {
        return Err("maximize cannot be mapped".into());
    }
    let mut step: Box<StepFn<'_, N>> = match case["optimizer"].as_str() {
        Some("SGD") => {
            let c = SgdConfig {
                lr: num("lr")?,
                momentum: num("momentum")?,
                dampening: num("dampening")?,
                weight_decay: num("weight_decay")?,
                nesterov: flag("nesterov")?,
            };
            if c.momentum != 0.0 {
                stepper::<SgdRule<F, Present>, N>(c, &net)?
            } else {
                stepper::<SgdRule<F>, N>(c, &net)?
            }
        }
        Some("Adam") => {
            if flag("decoupled_weight_decay")? {
                return Err("decoupled Adam is not mapped here".into());
            }
            let betas = f64s(&hp["betas"])?;
            let c = AdamConfig {
                lr: num("lr")?,
                betas: (betas[0], betas[1]),
                eps: num("eps")?,
                weight_decay: num("weight_decay")?,
                amsgrad: flag("amsgrad")?,
            };
            if c.amsgrad {
                stepper::<AdamRule<F, Present>, N>(c, &net)?
            } else {
                stepper::<AdamRule<F>, N>(c, &net)?
            }
        }
        other => return Err(format!("optimizer {other:?} cannot be mapped")),
    };
    let steps = case["steps"].as_u64().ok_or("steps missing")?;
    let mut losses = Vec::new();
    let mut grads = net.zeroed();
    for _ in 0..steps {
        grads.fill(F::ZERO);
        let (y, cache) = net.forward_train(x);
        let (l, dy) = loss(&y)?;
        losses.push(l.to_f64());
        let _dx: [[F; 2]; B] = net.backward(x, &y, &cache, &dy, &mut grads);
        step(&mut net, &grads)?;
    }
    let final_loss = loss(&net.forward(x))?.0.to_f64();
    // Parameter tensors come in order weight, bias, weight, bias.
    let tensors: Vec<Vec<f64>> = net
        .params()
        .map(|p| p.values.iter().map(|v| v.to_f64()).collect())
        .collect();
    let layers = tensors
        .chunks(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    Ok(Run {
        losses,
        final_loss,
        layers,
    })
}

fn run_case<F: Float>(case: &Value) -> Result<Run, String> {
    let sizes: Vec<u64> = case["sizes"]
        .as_array()
        .ok_or("sizes missing")?
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    let layers = case["initial_layers"]
        .as_array()
        .ok_or("initial_layers missing")?;
    if layers.len() != 2 {
        return Err(format!("{} layers cannot be mapped", layers.len()));
    }
    let x = inputs::<F>(case)?;
    let key = (
        sizes.as_slice(),
        case["activation"].as_str().unwrap_or(""),
        case["loss"].as_str().unwrap_or(""),
    );
    match key {
        ([2, 4, 1], "tanh", "mse") => {
            let net: TanhNet<F> = nn_core::seq![dense(&layers[0])?, Tanh, dense(&layers[1])?];
            let rows = case["target"].as_array().ok_or("target missing")?;
            let mut t = [[F::ZERO; 1]; B];
            for (b, row) in rows.iter().enumerate().take(B) {
                t[b][0] = F::from_f64(f64s(row)?.first().copied().ok_or("empty target row")?);
            }
            train(
                net,
                &x,
                |y| Mse.loss_and_grad(y, &t).map_err(|e| e.to_string()),
                case,
            )
        }
        ([2, 4, 2], "sigmoid", "softmax_cross_entropy") => {
            let net: SigmoidNet<F> = nn_core::seq![dense(&layers[0])?, Sigmoid, dense(&layers[1])?];
            let idx: Vec<usize> = case["target"]
                .as_array()
                .ok_or("target missing")?
                .iter()
                .filter_map(|v| v.as_u64().map(|i| i as usize))
                .collect();
            let t: [usize; B] = idx.try_into().map_err(|_| "target must have 4 indices")?;
            if t.iter().any(|&c| c >= 2) {
                return Err("class index out of range".into());
            }
            train(
                net,
                &x,
                |z| CrossEntropy.loss_and_grad(z, &t).map_err(|e| e.to_string()),
                case,
            )
        }
        other => Err(format!("case shape {other:?} cannot be mapped")),
    }
}

fn close(got: f64, want: f64, (rtol, atol): (f64, f64)) -> Result<(), String> {
    if (got - want).abs() <= atol + rtol * want.abs() {
        Ok(())
    } else {
        Err(format!("{got:e}, want {want:e}"))
    }
}

fn check_case<F: Float>(case: &Value, tol: (f64, f64)) -> Result<(), String> {
    let run = run_case::<F>(case)?;
    let want = f64s(&case["loss_per_step"])?;
    if want.len() != run.losses.len() {
        return Err("number of steps differs".into());
    }
    for (t, (&g, &w)) in run.losses.iter().zip(&want).enumerate() {
        close(g, w, tol).map_err(|e| format!("loss_per_step[{t}]: {e}"))?;
    }
    let final_loss = case["final_loss"].as_f64().ok_or("final_loss missing")?;
    close(run.final_loss, final_loss, tol).map_err(|e| format!("final_loss: {e}"))?;
    let layers = case["final_layers"]
        .as_array()
        .ok_or("final_layers missing")?;
    for (l, (layer, (w, b))) in layers.iter().zip(&run.layers).enumerate() {
        let want_w: Vec<f64> = layer["weight"]
            .as_array()
            .ok_or("weight missing")?
            .iter()
            .map(f64s)
            .collect::<Result<Vec<_>, _>>()?
            .concat();
        let want_b = f64s(&layer["bias"])?;
        for (i, (&g, &w)) in w.iter().zip(&want_w).enumerate() {
            close(g, w, tol).map_err(|e| format!("final_layers[{l}].weight[{i}]: {e}"))?;
        }
        for (i, (&g, &w)) in b.iter().zip(&want_b).enumerate() {
            close(g, w, tol).map_err(|e| format!("final_layers[{l}].bias[{i}]: {e}"))?;
        }
    }
    Ok(())
}

fn check_all<F: Float>(tol: (f64, f64)) {
    let text = std::fs::read_to_string(PATH).expect("mlp_training.json is readable");
    let doc: Value = serde_json::from_str(&text).expect("mlp_training.json parses");
    let cases = doc["cases"].as_array().expect("cases array");
    assert_eq!(cases.len(), 4, "the reference file has 4 cases");
    let mut failed = Vec::new();
    for case in cases {
        if let Err(e) = check_case::<F>(case, tol) {
            failed.push(format!(
                "{} ({}): {e}",
                case["id"].as_str().unwrap_or("?"),
                F::NAME
            ));
        }
    }
    println!(
        "mlp_training.json {}: {} passed, {} failed",
        F::NAME,
        cases.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "failed cases:\n{}", failed.join("\n"));
}

#[test]
fn mlp_training_json_f64() {
    check_all::<f64>((1e-8, 1e-12));
}

#[test]
fn mlp_training_json_f32() {
    check_all::<f32>((1e-3, 1e-5));
}
