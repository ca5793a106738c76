//! The no_std reader on a model file assembled by hand from docs/FORMAT.md
//! (independent of nn-std's writer).

use nn_core::{Dense, Identity, Module, Relu, Seq};
use nn_format::{
    LayerDesc, LayerKind, LoadError, Loadable, ModelView, ScalarType, ScalerKind, crc32,
};

fn desc(out: &mut Vec<u8>, code: u16, dims: [u32; 3]) {
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    for d in dims {
        out.extend_from_slice(&d.to_le_bytes());
    }
}

/// f64 file: min-max scaler of width 2, dense 2 -> 2, relu(2), dense 2 -> 1, identity(any width).
fn file() -> Vec<u8> {
    let values: [f64; 9] = [1.0, -1.0, 0.5, 2.0, 0.25, -0.5, 3.0, -2.0, 0.125];
    let scaler: [f64; 4] = [10.0, 20.0, 2.0, 4.0];
    let len = 24 + 4 * 16 + (values.len() + scaler.len()) * 8 + 4;
    let mut b = Vec::new();
    b.extend_from_slice(b"NNMF");
    b.extend_from_slice(&1u16.to_le_bytes());
    b.push(2); // f64
    b.push(2); // min-max
    b.extend_from_slice(&(len as u32).to_le_bytes());
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&2u32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    desc(&mut b, 1, [2, 2, 0]);
    desc(&mut b, 3, [2, 0, 0]);
    desc(&mut b, 1, [2, 1, 0]);
    desc(&mut b, 2, [0, 0, 0]);
    for v in values.iter().chain(&scaler) {
        b.extend_from_slice(&v.to_le_bytes());
    }
    let c = crc32(&b);
    b.extend_from_slice(&c.to_le_bytes());
    assert_eq!(b.len(), len);
    b
}

type Net = Seq![Dense<f64, 2, 2>, Relu, Dense<f64, 2, 1>, Identity];

#[test]
fn view_reads_header_layers_values_and_scaler_in_place() {
    let bytes = file();
    let v = ModelView::parse(&bytes).unwrap();
    assert_eq!(v.scalar_type(), ScalarType::F64);
    assert_eq!(v.layer_count(), 4);
    assert_eq!(v.param_count(), 9);
    assert_eq!((v.input_width(), v.output_width()), (Some(2), Some(1)));
    let layers: Vec<_> = v.layers().collect();
    assert_eq!(layers[1].desc, LayerDesc::elementwise(LayerKind::Relu, 2));
    assert_eq!(layers[3].desc.to_string(), "identity (any width)");
    let w: Vec<f64> = layers[2].values::<f64>().unwrap().iter().collect();
    assert_eq!(w, [3.0, -2.0, 0.125]);
    assert_eq!(
        layers[0].values::<f32>().unwrap_err(),
        LoadError::ScalarType {
            expected: ScalarType::F32,
            found: ScalarType::F64
        }
    );
    let s = v.scaler().unwrap();
    assert_eq!((s.kind, s.width), (ScalerKind::MinMax, 2));
    assert_eq!(s.offset::<f64>().unwrap().get(1), Some(20.0));
    assert_eq!(s.factor::<f64>().unwrap().get(0), Some(2.0));
}

#[test]
fn typed_load_and_forward() {
    let net = Net::load(&file()).unwrap();
    assert_eq!(net.first.weight, [[1.0, -1.0], [0.5, 2.0]]);
    assert_eq!(net.first.bias, [0.25, -0.5]);
    // x = [1, 1]: hidden = relu([0.25, 2.0]) = [0.25, 2.0]; out = 0.75 - 4 + 0.125.
    assert_eq!(net.forward(&[1.0, 1.0]), [-3.125]);
}

#[test]
fn load_into_a_static_sized_network_in_place() {
    let mut net = Net::default();
    net.load_into(&file()).unwrap();
    assert_eq!(net.second.second.first.bias, [0.125]);
}

/// A network whose first layers fit the file but whose last does not.
type LastLayerWrong = Seq![Dense<f64, 2, 2>, Relu, Dense<f64, 2, 1>, Relu];

/// A network of `Net`'s type filled with a marker value everywhere.
fn marked() -> Net {
    let mut net = Net::default();
    net.first.weight = [[7.0; 2]; 2];
    net.first.bias = [7.0; 2];
    net
}

#[test]
fn load_into_changes_nothing_when_a_later_layer_does_not_fit() {
    let mut net: LastLayerWrong = Default::default();
    net.first.bias = [7.0; 2];
    assert_eq!(
        net.load_into(&file()).unwrap_err(),
        LoadError::LayerKindMismatch {
            layer: 3,
            expected: LayerKind::Relu,
            found: LayerKind::Identity
        }
    );
    assert_eq!(net.first.weight, [[0.0; 2]; 2]);
    assert_eq!(net.first.bias, [7.0; 2]);
}

#[test]
fn load_into_with_scaler_fills_both_in_place() {
    use nn_core::scale::MinMax;
    let mut net = marked();
    let mut scaler = MinMax::from_parts([0.0; 2], [0.0; 2]);
    net.load_into_with_scaler(&mut scaler, &file()).unwrap();
    assert_eq!(net.first.weight, [[1.0, -1.0], [0.5, 2.0]]);
    assert_eq!(net.second.second.first.bias, [0.125]);
    assert_eq!((scaler.min, scaler.inv_range), ([10.0, 20.0], [2.0, 4.0]));
}

#[test]
fn load_into_with_scaler_changes_nothing_when_the_scaler_does_not_fit() {
    use nn_core::scale::{MinMax, Standardize};
    let mut net = marked();
    let mut standardize = Standardize::from_parts([3.0; 2], [3.0; 2]);
    assert_eq!(
        net.load_into_with_scaler(&mut standardize, &file())
            .unwrap_err(),
        LoadError::ScalerKindMismatch {
            expected: ScalerKind::Standardize,
            found: ScalerKind::MinMax
        }
    );
    let mut narrow = MinMax::from_parts([3.0; 1], [3.0; 1]);
    assert_eq!(
        net.load_into_with_scaler(&mut narrow, &file()).unwrap_err(),
        LoadError::ScalerWidth {
            expected: 1,
            found: 2
        }
    );
    assert_eq!(net.first.weight, [[7.0; 2]; 2]);
    assert_eq!(net.first.bias, [7.0; 2]);
    assert_eq!(
        (standardize.mean, standardize.inv_std),
        ([3.0; 2], [3.0; 2])
    );
    assert_eq!((narrow.min, narrow.inv_range), ([3.0], [3.0]));
}

#[test]
fn every_single_bit_flip_is_detected() {
    let bytes = file();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut c = bytes.clone();
            c[i] ^= 1 << bit;
            assert!(
                Net::load(&c).is_err(),
                "flip of bit {bit} in byte {i} accepted"
            );
        }
    }
}

#[test]
fn allocation_free_writer_reproduces_the_hand_made_file() {
    use nn_format::{ScalerParts, WriteError, encoded_len, write_model};
    let bytes = file();
    let net = Net::load(&bytes).unwrap();
    let scaler = ScalerParts {
        kind: ScalerKind::MinMax,
        offset: &[10.0, 20.0],
        factor: &[2.0, 4.0],
    };
    let mut buf = [0u8; 256];
    // The identity is first written with width 1 (the output it follows), not
    // 0 as in the hand-made file; apart from that and the CRC, the bytes agree.
    let n = write_model(&net, Some(scaler), &mut buf).unwrap();
    assert_eq!(n, bytes.len());
    assert_eq!(n, encoded_len(&net, Some(scaler)).unwrap());
    let identity_width = 24 + 3 * 16 + 4;
    assert_eq!(buf[identity_width], 1);
    let mut want = bytes.clone();
    want[identity_width] = 1;
    let c = crc32(&want[..n - 4]);
    want[n - 4..].copy_from_slice(&c.to_le_bytes());
    assert_eq!(&buf[..n], &want[..]);

    let mut small = [0u8; 100];
    assert_eq!(
        write_model(&net, Some(scaler), &mut small).unwrap_err(),
        WriteError::BufferTooSmall {
            needed: n,
            available: 100
        }
    );
    let bad = ScalerParts {
        kind: ScalerKind::Standardize,
        offset: &[1.0; 3],
        factor: &[1.0; 3],
    };
    assert_eq!(
        write_model(&net, Some(bad), &mut buf).unwrap_err(),
        WriteError::Invalid(LoadError::WidthMismatch {
            layer: 0,
            expected: 3,
            found: 2
        })
    );
}

/// A file with a valid CRC and `layer_count` descriptors and no values,
/// declaring an f32 standardize scaler `scaler_width` features wide (and
/// storing none of its values).
fn sized_file(scaler_width: u32, descs: &[(u16, [u32; 3])]) -> Vec<u8> {
    let len = 24 + 16 * descs.len() + 4;
    let mut b = Vec::new();
    b.extend_from_slice(b"NNMF");
    b.extend_from_slice(&1u16.to_le_bytes());
    b.push(1); // f32
    b.push(if scaler_width == 0 { 0 } else { 1 });
    b.extend_from_slice(&(len as u32).to_le_bytes());
    b.extend_from_slice(&(descs.len() as u32).to_le_bytes());
    b.extend_from_slice(&scaler_width.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    for &(code, dims) in descs {
        desc(&mut b, code, dims);
    }
    let c = crc32(&b);
    b.extend_from_slice(&c.to_le_bytes());
    assert_eq!(b.len(), len);
    b
}

/// On a 32-bit target `2 * width` wraps for a scaler 2^31 features wide, so
/// the 44-byte file below looked complete (CI runs this test on i686).
#[test]
fn a_scaler_two_to_the_31_wide_is_a_length_mismatch_on_every_target() {
    let bytes = sized_file(1 << 31, &[(3, [0, 0, 0])]);
    assert_eq!(bytes.len(), 44);
    assert!(matches!(
        ModelView::parse(&bytes),
        Err(LoadError::LengthMismatch { declared: 44, .. })
    ));
    assert!(<Seq![Dense<f32, 1, 1>, Relu]>::load(&bytes).is_err());
}

/// Layer sizes whose value counts pass 2^32 (wrapping on a 32-bit target).
#[test]
fn layers_with_more_than_two_to_the_32_values_are_a_length_mismatch_on_every_target() {
    for dims in [[1 << 16, 1 << 16, 0], [1 << 16, 1 << 15, 2]] {
        let code = if dims[2] == 0 { 1 } else { 11 };
        let bytes = sized_file(0, &[(code, dims)]);
        assert!(
            matches!(
                ModelView::parse(&bytes),
                Err(LoadError::LengthMismatch { declared: 44, .. })
            ),
            "{dims:?}"
        );
    }
}
