#!/bin/sh
# Footprint of the `digits` program (docs/BENCHMARKS.md, "Firmware footprint"):
# section sizes from `arm-none-eabi-size -A` and the largest stack frames from
# `-Z emit-stack-sizes` + `llvm-readelf --stack-sizes`, for four builds:
# Cortex-M4F and Cortex-M0, each with on-device training (default feature
# `train`: whole network on the M4F, last layer only on the M0) and inference
# only (--no-default-features).
# The flag is given to the final crate only (`cargo rustc`); with LTO that
# crate generates all the code, so every function's frame is listed.
#   examples/firmware/footprint.sh [N]   # N largest frames per build (default 8)
set -eu
cd "$(dirname "$0")"
unset RUSTC RUSTDOC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTFLAGS CARGO_ENCODED_RUSTFLAGS \
    CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET RUSTUP_TOOLCHAIN
export CARGO_TARGET_DIR="$PWD/target"
export RUSTC_BOOTSTRAP=1
n="${1:-8}"
for build in "thumbv7em-none-eabihf" "thumbv7em-none-eabihf --no-default-features" \
    "thumbv6m-none-eabi" "thumbv6m-none-eabi --no-default-features"; do
    # shellcheck disable=SC2086 # split the build into target and flags
    set -- $build
    target="$1"
    shift
    /usr/bin/cargo rustc --quiet --release --bin digits --target "$target" "$@" -- -Z emit-stack-sizes
    elf="target/$target/release/digits"
    echo "== digits, $build"
    arm-none-eabi-size -A "$elf" | grep -E '^\.(vector_table|text|rodata|data|bss) '
    echo "-- largest stack frames (bytes, per function, not call-graph totals)"
    llvm-readelf --demangle --stack-sizes "$elf" | awk '$1 ~ /^[0-9]+$/' | sort -rn | head -n "$n"
    echo "-- this program's statics and code (bytes, hex address, hex size)"
    arm-none-eabi-nm -S --size-sort -C "$elf" | grep -E 'digits::(digits_net|expected)'
done
