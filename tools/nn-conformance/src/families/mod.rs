//! The families of reference checks, one module each.
//!
//! A family reads one kind of reference file (named by `meta.file`) and runs
//! each of its cases through the library. Adding a family is one new module
//! with a `FAMILY` constant, listed once in [`ALL`].

mod activations;
mod losses;
mod mlp;
mod optimizers;
mod training;

use nn_core::Float;
use serde_json::Value;

use crate::json::{CaseError, Fields};
use crate::tolerance::{Comparison, Precision};

/// Runs one case (in the float type that matches the [`Precision`]).
pub type Run = fn(Fields<'_>, Precision) -> Result<Comparison, CaseError>;

/// One family of reference checks.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    /// `meta.file` of its files (the file name without `.json`).
    pub name: &'static str,
    /// Whether a case without `meta.file` belongs to this family, by its fields.
    pub detect: fn(&Value) -> bool,
    /// Runs a case in `f64`.
    pub run_f64: Run,
    /// Runs a case in `f32`.
    pub run_f32: Run,
}

impl Family {
    /// Runs `case` in precision `p`.
    pub fn run(&self, case: Fields<'_>, p: Precision) -> Result<Comparison, CaseError> {
        match p {
            Precision::F64 => (self.run_f64)(case, p),
            Precision::F32 => (self.run_f32)(case, p),
        }
    }
}

/// Every family, in the order in which [`detect`](Family::detect) is tried
/// (the more specific field sets first).
pub const ALL: &[Family] = &[
    training::FAMILY,
    optimizers::FAMILY,
    mlp::FAMILY,
    losses::FAMILY,
    activations::FAMILY,
];

/// The family that `meta.file` names, if any.
///
/// ```
/// use nn_conformance::families::{ALL, by_name};
/// assert!(ALL.iter().all(|f| by_name(f.name).map(|g| g.name) == Some(f.name)));
/// assert!(by_name("weights").is_none());
/// ```
pub fn by_name(name: &str) -> Option<&'static Family> {
    ALL.iter().find(|f| f.name == name)
}

/// The family a case's fields show, if any.
pub fn detect(case: &Value) -> Option<&'static Family> {
    ALL.iter().find(|f| (f.detect)(case))
}

/// Whether `case` has every field in `keys`.
fn has_all(case: &Value, keys: &[&str]) -> bool {
    keys.iter().all(|k| case.get(k).is_some())
}

/// Casts reference values to the precision under test.
fn cast<F: Float>(v: &[f64]) -> Vec<F> {
    v.iter().map(|&x| F::from_f64(x)).collect()
}

/// Widens library values for comparison.
fn widen<F: Float>(v: &[F]) -> impl Iterator<Item = f64> + '_ {
    v.iter().map(|x| x.to_f64())
}
