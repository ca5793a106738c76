//! 1. Hands cortex-m-rt's `link.x` (`INCLUDE memory.x`) the board layout for
//!    the target being built.
//! 2. Runs the shared network (`src/net.rs`) on the host with nn-core and
//!    writes the bit patterns of every result into `$OUT_DIR/expected.rs`,
//!    which the firmware includes and compares against its own results.
use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "src/net.rs"]
mod net;

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

fn main() {
    let target = std::env::var("TARGET").unwrap();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());

    // memory-thumbv7em-none-eabihf.x or memory-thumbv6m-none-eabi.x
    let layout = format!("memory-{target}.x");
    if std::path::Path::new(&layout).exists() {
        std::fs::copy(&layout, out.join("memory.x")).unwrap();
        println!("cargo:rustc-link-search={}", out.display());
    }
    println!("cargo:rustc-env=FW_TARGET={target}");
    println!("cargo:rerun-if-changed={layout}");
    println!("cargo:rerun-if-changed=src/net.rs");

    let code = expected::<f32>("EXPECTED_F32") + &expected::<f64>("EXPECTED_F64");
    std::fs::write(out.join("expected.rs"), code).unwrap();
}
