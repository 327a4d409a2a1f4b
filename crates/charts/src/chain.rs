//! The chain diagram: nodes in three columns, upstream → midstream → downstream, each box
//! coloured by status with its count of confirmed enterprises; "supplies" edges as curves
//! from one box to another; each box links to the node's page.

use crate::{NARROW_W, both, esc, fit};
use std::collections::HashMap;
use std::fmt::Write;

pub struct Box {
    pub id: String,
    pub label: String,
    /// The figure shown in the box (confirmed enterprises).
    pub count: usize,
    /// Status key, added as a CSS class (`status-missing`, …).
    pub status: String,
    pub fill: String,
    pub href: String,
}

const COL_W: f64 = 250.0;
const BOX_W: f64 = 200.0;
const BOX_H: f64 = 40.0;
const GAP: f64 = 14.0;
const TOP: f64 = 40.0;

/// `columns`: (heading, boxes) left to right; `edges`: (from id, to id).
pub fn chain_diagram(
    title: &str,
    columns: &[(String, Vec<Box>)],
    edges: &[(String, String)],
) -> String {
    both(wide(title, columns, edges), narrow(title, columns))
}

/// On a phone the columns follow one another, each box the width of the screen; the
/// "supplies" edges are left to the table under the diagram.
fn narrow(title: &str, columns: &[(String, Vec<Box>)]) -> String {
    let row = BOX_H + 8.0;
    let mut y = 0.0;
    let mut body = String::new();
    for (heading, boxes) in columns {
        y += 28.0;
        let _ = write!(
            body,
            r#"<text x="0" y="{y:.1}" class="chain-heading">{}</text>"#,
            esc(heading)
        );
        y += 10.0;
        for b in boxes {
            let _ = write!(
                body,
                r##"<a href="{h}" class="chain-node status-{st}"><title>{l}: {n}</title><rect x="0" y="{y:.1}" width="{NARROW_W}" height="{BOX_H}" rx="6" fill="{f}" stroke="#ffffff"/><text x="10" y="{ty:.1}" class="chain-label">{short}</text><text x="{cx:.1}" y="{ty:.1}" text-anchor="end" class="chain-count">{n}</text></a>"##,
                h = esc(&b.href),
                st = esc(&b.status),
                l = esc(&b.label),
                n = b.count,
                f = esc(&b.fill),
                ty = y + BOX_H / 2.0 + 5.0,
                cx = NARROW_W - 10.0,
                short = esc(&fit(&b.label, NARROW_W - 60.0)),
            );
            y += row;
        }
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chain-diagram" viewBox="0 0 {NARROW_W} {h:.0}" role="img" aria-label="{t}"><title>{t}</title>{body}</svg>"#,
        h = y + 4.0,
        t = esc(title)
    )
}

fn wide(title: &str, columns: &[(String, Vec<Box>)], edges: &[(String, String)]) -> String {
    let rows = columns
        .iter()
        .map(|(_, b)| b.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let w = COL_W * columns.len().max(1) as f64;
    let h = TOP + rows as f64 * (BOX_H + GAP) + GAP;
    let mut pos: HashMap<&str, (f64, f64)> = HashMap::new();
    for (c, (_, boxes)) in columns.iter().enumerate() {
        for (r, b) in boxes.iter().enumerate() {
            pos.insert(
                b.id.as_str(),
                (
                    c as f64 * COL_W + (COL_W - BOX_W) / 2.0,
                    TOP + r as f64 * (BOX_H + GAP),
                ),
            );
        }
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chain-diagram" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa5b1"/></marker></defs>"##,
        t = esc(title)
    );
    for (c, (heading, _)) in columns.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="22" text-anchor="middle" class="chain-heading">{}</text>"#,
            c as f64 * COL_W + COL_W / 2.0,
            esc(heading)
        );
    }
    for (from, to) in edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(from.as_str()), pos.get(to.as_str()))
        else {
            continue;
        };
        let (sx, sy) = (x1 + BOX_W, y1 + BOX_H / 2.0);
        let (ex, ey) = if x2 > x1 {
            (x2, y2 + BOX_H / 2.0)
        } else {
            (x2 + BOX_W / 2.0, y2 + if y2 > y1 { 0.0 } else { BOX_H })
        };
        let mid = (sx + ex) / 2.0;
        let _ = write!(
            s,
            r##"<path class="chain-edge" d="M{sx:.1},{sy:.1} C{mid:.1},{sy:.1} {mid:.1},{ey:.1} {ex:.1},{ey:.1}" fill="none" stroke="#c3cad2" stroke-width="1.2" marker-end="url(#arrow)"/>"##
        );
    }
    for (_, boxes) in columns {
        for b in boxes {
            let (x, y) = pos[b.id.as_str()];
            let short = fit(&b.label, BOX_W - 40.0);
            let _ = write!(
                s,
                r##"<a href="{h}" class="chain-node status-{st}" id="node-{id}"><title>{l}: {n}</title><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{f}" stroke="#ffffff"/><text x="{tx:.1}" y="{ty:.1}" class="chain-label">{short}</text><text x="{cx:.1}" y="{ty:.1}" text-anchor="end" class="chain-count">{n}</text></a>"##,
                h = esc(&b.href),
                st = esc(&b.status),
                id = esc(&b.id),
                l = esc(&b.label),
                n = b.count,
                f = esc(&b.fill),
                tx = x + 10.0,
                ty = y + BOX_H / 2.0 + 5.0,
                cx = x + BOX_W - 10.0,
                short = esc(&short),
            );
        }
    }
    s.push_str("</svg>");
    s
}
