//! Arbitrary bytes into the CSV loader, in every layout: it must return an
//! error or a data set, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn_std::data::csv::{CsvOptions, TargetColumn, parse_classification, parse_regression};

fuzz_target!(|data: &[u8]| {
    for header in [false, true] {
        for target in [
            TargetColumn::Last,
            TargetColumn::First,
            TargetColumn::Index(1),
        ] {
            let o = CsvOptions {
                header,
                delimiter: b',',
                target,
            };
            let _ = parse_classification::<f32, 3>(data, &o, None);
            let _ = parse_classification::<f64, 1>(data, &o, Some(3));
            let _ = parse_regression::<f32, 2, 2>(data, &o);
        }
    }
});
