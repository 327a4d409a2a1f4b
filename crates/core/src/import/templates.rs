//! Sample sheets in the layouts zones receive: a tax-bureau list, a statistics-bureau
//! list, a power-company export, an enterprise self-declaration, and an enterprise
//! register. The import page offers them for download and the tests import them; they
//! carry the titles, two-row headers, units, totals and notes that real lists do.

use super::headers::key;
use crate::facts::FactField;
use crate::model::FactSource;

/// What a sample row is made from: one enterprise and its figures in base units.
#[derive(Debug, Clone)]
pub struct SampleEnterprise {
    pub code: String,
    pub name: String,
    pub industry_code: String,
    /// The Chinese name of the ownership, as registers write it.
    pub ownership_zh: String,
    pub park: Option<String>,
    pub address: Option<String>,
    pub founded_on: Option<chrono::NaiveDate>,
    /// Yuan.
    pub registered_capital: Option<f64>,
    /// Figures of the year before the sample's year, in base units.
    pub facts: Vec<(FactField, f64)>,
}

/// A cell of a sample sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Text(String),
    Number(f64),
    Empty,
}

/// One sample file.
#[derive(Debug, Clone)]
pub struct Sample {
    /// `tax_bureau`, `statistics_bureau`, `power_company`, `self_reported`, `register`.
    pub id: &'static str,
    /// The source an import of it is recorded under (the register: the officer).
    pub source: FactSource,
    pub file_name: String,
    /// CSV in GB18030, as power-company systems export; the others are .xlsx.
    pub csv_gb18030: bool,
    pub rows: Vec<Vec<Out>>,
    /// Merged ranges (first row, first col, last row, last col), 0-based.
    pub merged: Vec<(u32, u16, u32, u16)>,
}

impl Sample {
    pub fn is_register(&self) -> bool {
        self.id == "register"
    }
}

/// A stable pseudo-random factor in [lo, hi) for an enterprise and a purpose, so that the
/// samples are the same every time they are made.
fn factor(code: &str, salt: u64, lo: f64, hi: f64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in code.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    lo + (h % 10_000) as f64 / 10_000.0 * (hi - lo)
}

fn get(e: &SampleEnterprise, f: FactField) -> Option<f64> {
    e.facts.iter().find(|(k, _)| *k == f).map(|(_, v)| *v)
}

fn t(s: impl Into<String>) -> Out {
    Out::Text(s.into())
}

fn round(v: f64, dp: i32) -> f64 {
    let p = 10f64.powi(dp);
    (v * p).round() / p
}

/// The figure of `year` for an enterprise: last year's grown by a stable factor.
fn grown(e: &SampleEnterprise, f: FactField, salt: u64) -> Option<f64> {
    get(e, f).map(|v| v * factor(&e.code, salt, 0.92, 1.18))
}

/// All five samples for `year`, from the enterprises given (their figures of `year - 1`).
pub fn samples(zone: &str, year: i32, es: &[SampleEnterprise]) -> Vec<Sample> {
    vec![
        tax_bureau(zone, year, es),
        statistics_bureau(zone, year, es),
        power_company(year, es),
        self_reported(year, es),
        register(zone, es),
    ]
}

fn tax_bureau(zone: &str, year: i32, es: &[SampleEnterprise]) -> Sample {
    let mut rows = vec![
        vec![
            t(format!("{zone} {year}年度重点税源企业纳税情况表")),
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::Empty,
        ],
        vec![
            t("序号"),
            t("纳税人识别号"),
            t("纳税人名称"),
            t("实缴税金(万元)"),
            t("所属年度"),
        ],
    ];
    let mut total = 0.0;
    for (i, e) in es.iter().enumerate() {
        let Some(tax) = grown(e, FactField::Tax, 1) else {
            continue;
        };
        let wan = round(tax / 10_000.0, 2);
        total += wan;
        rows.push(vec![
            Out::Number((i + 1) as f64),
            t(&e.code),
            t(&e.name),
            Out::Number(wan),
            t(format!("{year}")),
        ]);
    }
    rows.push(vec![
        t("合计"),
        Out::Empty,
        Out::Empty,
        Out::Number(round(total, 2)),
        Out::Empty,
    ]);
    rows.push(vec![t("注：数据来源于税收征管系统，按入库口径统计。")]);
    Sample {
        id: "tax_bureau",
        source: FactSource::TaxBureau,
        file_name: format!("税务局-纳税情况-{year}.xlsx"),
        csv_gb18030: false,
        rows,
        merged: vec![(0, 0, 0, 4)],
    }
}

fn statistics_bureau(zone: &str, year: i32, es: &[SampleEnterprise]) -> Sample {
    let mut rows = vec![
        vec![t(format!("{zone} {year}年规模以上工业企业主要经济指标"))],
        vec![
            t("统一社会信用代码"),
            t("单位详细名称"),
            t("行业代码"),
            t("年度"),
            t("主要经济指标"),
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::Empty,
        ],
        vec![
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::Empty,
            t("营业收入(千元)"),
            t("工业增加值(千元)"),
            t("年平均从业人员(人)"),
            t("综合能耗(吨标准煤)"),
            t("研发经费支出(千元)"),
        ],
    ];
    for e in es {
        let Some(rev) = grown(e, FactField::Revenue, 2) else {
            continue;
        };
        let k = |v: Option<f64>| v.map_or(Out::Empty, |v| Out::Number(round(v / 1_000.0, 1)));
        let va = grown(e, FactField::ValueAdded, 2);
        let people =
            get(e, FactField::Employees).map(|v| (v * factor(&e.code, 3, 0.95, 1.08)).round());
        rows.push(vec![
            t(&e.code),
            t(&e.name),
            t(&e.industry_code),
            Out::Number(year as f64),
            k(Some(rev)),
            k(va),
            people.map_or(Out::Empty, Out::Number),
            grown(e, FactField::EnergyTce, 4).map_or(Out::Empty, |v| Out::Number(round(v, 2))),
            k(grown(e, FactField::RdExpense, 5)),
        ]);
    }
    rows.push(vec![t(
        "单位负责人：张明    统计负责人：李华    填表人：王芳",
    )]);
    Sample {
        id: "statistics_bureau",
        source: FactSource::StatisticsBureau,
        file_name: format!("统计局-规上工业-{year}.xlsx"),
        csv_gb18030: false,
        rows,
        merged: vec![
            (0, 0, 0, 8),
            (1, 0, 2, 0),
            (1, 1, 2, 1),
            (1, 2, 2, 2),
            (1, 3, 2, 3),
            (1, 4, 1, 8),
        ],
    }
}

fn power_company(year: i32, es: &[SampleEnterprise]) -> Sample {
    let mut rows = vec![vec![
        t("户号"),
        t("户名"),
        t("社会信用代码"),
        t("用电量(千瓦时)"),
        t("年份"),
    ]];
    for (i, e) in es.iter().enumerate() {
        let Some(kwh) = grown(e, FactField::Electricity, 6) else {
            continue;
        };
        rows.push(vec![
            t(format!("{:010}", 3_200_000_000u64 + i as u64 * 37)),
            t(&e.name),
            t(&e.code),
            // Power systems print thousands separators into their exports.
            t(thousands(kwh.round() as i64)),
            t(format!("{year}")),
        ]);
    }
    Sample {
        id: "power_company",
        source: FactSource::PowerCompany,
        file_name: format!("供电公司-用电量-{year}.csv"),
        csv_gb18030: true,
        rows,
        merged: Vec::new(),
    }
}

fn self_reported(year: i32, es: &[SampleEnterprise]) -> Sample {
    let mut rows = vec![vec![
        t("统一社会信用代码"),
        t("企业名称"),
        t("年度"),
        t("用地面积(亩)"),
        t("营业收入(万元)"),
        t("实缴税金(万元)"),
        t("研发经费支出(万元)"),
        t("研发人员(人)"),
        t("主要污染物排放当量(吨)"),
    ]];
    for e in es {
        let w = |v: Option<f64>| v.map_or(Out::Empty, |v| Out::Number(round(v / 10_000.0, 2)));
        // Enterprises round their own figures, and their tax is not the bureau's to the yuan.
        rows.push(vec![
            t(&e.code),
            t(&e.name),
            t(format!("{year}年")),
            get(e, FactField::LandArea).map_or(Out::Empty, |m2| {
                Out::Number(round(m2 / (10_000.0 / 15.0), 1))
            }),
            w(grown(e, FactField::Revenue, 2).map(|v| v * 1.01)),
            w(grown(e, FactField::Tax, 1).map(|v| v * factor(&e.code, 7, 1.01, 1.06))),
            w(grown(e, FactField::RdExpense, 5)),
            get(e, FactField::RdStaff).map_or(Out::Empty, |v| Out::Number(v.round())),
            grown(e, FactField::EmissionEquiv, 8).map_or(Out::Empty, |v| Out::Number(round(v, 2))),
        ]);
    }
    Sample {
        id: "self_reported",
        source: FactSource::SelfReported,
        file_name: format!("企业自报-{year}.xlsx"),
        csv_gb18030: false,
        rows,
        merged: Vec::new(),
    }
}

fn register(zone: &str, es: &[SampleEnterprise]) -> Sample {
    let mut rows = vec![
        vec![t(format!("{zone} 企业名录"))],
        vec![
            t("统一社会信用代码"),
            t("企业名称"),
            t("行业代码"),
            t("登记注册类型"),
            t("注册资本(万元)"),
            t("成立日期"),
            t("注册地址"),
            t("所属园区"),
        ],
    ];
    for e in es {
        rows.push(vec![
            t(&e.code),
            t(&e.name),
            t(&e.industry_code),
            t(&e.ownership_zh),
            e.registered_capital
                .map_or(Out::Empty, |v| Out::Number(round(v / 10_000.0, 2))),
            e.founded_on
                .map_or(Out::Empty, |d| t(d.format("%Y/%m/%d").to_string())),
            e.address.clone().map_or(Out::Empty, t),
            e.park.clone().map_or(Out::Empty, t),
        ]);
    }
    Sample {
        id: "register",
        source: FactSource::Officer,
        file_name: format!("企业名录-{}.xlsx", key(zone)),
        csv_gb18030: false,
        rows,
        merged: vec![(0, 0, 0, 7)],
    }
}

fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Sample enterprises of a demo zone from the demo generator, with their figures of the
/// last demo year (for CLI samples and tests that run without a database).
pub fn demo_enterprises(zone_index: usize, n: usize) -> Vec<SampleEnterprise> {
    let zones = crate::demo::zones();
    (0..)
        .map(|i| crate::demo::enterprise(i, &zones))
        .filter(|e| e.zone_index == zone_index)
        .take(n)
        .map(|e| {
            let last = e.facts.last().expect("demo enterprises have facts");
            SampleEnterprise {
                code: e.draft.credit_code.to_string(),
                name: e.draft.name.clone(),
                industry_code: e.draft.industry_code.clone(),
                ownership_zh: ownership_zh(e.draft.ownership).into(),
                park: e
                    .park_index
                    .map(|p| zones[zone_index].parks[p].name.to_string()),
                address: e.draft.address.clone(),
                founded_on: e.draft.founded_on,
                registered_capital: e.draft.registered_capital.map(|c| c.to_f64()),
                facts: last.values.iter().map(|(f, v)| (*f, v.to_f64())).collect(),
            }
        })
        .collect()
}

/// How registers name an ownership.
pub fn ownership_zh(o: crate::model::Ownership) -> &'static str {
    use crate::model::Ownership::*;
    match o {
        StateOwned => "国有企业",
        Private => "私营企业",
        ForeignInvested => "外商投资企业",
        HkMacaoTaiwan => "港澳台商投资企业",
        Collective => "集体企业",
        Other => "其他",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::thousands(999), "999");
    }
}
