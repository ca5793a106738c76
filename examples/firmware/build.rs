//! 1. Hands cortex-m-rt's `link.x` (`INCLUDE memory.x`) the board layout for
//!    the target being built (on RISC-V the whole `link-riscv32.x`).
//! 2. Runs the shared network (`src/net.rs`) on the host with nn-core and
//!    writes the bit patterns of every result into `$OUT_DIR/expected.rs`,
//!    which the firmware includes and compares against its own results.
//! 3. Runs the Digits program's computations (`src/digits_net.rs`) on the
//!    host and writes `$OUT_DIR/digits_expected.rs` for the `digits` binary;
//!    enables `cfg(fw_train)` (on-device training) when the `train` feature
//!    is on and the target has more than the microbit's 16 KiB of RAM.
//! 4. Runs the int8 edge cases (`src/int8_edges.rs`) on the host and writes
//!    their outputs into `$OUT_DIR/int8_edges.rs` for the `digits_int8`
//!    binary.
use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "src/net.rs"]
mod net;

#[path = "src/digits_net.rs"]
mod digits_net;

#[path = "src/int8_edges.rs"]
mod int8_edges;

/// `pub const NAME: [u64; N] = [...];` with the results' bit patterns.
fn expected<F: nn_core::Float>(name: &str) -> String {
    let mut bits = Vec::new();
    net::run::<F>(&mut |_group, _what, values| bits.extend(values.iter().map(|v| v.to_bits_u64())))
        .unwrap_or_else(|e| panic!("the library refused the fixed network: {e}"));
    let mut s = format!(
        "/// Bit patterns of the {} results, computed on the host.\npub const {name}: [u64; {}] = [\n",
        F::NAME,
        bits.len()
    );
    for b in bits {
        writeln!(s, "    {b:#018x},").unwrap();
    }
    s.push_str("];\n");
    s
}

/// Bits of everything that one of the Digits training functions reports.
fn training_bits(train: digits_net::TrainFn) -> Vec<u64> {
    let mut bits = Vec::new();
    train(&mut |_what, values| bits.extend(values.iter().map(|v| u64::from(v.to_bits()))))
        .unwrap_or_else(|e| panic!("the library refused the Digits training steps: {e}"));
    bits
}

/// `digits_expected.rs`: the bits of every logit of the embedded samples,
/// how many the host classifies correctly, and the bits of the losses and
/// weights of the on-device training steps.
fn digits_expected() -> String {
    let mut logits = Vec::new();
    let mut correct = 0u32;
    for (pixels, label) in &digits_net::samples::EVAL {
        let y = digits_net::logits(pixels);
        correct += u32::from(digits_net::argmax(&y) == usize::from(*label));
        logits.extend(y.iter().map(|v| u64::from(v.to_bits())));
    }
    let trained = training_bits(digits_net::train);
    let trained_head = training_bits(digits_net::train_head);
    let mut s = String::new();
    for (name, doc, bits) in [
        (
            "LOGITS",
            "Bits of the logits of every `EVAL` sample",
            &logits,
        ),
        (
            "TRAINED",
            "Bits of the losses and weights of the training steps",
            &trained,
        ),
        (
            "TRAINED_HEAD",
            "Bits of the losses and last-layer weights of the head-only training steps",
            &trained_head,
        ),
    ] {
        writeln!(s, "/// {doc}, computed on the host.").unwrap();
        // Only the training builds read TRAINED and TRAINED_HEAD.
        writeln!(
            s,
            "#[allow(dead_code)]\npub static {name}: [u64; {}] = [",
            bits.len()
        )
        .unwrap();
        for b in bits {
            writeln!(s, "    {b:#010x},").unwrap();
        }
        s.push_str("];\n");
    }
    writeln!(s, "/// `EVAL` samples the host classifies correctly.\npub const HOST_CORRECT: u32 = {correct};").unwrap();
    s
}

/// `int8_edges.rs`: the outputs of the int8 edge cases, computed on the host.
fn int8_edges_expected() -> String {
    let mut bytes = Vec::new();
    int8_edges::run(&mut |y| bytes.extend_from_slice(y));
    assert_eq!(bytes.len(), int8_edges::OUTPUTS);
    let mut s = format!(
        "/// Outputs of the int8 edge cases (`src/int8_edges.rs`), computed on the host.\n\
         pub static INT8_EDGES: [i8; {}] = [\n",
        bytes.len()
    );
    for row in bytes.chunks(16) {
        let row: Vec<String> = row.iter().map(|b| b.to_string()).collect();
        writeln!(s, "    {},", row.join(", ")).unwrap();
    }
    s.push_str("];\n");
    s
}

fn main() {
    let target = std::env::var("TARGET").unwrap();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());

    // memory-thumbv7em-none-eabihf.x or memory-thumbv6m-none-eabi.x for
    // cortex-m-rt's link.x; the whole link-riscv32.x on RISC-V.
    let (layout, name) = if target.starts_with("riscv32") {
        ("link-riscv32.x".to_string(), "link-riscv32.x")
    } else {
        (format!("memory-{target}.x"), "memory.x")
    };
    if std::path::Path::new(&layout).exists() {
        std::fs::copy(&layout, out.join(name)).unwrap();
        println!("cargo:rustc-link-search={}", out.display());
    }
    println!("cargo:rustc-env=FW_TARGET={target}");
    println!("cargo:rerun-if-changed={layout}");
    println!("cargo:rerun-if-changed=src/net.rs");
    for f in [
        "src/digits_net.rs",
        "src/int8_edges.rs",
        "model/model.rs",
        "model/samples.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    // Training the whole network needs it, its gradients and Adam's state in
    // RAM (about 90 KB of stack as written): not on the microbit's 16 KiB,
    // which trains the last layer only.
    if target == "thumbv6m-none-eabi" {
        println!("cargo::rustc-cfg=fw_small_ram");
    }
    if std::env::var_os("CARGO_FEATURE_TRAIN").is_some() {
        println!("cargo::rustc-cfg=fw_train");
        if target != "thumbv6m-none-eabi" {
            println!("cargo::rustc-cfg=fw_train_full");
        }
    }

    let code = expected::<f32>("EXPECTED_F32") + &expected::<f64>("EXPECTED_F64");
    std::fs::write(out.join("expected.rs"), code).unwrap();
    std::fs::write(out.join("digits_expected.rs"), digits_expected()).unwrap();
    std::fs::write(out.join("int8_edges.rs"), int8_edges_expected()).unwrap();
}
