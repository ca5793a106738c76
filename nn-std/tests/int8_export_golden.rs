//! The committed int8 Rust-source export (`fixtures/export_int8_digits.rs`)
//! compiles to a `static` that computes exactly what the runtime network
//! and TensorFlow Lite Micro compute on the recorded Digits samples.

mod golden {
    include!("fixtures/export_int8_digits.rs");
}

use nn_core::quant::Infer;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/int8/");

fn numbers(v: &Value) -> impl Iterator<Item = f64> + '_ {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap())
}

#[test]
fn int8_static_matches_the_runtime_network_and_tflm() {
    let tflite = std::fs::read(format!("{DIR}digits_mlp_int8.tflite")).unwrap();
    let net = nn_std::tflite::read(&tflite).unwrap().network;
    let json: Value =
        serde_json::from_reader(std::fs::File::open(format!("{DIR}digits_mlp_int8.json")).unwrap())
            .unwrap();
    let samples = json["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 100);
    for s in samples {
        let x: Vec<f32> = numbers(&s["float_input"]).map(|v| v as f32).collect();
        let x: [f32; 64] = x.try_into().unwrap();
        let y = golden::DIGITS_INT8.infer(&x);
        let want = net.forward_f32(&x).unwrap();
        assert_eq!(
            y.map(f32::to_bits)[..],
            want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()[..]
        );
        // TFLite Micro's int8 output, dequantized.
        let q = net.output_quantization();
        let tflm: Vec<u32> = numbers(&s["int8_output_by_kernel"]["tflm"])
            .map(|v| (q.scale * (v as i32 - q.zero_point) as f32).to_bits())
            .collect();
        assert_eq!(y.map(f32::to_bits)[..], tflm[..]);
    }
}
