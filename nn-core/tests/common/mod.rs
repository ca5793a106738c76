//! Shared helpers of the reference-vector tests: loading the PyTorch oracles of
//! `../shared/reference/`, converting JSON to typed arrays, and comparing with
//! the tolerances of the reference README.

#![allow(dead_code)]

use nn_core::Float;
use serde_json::Value;

/// Reads `shared/reference/<name>.json`.
pub fn load(name: &str) -> Value {
    let path = format!(
        "{}/../../shared/reference/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The cases of a reference file (at least one).
pub fn cases(name: &str) -> Vec<Value> {
    let file = load(name);
    let cases = file["cases"].as_array().expect("cases").clone();
    assert!(!cases.is_empty(), "{name} has no cases");
    cases
}

/// `(rtol, atol)` for single evaluations in the precision of `F`.
pub fn tolerance<F: Float>() -> (f64, f64) {
    if F::BYTES == 8 {
        (1e-9, 1e-12)
    } else {
        (1e-4, 1e-6)
    }
}

/// Asserts `|got − want| ≤ atol + rtol·|want|` element by element.
pub fn assert_close<F: Float>(what: &str, got: &[F], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let (rtol, atol) = tolerance::<F>();
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let g = g.to_f64();
        assert!(
            (g - w).abs() <= atol + rtol * w.abs(),
            "{what}[{i}] ({}): got {g:e}, want {w:e}",
            F::NAME
        );
    }
}

/// A JSON number array of any nesting, flattened row-major.
pub fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![other.as_f64().expect("number")],
    }
}

/// The sizes of a nested JSON array.
pub fn shape(v: &Value) -> Vec<usize> {
    let mut s = Vec::new();
    let mut cur = v;
    while let Value::Array(items) = cur {
        s.push(items.len());
        match items.first() {
            Some(first) => cur = first,
            None => break,
        }
    }
    s
}

/// `[F; N]` from a flat JSON array.
pub fn arr<F: Float, const N: usize>(v: &Value) -> [F; N] {
    let f = flat(v);
    assert_eq!(f.len(), N, "size");
    core::array::from_fn(|i| F::from_f64(f[i]))
}

/// `[[F; N]; B]` from a `[B][N]` JSON array.
pub fn arr2<F: Float, const N: usize, const B: usize>(v: &Value) -> [[F; N]; B] {
    assert_eq!(shape(v), [B, N], "shape");
    let f = flat(v);
    core::array::from_fn(|b| core::array::from_fn(|i| F::from_f64(f[b * N + i])))
}

/// `[usize; B]` from a JSON integer array.
pub fn indices<const B: usize>(v: &Value) -> [usize; B] {
    let items = v.as_array().expect("array");
    assert_eq!(items.len(), B, "size");
    core::array::from_fn(|i| items[i].as_u64().expect("index") as usize)
}

/// A numeric parameter of a case's `params`/`activation_params` object.
pub fn param(obj: &Value, key: &str) -> f64 {
    obj[key]
        .as_f64()
        .unwrap_or_else(|| panic!("missing parameter {key}"))
}
