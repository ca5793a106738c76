#!/usr/bin/env bash
# A short smoke run of every fuzz target (cargo-fuzz on the nightly toolchain):
# the model-file targets (nn-format/fuzz) and the CSV, IDX and safetensors
# readers (nn-std/fuzz). Each starts from its committed seeds, if any, on a scratch
# corpus and runs FUZZ_SECONDS (default 15) seconds; a crash, panic or timeout
# fails (and prints the end of libFuzzer's log). Installs cargo-fuzz when it is
# missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
secs=${FUZZ_SECONDS:-15}
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo +nightly install cargo-fuzz --locked

# smoke DIR TARGET [LIBFUZZER-ARGS...]
smoke() {
    local dir=$1 target=$2
    shift 2
    cd "$root/$dir"
    # A scratch corpus under the (ignored) target/, so seeds/ stays as committed.
    local corpus="target/smoke-corpus/$target" log="target/smoke-$target.log"
    local seeds=()
    [ -d "seeds/$target" ] && seeds=("seeds/$target")
    mkdir -p "$corpus"
    if ! cargo +nightly fuzz run -O "$target" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$secs" "$@" >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz-smoke: $dir $target FAILED"
        exit 1
    fi
    echo "fuzz-smoke: $dir $target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$log")"
}

smoke nn-format/fuzz model_file -max_len=512
smoke nn-format/fuzz model_file_valid_crc -max_len=512
smoke nn-std/fuzz csv
smoke nn-std/fuzz idx
smoke nn-std/fuzz safetensors
