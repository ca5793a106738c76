//! A tiny, portable, seedable generator for when no other `RngCore` is at hand.

use rand_core::{RngCore, SeedableRng};

/// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of
/// `java.util.SplittableRandom` and of xoshiro): one `u64` of state, one
/// add, two multiplies and three xor-shifts per output.
///
/// Not cryptographic. It passes BigCrush and is plenty for drawing initial
/// weights; on a device, any other [`RngCore`] (a hardware generator, a
/// ChaCha from `rand_chacha`) works with every function of this crate.
/// Its output depends only on the seed, so weights drawn from it are the same
/// on every platform.
///
/// ```
/// use nn_init::SplitMix64;
/// use rand_core::{RngCore, SeedableRng};
/// let mut a = SplitMix64::seed_from_u64(7);
/// let mut b = SplitMix64::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose state is `seed` (the reference implementation's seeding).
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }
}

impl RngCore for SplitMix64 {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        rand_core::impls::fill_bytes_via_next(self, dst);
    }
}

impl SeedableRng for SplitMix64 {
    type Seed = [u8; 8];

    /// The seed read as a little-endian `u64`.
    fn from_seed(seed: [u8; 8]) -> Self {
        SplitMix64::new(u64::from_le_bytes(seed))
    }

    /// The same as [`SplitMix64::new`] (the state is the seed itself).
    fn seed_from_u64(state: u64) -> Self {
        SplitMix64::new(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_implementation() {
        // Outputs of the C reference (splitmix64.c by Sebastiano Vigna) for seed 1234567.
        let mut r = SplitMix64::new(1_234_567);
        let expected: [u64; 5] = [
            6_457_827_717_110_365_317,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for e in expected {
            assert_eq!(r.next_u64(), e);
        }
    }

    #[test]
    fn seeds_agree_and_bytes_follow_words() {
        let mut a = SplitMix64::from_seed(42u64.to_le_bytes());
        let mut b = SplitMix64::seed_from_u64(42);
        let w = b.clone().next_u64();
        let mut bytes = [0u8; 8];
        a.fill_bytes(&mut bytes);
        assert_eq!(u64::from_le_bytes(bytes), w);
        assert_eq!(b.next_u32(), (w >> 32) as u32);
    }
}
