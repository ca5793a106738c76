//! The CSV loader: layouts, targets, files, and every bad-data case with its
//! line and column.

#[path = "support/gzip.rs"]
mod support;

use nn_std::data::csv::{
    CsvError, CsvErrorKind, CsvOptions, TargetColumn, parse_classification, parse_regression,
    read_classification, read_regression,
};
use nn_std::data::gzip::MAX_INFLATED_BYTES;
use nn_std::data::{DataError, MAX_CLASSES};
use support::{bomb, gzip};

fn opts(header: bool, target: TargetColumn) -> CsvOptions {
    CsvOptions {
        header,
        target,
        ..CsvOptions::default()
    }
}

/// The (line, column, kind) of a parse error.
fn parse_err(e: CsvError) -> (usize, usize, CsvErrorKind) {
    match e {
        CsvError::Parse { line, column, kind } => (line, column, kind),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn target_in_last_first_and_middle_column() {
    let last =
        parse_classification::<f32, 2>(b"1,2,0\n3,4,1\n", &CsvOptions::default(), None).unwrap();
    assert_eq!(last.features(), &[[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(last.targets(), &[0, 1]);
    let first =
        parse_classification::<f32, 2>(b"0,1,2\n1,3,4\n", &opts(false, TargetColumn::First), None)
            .unwrap();
    assert_eq!(first, last);
    let middle = parse_classification::<f32, 2>(
        b"1,0,2\n3,1,4\n",
        &opts(false, TargetColumn::Index(1)),
        None,
    )
    .unwrap();
    assert_eq!(middle, last);
}

#[test]
fn header_crlf_blank_lines_spaces_quotes_and_bom() {
    let text = "\u{feff}a;b;label\r\n 1.5 ;\"2e-1\";2\r\n\r\n-3; 4 ;\" 0 \"\r\n\n";
    let o = CsvOptions {
        header: true,
        delimiter: b';',
        target: TargetColumn::Last,
    };
    let ds = parse_classification::<f64, 2>(text.as_bytes(), &o, Some(4)).unwrap();
    assert_eq!(ds.features(), &[[1.5, 0.2], [-3.0, 4.0]]);
    assert_eq!(ds.targets(), &[2, 0]);
    assert_eq!(ds.classes(), 4);
    // Without the header flag, the header line is a bad number.
    let e =
        parse_classification::<f64, 2>(text.as_bytes(), &CsvOptions { header: false, ..o }, None)
            .unwrap_err();
    assert_eq!(
        parse_err(e),
        (1, 1, CsvErrorKind::BadNumber { text: "a".into() })
    );
}

#[test]
fn numeric_targets_of_width_m() {
    let o = opts(true, TargetColumn::Index(1));
    let ds = parse_regression::<f64, 2, 2>(b"x,t1,t2,y\n1,10,20,2\n3,30,40,4\n", &o).unwrap();
    assert_eq!(ds.features(), &[[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(ds.targets(), &[[10.0, 20.0], [30.0, 40.0]]);
    // A bad target value names its column.
    let e = parse_regression::<f64, 2, 2>(b"x,t1,t2,y\n1,10,oops,2\n", &o).unwrap_err();
    assert_eq!(
        parse_err(e),
        (
            2,
            3,
            CsvErrorKind::BadNumber {
                text: "oops".into()
            }
        )
    );
    let e = parse_regression::<f64, 2, 2>(b"1,10,inf,2\n", &opts(false, TargetColumn::Index(1)))
        .unwrap_err();
    assert_eq!(
        parse_err(e),
        (1, 3, CsvErrorKind::NonFinite { text: "inf".into() })
    );
}

#[test]
fn bad_values_name_line_and_column() {
    let o = CsvOptions::default();
    let e = parse_classification::<f32, 3>(b"1,2,3,0\n4,5,x6,1\n", &o, None).unwrap_err();
    assert_eq!(
        parse_err(e),
        (2, 3, CsvErrorKind::BadNumber { text: "x6".into() })
    );
    let e = parse_classification::<f32, 3>(b"1,2,3,0\n4,,6,1\n", &o, None).unwrap_err();
    assert_eq!(
        parse_err(e),
        (2, 2, CsvErrorKind::BadNumber { text: "".into() })
    );
    for bad in ["nan", "NaN", "inf", "-inf", "1e39"] {
        // 1e39 is finite in f64 but overflows f32.
        let text = format!("1,2,3,0\n4,5,6,1\n7,{bad},9,0\n");
        let e = parse_classification::<f32, 3>(text.as_bytes(), &o, None).unwrap_err();
        assert_eq!(
            parse_err(e),
            (3, 2, CsvErrorKind::NonFinite { text: bad.into() })
        );
    }
    // 1e39 is fine for f64.
    assert!(parse_classification::<f64, 3>(b"1,1e39,3,0\n", &o, None).is_ok());
}

#[test]
fn wrong_field_counts_name_line_and_column() {
    let o = CsvOptions::default();
    let e = parse_classification::<f32, 2>(b"1,2,0\n1,2\n", &o, None).unwrap_err();
    assert_eq!(
        parse_err(e),
        (
            2,
            3,
            CsvErrorKind::FieldCount {
                expected: 3,
                found: 2
            }
        )
    );
    let e = parse_classification::<f32, 2>(b"1,2,0\n1,2,0\n1,2,0,5\n", &o, None).unwrap_err();
    assert_eq!(
        parse_err(e),
        (
            3,
            4,
            CsvErrorKind::FieldCount {
                expected: 3,
                found: 4
            }
        )
    );
    let e = parse_classification::<f32, 2>(b"1;2;0\n", &o, None).unwrap_err();
    assert_eq!(
        parse_err(e),
        (
            1,
            2,
            CsvErrorKind::FieldCount {
                expected: 3,
                found: 1
            }
        )
    );
    assert!(
        e_display(parse_classification::<f32, 2>(b"1,2\n", &o, None).unwrap_err())
            .contains("line 1, column 3: expected 3 fields, found 2")
    );
}

fn e_display(e: CsvError) -> String {
    e.to_string()
}

#[test]
fn bad_labels() {
    let o = CsvOptions::default();
    for bad in ["-1", "1.5", "x", "nan", ""] {
        let text = format!("1,0\n2,{bad}\n");
        let e = parse_classification::<f32, 1>(text.as_bytes(), &o, None).unwrap_err();
        assert_eq!(
            parse_err(e),
            (2, 2, CsvErrorKind::BadLabel { text: bad.into() })
        );
    }
    // Integral floats are accepted as labels.
    assert_eq!(
        parse_classification::<f32, 1>(b"1,2.0\n", &o, None)
            .unwrap()
            .targets(),
        &[2]
    );
    // Label outside the given class range.
    let e = parse_classification::<f32, 1>(b"1,0\n2,1\n3,3\n", &o, Some(3)).unwrap_err();
    assert_eq!(
        parse_err(e),
        (
            3,
            2,
            CsvErrorKind::LabelOutOfRange {
                label: 3,
                classes: 3
            }
        )
    );
    assert!(matches!(
        parse_classification::<f32, 1>(b"1,0\n", &o, Some(0)),
        Err(CsvError::Data(DataError::NoClasses))
    ));
}

#[test]
fn empty_inputs_are_refused() {
    let o = opts(true, TargetColumn::Last);
    for text in [&b""[..], b"a,b\n", b"a,b\n\n\r\n"] {
        assert!(matches!(
            parse_classification::<f32, 1>(text, &o, None),
            Err(CsvError::Data(DataError::Empty))
        ));
    }
    assert!(matches!(
        parse_regression::<f32, 1, 1>(b"", &CsvOptions::default()),
        Err(CsvError::Data(DataError::Empty))
    ));
}

#[test]
fn not_utf8_names_the_line_and_byte() {
    let e =
        parse_classification::<f32, 1>(b"1,0\n2,\xff\n", &CsvOptions::default(), None).unwrap_err();
    assert_eq!(parse_err(e), (2, 3, CsvErrorKind::NotUtf8));
}

#[test]
fn bad_options_are_refused() {
    let e = parse_classification::<f32, 2>(b"1,2,0\n", &opts(false, TargetColumn::Index(3)), None);
    assert!(matches!(
        e,
        Err(CsvError::Data(DataError::InvalidParameter {
            name: "target",
            ..
        }))
    ));
    for delimiter in [b'\n', b'"', 0xC3] {
        let o = CsvOptions {
            delimiter,
            ..CsvOptions::default()
        };
        assert!(matches!(
            parse_classification::<f32, 2>(b"1,2,0\n", &o, None),
            Err(CsvError::Data(DataError::InvalidParameter {
                name: "delimiter",
                ..
            }))
        ));
    }
}

#[test]
fn gzip_input_and_files() {
    let text = b"1,2,1\n3,4,0\n";
    let plain = parse_classification::<f32, 2>(text, &CsvOptions::default(), None).unwrap();
    let zipped = parse_classification::<f32, 2>(&gzip(text), &CsvOptions::default(), None).unwrap();
    assert_eq!(plain, zipped);
    // A corrupt gzip stream is an I/O error, not a panic.
    let mut bad = gzip(text);
    bad.truncate(bad.len() - 12);
    assert!(matches!(
        parse_classification::<f32, 2>(&bad, &CsvOptions::default(), None),
        Err(CsvError::Io(_))
    ));

    let dir = std::env::temp_dir().join(format!("nn-std-csv-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("d.csv.gz");
    std::fs::write(&p, gzip(text)).unwrap();
    assert_eq!(
        read_classification::<f32, 2>(&p, &CsvOptions::default(), None).unwrap(),
        plain
    );
    let p2 = dir.join("r.csv");
    std::fs::write(&p2, text).unwrap();
    let r = read_regression::<f32, 2, 1>(&p2, &CsvOptions::default()).unwrap();
    assert_eq!(r.targets(), &[[1.0], [0.0]]);
    let missing =
        read_classification::<f32, 2>(dir.join("missing.csv"), &CsvOptions::default(), None);
    assert!(matches!(missing, Err(CsvError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 12 item 2: a two-line CSV with `classes: None` and a label of
/// 1,000,000 made a data set of 1,000,001 classes, and a later
/// `class_counts` or split allocated by that count; `u64::MAX` overflowed
/// `max + 1`.
#[test]
fn inferred_class_count_is_bounded() {
    let o = CsvOptions::default();
    for label in [1_000_000u64, u64::MAX, MAX_CLASSES as u64] {
        let text = format!("0.5,0\n1.5,{label}\n");
        let e = parse_classification::<f32, 1>(text.as_bytes(), &o, None).unwrap_err();
        assert_eq!(
            parse_err(e),
            (
                2,
                2,
                CsvErrorKind::TooManyClasses {
                    label: label as usize
                }
            ),
            "label {label}"
        );
    }
    // The largest label allowed makes exactly the limit.
    let text = format!("0.5,0\n1.5,{}\n", MAX_CLASSES - 1);
    let ds = parse_classification::<f32, 1>(text.as_bytes(), &o, None).unwrap();
    assert_eq!(ds.class_counts().len(), MAX_CLASSES);
    // A number of classes given above the limit is refused before parsing.
    let e = parse_classification::<f32, 1>(b"0.5,0\n", &o, Some(MAX_CLASSES + 1)).unwrap_err();
    assert!(matches!(
        e,
        CsvError::Data(DataError::TooManyClasses { classes }) if classes == MAX_CLASSES + 1
    ));
}

/// Issue 12 item 3: a 2 MB gzip file inflated to 2.2 GB before anything was
/// checked. Now the stream stops at `MAX_INFLATED_BYTES`.
#[test]
fn gzip_bomb_stops_at_the_inflation_limit() {
    let mib = (MAX_INFLATED_BYTES >> 20) as usize + 1;
    let z = bomb(b"1,2,0\n", b'0', mib);
    assert!(z.len() < 1 << 20, "{} bytes", z.len());
    let e = parse_classification::<f32, 2>(&z, &CsvOptions::default(), None).unwrap_err();
    match e {
        CsvError::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
            assert!(
                e.to_string().contains(&MAX_INFLATED_BYTES.to_string()),
                "{e}"
            );
        }
        other => panic!("expected the inflation limit, got {other:?}"),
    }
}
