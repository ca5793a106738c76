//! The `nn` command-line tool, run as a binary.

use std::path::PathBuf;
use std::process::{Command, Output};

use nn_core::{Dense, Relu, Seq, seq};
use nn_format::ScalerKind;
use nn_std::io::export_rs::{ExportOptions, export_rs};
use nn_std::io::model_file::{ScalerParts, save_with_scaler};

type Net = Seq![Dense<f32, 3, 2>, Relu, Dense<f32, 2, 1>];

fn nn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nn"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("nn-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn model() -> Vec<u8> {
    let net: Net = seq![
        Dense::from_parts([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]], [0.0, 1.0]),
        Relu,
        Dense::from_parts([[1.0, -1.0]], [0.125]),
    ];
    save_with_scaler(
        &net,
        Some(ScalerParts {
            kind: ScalerKind::MinMax,
            offset: &[0.0, 0.0, 1.0],
            factor: &[16.0, 16.0, 2.0],
        }),
    )
    .unwrap()
}

#[test]
fn inspect_prints_header_layers_params_and_checksum() {
    let dir = TempDir::new("inspect");
    let bytes = model();
    let path = dir.file("m.bin", &bytes);
    let out = nn(&["inspect", &path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let crc = u32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap());
    let want = format!(
        "file: {path}
format version: 1
scalar type: f32
size: {} bytes
layers: 3
  0: dense 3 -> 2 (8 parameters)
  1: relu (2)
  2: dense 2 -> 1 (3 parameters)
input scaler: min_max (3 features)
input width: 3, output width: 1
parameters: 11
checksum: ok (CRC-32 {crc:#010x})
",
        bytes.len()
    );
    assert_eq!(text(&out.stdout), want);
}

#[test]
fn inspect_refuses_a_corrupt_file_with_a_clear_message() {
    let dir = TempDir::new("corrupt");
    let mut bytes = model();
    let n = bytes.len();
    bytes[n - 10] ^= 0x20;
    let path = dir.file("bad.bin", &bytes);
    let out = nn(&["inspect", &path]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "nn: {path}: invalid model file: checksum mismatch: stored 0x"
        )),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let path = dir.file("short.bin", &model()[..20]);
    let out = nn(&["inspect", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("truncated: expected 28 bytes, found 20"));

    let out = nn(&["inspect", &dir.0.join("missing.bin").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read"));
}

#[test]
fn usage_errors_exit_with_status_2() {
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["inspect"][..],
        &["export-rs", "--bogus", "x"][..],
        &["export-rs", "f", "-o"][..],
    ] {
        let out = nn(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("usage:"));
    }
    assert!(nn(&["--help"]).status.success());
    for command in ["inspect", "export-rs", "to-safetensors"] {
        let out = nn(&[command, "--help"]);
        assert!(out.status.success(), "{command} --help");
        assert!(text(&out.stdout).contains("nn export-rs FILE"));
    }
}

#[test]
fn export_rs_writes_the_library_export_to_a_file_or_stdout() {
    let dir = TempDir::new("export");
    let bytes = model();
    let path = dir.file("m.bin", &bytes);
    let out_path = dir.0.join("model.rs");
    let out = nn(&[
        "export-rs",
        &path,
        "-o",
        out_path.to_str().unwrap(),
        "--type-name",
        "Digits",
        "--static-name",
        "DIGITS",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let opts = ExportOptions {
        type_name: "Digits".into(),
        static_name: "DIGITS".into(),
        ..ExportOptions::default()
    };
    let want = export_rs(&bytes, &opts).unwrap();
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), want);
    assert!(want.contains("pub static DIGITS: Digits = "));

    let out = nn(&["export-rs", &path]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        export_rs(&bytes, &ExportOptions::default()).unwrap()
    );

    let bad = dir.file("bad.bin", b"NNMF\x07\x00");
    let out = nn(&["export-rs", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("invalid model file"));
}

#[cfg(feature = "safetensors")]
#[test]
fn to_safetensors_writes_a_state_dict_the_importer_reads_back() {
    use nn_std::io::safetensors::{Mapping, import_safetensors};
    let dir = TempDir::new("st");
    let bytes = model();
    let path = dir.file("m.bin", &bytes);
    let out_path = dir.0.join("m.safetensors");
    let out = nn(&["to-safetensors", &path, "-o", out_path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let st = std::fs::read(&out_path).unwrap();
    let net: Net = import_safetensors(&st, &Mapping::Sequential).unwrap();
    use nn_format::Loadable;
    assert_eq!(net, Net::load(&bytes).unwrap());

    let out = nn(&["to-safetensors", &path]);
    assert_eq!(out.status.code(), Some(2));
    let bad = dir.file("bad.bin", b"garbage");
    let out = nn(&["to-safetensors", &bad, "-o", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("invalid model file: not a model file"));
}

#[test]
fn export_rs_accepts_only_rust_names() {
    let dir = TempDir::new("names");
    let path = dir.file("m.bin", &model());
    let bad = [
        ("--type-name", "Net; fn evil() {}"),
        ("--type-name", "fn"),
        ("--static-name", "1MODEL"),
        ("--static-name", ""),
        ("--scaler-name", "_"),
        ("--crate-path", "nn_core; use std"),
        ("--crate-path", "nn_core::"),
        ("--crate-path", "a::fn"),
    ];
    for (option, value) in bad {
        let out = nn(&["export-rs", &path, option, value]);
        assert_eq!(out.status.code(), Some(2), "{option} {value:?}");
        let what = option.trim_start_matches("--").replace('-', " ");
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("{what} {value:?} is not a Rust")),
            "{option} {value:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    let good = [
        ("--type-name", "DigitsNet"),
        ("--static-name", "_MODEL2"),
        ("--crate-path", "::nn_core"),
        ("--crate-path", "crate::nn"),
        ("--crate-path", "super::super::nn"),
    ];
    for (option, value) in good {
        let out = nn(&["export-rs", &path, option, value]);
        assert!(out.status.success(), "{option} {value:?}");
    }
}

#[test]
fn inspect_stops_reading_an_endless_stream() {
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_nn"))
        .args(["inspect", "/dev/zero"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`nn inspect /dev/zero` still reading after 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("/dev/zero: invalid model file: not a model file"),
        "{err}"
    );
}

#[test]
fn inspect_stops_one_byte_past_the_declared_length() {
    let dir = TempDir::new("long");
    let mut bytes = model();
    let declared = bytes.len();
    bytes.extend(std::iter::repeat_n(0u8, 1 << 20));
    let path = dir.file("long.bin", &bytes);
    let out = nn(&["inspect", &path]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!(
        "trailing bytes: expected {declared} bytes, found {}",
        declared + 1
    );
    assert!(text(&out.stderr).contains(&want), "{}", text(&out.stderr));
}
