//! The 2022 evaluation of innovative SMEs (创新型中小企业, 工信部企业〔2022〕63号 附件1) as
//! `docs/tiers.md` and the tier spec §A state it: the SME size test, compliance, four direct
//! conditions, and the 100-point score of six indicators in three groups.

use super::amount::Amount;
use super::sme_size;
use std::cmp::Ordering;

/// A level of an award or an R&D institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    National,
    Provincial,
    Municipal,
    Below,
}

impl Level {
    /// The spec's ids and their Chinese names, any case.
    pub fn parse(cell: &str) -> Option<Level> {
        match cell.trim().to_ascii_lowercase().as_str() {
            "national" | "国家级" | "国家" => Some(Level::National),
            "provincial" | "省级" | "省部级" | "省" => Some(Level::Provincial),
            "municipal" | "市级" | "地市级" | "市" => Some(Level::Municipal),
            "below" | "市级以下" | "区县级" | "县级" => Some(Level::Below),
            _ => None,
        }
    }
}

/// The honours that open the second direct condition, as bits of `Input::honours`.
pub const HONOURS: [(&str, &[&str]); 4] = [
    ("high_tech", &["高新技术企业", "国家高新技术企业"]),
    ("tech_innovation_demo", &["技术创新示范企业"]),
    ("ip_advantage", &["知识产权优势企业"]),
    ("ip_demo", &["知识产权示范企业"]),
];

/// The honours of a cell (`;`-separated; `；`, `,`, `，` and `、` too), as bits, and the
/// values that are none of them (they count for nothing and are reported).
pub fn parse_honours(cell: &str) -> (u8, Vec<String>) {
    let mut bits = 0u8;
    let mut unknown = Vec::new();
    for part in cell.split([';', '；', ',', '，', '、']) {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        let lower = p.to_ascii_lowercase();
        match HONOURS
            .iter()
            .position(|(id, zh)| *id == lower || zh.contains(&p))
        {
            Some(i) => bits |= 1 << i,
            None => unknown.push(p.to_string()),
        }
    }
    (bits, unknown)
}

/// `yes` (or 是, true, y, 1) is true; anything else, blank included, is not.
pub fn parse_yes(cell: &str) -> bool {
    matches!(
        cell.trim().to_ascii_lowercase().as_str(),
        "yes" | "y" | "true" | "1" | "是"
    )
}

/// One enterprise's figures; `None` is unknown. Amounts in yuan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    /// GB/T 4754 section letter (upper case) of the main business.
    pub section: Option<u8>,
    /// GB/T 4754 division or class code, when given: it picks the size-table line of
    /// sections the table splits (wholesale or retail, …).
    pub industry_code: Option<String>,
    pub employees: Option<Amount>,
    pub revenue: Option<Amount>,
    pub main_revenue: Option<Amount>,
    pub main_revenue_prev: Option<Amount>,
    pub rd_expense: Option<Amount>,
    pub total_assets: Option<Amount>,
    pub total_liabilities: Option<Amount>,
    pub ip_class1_high_value: Option<Amount>,
    pub ip_class1_self: Option<Amount>,
    pub ip_class1: Option<Amount>,
    pub ip_class2: Option<Amount>,
    pub sei_field: bool,
    /// Bits of `HONOURS`.
    pub honours: u8,
    pub award_3y: Option<Level>,
    pub rd_institution: Option<Level>,
    pub equity_financing_3y: Option<Amount>,
    pub abnormal_list: bool,
    pub dishonest_list: bool,
    pub major_accident_3y: bool,
}

/// The direct conditions, in the order the route names the first one met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direct {
    Award,
    Honour,
    Institution,
    Equity,
}

impl Direct {
    pub fn id(self) -> &'static str {
        match self {
            Direct::Award => "award",
            Direct::Honour => "honour",
            Direct::Institution => "institution",
            Direct::Equity => "equity",
        }
    }
}

/// New equity from qualified investors that opens the fourth direct condition: 5 million yuan.
pub const EQUITY_DIRECT: Amount = Amount::units(5_000_000);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Direct(Direct),
    Score,
}

impl Route {
    /// `direct:award`, …, or `score`.
    pub fn id(self) -> String {
        match self {
            Route::Direct(d) => format!("direct:{}", d.id()),
            Route::Score => "score".into(),
        }
    }
}

/// Why an enterprise is not eligible: the first of these that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    NotSme,
    NonCompliant,
    ScoreBelow,
}

impl Reason {
    pub fn id(self) -> &'static str {
        match self {
            Reason::NotSme => "not_sme",
            Reason::NonCompliant => "non_compliant",
            Reason::ScoreBelow => "score_below",
        }
    }
}

/// Points of the six indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Points {
    pub ip: u8,
    pub rd_ratio: u8,
    pub growth: u8,
    pub debt: u8,
    pub field: u8,
    pub main_share: u8,
}

impl Points {
    /// 创新能力 (40).
    pub fn innovation(&self) -> u8 {
        self.ip + self.rd_ratio
    }
    /// 成长性 (30): the group, not the growth indicator.
    pub fn growth_group(&self) -> u8 {
        self.growth + self.debt
    }
    /// 专业化 (30).
    pub fn specialisation(&self) -> u8 {
        self.field + self.main_share
    }
    pub fn total(&self) -> u8 {
        self.innovation() + self.growth_group() + self.specialisation()
    }
    /// The score route: total ≥ 60, innovation ≥ 20, growth ≥ 15, specialisation ≥ 15.
    pub fn passes(&self) -> bool {
        self.total() >= 60
            && self.innovation() >= 20
            && self.growth_group() >= 15
            && self.specialisation() >= 15
    }
}

/// Bands of a ratio in percent: the first whose bound the ratio reaches gives its points.
/// `AtLeast` bands are read from the highest bound down ("≥ 5 % → 20"), `AtMost` ones from
/// the lowest up ("≤ 55 % → 10"); a bound itself belongs to its band.
pub enum Bands {
    AtLeast(&'static [(i64, u8)]),
    AtMost(&'static [(i64, u8)]),
}

pub const RD_RATIO: Bands = Bands::AtLeast(&[(5, 20), (3, 15), (2, 10), (1, 5)]);
pub const GROWTH: Bands = Bands::AtLeast(&[(15, 20), (10, 15), (5, 10), (0, 5)]);
pub const DEBT: Bands = Bands::AtMost(&[(55, 10), (75, 5)]);
pub const MAIN_SHARE: Bands = Bands::AtLeast(&[(70, 20), (60, 15), (55, 10), (50, 5)]);

impl Bands {
    /// Points of `num ÷ den`; `den` must be positive.
    pub fn points(&self, num: Amount, den: Amount) -> u8 {
        match self {
            Bands::AtLeast(bands) => bands
                .iter()
                .find(|(pct, _)| num.ratio_cmp(den, *pct) != Ordering::Less)
                .map_or(0, |b| b.1),
            Bands::AtMost(bands) => bands
                .iter()
                .find(|(pct, _)| num.ratio_cmp(den, *pct) != Ordering::Greater)
                .map_or(0, |b| b.1),
        }
    }
}

/// Points of a ratio whose parts may be unknown: 0 unless both are known and the
/// denominator is positive.
fn ratio_points(bands: &Bands, num: Option<Amount>, den: Option<Amount>) -> u8 {
    match (num, den) {
        (Some(n), Some(d)) if d.is_positive() => bands.points(n, d),
        _ => 0,
    }
}

fn at_least_one(v: Option<Amount>) -> bool {
    v.is_some_and(|v| v >= Amount::units(1))
}

/// The six indicators' points.
pub fn points(i: &Input) -> Points {
    let ip = if at_least_one(i.ip_class1_high_value) {
        20
    } else if at_least_one(i.ip_class1_self) {
        15
    } else if at_least_one(i.ip_class1) {
        10
    } else if at_least_one(i.ip_class2) {
        5
    } else {
        0
    };
    let growth = match (i.main_revenue, i.main_revenue_prev) {
        (Some(now), Some(prev)) if prev.is_positive() => GROWTH.points(now - prev, prev),
        _ => 0,
    };
    Points {
        ip,
        rd_ratio: ratio_points(&RD_RATIO, i.rd_expense, i.revenue),
        growth,
        debt: ratio_points(&DEBT, i.total_liabilities, i.total_assets),
        field: if i.sei_field { 10 } else { 5 },
        main_share: ratio_points(&MAIN_SHARE, i.main_revenue, i.revenue),
    }
}

/// The first direct condition met, in the order of the rules.
pub fn direct(i: &Input) -> Option<Direct> {
    if matches!(i.award_3y, Some(Level::National | Level::Provincial)) {
        Some(Direct::Award)
    } else if i.honours != 0 {
        Some(Direct::Honour)
    } else if matches!(i.rd_institution, Some(Level::National | Level::Provincial)) {
        Some(Direct::Institution)
    } else if i.equity_financing_3y.is_some_and(|e| e >= EQUITY_DIRECT) {
        Some(Direct::Equity)
    } else {
        None
    }
}

/// One enterprise's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub sme: bool,
    pub compliant: bool,
    pub direct: Option<Direct>,
    pub points: Points,
    /// The route when eligible, the reason when not.
    pub outcome: Result<Route, Reason>,
}

impl Assessment {
    pub fn eligible(&self) -> bool {
        self.outcome.is_ok()
    }
}

pub fn assess(i: &Input) -> Assessment {
    let sme = sme_size::is_sme(
        i.section,
        i.industry_code.as_deref(),
        i.employees,
        i.revenue,
        i.total_assets,
    );
    let compliant = !(i.abnormal_list || i.dishonest_list || i.major_accident_3y);
    let direct = direct(i);
    let points = points(i);
    let outcome = if !sme {
        Err(Reason::NotSme)
    } else if !compliant {
        Err(Reason::NonCompliant)
    } else if let Some(d) = direct {
        Ok(Route::Direct(d))
    } else if points.passes() {
        Ok(Route::Score)
    } else {
        Err(Reason::ScoreBelow)
    };
    Assessment {
        sme,
        compliant,
        direct,
        points,
        outcome,
    }
}
