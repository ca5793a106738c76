//! The reference checker on the public PyTorch files, in both precisions, and
//! on files derived from them with other sizes, batches and parameters.

use nn_conformance::{FileReport, Precision, ReferenceError, check_file, check_str};
use serde_json::{Value, json};

fn reference(name: &str) -> String {
    format!(
        "{}/../../../shared/reference/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(reference(name)).unwrap()).unwrap()
}

fn cases(file: &Value) -> &Vec<Value> {
    file["cases"].as_array().unwrap()
}

fn check(file: &Value, p: Precision) -> FileReport {
    check_str(&file.to_string(), "generated", p).unwrap()
}

/// Every case of a public file passes in both precisions, and none is skipped.
fn public_file_passes(name: &str) {
    let n = cases(&load(name)).len();
    assert!(n > 0);
    for p in [Precision::F64, Precision::F32] {
        let report = check_file(reference(name), p).unwrap();
        for case in &report.cases {
            assert!(case.passed(), "{p}: {case}");
        }
        assert_eq!((report.passed(), report.failed()), (n, 0), "{name} {p}");
    }
}

#[test]
fn activations_pass_in_f64_and_f32() {
    public_file_passes("activations");
}

#[test]
fn losses_pass_in_f64_and_f32() {
    public_file_passes("losses");
}

#[test]
fn mlp_passes_in_f64_and_f32() {
    public_file_passes("mlp");
}

/// One case as a file of its own, with `meta.file` removed so that the kind is
/// detected from the fields.
fn single(case: Value) -> Value {
    json!({"meta": {"schema_version": 1}, "cases": [case]})
}

fn find<'a>(file: &'a Value, key: &str, value: &str) -> &'a Value {
    cases(file).iter().find(|c| c[key] == value).unwrap()
}

fn map_numbers(v: &mut Value, f: &impl Fn(f64) -> f64) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| map_numbers(i, f)),
        Value::Number(n) => *v = json!(f(n.as_f64().unwrap())),
        _ => {}
    }
}

#[test]
fn a_wrong_expected_value_fails_in_both_precisions() {
    let acts = load("activations");
    let mut case = find(&acts, "name", "tanh").clone();
    assert!(check(&single(case.clone()), Precision::F64).passed() == 1);
    // Off by 1e-3 relative: far outside both single-evaluation rows.
    let y = case["y"][12].as_f64().unwrap();
    case["y"][12] = json!(y * (1.0 + 1e-3));
    for p in [Precision::F64, Precision::F32] {
        let r = check(&single(case.clone()), p);
        assert_eq!((r.passed(), r.failed()), (0, 1), "{p}");
        assert!(r.cases[0].to_string().contains("y[12]"), "{}", r.cases[0]);
    }
    // Off by 1e-7 relative: fails the f64 row, passes the f32 row.
    let mut case = find(&acts, "name", "tanh").clone();
    case["dydx"][12] = json!(case["dydx"][12].as_f64().unwrap() * (1.0 + 1e-7));
    assert_eq!(check(&single(case.clone()), Precision::F64).failed(), 1);
    assert_eq!(check(&single(case), Precision::F32).passed(), 1);

    let mut mlp = find(&load("mlp"), "id", "mlp_3-5-4-2_tanh_ce").clone();
    mlp["grad_layers"][0]["weight"][1][2] = json!(0.5);
    assert_eq!(check(&single(mlp), Precision::F64).failed(), 1);
    let mut loss = find(&load("losses"), "name", "huber").clone();
    loss["loss"] = json!(loss["loss"].as_f64().unwrap() + 1e-6);
    assert_eq!(check(&single(loss), Precision::F64).failed(), 1);
}

#[test]
fn unknown_names_and_parameters_fail_rather_than_skip() {
    let acts = load("activations");
    let relu = find(&acts, "name", "relu").clone();
    let mut swish = relu.clone();
    swish["name"] = json!("swish");
    let mut extra = relu.clone();
    extra["params"] = json!({"inplace": true});
    let mut huber = find(&load("losses"), "name", "huber").clone();
    huber["params"]["beta"] = json!(2.0);
    let mut p2 = find(&load("losses"), "name", "multi_margin").clone();
    p2["params"]["p"] = json!(2);
    let mut softplus_mlp = find(&load("mlp"), "id", "mlp_2-2-1_relu_mse").clone();
    softplus_mlp["activation"] = json!("softplus");
    let mut sum = find(&load("losses"), "name", "mse").clone();
    sum["reduction"] = json!("sum");
    let file =
        json!({"meta": {}, "cases": [swish, extra, huber, p2, softplus_mlp, sum, {"foo": 1}]});
    let r = check(&file, Precision::F64);
    assert_eq!((r.passed(), r.failed()), (0, 7));
    let lines: Vec<String> = r.cases.iter().map(ToString::to_string).collect();
    assert!(
        lines[0].contains("unknown activation `swish`"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("unknown parameter `inplace`"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("unknown parameter `beta`"),
        "{}",
        lines[2]
    );
    assert!(lines[3].contains("p = 2"), "{}", lines[3]);
    assert!(
        lines[4].contains("unknown activation `softplus`"),
        "{}",
        lines[4]
    );
    assert!(lines[5].contains("reduction `sum`"), "{}", lines[5]);
    assert!(lines[6].contains("cannot tell"), "{}", lines[6]);
}

#[test]
fn malformed_cases_fail_with_a_message() {
    let acts = load("activations");
    let mut ragged = find(&acts, "name", "softmax").clone();
    ragged["x"][1] = json!([1.0, 2.0]);
    let mut short = find(&acts, "name", "sigmoid").clone();
    short["y"].as_array_mut().unwrap().pop();
    let mut no_grad = find(&acts, "name", "sigmoid").clone();
    no_grad.as_object_mut().unwrap().remove("dydx");
    let mut bad_maxout = find(&acts, "name", "maxout").clone();
    bad_maxout["params"]["k"] = json!(4); // 6 inputs are not groups of 4
    let mut wrong_sizes = find(&load("mlp"), "id", "mlp_3-5-4-2_relu_ce").clone();
    wrong_sizes["sizes"] = json!([3, 5, 3, 2]);
    let mut bad_class = find(&load("losses"), "name", "cross_entropy").clone();
    bad_class["target"][0] = json!(7);
    let file = json!({"meta": {"file": "unknown-kind"}, "cases": [
        ragged, short, no_grad, bad_maxout, wrong_sizes, bad_class
    ]});
    let r = check(&file, Precision::F64);
    assert_eq!((r.passed(), r.failed()), (0, 6));
    let lines: Vec<String> = r.cases.iter().map(ToString::to_string).collect();
    assert!(lines[0].contains("not a rectangular array"), "{}", lines[0]);
    assert!(
        lines[1].contains("produced 20 values, the file has 19"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("no gradient to check"), "{}", lines[2]);
    assert!(lines[3].contains("maxout with k = 4"), "{}", lines[3]);
    assert!(lines[4].contains("`sizes` says 3"), "{}", lines[4]);
    assert!(lines[5].contains("class index 7"), "{}", lines[5]);
}

#[test]
fn unreadable_and_invalid_files_are_errors() {
    let err = check_str("{\"cases\": [", "broken", Precision::F64).unwrap_err();
    assert!(matches!(err, ReferenceError::Json { .. }));
    assert!(err.to_string().starts_with("broken: invalid JSON"), "{err}");
    let err = check_str("{\"meta\": {}}", "nocases", Precision::F64).unwrap_err();
    assert!(matches!(err, ReferenceError::Layout { .. }), "{err}");
    let err = check_file("/nonexistent/reference.json", Precision::F64).unwrap_err();
    assert!(matches!(err, ReferenceError::Io { .. }), "{err}");
    // An empty file of cases checks nothing: 0 passed (the example then exits 1).
    let r = check_str("{\"cases\": []}", "empty", Precision::F64).unwrap();
    assert_eq!((r.passed(), r.failed()), (0, 0));
}

#[test]
fn other_activation_parameters_from_closed_forms() {
    // Leaky ReLU and PReLU with a new slope, ELU with a new alpha, on the public
    // inputs; expected values from the formulas of the reference README.
    let acts = load("activations");
    let x: Vec<f64> = serde_json::from_value(find(&acts, "name", "relu")["x"].clone()).unwrap();
    let s = 0.3;
    let leaky = |v: f64| if v > 0.0 { v } else { s * v };
    let slope = |v: f64| if v > 0.0 { 1.0 } else { s };
    let y: Vec<f64> = x.iter().map(|&v| leaky(v)).collect();
    let d: Vec<f64> = x.iter().map(|&v| slope(v)).collect();
    let dyda: Vec<f64> = x.iter().map(|&v| if v > 0.0 { 0.0 } else { v }).collect();
    let file = json!({"cases": [
        {"name": "leaky_relu", "kind": "elementwise", "params": {"negative_slope": s},
         "x": x, "y": y, "dydx": d},
        {"name": "prelu", "kind": "elementwise", "params": {"a": s},
         "x": x, "y": y, "dydx": d, "dyda": dyda},
        // Leaky ReLU with slope 1 is the identity.
        {"name": "leaky_relu", "kind": "vector", "params": {"negative_slope": 1.0},
         "x": [x.clone()], "y": [x.clone()], "upstream": [x.clone()], "vjp": [x.clone()]},
    ]});
    for p in [Precision::F64, Precision::F32] {
        let r = check(&file, p);
        assert_eq!((r.passed(), r.failed()), (3, 0), "{p}: {:?}", r.cases);
    }
}

#[test]
fn a_doubled_batch_passes_with_halved_per_sample_gradients() {
    // Repeating every sample leaves the mean loss and the parameter gradients
    // unchanged, repeats z, a and probs, and halves dL/dz and dL/dx per row
    // (exactly, in binary floating point).
    let mlp = load("mlp");
    for case in cases(&mlp) {
        let mut c = case.clone();
        let twice = |v: &Value| {
            let rows = v.as_array().unwrap();
            Value::Array(rows.iter().chain(rows).cloned().collect())
        };
        for key in ["x", "target", "probs"] {
            if c.get(key).is_some() {
                c[key] = twice(&c[key]);
            }
        }
        for key in ["z", "a", "grad_z"] {
            let per_layer: Vec<Value> = c[key].as_array().unwrap().iter().map(twice).collect();
            c[key] = Value::Array(per_layer);
        }
        c["grad_x"] = twice(&c["grad_x"]);
        map_numbers(&mut c["grad_x"], &|v| v / 2.0);
        map_numbers(&mut c["grad_z"], &|v| v / 2.0);
        for p in [Precision::F64, Precision::F32] {
            let r = check(&single(c.clone()), p);
            assert_eq!(r.passed(), 1, "{p}: {}", r.cases[0]);
        }
    }
}

#[test]
fn a_wider_network_with_a_dead_unit_and_a_constant_input_passes() {
    // 3-5-4-2 relu -> 4-6-4-2: a fourth input fixed at 1 with zero weights (its
    // weight gradient is then the bias gradient, its input gradient 0) and a
    // sixth hidden unit with zero weights in and out (relu(0) = 0: every value
    // and gradient of it is 0).
    let mlp = load("mlp");
    let mut c = find(&mlp, "id", "mlp_3-5-4-2_relu_ce").clone();
    c["id"] = json!("generated_4-6-4-2_relu_ce");
    c["sizes"] = json!([4, 6, 4, 2]);
    let push_col = |m: &mut Value, v: &dyn Fn(usize) -> Value| {
        for (i, row) in m.as_array_mut().unwrap().iter_mut().enumerate() {
            row.as_array_mut().unwrap().push(v(i));
        }
    };
    let zero = |_| json!(0.0);
    let one = |_| json!(1.0);
    push_col(&mut c["x"], &one);
    let gb0 = c["grad_layers"][0]["bias"].clone();
    push_col(&mut c["layers"][0]["weight"], &zero);
    push_col(&mut c["grad_layers"][0]["weight"], &|i| gb0[i].clone());
    push_col(&mut c["grad_x"], &zero);
    // The dead hidden unit: a row of layer 0, a column of layer 1.
    let zero_row = json!([0.0, 0.0, 0.0, 0.0]);
    c["layers"][0]["weight"]
        .as_array_mut()
        .unwrap()
        .push(zero_row.clone());
    c["grad_layers"][0]["weight"]
        .as_array_mut()
        .unwrap()
        .push(zero_row);
    for key in ["layers", "grad_layers"] {
        c[key][0]["bias"].as_array_mut().unwrap().push(json!(0.0));
        push_col(&mut c[key][1]["weight"], &zero);
    }
    for key in ["z", "a", "grad_z"] {
        push_col(&mut c[key][0], &zero);
    }
    for p in [Precision::F64, Precision::F32] {
        let r = check(&single(c.clone()), p);
        assert_eq!(r.passed(), 1, "{p}: {}", r.cases[0]);
    }
    // And the check is live: a wrong value in the new column fails.
    c["grad_layers"][0]["weight"][0][3] = json!(1.0);
    assert_eq!(check(&single(c), Precision::F64).failed(), 1);
}

#[test]
fn optimizers_pass_in_f64_and_f32() {
    public_file_passes("optimizers");
}

#[test]
fn mlp_training_passes_in_f64_and_f32() {
    public_file_passes("mlp_training");
}

#[test]
fn optimizer_cases_fail_on_wrong_values_and_unsupported_settings() {
    let opt = load("optimizers");
    let adam = find(&opt, "id", "adam_amsgrad/rosenbrock").clone();
    assert_eq!(check(&single(adam.clone()), Precision::F32).passed(), 1);
    let mut wrong = adam.clone();
    wrong["params"][20][1] = json!(wrong["params"][20][1].as_f64().unwrap() + 0.01);
    let mut maximize = adam.clone();
    maximize["hyperparams"]["maximize"] = json!(true);
    let mut unknown = adam.clone();
    unknown["optimizer"] = json!("LBFGS");
    let mut extra = adam.clone();
    extra["hyperparams"]["lookahead"] = json!(5);
    let mut function = adam.clone();
    function["function"]["name"] = json!("beale");
    let mut bad_lr = adam;
    bad_lr["hyperparams"]["lr"] = json!(-1.0);
    let mut training = find(&load("mlp_training"), "id", "train_2-4-2_sigmoid_ce_adam").clone();
    let b = training["final_layers"][1]["bias"][0].as_f64().unwrap();
    training["final_layers"][1]["bias"][0] = json!(b + 0.01);
    let file = json!({"meta": {}, "cases": [
        wrong, maximize, unknown, extra, function, bad_lr, training
    ]});
    for p in [Precision::F64, Precision::F32] {
        let r = check(&file, p);
        assert_eq!((r.passed(), r.failed()), (0, 7), "{p}");
        let lines: Vec<String> = r.cases.iter().map(ToString::to_string).collect();
        assert!(lines[0].contains("params[41]"), "{}", lines[0]);
        assert!(
            lines[1].contains("`maximize: true` is not supported"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains("unknown optimizer `LBFGS`"),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].contains("unknown parameter `lookahead`"),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].contains("unknown function `beale`"),
            "{}",
            lines[4]
        );
        assert!(lines[5].contains("`lr`"), "{}", lines[5]);
        assert!(lines[6].contains("final_layers[1].bias[0]"), "{}", lines[6]);
    }
}

#[test]
fn pytorch_defaults_fill_missing_hyperparameters() {
    // The public adam_default case with only `lr` given, and AdamW with its
    // class name deciding the decoupled decay.
    let opt = load("optimizers");
    let mut adam = find(&opt, "id", "adam_default/quartic").clone();
    adam["hyperparams"] = json!({"lr": 0.001});
    let mut adamw = find(&opt, "id", "adamw_default/quartic").clone();
    adamw["hyperparams"] = json!({"foreach": null, "fused": null});
    let r = check(&json!({"cases": [adam, adamw]}), Precision::F64);
    assert_eq!((r.passed(), r.failed()), (2, 0), "{:?}", r.cases);
}
