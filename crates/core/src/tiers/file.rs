//! Rows of the tier file mode (tier spec §A): the header with Chinese aliases and unit
//! suffixes, each row read into an [`Input`], and the rules that make a row invalid (a bad
//! credit code, a number that is not one, a negative amount; the repeated credit code is
//! the caller's, as it needs the rows before).

use super::amount::{Amount, NumberError};
use super::innovative_2022::{Input, Level, parse_honours, parse_yes};
use crate::CreditCode;
use crate::evaluation::table::{split_unit, truncate};
use crate::reference::{IndustryEdition, industries};

/// The columns of §A (and `industry_code`, which refines the size test), with their
/// accepted headers. A header is matched without case, spaces or a unit suffix.
const FIELDS: [(&str, &[&str]); 23] = [
    (
        "credit_code",
        &["统一社会信用代码", "社会信用代码", "信用代码"],
    ),
    ("name", &["企业名称", "名称", "单位名称"]),
    ("section", &["行业门类", "门类", "所属门类"]),
    ("industry_code", &["行业代码", "国民经济行业代码"]),
    ("employees", &["从业人员", "从业人数", "职工人数"]),
    ("revenue", &["营业收入", "上年营业收入"]),
    ("main_revenue", &["主营业务收入", "上年主营业务收入"]),
    (
        "main_revenue_prev",
        &["前年主营业务收入", "上上年主营业务收入"],
    ),
    ("rd_expense", &["研发费用", "研发投入", "上年研发费用"]),
    ("total_assets", &["资产总额", "总资产"]),
    ("total_liabilities", &["负债总额", "总负债"]),
    (
        "ip_class1_high_value",
        &["高价值ⅰ类知识产权", "高价值i类知识产权"],
    ),
    (
        "ip_class1_self",
        &["自主研发ⅰ类知识产权", "自主研发i类知识产权"],
    ),
    ("ip_class1", &["ⅰ类知识产权", "i类知识产权"]),
    ("ip_class2", &["ⅱ类知识产权", "ii类知识产权"]),
    (
        "equity_financing_3y",
        &["股权融资", "近三年股权融资", "近3年股权融资"],
    ),
    ("sei_field", &["战略性新兴产业", "属于战略性新兴产业"]),
    ("honours", &["荣誉", "荣誉资质"]),
    ("award_3y", &["科技奖励", "近三年科技奖励", "近3年科技奖励"]),
    ("rd_institution", &["研发机构", "研发机构级别"]),
    ("abnormal_list", &["经营异常名录", "列入经营异常名录"]),
    ("dishonest_list", &["严重失信名单", "失信名单"]),
    (
        "major_accident_3y",
        &["重大安全事故", "近三年重大安全事故", "近3年重大安全事故"],
    ),
];

const CREDIT_CODE: usize = 0;
const NAME: usize = 1;
const SECTION: usize = 2;
const INDUSTRY_CODE: usize = 3;
/// Number columns: 4..=15. Of them, amounts of money (which take a 元/万元/亿元 suffix).
const NUMBERS: std::ops::RangeInclusive<usize> = 4..=15;
const MONEY: [usize; 7] = [5, 6, 7, 8, 9, 10, 15];

/// Where each field is in the file, and the power of ten its unit suffix scales by.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    at: [Option<(usize, u32)>; 23],
    /// The file's headers, for the problems' column names.
    pub headers: Vec<String>,
    /// Headers not recognised, which are ignored.
    pub ignored: Vec<String>,
}

/// A rejected cell: where, what, which rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub column: String,
    pub value: String,
    pub rule: &'static str,
    pub message: String,
}

fn normal_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Recognises the header row. Fails when the credit code column is missing, a field
/// appears twice, or a unit suffix is not one of its field's units.
pub fn map_columns(cells: &[&str]) -> Result<Columns, String> {
    let mut cols = Columns {
        headers: cells.iter().map(|c| c.trim().to_string()).collect(),
        ..Columns::default()
    };
    for (i, h) in cells.iter().enumerate() {
        let (name, unit) = split_unit(h);
        let name = normal_name(&name);
        if name.is_empty() {
            continue;
        }
        let Some(f) = FIELDS
            .iter()
            .position(|(id, zh)| *id == name || zh.contains(&name.as_str()))
        else {
            cols.ignored.push(h.trim().to_string());
            continue;
        };
        let exp = match unit.as_deref() {
            None | Some("") => 0,
            Some(u) if MONEY.contains(&f) => match u {
                "元" | "yuan" => 0,
                "万元" => 4,
                "亿元" => 8,
                _ => {
                    return Err(format!(
                        "header {h:?}: {u:?} is not a unit of money (元, 万元, 亿元)"
                    ));
                }
            },
            Some("人" | "件" | "项" | "个" | "家") if NUMBERS.contains(&f) => 0,
            Some(u) if NUMBERS.contains(&f) => {
                return Err(format!(
                    "header {h:?}: {u:?} is not a unit of {}",
                    FIELDS[f].0
                ));
            }
            // Text fields: a suffix such as (是/否) explains the values.
            Some(_) => 0,
        };
        if cols.at[f].replace((i, exp)).is_some() {
            return Err(format!(
                "column {} appears twice (header {h:?})",
                FIELDS[f].0
            ));
        }
    }
    if cols.at[CREDIT_CODE].is_none() {
        return Err(format!(
            "no credit_code column (统一社会信用代码); headers found: {}",
            cols.headers.join(", ")
        ));
    }
    Ok(cols)
}

/// Removes spaces (ASCII and full-width) and upper-cases, as the registry stores a code.
pub fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A section letter, or a section's Chinese name (制造业 → C).
fn parse_section(cell: &str) -> Option<u8> {
    let t = cell.trim();
    if t.len() == 1 {
        let b = t.as_bytes()[0].to_ascii_uppercase();
        return b.is_ascii_uppercase().then_some(b);
    }
    if t.is_empty() {
        return None;
    }
    industries(IndustryEdition::Amended)
        .sections()
        .find(|s| s.name == t)
        .map(|s| s.code.as_bytes()[0])
}

/// One data row read: the credit code as written out, the verified code (for the repeat
/// rule), and the input or the row's problems.
#[derive(Debug)]
pub struct RowRead {
    pub code: String,
    pub key: Option<[u8; 18]>,
    pub input: Result<Input, Vec<Problem>>,
    /// Values of enumerated fields that mean nothing to the rules (counted for nothing),
    /// as (column, value), for the run's report.
    pub ignored: Vec<(String, String)>,
}

impl Columns {
    fn cell<'a>(&self, cells: &[&'a str], f: usize) -> &'a str {
        self.at[f]
            .and_then(|(i, _)| cells.get(i).copied())
            .unwrap_or("")
    }

    fn column(&self, f: usize) -> String {
        self.at[f]
            .and_then(|(i, _)| self.headers.get(i).cloned())
            .unwrap_or_else(|| FIELDS[f].0.to_string())
    }

    /// Reads one data row.
    pub fn read(&self, cells: &[&str]) -> RowRead {
        let mut problems = Vec::new();
        let raw = self.cell(cells, CREDIT_CODE);
        let key = if raw.trim().is_empty() {
            problems.push(Problem {
                column: self.column(CREDIT_CODE),
                value: String::new(),
                rule: "credit_code.missing",
                message: "no credit code".into(),
            });
            None
        } else {
            match CreditCode::check(raw) {
                Ok(k) => Some(k),
                Err(e) => {
                    problems.push(Problem {
                        column: self.column(CREDIT_CODE),
                        value: truncate(raw),
                        rule: e.rule(),
                        message: e.to_string(),
                    });
                    None
                }
            }
        };
        let code = match &key {
            Some(k) => std::str::from_utf8(k).expect("ASCII").to_string(),
            None => normalise_code(raw),
        };
        let mut numbers = [None; 12];
        for (k, f) in NUMBERS.enumerate() {
            let Some((_, exp)) = self.at[f] else { continue };
            let cell = self.cell(cells, f);
            let fail = |problems: &mut Vec<Problem>, rule: &'static str, message: String| {
                problems.push(Problem {
                    column: self.column(f),
                    value: truncate(cell),
                    rule,
                    message,
                })
            };
            match Amount::parse_scaled(cell, exp).map(|v| v.map(Some)) {
                Ok(None) => {}
                Ok(Some(None)) => fail(
                    &mut problems,
                    NumberError::TooLarge.rule(),
                    NumberError::TooLarge.message().into(),
                ),
                Ok(Some(Some(v))) if v.is_negative() => fail(
                    &mut problems,
                    "number.negative",
                    format!("{} must not be negative", FIELDS[f].0),
                ),
                Ok(Some(Some(v))) => numbers[k] = Some(v),
                Err(e) => fail(&mut problems, e.rule(), e.message().into()),
            }
        }
        if !problems.is_empty() {
            return RowRead {
                code,
                key,
                input: Err(problems),
                ignored: Vec::new(),
            };
        }
        let mut ignored = Vec::new();
        let mut level = |f: usize| {
            let cell = self.cell(cells, f).trim();
            let l = Level::parse(cell);
            if l.is_none() && !cell.is_empty() {
                ignored.push((self.column(f), truncate(cell)));
            }
            l
        };
        let award_3y = level(18);
        let rd_institution = level(19);
        let (honours, unknown) = parse_honours(self.cell(cells, 17));
        for u in unknown {
            ignored.push((self.column(17), truncate(&u)));
        }
        let industry_code = Some(self.cell(cells, INDUSTRY_CODE).trim())
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        let section = parse_section(self.cell(cells, SECTION)).or_else(|| {
            let code = industry_code.as_deref()?;
            let e = industries(IndustryEdition::Amended).get(code)?;
            e.section.bytes().next()
        });
        let yes = |f: usize| parse_yes(self.cell(cells, f));
        let [
            employees,
            revenue,
            main_revenue,
            main_revenue_prev,
            rd_expense,
            total_assets,
            total_liabilities,
            ip_class1_high_value,
            ip_class1_self,
            ip_class1,
            ip_class2,
            equity_financing_3y,
        ] = numbers;
        RowRead {
            code,
            key,
            input: Ok(Input {
                section,
                industry_code,
                employees,
                revenue,
                main_revenue,
                main_revenue_prev,
                rd_expense,
                total_assets,
                total_liabilities,
                ip_class1_high_value,
                ip_class1_self,
                ip_class1,
                ip_class2,
                sei_field: yes(16),
                honours,
                award_3y,
                rd_institution,
                equity_financing_3y,
                abnormal_list: yes(20),
                dishonest_list: yes(21),
                major_accident_3y: yes(22),
            }),
            ignored,
        }
    }

    /// The credit code column's header.
    pub fn code_column(&self) -> String {
        self.column(CREDIT_CODE)
    }

    /// The name cell of a row, for reports.
    pub fn name<'a>(&self, cells: &[&'a str]) -> &'a str {
        self.cell(cells, NAME).trim()
    }
}
