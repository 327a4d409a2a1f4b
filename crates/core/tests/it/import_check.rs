//! Checking sheets for import: header variants and units, the cell forms bureaus write,
//! and every kind of bad row, each reported at its line and column with its rule.

use devzone_core::facts::{Centi, FactField};
use devzone_core::import::rows::FactValue;
use devzone_core::import::{Grid, Kind, Layout, Mapping, Severity, check};
use proptest::prelude::*;

/// Valid codes from the demo generator (their check characters are right).
fn codes(n: usize) -> Vec<String> {
    devzone_core::import::templates::demo_enterprises(0, n)
        .into_iter()
        .map(|e| e.code)
        .collect()
}

fn grid(rows: &[Vec<String>]) -> Grid {
    let mut g = Grid::default();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        g.push_row(i + 1, &cells);
    }
    g
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn run(rows: &[Vec<String>], kind: Kind, year: Option<i32>) -> devzone_core::import::Checked {
    let g = grid(rows);
    let layout = Layout::detect(&g).expect("a header");
    let m = Mapping::recognise(&layout.headers);
    check(&g, &layout, &m, kind, year)
}

fn value(r: &devzone_core::import::Record, f: FactField) -> Option<i64> {
    r.facts.iter().find_map(|(k, v)| match v {
        FactValue::Number(Centi(c)) if *k == f => Some(*c),
        _ => None,
    })
}

#[test]
fn units_in_headers_convert_to_stored_units() {
    let c = codes(1);
    let out = run(
        &[
            row(&[
                "纳税人识别号",
                "纳税人名称",
                "所属年度",
                "实缴税金（万元）",
                "营业收入(千元)",
                "用电量(万千瓦时)",
                "用地面积(亩)",
                "占地面积(公顷)",
                "综合能耗(万吨标准煤)",
            ]),
            row(&[&c[0], "甲", "2024", "1.5", "2,000", "3", "15", "", "0.01"]),
        ],
        Kind::Facts,
        None,
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let r = &out.records[0];
    assert_eq!(value(r, FactField::Tax), Some(1_500_000)); // 1.5 万元 = 15,000 元
    assert_eq!(value(r, FactField::Revenue), Some(200_000_000)); // 2,000 千元 = 2,000,000 元
    assert_eq!(value(r, FactField::Electricity), Some(3_000_000)); // 3 万 kWh
    assert_eq!(value(r, FactField::LandArea), Some(1_000_000)); // 15 亩 = 10,000 m²
    assert_eq!(value(r, FactField::EnergyTce), Some(10_000)); // 0.01 万 tce = 100 tce
}

#[test]
fn english_headers_and_a_year_given_outside_the_file() {
    let c = codes(1);
    let out = run(
        &[
            row(&["Credit code", "Name", "Revenue", "Taxes paid"]),
            row(&[&c[0], "A", "100", "5"]),
        ],
        Kind::Facts,
        Some(2023),
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.records[0].year, Some(2023));
    let refused = run(
        &[
            row(&["Credit code", "Name", "Revenue"]),
            row(&[&c[0], "A", "100"]),
        ],
        Kind::Facts,
        None,
    );
    assert!(refused.refused());
    assert_eq!(refused.problems.last().unwrap().rule, "year.required");
}

#[test]
fn each_bad_cell_is_reported_where_it_is() {
    let c = codes(6);
    let bad_check = format!(
        "{}{}",
        &c[1][..17],
        if c[1].ends_with('0') { '1' } else { '0' }
    );
    let spaced = format!(
        "{} {}",
        &c[2][..6].to_lowercase(),
        &c[2][6..].to_lowercase()
    );
    let huge = "九".repeat(400_000);
    let out = run(
        &[
            row(&[
                "统一社会信用代码",
                "企业名称",
                "年度",
                "营业收入(万元)",
                "实缴税金(万元)",
                "是否规上",
            ]),
            row(&[&c[0], "甲", "2024", "#N/A", "1", "是"]),
            row(&[&bad_check, "乙", "2024", "1", "1", "是"]),
            row(&[&spaced, "丙", "2024年", "１，２３４．５", "-3", "否"]),
            row(&[&c[3], "丁", "24", "1", "1", "也许"]),
            row(&[&c[4], &huge, "2024", "12%", "1", ""]),
        ],
        Kind::Facts,
        None,
    );
    let found: Vec<(usize, String, &str)> = out
        .problems
        .iter()
        .map(|p| (p.line, p.column_letter(), p.rule.as_str()))
        .collect();
    let want = [
        (2, "D".to_string(), "cell.excel_error"),
        (3, "A".to_string(), "credit_code.check"),
        (4, "A".to_string(), "credit_code.normalised"),
        (4, "E".to_string(), "number.negative"),
        (5, "C".to_string(), "year.format"),
        (5, "F".to_string(), "flag.format"),
        (6, "B".to_string(), "text.too_long"),
        (6, "D".to_string(), "number.percent"),
    ];
    for w in &want {
        assert!(
            found
                .iter()
                .any(|f| (f.0, f.1.as_str(), f.2) == (w.0, w.1.as_str(), w.2)),
            "missing {w:?} in {found:?}"
        );
    }
    // All five rows have an error; the normalised code is only a warning.
    assert_eq!((out.rows_read, out.rejected), (5, 5));
    let normalised = out
        .problems
        .iter()
        .find(|p| p.rule == "credit_code.normalised")
        .unwrap();
    assert_eq!(normalised.severity, Severity::Warning);
    assert_eq!(normalised.detail.as_deref(), Some(c[2].as_str()));
    // Values in reports are cut to 60 characters.
    assert!(out.problems.iter().all(|p| p.value.chars().count() <= 61));
}

#[test]
fn repeated_rows_and_one_code_under_two_names() {
    let c = codes(3);
    let out = run(
        &[
            row(&["统一社会信用代码", "企业名称", "年度", "营业收入(万元)"]),
            row(&[&c[0], "甲", "2024", "1"]),
            row(&[&c[0], "甲", "2024", "1"]),
            row(&[&c[1], "乙", "2024", "1"]),
            row(&[&c[1], "乙", "2024", "2"]),
            row(&[&c[2], "丙", "2024", "1"]),
            row(&[&c[2], "丙二", "2023", "1"]),
        ],
        Kind::Facts,
        None,
    );
    let rules: Vec<(usize, &str)> = out
        .problems
        .iter()
        .map(|p| (p.line, p.rule.as_str()))
        .collect();
    assert!(rules.contains(&(3, "row.duplicate")));
    assert!(rules.contains(&(4, "row.conflict")) && rules.contains(&(5, "row.conflict")));
    assert!(rules.contains(&(7, "credit_code.two_names")));
    // Kept: line 2 (its repeat dropped) and line 6.
    let kept: Vec<usize> = out.records.iter().map(|r| r.line).collect();
    assert_eq!(kept, vec![2, 6]);
}

#[test]
fn a_register_needs_names_and_industry_codes() {
    let c = codes(2);
    let out = run(
        &[
            row(&[
                "统一社会信用代码",
                "企业名称",
                "行业代码",
                "登记注册类型",
                "成立日期",
                "注册资本(万元)",
            ]),
            row(&[&c[0], "甲", "C3484", "私营企业", "2019/3/1", "500"]),
            row(&[&c[1], "乙", "9999", "火星企业", "明天", "-1"]),
        ],
        Kind::Enterprises,
        None,
    );
    let r = &out.records[0];
    assert_eq!(r.attrs.industry_code.as_deref(), Some("3484"));
    assert_eq!(
        r.attrs.ownership,
        Some(devzone_core::model::Ownership::Private)
    );
    assert_eq!(
        r.attrs.founded_on,
        chrono::NaiveDate::from_ymd_opt(2019, 3, 1)
    );
    assert_eq!(r.attrs.registered_capital, Some(Centi(500_000_000)));
    let rules: Vec<&str> = out.problems.iter().map(|p| p.rule.as_str()).collect();
    assert_eq!(
        rules,
        vec![
            "industry_code.unknown",
            "ownership.unknown",
            "date.format",
            "number.negative"
        ]
    );
    let missing = run(
        &[row(&["统一社会信用代码", "年度"]), row(&[&c[0], "2024"])],
        Kind::Enterprises,
        None,
    );
    assert!(missing.refused());
}

#[test]
fn a_unit_that_does_not_fit_refuses_the_file() {
    let c = codes(1);
    let out = run(
        &[
            row(&["统一社会信用代码", "年度", "营业收入(亩)"]),
            row(&[&c[0], "2024", "1"]),
        ],
        Kind::Facts,
        None,
    );
    assert!(out.refused());
    assert_eq!(out.problems[0].rule, "unit.mismatch");
    assert_eq!(out.records.len(), 0);
}

#[test]
fn a_header_only_file_has_no_data() {
    let out = run(
        &[row(&["统一社会信用代码", "年度", "营业收入"])],
        Kind::Facts,
        None,
    );
    assert!(out.refused());
    assert_eq!(out.problems[0].rule, "file.no_data");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the cells hold, checking never panics, every row is either kept or
    /// rejected, and every error names a real line of the sheet.
    #[test]
    fn checking_arbitrary_cells_never_panics(
        cells in proptest::collection::vec(proptest::collection::vec(".{0,24}", 0..7), 0..30),
        header in proptest::sample::select(vec!["统一社会信用代码,企业名称,年度,营业收入(万元),用电量(千瓦时),是否规上", "纳税人识别号,纳税人名称,实缴税金(元),所属年度"]),
    ) {
        let mut rows = vec![header.split(',').map(str::to_string).collect::<Vec<_>>()];
        rows.extend(cells);
        let g = grid(&rows);
        if let Some(layout) = Layout::detect(&g) {
            let m = Mapping::recognise(&layout.headers);
            for kind in [Kind::Facts, Kind::Enterprises] {
                let out = check(&g, &layout, &m, kind, Some(2024));
                prop_assert!(out.records.len() + out.rejected <= out.rows_read);
                prop_assert!(out.problems.iter().all(|p| p.line <= rows.len()));
            }
        }
    }
}

/// The business scope and main products columns (for chain suggestions) are recognised and
/// carried on the record.
#[test]
fn business_scope_and_products_columns() {
    use devzone_core::import::{Attr, Grid, Kind, Layout, Mapping, Target, check};
    let mut g = Grid::default();
    g.push_row(
        1,
        &[
            "统一社会信用代码",
            "单位名称",
            "行业代码",
            "经营范围",
            "主营产品",
        ],
    );
    let code = codes(1).remove(0);
    g.push_row(
        2,
        &[
            &code,
            "北京某某传动科技有限公司",
            "3453",
            "谐波减速器的研发、生产",
            "谐波减速器",
        ],
    );
    let layout = Layout::detect(&g).unwrap();
    let m = Mapping::recognise(&layout.headers);
    assert_eq!(m.column_of(Target::Attr(Attr::BusinessScope)), Some(3));
    assert_eq!(m.column_of(Target::Attr(Attr::MainProducts)), Some(4));
    let c = check(&g, &layout, &m, Kind::Enterprises, None);
    assert!(!c.records.is_empty(), "{:?}", c.problems);
    let r = &c.records[0];
    assert_eq!(
        r.attrs.business_scope.as_deref(),
        Some("谐波减速器的研发、生产")
    );
    assert_eq!(r.attrs.main_products.as_deref(), Some("谐波减速器"));
}
