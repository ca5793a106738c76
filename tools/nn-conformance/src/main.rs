//! Checks the library against PyTorch reference vectors.
//!
//! ```text
//! cargo run --release -p nn-conformance -- [--f32] FILE.json...
//! ```
//!
//! Prints one line per case with its largest error and the tolerance, then
//! `N passed, M failed`; a file that cannot be read or is not a reference
//! file counts as one failure. Exits 0 only when nothing failed and something
//! passed.

use std::process::ExitCode;

use nn_conformance::{Precision, check_file};

fn main() -> ExitCode {
    let mut precision = Precision::F64;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--f32" => precision = Precision::F32,
            "--f64" => precision = Precision::F64,
            "-h" | "--help" => {
                println!("usage: nn-conformance [--f32] FILE.json...");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with("--") => {
                eprintln!(
                    "error: unknown option `{flag}` (usage: nn-conformance [--f32] FILE.json...)"
                );
                return ExitCode::from(2);
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("usage: nn-conformance [--f32] FILE.json...");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        match check_file(file, precision) {
            Ok(report) => {
                println!("== {} ({precision})", report.path);
                for case in &report.cases {
                    println!("{case}");
                }
                passed += report.passed();
                failed += report.failed();
            }
            Err(e) => {
                // A file that cannot be checked at all counts as one failure.
                println!("FAIL {file}: {e}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 && passed > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
