//! Helpers of the unit tests.

/// The xorshift32 generator from `seed` (nonzero): a cheap, reproducible
/// stream of test values.
pub(crate) fn xorshift32(mut seed: u32) -> impl FnMut() -> u32 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    }
}
