//! Spreadsheet and CSV output for lists, and reading tables of text cells from files.

mod extent;
pub mod import;
pub mod read;

use rust_xlsxwriter::{Format, Workbook};

#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
}

/// A cell of an exported table: numbers stay numbers so officials can sum them in Excel.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// A table with a header row, ready to write.
pub struct Table {
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes the table as an .xlsx workbook with a bold, frozen header row and autofilter.
pub fn to_xlsx(t: &Table) -> Result<Vec<u8>, IoError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&t.sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).max(12.0))?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, c, *n)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if !t.headers.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, t.headers.len() as u16 - 1)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes the table as UTF-8 CSV with a byte-order mark, which Excel needs to read
/// Chinese; text that starts like a formula is written so that it is shown, not run.
pub fn to_csv(t: &Table) -> Result<Vec<u8>, IoError> {
    use devzone_core::import::cells::formula_safe;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(t.headers.iter().map(|h| formula_safe(h).into_owned()))?;
    for row in &t.rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(s) => formula_safe(s).into_owned(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }))?;
    }
    Ok(w.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_real_workbook_and_csv() {
        let t = Table {
            sheet: "企业".into(),
            headers: vec!["名称".into(), "营收".into()],
            rows: vec![
                vec![Cell::Text("甲公司".into()), Cell::Number(12.5)],
                vec![Cell::Text("乙".into()), Cell::Empty],
            ],
        };
        let x = to_xlsx(&t).unwrap();
        assert_eq!(&x[..2], b"PK", "an xlsx is a zip");
        let c = String::from_utf8(to_csv(&t).unwrap()).unwrap();
        assert_eq!(c, "\u{feff}名称,营收\n甲公司,12.5\n乙,\n");
        let hostile = Table {
            sheet: "企业".into(),
            headers: vec!["名称".into()],
            rows: vec![vec![Cell::Text("=HYPERLINK(\"http://evil\")".into())]],
        };
        let c = String::from_utf8(to_csv(&hostile).unwrap()).unwrap();
        assert_eq!(c, "\u{feff}名称\n\"'=HYPERLINK(\"\"http://evil\"\")\"\n");
    }
}
