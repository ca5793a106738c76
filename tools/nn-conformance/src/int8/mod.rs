//! The TFLite int8 reference files of `shared/reference/int8/` (written by
//! `reference/int8/gen_tflite.py`): every TensorFlow Lite Micro (`tflm`)
//! output reproduced bit for bit by nn-std's [`QNetwork`] built from the
//! file's layer parameters, the Q31 multipliers, shifts and clamps derived
//! as TFLite derives them, input quantization and output dequantization
//! exact, and post-training quantization of the float Digits model against
//! the converter (module `ptq`).
//!
//! Integers are compared with tolerance zero; the precision flag does not
//! apply (the arithmetic is integer-only).

mod ptq;

use std::path::Path;

use nn_core::quant::{dequantize, quantize};
use nn_std::quant::{FusedActivation, QLayerParams, QNetwork, QParams};
use serde_json::Value;

use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Tolerance};
use crate::{CaseReport, FileReport, Precision};

/// `meta.generator` of the int8 reference files.
pub const GENERATOR: &str = "reference/int8/gen_tflite.py";

/// Bit-for-bit equality.
const EXACT: Tolerance = Tolerance {
    rtol: 0.0,
    atol: 0.0,
};

/// Checks an int8 reference document; `label` is its path (the float
/// Digits file needs `digits_mlp_int8.json` beside it).
pub fn check(root: &Value, label: &str, precision: Precision) -> FileReport {
    let report = |name: String, outcome| CaseReport { name, outcome };
    let cases = if let Some(cases) = root["cases"].as_array() {
        cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let name = case["name"]
                    .as_str()
                    .or(case["model"].as_str())
                    .unwrap_or("?");
                let outcome = Fields::new(case, "case").and_then(|c| match c.has("tflite_file") {
                    true => fc_case(c),
                    false => quantize_case(c),
                });
                report(format!("int8#{i} {name}"), outcome)
            })
            .collect()
    } else if root.get("representative_dataset").is_some() {
        let converter = Path::new(label).with_file_name("digits_mlp_int8.json");
        vec![report(
            "ptq: min/max per channel vs the converter".into(),
            ptq::check(root, &converter),
        )]
    } else {
        model_reports(root)
    };
    FileReport {
        path: label.to_string(),
        precision,
        cases,
    }
}

/// digits_mlp_int8.json / sine_int8.json: each layer's derived parameters,
/// then the input quantization, the whole model and the dequantization.
fn model_reports(root: &Value) -> Vec<CaseReport> {
    let Ok(doc) = Fields::new(root, "file") else {
        return vec![CaseReport {
            name: "int8 model".into(),
            outcome: Err("not an object".into()),
        }];
    };
    let mut reports = vec![];
    let layers = doc.array("layers").unwrap_or_default();
    for (k, l) in layers.iter().enumerate() {
        let outcome = Fields::new(l, "layer").and_then(|l| {
            let mut cmp = Comparison::default();
            derived_parameters(&mut cmp, l, &layer(l)?)?;
            Ok(cmp)
        });
        reports.push(CaseReport {
            name: format!("int8 layer {k}: multipliers, shifts, clamp"),
            outcome,
        });
    }
    let samples = || -> Result<(QNetwork, Vec<Fields<'_>>), CaseError> {
        let net = network(doc)?;
        let samples = doc.array("samples")?;
        let samples = samples.iter().map(|s| Fields::new(s, "sample"));
        Ok((net, samples.collect::<Result<_, _>>()?))
    };
    let run =
        |what: &str, check: fn(&QNetwork, Fields<'_>, &mut Comparison) -> Result<(), CaseError>| {
            let outcome = samples().and_then(|(net, samples)| {
                let mut cmp = Comparison::default();
                for s in samples {
                    check(&net, s, &mut cmp)?;
                }
                Ok(cmp)
            });
            CaseReport {
                name: format!("int8 model: {what}"),
                outcome,
            }
        };
    reports.push(run("input quantization vs int8_input", |net, s, cmp| {
        let q = net.input_quantization();
        let x = match s.has("x") {
            true => vec![s.number("x")?],
            false => s.tensor("float_input")?.data,
        };
        let got = x.iter().map(|&x| quantize(x as f32, q.scale, q.zero_point));
        exact(cmp, "int8_input", got, &s.tensor("int8_input")?.data)
    }));
    reports.push(run("outputs vs tflm", |net, s, cmp| {
        let y = net.forward(&ints(&s.tensor("int8_input")?.data)?);
        let y = y.map_err(|e| e.to_string())?;
        let want = s.object("int8_output_by_kernel")?.tensor("tflm")?.data;
        exact(cmp, "int8_output_by_kernel.tflm", y, &want)
    }));
    reports.push(run(
        "dequantization vs dequantized_output",
        |net, s, cmp| {
            let q = net.output_quantization();
            let y = ints(&s.tensor("int8_output")?.data)?;
            let got = y.iter().map(|&v| dequantize(v, q.scale, q.zero_point));
            exact(
                cmp,
                "dequantized_output",
                got,
                &s.tensor("dequantized_output")?.data,
            )
        },
    ));
    reports
}

/// One case of fc_cases.json: derived parameters and 50 outputs.
fn fc_case(case: Fields<'_>) -> Result<Comparison, CaseError> {
    let mut cmp = Comparison::default();
    let net = network(case)?;
    for (l, params) in case.array("layers")?.iter().zip(net.layers()) {
        derived_parameters(&mut cmp, Fields::new(l, "layer")?, params)?;
    }
    let inputs = case.tensor("inputs")?;
    let y = net
        .forward(&ints(&inputs.data)?)
        .map_err(|e| e.to_string())?;
    let want = case.object("outputs_by_kernel")?.tensor("tflm")?.data;
    exact(&mut cmp, "outputs_by_kernel.tflm", y, &want)?;
    Ok(cmp)
}

/// One case of quantize_cases.json: float → int8 as TFLite Micro's QUANTIZE.
fn quantize_case(case: Fields<'_>) -> Result<Comparison, CaseError> {
    let mut cmp = Comparison::default();
    let scale = case.number("scale")? as f32;
    let zero_point = int(case.number("zero_point")?)?;
    let x = case.tensor("inputs")?.data;
    let got = x.iter().map(|&x| quantize(x as f32, scale, zero_point));
    let want = case.object("outputs_by_kernel")?.tensor("tflm")?.data;
    exact(&mut cmp, "outputs_by_kernel.tflm", got, &want)?;
    Ok(cmp)
}

/// The Q31 multipliers, shifts and activation clamp nn derives from the
/// scales, against the file's `output_multipliers`, `output_shifts`,
/// `activation_min` and `activation_max`.
fn derived_parameters(
    cmp: &mut Comparison,
    l: Fields<'_>,
    params: &QLayerParams,
) -> Result<(), CaseError> {
    let net = QNetwork::new(vec![params.clone()]).map_err(|e| e.to_string())?;
    let (multipliers, shifts) = net.requantization(0).ok_or("no layer")?;
    let broadcast = |field| -> Result<Vec<f64>, CaseError> {
        let v = l.tensor(field)?.data;
        Ok(match v[..] {
            [one] => vec![one; params.out_features],
            _ => v,
        })
    };
    exact(
        cmp,
        "output_multipliers",
        multipliers.iter().copied(),
        &broadcast("output_multipliers")?,
    )?;
    exact(
        cmp,
        "output_shifts",
        shifts.iter().copied(),
        &broadcast("output_shifts")?,
    )?;
    let q = params.output;
    let (min, max) = params
        .activation
        .bounds(q.scale, q.zero_point)
        .map_err(|e| format!("{e:?}"))?;
    let want = [l.number("activation_min")?, l.number("activation_max")?];
    exact(cmp, "activation_min/max", [min, max], &want)
}

/// The network of a document's `layers` (the JSON parameters).
fn network(doc: Fields<'_>) -> Result<QNetwork, CaseError> {
    let layers = doc
        .array("layers")?
        .iter()
        .map(|l| layer(Fields::new(l, "layer")?));
    QNetwork::new(layers.collect::<Result<_, _>>()?).map_err(|e| e.to_string())
}

/// A layer object of the reference README.
fn layer(l: Fields<'_>) -> Result<QLayerParams, CaseError> {
    if l.str("kind")? != "fully_connected" {
        return Err(format!("layer kind `{}` is not supported", l.str("kind")?));
    }
    let params = |prefix: &str| -> Result<QParams, CaseError> {
        Ok(QParams {
            scale: l.number(&format!("{prefix}_scale"))? as f32,
            zero_point: int(l.number(&format!("{prefix}_zero_point"))?)?,
        })
    };
    if l.tensor("weight_zero_points")?
        .data
        .iter()
        .any(|&z| z != 0.0)
    {
        return Err("asymmetric weights are not supported".into());
    }
    let bias = match l.get("bias")? {
        Value::Null => None,
        _ => Some(
            l.tensor("bias")?
                .data
                .iter()
                .map(|&b| int(b))
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok(QLayerParams {
        in_features: l.count("in_features")?,
        out_features: l.count("out_features")?,
        weights: ints(&l.tensor("weights")?.data)?,
        bias,
        input: params("input")?,
        output: params("output")?,
        weight_scales: l
            .tensor("weight_scales")?
            .data
            .iter()
            .map(|&s| s as f32)
            .collect(),
        activation: match l.str("fused_activation")? {
            "NONE" => FusedActivation::None,
            "RELU" => FusedActivation::Relu,
            "RELU6" => FusedActivation::Relu6,
            other => return Err(format!("fused activation `{other}` is not supported")),
        },
    })
}

/// Compares integer (or exactly representable) results with tolerance zero.
fn exact<T: Into<f64>>(
    cmp: &mut Comparison,
    field: &str,
    got: impl IntoIterator<Item = T>,
    want: &[f64],
) -> Result<(), CaseError> {
    cmp.values(field, got.into_iter().map(Into::into), want, EXACT)
}

fn int(x: f64) -> Result<i32, CaseError> {
    let i = x as i32;
    match f64::from(i) == x {
        true => Ok(i),
        false => Err(format!("{x} is not an int32")),
    }
}

fn ints(v: &[f64]) -> Result<Vec<i8>, CaseError> {
    v.iter()
        .map(|&x| int(x).and_then(|i| i8::try_from(i).map_err(|_| format!("{x} is not an int8"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{Precision, check_str};

    /// A one-layer case in the schema of `fc_cases.json`: y = x (every
    /// scale 1, weight 1; TFLite's QuantizeMultiplier(1.0) is 2^30, shift 1)
    /// whose second recorded output is `tflm`.
    fn fc_case(tflm: i64) -> String {
        format!(
            r#"{{"meta": {{"generator": "reference/int8/gen_tflite.py"}}, "cases": [{{
            "name": "identity", "tflite_file": "x.tflite", "inputs": [[5], [-7]],
            "outputs_by_kernel": {{"tflm": [[5], [{tflm}]]}},
            "layers": [{{"kind": "fully_connected", "in_features": 1, "out_features": 1,
              "fused_activation": "NONE", "input_scale": 1.0, "input_zero_point": 0,
              "output_scale": 1.0, "output_zero_point": 0, "weight_scales": [1.0],
              "weight_zero_points": [0], "weights": [[1]], "bias": null,
              "output_multipliers": [1073741824], "output_shifts": [1],
              "activation_min": -128, "activation_max": 127}}]}}]}}"#
        )
    }

    #[test]
    fn one_differing_output_fails_the_case() {
        let good = check_str(&fc_case(-7), "good", Precision::F64).unwrap();
        assert_eq!((good.passed(), good.failed()), (1, 0));
        let bad = check_str(&fc_case(-6), "bad", Precision::F64).unwrap();
        assert_eq!((bad.passed(), bad.failed()), (0, 1));
    }
}
