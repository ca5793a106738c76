//! `nn`: command-line tool for model files.
//!
//! ```text
//! nn inspect FILE                 print a model file's header, layers and checksum status
//! nn export-rs FILE [-o OUT]      write the network as Rust source (stdout without -o)
//!        [--type-name NAME] [--static-name NAME] [--crate-path PATH] [--scaler-name NAME]
//! nn to-safetensors FILE -o OUT   write the parameters as a safetensors file with
//!                                 torch.nn.Sequential names, for PyTorch's load_state_dict
//! nn check-tflite MODEL.tflite CASES.json
//!                                 run an int8 .tflite on the inputs recorded in a reference
//!                                 JSON file; print `N passed, M failed` against TFLite Micro
//! ```
//! Exit status: 0 on success, 1 for an unreadable or invalid model file
//! (or a failed check), 2 for a usage error.

#[cfg(feature = "cli")]
#[path = "nn/check_tflite.rs"]
mod check_tflite;

use std::process::ExitCode;

use nn_std::io::export_rs::{ExportOptions, export_rs};
use nn_std::io::inspect;
use nn_std::io::model_file::read_model;
#[cfg(feature = "safetensors")]
use nn_std::io::safetensors::model_file_to_safetensors;

const USAGE: &str = "usage:
  nn inspect FILE
  nn export-rs FILE [-o OUT] [--type-name NAME] [--static-name NAME] [--crate-path PATH]
                             [--scaler-name NAME]
  nn to-safetensors FILE -o OUT
  nn check-tflite MODEL.tflite CASES.json";

fn usage(msg: &str) -> ExitCode {
    eprintln!("nn: {msg}\n{USAGE}");
    ExitCode::from(2)
}

fn fail(msg: String) -> ExitCode {
    eprintln!("nn: {msg}");
    ExitCode::from(1)
}

/// The model file at `path`, read no further than its header declares.
fn read(path: &str) -> Result<Vec<u8>, ExitCode> {
    std::fs::File::open(path)
        .and_then(read_model)
        .map_err(|e| fail(format!("{path}: cannot read: {e}")))
}

fn cmd_inspect(args: &[String]) -> ExitCode {
    let [path] = args else {
        return usage("inspect takes exactly one FILE");
    };
    let bytes = match read(path) {
        Ok(b) => b,
        Err(code) => return code,
    };
    match inspect(&bytes) {
        Ok(text) => {
            println!("file: {path}");
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{path}: invalid model file: {e}")),
    }
}

fn cmd_export_rs(args: &[String]) -> ExitCode {
    let mut opts = ExportOptions::default();
    let mut file: Option<&String> = None;
    let mut out: Option<&String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let target = match a.as_str() {
            "-o" | "--output" => None,
            "--type-name" => Some(&mut opts.type_name),
            "--static-name" => Some(&mut opts.static_name),
            "--crate-path" => Some(&mut opts.crate_path),
            "--scaler-name" => Some(&mut opts.scaler_name),
            s if s.starts_with('-') && s.len() > 1 => {
                return usage(&format!("unknown option {s}"));
            }
            _ => {
                if file.replace(a).is_some() {
                    return usage("export-rs takes exactly one FILE");
                }
                continue;
            }
        };
        let Some(value) = it.next() else {
            return usage(&format!("{a} needs a value"));
        };
        match target {
            Some(t) => *t = value.clone(),
            None => out = Some(value),
        }
    }
    let Some(path) = file else {
        return usage("export-rs needs a FILE");
    };
    if let Err(e) = opts.check() {
        return usage(&e.to_string());
    }
    let bytes = match read(path) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let src = match export_rs(&bytes, &opts) {
        Ok(s) => s,
        Err(e) => return fail(format!("{path}: {e}")),
    };
    match out {
        Some(o) => match std::fs::write(o, src) {
            Ok(()) => {
                eprintln!("nn: wrote {o}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("{o}: cannot write: {e}")),
        },
        None => {
            print!("{src}");
            ExitCode::SUCCESS
        }
    }
}

#[cfg(feature = "safetensors")]
fn cmd_to_safetensors(args: &[String]) -> ExitCode {
    let (path, out) = match args {
        [p, o, out] if o == "-o" => (p, out),
        [o, out, p] if o == "-o" => (p, out),
        _ => return usage("to-safetensors takes FILE -o OUT"),
    };
    let bytes = match read(path) {
        Ok(b) => b,
        Err(code) => return code,
    };
    match model_file_to_safetensors(&bytes) {
        Ok(st) => match std::fs::write(out, st) {
            Ok(()) => {
                eprintln!("nn: wrote {out}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("{out}: cannot write: {e}")),
        },
        Err(e) => fail(format!("{path}: {e}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--help` after a command too (`nn export-rs --help`).
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match args.first().map(String::as_str) {
        Some("inspect") => cmd_inspect(&args[1..]),
        Some("export-rs") => cmd_export_rs(&args[1..]),
        #[cfg(feature = "safetensors")]
        Some("to-safetensors") => cmd_to_safetensors(&args[1..]),
        #[cfg(not(feature = "safetensors"))]
        Some("to-safetensors") => {
            fail("to-safetensors needs nn-std's `safetensors` feature".into())
        }
        #[cfg(feature = "cli")]
        Some("check-tflite") => check_tflite::run(&args[1..]),
        #[cfg(not(feature = "cli"))]
        Some("check-tflite") => fail("check-tflite needs nn-std's `cli` feature".into()),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage(&format!("unknown command {other}")),
        None => usage("missing command"),
    }
}
