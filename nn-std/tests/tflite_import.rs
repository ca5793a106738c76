//! `.tflite` import against the LiteRT-made reference models of
//! `shared/reference/int8/`: every file parses and its parameters equal the
//! JSON's `layers` exactly; the float model is refused; damaged files give
//! errors, never panics.

use std::panic::{AssertUnwindSafe, catch_unwind};

use nn_std::quant::{FusedActivation, QLayerParams, QParams};
use nn_std::tflite::{TfliteError, read};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/int8/");

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_slice(&bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ints<T: TryFrom<i64>>(v: &Value) -> Vec<T> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| {
            T::try_from(x.as_i64().expect("integer"))
                .ok()
                .expect("in range")
        })
        .collect()
}

/// A float32 stored as the f64 that equals it: the cast is exact.
fn f32s(v: &Value) -> Vec<f32> {
    let values = v.as_array().expect("array").iter();
    values.map(|x| x.as_f64().expect("number") as f32).collect()
}

fn params(v: &Value, scale: &str, zero_point: &str) -> QParams {
    QParams {
        scale: v[scale].as_f64().expect("scale") as f32,
        zero_point: v[zero_point].as_i64().expect("zero point") as i32,
    }
}

fn layer_from_json(l: &Value) -> QLayerParams {
    let weights: Vec<i8> = l["weights"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(ints::<i8>)
        .collect();
    assert!(
        ints::<i64>(&l["weight_zero_points"])
            .iter()
            .all(|&z| z == 0)
    );
    QLayerParams {
        in_features: l["in_features"].as_u64().expect("in") as usize,
        out_features: l["out_features"].as_u64().expect("out") as usize,
        weights,
        bias: (!l["bias"].is_null()).then(|| ints(&l["bias"])),
        input: params(l, "input_scale", "input_zero_point"),
        output: params(l, "output_scale", "output_zero_point"),
        weight_scales: f32s(&l["weight_scales"]),
        activation: match l["fused_activation"].as_str() {
            Some("NONE") => FusedActivation::None,
            Some("RELU") => FusedActivation::Relu,
            Some("RELU6") => FusedActivation::Relu6,
            other => panic!("activation {other:?}"),
        },
    }
}

/// Parses `file` and compares it with the JSON object `doc` (which has
/// `input`, `output` and `layers`); returns the number of layers.
fn check_file(file: &str, doc: &Value, float_io: bool) -> usize {
    let imported = read(&bytes(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let model = &imported.network;
    let expected: Vec<QLayerParams> = doc["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(layer_from_json)
        .collect();
    assert!(model.layers().eq(&expected), "{file}");
    assert_eq!(
        model.input_quantization(),
        params(&doc["input"], "scale", "zero_point"),
        "{file}"
    );
    assert_eq!(
        model.output_quantization(),
        params(&doc["output"], "scale", "zero_point"),
        "{file}"
    );
    assert_eq!(
        (imported.float_input, imported.float_output),
        (float_io, float_io),
        "{file}"
    );
    assert_eq!(imported.softmax, None, "{file}");
    expected.len()
}

#[test]
fn whole_models_match_their_json() {
    for (stem, json_name) in [
        ("digits_mlp_int8", "digits_mlp_int8.json"),
        ("sine_int8", "sine_int8.json"),
    ] {
        let doc = json(json_name);
        for (file, float_io) in [
            (format!("{stem}.tflite"), false),
            (format!("{stem}_floatio.tflite"), true),
        ] {
            let layers = check_file(&file, &doc, float_io);
            println!("{file}: {layers} layers match {json_name}");
        }
    }
}

#[test]
fn every_fc_case_matches_its_json() {
    let doc = json("fc_cases.json");
    let cases = doc["cases"].as_array().expect("cases");
    let mut per_channel_scales = 0;
    for case in cases {
        let file = case["tflite_file"].as_str().expect("file");
        check_file(file, case, false);
        for layer in case["layers"].as_array().expect("layers") {
            let per_channel = layer["weight_quantization"] == "per_channel";
            let scales = layer["weight_scales"].as_array().expect("scales").len();
            // A per-channel layer with one output stores one scale, which
            // TFLite (and the parsed model) treats as per tensor.
            assert_eq!(scales > 1, per_channel && scales == layer["out_features"]);
            per_channel_scales += usize::from(scales > 1);
        }
    }
    assert_eq!(cases.len(), 24);
    assert!(per_channel_scales > 10);
    println!("{} fc_cases files match fc_cases.json", cases.len());
}

#[test]
fn the_float_model_is_refused() {
    let error = read(&bytes("digits_mlp_float.tflite")).unwrap_err();
    assert!(matches!(error, TfliteError::FloatModel { .. }), "{error:?}");
    println!("{error}");
}

#[test]
fn not_a_tflite_file() {
    for junk in [
        &b""[..],
        b"TFL3",
        b"1234TFL2xxxxxxxx",
        &bytes("fc_cases.json"),
    ] {
        assert!(matches!(read(junk), Err(TfliteError::NotTflite)));
    }
}

/// Runs `read` and fails the test if it panics.
fn read_without_panic(data: &[u8], what: &str) -> Result<(), TfliteError> {
    catch_unwind(AssertUnwindSafe(|| read(data).map(|_| ())))
        .unwrap_or_else(|_| panic!("read panicked on {what}"))
}

#[test]
fn every_truncation_is_an_error() {
    for file in [
        "digits_mlp_int8.tflite",
        "fc_cases/pc_in7_out13_out1.tflite",
    ] {
        let data = bytes(file);
        for len in 0..data.len() {
            let result = read_without_panic(&data[..len], &format!("{file} cut to {len} bytes"));
            assert!(result.is_err(), "{file} cut to {len} bytes parsed");
        }
    }
}

#[test]
fn bit_flips_never_panic() {
    let data = bytes("fc_cases/pc_in26_out11_out10_random.tflite");
    let (mut ok, mut errors) = (0, 0);
    for i in 0..data.len() {
        for bit in [0, 3, 7] {
            let mut damaged = data.clone();
            damaged[i] ^= 1 << bit;
            match read_without_panic(&damaged, &format!("byte {i} bit {bit} flipped")) {
                Ok(()) => ok += 1,
                Err(_) => errors += 1,
            }
        }
    }
    // Flips in weights, biases or unread fields still parse; flips in the
    // structure are caught.
    println!("bit flips: {ok} parsed, {errors} refused");
    assert!(ok > 0 && errors > 0);
}
