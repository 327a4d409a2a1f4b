//! Reading tables of text cells from CSV and spreadsheet files, one row at a time.
//!
//! CSV: UTF-8 with or without a byte-order mark is streamed; a file that is not UTF-8 is
//! decoded as GB18030 (a superset of GBK and GB2312, which Chinese Excel writes by default).
//! Spreadsheets (.xlsx, .xlsm, .xls, .ods): the first visible sheet; numbers that are whole
//! are written without a decimal point (2024, not 2024.0); dates as YYYY-MM-DD; error cells
//! as their Excel text (#DIV/0!), which no number parser accepts.

use calamine::{Data, Reader as _, SheetVisible};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is empty")]
    Empty(String),
    #[error("{0} is a spreadsheet (xlsx/zip) with a .csv name; rename it to .xlsx")]
    SpreadsheetNamedCsv(String),
    #[error("CSV line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("spreadsheet: {0}")]
    Sheet(String),
    #[error("{0}: unknown file type; use .csv, .xlsx, .xls or .ods")]
    UnknownType(String),
    /// Beyond one of `limits`: which limit, and where it was passed (a sheet and cell, or
    /// the file with the cells its sheets span).
    #[error("{}", .0.english())]
    Limit(Beyond),
    #[error("{0} has no visible sheet")]
    NoVisibleSheet(String),
}

/// Which of the `limits` a file passed, and where: what pages translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Beyond {
    /// A value in `cell` of `sheet`, right of the last column read.
    Columns { sheet: String, cell: String },
    /// More cells with a value than are read, counted at `cell`.
    Cells { sheet: String, cell: String },
    /// More text than is read, counted at `cell`.
    Text { sheet: String, cell: String },
    /// An .xls or .ods file whose sheets span `cells` cells.
    Extent { file: String, cells: u64 },
}

impl Beyond {
    /// The message in English (the command line's language).
    pub fn english(&self) -> String {
        match self {
            Beyond::Columns { sheet, cell } => format!(
                "sheet {sheet}: cell {cell} holds a value beyond column {}; devzone reads up to {} columns",
                column_letter(limits::MAX_COLUMNS - 1),
                limits::MAX_COLUMNS
            ),
            Beyond::Cells { sheet, cell } => format!(
                "sheet {sheet}: more than {} cells hold a value (at cell {cell}); split the sheet",
                limits::MAX_CELLS
            ),
            Beyond::Text { sheet, cell } => format!(
                "sheet {sheet}: more than {} MB of text (at cell {cell}); split the sheet",
                limits::MAX_TEXT_BYTES >> 20
            ),
            Beyond::Extent { file, cells } => format!(
                "{file}: its sheets span {cells} cells; devzone reads .xls and .ods workbooks of up to {} cells (save it as .xlsx, which is read by the cells that hold a value)",
                limits::MAX_EXTENT
            ),
        }
    }
}

/// Kinds of table file devzone reads, by extension.
pub fn is_spreadsheet(path: &Path) -> bool {
    matches!(
        extension(path).as_str(),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods"
    )
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Calls `map(line, cells)` for every row, the header included (line 1 is the first row),
/// in file order, and hands each result to `sink`, also in file order. For CSV, `map` runs
/// on the parsing thread, so the work it does overlaps with `sink`'s.
pub fn visit_rows<T: Send>(
    path: &Path,
    map: &(dyn Fn(usize, &[&str]) -> T + Sync),
    mut sink: impl FnMut(T),
) -> Result<(), ReadError> {
    let name = path.display().to_string();
    let io = |source| ReadError::Io {
        path: name.clone(),
        source,
    };
    match extension(path).as_str() {
        "csv" | "txt" => {
            let mut file = File::open(path).map_err(io)?;
            let mut head = vec![0u8; 64 * 1024];
            let n = read_up_to(&mut file, &mut head).map_err(io)?;
            head.truncate(n);
            if head.is_empty() {
                return Err(ReadError::Empty(name));
            }
            if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
                return Err(ReadError::SpreadsheetNamedCsv(name));
            }
            if looks_utf8(&head) {
                let file = File::open(path).map_err(io)?;
                return csv_rows(BufReader::with_capacity(1 << 20, file), map, &mut sink)
                    .map_err(CsvStop::into_error);
            }
            // The start is not UTF-8: decode the whole file as GB18030.
            let mut bytes = Vec::new();
            File::open(path)
                .map_err(io)?
                .read_to_end(&mut bytes)
                .map_err(io)?;
            let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
            csv_rows(text.as_bytes(), map, &mut sink).map_err(CsvStop::into_error)
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            sheet_rows(path, &mut |line, cells| sink(map(line, cells)))
        }
        _ => Err(ReadError::UnknownType(name)),
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// UTF-8, allowing a character cut at the end of the sample.
fn looks_utf8(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

enum CsvStop {
    /// The line that is not UTF-8 although the start of the file is.
    NotUtf8(u64),
    Error(ReadError),
}

impl CsvStop {
    fn into_error(self) -> ReadError {
        match self {
            CsvStop::NotUtf8(line) => ReadError::Csv {
                line,
                message: "this line is not UTF-8 although the start of the file is; save the whole file in one encoding".into(),
            },
            CsvStop::Error(e) => e,
        }
    }
}

/// Parses CSV and maps its rows on a second thread while `sink` consumes them on this one.
fn csv_rows<T: Send>(
    input: impl Read + Send,
    map: &(dyn Fn(usize, &[&str]) -> T + Sync),
    sink: &mut impl FnMut(T),
) -> Result<(), CsvStop> {
    const BATCH: usize = 4096;
    // Batches of mapped rows. A batch that ends early with `not_utf8` set stops the reading.
    struct Batch<T> {
        items: Vec<T>,
        /// The line that is not UTF-8, which ends the reading.
        not_utf8: Option<u64>,
    }
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch<T>>(2);
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || -> Result<(), ReadError> {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(input);
            let mut record = csv::StringRecord::new();
            let mut line = 0usize;
            loop {
                let mut batch = Batch {
                    items: Vec::with_capacity(BATCH),
                    not_utf8: None,
                };
                while batch.items.len() < BATCH {
                    match rdr.read_record(&mut record) {
                        Ok(true) => {
                            line += 1;
                            let mut cells: Vec<&str> = record.iter().collect();
                            if line == 1
                                && let Some(first) = cells.first_mut()
                            {
                                *first = first.trim_start_matches('\u{feff}');
                            }
                            batch.items.push(map(line, &cells));
                        }
                        Ok(false) => break,
                        Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                            batch.not_utf8 = Some(line as u64 + 1);
                            break;
                        }
                        Err(e) => {
                            return Err(ReadError::Csv {
                                line: e.position().map_or(line as u64 + 1, |p| p.line()),
                                message: e.to_string(),
                            });
                        }
                    }
                }
                let done = batch.items.len() < BATCH || batch.not_utf8.is_some();
                // The consumer has stopped (not UTF-8): nothing more to do.
                if full_tx.send(batch).is_err() || done {
                    return Ok(());
                }
            }
        });
        let mut outcome = Ok(());
        for batch in full_rx.iter() {
            let stop = batch.not_utf8;
            batch.items.into_iter().for_each(&mut *sink);
            if let Some(line) = stop {
                outcome = Err(CsvStop::NotUtf8(line));
                break;
            }
        }
        drop(full_rx);
        let parsed = parser.join().expect("CSV parser thread");
        outcome?;
        parsed.map_err(CsvStop::Error)
    })
}

fn sheet_rows(path: &Path, f: &mut impl FnMut(usize, &[&str])) -> Result<(), ReadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: name.clone(),
        source,
    })?;
    guarded(&name, || {
        let mut wb = open_sheets(&name, &bytes, sniff(&bytes))?;
        first_visible_sheet(&mut wb, &name, f).map(|_| ())
    })
}

/// Runs a spreadsheet reader so that a panic inside it (a malformed file the reader did
/// not expect) becomes an error about the file instead of ending the thread.
fn guarded<T>(name: &str, read: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(ReadError::Sheet(format!(
            "{name}: the spreadsheet cannot be read; it may be damaged"
        )))
    })
}

/// Opens a workbook held in memory by what its content is (OLE: .xls; ZIP: .xlsx, .xlsb
/// or .ods), after checking that an .xls or .ods one stays within `limits::MAX_EXTENT`.
fn open_sheets<'b>(
    name: &str,
    bytes: &'b [u8],
    content: Content,
) -> Result<calamine::Sheets<std::io::Cursor<&'b [u8]>>, ReadError> {
    let damaged = |e: String| {
        ReadError::Sheet(format!(
            "{name}: the spreadsheet cannot be opened ({e}); it may be damaged or truncated"
        ))
    };
    let within_extent = |cells: Option<u64>| match cells {
        Some(n) if n <= limits::MAX_EXTENT => Ok(()),
        Some(n) => Err(ReadError::Limit(Beyond::Extent {
            file: name.to_string(),
            cells: n,
        })),
        // What cannot be measured is not read: the reader would trust its claims.
        None => Err(damaged("its structure cannot be read".into())),
    };
    let cursor = std::io::Cursor::new(bytes);
    if content == Content::Ole {
        within_extent(crate::extent::xls(bytes))?;
        return Ok(calamine::Sheets::Xls(
            calamine::open_workbook_from_rs(cursor)
                .map_err(|e: calamine::XlsError| damaged(e.to_string()))?,
        ));
    }
    let xlsx_error = match calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(cursor.clone()) {
        Ok(x) => return Ok(calamine::Sheets::Xlsx(x)),
        Err(e) => e.to_string(),
    };
    if let Ok(b) = calamine::open_workbook_from_rs::<calamine::Xlsb<_>, _>(cursor.clone()) {
        return Ok(calamine::Sheets::Xlsb(b));
    }
    match crate::extent::ods(bytes) {
        Some(cells) => {
            within_extent(Some(cells))?;
            calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(cursor)
                .map(calamine::Sheets::Ods)
                .map_err(|e| damaged(e.to_string()))
        }
        None => Err(damaged(xlsx_error)),
    }
}

/// Calls `f(line, cells)` for every row of the workbook's first visible sheet (line 1 is
/// the sheet's first row). Returns that sheet's name and the other sheets, each with
/// whether it is hidden. .xlsx and .xlsb sheets are read cell by cell, holding only the
/// cells with a value; .xls and .ods ones as the rectangle their reader builds, whose size
/// `open_sheets` checked.
fn first_visible_sheet<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<RS>,
    name: &str,
    f: &mut impl FnMut(usize, &[&str]),
) -> Result<(String, Vec<(String, bool)>), ReadError> {
    let meta = wb.sheets_metadata().to_vec();
    let first = meta
        .iter()
        .find(|s| s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .ok_or_else(|| ReadError::NoVisibleSheet(name.to_string()))?;
    let others = meta
        .iter()
        .filter(|s| s.name != first)
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect();
    let sheet_error = |e: String| ReadError::Sheet(format!("{name}, sheet {first}: {e}"));
    let mut sparse = Sparse::new(&first);
    match wb {
        calamine::Sheets::Xlsx(x) => {
            let mut cells = x
                .worksheet_cells_reader(&first)
                .map_err(|e| sheet_error(e.to_string()))?;
            sparse.take(|| cells.next_cell().map_err(|e| sheet_error(e.to_string())))?;
        }
        calamine::Sheets::Xlsb(x) => {
            let mut cells = x
                .worksheet_cells_reader(&first)
                .map_err(|e| sheet_error(e.to_string()))?;
            sparse.take(|| cells.next_cell().map_err(|e| sheet_error(e.to_string())))?;
        }
        _ => {
            let range = wb
                .worksheet_range(&first)
                .map_err(|e| sheet_error(e.to_string()))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, d) in range.used_cells() {
                sparse.push(r0 + r as u32, c0 + c as u32, cell_text(d))?;
            }
        }
    }
    sparse.emit(f);
    Ok((first, others))
}

/// Limits on a sheet read for import or evaluation (docs/security.md). Memory follows the
/// cells that hold a value; a sheet beyond these limits is refused with a message that
/// says which limit, rather than read.
pub mod limits {
    /// A value in a column beyond this one (ALL) refuses the sheet.
    pub const MAX_COLUMNS: u32 = 1_000;
    /// Cells holding a value in the sheet read.
    pub const MAX_CELLS: usize = 5_000_000;
    /// Text held for the sheet (each cell counted up to the grid's cut of 4,096 bytes).
    pub const MAX_TEXT_BYTES: usize = 512 << 20;
    /// Cells of the rectangles an .xls or .ods workbook's sheets span, summed over its
    /// sheets: these formats are read by building every sheet's whole rectangle, so its
    /// size is checked before reading.
    pub const MAX_EXTENT: u64 = 4_000_000;
}

/// Cells with a value, collected in any order and handed out row by row.
struct Sparse<'a> {
    sheet: &'a str,
    cells: Vec<(u32, u32, String)>,
    text: usize,
    sorted: bool,
}

impl<'a> Sparse<'a> {
    fn new(sheet: &'a str) -> Self {
        Sparse {
            sheet,
            cells: Vec::new(),
            text: 0,
            sorted: true,
        }
    }

    fn push(&mut self, row: u32, col: u32, text: String) -> Result<(), ReadError> {
        if text.is_empty() {
            return Ok(());
        }
        let (sheet, cell) = (self.sheet.to_string(), a1(row, col));
        if col >= limits::MAX_COLUMNS {
            return Err(ReadError::Limit(Beyond::Columns { sheet, cell }));
        }
        if self.cells.len() >= limits::MAX_CELLS {
            return Err(ReadError::Limit(Beyond::Cells { sheet, cell }));
        }
        self.text += text.len().min(devzone_core::import::grid::MAX_CELL_BYTES);
        if self.text > limits::MAX_TEXT_BYTES {
            return Err(ReadError::Limit(Beyond::Text { sheet, cell }));
        }
        if self
            .cells
            .last()
            .is_some_and(|&(r, c, _)| (r, c) >= (row, col))
        {
            self.sorted = false;
        }
        self.cells.push((row, col, text));
        Ok(())
    }

    /// Calls `f(line, cells)` for every row from the first to the last that holds a value
    /// (rows between them with no value get no cells); cells start at the leftmost column
    /// that holds a value anywhere in the sheet, as the sheet's used range does.
    /// Takes every cell a cell reader hands out (the .xlsx and .xlsb readers differ only
    /// in their types).
    fn take<'d>(
        &mut self,
        mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'d>>>, ReadError>,
    ) -> Result<(), ReadError> {
        while let Some(cell) = next()? {
            let (r, c) = cell.get_position();
            // Shared strings are copied once, not through an owned `Data` first.
            let text = match cell.get_value() {
                calamine::DataRef::SharedString(s) => (*s).to_string(),
                calamine::DataRef::String(s) => s.clone(),
                other => cell_text(&Data::from(other.clone())),
            };
            self.push(r, c, text)?;
        }
        Ok(())
    }

    fn emit(mut self, f: &mut impl FnMut(usize, &[&str])) {
        if !self.sorted {
            // Stable, so that of two cells at one position the later one written wins.
            self.cells.sort_by_key(|&(r, c, _)| (r, c));
            let mut kept: Vec<(u32, u32, String)> = Vec::with_capacity(self.cells.len());
            for cell in self.cells.drain(..) {
                match kept.last_mut() {
                    Some(last) if (last.0, last.1) == (cell.0, cell.1) => *last = cell,
                    _ => kept.push(cell),
                }
            }
            self.cells = kept;
        }
        let Some(first_row) = self.cells.first().map(|c| c.0) else {
            return;
        };
        let first_col = self.cells.iter().map(|c| c.1).min().unwrap_or(0);
        let mut row_cells: Vec<&str> = Vec::new();
        let mut next_row = first_row;
        let mut i = 0;
        while i < self.cells.len() {
            let row = self.cells[i].0;
            while next_row < row {
                f(next_row as usize + 1, &[]);
                next_row += 1;
            }
            row_cells.clear();
            while i < self.cells.len() && self.cells[i].0 == row {
                let (_, col, text) = &self.cells[i];
                let at = (col - first_col) as usize;
                if row_cells.len() <= at {
                    row_cells.resize(at + 1, "");
                }
                row_cells[at] = text;
                i += 1;
            }
            f(row as usize + 1, &row_cells);
            next_row = row + 1;
        }
    }
}

/// A cell's position as a sheet names it (A1, XFD1048576).
fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letter(col), row as u64 + 1)
}

fn column_letter(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push(b'A' + r);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The text of a spreadsheet cell as an official would read it.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
        Data::Float(v) => ryu::Buffer::new().format(*v).to_string(),
        Data::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A whole sheet read for import, with what the reader noticed on the way.
pub struct SheetRead {
    pub grid: devzone_core::import::Grid,
    /// The sheet read (for a CSV file, the file name).
    pub sheet: String,
    /// Sheets not read: hidden ones, and visible ones after the first.
    pub other_sheets: Vec<(String, bool)>,
    /// The file's name says CSV but its content is a spreadsheet (or the reverse).
    pub misnamed: bool,
    /// The encoding a CSV file was read in.
    pub encoding: &'static str,
}

/// What a file's first bytes say it is, whatever its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Zip,
    Ole,
    Text,
}

fn sniff(bytes: &[u8]) -> Content {
    if bytes.starts_with(b"PK\x03\x04") {
        Content::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Content::Ole
    } else {
        Content::Text
    }
}

/// Reads a whole uploaded or named file into a grid: the first visible sheet of a
/// workbook, or every line of a CSV file in UTF-8 (with or without BOM), UTF-16 with BOM,
/// or GB18030. The content decides how it is read; the name only decides the message.
pub fn read_grid(name: &str, bytes: &[u8]) -> Result<SheetRead, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty(name.to_string()));
    }
    let ext = extension(Path::new(name));
    let content = sniff(bytes);
    let named_sheet = matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods");
    let named_text = matches!(ext.as_str(), "csv" | "txt");
    if !named_sheet && !named_text {
        return Err(ReadError::UnknownType(name.to_string()));
    }
    let misnamed = (content == Content::Text) == named_sheet;
    if content == Content::Text {
        if named_sheet && !looks_utf8(&bytes[..bytes.len().min(4096)]) {
            // A damaged workbook, not a CSV file with the wrong name.
            return Err(ReadError::Sheet(format!(
                "{name}: not a readable spreadsheet (the file does not start like one; it may be damaged or truncated)"
            )));
        }
        let (text, encoding) = decode_text(bytes)?;
        let mut grid = devzone_core::import::Grid::default();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut line = 0usize;
        loop {
            match rdr.read_record(&mut record) {
                Ok(true) => {
                    line += 1;
                    let cells: Vec<&str> = record.iter().collect();
                    grid.push_row(line, &cells);
                }
                Ok(false) => break,
                Err(e) => {
                    return Err(ReadError::Csv {
                        line: e.position().map_or(line as u64 + 1, |p| p.line()),
                        message: e.to_string(),
                    });
                }
            }
        }
        return Ok(SheetRead {
            grid,
            sheet: name.to_string(),
            other_sheets: Vec::new(),
            misnamed,
            encoding,
        });
    }
    let mut grid = devzone_core::import::Grid::default();
    let (first, other_sheets) = guarded(name, || {
        let mut wb = open_sheets(name, bytes, content)?;
        first_visible_sheet(&mut wb, name, &mut |line, cells| grid.push_row(line, cells))
    })?;
    Ok(SheetRead {
        grid,
        sheet: first,
        other_sheets,
        misnamed,
        encoding: "",
    })
}

/// Whether text that is valid UTF-8 holds Chinese written in UTF-8. A few GB18030 byte
/// pairs happen to be valid UTF-8 too (统 is CD B3), but they decode to Greek or Cyrillic,
/// not to a run of CJK ideographs.
fn utf8_chinese(valid: &[u8]) -> bool {
    std::str::from_utf8(valid).is_ok_and(|s| {
        s.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .nth(2)
            .is_some()
    })
}

/// Decodes CSV bytes: UTF-8 (BOM dropped), UTF-16 with a BOM, otherwise GB18030.
fn decode_text(bytes: &[u8]) -> Result<(std::borrow::Cow<'_, str>, &'static str), ReadError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, _) = enc.decode(bytes);
        return Ok((text, "UTF-16"));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((std::borrow::Cow::Borrowed(s), "UTF-8")),
        // Chinese written in UTF-8 before the bad byte: the file mixes encodings, and
        // reading it all as GB18030 would garble the part that was right.
        Err(e) if utf8_chinese(&bytes[..e.valid_up_to()]) => Err(ReadError::Csv {
            line: bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64 + 1,
            message: "this line is not UTF-8 although the lines before it are; save the whole file in one encoding".into(),
        }),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            Ok((text, "GB18030"))
        }
    }
}
