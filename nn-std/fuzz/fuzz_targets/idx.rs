//! Arbitrary bytes into the IDX loader, as an array, as images and as labels:
//! it must return an error or a value, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn_std::data::idx::{IdxArray, load_images_labels};

const IMAGES: [u8; 22] = [
    0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6,
];
const LABELS: [u8; 10] = [0, 0, 8, 1, 0, 0, 0, 2, 1, 0];

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = IdxArray::parse(data) {
        assert_eq!(a.values().count(), a.len());
    }
    let _ = load_images_labels::<f32, 3>(data, &LABELS, 10);
    let _ = load_images_labels::<f32, 3>(&IMAGES, data, 10);
});
