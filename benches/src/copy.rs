//! The copy-loop baseline that optimizer-step bandwidth is compared with
//! (issue 7's W4 in `workloads`, and every optimizer in `optim`).
//!
//! # Definition
//!
//! Bytes moved count each stream an algorithm must read or write once, 4 B
//! per `f32` element:
//!
//! - a **copy** of `n` elements reads `n` and writes `n`: `8·n` bytes;
//! - an **Adam step** over `n` parameters reads `p, g, m, v` and writes
//!   `p, m, v`: `28·n` bytes ([`ADAM_BYTES_PER_PARAM`]).
//!
//! The copy has the **same footprint** as the Adam step it is compared with:
//! Adam touches four arrays of `n` floats (`16·n` bytes), so the copy moves
//! `2·n` floats from one array into another (also `16·n` bytes), and both
//! run at the same level of the memory hierarchy (at 1 M parameters, 16 MB:
//! inside a 32 MB L3; at 10 M, 160 MB: DRAM). A copy of only `n` floats
//! would have half the footprint and, near a cache-size boundary, a very
//! different speed (on the Zen 4 of `docs/BENCHMARKS.md`, 8 MB copied at
//! about 95 GB/s but 16 MB at about 50 GB/s), which is what made two
//! earlier benches disagree by a factor of two.
//!
//! The copy is a plain element loop, which the compiler turns into a call of
//! the C library's `memcpy` (whose strategy, e.g. non-temporal stores for
//! large copies, is part of what is measured). Ratios are GB/s over GB/s:
//! `(28·n / t_adam) / (16·n / t_copy)`.

use std::hint::black_box;

/// Bytes an Adam step moves per parameter: reads `p, g, m, v`, writes `p, m, v`.
pub const ADAM_BYTES_PER_PARAM: usize = 28;

/// Arrays of `n` floats that an Adam step touches (`p, g, m, v`).
pub const ADAM_STREAMS: usize = 4;

/// A copy loop sized to match a step's footprint; see [the module docs](self).
///
/// ```
/// use nn_benches::copy::{ADAM_STREAMS, CopyBaseline};
/// let mut c = CopyBaseline::matching(1000, ADAM_STREAMS);
/// assert_eq!(c.len(), 2000);
/// assert_eq!(c.bytes(), 16_000); // reads 8,000 B, writes 8,000 B
/// c.run();
/// ```
pub struct CopyBaseline {
    src: Vec<f32>,
    dst: Vec<f32>,
}

impl CopyBaseline {
    /// A copy whose source plus destination occupy as many bytes as
    /// `streams` arrays of `params` floats: `streams·params/2` elements.
    pub fn matching(params: usize, streams: usize) -> Self {
        let len = streams * params / 2;
        let src = (0..len).map(|i| (i % 251) as f32 * 0.5).collect();
        CopyBaseline {
            src,
            dst: vec![0.0; len],
        }
    }

    /// Elements copied per run.
    pub fn len(&self) -> usize {
        self.src.len()
    }

    /// Whether the copy is empty.
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    /// Bytes moved per run: each element read once and written once.
    pub fn bytes(&self) -> u64 {
        8 * self.len() as u64
    }

    /// One copy of the whole source into the destination.
    pub fn run(&mut self) {
        copy_loop(black_box(&self.src), black_box(&mut self.dst));
        black_box(&mut self.dst);
    }
}

/// The plain copy loop: `dst[i] = src[i]`.
#[inline(never)]
pub fn copy_loop(src: &[f32], dst: &mut [f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}
