//! The fuzz targets' checks (`fuzz/fuzz_targets/common.rs`: parse, walk
//! every view, load typed networks; never panic) on the fuzz seeds and on
//! deterministic mutations of them, half with their length and CRC-32 made
//! right so that they reach the size checks. CI also runs this on a 32-bit
//! target (`ci/i686-format.sh`). `NN_MUTATION_CASES` sets the count.

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use nn_format::crc32;

/// xorshift64*: a fixed sequence, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/model_file");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(
        seeds.len(),
        4,
        "the three float seed files and the int8 one"
    );
    seeds
}

/// Sizes that overflow 32-bit products and sums.
const WIDE: [u32; 6] = [0, 1, 1 << 15, 1 << 16, 1 << 31, u32::MAX];

fn mutate(b: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        match rng.below(4) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] = rng.next() as u8;
            }
            1 if b.len() >= 4 => {
                // A header or descriptor field (4-byte aligned) set to a wide size.
                let i = rng.below(b.len() / 4) * 4;
                b[i..i + 4].copy_from_slice(&WIDE[rng.below(WIDE.len())].to_le_bytes());
            }
            2 => b.truncate(rng.below(b.len() + 1)),
            _ => b.extend((0..rng.below(16)).map(|_| rng.next() as u8)),
        }
    }
}

/// Makes the declared length and the CRC-32 right.
fn fix_length_and_crc(b: &mut [u8]) {
    let n = b.len();
    if n >= 16 {
        b[8..12].copy_from_slice(&(n as u32).to_le_bytes());
        let crc = crc32(&b[..n - 4]);
        b[n - 4..].copy_from_slice(&crc.to_le_bytes());
    }
}

#[test]
fn seeds_are_valid_files() {
    for s in seeds() {
        let float = nn_format::ModelView::parse(&s).is_ok();
        assert!(float != nn_format::QModelView::parse(&s).is_ok());
        common::exercise(&s);
    }
}

#[test]
fn mutated_seeds_never_panic() {
    let cases: usize = std::env::var("NN_MUTATION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut valid_crc = 0;
    for _ in 0..cases {
        let mut b = seeds[rng.below(seeds.len())].clone();
        mutate(&mut b, &mut rng);
        if rng.below(2) == 0 {
            fix_length_and_crc(&mut b);
            valid_crc += 1;
        }
        common::exercise(&b);
    }
    assert!(valid_crc > cases / 3);
}
