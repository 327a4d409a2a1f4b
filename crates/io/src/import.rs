//! The file side of an import: read the bytes, find the header, fingerprint the layout,
//! and write the validation report back as the original sheet with its bad cells
//! highlighted and commented.

use crate::read::{ReadError, SheetRead, read_grid};
use devzone_core::import::{Checked, Kind, Layout, Mapping, Problem, Severity, check};
use rust_xlsxwriter::{Color, Format, Note, Workbook};
use sha2::{Digest, Sha256};

/// A file read and its header found; ready to map and check.
pub struct Prepared {
    pub file_name: String,
    pub read: SheetRead,
    /// None when no row in the first 30 names a credit-code column.
    pub layout: Option<Layout>,
    pub sha256: String,
    /// The fingerprint of the header row, by which a saved mapping is found.
    pub signature: String,
    /// What the reader noticed about the file as a whole.
    pub notices: Vec<Problem>,
}

pub fn prepare(file_name: &str, bytes: &[u8]) -> Result<Prepared, ReadError> {
    prepare_with(file_name, bytes, Layout::detect)
}

/// As [`prepare`], with another kind of sheet's header rule (the unit register's:
/// `devzone_core::land::sheet::detect`).
pub fn prepare_with(
    file_name: &str,
    bytes: &[u8],
    detect: fn(&devzone_core::import::Grid) -> Option<Layout>,
) -> Result<Prepared, ReadError> {
    let read = read_grid(file_name, bytes)?;
    let sha256 = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let layout = detect(&read.grid);
    let signature = Mapping::signature(layout.as_ref().map_or(&[][..], |l| &l.headers));
    let mut notices = Vec::new();
    if read.misnamed {
        notices.push(Problem::warning(0, "file.misnamed", file_name));
    }
    for (name, hidden) in &read.other_sheets {
        let rule = if *hidden {
            "sheet.hidden"
        } else {
            "sheet.not_read"
        };
        notices.push(Problem::notice(0, rule, name.clone()).with_detail(read.sheet.clone()));
    }
    Ok(Prepared {
        file_name: file_name.to_string(),
        read,
        layout,
        sha256,
        signature,
        notices,
    })
}

impl Prepared {
    /// Stands for a file that could not be read, so that its page can still be shown.
    pub fn empty(file_name: &str) -> Prepared {
        Prepared {
            file_name: file_name.to_string(),
            read: SheetRead {
                grid: Default::default(),
                sheet: String::new(),
                other_sheets: Vec::new(),
                misnamed: false,
                encoding: "",
            },
            layout: None,
            sha256: String::new(),
            signature: String::new(),
            notices: Vec::new(),
        }
    }

    /// The mapping the header alone suggests.
    /// The source the file name, the sheet's name or its title rows name, if exactly one.
    pub fn source_hint(&self) -> Option<devzone_core::model::FactSource> {
        let first_header = self
            .layout
            .as_ref()
            .and_then(|l| l.header_rows.first().copied())
            .unwrap_or(0);
        let titles: Vec<String> = (0..first_header.min(self.read.grid.len()))
            .map(|r| self.read.grid.row(r).join(" "))
            .collect();
        devzone_core::import::source_hint::named_source(
            [self.file_name.as_str(), self.read.sheet.as_str()]
                .into_iter()
                .chain(titles.iter().map(String::as_str)),
        )
    }

    pub fn recognised(&self) -> Mapping {
        self.layout
            .as_ref()
            .map(|l| Mapping::recognise(&l.headers))
            .unwrap_or_default()
    }

    /// Checks every row against `mapping`.
    pub fn check(&self, mapping: &Mapping, kind: Kind, year: Option<i32>) -> Checked {
        let mut out = match &self.layout {
            Some(l) => check(&self.read.grid, l, mapping, kind, year),
            None => {
                let rule = if self.read.grid.is_empty() {
                    "file.empty"
                } else {
                    "credit_code.missing"
                };
                Checked {
                    problems: vec![Problem::error(0, rule, "")],
                    ..Default::default()
                }
            }
        };
        let mut all = self.notices.clone();
        all.append(&mut out.problems);
        out.problems = all;
        out
    }

    /// The first `n` data rows, for the preview.
    pub fn preview(&self, n: usize) -> Vec<(usize, Vec<String>)> {
        let Some(l) = &self.layout else {
            return Vec::new();
        };
        l.data_rows
            .iter()
            .take(n)
            .map(|r| {
                let cells = self.read.grid.row(*r);
                (
                    self.read.grid.line(*r),
                    (0..l.headers.len())
                        .map(|i| cells.get(i).unwrap_or(&"").to_string())
                        .collect(),
                )
            })
            .collect()
    }

    /// The sheet as read, with every problem's cell filled (red: error, amber: warning)
    /// and commented, and a second sheet listing the problems.
    pub fn report_xlsx(
        &self,
        problems: &[Problem],
        message: &dyn Fn(&Problem) -> String,
        list_headers: [&str; 6],
    ) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let red = Format::new().set_background_color(Color::RGB(0xF8C9C4));
        let amber = Format::new().set_background_color(Color::RGB(0xFCE8B2));
        let ws = wb.add_worksheet();
        let sheet_name: String = self
            .read
            .sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(if sheet_name.is_empty() {
            "sheet"
        } else {
            &sheet_name
        })?;
        let g = &self.read.grid;
        let mut row_of_line = std::collections::HashMap::new();
        for r in 0..g.len() {
            let row = (g.line(r) - 1) as u32;
            row_of_line.insert(g.line(r), row);
            for (c, text) in g.row(r).iter().enumerate() {
                write_cell(ws, row, c as u16, text, None)?;
            }
        }
        // One note per cell: problems on the same cell are joined.
        let mut by_cell: std::collections::BTreeMap<(u32, u16), Vec<&Problem>> = Default::default();
        for p in problems
            .iter()
            .filter(|p| p.line > 0 && p.severity != Severity::Notice)
        {
            if let Some(row) = row_of_line.get(&p.line) {
                by_cell
                    .entry((*row, p.column.unwrap_or(0) as u16))
                    .or_default()
                    .push(p);
            }
        }
        for ((row, col), ps) in by_cell {
            let error = ps.iter().any(|p| p.severity == Severity::Error);
            let text = ps.iter().map(|p| message(p)).collect::<Vec<_>>().join("\n");
            let cell = g
                .row(
                    (0..g.len())
                        .find(|r| (g.line(*r) - 1) as u32 == row)
                        .unwrap_or(0),
                )
                .get(col as usize)
                .map(|s| s.to_string())
                .unwrap_or_default();
            write_cell(ws, row, col, &cell, Some(if error { &red } else { &amber }))?;
            ws.insert_note(row, col, &Note::new(text).set_author("devzone"))?;
        }
        let list = wb.add_worksheet();
        list.set_name("problems")?;
        let bold = Format::new().set_bold();
        for (c, h) in list_headers.iter().enumerate() {
            list.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, p) in problems.iter().enumerate() {
            let r = i as u32 + 1;
            if p.line > 0 {
                list.write_number(r, 0, p.line as f64)?;
            }
            list.write_string(r, 1, p.column_letter())?;
            list.write_string(r, 2, &p.header)?;
            list.write_string(r, 3, &p.value)?;
            list.write_string(r, 4, &p.rule)?;
            list.write_string(r, 5, message(p))?;
        }
        list.set_freeze_panes(1, 0)?;
        list.set_column_width(5, 60)?;
        wb.save_to_buffer()
    }
}

/// Numbers go back as numbers, so that the returned sheet sums like the original.
fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let number = text
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && text.len() < 16)
        // 0123 is a code whose leading zero matters, not a number.
        .filter(|_| !(text.starts_with('0') && text.len() > 1 && !text.starts_with("0.")));
    match (number, format) {
        (Some(v), Some(f)) => ws.write_number_with_format(row, col, v, f).map(|_| ()),
        (Some(v), None) => ws.write_number(row, col, v).map(|_| ()),
        (None, Some(f)) => ws.write_string_with_format(row, col, text, f).map(|_| ()),
        (None, None) if text.is_empty() => Ok(()),
        (None, None) => ws.write_string(row, col, text).map(|_| ()),
    }
}

/// Writes a sample sheet as its file: .xlsx with its merged title and header cells, or
/// CSV in GB18030 (what power-company systems export).
pub fn write_sample(
    s: &devzone_core::import::templates::Sample,
) -> Result<Vec<u8>, crate::IoError> {
    use devzone_core::import::templates::Out;
    if s.csv_gb18030 {
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in &s.rows {
            w.write_record(row.iter().map(|c| match c {
                Out::Text(t) => devzone_core::import::cells::formula_safe(t).into_owned(),
                Out::Number(n) => n.to_string(),
                Out::Empty => String::new(),
            }))?;
        }
        let text = String::from_utf8(
            w.into_inner()
                .map_err(|e| csv::Error::from(e.into_error()))?,
        )
        .expect("CSV of strings is UTF-8");
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        return Ok(bytes.into_owned());
    }
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    let bold = Format::new()
        .set_bold()
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    let merged_at: std::collections::HashSet<(u32, u16)> =
        s.merged.iter().map(|m| (m.0, m.1)).collect();
    for (r, row) in s.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if merged_at.contains(&(r, c)) {
                continue;
            }
            match cell {
                Out::Text(t) => ws.write_string(r, c, t)?,
                Out::Number(n) => ws.write_number(r, c, *n)?,
                Out::Empty => ws,
            };
        }
    }
    for &(r1, c1, r2, c2) in &s.merged {
        let text = match &s.rows[r1 as usize][c1 as usize] {
            Out::Text(t) => t.clone(),
            _ => String::new(),
        };
        ws.merge_range(r1, c1, r2, c2, &text, &bold)?;
    }
    for c in 0..s.rows.iter().map(Vec::len).max().unwrap_or(0) {
        ws.set_column_width(c as u16, 18)?;
    }
    Ok(wb.save_to_buffer()?)
}
