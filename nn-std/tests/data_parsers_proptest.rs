//! Property tests: the CSV and IDX parsers never panic on arbitrary or
//! mutated bytes, and they read back what a writer wrote.
//!
//! Cases: 2000 arbitrary and 2000 mutated inputs for each parser, plus 500
//! round trips each (set by `ProptestConfig::with_cases` below).

use std::io::Write;

use nn_std::data::csv::{CsvOptions, TargetColumn, parse_classification, parse_regression};
use nn_std::data::idx::{IdxArray, load_images_labels};
use proptest::prelude::*;

fn valid_csv() -> Vec<u8> {
    b"a,b,c,label\n0.5,1,2,0\n-1e3,3.25,4,2\r\n\n7,8,9,1\n".to_vec()
}

fn valid_idx() -> Vec<u8> {
    let mut v = vec![0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3];
    v.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
    v
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Applies byte edits (position, new value) and a cut to `base`.
fn mutate(mut base: Vec<u8>, edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    for &(pos, val) in edits {
        if !base.is_empty() {
            let n = base.len();
            base[pos % n] = val;
        }
    }
    let keep = base.len().saturating_sub(cut % 4 * (cut % 7));
    base.truncate(keep);
    base
}

fn csv_all_layouts(bytes: &[u8]) {
    for header in [false, true] {
        for target in [
            TargetColumn::Last,
            TargetColumn::First,
            TargetColumn::Index(1),
        ] {
            let o = CsvOptions {
                header,
                delimiter: b',',
                target,
            };
            let _ = parse_classification::<f32, 3>(bytes, &o, None);
            let _ = parse_classification::<f64, 1>(bytes, &o, Some(3));
            let _ = parse_regression::<f32, 2, 2>(bytes, &o);
        }
    }
}

fn idx_all(bytes: &[u8]) {
    if let Ok(a) = IdxArray::parse(bytes) {
        // Everything a parsed array reports is consistent.
        let product = a
            .dims()
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d));
        if a.dims().contains(&0) {
            assert_eq!(a.len(), 0);
        } else {
            assert_eq!(Some(a.len()), product);
        }
        assert_eq!(a.values().count(), a.len());
    }
    let labels = [0, 0, 0x08, 1, 0, 0, 0, 2, 1, 0];
    let _ = load_images_labels::<f32, 3>(bytes, &labels, 10);
    let _ = load_images_labels::<f32, 3>(&valid_idx(), bytes, 10);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn csv_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        csv_all_layouts(&bytes);
    }

    #[test]
    fn csv_arbitrary_text_never_panics(text in "[0-9a-z.,;\"\\-+eE \r\n]{0,200}") {
        csv_all_layouts(text.as_bytes());
    }

    #[test]
    fn csv_mutated_bytes_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
        zip in any::<bool>(),
    ) {
        let base = if zip { gzip(&valid_csv()) } else { valid_csv() };
        csv_all_layouts(&mutate(base, &edits, cut));
    }

    #[test]
    fn idx_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        idx_all(&bytes);
    }

    #[test]
    fn idx_arbitrary_headers_never_panic(
        code in prop_oneof![Just(0x08u8), Just(0x09), Just(0x0B), Just(0x0C), Just(0x0D), Just(0x0E), any::<u8>()],
        dims in proptest::collection::vec(prop_oneof![0u32..5, any::<u32>()], 0..5),
        data in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = vec![0, 0, code, dims.len() as u8];
        for d in &dims {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes.extend_from_slice(&data);
        idx_all(&bytes);
    }

    #[test]
    fn idx_mutated_bytes_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
        zip in any::<bool>(),
    ) {
        let base = if zip { gzip(&valid_idx()) } else { valid_idx() };
        idx_all(&mutate(base, &edits, cut));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn csv_round_trip(rows in proptest::collection::vec(([-1e6f64..1e6, -1e6f64..1e6], 0usize..5), 1..20)) {
        let text: String = rows.iter().map(|(x, y)| format!("{},{},{y}\n", x[0], x[1])).collect();
        let ds = parse_classification::<f64, 2>(text.as_bytes(), &CsvOptions::default(), Some(5)).unwrap();
        prop_assert_eq!(ds.features(), rows.iter().map(|r| r.0).collect::<Vec<_>>());
        prop_assert_eq!(ds.targets(), rows.iter().map(|r| r.1).collect::<Vec<_>>());
    }

    #[test]
    fn idx_round_trip(values in proptest::collection::vec(any::<i16>(), 1..40)) {
        let mut bytes = vec![0, 0, 0x0B, 1];
        bytes.extend_from_slice(&(values.len() as u32).to_be_bytes());
        for v in &values {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        let a = IdxArray::parse(&bytes).unwrap();
        prop_assert_eq!(a.values().collect::<Vec<_>>(), values.iter().map(|&v| f64::from(v)).collect::<Vec<_>>());
    }
}
