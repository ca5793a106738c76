//! Post-training quantization against TFLite's converter: the float Digits
//! model of `shared/reference/int8/digits_mlp_float.json`, calibrated on its
//! 200 representative samples, compared with the converter's int8 model
//! `digits_mlp_int8.json`.

use nn_std::ptq::{Calibrator, PtqConfig, PtqError, WeightGranularity, quantize};
use nn_std::quant::{QLayerParams, QNetwork};
use nn_std::runtime::{LayerSpec, Network};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/int8/");

fn json(name: &str) -> Value {
    let bytes = std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Numbers of a nested list, flattened; float32 values are stored as the
/// f64 that equals them, so the cast is exact.
fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![other.as_f64().expect("number")],
    }
}

fn f32s(v: &Value) -> Vec<f32> {
    flat(v).into_iter().map(|x| x as f32).collect()
}

/// The float Keras model as a runtime network: Dense 64-32, ReLU, Dense 32-10.
fn float_network(doc: &Value) -> Network<f32> {
    let layers = doc["layers"].as_array().expect("layers");
    let mut specs = Vec::new();
    for l in layers {
        specs.push(LayerSpec::Dense {
            outputs: l["out_features"].as_u64().expect("out") as usize,
        });
        if l["activation"] == "relu" {
            specs.push(LayerSpec::Relu);
        }
    }
    let inputs = layers[0]["in_features"].as_u64().expect("in") as usize;
    let mut net = Network::new(inputs, &specs).expect("network");
    for (k, l) in layers.iter().enumerate() {
        net.set_param(2 * k, &f32s(&l["weights"])).expect("weights");
        net.set_param(2 * k + 1, &f32s(&l["bias"])).expect("bias");
    }
    net
}

fn calibration(doc: &Value) -> Vec<f32> {
    f32s(&doc["representative_dataset"]["inputs"])
}

/// How many values of one field agree exactly.
#[derive(Default)]
struct Count {
    equal: usize,
    total: usize,
}

impl Count {
    fn add<T: PartialEq>(&mut self, ours: &[T], theirs: &[T]) {
        assert_eq!(ours.len(), theirs.len());
        self.total += ours.len();
        self.equal += ours.iter().zip(theirs).filter(|(a, b)| a == b).count();
    }
}

fn converter_layers() -> Vec<Value> {
    json("digits_mlp_int8.json")["layers"]
        .as_array()
        .expect("layers")
        .clone()
}

fn quantize_digits(config: PtqConfig) -> QNetwork {
    let doc = json("digits_mlp_float.json");
    quantize(&float_network(&doc), &calibration(&doc), config).expect("quantize")
}

const CONVERTER: PtqConfig = PtqConfig {
    calibrator: Calibrator::MinMax,
    weights: WeightGranularity::PerChannel,
};

#[test]
fn min_max_per_channel_matches_the_converter() {
    let ours = quantize_digits(CONVERTER);
    let theirs = converter_layers();
    let (mut weights, mut weight_scales, mut bias) =
        (Count::default(), Count::default(), Count::default());
    let (mut zero_points, mut scales, mut max_scale_rel) =
        (Count::default(), Count::default(), 0f64);
    for (k, (o, t)) in ours.layers().zip(&theirs).enumerate() {
        let QLayerParams { input, output, .. } = *o;
        weights.add(
            &o.weights,
            &flat(&t["weights"])
                .iter()
                .map(|&w| w as i8)
                .collect::<Vec<_>>(),
        );
        weight_scales.add(&o.weight_scales, &f32s(&t["weight_scales"]));
        let their_bias: Vec<i32> = flat(&t["bias"]).iter().map(|&b| b as i32).collect();
        bias.add(o.bias.as_deref().expect("bias"), &their_bias);
        for (q, what) in [(input, "input"), (output, "output")] {
            let scale = t[format!("{what}_scale")].as_f64().expect("scale") as f32;
            let zp = t[format!("{what}_zero_point")].as_i64().expect("zp") as i32;
            zero_points.add(&[q.zero_point], &[zp]);
            scales.add(&[q.scale], &[scale]);
            let rel = (f64::from(q.scale) - f64::from(scale)).abs() / f64::from(scale);
            max_scale_rel = max_scale_rel.max(rel);
            println!(
                "layer {k} {what}: scale {} vs {scale} (rel {rel:.1e}), zero point {} vs {zp}",
                q.scale, q.zero_point
            );
        }
    }
    println!(
        "weights {}/{}, weight scales {}/{}, biases {}/{}, activation zero points {}/{}, activation scales {}/{} (max relative difference {max_scale_rel:.1e})",
        weights.equal,
        weights.total,
        weight_scales.equal,
        weight_scales.total,
        bias.equal,
        bias.total,
        zero_points.equal,
        zero_points.total,
        scales.equal,
        scales.total
    );
    // Weights depend only on the float weights: exact.
    assert_eq!((weights.equal, weights.total), (2368, 2368));
    assert_eq!((weight_scales.equal, weight_scales.total), (42, 42));
    // Zero points and biases: exact.
    assert_eq!((zero_points.equal, zero_points.total), (4, 4));
    assert_eq!((bias.equal, bias.total), (42, 42));
    // Activation scales: the input's and the hidden layer's are exact; the
    // logits' range comes from the float model's outputs, which TensorFlow
    // computed with its own summation order (nn sums as PyTorch does), so
    // their min/max and the scale differ in the last bits. The README's own
    // recipe (numpy on Keras outputs) is 1.1e-7 off the converter there too.
    assert_eq!((scales.equal, scales.total), (3, 4));
    assert!(max_scale_rel < 3e-7, "{max_scale_rel}");
    let doc = json("digits_mlp_float.json");
    let logits = float_network(&doc)
        .forward(&calibration(&doc))
        .expect("forward");
    let (min, max) = Calibrator::MinMax.range(&logits).expect("range");
    println!(
        "logits over the calibration set: [{min}, {max}]; converter's README: [-16.419963836669922, 16.682157516479492]"
    );
}

#[test]
fn per_tensor_weights_use_one_scale() {
    let per_channel = quantize_digits(CONVERTER);
    let per_tensor = quantize_digits(PtqConfig {
        weights: WeightGranularity::PerTensor,
        ..CONVERTER
    });
    for (c, t) in per_channel.layers().zip(per_tensor.layers()) {
        let largest = c.weight_scales.iter().fold(0f32, |m, &s| m.max(s));
        assert_eq!(t.weight_scales, [largest]);
        assert_eq!(t.input, c.input);
        // The row holding the largest |w| quantizes alike either way.
        let row = c
            .weight_scales
            .iter()
            .position(|&s| s == largest)
            .expect("row");
        let span = row * c.in_features..(row + 1) * c.in_features;
        assert_eq!(t.weights[span.clone()], c.weights[span]);
    }
}

#[test]
fn percentile_ignores_an_outlier_that_min_max_follows() {
    let doc = json("digits_mlp_float.json");
    let net = float_network(&doc);
    let mut data = calibration(&doc);
    let clean_min = data.iter().fold(f32::MAX, |m, &v| m.min(v));
    let clean_max = data.iter().fold(f32::MIN, |m, &v| m.max(v));
    data[5] = 1000.0; // one corrupted pixel in 12,800 values
    let minmax = quantize(&net, &data, CONVERTER)
        .expect("minmax")
        .input_quantization();
    let percentile = PtqConfig {
        calibrator: Calibrator::Percentile { percent: 99.99 },
        ..CONVERTER
    };
    let robust = quantize(&net, &data, percentile)
        .expect("percentile")
        .input_quantization();
    println!(
        "input scale: min/max {}, percentile 99.99 {}",
        minmax.scale, robust.scale
    );
    // min/max stretches the input range to 1000; the 99.99th percentile
    // (the 12,799th of 12,800 values) stays inside the clean range.
    assert!(f64::from(minmax.scale) >= 1000.0 / 255.0);
    assert!(f64::from(robust.scale) * 255.0 <= f64::from(clean_max - clean_min) * (1.0 + 1e-6));
}

#[test]
fn unsupported_layers_and_bad_calibration_are_refused() {
    let net = Network::<f32>::new(3, &[LayerSpec::Dense { outputs: 2 }, LayerSpec::Sigmoid])
        .expect("net");
    let error = quantize(&net, &[0.0; 3], CONVERTER).unwrap_err();
    assert_eq!(
        error,
        PtqError::UnsupportedLayer {
            layer: 1,
            kind: "Sigmoid"
        }
    );
    let net = Network::<f32>::new(3, &[LayerSpec::Dense { outputs: 2 }]).expect("net");
    assert_eq!(
        quantize(&net, &[], CONVERTER),
        Err(PtqError::Range { tensor: 0 })
    );
    assert!(matches!(
        quantize(&net, &[0.0; 4], CONVERTER),
        Err(PtqError::Calibration(_))
    ));
    let nan = quantize(&net, &[f32::NAN, 0.0, 0.0], CONVERTER);
    assert_eq!(nan, Err(PtqError::Range { tensor: 0 }));
    let bad_percentile = PtqConfig {
        calibrator: Calibrator::Percentile { percent: 20.0 },
        ..CONVERTER
    };
    assert_eq!(
        quantize(&net, &[0.0; 3], bad_percentile),
        Err(PtqError::Range { tensor: 0 })
    );
}
