//! The runtime-shaped int8 network against TensorFlow Lite Micro's outputs
//! (`shared/reference/int8/`) and against the typed const-generic layers.

use nn_core::quant::{FusedActivation, Infer};
use nn_core::seq;
use nn_std::quant::{QLayerParams, QNetwork, QParams};
use serde_json::Value;

/// Reads `shared/reference/int8/<name>.json` from the nearest ancestor of
/// the crate that has it (the repository's parent, or a worktree's).
fn load(name: &str) -> Value {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = crate_dir
        .ancestors()
        .map(|dir| dir.join(format!("shared/reference/int8/{name}.json")))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("shared/reference/int8/{name}.json not found above the crate"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("valid JSON")
}

/// A JSON number array of any nesting, flattened row-major.
fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![other.as_f64().expect("number")],
    }
}

fn ints<T: TryFrom<i64>>(v: &Value) -> Vec<T> {
    let int = |x: f64| T::try_from(x as i64).ok().expect("integer in range");
    flat(v).into_iter().map(int).collect()
}

fn qparams(l: &Value, which: &str) -> QParams {
    QParams {
        scale: l[format!("{which}_scale")].as_f64().unwrap() as f32,
        zero_point: l[format!("{which}_zero_point")].as_i64().unwrap() as i32,
    }
}

/// A layer object of the oracle files as the plain parameters a `.tflite`
/// file gives (no multiplier, shift or bound: those are derived).
fn layer_params(l: &Value) -> QLayerParams {
    QLayerParams {
        in_features: l["in_features"].as_u64().unwrap() as usize,
        out_features: l["out_features"].as_u64().unwrap() as usize,
        weights: ints(&l["weights"]),
        bias: (!l["bias"].is_null()).then(|| ints(&l["bias"])),
        input: qparams(l, "input"),
        output: qparams(l, "output"),
        weight_scales: flat(&l["weight_scales"])
            .iter()
            .map(|&s| s as f32)
            .collect(),
        activation: match l["fused_activation"].as_str().unwrap() {
            "NONE" => FusedActivation::None,
            "RELU" => FusedActivation::Relu,
            "RELU6" => FusedActivation::Relu6,
            other => panic!("activation {other}"),
        },
    }
}

/// The network of a file, after checking its derived multipliers and shifts.
fn network(file: &Value) -> QNetwork {
    let layers = file["layers"].as_array().unwrap();
    let net = QNetwork::new(layers.iter().map(layer_params).collect()).expect("valid model");
    for (k, l) in layers.iter().enumerate() {
        let (m, s) = net.requantization(k).unwrap();
        let broadcast = |v: Vec<i32>| if v.len() == 1 { vec![v[0]; m.len()] } else { v };
        assert_eq!(
            m,
            broadcast(ints(&l["output_multipliers"])),
            "layer {k} multipliers"
        );
        assert_eq!(s, broadcast(ints(&l["output_shifts"])), "layer {k} shifts");
    }
    net
}

/// Runs `batch` (all samples at once) and counts rows equal to `want`.
fn count_matches(net: &QNetwork, batch: &[i8], want: &[Vec<i8>]) -> (usize, usize) {
    let y = net.forward(batch).expect("batch of whole samples");
    let rows = y.chunks(net.outputs()).zip(want);
    let passed = rows.filter(|(got, want)| got == &want.as_slice()).count();
    (passed, want.len() - passed)
}

fn report(file: &str, (passed, failed): (usize, usize)) {
    println!("{file}: {passed} passed, {failed} failed");
    assert!(passed > 0 && failed == 0, "{file}: {failed} failed");
}

#[test]
fn fc_cases_batched_match_tflm() {
    let file = load("fc_cases");
    let (mut passed, mut failed) = (0, 0);
    for case in file["cases"].as_array().unwrap() {
        let net = network(case);
        let want: Vec<Vec<i8>> = case["outputs_by_kernel"]["tflm"]
            .as_array()
            .unwrap()
            .iter()
            .map(ints)
            .collect();
        let (p, f) = count_matches(&net, &ints(&case["inputs"]), &want);
        (passed, failed) = (passed + p, failed + f);
    }
    report("fc_cases.json (QNetwork)", (passed, failed));
}

/// Whole-model files: int8 batch against `tflm`, and the float path
/// (quantize, int8 layers, dequantize) against `tflm` dequantized.
fn check_model(name: &str, input_key: &str) -> QNetwork {
    let file = load(name);
    let net = network(&file);
    let samples = file["samples"].as_array().unwrap();
    let want: Vec<Vec<i8>> = samples
        .iter()
        .map(|s| ints(&s["int8_output_by_kernel"]["tflm"]))
        .collect();
    let batch: Vec<i8> = samples
        .iter()
        .flat_map(|s| ints::<i8>(&s["int8_input"]))
        .collect();
    let (p, f) = count_matches(&net, &batch, &want);
    let floats: Vec<f32> = samples
        .iter()
        .flat_map(|s| flat(&s[input_key]))
        .map(|v| v as f32)
        .collect();
    let q = net.output_quantization();
    let want_f32: Vec<f32> = want
        .iter()
        .flatten()
        .map(|&v| q.scale * (v as i32 - q.zero_point) as f32)
        .collect();
    let float_ok = net.forward_f32(&floats).unwrap() == want_f32;
    report(
        &format!("{name}.json (QNetwork)"),
        (p + float_ok as usize, f + !float_ok as usize),
    );
    net
}

#[test]
fn digits_and_sine_match_tflm() {
    check_model("digits_mlp_int8", "float_input");
    check_model("sine_int8", "x");
}

#[test]
fn typed_layers_equal_the_runtime_network() {
    let net = network(&load("digits_mlp_int8"));
    let typed = seq![
        net.dense::<64, 32>(0).unwrap(),
        net.dense::<32, 10>(1).unwrap()
    ];
    let mut state = 0x2545_f491_u32;
    let x: Vec<i8> = (0..64 * 500)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as i8
        })
        .collect();
    let y = net.forward(&x).unwrap();
    for (xs, ys) in x.chunks(64).zip(y.chunks(10)) {
        assert_eq!(typed.infer(&<[i8; 64]>::try_from(xs).unwrap()), ys);
    }
}
