//! Benchmarks of the nn crates; see `benches/`.
