#!/bin/sh
# Builds with Debian's rustc (build-std) and runs under QEMU; cargo exits with
# the firmware's status. Arguments go to cargo:
#   ./run.sh                              # Cortex-M4F (mps2-an386)
#   ./run.sh --target thumbv6m-none-eabi  # Cortex-M0 (microbit)
set -eu
cd "$(dirname "$0")"
# Variables that would override .cargo/config.toml (and rustup's toolchain).
unset RUSTC RUSTDOC RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_TARGET RUSTUP_TOOLCHAIN
export CARGO_TARGET_DIR="$PWD/target"
RUSTC_BOOTSTRAP=1 exec /usr/bin/cargo run --release "$@"
