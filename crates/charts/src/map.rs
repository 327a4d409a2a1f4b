//! The zone map: parks and plots drawn from their GeoJSON rings as SVG paths. No basemap and
//! no tiles, so it works offline and prints. Longitude is scaled by the cosine of the middle
//! latitude, which keeps shapes true at the scale of a zone.

use crate::esc;
use std::fmt::Write;

/// One shape on the map.
pub struct Shape {
    /// Rings of (longitude, latitude); holes are drawn with the even-odd rule.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// The element id (for links and tests), e.g. `plot-12`.
    pub id: String,
    /// Shown on hover and read by screen readers.
    pub label: String,
    /// The status key, added as a CSS class (`status-idle`, …).
    pub status: String,
    pub fill: String,
    pub href: Option<String>,
}

const WIDTH: f64 = 900.0;

/// Draws parks (outlines with their names) and plots (filled by status); `focus` is the
/// extent (min lon, min lat, max lon, max lat) to show, else everything; `highlight` is the
/// id of a shape to outline.
pub fn zone_map(
    title: &str,
    parks: &[Shape],
    plots: &[Shape],
    focus: Option<(f64, f64, f64, f64)>,
    highlight: Option<&str>,
) -> String {
    let all = parks
        .iter()
        .chain(plots)
        .flat_map(|s| s.rings.iter().flatten());
    let extent = focus.or_else(|| {
        all.fold(None, |e: Option<(f64, f64, f64, f64)>, &(x, y)| {
            Some(match e {
                None => (x, y, x, y),
                Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
            })
        })
    });
    let Some((min_lon, min_lat, max_lon, max_lat)) = extent else {
        return format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="zone-map" viewBox="0 0 {WIDTH} 60" role="img" aria-label="{t}"><title>{t}</title></svg>"#,
            t = esc(title)
        );
    };
    let cos = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let (span_x, span_y) = (
        ((max_lon - min_lon) * cos).max(1e-6),
        (max_lat - min_lat).max(1e-6),
    );
    let pad = 0.04;
    let scale = WIDTH / (span_x * (1.0 + 2.0 * pad));
    let height = (span_y * (1.0 + 2.0 * pad) * scale).clamp(200.0, 1400.0);
    let x = |lon: f64| (lon - min_lon) * cos * scale + WIDTH * pad / (1.0 + 2.0 * pad);
    let y = |lat: f64| (max_lat - lat) * scale + span_y * pad * scale;
    let path = |s: &Shape| {
        let mut d = String::new();
        for ring in &s.rings {
            for (i, &(lon, lat)) in ring.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { "L" },
                    x(lon),
                    y(lat)
                );
            }
            d.push('Z');
        }
        d
    };
    // The box is a size container: the stylesheet sets the park names larger as the map is
    // drawn smaller, so that they stay readable in a side column and on a phone.
    let mut s = String::from(r#"<div class="map-box">"#);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="zone-map" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = esc(title)
    );
    for p in parks {
        let _ = write!(
            s,
            r##"<g class="park" id="{id}">{open}<path d="{d}" fill="#f4f6f8" stroke="#7a8794" stroke-width="1.5" fill-rule="evenodd"><title>{l}</title></path>{close}</g>"##,
            id = esc(&p.id),
            d = path(p),
            l = esc(&p.label),
            open = p
                .href
                .as_ref()
                .map(|h| format!(r#"<a href="{}">"#, esc(h)))
                .unwrap_or_default(),
            close = if p.href.is_some() { "</a>" } else { "" },
        );
    }
    for p in plots {
        let hl = highlight == Some(p.id.as_str());
        let _ = write!(
            s,
            r##"<a href="{h}" class="plot status-{st}{hc}" id="{id}"><path d="{d}" fill="{f}" stroke="{sc}" stroke-width="{sw}" fill-rule="evenodd"><title>{l}</title></path></a>"##,
            h = esc(p.href.as_deref().unwrap_or("#")),
            st = esc(&p.status),
            hc = if hl { " highlight" } else { "" },
            id = esc(&p.id),
            d = path(p),
            f = esc(&p.fill),
            sc = if hl { "#111" } else { "#ffffff" },
            sw = if hl { 3 } else { 1 },
            l = esc(&p.label),
        );
    }
    // Park names last, above the plots.
    for p in parks {
        let pts: Vec<&(f64, f64)> = p.rings.iter().flatten().collect();
        if pts.is_empty() {
            continue;
        }
        let top = pts.iter().map(|q| q.1).fold(f64::MIN, f64::max);
        let cx = pts.iter().map(|q| q.0).sum::<f64>() / pts.len() as f64;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="map-label">{}</text>"#,
            x(cx),
            (y(top) - 6.0).max(14.0),
            esc(&p.label)
        );
    }
    s.push_str("</svg></div>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plots_link_to_their_cards_and_the_highlight_is_outlined() {
        let sq = |x: f64| {
            vec![vec![
                (x, 30.0),
                (x + 0.01, 30.0),
                (x + 0.01, 30.01),
                (x, 30.01),
                (x, 30.0),
            ]]
        };
        let svg = zone_map(
            "map",
            &[Shape {
                rings: sq(104.0),
                id: "park-1".into(),
                label: "A & B".into(),
                status: String::new(),
                fill: String::new(),
                href: None,
            }],
            &[Shape {
                rings: sq(104.002),
                id: "plot-7".into(),
                label: "P-7".into(),
                status: "idle".into(),
                fill: "#c0504d".into(),
                href: Some("/plots/7".into()),
            }],
            None,
            Some("plot-7"),
        );
        assert!(
            svg.contains(r#"<a href="/plots/7" class="plot status-idle highlight" id="plot-7">"#)
        );
        assert!(svg.contains("A &amp; B"));
        assert!(svg.starts_with(r#"<div class="map-box"><svg"#) && svg.ends_with("</svg></div>"));
    }
}
