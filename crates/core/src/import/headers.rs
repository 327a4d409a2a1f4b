//! Recognising a sheet's header row: which column holds what, and in which unit.
//!
//! Headers are matched after normalising (spaces, full-width forms, case) against the
//! names and common variants that tax, statistics and power-company lists use. A unit in
//! brackets — `营业收入(万元)`, `用电量（千瓦时）`, `用地面积[亩]` — sets the factor that
//! converts the column to the stored base unit (DESIGN.md principle 7).

use crate::facts::FactField;
use crate::model::Unit;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a column can be imported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr {
    CreditCode,
    Name,
    Year,
    IndustryCode,
    Park,
    Address,
    DivisionCode,
    Ownership,
    FoundedOn,
    RegisteredCapital,
    BusinessScope,
    MainProducts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Attr(Attr),
    Fact(FactField),
}

impl Target {
    pub const ATTRS: [Attr; 12] = [
        Attr::CreditCode,
        Attr::Name,
        Attr::Year,
        Attr::IndustryCode,
        Attr::Park,
        Attr::Address,
        Attr::DivisionCode,
        Attr::Ownership,
        Attr::FoundedOn,
        Attr::RegisteredCapital,
        Attr::BusinessScope,
        Attr::MainProducts,
    ];

    /// Every target, attributes first, in the order the mapping form lists them.
    pub fn all() -> impl Iterator<Item = Target> {
        Self::ATTRS
            .into_iter()
            .map(Target::Attr)
            .chain(FactField::ALL.iter().map(|f| Target::Fact(*f)))
    }

    pub fn id(self) -> &'static str {
        match self {
            Target::Fact(f) => f.id(),
            Target::Attr(a) => match a {
                Attr::CreditCode => "credit_code",
                Attr::Name => "name",
                Attr::Year => "year",
                Attr::IndustryCode => "industry_code",
                Attr::Park => "park",
                Attr::Address => "address",
                Attr::DivisionCode => "division_code",
                Attr::Ownership => "ownership",
                Attr::FoundedOn => "founded_on",
                Attr::RegisteredCapital => "registered_capital",
                Attr::BusinessScope => "business_scope",
                Attr::MainProducts => "main_products",
            },
        }
    }

    pub fn parse(id: &str) -> Option<Target> {
        Target::all().find(|t| t.id() == id)
    }

    /// The stored unit of a quantity column (registered capital is money).
    pub fn unit(self) -> Option<Unit> {
        match self {
            Target::Fact(f) if f.is_numeric() && f.unit() != Unit::Flag => Some(f.unit()),
            Target::Attr(Attr::RegisteredCapital) => Some(Unit::Yuan),
            _ => None,
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Target::Attr(a) => match a {
                Attr::CreditCode => &[
                    "统一社会信用代码",
                    "社会信用代码",
                    "信用代码",
                    "纳税人识别号",
                    "纳税识别号",
                    "税号",
                    "credit code",
                    "uscc",
                ],
                Attr::Name => &[
                    "企业名称",
                    "纳税人名称",
                    "单位名称",
                    "单位详细名称",
                    "用户名称",
                    "户名",
                    "企业",
                    "名称",
                    "enterprise",
                    "company",
                ],
                Attr::Year => &[
                    "年度",
                    "年份",
                    "数据年度",
                    "统计年度",
                    "所属年度",
                    "纳税年度",
                ],
                Attr::IndustryCode => &[
                    "行业代码",
                    "国民经济行业代码",
                    "行业小类代码",
                    "国民经济行业分类代码",
                    "行业分类代码",
                ],
                Attr::Park => &["园区", "所属园区", "园区名称"],
                Attr::Address => &["地址", "注册地址", "生产经营地址", "单位地址", "经营地址"],
                Attr::DivisionCode => &["行政区划代码", "区划代码", "所在地区划代码"],
                Attr::Ownership => &["登记注册类型", "企业类型", "所有制", "经济类型", "企业性质"],
                Attr::FoundedOn => &["成立日期", "成立时间", "注册日期", "开业日期"],
                Attr::RegisteredCapital => &["注册资本", "注册资金"],
                Attr::BusinessScope => &["经营范围", "业务范围", "business scope"],
                Attr::MainProducts => &["主要产品", "主营产品", "主导产品", "main products"],
            },
            Target::Fact(f) => match f {
                FactField::LandArea => &["用地面积", "占地面积", "土地面积", "实际用地面积"],
                FactField::Revenue => &["营业收入", "营业总收入", "销售收入", "年销售收入"],
                FactField::MainRevenue => &["主营业务收入", "主营收入"],
                FactField::ValueAdded => &["工业增加值", "增加值"],
                FactField::Tax => &[
                    "实缴税金",
                    "税收",
                    "实缴税收",
                    "税收总额",
                    "入库税金",
                    "实缴税额",
                    "纳税总额",
                    "税收收入",
                ],
                FactField::RdExpense => &[
                    "研发经费支出",
                    "研发经费",
                    "研发费用",
                    "研究与试验发展经费支出",
                ],
                FactField::Employees => &[
                    "年平均从业人员",
                    "从业人员",
                    "年平均职工人数",
                    "职工人数",
                    "从业人员平均人数",
                ],
                FactField::EnergyTce => &["综合能耗", "能源消费量", "综合能源消费量", "能耗"],
                FactField::EmissionEquiv => &["主要污染物排放当量", "排放当量", "污染物排放当量"],
                FactField::Electricity => &["用电量", "年用电量", "全年用电量", "售电量", "电量"],
                FactField::AboveScale => &["规上企业", "是否规上", "规模以上", "是否规上企业"],
                FactField::Veto => &["一票否决", "否决原因", "一票否决事项"],
                FactField::TotalAssets => &["资产总计", "资产总额", "总资产"],
                FactField::TotalLiabilities => &["负债总计", "负债总额", "总负债", "负债合计"],
                FactField::NetProfit => &["净利润"],
                FactField::ExportValue => &["出口交货值"],
                FactField::ForeignCapitalUsd => &["实际使用外资", "实际利用外资", "实到外资"],
                FactField::RdStaff => &["研发人员", "研发人员数", "r&d人员"],
                FactField::IpClass1 => &["i类知识产权", "一类知识产权", "发明专利"],
                FactField::IpClass2 => &["ii类知识产权", "二类知识产权"],
            },
        }
    }

    /// Whether a normalised header name means this target.
    fn is_named(self, name: &str) -> bool {
        name == self.id()
            || name == key(self.label_en())
            || self.aliases().iter().any(|a| key(a) == name)
            || matches!(self, Target::Fact(f) if key(f.label_zh()) == name)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Target::Fact(f) => f.label_en(),
            Target::Attr(a) => match a {
                Attr::CreditCode => "Credit code",
                Attr::Name => "Name",
                Attr::Year => "Year",
                Attr::IndustryCode => "Industry code",
                Attr::Park => "Park",
                Attr::Address => "Address",
                Attr::DivisionCode => "Division code",
                Attr::Ownership => "Ownership",
                Attr::FoundedOn => "Founded on",
                Attr::RegisteredCapital => "Registered capital",
                Attr::BusinessScope => "Business scope",
                Attr::MainProducts => "Main products",
            },
        }
    }

    /// The header the zone export and the templates write: `营业收入(元)`.
    pub fn header_zh(self) -> String {
        let name = match self {
            Target::Fact(f) => f.label_zh(),
            Target::Attr(_) => self.aliases()[0],
        };
        match self.unit() {
            Some(u) => format!("{name}({})", base_unit_label(u)),
            None => name.to_string(),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Target::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown column {s}")))
    }
}

/// The Chinese label of a stored base unit.
pub fn base_unit_label(u: Unit) -> &'static str {
    match u {
        Unit::Yuan => "元",
        Unit::Usd => "美元",
        Unit::SquareMetre => "平方米",
        Unit::KilowattHour => "千瓦时",
        Unit::TonneCoalEquivalent => "吨标准煤",
        Unit::Tonne => "吨",
        Unit::Person => "人",
        Unit::Count => "件",
        Unit::Flag | Unit::Text => "",
    }
}

/// The units a column of stored unit `u` may be given in, with how many base units one
/// of them is. The first is the base unit itself.
pub fn units_of(u: Unit) -> &'static [(&'static str, i64, i64)] {
    // (label, numerator, denominator): 1 亩 = 10000/15 m².
    match u {
        Unit::Yuan => &[
            ("元", 1, 1),
            ("千元", 1_000, 1),
            ("万元", 10_000, 1),
            ("亿元", 100_000_000, 1),
        ],
        Unit::Usd => &[
            ("美元", 1, 1),
            ("千美元", 1_000, 1),
            ("万美元", 10_000, 1),
            ("亿美元", 100_000_000, 1),
        ],
        Unit::SquareMetre => &[
            ("平方米", 1, 1),
            ("亩", 10_000, 15),
            ("公顷", 10_000, 1),
            ("平方公里", 1_000_000, 1),
        ],
        Unit::KilowattHour => &[
            ("千瓦时", 1, 1),
            ("万千瓦时", 10_000, 1),
            ("亿千瓦时", 100_000_000, 1),
        ],
        Unit::TonneCoalEquivalent => &[("吨标准煤", 1, 1), ("万吨标准煤", 10_000, 1)],
        Unit::Tonne => &[("吨", 1, 1), ("万吨", 10_000, 1)],
        Unit::Person => &[("人", 1, 1), ("万人", 10_000, 1)],
        Unit::Count => &[("件", 1, 1)],
        Unit::Flag | Unit::Text => &[],
    }
}

/// Spellings of unit labels that mean the same unit.
fn unit_synonym(s: &str) -> &str {
    match s {
        "m2" | "m²" | "㎡" | "平米" => "平方米",
        "ha" | "hm2" => "公顷",
        "km2" | "km²" => "平方公里",
        "kwh" | "度" => "千瓦时",
        "万kwh" | "万度" => "万千瓦时",
        "tce" | "吨标煤" => "吨标准煤",
        "万tce" | "万吨标煤" => "万吨标准煤",
        "t" | "吨当量" => "吨",
        "个" | "项" => "件",
        "usd" | "$" => "美元",
        "万usd" => "万美元",
        "cny" | "rmb" | "人民币元" => "元",
        "万人民币" | "万元人民币" => "万元",
        "persons" | "名" => "人",
        other => other,
    }
}

/// The factor (base units per given unit) as numerator and denominator, or None when
/// `label` is not a unit of `u`.
pub fn unit_factor(u: Unit, label: &str) -> Option<(i64, i64)> {
    let l = key(label);
    let l = unit_synonym(&l);
    units_of(u)
        .iter()
        .find(|(name, _, _)| *name == l)
        .map(|(_, n, d)| (*n, *d))
}

/// Whether `label` is a unit of any quantity.
pub fn is_unit_label(label: &str) -> bool {
    use Unit::*;
    [
        Yuan,
        Usd,
        SquareMetre,
        KilowattHour,
        TonneCoalEquivalent,
        Tonne,
        Person,
        Count,
    ]
    .into_iter()
    .any(|u| unit_factor(u, label).is_some())
}

/// Converts a value given in the unit `(num, den)` to base units.
pub fn to_base(v: Decimal, (num, den): (i64, i64)) -> Option<Decimal> {
    v.checked_mul(Decimal::from(num))?
        .checked_div(Decimal::from(den))
}

/// A header name compared without spaces, full-width forms or case.
pub fn key(s: &str) -> String {
    super::cells::normalise(s).to_lowercase()
}

/// Splits `营业收入(万元)` into the name and the unit.
pub fn split_unit(header: &str) -> (String, Option<String>) {
    let h = key(header);
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】')] {
        if h.ends_with(close)
            && let Some(start) = h.rfind(open)
        {
            let unit = h[start + open.len_utf8()..h.len() - close.len_utf8()].to_string();
            return (h[..start].to_string(), Some(unit));
        }
    }
    (h, None)
}

/// How one column is imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMap {
    /// The header as the sheet writes it.
    pub header: String,
    /// None: the column is ignored.
    pub target: Option<Target>,
    /// The unit label the values are in (for quantities); None means the base unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl ColumnMap {
    /// The factor to base units; a unit that does not fit the target is refused here.
    pub fn factor(&self) -> Result<(i64, i64), String> {
        match (self.target.and_then(Target::unit), &self.unit) {
            (Some(u), Some(label)) => unit_factor(u, label).ok_or_else(|| label.clone()),
            _ => Ok((1, 1)),
        }
    }
}

/// The columns of a sheet, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<ColumnMap>,
}

impl Mapping {
    /// Recognises each header; unknown ones are ignored columns.
    pub fn recognise(headers: &[String]) -> Mapping {
        let mut taken = std::collections::HashSet::new();
        let columns = headers
            .iter()
            .map(|h| {
                let (name, unit) = split_unit(h);
                let full = key(h);
                // "用地面积(亩)" by its name; a header such as "税收(入库)" whose bracket is
                // not a unit falls back to the whole text.
                let (target, unit) = match Target::all().find(|t| t.is_named(&name)) {
                    Some(t) => (Some(t), unit),
                    None => (Target::all().find(|t| t.is_named(&full)), None),
                };
                let target = target.filter(|t| taken.insert(*t));
                // A unit that does not fit the column (亩 for revenue) stays, so that the check
                // reports it; a bracket that is no unit at all, as in 税收(入库), is a remark.
                let unit = unit
                    .filter(|l| is_unit_label(l))
                    .filter(|_| target.and_then(Target::unit).is_some());
                ColumnMap {
                    header: h.clone(),
                    target,
                    unit,
                }
            })
            .collect();
        Mapping { columns }
    }

    /// The column holding `t`, if any.
    pub fn column_of(&self, t: Target) -> Option<usize> {
        self.columns.iter().position(|c| c.target == Some(t))
    }

    /// How many columns were recognised.
    pub fn recognised(&self) -> usize {
        self.columns.iter().filter(|c| c.target.is_some()).count()
    }

    /// A fingerprint of the header row, by which a saved mapping is found again.
    pub fn signature(headers: &[String]) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for s in headers {
            h.update(key(s).as_bytes());
            h.update([0x1f]);
        }
        h.finalize()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Adopts a saved mapping for the same headers (column count and header texts equal).
    pub fn with_saved(headers: &[String], saved: &Mapping) -> Option<Mapping> {
        (saved.columns.len() == headers.len()
            && saved
                .columns
                .iter()
                .zip(headers)
                .all(|(c, h)| key(&c.header) == key(h)))
        .then(|| saved.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_variants_and_units() {
        let m = Mapping::recognise(&h(&[
            "纳税人识别号",
            "纳税人名称",
            "实缴税金（万元）",
            "用电量(万kWh)",
            "用地面积【亩】",
            "年平均从业人员(人)",
            "备注",
            "Revenue",
        ]));
        let t: Vec<_> = m.columns.iter().map(|c| c.target.map(Target::id)).collect();
        assert_eq!(
            t,
            vec![
                Some("credit_code"),
                Some("name"),
                Some("tax"),
                Some("electricity"),
                Some("land_area"),
                Some("employees"),
                None,
                Some("revenue")
            ]
        );
        assert_eq!(m.columns[2].factor(), Ok((10_000, 1)));
        assert_eq!(m.columns[3].factor(), Ok((10_000, 1)));
        assert_eq!(m.columns[4].factor(), Ok((10_000, 15)));
        assert_eq!(m.columns[7].factor(), Ok((1, 1)));
    }

    #[test]
    fn a_second_column_for_the_same_target_is_not_taken() {
        let m = Mapping::recognise(&h(&["统一社会信用代码", "纳税人识别号"]));
        assert_eq!(m.columns[0].target, Some(Target::Attr(Attr::CreditCode)));
        assert_eq!(m.columns[1].target, None);
    }

    #[test]
    fn a_wrong_unit_is_not_a_unit() {
        assert_eq!(unit_factor(Unit::Yuan, "亩"), None);
        assert_eq!(unit_factor(Unit::SquareMetre, "㎡"), Some((1, 1)));
        let m = Mapping::recognise(&h(&["营业收入(亩)", "税收(入库)"]));
        assert_eq!(m.columns[0].factor(), Err("亩".to_string()));
        assert_eq!(m.columns[1].target, Some(Target::Fact(FactField::Tax)));
        assert_eq!(m.columns[1].factor(), Ok((1, 1)));
    }

    #[test]
    fn every_target_id_parses() {
        for t in Target::all() {
            assert_eq!(Target::parse(t.id()), Some(t));
        }
    }
}
