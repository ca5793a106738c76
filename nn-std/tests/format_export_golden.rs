//! The committed Rust-source exports compile and hold exactly the exported
//! networks, bit for bit, and compute the same outputs.

#[path = "fixtures/export_nets.rs"]
#[allow(dead_code)]
mod nets;

mod golden32 {
    include!("fixtures/export_f32.rs");
}
mod golden64 {
    include!("fixtures/export_f64.rs");
}

use nn_core::Module;

#[test]
fn f32_static_equals_the_network_bit_for_bit() {
    let net = nets::small32();
    assert_eq!(nets::bits(&golden32::MODEL), nets::bits(&net));
    let x = [0.25f32, -1.5, 3.0];
    let a = golden32::MODEL.forward(&x);
    let b = net.forward(&x);
    assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
    let scaler: &nn_core::Standardize<f32, 3> = &golden32::SCALER;
    assert_eq!(
        scaler.mean.map(f32::to_bits),
        nets::OFFSET32.map(f32::to_bits)
    );
    assert_eq!(
        scaler.inv_std.map(f32::to_bits),
        nets::FACTOR32.map(f32::to_bits)
    );
    use nn_core::Scaler;
    assert_eq!(scaler.apply(&[1.5, 0.75, 0.001]), [2.0, 0.1, 0.0]);
}

#[test]
fn f64_static_equals_the_network_bit_for_bit() {
    let _: &golden64::Tiny = &golden64::TINY;
    assert_eq!(nets::bits(&golden64::TINY), nets::bits(&nets::small64()));
}

mod golden_all {
    include!("fixtures/export_all.rs");
}

#[test]
fn every_layer_kind_static_equals_the_network() {
    let net = nets::all64();
    assert_eq!(golden_all::ALL, net);
    assert_eq!(golden_all::ALL.second.first.slope, 0.0625);
    assert_eq!(nets::bits(&golden_all::ALL), nets::bits(&net));
    let x = [0.5, -1.0, 2.0, -0.25];
    assert_eq!(golden_all::ALL.forward(&x), net.forward(&x));
}

#[cfg(feature = "safetensors")]
mod torch_digits {
    include!("fixtures/torch_digits.rs");
}

#[cfg(feature = "safetensors")]
#[test]
fn exported_pytorch_digits_static_gives_pytorchs_logits() {
    use nn_std::io::safetensors::{Mapping, import_safetensors};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/");
    let imported: torch_digits::TorchDigits = import_safetensors(
        &std::fs::read(format!("{dir}torch_digits_mlp.safetensors")).unwrap(),
        &Mapping::Sequential,
    )
    .unwrap();
    assert_eq!(
        nets::bits(&torch_digits::TORCH_DIGITS),
        nets::bits(&imported)
    );
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}torch_digits_mlp.json")).unwrap(),
    )
    .unwrap();
    let rows = v["inputs"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    for (r, row) in rows.iter().enumerate() {
        let mut x = [0f32; 64];
        for (xi, val) in x.iter_mut().zip(row.as_array().unwrap()) {
            *xi = val.as_f64().unwrap() as f32;
        }
        let y = torch_digits::TORCH_DIGITS.forward(&x);
        for (c, &yc) in y.iter().enumerate() {
            let want = v["logits"][r][c].as_f64().unwrap();
            assert!(
                (yc as f64 - want).abs() <= 1e-5,
                "row {r} class {c}: {yc} vs {want}"
            );
        }
        let best = (0..10).fold(0, |b, c| if y[c] > y[b] { c } else { b });
        assert_eq!(best as u64, v["predicted"][r].as_u64().unwrap(), "row {r}");
    }
}
