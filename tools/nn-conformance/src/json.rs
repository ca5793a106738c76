//! Reading the fields of a reference case: tensors, indices, numbers and
//! parameter objects, each with a precise message when the file is wrong.

use serde_json::{Map, Value};

/// A case failed to run; the message says why.
pub type CaseError = String;

/// A dense tensor read from nested JSON arrays, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// Sizes, outermost first (`[]` for a scalar).
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<f64>,
}

impl Tensor {
    /// Reads a number or a rectangular nest of arrays of numbers.
    pub fn from_value(v: &Value, what: &str) -> Result<Self, CaseError> {
        let mut shape = Vec::new();
        let mut probe = v;
        while let Value::Array(items) = probe {
            shape.push(items.len());
            match items.first() {
                Some(first) => probe = first,
                None => break,
            }
        }
        let mut data = Vec::new();
        collect(v, &shape, &mut data, what)?;
        Ok(Tensor { shape, data })
    }

    /// The width of the last axis, or 1 for a scalar.
    pub fn width(&self) -> usize {
        self.shape.last().copied().unwrap_or(1)
    }

    /// The tensor as a matrix `[rows][cols]`: a vector is one row.
    pub fn as_matrix(&self, what: &str) -> Result<(usize, usize), CaseError> {
        match self.shape[..] {
            [n] => Ok((1, n)),
            [r, c] => Ok((r, c)),
            _ => Err(format!(
                "`{what}` must be a vector or a matrix, has shape {:?}",
                self.shape
            )),
        }
    }

    /// Fails unless the shape is exactly `shape`.
    pub fn expect_shape(&self, what: &str, shape: &[usize]) -> Result<(), CaseError> {
        if self.shape != shape {
            return Err(format!(
                "`{what}` has shape {:?}, expected {shape:?}",
                self.shape
            ));
        }
        Ok(())
    }
}

fn collect(v: &Value, shape: &[usize], out: &mut Vec<f64>, what: &str) -> Result<(), CaseError> {
    match (v, shape.split_first()) {
        (Value::Number(n), None) => {
            let x = n
                .as_f64()
                .ok_or_else(|| format!("`{what}` holds a number that is not an f64"))?;
            out.push(x);
            Ok(())
        }
        (Value::Array(items), Some((&len, rest))) if items.len() == len => items
            .iter()
            .try_for_each(|item| collect(item, rest, out, what)),
        _ => Err(format!("`{what}` is not a rectangular array of numbers")),
    }
}

/// The fields of one case, with typed accessors.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// Wraps a JSON object.
    pub fn new(v: &'a Value, what: &str) -> Result<Self, CaseError> {
        v.as_object()
            .map(|map| Fields { map })
            .ok_or_else(|| format!("`{what}` is not a JSON object"))
    }

    /// Whether the field exists.
    pub fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// The raw value of a field that must exist.
    pub fn get(&self, name: &str) -> Result<&'a Value, CaseError> {
        self.map
            .get(name)
            .ok_or_else(|| format!("missing field `{name}`"))
    }

    /// A string field.
    pub fn str(&self, name: &str) -> Result<&'a str, CaseError> {
        self.get(name)?
            .as_str()
            .ok_or_else(|| format!("`{name}` is not a string"))
    }

    /// A numeric field.
    pub fn number(&self, name: &str) -> Result<f64, CaseError> {
        self.get(name)?
            .as_f64()
            .ok_or_else(|| format!("`{name}` is not a number"))
    }

    /// A non-negative integer field.
    pub fn count(&self, name: &str) -> Result<usize, CaseError> {
        self.get(name)?
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("`{name}` is not a non-negative integer"))
    }

    /// A boolean field.
    pub fn flag(&self, name: &str) -> Result<bool, CaseError> {
        self.get(name)?
            .as_bool()
            .ok_or_else(|| format!("`{name}` is not a boolean"))
    }

    /// A tensor field.
    pub fn tensor(&self, name: &str) -> Result<Tensor, CaseError> {
        Tensor::from_value(self.get(name)?, name)
    }

    /// A flat list of non-negative integers (at any nesting).
    pub fn indices(&self, name: &str) -> Result<Vec<usize>, CaseError> {
        let mut out = Vec::new();
        flat_indices(self.get(name)?, name, &mut out)?;
        Ok(out)
    }

    /// An array field, element by element.
    pub fn array(&self, name: &str) -> Result<&'a [Value], CaseError> {
        self.get(name)?
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| format!("`{name}` is not an array"))
    }

    /// An object field.
    pub fn object(&self, name: &str) -> Result<Fields<'a>, CaseError> {
        Fields::new(self.get(name)?, name)
    }

    /// The field names, for rejecting unknown parameters.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.map.keys().map(String::as_str)
    }

    /// Fails if the object has a key outside `known`: a parameter the
    /// library cannot honour must fail the case, never be ignored.
    pub fn only(&self, known: &[&str], what: &str) -> Result<(), CaseError> {
        match self.keys().find(|k| !known.contains(k)) {
            Some(k) => Err(format!("unknown parameter `{k}` for {what}")),
            None => Ok(()),
        }
    }
}

fn flat_indices(v: &Value, what: &str, out: &mut Vec<usize>) -> Result<(), CaseError> {
    match v {
        Value::Array(items) => items.iter().try_for_each(|i| flat_indices(i, what, out)),
        Value::Number(n) => {
            let i = n
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .ok_or_else(|| format!("`{what}` holds {n}, not a non-negative integer"))?;
            out.push(i);
            Ok(())
        }
        _ => Err(format!("`{what}` is not an array of integers")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rectangular_nests_and_rejects_ragged_ones() {
        let v: Value = serde_json::from_str("[[1, 2.5], [-0.0, 1e-7]]").unwrap();
        let t = Tensor::from_value(&v, "t").unwrap();
        assert_eq!(t.shape, [2, 2]);
        assert_eq!(t.data, [1.0, 2.5, -0.0, 1e-7]);
        let ragged: Value = serde_json::from_str("[[1, 2], [3]]").unwrap();
        assert!(Tensor::from_value(&ragged, "t").is_err());
        let scalar: Value = serde_json::from_str("3.25").unwrap();
        assert_eq!(Tensor::from_value(&scalar, "t").unwrap().shape, [0usize; 0]);
    }

    #[test]
    fn unknown_parameters_are_reported() {
        let v: Value = serde_json::from_str(r#"{"a": 1, "b": 2}"#).unwrap();
        let f = Fields::new(&v, "params").unwrap();
        assert!(f.only(&["a", "b"], "x").is_ok());
        assert_eq!(
            f.only(&["a"], "prelu").unwrap_err(),
            "unknown parameter `b` for prelu"
        );
    }
}
