//! int8 layers against TensorFlow Lite Micro (`shared/reference/int8/`):
//! multipliers, activation bounds, input quantization, every layer and model
//! output of the `tflm` kernel bit for bit, dequantization and predictions.
//! Each file's checks are counted and printed as `N passed, M failed`.

mod common;

use nn_core::quant::{FusedActivation, Infer, OutputStage, QDense, Requant};
use nn_core::quant::{dequantize, fold_input_zero_point, fully_connected, quantize};
use nn_core::quant::{per_channel_multiplier, per_tensor_multiplier, quantize_multiplier};
use nn_core::{Seq, seq};
use serde_json::Value;

/// Passed and failed checks of one oracle file; failures are listed.
struct Tally {
    file: &'static str,
    passed: usize,
    failed: Vec<String>,
}

impl Tally {
    fn new(file: &'static str) -> Self {
        Tally {
            file,
            passed: 0,
            failed: Vec::new(),
        }
    }

    fn check<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got == want {
            self.passed += 1;
        } else {
            self.failed
                .push(format!("{what}: got {got:?}, want {want:?}"));
        }
    }

    fn finish(self) {
        println!(
            "{}: {} passed, {} failed",
            self.file,
            self.passed,
            self.failed.len()
        );
        for f in self.failed.iter().take(20) {
            println!("  {f}");
        }
        assert!(
            self.passed > 0 && self.failed.is_empty(),
            "{}: failures",
            self.file
        );
    }
}

/// Reads `shared/reference/int8/<name>.json` from the nearest ancestor of
/// the crate that has it (the repository's parent, or a worktree's).
fn load(name: &str) -> Value {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = crate_dir
        .ancestors()
        .map(|dir| dir.join(format!("shared/reference/int8/{name}.json")))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("shared/reference/int8/{name}.json not found above the crate"));
    let text = std::fs::read_to_string(&path).expect("readable oracle file");
    serde_json::from_str(&text).expect("valid JSON")
}

/// A JSON integer array of any nesting, flattened row-major.
fn ints<T: TryFrom<i64>>(v: &Value) -> Vec<T> {
    let int = |x: f64| T::try_from(x as i64).ok().expect("integer in range");
    common::flat(v).into_iter().map(int).collect()
}

fn f32_of(v: &Value) -> f32 {
    v.as_f64().expect("number") as f32
}

fn activation(name: &str) -> FusedActivation {
    match name {
        "NONE" => FusedActivation::None,
        "RELU" => FusedActivation::Relu,
        "RELU6" => FusedActivation::Relu6,
        other => panic!("activation {other}"),
    }
}

/// One fully connected layer's kernel inputs, computed from the scales.
struct Layer {
    n_in: usize,
    weights: Vec<i8>,
    folded_bias: Vec<i32>,
    multiplier: Vec<i32>,
    shift: Vec<i32>,
    zero_point: i32,
    min: i8,
    max: i8,
}

impl Layer {
    /// Builds the layer from the scales (as a converter-made model gives
    /// them) and checks (a) the real multipliers, Q31 multipliers and shifts
    /// and (b) the activation bounds against the file.
    fn from_json(l: &Value, what: &str, tally: &mut Tally) -> Self {
        let (n_in, n_out) = (
            l["in_features"].as_u64().unwrap() as usize,
            l["out_features"].as_u64().unwrap() as usize,
        );
        let (s_in, s_out) = (f32_of(&l["input_scale"]), f32_of(&l["output_scale"]));
        let weight_scales: Vec<f32> = common::flat(&l["weight_scales"])
            .iter()
            .map(|&s| s as f32)
            .collect();
        let real: Vec<f64> = match l["weight_quantization"].as_str().unwrap() {
            "per_channel" => weight_scales
                .iter()
                .map(|&s| per_channel_multiplier(s_in, s, s_out))
                .collect(),
            "per_tensor" => vec![per_tensor_multiplier(s_in, weight_scales[0], s_out)],
            other => panic!("{other}"),
        };
        tally.check(
            &format!("{what} real_multipliers"),
            real.clone(),
            common::flat(&l["real_multipliers"]),
        );
        let (m, s): (Vec<i32>, Vec<i32>) = real.iter().map(|&r| quantize_multiplier(r)).unzip();
        tally.check(
            &format!("{what} output_multipliers"),
            m.clone(),
            ints(&l["output_multipliers"]),
        );
        tally.check(
            &format!("{what} output_shifts"),
            s.clone(),
            ints(&l["output_shifts"]),
        );
        let zero_point = l["output_zero_point"].as_i64().unwrap() as i32;
        let act = activation(l["fused_activation"].as_str().unwrap());
        let (min, max) = act
            .bounds(s_out, zero_point)
            .expect("valid output quantization");
        let want = (ints(&l["activation_min"])[0], ints(&l["activation_max"])[0]);
        tally.check(&format!("{what} activation bounds"), (min, max), want);

        let weights: Vec<i8> = ints(&l["weights"]);
        assert_eq!(weights.len(), n_in * n_out, "{what}: weights");
        let bias: Vec<i32> = if l["bias"].is_null() {
            vec![0; n_out]
        } else {
            ints(&l["bias"])
        };
        let zp_in = l["input_zero_point"].as_i64().unwrap() as i32;
        let folded_bias = weights
            .chunks(n_in)
            .zip(&bias)
            .map(|(row, &b)| fold_input_zero_point(row, b, zp_in))
            .collect();
        let broadcast = |v: Vec<i32>| if v.len() == 1 { vec![v[0]; n_out] } else { v };
        Layer {
            n_in,
            weights,
            folded_bias,
            multiplier: broadcast(m),
            shift: broadcast(s),
            zero_point,
            min,
            max,
        }
    }

    fn forward(&self, x: &[i8]) -> Vec<i8> {
        assert_eq!(x.len(), self.n_in);
        let stage = OutputStage {
            multiplier: &self.multiplier,
            shift: &self.shift,
            zero_point: self.zero_point,
            min: self.min,
            max: self.max,
        };
        let mut y = vec![0; self.folded_bias.len()];
        fully_connected(x, &self.weights, &self.folded_bias, &stage, &mut y);
        y
    }

    /// The typed layer with the same parameters (bias already folded, so
    /// the input zero point passed is 0).
    fn typed<const IN: usize, const OUT: usize>(&self) -> QDense<IN, OUT> {
        let weight: Vec<[i8; IN]> = self
            .weights
            .chunks(IN)
            .map(|r| r.try_into().unwrap())
            .collect();
        let requant = Requant {
            multiplier: self.multiplier.clone().try_into().unwrap(),
            shift: self.shift.clone().try_into().unwrap(),
            zero_point: self.zero_point,
            min: self.min,
            max: self.max,
        };
        let bias = self.folded_bias.clone().try_into().unwrap();
        QDense::new(weight.try_into().unwrap(), bias, 0, requant).expect("valid layer")
    }
}

fn layers(file: &Value, what: &str, tally: &mut Tally) -> Vec<Layer> {
    let layers = file["layers"].as_array().expect("layers");
    layers
        .iter()
        .enumerate()
        .map(|(k, l)| Layer::from_json(l, &format!("{what} layer {k}"), tally))
        .collect()
}

fn forward_all(layers: &[Layer], x: &[i8]) -> Vec<i8> {
    layers.iter().fold(x.to_vec(), |h, l| l.forward(&h))
}

/// First index of the largest value.
fn argmax<T: PartialOrd + Copy>(v: &[T]) -> usize {
    (0..v.len()).fold(0, |best, i| if v[i] > v[best] { i } else { best })
}

#[test]
fn fc_cases_match_tflm() {
    let file = load("fc_cases");
    let mut tally = Tally::new("fc_cases.json");
    let cases = file["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 24);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let layers = layers(case, name, &mut tally);
        let want = &case["outputs_by_kernel"]["tflm"];
        for (i, (x, y)) in case["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .zip(want.as_array().unwrap())
            .enumerate()
        {
            tally.check(
                &format!("{name} input {i}"),
                forward_all(&layers, &ints(x)),
                ints(y),
            );
        }
    }
    tally.finish();
}

#[test]
fn quantize_cases_match_tflm() {
    let file = load("quantize_cases");
    let mut tally = Tally::new("quantize_cases.json");
    for case in file["cases"].as_array().unwrap() {
        let (scale, zp) = (
            f32_of(&case["scale"]),
            case["zero_point"].as_i64().unwrap() as i32,
        );
        let want: Vec<i8> = ints(&case["outputs_by_kernel"]["tflm"]);
        let inputs = common::flat(&case["inputs"]);
        for (i, (&x, &w)) in inputs.iter().zip(&want).enumerate() {
            tally.check(
                &format!("{} input {i} ({x})", case["model"]),
                quantize(x as f32, scale, zp),
                w,
            );
        }
    }
    tally.finish();
}

/// `(scale, zero_point)` of a model's `input` or `output`.
fn io(file: &Value, key: &str) -> (f32, i32) {
    (
        f32_of(&file[key]["scale"]),
        file[key]["zero_point"].as_i64().unwrap() as i32,
    )
}

/// Checks (c) input quantization, (d) the slice layers and the typed
/// network against `tflm`, (e) dequantization and (f) predicted classes of
/// one whole-model file.
fn check_model<Net, const IN: usize, const OUT: usize>(
    tally: &mut Tally,
    file: &Value,
    input_key: &str,
    net: impl Fn(&[Layer]) -> Net,
) where
    Net: Infer<[i8; IN], Output = [i8; OUT]> + Infer<[[i8; IN]; 4], Output = [[i8; OUT]; 4]>,
{
    let layers = layers(file, "model", tally);
    let net = net(&layers);
    let ((s_in, zp_in), (s_out, zp_out)) = (io(file, "input"), io(file, "output"));
    let samples = file["samples"].as_array().unwrap();
    let mut batch = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        let x: Vec<i8> = common::flat(&s[input_key])
            .iter()
            .map(|&v| quantize(v as f32, s_in, zp_in))
            .collect();
        tally.check(
            &format!("sample {i} int8_input"),
            x.clone(),
            ints(&s["int8_input"]),
        );
        let tflm: Vec<i8> = ints(&s["int8_output_by_kernel"]["tflm"]);
        tally.check(
            &format!("sample {i} slice layers"),
            forward_all(&layers, &x),
            tflm.clone(),
        );
        let x: [i8; IN] = x.try_into().unwrap();
        tally.check(
            &format!("sample {i} typed network"),
            net.infer(&x).to_vec(),
            tflm.clone(),
        );
        batch.push((x, tflm.clone()));

        let reference: Vec<i8> = ints(&s["int8_output"]);
        let deq: Vec<f32> = reference
            .iter()
            .map(|&q| dequantize(q, s_out, zp_out))
            .collect();
        let want: Vec<f32> = common::flat(&s["dequantized_output"])
            .iter()
            .map(|&v| v as f32)
            .collect();
        tally.check(&format!("sample {i} dequantized_output"), deq, want);
        if let Some(p) = s["predicted"].as_u64() {
            tally.check(
                &format!("sample {i} predicted"),
                argmax(&net.infer(&x)),
                p as usize,
            );
        }
    }
    for (k, chunk) in batch.chunks_exact(4).enumerate() {
        let xs: [[i8; IN]; 4] = std::array::from_fn(|r| chunk[r].0);
        let want: Vec<Vec<i8>> = chunk.iter().map(|(_, y)| y.clone()).collect();
        let got: Vec<Vec<i8>> = net.infer(&xs).iter().map(|y| y.to_vec()).collect();
        tally.check(&format!("batch {k}"), got, want);
    }
}

#[test]
fn digits_mlp_matches_tflm() {
    let file = load("digits_mlp_int8");
    let mut tally = Tally::new("digits_mlp_int8.json");
    check_model::<Seq![QDense<64, 32>, QDense<32, 10>], 64, 10>(
        &mut tally,
        &file,
        "float_input",
        |l| seq![l[0].typed(), l[1].typed()],
    );
    tally.finish();
}

#[test]
fn sine_matches_tflm() {
    let file = load("sine_int8");
    let mut tally = Tally::new("sine_int8.json");
    check_model::<Seq![QDense<1, 16>, QDense<16, 16>, QDense<16, 1>], 1, 1>(
        &mut tally,
        &file,
        "x",
        |l| seq![l[0].typed(), l[1].typed(), l[2].typed()],
    );
    tally.finish();
}
