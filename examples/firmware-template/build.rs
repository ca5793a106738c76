//! 1. Gives cortex-m-rt's `link.x` the memory layout of the target's board
//!    (`memory-<target>.x`, copied to `memory.x`).
//! 2. Runs the model (`src/model.rs`) on the host with nn-core and writes
//!    the bit patterns of its outputs to `$OUT_DIR/expected.rs`, which the
//!    firmware compares with its own.
use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "src/model.rs"]
mod model;

fn main() {
    let target = std::env::var("TARGET").unwrap();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    let layout = format!("memory-{target}.x");
    if std::path::Path::new(&layout).exists() {
        std::fs::copy(&layout, out.join("memory.x")).unwrap();
        println!("cargo:rustc-link-search={}", out.display());
    }
    println!("cargo:rerun-if-changed={layout}");
    println!("cargo:rerun-if-changed=src/model.rs");

    let mut code = String::from("/// The host's output bits for each input of `model::INPUTS`.\n");
    writeln!(
        code,
        "pub const EXPECTED: [[u32; model::OUT]; {}] = [",
        model::INPUTS.len()
    )
    .unwrap();
    for x in &model::INPUTS {
        let y = model::infer(x);
        writeln!(code, "    {:?},", y.map(f32::to_bits)).unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("expected.rs"), code).unwrap();
}
