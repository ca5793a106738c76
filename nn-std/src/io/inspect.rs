//! A human-readable summary of a model file (what `nn inspect` prints).

use std::fmt::Write as _;

use nn_format::{LoadError, ModelView};

/// Describes a model file: format version, scalar type, layers with their
/// shapes and parameter counts, input scaler, total parameters and checksum.
///
/// ```
/// use nn_core::{seq, Dense, Relu};
/// let bytes = nn_std::io::model_file::save(&seq![Dense::<f32, 2, 3>::zeros(), Relu]).unwrap();
/// let text = nn_std::io::inspect(&bytes).unwrap();
/// assert!(text.contains("  0: dense 2 -> 3 (9 parameters)"));
/// assert!(text.contains("checksum: ok"));
/// ```
pub fn inspect(bytes: &[u8]) -> Result<String, LoadError> {
    let view = ModelView::parse(bytes)?;
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
