//! The int8 model file (version 2): round trip, version separation and the
//! reader's precise errors on edited files.

use nn_core::quant::FusedActivation;
use nn_format::{
    LoadError, ModelView, QLayerRecord, QModelView, QParams, WriteError, crc32, write_qmodel,
};

const SEED: &[u8] = include_bytes!("../fuzz/seeds/model_file/seed3");
const FLOAT: &[u8] = include_bytes!("../fuzz/seeds/model_file/seed0");

const A: QParams = QParams {
    scale: 0.05,
    zero_point: -3,
};
const B: QParams = QParams {
    scale: 0.1,
    zero_point: -128,
};

fn layer<'a>(weights: &'a [i8], bias: Option<&'a [i32]>, scales: &'a [f32]) -> QLayerRecord<'a> {
    QLayerRecord {
        in_features: 3,
        out_features: 2,
        weights,
        bias,
        weight_scales: scales,
        input: A,
        output: B,
        activation: FusedActivation::Relu6,
    }
}

/// Sets the u32 at `at`, then the length and CRC-32 right again.
fn edit(bytes: &[u8], at: usize, value: u32) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + 4].copy_from_slice(&value.to_le_bytes());
    let n = b.len();
    let crc = crc32(&b[..n - 4]);
    b[n - 4..].copy_from_slice(&crc.to_le_bytes());
    b
}

#[test]
fn round_trip_keeps_every_value() {
    let (w, bias, scales) = ([1, -128, 127, 0, 5, -7], [i32::MIN, i32::MAX], [0.5, 1e-9]);
    let mut buf = [0u8; 256];
    let n = write_qmodel(&[layer(&w, Some(&bias), &scales)], &mut buf).unwrap();
    // header 24 + descriptor 32 + 6 weights + 2·4 bias + 2·4 scales + CRC 4
    assert_eq!(n, 24 + 32 + 6 + 8 + 8 + 4);
    let view = QModelView::parse(&buf[..n]).unwrap();
    let l = view.layers().next().unwrap();
    assert_eq!((l.in_features, l.out_features), (3, 2));
    assert_eq!(
        (l.input, l.output, l.activation),
        (A, B, FusedActivation::Relu6)
    );
    assert_eq!(l.weights().collect::<Vec<_>>(), w);
    assert_eq!(l.bias().unwrap().collect::<Vec<_>>(), bias);
    assert_eq!(l.weight_scales().collect::<Vec<_>>(), scales);
    assert!(l.per_channel());

    let n = write_qmodel(&[layer(&w, None, &[0.25])], &mut buf).unwrap();
    let l = QModelView::parse(&buf[..n])
        .unwrap()
        .layers()
        .next()
        .unwrap();
    assert!(l.bias().is_none() && !l.per_channel());
    assert_eq!(l.weight_scales().collect::<Vec<_>>(), [0.25]);
}

#[test]
fn each_reader_refuses_the_other_version() {
    assert_eq!(
        ModelView::parse(SEED).unwrap_err(),
        LoadError::UnsupportedVersion(2)
    );
    assert_eq!(
        QModelView::parse(FLOAT).unwrap_err(),
        LoadError::UnsupportedVersion(1)
    );
}

#[test]
fn writer_refuses_mismatched_lengths() {
    let mut buf = [0u8; 256];
    let short = layer(&[1, 2, 3, 4, 5], None, &[1.0]);
    let bias = layer(&[0; 6], Some(&[1]), &[1.0]);
    let scales = layer(&[0; 6], None, &[1.0, 1.0, 1.0]);
    for l in [short, bias, scales] {
        assert_eq!(
            write_qmodel(&[l], &mut buf),
            Err(WriteError::QLayerLength { layer: 0 })
        );
    }
    let ok = layer(&[0; 6], None, &[1.0]);
    assert!(matches!(
        write_qmodel(&[ok], &mut buf[..40]),
        Err(WriteError::BufferTooSmall { needed: 70, .. })
    ));
}

#[test]
fn reader_names_the_bad_field() {
    assert!(QModelView::parse(SEED).is_ok());
    let second = 24 + 32; // the second descriptor
    let cases = [
        (6 - 2, 0x0004_0002, LoadError::UnknownScalarType(4)), // version 2, scalar 4
        (16, 1, LoadError::BadScaler),
        (24, 7, LoadError::BadDescriptor { layer: 0 }), // kind 7
        (second, 0x0004_0001, LoadError::BadDescriptor { layer: 1 }), // unknown flag
        (second + 12, 3, LoadError::BadDescriptor { layer: 1 }), // activation 3
        (
            second + 4,
            5,
            LoadError::LengthMismatch {
                declared: 148,
                described: usize::MAX,
            },
        ),
        (24 + 16, 0, LoadError::BadQuantization { layer: 0 }), // input scale 0
        (24 + 20, 128, LoadError::BadQuantization { layer: 0 }), // input zero point 128
        (
            second + 16,
            0.2f32.to_bits(),
            LoadError::BadQuantization { layer: 1 },
        ), // chain
        (
            24 + 8,
            u32::MAX,
            LoadError::LengthMismatch {
                declared: 148,
                described: usize::MAX,
            },
        ),
        (
            12,
            3,
            LoadError::LengthMismatch {
                declared: 148,
                described: usize::MAX,
            },
        ),
    ];
    for (at, value, want) in cases {
        assert_eq!(
            QModelView::parse(&edit(SEED, at, value)).unwrap_err(),
            want,
            "at {at}"
        );
    }
    // Layer 1 as 2 -> 4 instead of 4 -> 2: the same number of values.
    let swapped = edit(&edit(SEED, second + 4, 2), second + 8, 4);
    assert_eq!(
        QModelView::parse(&swapped).unwrap_err(),
        LoadError::WidthMismatch {
            layer: 1,
            expected: 4,
            found: 2
        }
    );
    // A weight scale (the last value before the CRC) that is NaN.
    let nan = edit(SEED, SEED.len() - 8, f32::NAN.to_bits());
    assert_eq!(
        QModelView::parse(&nan).unwrap_err(),
        LoadError::BadQuantization { layer: 1 }
    );
}
