//! A sheet held as text cells in one buffer, and where its header and data are.
//!
//! Lists that bureaus send rarely start at row 1: a title (`2024年规模以上工业企业主要
//! 经济指标`) and a unit line sit above the header, a merged header spans two rows, and
//! totals (合计) and notes (注：…) follow the data. [`Layout::detect`] finds the header
//! as the row (or pair of rows) in which most columns are recognised, and sorts the rows
//! below it into data and skipped lines, each skip reported as a notice.

use super::headers::{Mapping, is_unit_label, split_unit};
use super::{Problem, Severity};

/// Rows of text cells, with the line number each had in the file (1-based).
#[derive(Debug, Default, Clone)]
pub struct Grid {
    text: String,
    cell_ends: Vec<u32>,
    row_starts: Vec<u32>,
    lines: Vec<u32>,
    /// Cells longer than [`MAX_CELL_BYTES`] are cut to it; their full length is kept here.
    pub long_cells: Vec<(usize, usize, usize)>,
}

/// Longer cell text is cut when held (a 1 MB cell would otherwise be copied into every
/// report); the full length is remembered so that the check can refuse it.
pub const MAX_CELL_BYTES: usize = 4096;

impl Grid {
    pub fn push_row(&mut self, line: usize, cells: &[&str]) {
        let row = self.lines.len();
        self.row_starts.push(self.cell_ends.len() as u32);
        self.lines.push(line as u32);
        // Trailing blank cells carry nothing; dropping them keeps wide, ragged sheets small.
        let used = cells
            .iter()
            .rposition(|c| !c.trim().is_empty())
            .map_or(0, |i| i + 1);
        for (col, c) in cells[..used].iter().enumerate() {
            if c.len() > MAX_CELL_BYTES {
                let mut end = MAX_CELL_BYTES;
                while !c.is_char_boundary(end) {
                    end -= 1;
                }
                self.text.push_str(&c[..end]);
                self.long_cells.push((row, col, c.len()));
            } else {
                self.text.push_str(c);
            }
            self.cell_ends.push(self.text.len() as u32);
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The file line of row `r`.
    pub fn line(&self, r: usize) -> usize {
        self.lines[r] as usize
    }

    /// The cells of row `r` (without trailing blanks).
    pub fn row(&self, r: usize) -> Vec<&str> {
        let start = self.row_starts[r] as usize;
        let end = self
            .row_starts
            .get(r + 1)
            .map_or(self.cell_ends.len(), |e| *e as usize);
        (start..end)
            .map(|i| {
                let from = if i == 0 {
                    0
                } else {
                    self.cell_ends[i - 1] as usize
                };
                &self.text[from..self.cell_ends[i] as usize]
            })
            .collect()
    }

    /// The full byte length of a cell that was cut, if it was.
    pub fn cut_length(&self, r: usize, col: usize) -> Option<usize> {
        self.long_cells
            .iter()
            .find(|(rr, cc, _)| *rr == r && *cc == col)
            .map(|(_, _, n)| *n)
    }
}

/// Where the header is and which rows hold data.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The header texts, one per column (a two-row header combined).
    pub headers: Vec<String>,
    /// The grid rows of the header (one or two).
    pub header_rows: Vec<usize>,
    /// The grid rows that hold data.
    pub data_rows: Vec<usize>,
    /// Title rows, totals, notes and blank lines that were skipped.
    pub notices: Vec<Problem>,
}

/// How many rows at the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;

const TOTAL_WORDS: [&str; 5] = ["合计", "总计", "小计", "共计", "总合计"];
const NOTE_STARTS: [&str; 10] = [
    "注",
    "说明",
    "备注",
    "填表",
    "填报",
    "制表",
    "数据来源",
    "资料来源",
    "审核",
    "单位负责人",
];

/// What makes a row a header, for one kind of sheet: enterprise sheets are keyed by the
/// credit code, inventory sheets by the plot number.
pub struct HeaderRule<'a> {
    /// How many columns a candidate header names; None when it lacks the key column.
    pub score: &'a dyn Fn(&[String]) -> Option<usize>,
    /// The key column of a recognised header.
    pub key_column: &'a dyn Fn(&[String]) -> Option<usize>,
    /// Whether a key cell holds a real key: such a row is never taken for a total or a note.
    pub key_ok: &'a dyn Fn(&str) -> bool,
}

impl Layout {
    /// Finds the header of an enterprise sheet; None when no row in the first 30 names a
    /// credit-code column.
    pub fn detect(grid: &Grid) -> Option<Layout> {
        let code_column = |headers: &[String]| {
            Mapping::recognise(headers).column_of(super::Target::Attr(super::Attr::CreditCode))
        };
        Self::detect_with(
            grid,
            &HeaderRule {
                score: &|headers| {
                    let m = Mapping::recognise(headers);
                    m.column_of(super::Target::Attr(super::Attr::CreditCode))
                        .map(|_| m.recognised())
                },
                key_column: &code_column,
                key_ok: &|code| crate::CreditCode::check(code).is_ok(),
            },
        )
    }

    /// Finds the header by a sheet kind's rule, then sorts the rows below it into data,
    /// totals, notes and blanks.
    pub fn detect_with(grid: &Grid, rule: &HeaderRule) -> Option<Layout> {
        let score = rule.score;
        let texts = |r: usize| {
            grid.row(r)
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        };
        let mut best: Option<(usize, Vec<usize>, Vec<String>)> = None;
        let mut consider = |s: Option<usize>, rows: Vec<usize>, headers: Vec<String>| {
            if let Some(s) = s
                && best.as_ref().is_none_or(|(b, _, _)| s > *b)
            {
                best = Some((s, rows, headers));
            }
        };
        for r in 0..grid.len().min(HEADER_SEARCH_ROWS) {
            let single = texts(r);
            consider(score(&single), vec![r], single.clone());
            // Two rows count as one header only when together they name more columns than
            // the lower row alone (a title above a header adds nothing).
            if r + 1 < grid.len() {
                let lower = grid.row(r + 1);
                if lower.iter().all(|c| !looks_like_data(c)) {
                    let pair = combine(&single, &lower);
                    let alone = score(&texts(r + 1)).unwrap_or(0);
                    if let Some(s) = score(&pair).filter(|s| *s > alone) {
                        consider(Some(s), vec![r, r + 1], pair);
                    }
                }
            }
        }
        let (_, header_rows, headers) = best?;
        let mut notices = Vec::new();
        for r in 0..header_rows[0] {
            let text = grid
                .row(r)
                .iter()
                .find(|c| !c.trim().is_empty())
                .map(|s| s.to_string());
            if let Some(t) = text {
                notices.push(Problem::notice(grid.line(r), "row.title", t));
            }
        }
        let code_col = (rule.key_column)(&headers)?;
        let mut data_rows = Vec::new();
        let mut blank = 0usize;
        for r in header_rows[header_rows.len() - 1] + 1..grid.len() {
            let cells = grid.row(r);
            let filled: Vec<&str> = cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect();
            if filled.is_empty() {
                blank += 1;
                continue;
            }
            let code = cells.get(code_col).map(|c| c.trim()).unwrap_or("");
            let code_ok = (rule.key_ok)(code);
            if !code_ok
                && filled
                    .iter()
                    .take(3)
                    .any(|c| TOTAL_WORDS.iter().any(|w| c.contains(w)))
            {
                notices.push(Problem::notice(
                    grid.line(r),
                    "row.total",
                    filled[0].to_string(),
                ));
                continue;
            }
            if !code_ok && filled.len() <= 2 && NOTE_STARTS.iter().any(|w| filled[0].starts_with(w))
            {
                notices.push(Problem::notice(
                    grid.line(r),
                    "row.note",
                    filled[0].to_string(),
                ));
                continue;
            }
            data_rows.push(r);
        }
        if blank > 0 {
            let mut p = Problem::notice(0, "row.blank", blank.to_string());
            p.severity = Severity::Notice;
            notices.push(p);
        }
        Some(Layout {
            headers,
            header_rows,
            data_rows,
            notices,
        })
    }
}

/// A cell that is a figure or a code rather than a header word.
fn looks_like_data(c: &str) -> bool {
    let t = c.trim();
    !t.is_empty()
        && (super::cells::number(t, true).is_ok_and(|v| v.is_some())
            || crate::CreditCode::check(t).is_ok())
}

/// Two header rows as one: the upper row's merged cells are spread over the columns they
/// span; a unit in the lower row goes in brackets; a lower name wins when it is known.
fn combine(upper: &[String], lower: &[&str]) -> Vec<String> {
    let n = upper.len().max(lower.len());
    let mut out = Vec::with_capacity(n);
    let mut spread = String::new();
    for i in 0..n {
        let up = upper.get(i).map(|s| s.trim()).unwrap_or("");
        let low = lower.get(i).map(|s| s.trim()).unwrap_or("");
        if !up.is_empty() {
            spread = up.to_string();
        } else if low.is_empty() {
            spread.clear();
        }
        let up = if up.is_empty() { spread.as_str() } else { up };
        let unit = low.trim_matches(['(', ')', '（', '）']);
        let text = if low.is_empty() {
            up.to_string()
        } else if is_unit_label(unit) {
            format!("{up}({unit})")
        } else if up.is_empty()
            || Mapping::recognise(&[low.to_string()]).recognised() == 1
            || split_unit(low).1.is_some()
        {
            low.to_string()
        } else {
            format!("{up}{low}")
        };
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        let mut g = Grid::default();
        for (i, r) in rows.iter().enumerate() {
            g.push_row(i + 1, r);
        }
        g
    }

    #[test]
    fn title_rows_totals_and_notes_are_skipped() {
        let g = grid(&[
            &["2024年规模以上工业企业主要经济指标", "", ""],
            &["", "", ""],
            &["统一社会信用代码", "单位名称", "营业收入(万元)"],
            &["91320594MA1MXB8F3C", "甲公司", "100"],
            &["", "", ""],
            &["合计", "", "100"],
            &["注：数据为快报数", "", ""],
        ]);
        let l = Layout::detect(&g).unwrap();
        assert_eq!(l.header_rows, vec![2]);
        assert_eq!(l.data_rows, vec![3]);
        let rules: Vec<_> = l
            .notices
            .iter()
            .map(|n| (n.line, n.rule.as_str()))
            .collect();
        assert_eq!(
            rules,
            vec![
                (1, "row.title"),
                (6, "row.total"),
                (7, "row.note"),
                (0, "row.blank")
            ]
        );
    }

    #[test]
    fn a_two_row_header_with_merged_cells_and_units() {
        let g = grid(&[
            &["统一社会信用代码", "企业名称", "主要指标", "", "用电量"],
            &["", "", "营业收入", "实缴税金", "万千瓦时"],
            &["91320594MA1MXB8F3C", "甲公司", "100", "5", "20"],
        ]);
        let l = Layout::detect(&g).unwrap();
        assert_eq!(l.header_rows, vec![0, 1]);
        assert_eq!(
            l.headers,
            vec![
                "统一社会信用代码",
                "企业名称",
                "营业收入",
                "实缴税金",
                "用电量(万千瓦时)"
            ]
        );
        assert_eq!(l.data_rows, vec![2]);
    }

    #[test]
    fn no_credit_code_column_means_no_layout() {
        let g = grid(&[&["名称", "收入"], &["甲", "1"]]);
        assert!(Layout::detect(&g).is_none());
    }

    #[test]
    fn huge_cells_are_cut_and_remembered() {
        let big = "字".repeat(400_000);
        let g = grid(&[&["a", &big]]);
        assert!(g.row(0)[1].len() <= MAX_CELL_BYTES);
        assert_eq!(g.cut_length(0, 1), Some(1_200_000));
    }
}
