//! `nn check-tflite MODEL.tflite CASES.json`: runs a `.tflite` file's int8
//! network on the inputs recorded in a reference JSON file of
//! `shared/reference/int8/` and compares, bit for bit, with the outputs
//! TensorFlow Lite for Microcontrollers computed (the `tflm` kernel).

use core::fmt;
use std::process::ExitCode;

use nn_core::quant::quantize;
use nn_std::quant::{QNetwork, QParams};
use nn_std::tflite::read;
use serde_json::Value;

use super::{fail, usage};

/// One recorded sample: an int8 input row and the int8 output TensorFlow
/// Lite for Microcontrollers computed for it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RecordedCase {
    input: Vec<i8>,
    expected: Vec<i8>,
}

/// Why a reference file holds no usable samples for a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CasesError {
    /// `fc_cases.json` has no case whose `tflite_file` ends with the model's
    /// file name.
    NoCaseForModel,
    /// A field is missing or malformed (named as in the reference README).
    Field { what: &'static str },
}

impl fmt::Display for CasesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CasesError::NoCaseForModel => {
                write!(f, "no case in the file uses this model (tflite_file)")
            }
            CasesError::Field { what } => write!(f, "missing or malformed field {what}"),
        }
    }
}

/// Where a model's inputs come from: int8 rows as recorded, or the recorded
/// float inputs quantized with the model's own input quantization (what its
/// QUANTIZE operator does).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Inputs {
    Int8,
    Float(QParams),
}

/// The samples recorded for the model file `model_name` in `doc`:
/// - `fc_cases.json`: the case whose `tflite_file` ends with `model_name`,
///   its `inputs` and `outputs_by_kernel.tflm`;
/// - `digits_mlp_int8.json`, `sine_int8.json`: every sample's `int8_input`
///   (or, for a float-input model, `float_input` / `x` quantized) and
///   `int8_output_by_kernel.tflm`.
fn recorded_cases(
    doc: &Value,
    model_name: &str,
    inputs: Inputs,
) -> Result<Vec<RecordedCase>, CasesError> {
    if let Some(cases) = doc["cases"].as_array() {
        let case = cases
            .iter()
            .find(|c| {
                c["tflite_file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with(model_name))
            })
            .ok_or(CasesError::NoCaseForModel)?;
        let inputs = rows(&case["inputs"], "inputs")?;
        let outputs = rows(&case["outputs_by_kernel"]["tflm"], "outputs_by_kernel.tflm")?;
        if inputs.len() != outputs.len() {
            return Err(CasesError::Field {
                what: "outputs_by_kernel.tflm",
            });
        }
        let pairs = inputs.into_iter().zip(outputs);
        return Ok(pairs
            .map(|(input, expected)| RecordedCase { input, expected })
            .collect());
    }
    let samples = doc["samples"]
        .as_array()
        .ok_or(CasesError::Field { what: "samples" })?;
    samples
        .iter()
        .map(|s| {
            let input = match inputs {
                Inputs::Int8 => row(&s["int8_input"], "int8_input")?,
                Inputs::Float(q) => float_row(s)?
                    .into_iter()
                    .map(|x| quantize(x, q.scale, q.zero_point))
                    .collect(),
            };
            let expected = row(
                &s["int8_output_by_kernel"]["tflm"],
                "int8_output_by_kernel.tflm",
            )?;
            Ok(RecordedCase { input, expected })
        })
        .collect()
}

fn rows(v: &Value, what: &'static str) -> Result<Vec<Vec<i8>>, CasesError> {
    let rows = v.as_array().ok_or(CasesError::Field { what })?;
    rows.iter().map(|r| row(r, what)).collect()
}

fn row(v: &Value, what: &'static str) -> Result<Vec<i8>, CasesError> {
    let values = v.as_array().ok_or(CasesError::Field { what })?;
    values
        .iter()
        .map(|x| {
            x.as_i64()
                .and_then(|x| i8::try_from(x).ok())
                .ok_or(CasesError::Field { what })
        })
        .collect()
}

/// A sample's float input: Digits' `float_input` row or sine's scalar `x`
/// (float32 values written as the f64 that equals them: the cast is exact).
fn float_row(sample: &Value) -> Result<Vec<f32>, CasesError> {
    let what = "float_input";
    if let Some(x) = sample["x"].as_f64() {
        return Ok(vec![x as f32]);
    }
    let values = sample[what].as_array().ok_or(CasesError::Field { what })?;
    values
        .iter()
        .map(|x| {
            x.as_f64()
                .map(|x| x as f32)
                .ok_or(CasesError::Field { what })
        })
        .collect()
}

/// How many recorded samples a network reproduced bit for bit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    /// Runs `net` on every case's input and counts the output rows equal to
    /// the recorded ones (a case of the wrong width fails).
    fn count(cases: &[RecordedCase], net: &QNetwork) -> Self {
        let passed = cases
            .iter()
            .filter(|c| net.forward(&c.input).is_ok_and(|y| y == c.expected))
            .count();
        Tally {
            passed,
            failed: cases.len() - passed,
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// The command: exit code 0 when every sample passed, 1 on a failure or an
/// unreadable file, 2 for a usage error.
pub fn run(args: &[String]) -> ExitCode {
    let [model_path, cases_path] = args else {
        return usage("check-tflite takes MODEL.tflite CASES.json");
    };
    let imported = match std::fs::read(model_path) {
        Ok(bytes) => match read(&bytes) {
            Ok(imported) => imported,
            Err(e) => return fail(format!("{model_path}: {e}")),
        },
        Err(e) => return fail(format!("{model_path}: cannot read: {e}")),
    };
    let doc: Value = match std::fs::read(cases_path).map(|b| serde_json::from_slice(&b)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => return fail(format!("{cases_path}: not JSON: {e}")),
        Err(e) => return fail(format!("{cases_path}: cannot read: {e}")),
    };
    let net = &imported.network;
    let inputs = if imported.float_input {
        Inputs::Float(net.input_quantization())
    } else {
        Inputs::Int8
    };
    let name = std::path::Path::new(model_path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(model_path);
    let cases = match recorded_cases(&doc, name, inputs) {
        Ok(cases) => cases,
        Err(e) => return fail(format!("{cases_path}: {e}")),
    };
    let tally = Tally::count(&cases, net);
    println!("{tally}");
    if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use nn_std::quant::{FusedActivation, QLayerParams};
    use serde_json::json;

    use super::*;

    fn doubler() -> QNetwork {
        let q = QParams {
            scale: 0.5,
            zero_point: 0,
        };
        let layer = QLayerParams {
            in_features: 1,
            out_features: 1,
            weights: vec![64],
            bias: None,
            input: q,
            output: q,
            weight_scales: vec![1.0 / 32.0],
            activation: FusedActivation::None,
        };
        QNetwork::new(vec![layer]).unwrap()
    }

    #[test]
    fn samples_are_counted_row_by_row() {
        let doc = json!({"samples": [
            {"int8_input": [3], "int8_output_by_kernel": {"tflm": [6]}},
            {"int8_input": [4], "int8_output_by_kernel": {"tflm": [9]}},
        ]});
        let cases = recorded_cases(&doc, "m.tflite", Inputs::Int8).unwrap();
        let tally = Tally::count(&cases, &doubler());
        assert_eq!(tally.to_string(), "1 passed, 1 failed");
    }

    #[test]
    fn float_inputs_are_quantized_with_the_model_input() {
        let doc = json!({"samples": [
            {"x": 1.25, "int8_output_by_kernel": {"tflm": [5]}},
            {"float_input": [-0.75], "int8_output_by_kernel": {"tflm": [-3]}},
        ]});
        let q = QParams {
            scale: 0.5,
            zero_point: 0,
        };
        let cases = recorded_cases(&doc, "m.tflite", Inputs::Float(q)).unwrap();
        // 1.25 / 0.5 = 2.5 and -1.5 round half away from zero.
        assert_eq!((cases[0].input[0], cases[1].input[0]), (3, -2));
    }

    #[test]
    fn fc_cases_are_found_by_file_name() {
        let doc = json!({"cases": [{
            "tflite_file": "fc_cases/a.tflite",
            "inputs": [[1], [2]],
            "outputs_by_kernel": {"tflm": [[2], [4]]},
        }]});
        let cases = recorded_cases(&doc, "a.tflite", Inputs::Int8).unwrap();
        assert_eq!(
            Tally::count(&cases, &doubler()).to_string(),
            "2 passed, 0 failed"
        );
        let missing = recorded_cases(&doc, "b.tflite", Inputs::Int8);
        assert_eq!(missing, Err(CasesError::NoCaseForModel));
        let short = json!({"cases": [{
            "tflite_file": "a.tflite", "inputs": [[1]], "outputs_by_kernel": {"tflm": [[300]]},
        }]});
        let bad = recorded_cases(&short, "a.tflite", Inputs::Int8);
        assert_eq!(
            bad,
            Err(CasesError::Field {
                what: "outputs_by_kernel.tflm"
            })
        );
    }
}
