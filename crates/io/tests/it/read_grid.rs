//! Reading uploaded files for import: encodings, misnamed and damaged files, hidden
//! sheets, formulas and error cells; and arbitrary bytes, which must never panic.

use devzone_io::import::prepare;
use devzone_io::read::{ReadError, read_grid};
use proptest::prelude::*;
use rust_xlsxwriter::{Formula, Workbook};

const CSV: &str =
    "统一社会信用代码,企业名称,年度,营业收入(万元)\n91110000MA00000000,甲公司,2024,100\n";

fn xlsx(hidden_first: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    let hidden = wb.add_worksheet();
    hidden.set_name("旧表").unwrap();
    hidden.write_string(0, 0, "不应读取").unwrap();
    if hidden_first {
        hidden.set_hidden(true);
    }
    let ws = wb.add_worksheet();
    ws.set_name("数据").unwrap();
    // The active sheet cannot be hidden; Excel opens on this one.
    ws.set_active(true);
    for (c, h) in [
        "统一社会信用代码",
        "企业名称",
        "年度",
        "营业收入(万元)",
        "实缴税金(万元)",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "91110000MA00000000").unwrap();
    ws.write_string(1, 1, "甲公司").unwrap();
    ws.write_number(1, 2, 2024).unwrap();
    ws.write_formula(1, 3, Formula::new("=40+60").set_result("100"))
        .unwrap();
    ws.write_formula(1, 4, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn utf8_with_and_without_bom_gbk_and_utf16() {
    let plain = read_grid("a.csv", CSV.as_bytes()).unwrap();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(CSV.as_bytes());
    let bom = read_grid("a.csv", &bom).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
    let gbk = read_grid("a.csv", &gbk).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in CSV.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let utf16 = read_grid("a.csv", &utf16).unwrap();
    for r in [&bom, &gbk, &utf16] {
        assert_eq!(r.grid.row(0), plain.grid.row(0));
        assert_eq!(r.grid.row(1), plain.grid.row(1));
    }
    assert_eq!(
        (plain.encoding, gbk.encoding, utf16.encoding),
        ("UTF-8", "GB18030", "UTF-16")
    );
}

#[test]
fn a_file_mixing_utf8_and_gbk_is_refused_with_its_line() {
    let mut b = CSV.as_bytes().to_vec();
    let (gbk, _, _) = encoding_rs::GBK.encode("91110000MA00000001,乙公司,2024,5\n");
    b.extend_from_slice(&gbk);
    match read_grid("a.csv", &b) {
        Err(ReadError::Csv { line, .. }) => assert_eq!(line, 3),
        other => panic!("{:?}", other.map(|r| r.encoding)),
    }
}

#[test]
fn empty_damaged_misnamed_and_unknown_files() {
    assert!(matches!(read_grid("a.csv", b""), Err(ReadError::Empty(_))));
    let book = xlsx(false);
    let cut = &book[..book.len() / 2];
    let err = read_grid("a.xlsx", cut).err().unwrap().to_string();
    assert!(err.contains("damaged or truncated"), "{err}");
    assert!(matches!(
        read_grid("a.pdf", CSV.as_bytes()),
        Err(ReadError::UnknownType(_))
    ));
    // An xlsx named .csv is read by its content, with a warning.
    let p = prepare("a.csv", &book).unwrap();
    assert!(p.read.misnamed);
    assert!(p.notices.iter().any(|n| n.rule == "file.misnamed"));
}

#[test]
fn the_first_visible_sheet_is_read_and_hidden_ones_are_named() {
    let p = prepare("a.xlsx", &xlsx(true)).unwrap();
    assert_eq!(p.read.sheet, "数据");
    assert!(
        p.notices
            .iter()
            .any(|n| n.rule == "sheet.hidden" && n.value == "旧表")
    );
    // Formulas give their results; an error result is an error of that cell.
    let checked = p.check(&p.recognised(), devzone_core::import::Kind::Facts, None);
    let rules: Vec<(&str, String)> = checked
        .problems
        .iter()
        .map(|x| (x.rule.as_str(), x.column_letter()))
        .collect();
    assert!(
        rules.contains(&("cell.excel_error", "E".into())),
        "{rules:?}"
    );
    assert_eq!(p.read.grid.row(1)[3], "100");
}

#[test]
fn the_report_marks_the_cells_and_lists_the_problems() {
    let p = prepare("a.xlsx", &xlsx(true)).unwrap();
    let checked = p.check(&p.recognised(), devzone_core::import::Kind::Facts, None);
    let report = p
        .report_xlsx(
            &checked.problems,
            &devzone_core::import::message_en,
            ["line", "column", "header", "value", "rule", "message"],
        )
        .unwrap();
    let back = read_grid("r.xlsx", &report).unwrap();
    // The sheet comes back as it was read, so the marked cells are where they were.
    assert_eq!(back.grid.row(1)[4], "#DIV/0!");
    assert_eq!(back.grid.row(0)[0], "统一社会信用代码");
    assert!(back.other_sheets.iter().any(|(n, _)| n == "problems"));
}

/// A small .ods workbook with one sheet of `rows`.
fn ods(content_rows: &str) -> Vec<u8> {
    use std::io::Write;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">{content_rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

const ODS_ROWS: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>统一社会信用代码</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>营业收入(万元)</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="string"><text:p>91110000MA00000000</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="12.5"/></table:table-row>"#;

/// BIFF records for an .xls sheet: BOF, DIMENSIONS, cells (NUMBER and LABEL), EOF.
fn biff(cells: &[(u16, u16, f64)], dims: (u32, u32, u16, u16)) -> Vec<(u16, Vec<u8>)> {
    let mut recs = Vec::new();
    let mut d = Vec::new();
    d.extend_from_slice(&dims.0.to_le_bytes());
    d.extend_from_slice(&dims.1.to_le_bytes());
    d.extend_from_slice(&dims.2.to_le_bytes());
    d.extend_from_slice(&dims.3.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    recs.push((0x0200, d));
    for &(r, c, v) in cells {
        let mut n = Vec::new();
        n.extend_from_slice(&r.to_le_bytes());
        n.extend_from_slice(&c.to_le_bytes());
        n.extend_from_slice(&0u16.to_le_bytes());
        n.extend_from_slice(&v.to_le_bytes());
        recs.push((0x0203, n));
    }
    recs
}

/// The number of cases: `PROPTEST_CASES` when set (a longer fuzzing run), else `default`.
fn cases(default: u32) -> ProptestConfig {
    ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

proptest! {
    #![proptest_config(cases(400))]

    /// .xls workbooks of random cells and random DIMENSIONS: read or refused, never a
    /// panic or an allocation the machine cannot make.
    #[test]
    fn xls_of_any_shape_never_panics(
        cells in proptest::collection::vec((any::<u16>(), any::<u16>(), any::<f64>()), 0..20),
        dims in (any::<u32>(), any::<u32>(), any::<u16>(), any::<u16>()),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
    ) {
        let mut b = xls(&biff(&cells, dims));
        let n = b.len();
        for (i, v) in flips {
            b[i % n] = v;
        }
        if let Ok(r) = read_grid("a.xls", &b) {
            prop_assert!(r.grid.len() <= 65_536);
        }
    }

    /// .ods workbooks with bytes changed and repeat counts of any size.
    #[test]
    fn ods_of_any_shape_never_panics(
        rows in 0u64..u64::MAX, cols in 0u64..u64::MAX,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
    ) {
        let content = ODS_ROWS
            .replace("number-rows-repeated=\"3\"", &format!("number-rows-repeated=\"{rows}\""))
            + &format!(r#"<table:table-row><table:table-cell table:number-columns-repeated="{cols}"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#);
        let mut b = ods(&content);
        let n = b.len();
        for (i, v) in flips {
            b[i % n] = v;
        }
        let _ = read_grid("a.ods", &b);
    }

    /// CSV in every encoding devzone reads, with bytes changed: read or refused.
    #[test]
    fn csv_in_any_encoding_never_panics(
        enc in 0usize..4,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
    ) {
        let mut b = match enc {
            0 => CSV.as_bytes().to_vec(),
            1 => [&[0xEF, 0xBB, 0xBF][..], CSV.as_bytes()].concat(),
            2 => encoding_rs::GB18030.encode(CSV).0.into_owned(),
            _ => [0xFF, 0xFE].into_iter().chain(CSV.encode_utf16().flat_map(|u| u.to_le_bytes())).collect(),
        };
        let n = b.len();
        for (i, v) in flips {
            b[i % n] = v;
        }
        let _ = prepare("a.csv", &b);
    }

    /// Any bytes under any name: an error or a grid, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), name in proptest::sample::select(vec!["a.csv", "a.xlsx", "a.xls", "a.txt"])) {
        if let Ok(p) = prepare(name, &bytes) {
            let _ = p.check(&p.recognised(), devzone_core::import::Kind::Facts, Some(2024));
        }
    }

    /// Damaged workbooks: a real xlsx with bytes flipped or cut off.
    #[test]
    fn damaged_workbooks_never_panic(cut in 0usize..6000, flips in proptest::collection::vec((0usize..6000, any::<u8>()), 0..8)) {
        let mut b = xlsx(true);
        for (i, v) in flips {
            let n = b.len();
            b[i % n] = v;
        }
        b.truncate(cut.max(1).min(b.len()));
        if let Ok(p) = prepare("a.xlsx", &b) {
            let _ = p.check(&p.recognised(), devzone_core::import::Kind::Facts, Some(2024));
        }
    }
}

/// A workbook whose used range spans the whole sheet with two cells (1.6 KB): refused at
/// the column limit, not read into a 17-billion-cell rectangle.
#[test]
fn a_value_in_the_last_cell_of_the_sheet_is_refused_not_allocated() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "统一社会信用代码").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert!(bytes.len() < 8 * 1024);
    match read_grid("far.xlsx", &bytes) {
        Err(ReadError::Limit(b)) => {
            assert!(b.english().contains("XFD1048576"), "{b:?}");
            assert_eq!(
                b,
                devzone_io::read::Beyond::Columns {
                    sheet: "Sheet1".into(),
                    cell: "XFD1048576".into()
                }
            );
        }
        other => panic!("expected the limit, got {:?}", other.map(|r| r.grid.len())),
    }
}

/// Rows far apart cost what their cells cost: a value in the sheet's last row is read.
#[test]
fn a_value_in_the_last_row_is_read_with_memory_for_its_cells() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "统一社会信用代码").unwrap();
    ws.write_string(1_048_575, 3, "x").unwrap();
    let read = read_grid("tall.xlsx", &wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(read.grid.line(read.grid.len() - 1), 1_048_576);
    assert_eq!(read.grid.row(read.grid.len() - 1), vec!["", "", "", "x"]);
}

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

/// A legacy .xls: an OLE container with a BIFF8 workbook stream whose globals name one
/// sheet "S", made of `records` (after the sheet's BOF record).
fn xls(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let bof = |kind: u8| [0x00, 0x06, kind, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut stream = Vec::new();
    record(&mut stream, 0x0809, &bof(0x05));
    // BOUNDSHEET: where the sheet's BOF is, visible, a worksheet, named "S".
    let sheet_at = (stream.len() + (4 + 9) + 4) as u32;
    let mut sheet = sheet_at.to_le_bytes().to_vec();
    sheet.extend_from_slice(&[0, 0, 1, 0, b'S']);
    record(&mut stream, 0x0085, &sheet);
    record(&mut stream, 0x000A, &[]);
    assert_eq!(stream.len() as u32, sheet_at);
    record(&mut stream, 0x0809, &bof(0x10));
    for (typ, data) in records {
        record(&mut stream, *typ, data);
    }
    record(&mut stream, 0x000A, &[]);
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    {
        use std::io::Write;
        let mut s = file.create_stream("/Workbook").unwrap();
        s.write_all(&stream).unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// An .xls with cells is read as any sheet is.
#[test]
fn a_real_xls_is_read() {
    let mut n = Vec::new();
    n.extend_from_slice(&3u16.to_le_bytes());
    n.extend_from_slice(&2u16.to_le_bytes());
    n.extend_from_slice(&0u16.to_le_bytes());
    n.extend_from_slice(&12.5f64.to_le_bytes());
    let read = read_grid("a.xls", &xls(&[(0x0203, n)])).unwrap();
    assert_eq!(read.sheet, "S");
    assert_eq!(read.grid.line(0), 4);
    assert_eq!(read.grid.row(0), vec!["12.5"]);
}

/// A DIMENSIONS record claiming four billion rows made the reader reserve them and the
/// process abort; the extent is checked before the reader sees the file.
#[test]
fn an_xls_claiming_billions_of_cells_is_refused() {
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&u32::MAX.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&255u16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    let bytes = xls(&[(0x0200, dims)]);
    match read_grid("dims.xls", &bytes) {
        Err(ReadError::Limit(b)) => assert!(b.english().contains("cells"), "{b:?}"),
        other => panic!("expected the limit, got {:?}", other.map(|r| r.grid.len())),
    }
}

/// An .ods whose table repeats an empty row a million times and then has a value 1,000
/// columns wide: refused by its extent before the reader builds the rectangle.
#[test]
fn an_ods_spanning_a_billion_cells_is_refused() {
    let bytes = ods(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    );
    match read_grid("wide.ods", &bytes) {
        Err(ReadError::Limit(b)) => assert!(b.english().contains("cells"), "{b:?}"),
        other => panic!("expected the limit, got {:?}", other.map(|r| r.grid.len())),
    }
}
