//! The IDX (MNIST) loader: every element type, gzip, files, and every
//! malformed-header and bad-data case.

#[path = "support/gzip.rs"]
mod support;

use nn_std::data::DataError;
use nn_std::data::gzip::MAX_INFLATED_BYTES;
use nn_std::data::idx::{
    IdxArray, IdxError, IdxType, images_labels_to_dataset, load_images_labels, read_images_labels,
};
use support::{bomb, gzip};

/// An IDX file: header for `code` and `dims`, then `data` as given.
fn idx(code: u8, dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, code, dims.len() as u8];
    for d in dims {
        v.extend_from_slice(&d.to_be_bytes());
    }
    v.extend_from_slice(data);
    v
}

/// Three 2x2 images with pixels 0..12 and labels 4, 0, 9.
fn mnist_like() -> (Vec<u8>, Vec<u8>) {
    let pixels: Vec<u8> = (0..12).collect();
    (idx(0x08, &[3, 2, 2], &pixels), idx(0x08, &[3], &[4, 0, 9]))
}

#[test]
fn images_and_labels_pair_into_a_dataset() {
    let (images, labels) = mnist_like();
    let ds = load_images_labels::<f32, 4>(&images, &labels, 10).unwrap();
    assert_eq!(ds.len(), 3);
    assert_eq!(ds.classes(), 10);
    assert_eq!(ds.features()[1], [4.0, 5.0, 6.0, 7.0]);
    assert_eq!(ds.targets(), &[4, 0, 9]);
    // gzip, for either file.
    let zipped = load_images_labels::<f32, 4>(&gzip(&images), &gzip(&labels), 10).unwrap();
    assert_eq!(zipped, ds);
}

#[test]
fn every_element_type_decodes_big_endian() {
    let cases: [(u8, IdxType, Vec<u8>, [f64; 2]); 6] = [
        (0x08, IdxType::U8, vec![0, 255], [0.0, 255.0]),
        (0x09, IdxType::I8, vec![0x80, 0x7f], [-128.0, 127.0]),
        (
            0x0B,
            IdxType::I16,
            vec![0xff, 0xfe, 0x01, 0x00],
            [-2.0, 256.0],
        ),
        (
            0x0C,
            IdxType::I32,
            [(-70000i32).to_be_bytes(), 5i32.to_be_bytes()].concat(),
            [-70000.0, 5.0],
        ),
        (
            0x0D,
            IdxType::F32,
            [1.5f32.to_be_bytes(), (-0.25f32).to_be_bytes()].concat(),
            [1.5, -0.25],
        ),
        (
            0x0E,
            IdxType::F64,
            [0.1f64.to_be_bytes(), 1e300f64.to_be_bytes()].concat(),
            [0.1, 1e300],
        ),
    ];
    for (code, dtype, data, want) in cases {
        let a = IdxArray::parse(&idx(code, &[2], &data)).unwrap();
        assert_eq!(a.dtype(), dtype);
        assert_eq!(a.dims(), &[2]);
        assert_eq!(a.len(), 2);
        assert_eq!(a.values().collect::<Vec<_>>(), want);
        assert_eq!(a.get(2), None);
    }
    // Zero dimensions: a scalar.
    let scalar = IdxArray::parse(&idx(0x08, &[], &[7])).unwrap();
    assert_eq!((scalar.len(), scalar.get(0)), (1, Some(7.0)));
}

#[test]
fn malformed_headers_are_refused() {
    assert!(matches!(
        IdxArray::parse(&[0, 0, 8]),
        Err(IdxError::TruncatedHeader {
            needed: 4,
            found: 3
        })
    ));
    assert!(matches!(
        IdxArray::parse(&[0, 0, 8, 3, 0, 0, 0, 1, 0, 0]),
        Err(IdxError::TruncatedHeader {
            needed: 16,
            found: 10
        })
    ));
    assert!(matches!(
        IdxArray::parse(&[0, 1, 8, 1, 0, 0, 0, 0]),
        Err(IdxError::BadMagic { found: [0, 1] })
    ));
    assert!(matches!(
        IdxArray::parse(&idx(0x0A, &[1], &[0])),
        Err(IdxError::UnknownType { code: 0x0A })
    ));
    // Dimensions whose product overflows (on 64-bit: 2^32^3 * 8 > 2^64).
    assert!(matches!(
        IdxArray::parse(&idx(0x0E, &[u32::MAX, u32::MAX, u32::MAX], &[])),
        Err(IdxError::TooLarge)
    ));
    // A zero dimension means no data, however large the others (found by the
    // property test: the product overflowed before reaching the zero).
    let empty = IdxArray::parse(&idx(0x0E, &[u32::MAX, u32::MAX, 0], &[])).unwrap();
    assert!(empty.is_empty());
    assert!(matches!(
        load_images_labels::<f32, 4>(
            &idx(0x08, &[0, u32::MAX, u32::MAX, 2], &[]),
            &idx(0x08, &[0], &[]),
            10
        ),
        Err(IdxError::WrongShape { what: "images", .. })
    ));
    // Data shorter or longer than the dimensions say; a huge header with no
    // data allocates nothing.
    assert!(matches!(
        IdxArray::parse(&idx(0x08, &[2, 3], &[0; 5])),
        Err(IdxError::WrongLength {
            expected: 6,
            found: 5
        })
    ));
    assert!(matches!(
        IdxArray::parse(&idx(0x0B, &[2], &[0; 5])),
        Err(IdxError::WrongLength {
            expected: 4,
            found: 5
        })
    ));
    assert!(matches!(
        IdxArray::parse(&idx(0x08, &[60000, 28, 28], &[])),
        Err(IdxError::WrongLength {
            expected: 47_040_000,
            found: 0
        })
    ));
    // A corrupt gzip stream.
    let mut z = gzip(&idx(0x08, &[4], &[1, 2, 3, 4]));
    z.truncate(z.len() - 9);
    assert!(matches!(IdxArray::parse(&z), Err(IdxError::Io(_))));
}

#[test]
fn mismatched_pairs_are_refused() {
    let (images, labels) = mnist_like();
    // Image size differs from N.
    assert!(matches!(
        load_images_labels::<f32, 5>(&images, &labels, 10),
        Err(IdxError::WrongShape { what: "images", .. })
    ));
    // Images with one dimension only.
    assert!(matches!(
        load_images_labels::<f32, 4>(&idx(0x08, &[4], &[0; 4]), &labels, 10),
        Err(IdxError::WrongShape { what: "images", .. })
    ));
    // Labels of two dimensions.
    assert!(matches!(
        load_images_labels::<f32, 4>(&images, &idx(0x08, &[3, 1], &[1, 2, 3]), 10),
        Err(IdxError::WrongShape { what: "labels", .. })
    ));
    // Float labels.
    assert!(matches!(
        load_images_labels::<f32, 4>(&images, &idx(0x0D, &[1], &[0; 4]), 10),
        Err(IdxError::LabelType(IdxType::F32))
    ));
    // Counts differ.
    assert!(matches!(
        load_images_labels::<f32, 4>(&images, &idx(0x08, &[2], &[1, 2]), 10),
        Err(IdxError::CountMismatch {
            images: 3,
            labels: 2
        })
    ));
    // A label out of range, and a negative one.
    assert!(matches!(
        load_images_labels::<f32, 4>(&images, &labels, 9),
        Err(IdxError::LabelOutOfRange {
            sample: 2,
            label: 9,
            classes: 9
        })
    ));
    assert!(matches!(
        load_images_labels::<f32, 4>(&images, &idx(0x09, &[3], &[1, 0xff, 2]), 10),
        Err(IdxError::LabelOutOfRange {
            sample: 1,
            label: -1,
            classes: 10
        })
    ));
    assert!(matches!(
        load_images_labels::<f32, 4>(&images, &labels, 0),
        Err(IdxError::Data(DataError::NoClasses))
    ));
    // No samples.
    assert!(matches!(
        load_images_labels::<f32, 4>(&idx(0x08, &[0, 2, 2], &[]), &idx(0x08, &[0], &[]), 10),
        Err(IdxError::Data(DataError::Empty))
    ));
}

#[test]
fn non_finite_pixels_are_refused() {
    let data = [1.0f64.to_be_bytes(), f64::NAN.to_be_bytes()].concat();
    let images = IdxArray::parse(&idx(0x0E, &[1, 2], &data)).unwrap();
    let labels = IdxArray::parse(&idx(0x08, &[1], &[0])).unwrap();
    assert!(matches!(
        images_labels_to_dataset::<f32, 2>(&images, &labels, 2),
        Err(IdxError::Data(DataError::NonFiniteFeature {
            sample: 0,
            feature: 1
        }))
    ));
    // Finite in f64, infinite in f32.
    let data = [1e300f64.to_be_bytes(), 0f64.to_be_bytes()].concat();
    let images = IdxArray::parse(&idx(0x0E, &[1, 2], &data)).unwrap();
    assert!(images_labels_to_dataset::<f32, 2>(&images, &labels, 2).is_err());
    assert!(images_labels_to_dataset::<f64, 2>(&images, &labels, 2).is_ok());
}

#[test]
fn files_plain_and_gzip() {
    let (images, labels) = mnist_like();
    let dir = std::env::temp_dir().join(format!("nn-std-idx-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pi, pl) = (
        dir.join("images-idx3-ubyte.gz"),
        dir.join("labels-idx1-ubyte"),
    );
    std::fs::write(&pi, gzip(&images)).unwrap();
    std::fs::write(&pl, &labels).unwrap();
    let ds = read_images_labels::<f64, 4>(&pi, &pl, 10).unwrap();
    assert_eq!(ds.targets(), &[4, 0, 9]);
    assert!(matches!(
        read_images_labels::<f64, 4>(dir.join("nope"), &pl, 10),
        Err(IdxError::Io(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_print_what_is_wrong() {
    let e = IdxArray::parse(&idx(0x08, &[2, 3], &[0; 5])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "IDX data should be 6 bytes by its dimensions, found 5"
    );
    let e = IdxArray::parse(&[1, 0, 8, 0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "IDX magic must start with two zero bytes, found [01, 00]"
    );
}

/// Issue 12 item 3: a gzip stream is inflated header first, and never past
/// the data size that its header declares.
#[test]
fn gzip_bomb_is_read_only_as_far_as_the_header_says() {
    // Four bytes declared, 300 MiB of zeros behind them: refused after
    // reading one byte too many.
    let z = bomb(&idx(0x08, &[4], &[1, 2, 3, 4]), 0, 300);
    assert!(z.len() < 1 << 20, "{} bytes", z.len());
    assert!(matches!(
        IdxArray::parse(&z),
        Err(IdxError::WrongLength {
            expected: 4,
            found: 5
        })
    ));
    // A header declaring more than the limit: refused before any data.
    let huge = (MAX_INFLATED_BYTES / 4 + 1) as u32;
    let z = bomb(&idx(0x0C, &[huge], &[]), 0, 1);
    assert!(matches!(IdxArray::parse(&z), Err(IdxError::TooLarge)));
    // Up to the limit, a gzip stream parses as the plain bytes do.
    let plain = idx(0x0B, &[2, 3], &[0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6]);
    assert_eq!(
        IdxArray::parse(&gzip(&plain)).unwrap(),
        IdxArray::parse(&plain).unwrap()
    );
    // A truncated header inside a gzip stream is named as in a plain file.
    assert!(matches!(
        IdxArray::parse(&gzip(&[0, 0, 0x08, 2, 0, 0])),
        Err(IdxError::TruncatedHeader {
            needed: 12,
            found: 6
        })
    ));
}
