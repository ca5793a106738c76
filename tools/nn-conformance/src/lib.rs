//! nn-conformance: checks the nn crates against the PyTorch reference vectors
//! (an unpublished tool; `cargo run --release -p nn-conformance -- [--f32] FILE.json...`).
//!
//! Reads files in the schema of `shared/reference/README.md` (activations,
//! losses, mlp, optimizers, mlp_training) and the TFLite int8 files of
//! `shared/reference/int8/` ([`int8`]: bit-for-bit), runs every case through the
//! library's public API (the runtime [`Network`](nn_std::runtime::Network),
//! its losses and nn-optim's optimizers; no math of its own, except the test
//! functions of `optimizers.json` that feed the optimizers their gradients) in
//! `f64` or `f32`, and compares each result with the tolerance table of that
//! README.
//! A case it cannot run (an unknown name or parameter, a malformed field)
//! fails; nothing is skipped. Each kind of file is one module of
//! [`families`].
//!
//! ```
//! use nn_conformance::{check_str, Precision};
//!
//! let file = r#"{"meta": {"file": "activations"}, "cases": [
//!   {"name": "relu", "kind": "elementwise", "params": {},
//!    "x": [-1.0, 0.0, 2.0], "y": [0.0, 0.0, 2.0], "dydx": [0.0, 0.0, 1.0]},
//!   {"name": "relu", "kind": "elementwise", "params": {},
//!    "x": [-1.0, 0.0, 2.0], "y": [0.0, 0.0, 2.5], "dydx": [0.0, 0.0, 1.0]},
//!   {"name": "swish", "kind": "elementwise", "params": {}, "x": [1.0], "y": [1.0], "dydx": [1.0]}
//! ]}"#;
//! let report = check_str(file, "example", Precision::F64)?;
//! assert_eq!((report.passed(), report.failed()), (1, 2));
//! # Ok::<(), nn_conformance::ReferenceError>(())
//! ```

pub mod families;
pub mod int8;
mod json;
mod tolerance;

use core::fmt;
use std::path::Path;

use serde_json::Value;

use families::Family;
pub use json::{CaseError, Fields, Tensor};
pub use tolerance::{Comparison, Deviation, Precision, Tolerance};

/// Why a whole file could not be checked.
#[derive(Debug)]
pub enum ReferenceError {
    /// The file could not be read.
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid JSON.
    Json {
        /// The file.
        path: String,
        /// The cause (with line and column).
        source: serde_json::Error,
    },
    /// The JSON is not `{"meta": {...}, "cases": [...]}`.
    Layout {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceError::Io { path, source } => write!(f, "{path}: cannot read: {source}"),
            ReferenceError::Json { path, source } => write!(f, "{path}: invalid JSON: {source}"),
            ReferenceError::Layout { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for ReferenceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReferenceError::Io { source, .. } => Some(source),
            ReferenceError::Json { source, .. } => Some(source),
            ReferenceError::Layout { .. } => None,
        }
    }
}

/// The result of one case.
#[derive(Clone, Debug)]
pub struct CaseReport {
    /// File, index and id (or name and parameters) of the case.
    pub name: String,
    /// The comparison, or why the case could not run.
    pub outcome: Result<Comparison, CaseError>,
}

impl CaseReport {
    /// Whether the case ran and every value is within tolerance.
    pub fn passed(&self) -> bool {
        matches!(&self.outcome, Ok(c) if c.failures() == 0 && c.compared() > 0)
    }
}

impl fmt::Display for CaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        write!(f, "{verdict} {}: ", self.name)?;
        match &self.outcome {
            Err(e) => write!(f, "cannot run: {e}"),
            Ok(c) => match c.worst() {
                None => f.write_str("nothing compared"),
                Some(d) => {
                    write!(
                        f,
                        "max error {:.3e} at {} ({:.2e} of tolerance {})",
                        d.error(),
                        d.at,
                        d.ratio(),
                        d.tolerance
                    )?;
                    if c.failures() > 0 {
                        write!(
                            f,
                            "; {} of {} values out of tolerance",
                            c.failures(),
                            c.compared()
                        )?;
                    }
                    Ok(())
                }
            },
        }
    }
}

/// The results of one file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file's path or label.
    pub path: String,
    /// The precision it ran in.
    pub precision: Precision,
    /// One report per case, in file order.
    pub cases: Vec<CaseReport>,
}

impl FileReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// Cases that failed or could not run.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Checks the reference file at `path`.
pub fn check_file(
    path: impl AsRef<Path>,
    precision: Precision,
) -> Result<FileReport, ReferenceError> {
    let path = path.as_ref();
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ReferenceError::Io {
        path: label.clone(),
        source,
    })?;
    check_str(&text, &label, precision)
}

/// Checks reference JSON given as text; `label` names it in messages.
pub fn check_str(
    text: &str,
    label: &str,
    precision: Precision,
) -> Result<FileReport, ReferenceError> {
    let root: Value = serde_json::from_str(text).map_err(|source| ReferenceError::Json {
        path: label.to_string(),
        source,
    })?;
    let layout = |message: &str| ReferenceError::Layout {
        path: label.to_string(),
        message: message.to_string(),
    };
    let generator = root.get("meta").and_then(|m| m.get("generator"));
    if generator.and_then(Value::as_str) == Some(int8::GENERATOR) {
        return Ok(int8::check(&root, label, precision));
    }
    let cases = root
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| layout("no `cases` array: not a reference file"))?;
    let meta_family = root
        .get("meta")
        .and_then(|m| m.get("file"))
        .and_then(Value::as_str)
        .and_then(families::by_name);
    let cases = cases
        .iter()
        .enumerate()
        .map(|(i, case)| run_case(case, i, meta_family, precision))
        .collect();
    Ok(FileReport {
        path: label.to_string(),
        precision,
        cases,
    })
}

fn run_case(
    case: &Value,
    index: usize,
    meta_family: Option<&'static Family>,
    p: Precision,
) -> CaseReport {
    let family = meta_family.or_else(|| families::detect(case));
    let file = family.map_or("unknown", |f| f.name);
    let name = format!("{file}#{index} {}", case_label(case));
    let outcome = match family {
        None => Err("cannot tell which kind of reference case this is".to_string()),
        Some(family) => Fields::new(case, "case").and_then(|fields| family.run(fields, p)),
    };
    CaseReport { name, outcome }
}

/// `id`, or `name` with its parameters.
fn case_label(case: &Value) -> String {
    if let Some(id) = case.get("id").and_then(Value::as_str) {
        return id.to_string();
    }
    let name = case.get("name").and_then(Value::as_str).unwrap_or("?");
    match case.get("params").and_then(Value::as_object) {
        Some(p) if !p.is_empty() => {
            let params: Vec<String> = p.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{name}({})", params.join(", "))
        }
        _ => name.to_string(),
    }
}
