//! `export_rs` on an int8 model file (TFLite's Digits model, read with
//! `tflite::read`, saved as a model file) matches the committed golden file,
//! which `int8_export_golden.rs` compiles and runs bit for bit.
//! Regenerate it with `NN_BLESS=1 cargo test -p nn-std --test int8_export_rs`.

use nn_std::io::export_rs::{ExportOptions, export_rs};

#[test]
fn digits_int8_export_matches_golden() {
    let tflite = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/int8/digits_mlp_int8.tflite"
    ))
    .unwrap();
    let bytes = nn_std::tflite::read(&tflite)
        .unwrap()
        .network
        .save()
        .unwrap();
    let opts = ExportOptions {
        type_name: "DigitsInt8".into(),
        static_name: "DIGITS_INT8".into(),
        ..ExportOptions::default()
    };
    let src = export_rs(&bytes, &opts).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/export_int8_digits.rs"
    );
    if std::env::var_os("NN_BLESS").is_some() {
        std::fs::write(path, &src).unwrap();
    }
    let golden = std::fs::read_to_string(path).unwrap();
    assert!(
        golden == src,
        "export_int8_digits.rs differs from the export; rerun with NN_BLESS=1 if the change is intended"
    );
}
