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

/// Horizontal bars, one per (label, value), longest first as given.
pub fn bar_chart(title: &str, items: &[(String, f64)]) -> String {
    let row = 26.0;
    let label_w = 190.0;
    let bar_w = 300.0;
    let h = 30.0 + row * items.len().max(1) as f64;
    let max = items.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1e-9);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        w = label_w + bar_w + 90.0,
        t = esc(title)
    );
    let _ = write!(
        s,
        r#"<text x="0" y="16" class="chart-title">{}</text>"#,
        esc(title)
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 28.0 + row * i as f64;
        let w = (v / max * bar_w).max(1.0);
        let short: String = label.chars().take(14).collect();
        let _ = write!(
            s,
            r#"<g><title>{full}: {val}</title><text x="{lx}" y="{ty}" text-anchor="end" class="chart-label">{short}</text><rect x="{bx}" y="{y}" width="{w:.1}" height="18" rx="2" fill="{c}"/><text x="{vx:.1}" y="{ty}" class="chart-value">{val}</text></g>"#,
            full = esc(label),
            short = esc(&short),
            lx = label_w - 8.0,
            ty = y + 13.0,
            bx = label_w,
            c = PALETTE[0],
            vx = label_w + w + 6.0,
            val = fmt_num(*v),
        );
    }
    s.push_str("</svg>");
    s
}

/// One line per series over shared x labels (e.g. years). Missing points are skipped.
/// The width of one character of an axis label, generously (CJK at the axis font size).
const AXIS_CHAR_PX: f64 = 7.0;

pub fn line_chart(
    title: &str,
    x_labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
) -> String {
    let (w, h, left, top, bottom) = (560.0, 260.0, 70.0, 30.0, 50.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - top - bottom;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0_f64, |a, b| a.max(*b))
        .max(1e-9);
    let nx = x_labels.len().max(1);
    let x_at = |i: usize| {
        left + if nx == 1 {
            plot_w / 2.0
        } else {
            plot_w * i as f64 / (nx - 1) as f64
        }
    };
    let y_at = |v: f64| top + plot_h * (1.0 - v / max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="16" class="chart-title">{t}</text>"#,
        t = esc(title)
    );
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let y = y_at(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#e3e6ea"/><text x="{tx}" y="{ty:.1}" text-anchor="end" class="chart-axis">{}</text>"##,
            fmt_num(v),
            x2 = w - 20.0,
            tx = left - 6.0,
            ty = y + 4.0
        );
    }
    for (i, l) in x_labels.iter().enumerate() {
        // A label too long to centre on its point near the right edge ("2025 · 194/361")
        // ends at the point instead of running out of the picture.
        let x = x_at(i);
        let half_width = l.chars().count() as f64 * AXIS_CHAR_PX / 2.0;
        let anchor = if x + half_width > w { "end" } else { "middle" };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" class="chart-axis">{}</text>"#,
            x,
            h - bottom + 18.0,
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
        let lx = left + 140.0 * si as f64;
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="{c}"/><text x="{:.1}" y="{:.1}" class="chart-label">{}</text>"#,
            h - 18.0,
            lx + 16.0,
            h - 8.0,
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A donut of shares, with a legend giving counts and percentages.
pub fn donut_chart(title: &str, items: &[(String, f64)]) -> String {
    let total: f64 = items.iter().map(|(_, v)| v).sum::<f64>().max(1e-9);
    let (cx, cy, r, r_in) = (90.0, 110.0, 70.0, 42.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 420 220" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="16" class="chart-title">{t}</text>"#,
        t = esc(title)
    );
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
        let ly = 40.0 + 22.0 * i as f64;
        let _ = write!(
            s,
            r#"<rect x="190" y="{:.1}" width="12" height="12" fill="{c}"/><text x="208" y="{ly:.1}" class="chart-label">{} — {} ({:.1}%)</text>"#,
            ly - 10.0,
            esc(label),
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
            1,
            "a missing point draws nothing"
        );
        let donut = donut_chart("规模", &[("小型".into(), 3.0), ("中型".into(), 1.0)]);
        assert!(donut.contains("75.0%"));
        insta::assert_snapshot!("donut", donut);
    }
}
