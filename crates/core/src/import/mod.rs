//! Importing enterprises and annual facts from spreadsheets: finding the header, mapping
//! columns, reading cells, and checking each row — every problem reported with line,
//! column, value and rule. Pure: the `io` crate reads files into a [`Grid`], the `db`
//! crate compares the checked records with what is stored and commits them.

pub mod cells;
pub mod grid;
pub mod headers;
pub mod rows;
pub mod source_hint;
pub mod templates;

pub use grid::{Grid, Layout};
pub use headers::{Attr, ColumnMap, Mapping, Target};
pub use rows::{Checked, Record, check};

use serde::{Deserialize, Serialize};

/// What an import creates: enterprises (with any facts the rows carry) or facts of
/// enterprises already registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Enterprises,
    Facts,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Enterprises => "enterprises",
            Kind::Facts => "facts",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "enterprises" => Some(Kind::Enterprises),
            "facts" => Some(Kind::Facts),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (or, at line 0, the file) is kept out.
    Error,
    /// Imported, but worth a look.
    Warning,
    /// What the reader did on its own: skipped a title, a total, a blank line.
    Notice,
}

/// One finding of the check, in the report and the highlighted spreadsheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The file line (1-based); 0 for the file as a whole.
    pub line: usize,
    /// The 0-based column, when the finding is about one cell.
    pub column: Option<usize>,
    pub header: String,
    pub value: String,
    /// A stable id such as `credit_code.check`; messages are keyed `import.rule.<id>`.
    pub rule: String,
    pub severity: Severity,
    /// A bare fact for the message: the expected check character, the other line, …
    pub detail: Option<String>,
}

/// Values are shown up to this many characters in reports.
const SHOWN_CHARS: usize = 60;

impl Problem {
    pub fn new(severity: Severity, line: usize, rule: &str, value: impl Into<String>) -> Self {
        let value: String = value.into();
        let value = if value.chars().count() > SHOWN_CHARS {
            let mut v: String = value.chars().take(SHOWN_CHARS).collect();
            v.push('…');
            v
        } else {
            value
        };
        Problem {
            line,
            column: None,
            header: String::new(),
            value,
            rule: rule.to_string(),
            severity,
            detail: None,
        }
    }
    pub fn error(line: usize, rule: &str, value: impl Into<String>) -> Self {
        Self::new(Severity::Error, line, rule, value)
    }
    pub fn warning(line: usize, rule: &str, value: impl Into<String>) -> Self {
        Self::new(Severity::Warning, line, rule, value)
    }
    pub fn notice(line: usize, rule: &str, value: impl Into<String>) -> Self {
        Self::new(Severity::Notice, line, rule, value)
    }
    pub fn at(mut self, column: usize, header: &str) -> Self {
        self.column = Some(column);
        self.header = header.to_string();
        self
    }
    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    /// The spreadsheet column letter: A, B, …, Z, AA.
    pub fn column_letter(&self) -> String {
        self.column.map(column_letter).unwrap_or_default()
    }
}

pub fn column_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// The English message of a rule, for the command line (the web UI has its own in each
/// language, under `import.rule.<id>`).
pub fn message_en(p: &Problem) -> String {
    let d = p.detail.as_deref().unwrap_or("");
    match p.rule.as_str() {
        "required" => "is required".into(),
        "credit_code.length" => format!("a credit code has 18 characters, this one {d}"),
        "credit_code.character" => format!("character {d} is not allowed in a credit code"),
        "credit_code.org_check" | "credit_code.check" => {
            format!("check character wrong (expected {d})")
        }
        "credit_code.normalised" => format!("read as {d}"),
        "credit_code.two_names" => format!("the same code has another name on line {d}"),
        "credit_code.missing" => "no credit code column was found in the first 30 rows".into(),
        "enterprise.unknown" => {
            "no enterprise with this code in the zone; import it as an enterprise first".into()
        }
        "enterprise.name_differs" => format!("registered name is {d}"),
        "enterprise.new_needs" => format!("a new enterprise needs {d}"),
        "row.duplicate" => format!("repeats line {d}; ignored"),
        "row.conflict" => {
            format!("same enterprise and year as line {d} with other figures; both kept out")
        }
        "row.title" => "above the header; skipped".into(),
        "row.total" => "a total row; skipped".into(),
        "row.note" => "a note below the data; skipped".into(),
        "row.blank" => format!("{} blank rows skipped", p.value),
        "row.empty" => "no figures in this row".into(),
        "number.format" => "not a number".into(),
        "number.percent" => "a percentage is not a figure of this column".into(),
        "number.negative" => "must not be negative".into(),
        "number.too_large" => "too large".into(),
        "cell.excel_error" => "an Excel error value".into(),
        "year.format" => "not a year between 1990 and 2100".into(),
        "year.required" => "no year: add a year column or give --year".into(),
        "date.format" => "not a date".into(),
        "date.future" => "in the future".into(),
        "flag.format" => "not yes/no (是/否)".into(),
        "text.too_long" => format!("longer than {d} characters"),
        "industry_code.unknown" => "not a GB/T 4754-2017 class".into(),
        "division_code.unknown" => "not an administrative division code".into(),
        "ownership.unknown" => "unknown ownership".into(),
        "park.unknown" => "no park of this name in the zone".into(),
        "unit.mismatch" => format!("unit {d} does not fit this column"),
        "column.missing" => format!("required column missing: {d}"),
        "column.no_figures" => "no column of figures was recognised".into(),
        "file.empty" => "the file has no rows".into(),
        "file.no_data" => "the file has a header but no data rows".into(),
        "sheet.hidden" => format!("hidden sheet not read (read: {d})"),
        "sheet.not_read" => format!("only the first visible sheet is read ({d})"),
        "file.misnamed" => {
            "the name's extension does not match the content; read by its content".into()
        }
        "file.seen" => format!("this file was imported before ({d})"),
        "fact.jump" => format!("ten times or a tenth of last year's value ({d})"),
        "fact.value_added_above_revenue" => format!("value added above revenue ({d})"),
        "fact.land_changed" => format!("land area changed by more than half since last year ({d})"),
        "number.positive" => "must be above zero".into(),
        "date.before_start" => format!("ends before it starts ({d})"),
        "land.plot_unknown" => "no plot with this number in the zone".into(),
        "land.building_new_needs" => format!("a new building needs {d}"),
        "land.status_unknown" => {
            "not a known status (空置/已出租/自用/预留/不可用 or vacant/leased/…)".into()
        }
        "land.building_type_unknown" => "not a known building type".into(),
        "land.lease_needs_both_dates" => "a lease needs both its start and its end".into(),
        "land.lease_needs_tenant" => "a row with lease dates needs a tenant".into(),
        "land.unit_repeated" => format!("the same unit as line {d}"),
        "land.unit_above_building" => format!("larger than its building's {d} m²"),
        "land.units_above_building" => {
            format!("with the building's other units this exceeds its floor area; {d} m² remain")
        }
        "land.lease_overlap" => format!("overlaps the unit's lease of {d}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::column_letter(0), "A");
        assert_eq!(super::column_letter(25), "Z");
        assert_eq!(super::column_letter(26), "AA");
        assert_eq!(super::column_letter(701), "ZZ");
        assert_eq!(super::column_letter(702), "AAA");
    }
}
