//! SVG charts drawn on the server: no JavaScript, no CDN, printable, readable by screen
//! readers through their `<title>` elements. Each function returns a complete `<svg>`.

use std::fmt::Write;

pub mod chain;
pub mod map;

/// Escapes text for SVG/XML content and attributes.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PALETTE: [&str; 8] = [
    "#2f6fb0", "#e07b39", "#3a9a6b", "#c0504d", "#8064a2", "#4bacc6", "#9b8a3c", "#6d6d6d",
];

/// Formats a number compactly with thousands separators (no unit).
pub fn fmt_num(v: f64) -> String {
    let neg = v < 0.0;
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

/// A chart is drawn twice: for a page column and for a phone, where it is laid out again
/// (labels above their bars, legends under the plot) so that its text keeps its size instead
/// of shrinking with the picture. The stylesheet shows the one that fits.
fn both(wide: String, narrow: String) -> String {
    format!(r#"<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>"#)
}

/// The width of a phone's chart, in the units of its text (about one CSS pixel each).
const NARROW_W: f64 = 340.0;
/// The width of a chart in a page column (half of a laptop's page beside the menu), so that
/// its 13-unit text is drawn at 11 px or more there.
const WIDE_W: f64 = 460.0;

/// Characters of a label that fit in `px` at the chart's text size (CJK counts double).
fn fit(label: &str, px: f64) -> String {
    let mut used = 0.0;
    let mut out = String::new();
    for c in label.chars() {
        used += if c.is_ascii() { 7.5 } else { 13.5 };
        if used > px {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// The width of a label at the chart's text size, as [`fit`] counts it.
fn text_width(label: &str) -> f64 {
    label
        .chars()
        .map(|c| if c.is_ascii() { 7.5 } else { 13.5 })
        .sum()
}

/// The opening of a chart's `<svg>` of `w` × `h` units: its accessible title, and the title
/// drawn at the top, cut to the width.
fn open_chart(title: &str, w: f64, h: f64) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="17" class="chart-title">{short}</text>"#,
        t = esc(title),
        short = esc(&fit(title, w)),
    )
}

/// Horizontal bars, one per (label, value), longest first as given.
pub fn bar_chart(title: &str, items: &[(String, f64)]) -> String {
    both(bar_svg(title, items, false), bar_svg(title, items, true))
}

fn bar_svg(title: &str, items: &[(String, f64)], narrow: bool) -> String {
    // Wide: the label left of its bar. Narrow, or a label too long to stand beside its bar
    // ("A · Above designated size"): the label on a line of its own above the bar.
    let beside = 170.0;
    let stacked = narrow || items.iter().any(|(l, _)| text_width(l) > beside - 10.0);
    let w = if narrow { NARROW_W } else { WIDE_W };
    let (row, label_w, bar_w) = if stacked {
        (42.0, 0.0, w - 70.0)
    } else {
        (28.0, beside, w - 240.0)
    };
    let h = 34.0 + row * items.len().max(1) as f64;
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1e-9);
    let mut s = open_chart(title, w, h);
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 30.0 + row * i as f64;
        let bw = (v / max * bar_w).max(1.0);
        let (lx, ly, anchor, by) = if stacked {
            (0.0, y + 13.0, "start", y + 19.0)
        } else {
            (label_w - 8.0, y + 14.0, "end", y + 1.0)
        };
        let short = fit(label, if stacked { w } else { label_w - 10.0 });
        let _ = write!(
            s,
            r#"<g><title>{full}: {val}</title><text x="{lx}" y="{ly}" text-anchor="{anchor}" class="chart-label">{short}</text><rect x="{bx}" y="{by}" width="{bw:.1}" height="18" rx="2" fill="{c}"/><text x="{vx:.1}" y="{vy}" class="chart-value">{val}</text></g>"#,
            full = esc(label),
            short = esc(&short),
            bx = label_w,
            c = PALETTE[0],
            vx = label_w + bw + 6.0,
            vy = by + 14.0,
            val = fmt_num(*v),
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical columns over ordered bins (a histogram): one column per (label, value), in the
/// order given, the labels thinned where they would touch.
pub fn column_chart(title: &str, items: &[(String, f64)]) -> String {
    both(
        column_svg(title, items, false),
        column_svg(title, items, true),
    )
}

fn column_svg(title: &str, items: &[(String, f64)], narrow: bool) -> String {
    let w = if narrow { NARROW_W } else { WIDE_W };
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let ticks = nice_ticks(max, 3);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let left = y_axis_width(&ticks);
    let (top, plot_h) = (30.0, 150.0);
    let h = top + plot_h + 30.0;
    let plot_w = w - left - 8.0;
    let n = items.len().max(1);
    let slot = plot_w / n as f64;
    let mut s = open_chart(title, w, h);
    let y_at = |v: f64| top + plot_h * (1.0 - v / top_tick);
    y_grid(&mut s, &ticks, left, w - 8.0, y_at);
    let widest = items.iter().map(|(l, _)| text_width(l)).fold(0.0, f64::max) + 6.0;
    let every = ((widest / slot).ceil() as usize).max(1);
    for (i, (label, v)) in items.iter().enumerate() {
        let x = left + slot * i as f64;
        let y = y_at(*v);
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{c}"><title>{}: {}</title></rect>"#,
            x + slot * 0.1,
            slot * 0.8,
            (top + plot_h - y).max(0.0),
            esc(label),
            fmt_num(*v),
            c = PALETTE[0],
        );
        if i % every == 0 {
            let cx = x + slot / 2.0;
            let half = text_width(label) / 2.0;
            let anchor = if cx + half > w {
                "end"
            } else if cx - half < left {
                "start"
            } else {
                "middle"
            };
            let tx = match anchor {
                "end" => w - 2.0,
                "start" => x,
                _ => cx,
            };
            let _ = write!(
                s,
                r#"<text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" class="chart-axis">{}</text>"#,
                top + plot_h + 18.0,
                esc(label)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Axis ticks from 0 to at least `max` at a round step (1, 2, 2.5 or 5 times a power of
/// ten), about `n` of them: 0, 1,000,000, 2,000,000 rather than 0, 714,414, 1,428,829.
pub fn nice_ticks(max: f64, n: usize) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let k = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=k).map(|i| step * i as f64).collect()
}

/// Formats an axis tick: grouped, with the decimals a fractional step needs.
/// Room for the y axis's tick labels, left of the plot.
fn y_axis_width(ticks: &[f64]) -> f64 {
    12.0 + ticks
        .iter()
        .map(|t| text_width(&fmt_tick(*t)))
        .fold(0.0, f64::max)
}

/// A horizontal grid line at each tick from `left` to `right`, its value labelled at the
/// left.
fn y_grid(s: &mut String, ticks: &[f64], left: f64, right: f64, y_at: impl Fn(f64) -> f64) {
    for v in ticks {
        let y = y_at(*v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{right}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e6ea"/><text x="{tx}" y="{ty:.1}" text-anchor="end" class="chart-axis">{}</text>"##,
            fmt_tick(*v),
            tx = left - 6.0,
            ty = y + 4.0
        );
    }
}

fn fmt_tick(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        fmt_num(v)
    } else {
        format!("{v:.1}")
    }
}

/// One line per series over shared x labels (e.g. years). Missing points are skipped.
pub fn line_chart(
    title: &str,
    x_labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
) -> String {
    both(
        line_svg(title, x_labels, series, false),
        line_svg(title, x_labels, series, true),
    )
}

fn line_svg(
    title: &str,
    x_labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    narrow: bool,
) -> String {
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0_f64, |a, b| a.max(*b));
    let ticks = nice_ticks(max, if narrow { 3 } else { 4 });
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let left = y_axis_width(&ticks);
    let (w, plot_h, top) = if narrow {
        (NARROW_W, 150.0, 30.0)
    } else {
        (WIDE_W, 170.0, 30.0)
    };
    // The legend: entries side by side while they fit, then on the next row (on a phone,
    // one entry per row).
    let mut legend_at: Vec<(f64, usize)> = Vec::new();
    let (mut lx, mut lrow) = (0.0, 0usize);
    for (name, _) in series {
        let wide = 24.0 + text_width(name);
        if narrow || (lx > 0.0 && lx + wide > w) {
            if !legend_at.is_empty() {
                lrow += 1;
            }
            lx = 0.0;
        }
        legend_at.push((lx, lrow));
        lx += wide;
    }
    let legend_rows = lrow + 1;
    let bottom = 30.0 + 20.0 * legend_rows as f64;
    let h = top + plot_h + bottom;
    let plot_w = w - left - 24.0;
    let nx = x_labels.len().max(1);
    let x_at = |i: usize| {
        left + if nx == 1 {
            plot_w / 2.0
        } else {
            plot_w * i as f64 / (nx - 1) as f64
        }
    };
    let y_at = |v: f64| top + plot_h * (1.0 - v / top_tick);
    let mut s = open_chart(title, w, h);
    y_grid(&mut s, &ticks, left, w - 20.0, y_at);
    // Every k-th x label, so that neighbours never print over each other (twelve months on
    // a phone); the points keep their own labels in their tooltips.
    let widest = x_labels.iter().map(|l| text_width(l)).fold(0.0, f64::max) + 8.0;
    let gap = if nx > 1 {
        plot_w / (nx - 1) as f64
    } else {
        plot_w
    };
    let every = ((widest / gap).ceil() as usize).max(1);
    for (i, l) in x_labels.iter().enumerate() {
        if i % every != 0 && i + 1 != nx {
            continue;
        }
        if i + 1 == nx && i % every != 0 && gap * (i % every) as f64 <= widest {
            continue;
        }
        // A label too long to centre on its point near the right edge ("2025 · 194/361")
        // ends at the point instead of running out of the picture.
        let x = x_at(i);
        let half = text_width(l) / 2.0;
        let anchor = if x + half > w {
            "end"
        } else if x - half < 0.0 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" class="chart-axis">{}</text>"#,
            x,
            top + plot_h + 18.0,
            esc(l)
        );
    }
    for (si, (name, values)) in series.iter().enumerate() {
        let c = PALETTE[si % PALETTE.len()];
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x_at(i), y_at(v))))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{c}" stroke-width="2.5" points="{}"/>"#,
            pts.join(" ")
        );
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{c}"><title>{} {}: {}</title></circle>"#,
                    x_at(i),
                    y_at(*v),
                    esc(name),
                    esc(&x_labels[i]),
                    fmt_num(*v)
                );
            }
        }
        let (lx, row) = legend_at[si];
        let ly = top + plot_h + 44.0 + 20.0 * row as f64;
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="{c}"/><text x="{:.1}" y="{ly:.1}" class="chart-label">{}</text>"#,
            ly - 11.0,
            lx + 16.0,
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A donut of shares, with a legend giving counts and percentages.
pub fn donut_chart(title: &str, items: &[(String, f64)]) -> String {
    both(
        donut_svg(title, items, false),
        donut_svg(title, items, true),
    )
}

fn donut_svg(title: &str, items: &[(String, f64)], narrow: bool) -> String {
    let total: f64 = items.iter().map(|(_, v)| v).sum::<f64>().max(1e-9);
    let r = 70.0;
    let r_in = 42.0;
    // Wide: the legend right of the donut. Narrow: under it.
    let (w, h, cx, cy, legend_x, legend_y) = if narrow {
        (
            NARROW_W,
            210.0 + 38.0 * items.len() as f64,
            NARROW_W / 2.0,
            110.0,
            0.0,
            214.0,
        )
    } else {
        (
            WIDE_W,
            (60.0 + 38.0 * items.len() as f64).max(220.0),
            82.0,
            110.0,
            172.0,
            44.0,
        )
    };
    let mut s = open_chart(title, w, h);
    let mut a0: f64 = -std::f64::consts::FRAC_PI_2;
    for (i, (label, v)) in items.iter().enumerate() {
        let frac = v / total;
        let c = PALETTE[i % PALETTE.len()];
        if frac >= 0.9999 {
            let _ = write!(
                s,
                r#"<circle cx="{cx}" cy="{cy}" r="{:.1}" fill="none" stroke="{c}" stroke-width="{:.1}"/>"#,
                (r + r_in) / 2.0,
                r - r_in
            );
        } else if frac > 0.0 {
            let a1 = a0 + frac * std::f64::consts::TAU;
            let large = if frac > 0.5 { 1 } else { 0 };
            let (x0, y0, x1, y1) = (
                cx + r * a0.cos(),
                cy + r * a0.sin(),
                cx + r * a1.cos(),
                cy + r * a1.sin(),
            );
            let (x2, y2, x3, y3) = (
                cx + r_in * a1.cos(),
                cy + r_in * a1.sin(),
                cx + r_in * a0.cos(),
                cy + r_in * a0.sin(),
            );
            let _ = write!(
                s,
                r#"<path d="M{x0:.2},{y0:.2} A{r},{r} 0 {large} 1 {x1:.2},{y1:.2} L{x2:.2},{y2:.2} A{r_in},{r_in} 0 {large} 0 {x3:.2},{y3:.2} Z" fill="{c}"><title>{}: {}</title></path>"#,
                esc(label),
                fmt_num(*v)
            );
            a0 = a1;
        }
        // The label on one line, the count and share under it: neither is cut.
        let ly = legend_y + 38.0 * i as f64;
        let _ = write!(
            s,
            r#"<rect x="{legend_x}" y="{:.1}" width="12" height="12" fill="{c}"/><text x="{:.1}" y="{ly:.1}" class="chart-label">{}</text><text x="{:.1}" y="{:.1}" class="chart-value">{} ({:.1}%)</text>"#,
            ly - 11.0,
            legend_x + 18.0,
            esc(&fit(label, w - legend_x - 18.0)),
            legend_x + 18.0,
            ly + 16.0,
            fmt_num(*v),
            frac * 100.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(fmt_num(1234567.0), "1,234,567");
        assert_eq!(fmt_num(-999.0), "-999");
        assert_eq!(fmt_num(0.4), "0");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(2_857_658.0, 4), [0.0, 1e6, 2e6, 3e6]);
        assert_eq!(nice_ticks(30.0, 4), [0.0, 10.0, 20.0, 30.0]);
        assert_eq!(nice_ticks(0.0, 4), [0.0, 1.0]);
        assert_eq!(nice_ticks(9.0, 4), [0.0, 2.5, 5.0, 7.5, 10.0]);
    }

    #[test]
    fn labels_fit_and_crowded_axes_are_thinned() {
        assert_eq!(fit("A · Above design", 60.0), "A · Abo…");
        assert_eq!(fit("短", 60.0), "短");
        let months: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
        let svg = line_svg("t", &months, &[("s".into(), vec![Some(1.0); 12])], true);
        let shown = months
            .iter()
            .filter(|m| svg.contains(&format!(">{m}<")))
            .count();
        assert!(
            (2..12).contains(&shown),
            "{shown} of 12 month labels on a phone"
        );
    }

    #[test]
    fn charts_escape_and_snapshot() {
        let bar = bar_chart(
            "行业 <A&B>",
            &[("制造业".into(), 10.0), ("信息".into(), 5.0)],
        );
        assert!(bar.contains("行业 &lt;A&amp;B&gt;"));
        insta::assert_snapshot!("bar", bar);
        let line = line_chart(
            "营收",
            &["2023".into(), "2024".into()],
            &[("营业收入".into(), vec![Some(1.0), None])],
        );
        assert_eq!(
            line.matches("<circle").count(),
            2,
            "a missing point draws nothing (one point in each of the two layouts)"
        );
        let donut = donut_chart("规模", &[("小型".into(), 3.0), ("中型".into(), 1.0)]);
        assert!(donut.contains("75.0%"));
        insta::assert_snapshot!("donut", donut);
    }
}
