//! Transparent gzip decompression for the loaders, bounded: a stream never
//! inflates past [`MAX_INFLATED_BYTES`] (or less, when the loader knows the
//! size from a header), so a small "decompression bomb" costs an error, not
//! the memory it would inflate to.

use std::borrow::Cow;
use std::io::{self, Read};
use std::path::Path;

/// The two magic bytes that start a gzip stream.
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The most bytes a gzip stream may inflate to in the loaders (256 MiB;
/// MNIST's largest file inflates to 47 MB). A longer stream is refused with
/// an [`io::ErrorKind::InvalidData`] error (see [`too_large`]).
pub const MAX_INFLATED_BYTES: u64 = 256 << 20;

/// The error of a stream that inflates past `limit` bytes.
///
/// ```
/// use nn_std::data::gzip::too_large;
/// assert_eq!(too_large(10).kind(), std::io::ErrorKind::InvalidData);
/// ```
pub fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("gzip stream inflates past the limit of {limit} bytes"),
    )
}

/// A gzip stream's decoder (every member of a multi-member stream).
pub(crate) fn decoder(bytes: &[u8]) -> impl Read + '_ {
    flate2::read::MultiGzDecoder::new(bytes)
}

/// Appends at most `n` more bytes of `reader` to `out`; fewer only at the
/// end of the stream.
pub(crate) fn read_up_to(reader: &mut impl Read, n: u64, out: &mut Vec<u8>) -> io::Result<()> {
    reader.take(n).read_to_end(out).map(|_| ())
}

/// `bytes` decompressed if they start with the gzip magic (at most
/// [`MAX_INFLATED_BYTES`], else [`too_large`]), else as they are.
///
/// ```
/// use nn_std::data::gzip::maybe_gunzip;
/// assert_eq!(&*maybe_gunzip(b"1,2\n")?, b"1,2\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn maybe_gunzip(bytes: &[u8]) -> io::Result<Cow<'_, [u8]>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let mut reader = decoder(bytes);
    read_up_to(&mut reader, MAX_INFLATED_BYTES, &mut out)?;
    let mut probe = [0u8; 1];
    if reader.read(&mut probe)? > 0 {
        return Err(too_large(MAX_INFLATED_BYTES));
    }
    Ok(Cow::Owned(out))
}

/// The file's bytes, decompressed (bounded as in [`maybe_gunzip`]) if it is
/// gzip.
pub fn read_maybe_gzip(path: &Path) -> io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    Ok(maybe_gunzip(&bytes)?.into_owned())
}
