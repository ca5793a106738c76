#!/bin/sh
# nn-format's tests (the 32-bit size checks, the property tests, the fuzz
# seeds) on a 32-bit target: i686-unknown-linux-gnu, built with Debian's
# rustc-web and its std sources (`-Zbuild-std`, as examples/firmware/run.sh
# does), linked with gcc-multilib, run natively. Extra arguments go to cargo.
set -eu
cd "$(dirname "$0")/.."
unset RUSTC RUSTDOC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTFLAGS CARGO_ENCODED_RUSTFLAGS \
    CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET RUSTUP_TOOLCHAIN
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc
exec /usr/bin/cargo test -Zbuild-std --target i686-unknown-linux-gnu --target-dir target/i686 \
    -p nn-format --lib --tests "$@"
