//! Real data sets embedded in the crate: no download, no file.
//!
//! Both come from the UCI Machine Learning Repository under CC BY 4.0; see
//! `nn-std/data/README.md` for provenance, checksums and the license.
//!
//! ```
//! use nn_std::data::datasets;
//! let digits = datasets::digits::<f32>();
//! assert_eq!((digits.len(), digits.classes()), (1797, 10));
//! let iris = datasets::iris::<f64>();
//! assert_eq!(iris.class_names(), ["setosa", "versicolor", "virginica"]);
//! ```

use nn_core::Float;

use super::csv::{CsvOptions, parse_classification};
use super::dataset::Dataset;

/// The bytes of `iris.csv` as shipped (header `150,4,setosa,versicolor,virginica`).
pub const IRIS_CSV: &[u8] = include_bytes!("../../data/iris.csv");
/// The bytes of `digits.csv.gz` as shipped (gzip-compressed CSV, no header).
pub const DIGITS_CSV_GZ: &[u8] = include_bytes!("../../data/digits.csv.gz");

/// Fisher's Iris: 150 samples, 4 features in cm (sepal length, sepal width,
/// petal length, petal width), 3 classes of 50 (setosa, versicolor, virginica).
pub fn iris<F: Float>() -> Dataset<F, 4, usize> {
    let header = IRIS_CSV.split(|&b| b == b'\n').next().unwrap_or_default();
    let names: Vec<String> = String::from_utf8_lossy(header)
        .trim()
        .split(',')
        .skip(2)
        .map(String::from)
        .collect();
    let opts = CsvOptions {
        header: true,
        ..CsvOptions::default()
    };
    parse_classification(IRIS_CSV, &opts, Some(3))
        .and_then(|ds| Ok(ds.with_class_names(names)?))
        .expect("the embedded iris.csv is valid (checked by the tests)")
}

/// Optical handwritten digits: 1797 samples of 8x8 images, 64 pixel
/// features in `0..=16` (row-major), 10 classes `"0"`..`"9"` (174 to 183 each).
///
/// Scale with a standardization fitted on the training part, or by the
/// fixed `/16` as is common:
///
/// ```
/// use nn_std::data::{datasets, MinMax};
/// let scaled = datasets::digits::<f32>().scaled(&MinMax::from_parts([0.0; 64], [1.0 / 16.0; 64]))?;
/// assert!(scaled.features().iter().flatten().all(|&v| (0.0..=1.0).contains(&v)));
/// # Ok::<(), nn_std::data::DataError>(())
/// ```
pub fn digits<F: Float>() -> Dataset<F, 64, usize> {
    parse_classification(DIGITS_CSV_GZ, &CsvOptions::default(), Some(10))
        .and_then(|ds| Ok(ds.with_class_names((0..10).map(|d| d.to_string()))?))
        .expect("the embedded digits.csv.gz is valid (checked by the tests)")
}
