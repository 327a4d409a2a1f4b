//! Reading evaluation input rows from a table of text cells (CSV or spreadsheet): header
//! recognition, unit suffixes, and the spec's validity rules, each failure reported with
//! row, column, value and rule.

use super::engine::{Dataset, MISSING, Row};
use super::measure::{Measure, unit_factor};
use crate::CreditCode;
use crate::reference::{IndustryEdition, industries};
use std::collections::HashMap;

/// Which input column holds what.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub credit_code: usize,
    pub name: Option<usize>,
    pub year: usize,
    pub industry_code: usize,
    /// Column and factor to evaluation units, per measure.
    pub measures: [Option<(usize, f64)>; 10],
    pub above_scale: Option<usize>,
    pub veto: Option<usize>,
    pub established: Option<usize>,
    /// Flag columns (for bonus, deduction and not-rated items), with the flag name.
    pub flags: Vec<(usize, String)>,
    /// Headers not recognised (reported, then ignored).
    pub ignored: Vec<String>,
}

/// One rejected cell or row.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line of the input (the header is line 1).
    pub line: usize,
    pub column: String,
    pub value: String,
    pub rule: &'static str,
    pub message: String,
}

const ALIASES: &[(&str, &[&str])] = &[
    (
        "credit_code",
        &[
            "credit_code",
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "纳税人识别号",
        ],
    ),
    (
        "name",
        &["name", "企业名称", "单位名称", "纳税人名称", "企业"],
    ),
    ("year", &["year", "年度", "年份", "数据年度"]),
    (
        "industry_code",
        &[
            "industry_code",
            "行业代码",
            "国民经济行业代码",
            "行业小类代码",
        ],
    ),
    (
        "above_scale",
        &["above_scale", "规上企业", "是否规上", "规模以上"],
    ),
    ("veto", &["veto", "一票否决", "否决原因"]),
    (
        "established",
        &["established", "成立日期", "成立年份", "成立时间"],
    ),
];

/// Splits `用地面积(亩)` / `revenue (万元)` into the name and the unit suffix.
pub(crate) fn split_unit(header: &str) -> (String, Option<String>) {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']')] {
        if let Some(start) = h.rfind(open)
            && h.ends_with(close)
        {
            let unit = &h[start + open.len_utf8()..h.len() - close.len_utf8()];
            return (
                h[..start].trim().to_lowercase(),
                Some(unit.trim().to_string()),
            );
        }
    }
    (h.to_lowercase(), None)
}

/// Recognises the header row. `flag_names` are the flags the scheme reads.
pub fn map_columns(headers: &[&str], flag_names: &[String]) -> Result<Columns, String> {
    let mut found: HashMap<&str, usize> = HashMap::new();
    let mut cols = Columns::default();
    for (i, h) in headers.iter().enumerate() {
        let (name, unit) = split_unit(h);
        if name.is_empty() {
            continue;
        }
        if let Some((key, _)) = ALIASES
            .iter()
            .find(|(_, names)| names.contains(&name.as_str()))
        {
            if found.insert(key, i).is_some() {
                return Err(format!("column {key} appears twice (header {h:?})"));
            }
            continue;
        }
        if let Some(m) = Measure::ALL
            .iter()
            .find(|m| m.id() == name || m.header_zh() == name)
        {
            let factor = match &unit {
                None => 1.0,
                Some(u) => unit_factor(*m, u).ok_or_else(|| {
                    format!(
                        "header {h:?}: unit {u:?} is not a unit of {} (expected {})",
                        m.id(),
                        m.unit()
                    )
                })?,
            };
            if cols.measures[m.index()].replace((i, factor)).is_some() {
                return Err(format!("column {} appears twice (header {h:?})", m.id()));
            }
            continue;
        }
        if let Some(f) = flag_names.iter().find(|f| f.to_lowercase() == name) {
            cols.flags.push((i, f.clone()));
            continue;
        }
        cols.ignored.push(h.to_string());
    }
    let missing: Vec<&str> = ["credit_code", "year", "industry_code"]
        .into_iter()
        .filter(|k| !found.contains_key(k))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "required columns missing: {} (headers found: {})",
            missing.join(", "),
            headers.join(", ")
        ));
    }
    cols.credit_code = found["credit_code"];
    cols.year = found["year"];
    cols.industry_code = found["industry_code"];
    cols.name = found.get("name").copied();
    cols.above_scale = found.get("above_scale").copied();
    cols.veto = found.get("veto").copied();
    cols.established = found.get("established").copied();
    Ok(cols)
}

/// Reads an above-scale cell: 是/否, true/false, yes/no, y/n, 1/0 in any case. The error
/// carries nothing: the caller knows the cell and names the rule.
#[allow(clippy::result_unit_err)]
pub fn parse_flag(s: &str) -> Result<Option<bool>, ()> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.to_lowercase().as_str() {
        "是" | "true" | "yes" | "y" | "1" => Ok(Some(true)),
        "否" | "false" | "no" | "n" | "0" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// Reads a number cell: blank is missing; otherwise a finite decimal number.
#[allow(clippy::result_unit_err)]
pub fn parse_number(s: &str) -> Result<f64, ()> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(MISSING);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(()),
    }
}

fn parse_year(s: &str) -> Option<i32> {
    let t = s.trim();
    let t = t
        .strip_suffix(".0")
        .unwrap_or(t)
        .strip_suffix('年')
        .unwrap_or(t);
    t.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y))
}

/// The text that identifies each row in the output (credit code, name, year as given, veto
/// reason), kept in one buffer: a million rows cost one allocation, not four million.
#[derive(Debug, Default)]
pub struct TextArena {
    buf: String,
    ends: Vec<u32>,
}

pub const TEXT_FIELDS: usize = 4;

impl TextArena {
    fn push(&mut self, fields: [&str; TEXT_FIELDS]) {
        for f in fields {
            self.buf.push_str(f);
            self.ends.push(self.buf.len() as u32);
        }
    }
    /// credit code, name, year, veto reason of input row `i`.
    pub fn get(&self, i: usize) -> [&str; TEXT_FIELDS] {
        std::array::from_fn(|k| {
            let j = i * TEXT_FIELDS + k;
            let start = if j == 0 { 0 } else { self.ends[j - 1] as usize };
            &self.buf[start..self.ends[j] as usize]
        })
    }
    pub fn len(&self) -> usize {
        self.ends.len() / TEXT_FIELDS
    }
    fn reserve(&mut self, rows: usize) {
        // Code, name, year: about 50 bytes a row in the files seen so far.
        self.buf.reserve(rows * 50);
        self.ends.reserve(rows * TEXT_FIELDS);
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// One input row, worked out as far as it can be without the rows before it: what
/// `RowParser::parse` produces (on any thread) and `Reader::accept` takes in file order.
#[derive(Debug)]
pub struct Parsed {
    line: usize,
    /// Credit code (normalised when valid), name, year as given, veto reason, in one buffer.
    text: String,
    ends: [usize; TEXT_FIELDS],
    /// (credit code, year) when both could be read, for the duplicate rule.
    key: Option<([u8; 18], i32)>,
    row: Option<Row>,
    problems: Vec<Problem>,
}

/// The read-only context of parsing rows: the GB/T 4754 class table and the flag names.
#[derive(Debug)]
pub struct RowParser {
    /// GB/T 4754 class (as a number) → (section, division).
    classes: Vec<Option<(u8, u8)>>,
    flag_names: Vec<String>,
}

impl RowParser {
    pub fn new(flag_names: &[String]) -> Self {
        let mut classes = vec![None; 10_000];
        for e in industries(IndustryEdition::Amended)
            .entries
            .iter()
            .filter(|e| e.level == "小类")
        {
            if let Ok(n) = e.code.parse::<usize>() {
                classes[n] = Some((e.section.as_bytes()[0], e.division.parse().unwrap_or(0)));
            }
        }
        RowParser {
            classes,
            flag_names: flag_names.iter().take(64).cloned().collect(),
        }
    }

    fn class(&self, code: &str) -> Option<(u8, u8)> {
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.classes
            .get(code.parse::<usize>().ok()?)
            .copied()
            .flatten()
    }

    /// Parses one data row; `line` is its 1-based line in the input.
    pub fn parse(&self, cols: &Columns, headers: &[&str], line: usize, cells: &[&str]) -> Parsed {
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let mut problems = Vec::new();
        let mut problem = |col: usize, rule: &'static str, message: String| {
            problems.push(Problem {
                line,
                column: headers
                    .get(col)
                    .map(|h| h.trim().to_string())
                    .unwrap_or_default(),
                value: truncate(cell(col)),
                rule,
                message,
            });
        };
        let code = match CreditCode::check(cell(cols.credit_code)) {
            Ok(c) => Some(c),
            Err(e) => {
                problem(cols.credit_code, e.rule(), e.to_string());
                None
            }
        };
        let year = parse_year(cell(cols.year));
        if year.is_none() {
            problem(
                cols.year,
                "year.unreadable",
                "the year cannot be read".into(),
            );
        }
        let entry = self.class(cell(cols.industry_code).trim());
        if entry.is_none() {
            problem(
                cols.industry_code,
                "industry_code.not_a_class",
                "not a 4-digit class of GB/T 4754-2017".into(),
            );
        }
        let mut values = [MISSING; 10];
        for m in Measure::ALL {
            let Some((col, factor)) = cols.measures[m.index()] else {
                continue;
            };
            match parse_number(cell(col)) {
                Err(()) => problem(col, "number.invalid", "not a number".into()),
                Ok(v) if v < 0.0 && m != Measure::ValueAdded => problem(
                    col,
                    "number.negative",
                    format!("{} must not be negative", m.id()),
                ),
                Ok(v) => values[m.index()] = v * factor,
            }
        }
        let above_scale = match cols.above_scale.map(|c| (c, parse_flag(cell(c)))) {
            None => None,
            Some((_, Ok(v))) => v,
            Some((c, Err(()))) => {
                problem(
                    c,
                    "above_scale.invalid",
                    "use 是/否, true/false, yes/no, y/n or 1/0".into(),
                );
                None
            }
        };
        let mut flags = 0u64;
        for (c, name) in &cols.flags {
            match parse_flag(cell(*c)) {
                Ok(Some(true)) => {
                    if let Some(i) = self.flag_names.iter().position(|n| n == name) {
                        flags |= 1 << i;
                    }
                }
                Ok(_) => {}
                Err(()) => problem(
                    *c,
                    "flag.invalid",
                    "use 是/否, true/false, yes/no, y/n or 1/0".into(),
                ),
            }
        }
        let established = cols
            .established
            .map(cell)
            .and_then(|s| s.trim().get(..4).and_then(|y| y.parse::<i32>().ok()));
        let veto = cols.veto.map(cell).unwrap_or("").trim();
        let fields = [
            code.as_ref().map_or(cell(cols.credit_code).trim(), |c| {
                std::str::from_utf8(c).expect("ASCII")
            }),
            cols.name.map(cell).unwrap_or("").trim(),
            cell(cols.year).trim(),
            veto,
        ];
        let mut text = String::with_capacity(fields.iter().map(|f| f.len()).sum());
        let ends = fields.map(|f| {
            text.push_str(f);
            text.len()
        });
        let key = code.zip(year);
        let row = (problems.is_empty()).then(|| {
            let (section, division) = entry.expect("checked above");
            Row {
                year: year.expect("checked above"),
                section,
                division,
                values,
                above_scale,
                vetoed: !veto.is_empty(),
                flags,
                established,
            }
        });
        Parsed {
            line,
            text,
            ends,
            key,
            row,
            problems,
        }
    }
}

/// Rows as they are read: valid ones go into the dataset, invalid ones keep their problems.
#[derive(Debug, Default)]
pub struct Reader {
    pub data: Dataset,
    /// Per input row in order: the index into data.rows, or INVALID.
    order: Vec<u32>,
    /// Problems of the invalid rows, by input row.
    problems: HashMap<usize, Vec<Problem>>,
    pub text: TextArena,
    /// (credit code, year, input row, line) of every row whose code and year could be read;
    /// `finish` sorts them to find repeats. (Sorting once is several times cheaper than a
    /// hash map probed a million times in random order.)
    keys: Vec<(u128, u32, u32)>,
    /// The credit-code column's header, for the repeat problem.
    code_column: String,
}

const INVALID: u32 = u32::MAX;

impl Reader {
    /// A reader whose rows carry the flags of `flag_names`, in the bit order `RowParser` uses.
    pub fn new(flag_names: &[String]) -> Self {
        let mut r = Reader::default();
        for f in flag_names {
            r.data.flag_bit(f);
        }
        r
    }

    /// Makes room for about `rows` rows, so that a million rows are not copied as the
    /// vectors grow. Memory reserved and never touched costs no resident memory.
    pub fn reserve(&mut self, rows: usize) {
        self.data.rows.reserve(rows);
        self.order.reserve(rows);
        self.text.reserve(rows);
        self.keys.reserve(rows);
    }

    /// Input rows read so far.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Input row `input`: its index in `data.rows`, or its problems.
    pub fn row(&self, input: usize) -> Result<usize, &[Problem]> {
        match self.order[input] {
            INVALID => Err(self.problems.get(&input).map_or(&[], Vec::as_slice)),
            i => Ok(i as usize),
        }
    }

    /// Invalid rows in input order.
    pub fn invalid(&self) -> impl Iterator<Item = &[Problem]> {
        (0..self.len()).filter_map(|i| self.row(i).err())
    }

    /// Applies the rule that needs all rows — a (credit code, year) that repeats an earlier
    /// row makes the later rows invalid — and frees what only reading needs.
    pub fn finish(&mut self) {
        let mut keys = std::mem::take(&mut self.keys);
        keys.sort_unstable();
        let mut dropped: Vec<usize> = Vec::new();
        for w in keys.windows(2) {
            let (first, this) = (&w[0], &w[1]);
            if first.0 != this.0 {
                continue;
            }
            // The earliest row of the run of equal keys: sorting by input row put it first.
            let run_start = keys.partition_point(|k| k.0 < this.0);
            let first_line = keys[run_start].2;
            let input = this.1 as usize;
            let problem = Problem {
                line: this.2 as usize,
                column: self.code_column.clone(),
                value: self.text.get(input)[0].to_string(),
                rule: "row.duplicate",
                message: format!("credit code and year repeat the row on line {first_line}"),
            };
            if self.order[input] != INVALID {
                dropped.push(self.order[input] as usize);
                self.order[input] = INVALID;
            }
            self.problems.entry(input).or_default().push(problem);
        }
        if !dropped.is_empty() {
            // Take the repeated rows out of the dataset and renumber the others.
            dropped.sort_unstable();
            let mut new_index = vec![u32::MAX; self.data.rows.len()];
            let mut next = 0u32;
            let mut d = dropped.iter().peekable();
            let rows = std::mem::take(&mut self.data.rows);
            for (i, row) in rows.into_iter().enumerate() {
                if d.peek() == Some(&&i) {
                    d.next();
                    continue;
                }
                new_index[i] = next;
                next += 1;
                self.data.rows.push(row);
            }
            for o in self.order.iter_mut().filter(|o| **o != INVALID) {
                *o = new_index[*o as usize];
            }
        }
        self.keys = Vec::new();
    }

    /// Parses and takes one row (for callers that parse on the same thread).
    pub fn push(
        &mut self,
        parser: &RowParser,
        cols: &Columns,
        headers: &[&str],
        line: usize,
        cells: &[&str],
    ) {
        let p = parser.parse(cols, headers, line, cells);
        self.accept(cols, headers, p);
    }

    /// Takes the next row in file order. Repeated credit codes and years are found by
    /// `finish`, which must be called after the last row.
    pub fn accept(&mut self, cols: &Columns, headers: &[&str], p: Parsed) {
        if self.order.is_empty() {
            self.code_column = headers
                .get(cols.credit_code)
                .map(|h| h.trim().to_string())
                .unwrap_or_default();
        }
        if let Some((code, year)) = p.key {
            self.keys.push((
                pack_key(&code, year),
                self.order.len() as u32,
                p.line as u32,
            ));
        }
        let mut start = 0;
        let fields: [&str; TEXT_FIELDS] = std::array::from_fn(|k| {
            let f = &p.text[start..p.ends[k]];
            start = p.ends[k];
            f
        });
        self.text.push(fields);
        match p.row {
            Some(row) if p.problems.is_empty() => {
                self.data.rows.push(row);
                self.order.push((self.data.rows.len() - 1) as u32);
            }
            _ => {
                self.problems.insert(self.order.len(), p.problems);
                self.order.push(INVALID);
            }
        }
    }
}

/// A verified credit code (18 symbols of 31 values: 5 bits each) and a year in one integer,
/// so that sorting compares integers, not strings.
fn pack_key(code: &[u8; 18], year: i32) -> u128 {
    let mut k: u128 = 0;
    for b in code {
        let v = crate::credit_code::ALPHABET
            .bytes()
            .position(|a| a == *b)
            .unwrap_or(31) as u128;
        k = (k << 5) | v;
    }
    (k << 16) | u128::from(year.clamp(0, 0xFFFF) as u16)
}

/// Long cells are cut for reports (a 1 MB cell must not become a 1 MB message).
pub(crate) fn truncate(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}
