//! Cases of `optimizers.json`: 25-step trajectories of one nn-optim optimizer
//! (its slice API) on a test function given by the case.
//!
//! The test functions (quartic, Rosenbrock) are part of the case, like the
//! inputs of the other files: the checker evaluates them to feed the
//! optimizer gradients, and compares those too.

use nn_core::Float;
use nn_optim::{
    Absent, AdaMaxConfig, AdaMaxRule, AdadeltaConfig, AdadeltaRule, AdagradConfig, AdagradRule,
    AdamConfig, AdamRule, AdamWConfig, AdamWRule, NAdamConfig, NAdamRule, Present, RmsPropConfig,
    RmsPropRule, Rule, SgdConfig, SgdRule,
};

use super::{Family, cast, has_all, widen};
use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Precision, Tolerance};

/// `optimizers.json`.
pub(super) const FAMILY: Family = Family {
    name: "optimizers",
    detect: |case| has_all(case, &["optimizer", "function"]),
    run_f64: run::<f64>,
    run_f32: run::<f32>,
};

/// Something to do with an optimizer rule chosen at run time.
pub(crate) trait RuleUser<F: Float> {
    /// What it produces.
    type Output;
    /// Runs with rule `R` (whose type keeps the state buffers `config`
    /// uses) and its configuration.
    fn run<R: Rule<Float = F>>(self, config: R::Config) -> Self::Output;
}

/// Reads a PyTorch parameter group into the nn-optim configuration of the
/// class `optimizer`, then hands it to `user`. Keys left out take PyTorch's
/// defaults; unknown keys, `maximize: true` and unknown classes are errors.
pub(crate) fn with_rule<F: Float, U: RuleUser<F>>(
    optimizer: &str,
    hyper: Fields<'_>,
    user: U,
) -> Result<U::Output, CaseError> {
    let mut h = Hyper::new(hyper)?;
    Ok(match optimizer {
        "SGD" => {
            let mut c = SgdConfig::default();
            h.number("lr", &mut c.lr)?;
            h.number("momentum", &mut c.momentum)?;
            h.number("dampening", &mut c.dampening)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.flag("nesterov", &mut c.nesterov)?;
            h.finish(optimizer)?;
            if c.momentum != 0.0 {
                user.run::<SgdRule<F, Present>>(c)
            } else {
                user.run::<SgdRule<F>>(c)
            }
        }
        "Adagrad" => {
            let mut c = AdagradConfig::default();
            h.number("lr", &mut c.lr)?;
            h.number("lr_decay", &mut c.lr_decay)?;
            h.number("eps", &mut c.eps)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.number(
                "initial_accumulator_value",
                &mut c.initial_accumulator_value,
            )?;
            h.finish(optimizer)?;
            user.run::<AdagradRule<F>>(c)
        }
        "Adadelta" => {
            let mut c = AdadeltaConfig::default();
            h.number("lr", &mut c.lr)?;
            h.number("rho", &mut c.rho)?;
            h.number("eps", &mut c.eps)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.finish(optimizer)?;
            user.run::<AdadeltaRule<F>>(c)
        }
        "RMSprop" => {
            let mut c = RmsPropConfig::default();
            h.number("lr", &mut c.lr)?;
            h.number("momentum", &mut c.momentum)?;
            h.number("alpha", &mut c.alpha)?;
            h.number("eps", &mut c.eps)?;
            h.flag("centered", &mut c.centered)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.finish(optimizer)?;
            match (c.centered, c.momentum > 0.0) {
                (false, false) => user.run::<RmsPropRule<F>>(c),
                (true, false) => user.run::<RmsPropRule<F, Present>>(c),
                (false, true) => user.run::<RmsPropRule<F, Absent, Present>>(c),
                (true, true) => user.run::<RmsPropRule<F, Present, Present>>(c),
            }
        }
        "Adam" | "AdamW" => {
            // PyTorch's AdamW is Adam with decoupled weight decay.
            let mut decoupled = optimizer == "AdamW";
            h.flag("decoupled_weight_decay", &mut decoupled)?;
            let mut c = if decoupled {
                AdamConfig::from(AdamWConfig::default())
            } else {
                AdamConfig::default()
            };
            h.number("lr", &mut c.lr)?;
            h.betas(&mut c.betas)?;
            h.number("eps", &mut c.eps)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.flag("amsgrad", &mut c.amsgrad)?;
            h.finish(optimizer)?;
            match (decoupled, c.amsgrad) {
                (true, false) => user.run::<AdamWRule<F>>(AdamWConfig::from(c)),
                (true, true) => user.run::<AdamWRule<F, Present>>(AdamWConfig::from(c)),
                (false, false) => user.run::<AdamRule<F>>(c),
                (false, true) => user.run::<AdamRule<F, Present>>(c),
            }
        }
        "Adamax" => {
            let mut c = AdaMaxConfig::default();
            h.number("lr", &mut c.lr)?;
            h.betas(&mut c.betas)?;
            h.number("eps", &mut c.eps)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.finish(optimizer)?;
            user.run::<AdaMaxRule<F>>(c)
        }
        "NAdam" => {
            let mut c = NAdamConfig::default();
            h.number("lr", &mut c.lr)?;
            h.betas(&mut c.betas)?;
            h.number("eps", &mut c.eps)?;
            h.number("weight_decay", &mut c.weight_decay)?;
            h.number("momentum_decay", &mut c.momentum_decay)?;
            h.flag("decoupled_weight_decay", &mut c.decoupled_weight_decay)?;
            h.finish(optimizer)?;
            user.run::<NAdamRule<F>>(c)
        }
        other => return Err(format!("unknown optimizer `{other}`")),
    })
}

/// A PyTorch parameter group. It remembers the keys read, so that
/// [`finish`](Hyper::finish) can refuse the others: each key is named once.
struct Hyper<'a> {
    fields: Fields<'a>,
    read: Vec<&'static str>,
}

/// Keys of PyTorch parameter groups that choose an implementation, not the
/// math: accepted when off (`false` or `null`).
const IMPLEMENTATION_FLAGS: [&str; 5] = [
    "maximize",
    "foreach",
    "capturable",
    "differentiable",
    "fused",
];

impl<'a> Hyper<'a> {
    /// The group, refused if an implementation flag is on.
    fn new(fields: Fields<'a>) -> Result<Self, CaseError> {
        for key in IMPLEMENTATION_FLAGS {
            if let Ok(v) = fields.get(key)
                && !(v.is_null() || v.as_bool() == Some(false))
            {
                return Err(format!("`{key}: {v}` is not supported"));
            }
        }
        Ok(Hyper {
            fields,
            read: IMPLEMENTATION_FLAGS.to_vec(),
        })
    }

    /// An error naming the first key that was not read.
    fn finish(&self, optimizer: &str) -> Result<(), CaseError> {
        self.fields.only(&self.read, optimizer)
    }

    fn number(&mut self, key: &'static str, into: &mut f64) -> Result<(), CaseError> {
        self.read.push(key);
        if self.fields.has(key) {
            *into = self.fields.number(key)?;
        }
        Ok(())
    }

    fn flag(&mut self, key: &'static str, into: &mut bool) -> Result<(), CaseError> {
        self.read.push(key);
        if self.fields.has(key) {
            *into = self.fields.flag(key)?;
        }
        Ok(())
    }

    fn betas(&mut self, into: &mut (f64, f64)) -> Result<(), CaseError> {
        self.read.push("betas");
        if self.fields.has("betas") {
            match self.fields.tensor("betas")?.data[..] {
                [b1, b2] => *into = (b1, b2),
                _ => return Err("`betas` must hold two numbers".to_string()),
            }
        }
        Ok(())
    }
}

/// A test function of the optimizer cases.
enum Objective<F> {
    /// `Σ a_i (w_i − c_i)² + b·Σ w_i⁴/4`.
    Quartic { a: Vec<F>, c: Vec<F>, b: F },
    /// `(a − x)² + b·(y − x²)²`.
    Rosenbrock { a: F, b: F },
}

impl<F: Float> Objective<F> {
    fn parse(f: Fields<'_>, n: usize) -> Result<Self, CaseError> {
        let name = f.str("name")?;
        match name {
            "quartic" => {
                f.only(&["name", "a", "b", "c"], name)?;
                let (a, c) = (f.tensor("a")?, f.tensor("c")?);
                a.expect_shape("function.a", &[n])?;
                c.expect_shape("function.c", &[n])?;
                Ok(Objective::Quartic {
                    a: cast(&a.data),
                    c: cast(&c.data),
                    b: F::from_f64(f.number("b")?),
                })
            }
            "rosenbrock" => {
                f.only(&["name", "a", "b"], name)?;
                if n != 2 {
                    return Err(format!("rosenbrock needs 2 parameters, `x0` has {n}"));
                }
                Ok(Objective::Rosenbrock {
                    a: F::from_f64(f.number("a")?),
                    b: F::from_f64(f.number("b")?),
                })
            }
            other => Err(format!("unknown function `{other}`")),
        }
    }

    /// The value and the gradient at `w`.
    fn eval(&self, w: &[F]) -> (F, Vec<F>) {
        match self {
            Objective::Quartic { a, c, b } => {
                let quarter = F::from_f64(0.25);
                let mut f = F::ZERO;
                let mut g = Vec::with_capacity(w.len());
                for ((&wi, &ai), &ci) in w.iter().zip(a).zip(c) {
                    let d = wi - ci;
                    let w3 = wi * wi * wi;
                    f += ai * d * d + *b * (w3 * wi) * quarter;
                    g.push(F::TWO * ai * d + *b * w3);
                }
                (f, g)
            }
            Objective::Rosenbrock { a, b } => {
                let (x, y) = (w[0], w[1]);
                let (u, v) = (*a - x, y - x * x);
                let f = u * u + *b * v * v;
                let four = F::from_f64(4.0);
                (f, vec![-F::TWO * u - four * *b * x * v, F::TWO * *b * v])
            }
        }
    }
}

/// Runs a trajectory with the slice API.
struct Trajectory<'a> {
    case: Fields<'a>,
    p: Precision,
}

impl<F: Float> RuleUser<F> for Trajectory<'_> {
    type Output = Result<Comparison, CaseError>;

    fn run<R: Rule<Float = F>>(self, config: R::Config) -> Self::Output {
        let case = self.case;
        let mut rule = R::new(config).map_err(|e| e.to_string())?;
        let x0 = case.tensor("x0")?;
        let n = x0.data.len();
        let objective = Objective::<F>::parse(case.object("function")?, n)?;
        let steps = case.count("steps")?;
        let mut w = cast::<F>(&x0.data);
        let mut state = R::state_with(|| vec![F::ZERO; n]);
        let (mut fs, mut gs, mut ws) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..steps {
            let (f, g) = objective.eval(&w);
            fs.push(f);
            gs.extend_from_slice(&g);
            rule.step(&mut w, &g, R::slices(&mut state))
                .map_err(|e| e.to_string())?;
            ws.extend_from_slice(&w);
        }
        let (final_f, _) = objective.eval(&w);

        let tol = Tolerance::trajectory(self.p);
        let mut cmp = Comparison::default();
        let shape = |name: &str, t: crate::json::Tensor, dims: &[usize]| {
            t.expect_shape(name, dims).map(|()| t.data)
        };
        cmp.values(
            "f",
            widen(&fs),
            &shape("f", case.tensor("f")?, &[steps])?,
            tol,
        )?;
        let grads = shape("grads", case.tensor("grads")?, &[steps, n])?;
        cmp.values(
            "grads",
            widen(&gs),
            &grads,
            Tolerance::optimizer_grads(self.p),
        )?;
        let params = shape("params", case.tensor("params")?, &[steps, n])?;
        cmp.values("params", widen(&ws), &params, tol)?;
        cmp.scalar("final_f", final_f.to_f64(), case.number("final_f")?, tol);
        Ok(cmp)
    }
}

/// Runs one optimizer case in precision `F`.
fn run<F: Float>(case: Fields<'_>, p: Precision) -> Result<Comparison, CaseError> {
    let optimizer = case.str("optimizer")?;
    with_rule::<F, _>(
        optimizer,
        case.object("hyperparams")?,
        Trajectory { case, p },
    )?
}
