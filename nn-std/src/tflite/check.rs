//! The inputs and TFLite Micro outputs recorded in the int8 reference files,
//! and the `N passed, M failed` tally of `nn check-tflite`.

use core::fmt;

use serde_json::Value;

/// One recorded sample: an int8 input row and the int8 output TensorFlow
/// Lite for Microcontrollers computed for it (the `tflm` kernel).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCase {
    /// The int8 input row.
    pub input: Vec<i8>,
    /// TFLite Micro's int8 output row.
    pub expected: Vec<i8>,
}

/// Why a reference file holds no usable samples for a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CasesError {
    /// `fc_cases.json` has no case whose `tflite_file` ends with the model's
    /// file name.
    NoCaseForModel,
    /// A field is missing or not a list of int8 values (named as in the
    /// reference README, for example `"outputs_by_kernel.tflm"`).
    Field {
        /// The field.
        what: &'static str,
    },
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

impl std::error::Error for CasesError {}

/// The samples recorded for the model file `model_name` in a reference
/// JSON document of `shared/reference/int8/`:
/// - `fc_cases.json`: the case whose `tflite_file` ends with `model_name`,
///   its `inputs` and `outputs_by_kernel.tflm`;
/// - `digits_mlp_int8.json`, `sine_int8.json` (and their `_floatio`
///   models): every sample's `int8_input` and `int8_output_by_kernel.tflm`.
///
/// ```
/// use nn_std::tflite::recorded_cases;
/// let doc = serde_json::json!({"samples": [
///     {"int8_input": [1, -2], "int8_output_by_kernel": {"tflm": [7]}}
/// ]});
/// let cases = recorded_cases(&doc, "any.tflite")?;
/// assert_eq!((cases[0].input.as_slice(), cases[0].expected.as_slice()), (&[1, -2][..], &[7][..]));
/// # Ok::<(), nn_std::tflite::CasesError>(())
/// ```
pub fn recorded_cases(doc: &Value, model_name: &str) -> Result<Vec<RecordedCase>, CasesError> {
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
        return pair(inputs, outputs);
    }
    let samples = doc["samples"]
        .as_array()
        .ok_or(CasesError::Field { what: "samples" })?;
    let mut cases = Vec::with_capacity(samples.len());
    for s in samples {
        cases.push(RecordedCase {
            input: row(&s["int8_input"], "int8_input")?,
            expected: row(
                &s["int8_output_by_kernel"]["tflm"],
                "int8_output_by_kernel.tflm",
            )?,
        });
    }
    Ok(cases)
}

fn pair(inputs: Vec<Vec<i8>>, outputs: Vec<Vec<i8>>) -> Result<Vec<RecordedCase>, CasesError> {
    if inputs.len() != outputs.len() {
        return Err(CasesError::Field {
            what: "outputs_by_kernel.tflm",
        });
    }
    let cases = inputs.into_iter().zip(outputs);
    Ok(cases
        .map(|(input, expected)| RecordedCase { input, expected })
        .collect())
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

/// How many recorded samples a model reproduced bit for bit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Samples whose whole output row matched.
    pub passed: usize,
    /// Samples with at least one differing value.
    pub failed: usize,
}

impl Tally {
    /// Runs `infer` on every case's input and counts the outputs that equal
    /// the recorded ones.
    ///
    /// ```
    /// use nn_std::tflite::{RecordedCase, Tally};
    /// let case = |i: i8, o: i8| RecordedCase { input: vec![i], expected: vec![o] };
    /// let cases = [case(1, 2), case(3, 6), case(5, 9)];
    /// let tally = Tally::count(&cases, |x| x.iter().map(|v| 2 * v).collect());
    /// assert_eq!(tally.to_string(), "2 passed, 1 failed");
    /// ```
    pub fn count(cases: &[RecordedCase], mut infer: impl FnMut(&[i8]) -> Vec<i8>) -> Self {
        let passed = cases
            .iter()
            .filter(|c| infer(&c.input) == c.expected)
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
