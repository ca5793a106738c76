//! Property tests: the reader never panics on arbitrary or mutated bytes, and
//! accepts a mutated file only when it is still a well-formed one.

use nn_core::{Dense, Identity, Params, Relu, Seq};
use nn_format::{Loadable, ModelView, ScalerKind, crc32};
use nn_std::io::model_file::{ScalerParts, save, save_with_scaler};
use proptest::prelude::*;

type Net = Seq![Dense<f32, 3, 4>, Relu, Dense<f32, 4, 2>, Identity];

fn valid_file() -> Vec<u8> {
    let mut net = Net::default();
    for (i, v) in net
        .params_mut()
        .flat_map(|p| p.values.iter_mut())
        .enumerate()
    {
        *v = i as f32 * 0.25 - 1.0;
    }
    let offset = [0.0f32, 1.0, 2.0];
    let factor = [1.0f32, 2.0, 4.0];
    save_with_scaler(
        &net,
        Some(ScalerParts {
            kind: ScalerKind::MinMax,
            offset: &offset,
            factor: &factor,
        }),
    )
    .unwrap()
}

/// Exercises every accessor of a parsed view, so that a view that parses
/// but is inconsistent would show up (as a panic or a wrong count).
fn exercise(bytes: &[u8]) {
    if let Ok(view) = ModelView::parse(bytes) {
        let mut n = 0;
        for layer in view.layers() {
            n += 1;
            let _ = layer.scalar_f64();
            let count = layer.desc.value_count().unwrap();
            let bytes = layer.raw_values().len();
            assert_eq!(bytes, count * view.scalar_type().bytes());
        }
        assert_eq!(n, view.layer_count());
        let _ = (view.param_count(), view.input_width(), view.output_width());
        if let Some(s) = view.scaler() {
            let _ = (s.offset::<f32>(), s.factor::<f64>());
        }
    }
    let _ = Net::load(bytes);
    let _ = <Seq![Dense<f64, 3, 4>, Relu]>::load(bytes);
}

/// Number of cases; `NN_PROPTEST_CASES` overrides (CI uses the default).
fn cases() -> u32 {
    std::env::var("NN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
    SetU32(usize, u32),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(p, b)| Edit::Flip(p, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, v)| Edit::Set(p, v)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, v)| Edit::Insert(p, v)),
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Truncate),
        // A 32-bit field in the header or the descriptors, often a size.
        (
            0usize..24 + 4 * 16,
            prop_oneof![Just(0u32), Just(1), Just(u32::MAX), any::<u32>()]
        )
            .prop_map(|(p, v)| Edit::SetU32(p, v)),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    let n = bytes.len().max(1);
    match *e {
        Edit::Flip(p, b) if !bytes.is_empty() => bytes[p % n] ^= 1 << b,
        Edit::Set(p, v) if !bytes.is_empty() => bytes[p % n] = v,
        Edit::Insert(p, v) => bytes.insert(p % (bytes.len() + 1), v),
        Edit::Remove(p) if !bytes.is_empty() => {
            bytes.remove(p % n);
        }
        Edit::Truncate(p) => bytes.truncate(p % n),
        Edit::SetU32(p, v) if p + 4 <= bytes.len() => {
            bytes[p..p + 4].copy_from_slice(&v.to_le_bytes())
        }
        _ => {}
    }
}

fn fix_crc(bytes: &mut [u8]) {
    let n = bytes.len();
    if n >= 4 {
        let c = crc32(&bytes[..n - 4]);
        bytes[n - 4..].copy_from_slice(&c.to_le_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        exercise(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_the_magic_never_panic(rest in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut bytes = b"NNMF\x01\x00".to_vec();
        bytes.extend_from_slice(&rest);
        exercise(&bytes);
    }

    #[test]
    fn mutated_files_never_panic_and_rarely_pass(edits in proptest::collection::vec(edit(), 1..4)) {
        let original = valid_file();
        let mut bytes = original.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        exercise(&bytes);
        // Without fixing the CRC, a changed file is always refused: every
        // edit kind changes the length or the CRC-covered bytes, and CRC-32
        // detects all 1-, 2- and 3-bit errors and all bursts up to 32 bits.
        if bytes != original && edits.len() == 1 {
            prop_assert!(Net::load(&bytes).is_err());
        }
    }

    #[test]
    fn mutated_files_with_a_valid_crc_never_panic(edits in proptest::collection::vec(edit(), 1..4)) {
        // Recomputing the CRC lets mutations reach the descriptor and
        // length checks behind it.
        let mut bytes = valid_file();
        for e in &edits {
            apply(&mut bytes, e);
        }
        fix_crc(&mut bytes);
        exercise(&bytes);
    }
}

#[test]
fn unmutated_file_loads() {
    let bytes = valid_file();
    exercise(&bytes);
    assert!(Net::load(&bytes).is_ok());
    assert!(save(&Net::load(&bytes).unwrap()).is_ok());
}
