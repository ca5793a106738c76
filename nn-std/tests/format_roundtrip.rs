//! Model files: save/load round trips (bit-exact in f32 and f64), the byte
//! layout of docs/FORMAT.md, and every load error.

use nn_core::{Dense, Identity, Params, Relu, Seq, seq};
use nn_format::{
    LayerDesc, LayerKind, LoadError, Loadable, ModelView, ScalarType, ScalerKind, WriteError, crc32,
};
use nn_std::io::model_file::{SaveError, ScalerParts, save, save_with_scaler};

type Net32 = Seq![Dense<f32, 5, 4>, Relu, Dense<f32, 4, 3>, Identity, Dense<f32, 3, 2>];
type Net64 = Seq![Dense<f64, 5, 4>, Relu, Dense<f64, 4, 3>, Identity, Dense<f64, 3, 2>];

/// Deterministic, awkward values: signed zeros, subnormals, extremes, a NaN
/// with a payload, infinities and ordinary numbers.
fn awkward_f64(i: usize) -> f64 {
    match i % 9 {
        0 => -0.0,
        1 => f64::from_bits(1), // smallest subnormal
        2 => f64::MAX,
        3 => f64::from_bits(0x7FF8_0000_0000_1234), // NaN with payload
        4 => f64::NEG_INFINITY,
        _ => (i as f64 * 0.7315).sin() * 3.0 + 1e-3 * i as f64,
    }
}

fn awkward_f32(i: usize) -> f32 {
    match i % 9 {
        0 => -0.0,
        1 => f32::from_bits(1),
        2 => f32::MAX,
        3 => f32::from_bits(0x7FC0_1234),
        4 => f32::NEG_INFINITY,
        _ => ((i as f64 * 0.7315).sin() * 3.0) as f32 + 1e-3 * i as f32,
    }
}

fn filled<N: Params<F> + Default, F: nn_core::Float>(f: impl Fn(usize) -> F) -> N {
    let mut net = N::default();
    let mut i = 0;
    for p in net.params_mut() {
        for v in p.values.iter_mut() {
            *v = f(i);
            i += 1;
        }
    }
    net
}

fn bits<N: Params<F>, F: nn_core::Float>(net: &N) -> Vec<u64> {
    net.params()
        .flat_map(|p| p.values.iter().map(|v| v.to_bits_u64()).collect::<Vec<_>>())
        .collect()
}

fn net32() -> Net32 {
    filled(awkward_f32)
}

/// Recomputes the trailing CRC after a deliberate edit, so that the edit
/// (not the checksum) is what the reader reports.
fn fix_crc(bytes: &mut [u8]) {
    let n = bytes.len();
    let c = crc32(&bytes[..n - 4]);
    bytes[n - 4..].copy_from_slice(&c.to_le_bytes());
}

#[test]
fn f32_round_trip_is_bit_exact() {
    let net = net32();
    let bytes = save(&net).unwrap();
    let back = Net32::load(&bytes).unwrap();
    assert_eq!(bits(&back), bits(&net));
    assert_eq!(bits(&back).len(), 5 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2);
    // Saving is deterministic.
    assert_eq!(save(&back).unwrap(), bytes);
}

#[test]
fn f64_round_trip_is_bit_exact() {
    let net: Net64 = filled(awkward_f64);
    let bytes = save(&net).unwrap();
    let back = Net64::load(&bytes).unwrap();
    assert_eq!(bits(&back), bits(&net));
    assert_eq!(
        ModelView::parse(&bytes).unwrap().scalar_type(),
        ScalarType::F64
    );
}

#[test]
fn scaler_round_trips_and_is_viewed_in_place() {
    let net = net32();
    let offset = [0.5f32, -1.0, 2.0, f32::from_bits(1), 4.0];
    let factor = [1.5f32, 2.0, 0.25, 1.0, 3.0];
    let bytes = save_with_scaler(
        &net,
        Some(ScalerParts {
            kind: ScalerKind::Standardize,
            offset: &offset,
            factor: &factor,
        }),
    )
    .unwrap();
    let view = ModelView::parse(&bytes).unwrap();
    let s = view.scaler().unwrap();
    assert_eq!(s.kind, ScalerKind::Standardize);
    assert_eq!(s.width, 5);
    let o: Vec<u32> = s
        .offset::<f32>()
        .unwrap()
        .iter()
        .map(f32::to_bits)
        .collect();
    assert_eq!(o, offset.map(f32::to_bits));
    let sc: Vec<f32> = s.factor::<f32>().unwrap().iter().collect();
    assert_eq!(sc, factor);
    // The network loads the same with or without a scaler stored.
    assert_eq!(bits(&Net32::load(&bytes).unwrap()), bits(&net));
}

#[test]
fn scaler_of_the_wrong_width_is_refused_by_the_writer() {
    let net = net32();
    let three = [1.0f32; 3];
    let err = save_with_scaler(
        &net,
        Some(ScalerParts {
            kind: ScalerKind::MinMax,
            offset: &three,
            factor: &three,
        }),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        SaveError::Write(WriteError::Invalid(LoadError::WidthMismatch {
            layer: 0,
            expected: 3,
            found: 5
        }))
    ));
    let err = save_with_scaler(
        &net,
        Some(ScalerParts {
            kind: ScalerKind::MinMax,
            offset: &three,
            factor: &three[..2],
        }),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        SaveError::Write(WriteError::ScalerLength {
            offset: 3,
            factor: 2
        })
    ));
}

#[test]
fn layout_matches_docs_format_md_byte_for_byte() {
    // Dense<f32, 2, 1> then ReLU, written by hand from docs/FORMAT.md.
    let net = seq![Dense::<f32, 2, 1>::from_parts([[1.0, -2.0]], [0.5]), Relu];
    let bytes = save(&net).unwrap();
    let mut want: Vec<u8> = Vec::new();
    want.extend_from_slice(b"NNMF");
    want.extend_from_slice(&1u16.to_le_bytes()); // version
    want.push(1); // f32
    want.push(0); // no scaler
    want.extend_from_slice(&(24u32 + 2 * 16 + 3 * 4 + 4).to_le_bytes()); // file length
    want.extend_from_slice(&2u32.to_le_bytes()); // layers
    want.extend_from_slice(&0u32.to_le_bytes()); // scaler width
    want.extend_from_slice(&0u32.to_le_bytes()); // reserved
    for w in [1u16, 0, 2, 0, 1, 0, 0, 0] {
        want.extend_from_slice(&w.to_le_bytes()); // dense: code 1, flags 0, in 2, out 1, 0
    }
    for w in [3u16, 0, 1, 0, 0, 0, 0, 0] {
        want.extend_from_slice(&w.to_le_bytes()); // relu: code 3, flags 0, width 1, 0, 0
    }
    for v in [1.0f32, -2.0, 0.5] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    let crc = crc32(&want);
    want.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(bytes, want);

    let view = ModelView::parse(&bytes).unwrap();
    let layers: Vec<LayerDesc> = view.layers().map(|l| l.desc).collect();
    assert_eq!(
        layers,
        [
            LayerDesc::dense(2, 1),
            LayerDesc::elementwise(LayerKind::Relu, 1)
        ]
    );
    assert_eq!(view.param_count(), 3);
    assert_eq!(view.checksum(), crc);
    assert_eq!(
        (view.input_width(), view.output_width()),
        (Some(2), Some(1))
    );
}

// ---- one test per error case ----

#[test]
fn bad_magic() {
    let mut b = save(&net32()).unwrap();
    b[0] = b'X';
    assert_eq!(Net32::load(&b).unwrap_err(), LoadError::BadMagic);
    assert_eq!(
        Net32::load(b"").unwrap_err(),
        LoadError::Truncated {
            expected: 28,
            found: 0
        }
    );
    assert_eq!(Net32::load(b"PK\x03\x04").unwrap_err(), LoadError::BadMagic);
}

#[test]
fn unsupported_version() {
    let mut b = save(&net32()).unwrap();
    b[4..6].copy_from_slice(&2u16.to_le_bytes());
    fix_crc(&mut b);
    assert_eq!(
        Net32::load(&b).unwrap_err(),
        LoadError::UnsupportedVersion(2)
    );
}

#[test]
fn unknown_scalar_type() {
    let mut b = save(&net32()).unwrap();
    b[6] = 9;
    fix_crc(&mut b);
    assert_eq!(
        Net32::load(&b).unwrap_err(),
        LoadError::UnknownScalarType(9)
    );
}

#[test]
fn scalar_type_mismatch_names_both() {
    let b = save(&net32()).unwrap();
    let err = Net64::load(&b).unwrap_err();
    assert_eq!(
        err,
        LoadError::ScalarType {
            expected: ScalarType::F64,
            found: ScalarType::F32
        }
    );
    assert_eq!(
        err.to_string(),
        "scalar type mismatch: expected f64, found f32"
    );
}

#[test]
fn shape_mismatch_names_layer_expected_and_found() {
    let b = save(&net32()).unwrap();
    type Wider = Seq![Dense<f32, 5, 4>, Relu, Dense<f32, 4, 7>, Identity, Dense<f32, 7, 2>];
    let err = Wider::load(&b).unwrap_err();
    assert_eq!(
        err,
        LoadError::ShapeMismatch {
            layer: 2,
            expected: LayerDesc::dense(4, 7),
            found: LayerDesc::dense(4, 3)
        }
    );
    assert_eq!(
        err.to_string(),
        "layer 2: expected dense 4 -> 7, found dense 4 -> 3"
    );
}

#[test]
fn layer_kind_mismatch() {
    let b = save(&net32()).unwrap();
    type Other = Seq![Dense<f32, 5, 4>, Identity, Dense<f32, 4, 3>, Identity, Dense<f32, 3, 2>];
    assert_eq!(
        Other::load(&b).unwrap_err(),
        LoadError::LayerKindMismatch {
            layer: 1,
            expected: LayerKind::Identity,
            found: LayerKind::Relu
        }
    );
}

#[test]
fn layer_count_mismatch() {
    let b = save(&net32()).unwrap();
    type Short = Seq![Dense<f32, 5, 4>, Relu, Dense<f32, 4, 3>];
    assert_eq!(
        Short::load(&b).unwrap_err(),
        LoadError::LayerCount {
            expected: 3,
            found: 5
        }
    );
}

#[test]
fn truncated() {
    let b = save(&net32()).unwrap();
    let n = b.len();
    assert_eq!(
        Net32::load(&b[..n - 1]).unwrap_err(),
        LoadError::Truncated {
            expected: n,
            found: n - 1
        }
    );
    assert_eq!(
        Net32::load(&b[..10]).unwrap_err(),
        LoadError::Truncated {
            expected: 28,
            found: 10
        }
    );
    assert_eq!(
        Net32::load(&b[..3]).unwrap_err(),
        LoadError::Truncated {
            expected: 28,
            found: 3
        }
    );
}

#[test]
fn trailing_bytes() {
    let mut b = save(&net32()).unwrap();
    let n = b.len();
    b.push(0);
    assert_eq!(
        Net32::load(&b).unwrap_err(),
        LoadError::TrailingBytes {
            expected: n,
            found: n + 1
        }
    );
}

#[test]
fn checksum_mismatch_on_any_flipped_bit_of_the_values() {
    let b = save(&net32()).unwrap();
    let stored = u32::from_le_bytes(b[b.len() - 4..].try_into().unwrap());
    let first_value = 24 + 5 * 16;
    for (pos, bit) in [(first_value, 0), (first_value + 17, 7), (b.len() - 5, 3)] {
        let mut c = b.clone();
        c[pos] ^= 1 << bit;
        let found = crc32(&c[..c.len() - 4]);
        assert_eq!(
            Net32::load(&c).unwrap_err(),
            LoadError::Checksum {
                expected: stored,
                found
            }
        );
    }
}

#[test]
fn bad_descriptor() {
    let b = save(&net32()).unwrap();
    let desc1 = 24 + 16;
    // Unknown kind code.
    let mut c = b.clone();
    c[desc1..desc1 + 2].copy_from_slice(&99u16.to_le_bytes());
    fix_crc(&mut c);
    assert_eq!(
        Net32::load(&c).unwrap_err(),
        LoadError::BadDescriptor { layer: 1 }
    );
    // Non-zero reserved flags.
    let mut c = b.clone();
    c[desc1 + 2] = 1;
    fix_crc(&mut c);
    assert_eq!(
        Net32::load(&c).unwrap_err(),
        LoadError::BadDescriptor { layer: 1 }
    );
    // A dense layer with 0 inputs.
    let mut c = b.clone();
    c[24 + 4..24 + 8].copy_from_slice(&0u32.to_le_bytes());
    fix_crc(&mut c);
    assert_eq!(
        Net32::load(&c).unwrap_err(),
        LoadError::BadDescriptor { layer: 0 }
    );
}

#[test]
fn bad_scaler_header() {
    let mut b = save(&net32()).unwrap();
    b[7] = 1; // a scaler kind with width 0
    fix_crc(&mut b);
    assert_eq!(Net32::load(&b).unwrap_err(), LoadError::BadScaler);
}

#[test]
fn length_mismatch_when_sizes_disagree_with_the_declared_length() {
    let mut b = save(&net32()).unwrap();
    // Make the first dense layer 6 -> 4: it would need 4 more values.
    b[24 + 4..24 + 8].copy_from_slice(&6u32.to_le_bytes());
    fix_crc(&mut b);
    let n = b.len();
    assert_eq!(
        Net32::load(&b).unwrap_err(),
        LoadError::LengthMismatch {
            declared: n,
            described: n + 16
        }
    );
    // An absurd layer count is caught without overflow or allocation.
    let mut b = save(&net32()).unwrap();
    b[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    fix_crc(&mut b);
    assert!(matches!(
        Net32::load(&b).unwrap_err(),
        LoadError::LengthMismatch { .. }
    ));
}

#[test]
fn width_mismatch_between_consecutive_layers() {
    let mut b = save(&net32()).unwrap();
    // Relu (layer 1) claims width 9 although dense 0 produces 4.
    b[24 + 16 + 4..24 + 16 + 8].copy_from_slice(&9u32.to_le_bytes());
    fix_crc(&mut b);
    assert_eq!(
        Net32::load(&b).unwrap_err(),
        LoadError::WidthMismatch {
            layer: 1,
            expected: 4,
            found: 9
        }
    );
}

#[test]
fn errors_display_clearly() {
    assert_eq!(
        LoadError::BadMagic.to_string(),
        "not a model file (bad magic, expected \"NNMF\")"
    );
    assert_eq!(
        LoadError::Checksum {
            expected: 0xDEADBEEF,
            found: 1
        }
        .to_string(),
        "checksum mismatch: stored 0xdeadbeef, computed 0x00000001"
    );
}

#[test]
fn file_helpers_round_trip_and_report_io_errors() {
    let dir = std::env::temp_dir().join(format!("nn-format-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.bin");
    let net = net32();
    nn_std::io::model_file::save_file(&net, None, &path).unwrap();
    let back: Net32 = nn_std::io::model_file::load_file(&path).unwrap();
    assert_eq!(bits(&back), bits(&net));
    let missing = nn_std::io::model_file::load_file::<f32, Net32>(dir.join("none.bin"));
    assert!(matches!(
        missing,
        Err(nn_std::io::model_file::ReadError::Io(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

type AllKinds<F> = Seq![
    Dense<F, 4, 6>,
    nn_core::LeakyRelu<F>,
    nn_core::Maxout<F, 6, 3, 2>,
    nn_core::Prelu<F>,
    Dense<F, 3, 5>,
    nn_core::Elu<F>,
    nn_core::Sigmoid,
    nn_core::Tanh,
    Dense<F, 5, 3>,
    nn_core::Softmax,
    nn_core::LogSoftmax
];

fn all_kinds<F: nn_core::Float>() -> AllKinds<F> {
    let mut net: AllKinds<F> = filled(|i| F::from_f64(awkward_f64(i + 5)));
    net.second.first.slope = F::from_f64(0.2);
    net.second.second.second.second.second.first.alpha = F::from_f64(0.7);
    net
}

#[test]
fn every_layer_kind_round_trips_with_its_hyper_parameters() {
    use nn_core::Module;
    let n32 = all_kinds::<f32>();
    let b32 = save(&n32).unwrap();
    let back = AllKinds::<f32>::load(&b32).unwrap();
    assert_eq!(bits(&back), bits(&n32));
    assert_eq!(back.second.first.slope, 0.2);
    assert_eq!(back.second.second.second.second.second.first.alpha, 0.7);
    let x = [0.5f32, -1.0, 2.0, -0.25];
    assert_eq!(
        back.forward(&x).map(f32::to_bits),
        n32.forward(&x).map(f32::to_bits)
    );

    let n64 = all_kinds::<f64>();
    let b64 = save(&n64).unwrap();
    let back = AllKinds::<f64>::load(&b64).unwrap();
    assert_eq!(bits(&back), bits(&n64));
    assert_eq!(back.second.first.slope, 0.2);

    let view = ModelView::parse(&b64).unwrap();
    let kinds: Vec<LayerKind> = view.layers().map(|l| l.desc.kind).collect();
    assert_eq!(
        kinds,
        [
            LayerKind::Dense,
            LayerKind::LeakyRelu,
            LayerKind::Maxout,
            LayerKind::Prelu,
            LayerKind::Dense,
            LayerKind::Elu,
            LayerKind::Sigmoid,
            LayerKind::Tanh,
            LayerKind::Dense,
            LayerKind::Softmax,
            LayerKind::LogSoftmax,
        ]
    );
    let descs: Vec<String> = view.layers().map(|l| l.desc.to_string()).collect();
    assert_eq!(descs[2], "maxout 6 -> 3 (k = 2)");
    assert_eq!(descs[3], "prelu (3)");
    assert_eq!(descs[10], "log_softmax (3)");
    // 4·6+6 + 6·6+6 + 1 + 3·5+5 + 5·3+3 learnable; slope and alpha are not.
    assert_eq!(view.param_count(), 30 + 42 + 1 + 20 + 18);
    assert_eq!(view.layers().nth(5).unwrap().scalar_f64(), Some(0.7));
}

#[test]
fn maxout_shape_mismatch_names_k() {
    let b = save(&all_kinds::<f32>()).unwrap();
    type K3 = Seq![
        Dense<f32, 4, 6>,
        nn_core::LeakyRelu<f32>,
        nn_core::Maxout<f32, 6, 3, 3>,
        nn_core::Prelu<f32>,
        Dense<f32, 3, 5>,
        nn_core::Elu<f32>,
        nn_core::Sigmoid,
        nn_core::Tanh,
        Dense<f32, 5, 3>,
        nn_core::Softmax,
        nn_core::LogSoftmax
    ];
    let err = K3::load(&b).unwrap_err();
    assert_eq!(
        err.to_string(),
        "layer 2: expected maxout 6 -> 3 (k = 3), found maxout 6 -> 3 (k = 2)"
    );
}

#[test]
fn fitted_scalers_are_stored_and_loaded_bit_for_bit() {
    use nn_core::{MinMax, Scaler, Standardize};
    use nn_format::FileScaler;
    let samples: Vec<[f32; 5]> = (0..20)
        .map(|i| core::array::from_fn(|j| ((i * 5 + j) as f32 * 0.37).sin() * (j + 1) as f32))
        .collect();
    let std = Standardize::<f32, 5>::fit(&samples).unwrap();
    let net = net32();
    let bytes = save_with_scaler(&net, Some(std.parts())).unwrap();
    let (back, s): (Net32, Standardize<f32, 5>) = Net32::load_with_scaler(&bytes).unwrap();
    assert_eq!(bits(&back), bits(&net));
    assert_eq!(s.mean.map(f32::to_bits), std.mean.map(f32::to_bits));
    assert_eq!(s.inv_std.map(f32::to_bits), std.inv_std.map(f32::to_bits));
    assert_eq!(s.apply(&samples[3]), std.apply(&samples[3]));

    let mm = MinMax::<f32, 5>::fit(&samples).unwrap();
    let bytes_mm = save_with_scaler(&net, Some(mm.parts())).unwrap();
    let (_, m): (Net32, MinMax<f32, 5>) = Net32::load_with_scaler(&bytes_mm).unwrap();
    assert_eq!(m, mm);

    // Errors: another kind, another width, none stored.
    assert_eq!(
        Net32::load_with_scaler::<MinMax<f32, 5>>(&bytes).unwrap_err(),
        LoadError::ScalerKindMismatch {
            expected: ScalerKind::MinMax,
            found: ScalerKind::Standardize
        }
    );
    let view = ModelView::parse(&bytes).unwrap();
    assert_eq!(
        view.load_scaler::<f32, Standardize<f32, 4>>().unwrap_err(),
        LoadError::ScalerWidth {
            expected: 4,
            found: 5
        }
    );
    assert_eq!(
        Net32::load_with_scaler::<Standardize<f32, 5>>(&save(&net).unwrap()).unwrap_err(),
        LoadError::NoScaler
    );
    assert_eq!(
        LoadError::NoScaler.to_string(),
        "the model file has no input scaler"
    );
}

#[test]
fn write_model_files_writes_a_loadable_bin_and_its_rust_source() {
    use nn_core::Standardize;
    use nn_format::FileScaler;
    let dir = std::env::temp_dir().join(format!("nn-format-files-{}", std::process::id()));
    let net = net32();
    let scaler = Standardize::<f32, 5>::from_parts([0.5; 5], [2.0; 5]);
    let paths = nn_std::io::write_model_files(&dir, &net, Some(scaler.parts())).unwrap();
    assert_eq!(paths.bin, dir.join("model.bin"));
    let bytes = std::fs::read(&paths.bin).unwrap();
    let (back, s): (Net32, Standardize<f32, 5>) = Net32::load_with_scaler(&bytes).unwrap();
    assert_eq!(bits(&back), bits(&net));
    assert_eq!(s, scaler);
    let src = std::fs::read_to_string(&paths.rs).unwrap();
    assert_eq!(
        src,
        nn_std::io::export_rs::export_rs(&bytes, &Default::default()).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
