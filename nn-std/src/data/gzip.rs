//! Transparent gzip decompression for the loaders.

use std::borrow::Cow;
use std::io::{self, Read};
use std::path::Path;

/// The two magic bytes that start a gzip stream.
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// `bytes` decompressed if they start with the gzip magic, else as they are.
pub fn maybe_gunzip(bytes: &[u8]) -> io::Result<Cow<'_, [u8]>> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
        Ok(Cow::Owned(out))
    } else {
        Ok(Cow::Borrowed(bytes))
    }
}

/// The file's bytes, decompressed if it is gzip.
pub fn read_maybe_gzip(path: &Path) -> io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    Ok(maybe_gunzip(&bytes)?.into_owned())
}
