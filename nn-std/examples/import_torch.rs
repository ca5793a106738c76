//! Loads a PyTorch `Sequential(Linear(64, 32), ReLU(), Linear(32, 10))` saved
//! as a safetensors `state_dict`, and prints, for each row of `inputs` in a
//! JSON file, one line with the 10 logits separated by spaces.
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
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let values = row
            .as_array()
            .ok_or(format!("{inputs}: row {r} is not an array"))?;
        if values.len() != 64 {
            return Err(format!(
                "{inputs}: row {r} has {} values, expected 64",
                values.len()
            ));
        }
        let mut x = [0f32; 64];
        for (xi, v) in x.iter_mut().zip(values) {
            *xi = v
                .as_f64()
                .ok_or(format!("{inputs}: row {r} has a non-number"))? as f32;
        }
        let logits = net.forward(&x);
        let line: Vec<String> = logits.iter().map(|v| v.to_string()).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut weights = None;
    let mut inputs = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--weights" => weights = it.next(),
            "--inputs" => inputs = it.next(),
            other => {
                eprintln!("import_torch: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(w), Some(i)) = (weights, inputs) else {
        eprintln!("usage: import_torch --weights FILE.safetensors --inputs FILE.json");
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
