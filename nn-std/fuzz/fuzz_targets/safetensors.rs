//! Arbitrary bytes into the safetensors import, with every name mapping, and
//! into the model-file-to-safetensors conversion: each must return an error
//! or a value, never panic. A file that imports must export back to one that
//! imports to the same parameters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn_core::{Dense, Params, Relu, Seq};
use nn_std::io::safetensors::{
    Mapping, export_safetensors, import_safetensors, model_file_to_safetensors,
};

type Net = Seq![Dense<f32, 3, 4>, Relu, Dense<f32, 4, 2>];

fuzz_target!(|data: &[u8]| {
    let names = Mapping::Names(vec![
        "0.weight".into(),
        "0.bias".into(),
        "2.weight".into(),
        "2.bias".into(),
    ]);
    for mapping in [Mapping::Sequential, Mapping::Order, names] {
        if let Ok(net) = import_safetensors::<f32, Net>(data, &mapping) {
            let bytes = export_safetensors(&net).expect("a network exports");
            let again = import_safetensors::<f32, Net>(&bytes, &Mapping::Sequential)
                .expect("an exported network imports");
            let bits = |n: &Net| -> Vec<u32> {
                n.params()
                    .flat_map(|p| p.values.iter().map(|v| v.to_bits()))
                    .collect()
            };
            assert_eq!(bits(&net), bits(&again));
        }
    }
    let _ = model_file_to_safetensors(data);
});
