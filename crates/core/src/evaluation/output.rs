//! The output rows of file mode (docs/per-mu-default.md, "Output of file mode"): one row per
//! input row, in input order.

use super::engine::{Class, Evaluation, Outcome, round_half_away};
use super::scheme::Scheme;
use super::table::Reader;

pub fn header(scheme: &Scheme) -> Vec<String> {
    let mut h: Vec<String> = [
        "credit_code",
        "name",
        "year",
        "group",
        "total",
        "rank",
        "group_size",
        "class",
        "reason",
    ]
    .map(String::from)
    .to_vec();
    for id in scheme.indicator_ids() {
        for suffix in ["value", "score", "imputed"] {
            h.push(format!("{id}_{suffix}"));
        }
    }
    h
}

/// Writes output cells for input rows, reusing one buffer of cells.
pub struct RowWriter<'a> {
    scheme: &'a Scheme,
    reader: &'a Reader,
    ev: &'a Evaluation,
    /// For each group, the output slot of each of its indicators.
    slots: Vec<Vec<usize>>,
    n_indicators: usize,
    pub cells: Vec<String>,
    num: ryu::Buffer,
}

impl<'a> RowWriter<'a> {
    pub fn new(scheme: &'a Scheme, reader: &'a Reader, ev: &'a Evaluation) -> Self {
        let ids = scheme.indicator_ids();
        let slots = scheme
            .groups
            .iter()
            .map(|g| {
                g.indicators
                    .iter()
                    .map(|i| {
                        ids.iter()
                            .position(|x| *x == i.id)
                            .expect("collected above")
                    })
                    .collect()
            })
            .collect();
        RowWriter {
            scheme,
            reader,
            ev,
            slots,
            n_indicators: ids.len(),
            cells: vec![String::new(); 9 + 3 * ids.len()],
            num: ryu::Buffer::new(),
        }
    }

    fn put_f64(&mut self, cell: usize, v: f64) {
        self.cells[cell].push_str(trim_float(self.num.format_finite(v)));
    }

    /// Values and scores are written to 6 decimal places: enough to check any total (4
    /// places) by hand, without the noise digits of binary fractions.
    fn put_rounded(&mut self, cell: usize, v: f64) {
        self.put_f64(cell, round_half_away(v, 6));
    }

    /// Fills `self.cells` for input row `input` (0-based, in input order).
    pub fn fill(&mut self, input: usize) {
        for c in &mut self.cells {
            c.clear();
        }
        let [code, name, year, veto] = self.reader.text.get(input);
        self.cells[0].push_str(code);
        self.cells[1].push_str(name);
        self.cells[2].push_str(year);
        let i = match self.reader.row(input) {
            Err(problems) => {
                self.cells[3].push_str("invalid");
                let reason: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{} {:?}: {} ({})", p.column, p.value, p.message, p.rule))
                    .collect();
                self.cells[8].push_str(&reason.join("; "));
                return;
            }
            Ok(i) => i,
        };
        let (g, total, class) = match self.ev.outcome(self.scheme, i) {
            Outcome::OutOfScope(why) => {
                self.cells[3].push_str("out_of_scope");
                self.cells[8].push_str(&why.describe(self.scheme));
                return;
            }
            Outcome::Placed {
                group,
                total,
                class,
            } => (group, total, class),
        };
        let group = &self.scheme.groups[g];
        self.cells[3].push_str(&group.id);
        self.put_f64(4, total);
        match class {
            Class::NotRated => {
                let label = self
                    .scheme
                    .not_rated
                    .as_ref()
                    .map_or("not rated", |n| n.label.en.as_str());
                self.cells[7].push_str(label);
            }
            Class::None => {}
            Class::Rated {
                name,
                rank,
                group_size,
            } => {
                self.cells[5].push_str(itoa::Buffer::new().format(rank));
                self.cells[6].push_str(itoa::Buffer::new().format(group_size));
                self.cells[7].push_str(name);
            }
        }
        self.cells[8].push_str(veto);
        let row = &self.reader.data.rows[i];
        let scores = self.ev.scores(i);
        for (k, ind) in group.indicators.iter().enumerate() {
            let base = 9 + 3 * self.slots[g][k];
            if let (Some(n), Some(d)) = (row.value(ind.numerator), row.value(ind.denominator))
                && d != 0.0
            {
                self.put_rounded(base, n / d);
            }
            self.put_rounded(base + 1, scores[k]);
            let imputed = self.ev.imputed[i] & (1 << k) != 0;
            self.cells[base + 2].push_str(if imputed { "true" } else { "false" });
        }
        debug_assert!(self.cells.len() == 9 + 3 * self.n_indicators);
    }
}

/// ryu writes 1.0 as "1.0"; spreadsheets and diff tools prefer "1".
fn trim_float(s: &str) -> &str {
    s.strip_suffix(".0").unwrap_or(s)
}
