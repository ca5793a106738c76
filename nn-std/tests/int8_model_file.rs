//! A [`QNetwork`] saved to an int8 model file and loaded back runs the
//! same bits: on TFLite's Digits model (`shared/reference/int8/`), read
//! with `tflite::read`, and with the recorded TFLite Micro outputs.

use nn_std::quant::{QFileError, QNetwork};
use serde_json::Value;

/// `shared/reference/int8/<name>` from the nearest ancestor that has it.
fn reference(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/reference/int8").join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("shared/reference/int8/{name} not found above the crate"))
}

fn ints(v: &Value) -> Vec<i8> {
    let row = v.as_array().expect("array");
    let int = |x: &Value| i8::try_from(x.as_i64().expect("integer")).expect("int8");
    row.iter().map(int).collect()
}

#[test]
fn digits_round_trip_is_bit_exact() {
    let tflite = std::fs::read(reference("digits_mlp_int8.tflite")).unwrap();
    let net = nn_std::tflite::read(&tflite).unwrap().network;
    let bytes = net.save().unwrap();
    let loaded = QNetwork::load(&bytes).unwrap();
    assert_eq!(loaded, net);
    // 24 header + 2·32 descriptors + 64·32 + 32·10 weights
    // + 4·(32 + 10) bias + 4·(32 + 10) per-channel scales + 4 CRC.
    assert_eq!(bytes.len(), 24 + 64 + 2048 + 320 + 168 + 168 + 4);

    let json: Value =
        serde_json::from_reader(std::fs::File::open(reference("digits_mlp_int8.json")).unwrap())
            .unwrap();
    let samples = json["samples"].as_array().unwrap();
    let x: Vec<i8> = samples
        .iter()
        .flat_map(|s| ints(&s["int8_input"]))
        .collect();
    let want: Vec<i8> = samples
        .iter()
        .flat_map(|s| ints(&s["int8_output_by_kernel"]["tflm"]))
        .collect();
    assert_eq!(samples.len(), 100);
    assert_eq!(loaded.forward(&x).unwrap(), want);
    assert_eq!(loaded.forward(&x).unwrap(), net.forward(&x).unwrap());
}

#[test]
fn load_refuses_float_files_and_corruption() {
    let tflite = std::fs::read(reference("digits_mlp_int8.tflite")).unwrap();
    let mut bytes = nn_std::tflite::read(&tflite)
        .unwrap()
        .network
        .save()
        .unwrap();
    bytes[100] ^= 1;
    assert!(matches!(
        QNetwork::load(&bytes),
        Err(QFileError::File(nn_format::LoadError::Checksum { .. }))
    ));
    let float = include_bytes!("../../examples/firmware/model/model.bin");
    assert_eq!(
        QNetwork::load(float),
        Err(QFileError::File(nn_format::LoadError::UnsupportedVersion(
            1
        )))
    );
    // The version-1 file still loads with the float reader.
    assert!(nn_format::ModelView::parse(float).is_ok());
}

#[test]
fn nn_inspect_prints_the_quantization_parameters() {
    let tflite = std::fs::read(reference("digits_mlp_int8.tflite")).unwrap();
    let bytes = nn_std::tflite::read(&tflite)
        .unwrap()
        .network
        .save()
        .unwrap();
    let path = std::env::temp_dir().join(format!("nn-int8-inspect-{}.nnmf", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nn"))
        .arg("inspect")
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\nformat version: 2\nscalar type: int8\n"),
        "{text}"
    );
    // The parameters TFLite's converter recorded beside the model.
    let json: Value =
        serde_json::from_reader(std::fs::File::open(reference("digits_mlp_int8.json")).unwrap())
            .unwrap();
    for (i, l) in json["layers"].as_array().unwrap().iter().enumerate() {
        let (n_in, n_out) = (
            l["in_features"].as_u64().unwrap(),
            l["out_features"].as_u64().unwrap(),
        );
        let q = |which: &str| {
            let scale = l[format!("{which}_scale")].as_f64().unwrap() as f32;
            let zp = l[format!("{which}_zero_point")].as_i64().unwrap();
            format!("{which} scale {scale} zero point {zp}")
        };
        let lines = [
            format!(
                "  {i}: int8 dense {n_in} -> {n_out}, {}",
                l["fused_activation"].as_str().unwrap().to_lowercase()
            ),
            format!("     {}, {}\n", q("input"), q("output")),
            format!("     weight scales per channel ({n_out}): "),
        ];
        for line in lines {
            assert!(text.contains(&line), "{line:?} not in\n{text}");
        }
    }
    assert!(text.contains(&format!("parameters: {}\n", 64 * 32 + 32 + 32 * 10 + 10)));
}
