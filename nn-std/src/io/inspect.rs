//! A human-readable summary of a model file (what `nn inspect` prints).

use std::fmt::Write as _;

use nn_core::quant::FusedActivation;

use nn_format::{LoadError, ModelView, QLayerView, QModelView, QParams, QVERSION};

/// Describes a model file: format version, scalar type, layers with their
/// shapes and parameter counts, input scaler, total parameters and checksum;
/// for an int8 file (version 2) each layer's quantization parameters.
///
/// ```
/// use nn_core::{seq, Dense, Relu};
/// let bytes = nn_std::io::model_file::save(&seq![Dense::<f32, 2, 3>::zeros(), Relu]).unwrap();
/// let text = nn_std::io::inspect(&bytes).unwrap();
/// assert!(text.contains("  0: dense 2 -> 3 (9 parameters)"));
/// assert!(text.contains("checksum: ok"));
/// ```
///
/// ```
/// use nn_std::quant::{FusedActivation, QLayerParams, QNetwork, QParams};
/// let q = QParams { scale: 0.125, zero_point: -1 };
/// let net = QNetwork::new(vec![QLayerParams {
///     in_features: 1,
///     out_features: 2,
///     weights: vec![64, -3],
///     bias: Some(vec![-256, 7]),
///     input: q,
///     output: q,
///     weight_scales: vec![0.03125, 0.5],
///     activation: FusedActivation::Relu,
/// }])?;
/// let text = nn_std::io::inspect(&net.save().unwrap()).unwrap();
/// assert!(text.contains("  0: int8 dense 1 -> 2, relu (4 parameters)"));
/// assert!(text.contains("     input scale 0.125 zero point -1, output scale 0.125 zero point -1"));
/// assert!(text.contains("     weight scales per channel (2): 0.03125 .. 0.5, bias int32"));
/// # Ok::<(), nn_std::quant::QNetworkError>(())
/// ```
pub fn inspect(bytes: &[u8]) -> Result<String, LoadError> {
    let view = match ModelView::parse(bytes) {
        Err(LoadError::UnsupportedVersion(QVERSION)) => return inspect_int8(bytes),
        other => other?,
    };
    let mut out = String::new();
    let _ = writeln!(out, "format version: {}", view.version());
    let _ = writeln!(out, "scalar type: {}", view.scalar_type());
    let _ = writeln!(out, "size: {} bytes", view.file_len());
    let _ = writeln!(out, "layers: {}", view.layer_count());
    for layer in view.layers() {
        let _ = write!(out, "  {}: {}", layer.index, layer.desc);
        if let (Some(name), Some(v)) = (layer.desc.kind.scalar_name(), layer.scalar_f64()) {
            let _ = write!(out, " {name} = {v}");
        }
        match layer.desc.param_count() {
            Some(0) | None => {}
            Some(1) => out.push_str(" (1 parameter)"),
            Some(n) => {
                let _ = write!(out, " ({n} parameters)");
            }
        }
        out.push('\n');
    }
    match view.scaler() {
        Some(s) => {
            let _ = writeln!(out, "input scaler: {} ({} features)", s.kind, s.width);
        }
        None => out.push_str("input scaler: none\n"),
    }
    let width = |w: Option<u32>| w.map_or("any".to_string(), |w| w.to_string());
    let _ = writeln!(
        out,
        "input width: {}, output width: {}",
        width(view.input_width()),
        width(view.output_width())
    );
    let _ = writeln!(out, "parameters: {}", view.param_count());
    let _ = writeln!(out, "checksum: ok (CRC-32 {:#010x})", view.checksum());
    Ok(out)
}

/// The summary of an int8 model file: per layer its shape, activation,
/// input and output quantization, the range of its weight scales and its
/// parameter count.
fn inspect_int8(bytes: &[u8]) -> Result<String, LoadError> {
    let view = QModelView::parse(bytes)?;
    let mut out = String::new();
    let _ = writeln!(out, "format version: {QVERSION}");
    out.push_str("scalar type: int8\n");
    let _ = writeln!(out, "size: {} bytes", bytes.len());
    let _ = writeln!(out, "layers: {}", view.layer_count());
    let mut total = 0;
    for (index, layer) in view.layers().enumerate() {
        total += describe_int8(&mut out, index, &layer);
    }
    if let (Some(first), Some(last)) = (view.layers().next(), view.layers().last()) {
        let _ = writeln!(
            out,
            "input width: {}, output width: {}",
            first.in_features, last.out_features
        );
    }
    let _ = writeln!(out, "parameters: {total}");
    let _ = writeln!(out, "checksum: ok (CRC-32 {:#010x})", view.checksum());
    Ok(out)
}

/// Writes one int8 layer's lines; returns its parameter count.
fn describe_int8(out: &mut String, index: usize, l: &QLayerView<'_>) -> usize {
    let bias = l.bias().map_or(0, Iterator::count);
    let params = l.in_features * l.out_features + bias;
    let q = |q: QParams| format!("scale {} zero point {}", q.scale, q.zero_point);
    let _ = writeln!(
        out,
        "  {index}: int8 dense {} -> {}, {} ({params} parameters)",
        l.in_features,
        l.out_features,
        match l.activation {
            FusedActivation::None => "none",
            FusedActivation::Relu => "relu",
            FusedActivation::Relu6 => "relu6",
        }
    );
    let _ = writeln!(out, "     input {}, output {}", q(l.input), q(l.output));
    let scales: Vec<f32> = l.weight_scales().collect();
    let (min, max) = scales.iter().fold((f32::INFINITY, 0.0f32), |(lo, hi), &s| {
        (lo.min(s), hi.max(s))
    });
    let how = if l.per_channel() {
        format!("per channel ({}): {min} .. {max}", scales.len())
    } else {
        format!("per tensor: {min}")
    };
    let bias = if bias > 0 { "bias int32" } else { "no bias" };
    let _ = writeln!(out, "     weight scales {how}, {bias}");
    params
}
