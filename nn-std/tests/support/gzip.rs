//! gzip streams for the loader tests: plain ones and small "bombs".

use std::io::Write;

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    compress(bytes, flate2::Compression::fast())
}

fn compress(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A small multi-member gzip stream that inflates to `prefix` followed by
/// `mib` MiB of `fill` bytes: one compressed MiB (about 1 KiB) repeated.
pub fn bomb(prefix: &[u8], fill: u8, mib: usize) -> Vec<u8> {
    let mut out = gzip(prefix);
    let member = compress(&vec![fill; 1 << 20], flate2::Compression::best());
    for _ in 0..mib {
        out.extend_from_slice(&member);
    }
    out
}
