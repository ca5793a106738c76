//! Every case of `optimizers.json` (PyTorch 25-step trajectories) through the
//! public slice API, in f64 and in f32, with the tolerances of the reference
//! README. A case whose optimizer or hyper-parameters cannot be mapped fails.

use nn_core::Float;
use nn_optim::{
    Absent, AdaMaxConfig, AdaMaxRule, AdadeltaConfig, AdadeltaRule, AdagradConfig, AdagradRule,
    AdamConfig, AdamRule, AdamWConfig, AdamWRule, NAdamConfig, NAdamRule, Present, RmsPropConfig,
    RmsPropRule, Rule, SgdConfig, SgdRule,
};
use serde_json::Value;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/reference/optimizers.json"
);

/// `(rtol, atol)` for trajectory values and for `grads`.
struct Tol {
    traj: (f64, f64),
    grads: (f64, f64),
}

const F64_TOL: Tol = Tol {
    traj: (1e-8, 1e-12),
    grads: (1e-8, 1e-12),
};
const F32_TOL: Tol = Tol {
    traj: (1e-3, 1e-5),
    grads: (1e-3, 5e-4),
};

enum Objective {
    Quartic { a: Vec<f64>, c: Vec<f64>, b: f64 },
    Rosenbrock { a: f64, b: f64 },
}

impl Objective {
    fn parse(v: &Value) -> Result<Self, String> {
        let num = |k: &str| v[k].as_f64().ok_or(format!("function field {k} missing"));
        match v["name"].as_str() {
            Some("quartic") => Ok(Objective::Quartic {
                a: vec_f64(&v["a"])?,
                c: vec_f64(&v["c"])?,
                b: num("b")?,
            }),
            Some("rosenbrock") => Ok(Objective::Rosenbrock {
                a: num("a")?,
                b: num("b")?,
            }),
            other => Err(format!("unknown function {other:?}")),
        }
    }

    /// Value and gradient at `w`, computed in `F`.
    fn eval<F: Float>(&self, w: &[F]) -> (F, Vec<F>) {
        let c = F::from_f64;
        match self {
            Objective::Quartic { a, c: cc, b } => {
                let b = c(*b);
                let mut f = F::ZERO;
                let mut g = Vec::with_capacity(w.len());
                for (i, &wi) in w.iter().enumerate() {
                    let (ai, ci) = (c(a[i]), c(cc[i]));
                    let r = wi - ci;
                    f += ai * r * r + b * wi * wi * wi * wi / c(4.0);
                    g.push(c(2.0) * ai * r + b * wi * wi * wi);
                }
                (f, g)
            }
            Objective::Rosenbrock { a, b } => {
                let (a, b) = (c(*a), c(*b));
                let (x, y) = (w[0], w[1]);
                let r = y - x * x;
                let f = (a - x) * (a - x) + b * r * r;
                let gx = c(-2.0) * (a - x) - c(4.0) * b * x * r;
                let gy = c(2.0) * b * r;
                (f, vec![gx, gy])
            }
        }
    }
}

fn vec_f64(v: &Value) -> Result<Vec<f64>, String> {
    v.as_array()
        .ok_or("expected an array")?
        .iter()
        .map(|x| x.as_f64().ok_or_else(|| "expected a number".to_string()))
        .collect()
}

fn matrix(v: &Value) -> Result<Vec<Vec<f64>>, String> {
    v.as_array()
        .ok_or("expected an array of arrays")?
        .iter()
        .map(vec_f64)
        .collect()
}

/// Reads the hyper-parameters, refusing any key the mapping does not know.
struct Hyper<'a> {
    map: &'a serde_json::Map<String, Value>,
}

impl Hyper<'_> {
    fn expect_keys(&self, known: &[&str]) -> Result<(), String> {
        for k in self.map.keys() {
            if !known.contains(&k.as_str()) {
                return Err(format!("hyper-parameter {k} cannot be mapped"));
            }
        }
        if self.map.get("maximize").and_then(Value::as_bool) != Some(false) {
            return Err("maximize must be present and false".into());
        }
        Ok(())
    }
    fn num(&self, k: &str) -> Result<f64, String> {
        self.map
            .get(k)
            .and_then(Value::as_f64)
            .ok_or(format!("hyper-parameter {k} missing"))
    }
    fn flag(&self, k: &str) -> Result<bool, String> {
        self.map
            .get(k)
            .and_then(Value::as_bool)
            .ok_or(format!("hyper-parameter {k} missing"))
    }
    fn betas(&self) -> Result<(f64, f64), String> {
        let b = vec_f64(self.map.get("betas").ok_or("betas missing")?)?;
        match b[..] {
            [b1, b2] => Ok((b1, b2)),
            _ => Err("betas must have two entries".into()),
        }
    }
}

struct Trajectory {
    f: Vec<f64>,
    grads: Vec<Vec<f64>>,
    params: Vec<Vec<f64>>,
    final_f: f64,
}

/// Runs `steps` steps of `rule` through the public slice API.
fn run<R: Rule>(
    mut rule: R,
    obj: &Objective,
    x0: &[f64],
    steps: usize,
) -> Result<Trajectory, String> {
    let mut w: Vec<R::Float> = x0.iter().map(|&x| R::Float::from_f64(x)).collect();
    let mut state = R::state_with(|| vec![R::Float::ZERO; w.len()]);
    let mut t = Trajectory {
        f: vec![],
        grads: vec![],
        params: vec![],
        final_f: 0.0,
    };
    for _ in 0..steps {
        let (f, g) = obj.eval(&w);
        t.f.push(f.to_f64());
        t.grads.push(g.iter().map(|x| x.to_f64()).collect());
        rule.step(&mut w, &g, R::slices(&mut state))
            .map_err(|e| e.to_string())?;
        t.params.push(w.iter().map(|x| x.to_f64()).collect());
    }
    t.final_f = obj.eval(&w).0.to_f64();
    Ok(t)
}

fn run_case<F: Float>(case: &Value) -> Result<Trajectory, String> {
    let hp = Hyper {
        map: case["hyperparams"]
            .as_object()
            .ok_or("hyperparams missing")?,
    };
    let obj = Objective::parse(&case["function"])?;
    let x0 = vec_f64(&case["x0"])?;
    let steps = case["steps"].as_u64().ok_or("steps missing")? as usize;
    let err = |e: nn_optim::ConfigError| e.to_string();
    match case["optimizer"].as_str().unwrap_or("") {
        "SGD" => {
            hp.expect_keys(&[
                "lr",
                "momentum",
                "dampening",
                "weight_decay",
                "nesterov",
                "maximize",
            ])?;
            let c = SgdConfig {
                lr: hp.num("lr")?,
                momentum: hp.num("momentum")?,
                dampening: hp.num("dampening")?,
                weight_decay: hp.num("weight_decay")?,
                nesterov: hp.flag("nesterov")?,
            };
            if c.momentum != 0.0 {
                run(
                    SgdRule::<F, Present>::new(c).map_err(err)?,
                    &obj,
                    &x0,
                    steps,
                )
            } else {
                run(SgdRule::<F>::new(c).map_err(err)?, &obj, &x0, steps)
            }
        }
        "Adagrad" => {
            hp.expect_keys(&[
                "lr",
                "lr_decay",
                "eps",
                "weight_decay",
                "initial_accumulator_value",
                "maximize",
            ])?;
            let c = AdagradConfig {
                lr: hp.num("lr")?,
                lr_decay: hp.num("lr_decay")?,
                weight_decay: hp.num("weight_decay")?,
                initial_accumulator_value: hp.num("initial_accumulator_value")?,
                eps: hp.num("eps")?,
            };
            run(AdagradRule::<F>::new(c).map_err(err)?, &obj, &x0, steps)
        }
        "Adadelta" => {
            hp.expect_keys(&["lr", "rho", "eps", "weight_decay", "maximize"])?;
            let c = AdadeltaConfig {
                lr: hp.num("lr")?,
                rho: hp.num("rho")?,
                eps: hp.num("eps")?,
                weight_decay: hp.num("weight_decay")?,
            };
            run(AdadeltaRule::<F>::new(c).map_err(err)?, &obj, &x0, steps)
        }
        "RMSprop" => {
            hp.expect_keys(&[
                "lr",
                "momentum",
                "alpha",
                "eps",
                "centered",
                "weight_decay",
                "maximize",
            ])?;
            let c = RmsPropConfig {
                lr: hp.num("lr")?,
                alpha: hp.num("alpha")?,
                eps: hp.num("eps")?,
                weight_decay: hp.num("weight_decay")?,
                momentum: hp.num("momentum")?,
                centered: hp.flag("centered")?,
            };
            match (c.centered, c.momentum > 0.0) {
                (false, false) => run(RmsPropRule::<F>::new(c).map_err(err)?, &obj, &x0, steps),
                (true, false) => run(
                    RmsPropRule::<F, Present>::new(c).map_err(err)?,
                    &obj,
                    &x0,
                    steps,
                ),
                (false, true) => run(
                    RmsPropRule::<F, Absent, Present>::new(c).map_err(err)?,
                    &obj,
                    &x0,
                    steps,
                ),
                (true, true) => run(
                    RmsPropRule::<F, Present, Present>::new(c).map_err(err)?,
                    &obj,
                    &x0,
                    steps,
                ),
            }
        }
        name @ ("Adam" | "AdamW") => {
            hp.expect_keys(&[
                "lr",
                "betas",
                "eps",
                "weight_decay",
                "amsgrad",
                "maximize",
                "decoupled_weight_decay",
            ])?;
            let c = AdamConfig {
                lr: hp.num("lr")?,
                betas: hp.betas()?,
                eps: hp.num("eps")?,
                weight_decay: hp.num("weight_decay")?,
                amsgrad: hp.flag("amsgrad")?,
            };
            let w = AdamWConfig::from(c);
            match (name, hp.flag("decoupled_weight_decay")?, c.amsgrad) {
                ("Adam", false, false) => {
                    run(AdamRule::<F>::new(c).map_err(err)?, &obj, &x0, steps)
                }
                ("Adam", false, true) => run(
                    AdamRule::<F, Present>::new(c).map_err(err)?,
                    &obj,
                    &x0,
                    steps,
                ),
                (_, true, false) => run(AdamWRule::<F>::new(w).map_err(err)?, &obj, &x0, steps),
                (_, true, true) => run(
                    AdamWRule::<F, Present>::new(w).map_err(err)?,
                    &obj,
                    &x0,
                    steps,
                ),
                _ => Err("AdamW without decoupled weight decay cannot be mapped".into()),
            }
        }
        "Adamax" => {
            hp.expect_keys(&["lr", "betas", "eps", "weight_decay", "maximize"])?;
            let c = AdaMaxConfig {
                lr: hp.num("lr")?,
                betas: hp.betas()?,
                eps: hp.num("eps")?,
                weight_decay: hp.num("weight_decay")?,
            };
            run(AdaMaxRule::<F>::new(c).map_err(err)?, &obj, &x0, steps)
        }
        "NAdam" => {
            hp.expect_keys(&[
                "lr",
                "betas",
                "eps",
                "weight_decay",
                "momentum_decay",
                "decoupled_weight_decay",
                "maximize",
            ])?;
            let c = NAdamConfig {
                lr: hp.num("lr")?,
                betas: hp.betas()?,
                eps: hp.num("eps")?,
                weight_decay: hp.num("weight_decay")?,
                momentum_decay: hp.num("momentum_decay")?,
                decoupled_weight_decay: hp.flag("decoupled_weight_decay")?,
            };
            run(NAdamRule::<F>::new(c).map_err(err)?, &obj, &x0, steps)
        }
        other => Err(format!("optimizer {other:?} cannot be mapped")),
    }
}

fn close(got: f64, want: f64, (rtol, atol): (f64, f64)) -> bool {
    (got - want).abs() <= atol + rtol * want.abs()
}

fn compare_rows(
    what: &str,
    got: &[Vec<f64>],
    want: &[Vec<f64>],
    tol: (f64, f64),
) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{what}: {} rows, want {}", got.len(), want.len()));
    }
    for (t, (g, w)) in got.iter().zip(want).enumerate() {
        if g.len() != w.len() {
            return Err(format!("{what}[{t}]: length {}, want {}", g.len(), w.len()));
        }
        for (i, (&a, &b)) in g.iter().zip(w).enumerate() {
            if !close(a, b, tol) {
                return Err(format!("{what}[{t}][{i}] = {a:e}, want {b:e}"));
            }
        }
    }
    Ok(())
}

fn check_case<F: Float>(case: &Value, tol: &Tol) -> Result<(), String> {
    let got = run_case::<F>(case)?;
    let want_f = vec_f64(&case["f"])?;
    compare_rows(
        "f",
        &got.f.iter().map(|&x| vec![x]).collect::<Vec<_>>(),
        &want_f.iter().map(|&x| vec![x]).collect::<Vec<_>>(),
        tol.traj,
    )?;
    compare_rows("grads", &got.grads, &matrix(&case["grads"])?, tol.grads)?;
    compare_rows("params", &got.params, &matrix(&case["params"])?, tol.traj)?;
    let want_final = case["final_f"].as_f64().ok_or("final_f missing")?;
    if !close(got.final_f, want_final, tol.traj) {
        return Err(format!("final_f = {:e}, want {want_final:e}", got.final_f));
    }
    Ok(())
}

fn check_all<F: Float>(tol: &Tol) {
    let text = std::fs::read_to_string(PATH).expect("optimizers.json is readable");
    let doc: Value = serde_json::from_str(&text).expect("optimizers.json parses");
    let cases = doc["cases"].as_array().expect("cases array");
    assert_eq!(cases.len(), 48, "the reference file has 48 cases");
    let mut failed = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        if let Err(e) = check_case::<F>(case, tol) {
            failed.push(format!("{id} ({}): {e}", F::NAME));
        }
    }
    println!(
        "optimizers.json {}: {} passed, {} failed",
        F::NAME,
        cases.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "failed cases:\n{}", failed.join("\n"));
}

#[test]
fn optimizers_json_f64() {
    check_all::<f64>(&F64_TOL);
}

#[test]
fn optimizers_json_f32() {
    check_all::<f32>(&F32_TOL);
}
