//! Benchmarks of the nn crates; see `benches/`. This library holds what
//! several benches share.

pub mod copy;
