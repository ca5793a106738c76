//! Arbitrary bytes into the model-file reader: must never panic.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::exercise(data));
