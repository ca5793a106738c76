#!/usr/bin/env bash
# A short smoke run of every model-file fuzz target (nn-format/fuzz, cargo-fuzz
# on the nightly toolchain): each starts from the committed seeds and runs
# FUZZ_SECONDS (default 15) seconds; a crash, panic or timeout fails (and
# prints the end of libFuzzer's log). Installs cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../nn-format/fuzz"
secs=${FUZZ_SECONDS:-15}
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --locked
for target in model_file model_file_valid_crc; do
    # A scratch corpus under the (ignored) target/, so seeds/ stays as committed.
    corpus="target/smoke-corpus/$target"
    log="target/smoke-$target.log"
    mkdir -p "$corpus"
    if ! cargo +nightly fuzz run -O "$target" "$corpus" "seeds/$target" -- \
        -max_total_time="$secs" -max_len=512 >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz-smoke: $target FAILED"
        exit 1
    fi
    echo "fuzz-smoke: $target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$log")"
done
