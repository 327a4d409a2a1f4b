//! The rectangle an .xls or .ods workbook will span when read, found by a quick pass over
//! its records before the reader builds it. Both formats are read by allocating every
//! sheet's whole rectangle (and .xls reserves what its DIMENSIONS records claim), so a
//! file of a few bytes could otherwise ask for gigabytes; see `read::limits`.

use std::io::{BufReader, Cursor, Read};

/// Cells the .xls workbook's sheets will occupy when read; None when its container cannot
/// be read (the reader then reports the damage). Each sheet is walked from where the
/// workbook's BOUNDSHEET records say it starts, record by record as the reader walks it,
/// so that what is counted is what the reader would allocate.
pub fn xls(bytes: &[u8]) -> Option<u64> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .ok()?
        .take(bytes.len() as u64 * 2)
        .read_to_end(&mut stream)
        .ok()?;
    let sheets = Records(&stream)
        .filter(|(typ, data)| *typ == 0x0085 && data.len() >= 4)
        .map(|(_, d)| u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize)
        .filter(|&at| at < stream.len());
    Some(
        sheets
            .map(|at| sheet_cells(&stream[at..]))
            .fold(0, u64::saturating_add),
    )
}

/// BIFF records (type, data) in stream order; CONTINUE records go with the record before
/// them, as the reader takes them. Ends at the first record that does not fit.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        let s = self.0;
        if s.len() < 4 {
            return None;
        }
        let typ = u16::from_le_bytes([s[0], s[1]]);
        let len = u16::from_le_bytes([s[2], s[3]]) as usize;
        if s.len() < 4 + len {
            self.0 = &[];
            return None;
        }
        let data = &s[4..4 + len];
        let mut rest = &s[4 + len..];
        while rest.len() > 4 && u16::from_le_bytes([rest[0], rest[1]]) == 0x003C {
            let n = u16::from_le_bytes([rest[2], rest[3]]) as usize;
            if rest.len() < 4 + n {
                rest = &[];
                break;
            }
            rest = &rest[4 + n..];
        }
        self.0 = rest;
        Some((typ, data))
    }
}

/// What reading one sheet starting at `s` reserves and builds: the rectangles its
/// DIMENSIONS records claim and the rectangle of its cells, up to its EOF record;
/// substreams nested in it (embedded charts) are skipped, as the reader skips them.
fn sheet_cells(s: &[u8]) -> u64 {
    let mut total = 0u64;
    let mut section = Section::default();
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, data) in Records(s) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let u16_at = |k: usize| data.get(k..k + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            // DIMENSIONS: the reader reserves room for the rectangle it claims.
            0x0200 => total = total.saturating_add(dimensions(data)),
            // NUMBER, LABEL, RSTRING, LABELSST, RK, BOOLERR, FORMULA: row, column first.
            0x0203 | 0x0204 | 0x00D6 | 0x00FD | 0x027E | 0x0205 | 0x0006 => {
                if let (Some(r), Some(c)) = (u16_at(0), u16_at(2)) {
                    section.cell(r, c, typ == 0x0006);
                }
            }
            // MULRK: row, first column, …, last column.
            0x00BD if data.len() >= 6 => {
                if let (Some(r), Some(c)) = (u16_at(0), u16_at(data.len() - 2)) {
                    section.cell(r, c, false);
                }
            }
            _ => {}
        }
    }
    total.saturating_add(section.cells())
}

#[derive(Default)]
struct Section {
    max: Option<(u16, u16)>,
    formulas: bool,
}

impl Section {
    fn cell(&mut self, r: u16, c: u16, formula: bool) {
        let (mr, mc) = self.max.unwrap_or((0, 0));
        self.max = Some((mr.max(r), mc.max(c)));
        self.formulas |= formula;
    }

    /// The cells of the rectangle from A1 to the furthest cell (twice when formulas are
    /// present: the reader builds a second rectangle for them).
    fn cells(&self) -> u64 {
        let Some((r, c)) = self.max else { return 0 };
        let area = (r as u64 + 1) * (c as u64 + 1);
        if self.formulas { area * 2 } else { area }
    }
}

/// What the reader reserves for a DIMENSIONS record: it takes rows and columns as
/// `last - first + 1` in 32-bit arithmetic, so a record with first above last claims
/// billions of cells.
fn dimensions(r: &[u8]) -> u64 {
    let u16_at = |k: usize| u16::from_le_bytes([r[k], r[k + 1]]) as u32;
    let u32_at = |k: usize| u32::from_le_bytes([r[k], r[k + 1], r[k + 2], r[k + 3]]);
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return 1;
    }
    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1) as u64;
    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1) as u64;
    rows.saturating_mul(cols)
}

/// Cells the .ods workbook's tables will occupy when read: for each table, the rectangle
/// from A1 to the furthest cell holding content, repeated rows and columns counted as
/// many times as they repeat. None when the file cannot be read as ODS.
pub fn ods(bytes: &[u8]) -> Option<u64> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let content = zip.by_name("content.xml").ok()?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut total = 0u64;
    // Per table: the next row's index, the current row's repeat count, the next column.
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    let mut furthest: Option<(u64, u64)> = None;
    let area = |f: Option<(u64, u64)>| f.map_or(0, |(r, c)| (r + 1).saturating_mul(c + 1));
    loop {
        let event = xml.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let repeat = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == key)
                        .and_then(|a| a.value.parse::<u64>().ok())
                        .unwrap_or(1)
                        .max(1)
                };
                match e.local_name().as_ref() {
                    "table" if !empty => {
                        total = total.saturating_add(area(furthest.take()));
                        (row, row_repeat, col) = (0, 1, 0);
                    }
                    "table-row" => {
                        row_repeat = repeat("number-rows-repeated");
                        col = 0;
                        if empty {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        let n = repeat("number-columns-repeated");
                        let has_value = !empty
                            || e.attributes()
                                .flatten()
                                .any(|a| a.key.local_name().as_ref() == "value-type");
                        if has_value {
                            let last_col = col.saturating_add(n - 1);
                            let last_row = row.saturating_add(row_repeat - 1);
                            let (fr, fc) = furthest.unwrap_or((0, 0));
                            furthest = Some((fr.max(last_row), fc.max(last_col)));
                        }
                        col = col.saturating_add(n);
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Some(total.saturating_add(area(furthest)))
}
