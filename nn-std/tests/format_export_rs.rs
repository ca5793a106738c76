//! The Rust-source export matches the committed golden files (which
//! `format_export_golden.rs` compiles and checks bit for bit).
//! Regenerate them with `NN_BLESS=1 cargo test -p nn-std --test format_export_rs`.

#[path = "fixtures/export_nets.rs"]
#[allow(dead_code)]
mod nets;

use nn_std::io::export_rs::{ExportError, ExportOptions, export_rs, export_rs_net, float_literal};

fn check_golden(name: &str, src: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    if std::env::var_os("NN_BLESS").is_some() {
        std::fs::write(&path, src).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    assert!(
        golden == src,
        "{name} differs from the export; rerun with NN_BLESS=1 if the change is intended"
    );
}

#[test]
fn f32_export_with_scaler_matches_golden() {
    let src = export_rs_net(
        &nets::small32(),
        Some(nets::scaler32()),
        &ExportOptions::default(),
    )
    .unwrap();
    check_golden("export_f32.rs", &src);
}

#[test]
fn f64_export_with_custom_names_matches_golden() {
    let opts = ExportOptions {
        type_name: "Tiny".into(),
        static_name: "TINY".into(),
        ..ExportOptions::default()
    };
    let src = export_rs_net(&nets::small64(), None, &opts).unwrap();
    check_golden("export_f64.rs", &src);
}

#[test]
fn float_literals_parse_back_to_the_same_bits() {
    for i in 0..200 {
        let v = nets::value(i) * 1.000_000_1f64.powi(i as i32);
        let lit = float_literal(v);
        if v.is_finite() {
            assert_eq!(lit.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{lit}");
        }
        let w = v as f32;
        let lit = float_literal(w);
        if w.is_finite() {
            assert_eq!(lit.parse::<f32>().unwrap().to_bits(), w.to_bits(), "{lit}");
        }
    }
    assert_eq!(
        float_literal(f32::from_bits(0x7FC0_0042)),
        "f32::from_bits(0x7fc00042)"
    );
    assert_eq!(
        float_literal(f64::NEG_INFINITY),
        "f64::from_bits(0xfff0000000000000)"
    );
    assert_eq!(float_literal(-0.0f32), "-0.0");
}

#[test]
fn invalid_file_is_an_error() {
    let err = export_rs(b"NNMF", &ExportOptions::default()).unwrap_err();
    assert!(matches!(err, ExportError::Load(_)), "{err}");
}

#[test]
fn every_layer_kind_exports_and_matches_golden() {
    let opts = ExportOptions {
        type_name: "All".into(),
        static_name: "ALL".into(),
        ..ExportOptions::default()
    };
    let src = export_rs_net(&nets::all64(), None, &opts).unwrap();
    check_golden("export_all.rs", &src);
}

#[cfg(feature = "safetensors")]
#[test]
fn pytorch_digits_model_exports_to_the_committed_golden_file() {
    // The PyTorch fixture, imported, saved as a model file and exported as
    // Rust source; `format_export_golden.rs` compiles it and checks its logits.
    use nn_core::{Dense, Relu, Seq};
    use nn_std::io::safetensors::{Mapping, import_safetensors};
    type Digits = Seq![Dense<f32, 64, 32>, Relu, Dense<f32, 32, 10>];
    let weights = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/torch_digits_mlp.safetensors"
    ))
    .unwrap();
    let net: Digits = import_safetensors(&weights, &Mapping::Sequential).unwrap();
    let opts = ExportOptions {
        type_name: "TorchDigits".into(),
        static_name: "TORCH_DIGITS".into(),
        ..ExportOptions::default()
    };
    let src = export_rs_net(&net, None, &opts).unwrap();
    check_golden("torch_digits.rs", &src);
}
