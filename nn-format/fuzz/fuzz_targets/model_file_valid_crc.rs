//! Arbitrary bytes with the magic, version, declared length and CRC-32 made
//! right, so that inputs reach the descriptor, length and width checks.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut b = b"NNMF\x01\x00".to_vec();
    b.extend_from_slice(data);
    b.extend_from_slice(&[0; 4]);
    let n = b.len();
    if n >= 12 {
        b[8..12].copy_from_slice(&(n as u32).to_le_bytes());
    }
    let crc = nn_format::crc32(&b[..n - 4]);
    b[n - 4..].copy_from_slice(&crc.to_le_bytes());
    common::exercise(&b);
});
