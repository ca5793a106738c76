//! A small SVG writer for the training curves: loss on the left, accuracy on
//! the right, training and validation lines in each.
//!
//! Hand-written (about a hundred lines) rather than `plotters`: two panels of
//! polylines with axes need no font handling or drawing backend, and the
//! output is plain, diff-able, deterministic text with no extra dependency.
//!
//! ```
//! use nn_std::history::{EpochRecord, History};
//! let mut h = History::default();
//! for e in 1..=3 {
//!     h.records.push(EpochRecord {
//!         epoch: e, train_loss: 1.0 / e as f64, train_accuracy: Some(0.5 + 0.1 * e as f64),
//!         val_loss: Some(1.2 / e as f64), val_accuracy: Some(0.45 + 0.1 * e as f64),
//!         lr: 1e-3, seconds: 0.1,
//!     });
//! }
//! let svg = nn_std::history::plot::curves_svg(&h);
//! assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
//! assert_eq!(svg.matches("<polyline").count(), 4);
//! ```

use std::fmt::Write as _;

use super::{EpochRecord, History};

const PANEL_W: f64 = 420.0;
const PANEL_H: f64 = 300.0;
const MARGIN_L: f64 = 60.0;
const MARGIN_T: f64 = 40.0;
const MARGIN_B: f64 = 45.0;
const GAP: f64 = 90.0;
const TRAIN_COLOR: &str = "#1f77b4";
const VAL_COLOR: &str = "#ff7f0e";

/// One line of a panel: its name, colour and `(epoch, value)` points.
struct Series<'a> {
    name: &'a str,
    color: &'a str,
    points: Vec<(f64, f64)>,
}

/// The SVG document of `history`'s loss and accuracy curves (an accuracy
/// panel only when the history has accuracies), the held-out figures
/// labelled "validation".
pub fn curves_svg(history: &History) -> String {
    curves_svg_labelled(history, "validation")
}

/// [`curves_svg`] with another name for the held-out line (for example
/// "test" when the held-out set is only watched).
pub fn curves_svg_labelled(history: &History, held_out: &str) -> String {
    let pick = |f: &dyn Fn(&EpochRecord) -> Option<f64>| -> Vec<(f64, f64)> {
        history
            .records
            .iter()
            .filter_map(|r| f(r).filter(|v| v.is_finite()).map(|v| (r.epoch as f64, v)))
            .collect()
    };
    let loss = [
        Series {
            name: "train",
            color: TRAIN_COLOR,
            points: pick(&|r| Some(r.train_loss)),
        },
        Series {
            name: held_out,
            color: VAL_COLOR,
            points: pick(&|r| r.val_loss),
        },
    ];
    let accuracy = [
        Series {
            name: "train",
            color: TRAIN_COLOR,
            points: pick(&|r| r.train_accuracy),
        },
        Series {
            name: held_out,
            color: VAL_COLOR,
            points: pick(&|r| r.val_accuracy),
        },
    ];
    let has_acc = accuracy.iter().any(|s| !s.points.is_empty());
    let panels = if has_acc { 2.0 } else { 1.0 };
    let width = MARGIN_L + panels * PANEL_W + (panels - 1.0) * GAP + 30.0;
    let height = MARGIN_T + PANEL_H + MARGIN_B;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        svg,
        r#"<rect width="{width}" height="{height}" fill="white"/>"#
    );
    panel(&mut svg, MARGIN_L, "loss", &loss, None, false);
    if has_acc {
        // From a multiple of 0.05 below the lowest accuracy up to 1.
        let lowest = accuracy
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(1.0, f64::min);
        let lo = ((lowest * 20.0).floor() / 20.0).clamp(0.0, 0.95);
        panel(
            &mut svg,
            MARGIN_L + PANEL_W + GAP,
            "accuracy",
            &accuracy,
            Some((lo, 1.0)),
            true,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Draws one panel whose plotting area starts at `x0`, with the legend in
/// the top or bottom right corner.
fn panel(
    svg: &mut String,
    x0: f64,
    title: &str,
    series: &[Series],
    fixed: Option<(f64, f64)>,
    legend_bottom: bool,
) {
    let all = || series.iter().flat_map(|s| s.points.iter());
    let max_epoch = all().map(|p| p.0).fold(1.0, f64::max);
    let (lo, hi) = fixed.unwrap_or_else(|| {
        let lo = all().map(|p| p.1).fold(f64::INFINITY, f64::min).min(0.0);
        let hi = all().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        (lo, if hi > lo { hi * 1.05 } else { lo + 1.0 })
    });
    let x = |e: f64| {
        x0 + if max_epoch > 1.0 {
            (e - 1.0) / (max_epoch - 1.0)
        } else {
            0.5
        } * PANEL_W
    };
    let y = |v: f64| MARGIN_T + (1.0 - (v - lo) / (hi - lo)) * PANEL_H;
    let (bottom, right) = (MARGIN_T + PANEL_H, x0 + PANEL_W);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle" font-size="14">{title}</text>"#,
        x0 + PANEL_W / 2.0,
        MARGIN_T - 15.0
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{x0}" y="{MARGIN_T}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#444"/>"##
    );
    for i in 0..=4 {
        let v = lo + (hi - lo) * f64::from(i) / 4.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{x0}" y1="{yy:.1}" x2="{right}" y2="{yy:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{v:.3}</text>"##,
            x0 - 6.0,
            y(v) + 4.0,
            yy = y(v)
        );
    }
    let step = (max_epoch / 5.0).ceil().max(1.0);
    let mut e = 1.0;
    while e <= max_epoch {
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{e}</text>"#,
            x(e),
            bottom + 16.0
        );
        e += step;
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">epoch</text>"#,
        x0 + PANEL_W / 2.0,
        bottom + 36.0
    );
    for (k, s) in series.iter().filter(|s| !s.points.is_empty()).enumerate() {
        let pts: Vec<String> = s
            .points
            .iter()
            .map(|&(e, v)| format!("{:.1},{:.1}", x(e), y(v)))
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            s.color,
            pts.join(" ")
        );
        let ly = if legend_bottom {
            MARGIN_T + PANEL_H - 32.0 + 16.0 * k as f64
        } else {
            MARGIN_T + 16.0 + 16.0 * k as f64
        };
        let _ = writeln!(
            svg,
            r#"<line x1="{}" y1="{ly}" x2="{}" y2="{ly}" stroke="{}" stroke-width="2"/><text x="{}" y="{}">{}</text>"#,
            right - 110.0,
            right - 90.0,
            s.color,
            right - 85.0,
            ly + 4.0,
            s.name
        );
    }
}
