//! The tier rule sets devzone knows, with the dates they are in effect: which one applies is
//! decided by the as-of date, so that a result can be reproduced under the rules of its day.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSet {
    pub id: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// The document the rules come from.
    pub source: &'static str,
    /// First day in effect.
    pub from: NaiveDate,
    /// Last day in effect; `None` while in effect.
    pub until: Option<NaiveDate>,
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("a valid date"),
    }
}

/// The 2022 innovative-SME evaluation took effect with the interim measures on 2022-08-01
/// (the date as remembered from their final article; not confirmed from a stored source).
/// The 2026 measures (工信部企业〔2026〕2号, in effect from 2026-04-01) keep using it for
/// the first tier until the merged 科技和创新型 standard is published (their article 30, as
/// the tier notes report it from a single source), so it has no end date yet.
pub const INNOVATIVE_SME_2022: RuleSet = RuleSet {
    id: "innovative-sme-2022",
    title_zh: "创新型中小企业评价（2022）",
    title_en: "Innovative SME evaluation (2022)",
    source: "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）附件1",
    from: date(2022, 8, 1),
    until: None,
};

pub const ALL: &[RuleSet] = &[INNOVATIVE_SME_2022];

/// The rule set `id` as in effect on `as_of`, or why there is none.
pub fn in_effect(id: &str, as_of: NaiveDate) -> Result<&'static RuleSet, String> {
    let Some(set) = ALL.iter().find(|s| s.id == id) else {
        let ids: Vec<&str> = ALL.iter().map(|s| s.id).collect();
        return Err(format!(
            "unknown rule set {id:?}; known: {}",
            ids.join(", ")
        ));
    };
    if as_of < set.from || set.until.is_some_and(|u| as_of > u) {
        return Err(format!(
            "rule set {id} is in effect from {}{}, not on {as_of}",
            set.from,
            set.until.map(|u| format!(" until {u}")).unwrap_or_default()
        ));
    }
    Ok(set)
}
