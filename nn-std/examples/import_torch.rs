//! Loads a PyTorch `Sequential(Linear(64, 32), ReLU(), Linear(32, 10))` saved
//! as a safetensors `state_dict`, and prints, for each row of `inputs` in a
//! JSON file, one line with the 10 logits separated by spaces; when the file
//! also holds PyTorch's `logits`, a last line `VERDICT MATCH` (or
//! `VERDICT MISMATCH` with exit status 1) gives the largest difference from
//! them as a share of the reference checker's f32 tolerance.
//!
//! ```text
//! cargo run --release -p nn-std --example import_torch -- \
//!     --weights ../shared/reference/torch_digits_mlp.safetensors \
//!     --inputs ../shared/reference/torch_digits_mlp.json
//! ```

use std::process::ExitCode;

use nn_core::{Dense, Module, Relu, Seq};
use nn_std::io::safetensors::{Mapping, import_safetensors};

type Net = Seq![Dense<f32, 64, 32>, Relu, Dense<f32, 32, 10>];

/// What `--help` prints.
const USAGE: &str = "usage: import_torch --weights FILE.safetensors --inputs FILE.json
  --weights FILE   the state_dict of Sequential(Linear(64, 32), ReLU(), Linear(32, 10))
  --inputs FILE    JSON with an \"inputs\" array of 64-value rows, and optionally
                   PyTorch's \"logits\" for them (then a verdict line ends the output)
  -h, --help       print this and exit";

/// The logits of every input row and, when the JSON holds PyTorch's
/// `logits`, the verdict: the largest difference from them, as a share of
/// the tolerance.
fn run(weights: &str, inputs: &str) -> Result<String, String> {
    let bytes = std::fs::read(weights).map_err(|e| format!("{weights}: {e}"))?;
    let net: Net =
        import_safetensors(&bytes, &Mapping::Sequential).map_err(|e| format!("{weights}: {e}"))?;
    let text = std::fs::read_to_string(inputs).map_err(|e| format!("{inputs}: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{inputs}: {e}"))?;
    let rows = json
        .get("inputs")
        .and_then(|v| v.as_array())
        .ok_or(format!("{inputs}: no \"inputs\" array"))?;
    let reference = json.get("logits").and_then(|v| v.as_array());
    let mut out = String::new();
    let mut worst = 0f64;
    for (r, row) in rows.iter().enumerate() {
        let x: [f32; 64] = floats(row, &format!("{inputs}: row {r}"))?;
        let logits = net.forward(&x);
        let line: Vec<String> = logits.iter().map(|v| v.to_string()).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
        if let Some(reference) = reference {
            let want: [f32; 10] = floats(
                reference.get(r).unwrap_or(&serde_json::Value::Null),
                &format!("{inputs}: logits {r}"),
            )?;
            // The reference checker's f32 tolerance: |got - want| <= 1e-6 +
            // 1e-4 |want|; `worst` is the largest share of it used.
            for (g, w) in logits.iter().zip(want) {
                let (g, w) = (f64::from(*g), f64::from(w));
                worst = worst.max((g - w).abs() / (1e-6 + 1e-4 * w.abs()));
            }
        }
    }
    if reference.is_some() {
        let ok = worst <= 1.0;
        out.push_str(&format!(
            "VERDICT {} rows={} worst_diff={worst:.3} of the tolerance (1e-6 + 1e-4 |want|) against PyTorch's logits\n",
            if ok { "MATCH" } else { "MISMATCH" },
            rows.len()
        ));
        if !ok {
            return Err(out);
        }
    }
    Ok(out)
}

/// A JSON array of exactly `K` numbers.
fn floats<const K: usize>(v: &serde_json::Value, what: &str) -> Result<[f32; K], String> {
    let values = v.as_array().ok_or(format!("{what} is not an array"))?;
    if values.len() != K {
        return Err(format!("{what} has {} values, expected {K}", values.len()));
    }
    let mut x = [0f32; K];
    for (xi, v) in x.iter_mut().zip(values) {
        *xi = v.as_f64().ok_or(format!("{what} has a non-number"))? as f32;
    }
    Ok(x)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut weights = None;
    let mut inputs = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--weights" => weights = it.next(),
            "--inputs" => inputs = it.next(),
            other => {
                eprintln!("import_torch: unknown argument {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(w), Some(i)) = (weights, inputs) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(w, i) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("import_torch: {e}");
            ExitCode::from(1)
        }
    }
}
