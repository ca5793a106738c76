#!/bin/sh
# Builds with Debian's rustc + build-std and runs the firmware in QEMU; cargo
# exits with the firmware's status. Arguments go to cargo, for example
#   ./run.sh                              # Cortex-M4F on mps2-an386
#   ./run.sh --target thumbv6m-none-eabi  # Cortex-M0 on microbit
# `./run.sh clippy [--target T]` lints the firmware for the thumb target
# instead (Debian's rust-web-clippy; rustup's clippy has no thumb `core`), and
# `./run.sh clippy-crates [--target T]` the no_std crates for that target.
set -eu
cd "$(dirname "$0")"
# Debian's toolchain (from .cargo/config.toml) must not share build output
# with rustup's (E0514), and environment overrides would defeat the config
# (RUSTC/RUSTDOC replace build.rustc, RUSTFLAGS drops -Tlink.x).
unset RUSTC RUSTDOC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTFLAGS CARGO_ENCODED_RUSTFLAGS \
    CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET RUSTUP_TOOLCHAIN
export CARGO_TARGET_DIR="$PWD/target"
export RUSTC_BOOTSTRAP=1
if [ "${1:-}" = clippy-crates ]; then
    shift
    # The no_std crates themselves, for the target: their Arm- and
    # RISC-V-only code (nn-core's arch::dsp, arch::vfp, arch::armv6m) is
    # compiled only there, and `clippy` above lints the firmware crate only.
    PATH="/usr/bin:$PATH" exec /usr/bin/cargo clippy --manifest-path ../../Cargo.toml --release \
        -p nn-core -p nn-optim -p nn-init -p nn-format "$@" -- -D warnings
fi
if [ "${1:-}" = clippy ]; then
    shift
    # /usr/bin first, so that cargo finds Debian's cargo-clippy, not rustup's.
    PATH="/usr/bin:$PATH" exec /usr/bin/cargo clippy --release --all-targets "$@" -- -D warnings
fi
exec /usr/bin/cargo run --release "$@"
