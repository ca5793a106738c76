//! The tolerance table of the reference README and the comparison of results.

use core::fmt;

/// The precision a check runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// `f64` (the precision the reference values were computed in).
    F64,
    /// `f32`: inputs are parsed as `f64` and cast.
    F32,
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
        })
    }
}

/// `got` matches `want` when `|got − want| ≤ atol + rtol·|want|`.
///
/// ```
/// use nn_conformance::{Precision, Tolerance};
/// let t = Tolerance::single(Precision::F32);
/// assert!(t.allows(1.00005, 1.0));
/// assert!(!t.allows(1.0002, 1.0));
/// assert!(!t.allows(f64::NAN, 1.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// Relative part.
    pub rtol: f64,
    /// Absolute part.
    pub atol: f64,
}

impl Tolerance {
    /// Single evaluations: activations, losses, one MLP pass.
    pub const fn single(p: Precision) -> Self {
        match p {
            Precision::F64 => Tolerance {
                rtol: 1e-9,
                atol: 1e-12,
            },
            Precision::F32 => Tolerance {
                rtol: 1e-4,
                atol: 1e-6,
            },
        }
    }

    /// Trajectories: optimizer runs and training runs.
    pub const fn trajectory(p: Precision) -> Self {
        match p {
            Precision::F64 => Tolerance {
                rtol: 1e-8,
                atol: 1e-12,
            },
            Precision::F32 => Tolerance {
                rtol: 1e-3,
                atol: 1e-5,
            },
        }
    }

    /// The `grads` field of optimizer trajectories (its own f32 row).
    pub const fn optimizer_grads(p: Precision) -> Self {
        match p {
            Precision::F64 => Self::trajectory(p),
            Precision::F32 => Tolerance {
                rtol: 1e-3,
                atol: 5e-4,
            },
        }
    }

    /// The largest error allowed against `want`.
    pub fn allowed(&self, want: f64) -> f64 {
        self.atol + self.rtol * want.abs()
    }

    /// Whether `got` matches `want` (never for NaN).
    pub fn allows(&self, got: f64, want: f64) -> bool {
        (got - want).abs() <= self.allowed(want)
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "atol {:e} + rtol {:e}", self.atol, self.rtol)
    }
}

/// The comparison of one value that used the largest share of its tolerance.
#[derive(Clone, Debug, PartialEq)]
pub struct Deviation {
    /// Field and position, for example `grad_layers[1].weight[3]`.
    pub at: String,
    /// The library's value.
    pub got: f64,
    /// The reference value.
    pub want: f64,
    /// The tolerance that applied.
    pub tolerance: Tolerance,
}

impl Deviation {
    /// `|got − want|`.
    pub fn error(&self) -> f64 {
        (self.got - self.want).abs()
    }

    /// The error as a share of what is allowed (≤ 1 passes; NaN is
    /// infinite; no error is 0, also under a zero tolerance).
    pub fn ratio(&self) -> f64 {
        if self.error() == 0.0 {
            return 0.0;
        }
        let r = self.error() / self.tolerance.allowed(self.want);
        if r.is_nan() { f64::INFINITY } else { r }
    }

    /// Whether the value is within its tolerance.
    pub fn passes(&self) -> bool {
        self.tolerance.allows(self.got, self.want)
    }
}

/// Compares the results of one case, keeping the worst deviation.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    worst: Option<Deviation>,
    failures: usize,
    compared: usize,
}

impl Comparison {
    /// Compares `got` with `want` element by element; a length mismatch is an
    /// error of the case.
    pub fn values(
        &mut self,
        field: &str,
        got: impl IntoIterator<Item = f64>,
        want: &[f64],
        tolerance: Tolerance,
    ) -> Result<(), String> {
        let got: Vec<f64> = got.into_iter().collect();
        if got.len() != want.len() {
            return Err(format!(
                "`{field}`: the library produced {} values, the file has {}",
                got.len(),
                want.len()
            ));
        }
        for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
            let at = if want.len() == 1 {
                field.to_string()
            } else {
                format!("{field}[{i}]")
            };
            self.one(at, g, w, tolerance);
        }
        Ok(())
    }

    /// Compares one scalar.
    pub fn scalar(&mut self, field: &str, got: f64, want: f64, tolerance: Tolerance) {
        self.one(field.to_string(), got, want, tolerance);
    }

    /// Records an exact (integer) comparison, such as an argmax index.
    pub fn exact(&mut self, field: &str, got: &[usize], want: &[usize]) {
        self.compared += 1;
        if got != want {
            self.failures += 1;
            self.worst = Some(Deviation {
                at: format!("{field} (got {got:?})"),
                got: f64::NAN,
                want: f64::NAN,
                tolerance: Tolerance {
                    rtol: 0.0,
                    atol: 0.0,
                },
            });
        }
    }

    fn one(&mut self, at: String, got: f64, want: f64, tolerance: Tolerance) {
        self.compared += 1;
        let d = Deviation {
            at,
            got,
            want,
            tolerance,
        };
        if !d.passes() {
            self.failures += 1;
        }
        let worse = self.worst.as_ref().is_none_or(|w| d.ratio() > w.ratio());
        if worse {
            self.worst = Some(d);
        }
    }

    /// The value that used the largest share of its tolerance.
    pub fn worst(&self) -> Option<&Deviation> {
        self.worst.as_ref()
    }

    /// Values out of tolerance.
    pub fn failures(&self) -> usize {
        self.failures
    }

    /// Values compared.
    pub fn compared(&self) -> usize {
        self.compared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_readme_table() {
        let s = Tolerance::single(Precision::F64);
        assert_eq!((s.rtol, s.atol), (1e-9, 1e-12));
        let t = Tolerance::trajectory(Precision::F32);
        assert_eq!((t.rtol, t.atol), (1e-3, 1e-5));
        let g = Tolerance::optimizer_grads(Precision::F32);
        assert_eq!((g.rtol, g.atol), (1e-3, 5e-4));
        assert_eq!(
            Tolerance::optimizer_grads(Precision::F64),
            Tolerance::trajectory(Precision::F64)
        );
    }

    #[test]
    fn comparison_keeps_the_worst_and_counts_failures() {
        let t = Tolerance::single(Precision::F64);
        let mut c = Comparison::default();
        c.values("y", [1.0, 2.0 + 1e-6, 3.0], &[1.0, 2.0, 3.0], t)
            .unwrap();
        assert_eq!(c.failures(), 1);
        assert_eq!(c.worst().unwrap().at, "y[1]");
        assert!(c.values("y", [1.0], &[1.0, 2.0], t).is_err());
        c.scalar("nan", f64::NAN, 0.0, t);
        assert_eq!(c.failures(), 2);
        assert_eq!(c.worst().unwrap().at, "nan");
    }
}
