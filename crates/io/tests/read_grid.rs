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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

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
