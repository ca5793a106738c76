//! A NaN or infinite hyper-parameter (leaky slope, ELU alpha) in a model
//! file is refused with the same error by typed loading, the runtime loader
//! and Rust-source export; no writer produces such a file.

use nn_core::{Dense, Elu, LeakyRelu, Seq, seq};
use nn_format::{LayerKind, LoadError, Loadable, WriteError, crc32};
use nn_std::io::export_rs::{ExportError, ExportOptions, export_rs};
use nn_std::io::model_file::{RuntimeLoadError, SaveError, load_runtime, save};

type Net = Seq![Dense<f32, 2, 2>, LeakyRelu<f32>, Dense<f32, 2, 2>, Elu<f32>];

fn net() -> Net {
    seq![
        Dense::from_parts([[1.0, -1.0], [0.5, 2.0]], [0.25, -0.5]),
        LeakyRelu::new(0.1),
        Dense::from_parts([[2.0, 0.0], [-1.0, 3.0]], [0.0, 1.0]),
        Elu::new(0.75),
    ]
}

/// The file of `net()` with the stored value `old` replaced by `new` and
/// the CRC-32 made right again.
fn patched(old: f32, new: f32) -> Vec<u8> {
    let mut b = save(&net()).unwrap();
    let at = b
        .windows(4)
        .position(|w| w == old.to_le_bytes())
        .expect("the value is stored");
    b[at..at + 4].copy_from_slice(&new.to_le_bytes());
    let n = b.len();
    let crc = crc32(&b[..n - 4]);
    b[n - 4..].copy_from_slice(&crc.to_le_bytes());
    b
}

#[test]
fn non_finite_hyper_parameters_are_refused_alike_by_every_reader() {
    let cases = [
        (0.1, f32::NAN, 1, LayerKind::LeakyRelu),
        (0.1, f32::INFINITY, 1, LayerKind::LeakyRelu),
        (0.75, f32::NAN, 3, LayerKind::Elu),
        (0.75, f32::NEG_INFINITY, 3, LayerKind::Elu),
    ];
    for (old, new, layer, kind) in cases {
        let bytes = patched(old, new);
        let want = LoadError::NonFiniteHyperParameter { layer, kind };
        assert_eq!(Net::load(&bytes), Err(want), "typed, {kind} = {new}");
        assert_eq!(
            load_runtime::<f32>(&bytes).unwrap_err(),
            RuntimeLoadError::Load(want),
            "runtime, {kind} = {new}"
        );
        assert!(
            matches!(
                export_rs(&bytes, &ExportOptions::default()),
                Err(ExportError::Load(e)) if e == want
            ),
            "export, {kind} = {new}"
        );
    }
    let text = LoadError::NonFiniteHyperParameter {
        layer: 1,
        kind: LayerKind::LeakyRelu,
    }
    .to_string();
    assert_eq!(text, "layer 1: leaky_relu slope must be finite");
}

#[test]
fn a_typed_network_with_a_nan_slope_is_not_written() {
    let mut bad = net();
    bad.second.first.slope = f32::NAN;
    assert!(matches!(
        save(&bad),
        Err(SaveError::Write(WriteError::Invalid(
            LoadError::NonFiniteHyperParameter {
                layer: 1,
                kind: LayerKind::LeakyRelu
            }
        )))
    ));
}

#[test]
fn a_finite_file_still_loads_everywhere() {
    let bytes = patched(0.1, -0.25);
    assert_eq!(Net::load(&bytes).unwrap().second.first.slope, -0.25);
    assert!(load_runtime::<f32>(&bytes).is_ok());
    assert!(export_rs(&bytes, &ExportOptions::default()).is_ok());
}
