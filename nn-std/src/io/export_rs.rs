//! Rust-source export: a model file becomes a Rust module with the network's
//! type and a `static` built by `const fn` constructors, so the weights live
//! in flash (`.rodata`) and use no RAM.
//!
//! ```
//! use nn_core::{seq, Dense, Relu};
//! use nn_std::io::export_rs::{export_rs_net, ExportOptions};
//! let net = seq![Dense::<f32, 2, 1>::from_parts([[0.5, -1.0]], [0.25]), Relu];
//! let src = export_rs_net(&net, None, &ExportOptions::default()).unwrap();
//! assert!(src.contains("pub type Net = nn_core::Seq![nn_core::Dense<f32, 2, 1>, nn_core::Relu];"));
//! assert!(src.contains("pub static MODEL: Net = nn_core::seq!["));
//! assert!(src.contains("[[0.5, -1.0]],\n        [0.25],"));
//! ```

use std::fmt::{self, Write as _};

use nn_format::{
    FileScalar, LayerKind, LayerView, LoadError, ModelView, Saveable, ScalarType, ScalerKind,
    Values,
};

use super::model_file::{SaveError, ScalerParts, save_with_scaler};

/// Names used in the generated source.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Name of the type alias (default `Net`).
    pub type_name: String,
    /// Name of the network static (default `MODEL`).
    pub static_name: String,
    /// Path of the nn-core crate in the generated code (default `nn_core`).
    pub crate_path: String,
    /// Name of the input-scaler static, written when the model has one
    /// (default `SCALER`).
    pub scaler_name: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            type_name: "Net".into(),
            static_name: "MODEL".into(),
            crate_path: "nn_core".into(),
            scaler_name: "SCALER".into(),
        }
    }
}

impl ExportOptions {
    /// Checks that every name is one the generated source can hold: the
    /// type, static and scaler names must be Rust identifiers (not keywords),
    /// the crate path a Rust path (`nn_core`, `::nn_core`, `crate::nn`).
    ///
    /// ```
    /// use nn_std::io::export_rs::{ExportError, ExportOptions};
    /// assert!(ExportOptions::default().check().is_ok());
    /// let opts = ExportOptions { type_name: "Net; fn evil() {}".into(), ..Default::default() };
    /// assert!(matches!(opts.check(), Err(ExportError::BadName { option: "type name", .. })));
    /// ```
    pub fn check(&self) -> Result<(), ExportError> {
        let names = [
            ("type name", &self.type_name),
            ("static name", &self.static_name),
            ("scaler name", &self.scaler_name),
        ];
        for (option, value) in names {
            if !is_identifier(value) {
                return Err(ExportError::BadName {
                    option,
                    value: value.clone(),
                });
            }
        }
        if !is_path(&self.crate_path) {
            return Err(ExportError::BadName {
                option: "crate path",
                value: self.crate_path.clone(),
            });
        }
        Ok(())
    }
}

/// Rust's keywords (strict and reserved, edition 2024).
const KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// An ASCII Rust identifier that is not a keyword or `_`.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
        && !KEYWORDS.contains(&s)
}

/// `a::b`, `::a::b`, or a path starting with `crate`, `self` or `super`s.
fn is_path(s: &str) -> bool {
    let mut segments = s.strip_prefix("::").unwrap_or(s).split("::").peekable();
    if !s.starts_with("::") {
        segments.next_if(|&seg| seg == "crate" || seg == "self");
        while segments.next_if_eq(&"super").is_some() {}
    }
    let mut any = false;
    for seg in segments {
        if !is_identifier(seg) {
            return false;
        }
        any = true;
    }
    any
}

/// Why a model could not be exported.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportError {
    /// The model file is invalid.
    Load(LoadError),
    /// The network could not be serialized.
    Save(SaveError),
    /// The model has no layers.
    Empty,
    /// The int8 model file is valid but its layers do not form a network
    /// the runtime accepts.
    Int8(crate::quant::QNetworkError),
    /// An [`ExportOptions`] name is not a Rust identifier (or path).
    BadName {
        /// Which option (`"type name"`, `"static name"`, `"scaler name"`,
        /// `"crate path"`).
        option: &'static str,
        /// The value given.
        value: String,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Load(e) => write!(f, "invalid model file: {e}"),
            ExportError::Save(e) => write!(f, "{e}"),
            ExportError::Empty => f.write_str("the model has no layers"),
            ExportError::Int8(e) => write!(f, "int8 model: {e}"),
            ExportError::BadName { option, value } => {
                let what = if *option == "crate path" {
                    "a Rust path"
                } else {
                    "a Rust identifier"
                };
                write!(f, "{option} {value:?} is not {what}")
            }
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Load(e) => Some(e),
            ExportError::Save(e) => Some(e),
            _ => None,
        }
    }
}

/// A Rust literal that evaluates to exactly `v` (same bits): the shortest
/// round-trip decimal for finite values, `from_bits` for NaN and infinities.
pub fn float_literal<F: FileScalar>(v: F) -> String {
    let x = v.to_f64();
    if v.is_finite() {
        match F::TYPE {
            ScalarType::F32 => format!("{:?}", x as f32),
            ScalarType::F64 => format!("{x:?}"),
        }
    } else {
        match F::TYPE {
            ScalarType::F32 => format!("f32::from_bits({:#010x})", v.to_bits_u64() as u32),
            ScalarType::F64 => format!("f64::from_bits({:#018x})", v.to_bits_u64()),
        }
    }
}

fn push_list<F: FileScalar>(out: &mut String, values: impl Iterator<Item = F>) {
    out.push('[');
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&float_literal(v));
    }
    out.push(']');
}

fn push_matrix<F: FileScalar>(out: &mut String, v: &Values<'_, F>, rows: usize, cols: usize) {
    out.push('[');
    for r in 0..rows {
        if r > 0 {
            out.push_str(",\n        ");
        }
        push_list(out, v.iter().skip(r * cols).take(cols));
    }
    out.push(']');
}

/// The type and the constructor expression of one layer.
/// Appends the network's `type` alias (its layer types) and its `static`
/// (its layer expressions), each after its doc line.
pub(super) fn push_network(
    out: &mut String,
    opts: &ExportOptions,
    (type_doc, types): (&str, &[String]),
    (static_doc, exprs): (&str, &[String]),
) {
    let krate = &opts.crate_path;
    let _ = writeln!(out, "/// {type_doc}");
    let _ = writeln!(
        out,
        "pub type {} = {krate}::Seq![{}];\n",
        opts.type_name,
        types.join(", ")
    );
    let _ = writeln!(out, "/// {static_doc}");
    let _ = writeln!(
        out,
        "pub static {}: {} = {krate}::seq![\n    {},\n];",
        opts.static_name,
        opts.type_name,
        exprs.join(",\n    ")
    );
}

fn layer_source<F: FileScalar>(
    layer: &LayerView<'_>,
    krate: &str,
) -> Result<(String, String), ExportError> {
    let values = layer.values::<F>().map_err(ExportError::Load)?;
    let [a, b, _] = layer.desc.dims.map(|d| d as usize);
    let f = F::TYPE.name();
    match layer.desc.kind {
        LayerKind::Dense => {
            let mut e = format!("{krate}::Dense::from_parts(\n        ");
            push_matrix(&mut e, &values, b, a);
            e.push_str(",\n        ");
            push_list(&mut e, values.iter().skip(a * b));
            e.push_str(",\n    )");
            Ok((format!("{krate}::Dense<{f}, {a}, {b}>"), e))
        }
        LayerKind::Maxout => {
            let (units, k) = (b, layer.desc.dims[2] as usize);
            let mut e = format!("{krate}::Maxout::from_parts(\n        [");
            for u in 0..units {
                if u > 0 {
                    e.push_str(",\n        ");
                }
                let unit = values.slice(u * k * a, k * a).ok_or(ExportError::Load(
                    LoadError::BadDescriptor { layer: layer.index },
                ))?;
                push_matrix(&mut e, &unit, k, a);
            }
            e.push_str("],\n        ");
            let bias = values
                .slice(units * k * a, units * k)
                .ok_or(ExportError::Load(LoadError::BadDescriptor {
                    layer: layer.index,
                }))?;
            push_matrix(&mut e, &bias, units, k);
            e.push_str(",\n    )");
            Ok((format!("{krate}::Maxout<{f}, {a}, {units}, {k}>"), e))
        }
        kind => {
            let name = kind.type_name();
            if kind.scalar_name().is_none() {
                return Ok((format!("{krate}::{name}"), format!("{krate}::{name}")));
            }
            let v = values
                .get(0)
                .ok_or(ExportError::Load(LoadError::BadDescriptor {
                    layer: layer.index,
                }))?;
            Ok((
                format!("{krate}::{name}<{f}>"),
                format!("{krate}::{name}::new({})", float_literal(v)),
            ))
        }
    }
}

fn export_typed<F: FileScalar>(
    view: &ModelView<'_>,
    opts: &ExportOptions,
) -> Result<String, ExportError> {
    let krate = &opts.crate_path;
    let mut types = Vec::new();
    let mut exprs = Vec::new();
    for layer in view.layers() {
        let (t, e) = layer_source::<F>(&layer, krate)?;
        types.push(t);
        exprs.push(e);
    }
    if types.is_empty() {
        return Err(ExportError::Empty);
    }
    let f = F::TYPE.name();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by nn-std's export_rs from a model file (format version {}, {f}, {} layers, {} parameters, CRC-32 {:#010x}).\n// Do not edit; regenerate with `nn export-rs MODEL.bin -o FILE.rs`.\n",
        view.version(),
        view.layer_count(),
        view.param_count(),
        view.checksum()
    );
    push_network(
        &mut out,
        opts,
        ("The network's type.", &types),
        ("The trained network, a `static` in flash.", &exprs),
    );
    if let Some(s) = view.scaler() {
        let w = s.width;
        let offset = s.offset::<F>().map_err(ExportError::Load)?;
        let factor = s.factor::<F>().map_err(ExportError::Load)?;
        let ty = match s.kind {
            ScalerKind::Standardize => "Standardize",
            ScalerKind::MinMax => "MinMax",
        };
        let _ = writeln!(
            out,
            "\n/// The fitted input scaler ({}): the network's input is `{}.apply(&x)`.",
            s.kind, opts.scaler_name
        );
        let _ = write!(
            out,
            "pub static {}: {krate}::scale::{ty}<{f}, {w}> = {krate}::scale::{ty}::from_parts(\n    ",
            opts.scaler_name
        );
        push_list(&mut out, offset.iter());
        out.push_str(",\n    ");
        push_list(&mut out, factor.iter());
        out.push_str(",\n);\n");
    }
    Ok(out)
}

/// Rust source for the network stored in `bytes` (a model file). An int8
/// file (version 2) gives a `static` of nn-core's typed int8 layers:
/// `Quantize`, one `QDense` per layer, `Dequantize` (f32 in and out).
///
/// The names in `opts` are [checked](ExportOptions::check) first.
pub fn export_rs(bytes: &[u8], opts: &ExportOptions) -> Result<String, ExportError> {
    opts.check()?;
    let view = match ModelView::parse(bytes) {
        Err(LoadError::UnsupportedVersion(nn_format::QVERSION)) => {
            return super::export_int8::export_int8(bytes, opts);
        }
        other => other.map_err(ExportError::Load)?,
    };
    match view.scalar_type() {
        ScalarType::F32 => export_typed::<f32>(&view, opts),
        ScalarType::F64 => export_typed::<f64>(&view, opts),
    }
}

/// Rust source for a typed network (and optional scaler).
pub fn export_rs_net<F: FileScalar, N: Saveable<F>>(
    net: &N,
    scaler: Option<ScalerParts<'_, F>>,
    opts: &ExportOptions,
) -> Result<String, ExportError> {
    let bytes = save_with_scaler(net, scaler).map_err(ExportError::Save)?;
    export_rs(&bytes, opts)
}
