//! digits_mlp_float.json: nn-std's post-training quantization (min/max,
//! per channel, the converter's recipe) of the float Digits model,
//! calibrated on the file's 200 representative samples, against the
//! converter's int8 model (`digits_mlp_int8.json`).
//!
//! Weights, weight scales, biases and zero points must be equal; so must the
//! activation scales except the logits' (the last layer's output): its range
//! comes from float logits TensorFlow summed in its own order, and nn-std's
//! `tests/ptq_converter.rs` establishes a relative difference below 3e-7.

use std::path::Path;

use nn_std::ptq::{Calibrator, PtqConfig, WeightGranularity, quantize};
use nn_std::runtime::{LayerSpec, Network};
use serde_json::Value;

use super::{exact, layer};
use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Tolerance};

/// The logits' scale: within 3e-7 (relative) of the converter's.
const LOGITS_SCALE: Tolerance = Tolerance {
    rtol: 3e-7,
    atol: 0.0,
};

/// Quantizes the float model of `root` and compares it with the converter's
/// int8 model read from `converter`.
pub fn check(root: &Value, converter: &Path) -> Result<Comparison, CaseError> {
    let doc = Fields::new(root, "file")?;
    let text = std::fs::read_to_string(converter)
        .map_err(|e| format!("{}: cannot read: {e}", converter.display()))?;
    let theirs: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let their_layers = Fields::new(&theirs, "converter file")?.array("layers")?;
    let calibration: Vec<f32> = doc
        .object("representative_dataset")?
        .tensor("inputs")?
        .data
        .iter()
        .map(|&x| x as f32)
        .collect();
    let config = PtqConfig {
        calibrator: Calibrator::MinMax,
        weights: WeightGranularity::PerChannel,
    };
    let ours = quantize(&float_network(doc)?, &calibration, config).map_err(|e| e.to_string())?;
    let n = their_layers.len();
    if ours.layers().count() != n {
        return Err(format!(
            "{} layers, the converter has {n}",
            ours.layers().count()
        ));
    }
    let mut cmp = Comparison::default();
    for (k, (o, t)) in ours.layers().zip(their_layers).enumerate() {
        let t = layer(Fields::new(t, "converter layer")?)?;
        let field = |what: &str| format!("layer {k} {what}");
        exact(
            &mut cmp,
            &field("weights"),
            o.weights.iter().copied(),
            &f64s(&t.weights),
        )?;
        exact(
            &mut cmp,
            &field("weight_scales"),
            o.weight_scales.iter().copied(),
            &f64s(&t.weight_scales),
        )?;
        let bias = |b: &Option<Vec<i32>>| b.clone().unwrap_or_default();
        exact(
            &mut cmp,
            &field("bias"),
            bias(&o.bias),
            &f64s(&bias(&t.bias)),
        )?;
        for (what, q, want) in [("input", o.input, t.input), ("output", o.output, t.output)] {
            exact(
                &mut cmp,
                &field(&format!("{what} zero point")),
                [q.zero_point],
                &[want.zero_point.into()],
            )?;
            let tolerance = match (what, k + 1 == n) {
                ("output", true) => LOGITS_SCALE,
                _ => super::EXACT,
            };
            let got = [f64::from(q.scale)];
            cmp.values(
                &field(&format!("{what} scale")),
                got,
                &[want.scale.into()],
                tolerance,
            )?;
        }
    }
    Ok(cmp)
}

/// The float model: Dense layers with their "relu"/"linear" activation.
fn float_network(doc: Fields<'_>) -> Result<Network<f32>, CaseError> {
    let layers = doc.array("layers")?;
    let mut specs = vec![];
    let mut params = vec![];
    let mut inputs = None;
    for l in layers {
        let l = Fields::new(l, "layer")?;
        inputs.get_or_insert(l.count("in_features")?);
        specs.push(LayerSpec::Dense {
            outputs: l.count("out_features")?,
        });
        match l.str("activation")? {
            "relu" => specs.push(LayerSpec::Relu),
            "linear" => {}
            other => return Err(format!("activation `{other}` is not supported")),
        }
        params.push(l.tensor("weights")?.data);
        params.push(l.tensor("bias")?.data);
    }
    let inputs = inputs.ok_or("no layer")?;
    let mut net = Network::new(inputs, &specs).map_err(|e| e.to_string())?;
    for (index, p) in params.iter().enumerate() {
        let p: Vec<f32> = p.iter().map(|&x| x as f32).collect();
        net.set_param(index, &p).map_err(|e| e.to_string())?;
    }
    Ok(net)
}

fn f64s<T: Copy + Into<f64>>(v: &[T]) -> Vec<f64> {
    v.iter().map(|&x| x.into()).collect()
}
