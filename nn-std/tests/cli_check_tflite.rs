//! `nn check-tflite`, run as a binary on every `.tflite` file of
//! `shared/reference/int8/`: each reproduces every recorded TFLite Micro
//! output bit for bit; mismatches and bad files exit with code 1.

use std::process::{Command, Output};

use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/int8/");

fn check(model: &str, cases: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nn"))
        .args([
            "check-tflite",
            &format!("{DIR}{model}"),
            &format!("{DIR}{cases}"),
        ])
        .output()
        .expect("run nn")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

/// Every model file with the JSON file that records its runs.
fn every_model() -> Vec<(String, &'static str)> {
    let mut models = vec![];
    for stem in ["digits_mlp_int8", "sine_int8"] {
        let cases = if stem == "sine_int8" {
            "sine_int8.json"
        } else {
            "digits_mlp_int8.json"
        };
        models.push((format!("{stem}.tflite"), cases));
        models.push((format!("{stem}_floatio.tflite"), cases));
    }
    let bytes = std::fs::read(format!("{DIR}fc_cases.json")).expect("fc_cases.json");
    let doc: Value = serde_json::from_slice(&bytes).expect("json");
    for case in doc["cases"].as_array().expect("cases") {
        let file = case["tflite_file"].as_str().expect("tflite_file");
        models.push((file.to_string(), "fc_cases.json"));
    }
    models
}

#[test]
#[cfg_attr(
    not(feature = "cli"),
    ignore = "nn check-tflite needs nn-std's `cli` feature"
)]
fn every_reference_model_reproduces_tflite_micro() {
    let models = every_model();
    assert_eq!(models.len(), 4 + 24);
    let mut samples = 0;
    for (model, cases) in &models {
        let out = check(model, cases);
        let text = stdout(&out);
        println!("{model}: {}", text.trim());
        let expected = if cases == &"fc_cases.json" { 50 } else { 100 };
        assert_eq!(text, format!("{expected} passed, 0 failed\n"), "{model}");
        assert!(out.status.success(), "{model}");
        samples += expected;
    }
    println!("{} models, {samples} samples, 0 failed", models.len());
}

#[test]
#[cfg_attr(
    not(feature = "cli"),
    ignore = "nn check-tflite needs nn-std's `cli` feature"
)]
fn mismatches_exit_with_code_1() {
    // One recorded output value changed by one.
    let wrong = "fc_cases/pc_in7_out13.tflite";
    let doc = std::fs::read(format!("{DIR}fc_cases.json")).expect("fc_cases.json");
    let mut doc: Value = serde_json::from_slice(&doc).expect("json");
    let cases = doc["cases"].as_array_mut().expect("cases");
    let target = cases
        .iter_mut()
        .find(|c| c["tflite_file"] == wrong)
        .expect("case");
    let value = &mut target["outputs_by_kernel"]["tflm"][3][5];
    let v = value.as_i64().expect("int8");
    *value = Value::from(if v == 127 { 126 } else { v + 1 });
    let path = std::env::temp_dir().join(format!("nn-check-tflite-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_vec(&doc).expect("json")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_nn"))
        .args(["check-tflite", &format!("{DIR}{wrong}")])
        .arg(&path)
        .output()
        .expect("run nn");
    std::fs::remove_file(&path).expect("clean up");
    assert_eq!(stdout(&out), "49 passed, 1 failed\n");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
#[cfg_attr(
    not(feature = "cli"),
    ignore = "nn check-tflite needs nn-std's `cli` feature"
)]
fn bad_files_exit_with_code_1_and_usage_errors_with_2() {
    let float = check("digits_mlp_float.tflite", "digits_mlp_int8.json");
    assert_eq!(float.status.code(), Some(1));
    let error = String::from_utf8(float.stderr).expect("utf-8");
    assert!(error.contains("digits_mlp_float.tflite"), "{error}");
    let no_case = check("digits_mlp_int8.tflite", "fc_cases.json");
    assert_eq!(no_case.status.code(), Some(1));
    let usage = Command::new(env!("CARGO_BIN_EXE_nn"))
        .args(["check-tflite", "only-one-argument"])
        .output()
        .expect("run nn");
    assert_eq!(usage.status.code(), Some(2));
}
