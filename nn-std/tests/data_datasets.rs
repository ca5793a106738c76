//! The embedded data sets: checksums, row and class counts per
//! `nn-std/data/README.md`, values, and the synthetic tasks' shapes.

use nn_std::data::datasets::{self, DIGITS_CSV_GZ, IRIS_CSV};
use sha2::{Digest, Sha256};

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn embedded_files_match_published_checksums() {
    assert_eq!(
        sha256_hex(IRIS_CSV),
        "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449"
    );
    assert_eq!(
        sha256_hex(DIGITS_CSV_GZ),
        "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
    );
}

#[test]
fn iris_has_150_rows_3_classes_of_50() {
    let iris = datasets::iris::<f64>();
    assert_eq!(iris.len(), 150);
    assert_eq!(iris.classes(), 3);
    assert_eq!(iris.class_counts(), vec![50, 50, 50]);
    assert_eq!(iris.class_names(), ["setosa", "versicolor", "virginica"]);
    // First and last rows of the file.
    assert_eq!(iris.get(0), Some((&[5.1, 3.5, 1.4, 0.2], &0)));
    assert_eq!(iris.get(149), Some((&[5.9, 3.0, 5.1, 1.8], &2)));
    // Sum of all features, computed from the file with awk: 2078.7.
    let sum: f64 = iris.features().iter().flatten().sum();
    assert!((sum - 2078.7).abs() < 1e-9, "{sum}");
}

#[test]
fn digits_has_1797_rows_10_classes_pixels_0_to_16() {
    let digits = datasets::digits::<f32>();
    assert_eq!(digits.len(), 1797);
    assert_eq!(digits.classes(), 10);
    // Counts computed from the file with awk; the README gives 174..183.
    assert_eq!(
        digits.class_counts(),
        vec![178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    assert!(
        digits
            .features()
            .iter()
            .flatten()
            .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0)
    );
    // Sum of all pixels, computed from the file with awk: 561718.
    let sum: f64 = digits
        .features()
        .iter()
        .flatten()
        .map(|&v| f64::from(v))
        .sum();
    assert_eq!(sum, 561_718.0);
    assert_eq!(digits.class_names()[7], "7");
    assert_eq!(digits.targets()[..3], [0, 1, 2]);
}

#[test]
fn digits_split_is_75_25_and_stratified() {
    let digits = datasets::digits::<f32>();
    let (train, test) = digits.train_test_split(0.25, 0).unwrap();
    assert_eq!(train.len() + test.len(), 1797);
    // round(0.25 * 1797) = 449. Class counts times 0.25: 44.5 45.5 44.25
    // 45.75 45.25 45.5 45.25 44.75 43.5 45; the floors sum to 445, and the
    // 4 largest remainders (0.75 of classes 3 and 7, then 0.5 of classes 0, 1)
    // get one more.
    assert_eq!(test.len(), 449);
    assert_eq!(
        test.class_counts(),
        vec![45, 46, 44, 46, 45, 45, 45, 45, 43, 45]
    );
}
