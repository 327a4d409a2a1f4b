//! A project and a stage change as entered: parsed and checked, every problem named by its
//! field. Money is entered in 万元 (yuan amounts) and 万美元 (FDI), as the ledgers keep it; a
//! unit written after the number (元, 万元, 亿元; 美元, 万美元, 亿美元) is read, any other is
//! refused, so that "500万美元" in a yuan field is not taken for 500 万元.

use super::stages::{ActivityKind, Stage};
use crate::land::validate::{Lenient, Reader};
use crate::reference::{IndustryEdition, industries};
use crate::validate::{FieldError, MAX_NAME_CHARS, MAX_TEXT_CHARS};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The currencies an investment may be agreed in (ISO 4217).
pub const CURRENCIES: &[&str] = &[
    "CNY", "USD", "EUR", "JPY", "HKD", "GBP", "KRW", "SGD", "TWD", "CHF", "CAD", "AUD", "SEK",
    "DKK", "NOK", "MOP",
];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectInput {
    pub name: String,
    /// The investor as an enterprise of the registry (same zone), when it is one.
    pub enterprise_id: Option<i64>,
    /// The investor's name; required without `enterprise_id`.
    pub investor: Option<String>,
    /// Country or region of the investor (中国 for a domestic one).
    pub country: Option<String>,
    pub parent_group: Option<String>,
    #[serde(default)]
    pub fortune_global_500: Lenient,
    #[serde(default)]
    pub china_500: Lenient,
    #[serde(default)]
    pub private_500: Lenient,
    /// GB/T 4754-2017 class (four digits).
    pub industry_code: Option<String>,
    /// A chain node as `taxonomy/node`.
    pub chain_node: Option<String>,
    /// Total investment in 万元.
    #[serde(default)]
    pub total_wan: Lenient,
    /// Fixed-asset investment in 万元.
    #[serde(default)]
    pub fixed_wan: Lenient,
    /// The currency the agreement is in (ISO 4217, default CNY).
    pub currency: Option<String>,
    /// Foreign investment contracted (合同外资) in 万美元.
    #[serde(default)]
    pub contracted_fdi_wan_usd: Lenient,
    /// Planned annual output and tax in 万元, and jobs.
    #[serde(default)]
    pub output_wan: Lenient,
    #[serde(default)]
    pub tax_wan: Lenient,
    #[serde(default)]
    pub jobs: Lenient,
    /// Land needed (亩) or space needed (m²).
    #[serde(default)]
    pub land_mu: Lenient,
    #[serde(default)]
    pub space_m2: Lenient,
    /// Where the lead came from.
    pub source: Option<String>,
    /// The officer in charge.
    pub officer: Option<String>,
    #[serde(default)]
    pub confidential: Lenient,
    /// The day the lead was received (YYYY-MM-DD; default today).
    #[serde(default)]
    pub received_on: Lenient,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectDraft {
    pub name: String,
    pub enterprise_id: Option<i64>,
    pub investor: Option<String>,
    pub country: Option<String>,
    pub parent_group: Option<String>,
    pub fortune_global_500: bool,
    pub china_500: bool,
    pub private_500: bool,
    pub industry_code: Option<String>,
    pub chain_node: Option<String>,
    /// Yuan.
    pub total_yuan: Option<f64>,
    pub fixed_yuan: Option<f64>,
    pub currency: String,
    /// USD.
    pub contracted_fdi_usd: Option<f64>,
    pub output_yuan: Option<f64>,
    pub tax_yuan: Option<f64>,
    pub jobs: Option<i64>,
    pub land_mu: Option<f64>,
    pub space_m2: Option<f64>,
    pub source: Option<String>,
    pub officer: Option<String>,
    pub confidential: bool,
    pub received_on: NaiveDate,
}

/// Reads an amount with an optional unit: `yuan` units (元, 万元/万, 亿元/亿) or, with `usd`,
/// dollar units (美元, 万美元, 亿美元, USD). A bare number is in 万 of the field's currency.
/// Returns yuan or dollars.
fn money(r: &mut Reader, field: &str, v: &Lenient, usd: bool) -> Option<f64> {
    let raw = v.text()?;
    let s: String = raw
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let scale = match (unit, usd) {
        ("", _) => 1e4,
        ("元", false) => 1.0,
        ("万元" | "万", false) => 1e4,
        ("亿元" | "亿", false) => 1e8,
        ("美元" | "USD", true) => 1.0,
        ("万美元", true) => 1e4,
        ("亿美元", true) => 1e8,
        _ => {
            r.fail(field, "money.unit", raw);
            return None;
        }
    };
    if number.is_empty() {
        r.fail(field, "number.format", raw);
        return None;
    }
    let n = r.amount(field, &Lenient(Some(number.to_string())))?;
    Some(n * scale)
}

impl ProjectInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ProjectDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let name = r.name("name", &self.name);
        let investor = r.text("investor", &self.investor, MAX_NAME_CHARS);
        if investor.is_none() && self.enterprise_id.is_none() {
            r.fail("investor", "required", "");
        }
        let parent_group = r.text("parent_group", &self.parent_group, MAX_NAME_CHARS);
        let fortune_global_500 = Reader::flag(&self.fortune_global_500);
        if fortune_global_500 && parent_group.is_none() {
            r.fail("parent_group", "project.fortune_500_needs_group", "");
        }
        let industry_code = r.text("industry_code", &self.industry_code, 8);
        if let Some(c) = &industry_code
            && !industries(IndustryEdition::Amended).is_class(c)
        {
            r.fail("industry_code", "industry_code.unknown", c);
        }
        let currency = self
            .currency
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "CNY".into());
        if !CURRENCIES.contains(&currency.as_str()) {
            r.fail("currency", "project.currency_unknown", &currency);
        }
        let total_yuan = money(&mut r, "total_wan", &self.total_wan, false);
        let fixed_yuan = money(&mut r, "fixed_wan", &self.fixed_wan, false);
        if let (Some(t), Some(f)) = (total_yuan, fixed_yuan)
            && f > t
        {
            r.fail(
                "fixed_wan",
                "project.fixed_above_total",
                self.fixed_wan.text().unwrap_or(""),
            );
        }
        let received_on = r.date("received_on", &self.received_on).unwrap_or(today);
        if received_on > today {
            r.fail("received_on", "date.future", &received_on.to_string());
        }
        let draft = ProjectDraft {
            name,
            enterprise_id: self.enterprise_id,
            investor,
            country: r.text("country", &self.country, 60),
            parent_group,
            fortune_global_500,
            china_500: Reader::flag(&self.china_500),
            private_500: Reader::flag(&self.private_500),
            industry_code,
            chain_node: r.text("chain_node", &self.chain_node, MAX_NAME_CHARS),
            total_yuan,
            fixed_yuan,
            currency,
            contracted_fdi_usd: money(
                &mut r,
                "contracted_fdi_wan_usd",
                &self.contracted_fdi_wan_usd,
                true,
            ),
            output_yuan: money(&mut r, "output_wan", &self.output_wan, false),
            tax_yuan: money(&mut r, "tax_wan", &self.tax_wan, false),
            jobs: r.integer("jobs", &self.jobs, 0..=10_000_000),
            land_mu: r.amount("land_mu", &self.land_mu),
            space_m2: r.amount("space_m2", &self.space_m2),
            source: r.text("source", &self.source, MAX_NAME_CHARS),
            officer: r.text("officer", &self.officer, MAX_NAME_CHARS),
            confidential: Reader::flag(&self.confidential),
            received_on,
        };
        r.done(draft)
    }
}

/// A stage change as entered. Out of order it is refused with its rule, unless
/// `exception_reason` records why the officer makes it anyway.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChangeInput {
    #[cfg_attr(feature = "openapi", schema(value_type = Stage))]
    pub to: String,
    /// The day it happened (YYYY-MM-DD; default today).
    #[serde(default)]
    pub on: Lenient,
    pub note: Option<String>,
    pub exception_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageChange {
    pub to: Stage,
    pub on: NaiveDate,
    pub note: Option<String>,
    pub exception_reason: Option<String>,
}

impl StageChangeInput {
    /// `last`: the day of the project's latest event; a change may not come before it.
    pub fn validate(
        &self,
        today: NaiveDate,
        last: Option<NaiveDate>,
    ) -> Result<StageChange, Vec<FieldError>> {
        let mut r = Reader::new();
        let to = r.id("to", &Some(self.to.clone()), Stage::parse);
        if to.is_none() && self.to.trim().is_empty() {
            r.fail("to", "required", "");
        }
        let on = r.event_day(&self.on, today, last, "project.date_before_last");
        let change = StageChange {
            to: to.unwrap_or(Stage::Lead),
            on,
            note: r.text("note", &self.note, MAX_TEXT_CHARS),
            exception_reason: r.text("exception_reason", &self.exception_reason, MAX_TEXT_CHARS),
        };
        r.done(change)
    }
}

/// An activity as entered: its kind id, day and note.
#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub kind: String,
    pub on: Lenient,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub kind: ActivityKind,
    pub on: NaiveDate,
    pub note: Option<String>,
}

impl ActivityInput {
    /// `last`: the day of the project's latest event, as for a stage change.
    pub fn validate(
        &self,
        today: NaiveDate,
        last: Option<NaiveDate>,
    ) -> Result<Activity, Vec<FieldError>> {
        let mut r = Reader::new();
        let raw = self.kind.trim();
        let kind = ActivityKind::parse(raw);
        if kind.is_none() {
            r.fail("kind", "choice.unknown", raw);
        }
        let on = r.event_day(&self.on, today, last, "project.date_before_last");
        let activity = Activity {
            kind: kind.unwrap_or(ActivityKind::Other),
            on,
            note: r.text("note", &self.note, MAX_TEXT_CHARS),
        };
        r.done(activity)
    }
}

/// What a project brought in a year, as entered: funds received in 万元 and FDI used in
/// 万美元, each blank for none.
#[derive(Debug, Clone, Default)]
pub struct FundsInput {
    pub received_wan: Lenient,
    pub fdi_used_wan_usd: Lenient,
}

/// The largest amount in 万 a year's money may hold.
const MAX_FUNDS_WAN: f64 = 1e12;

impl FundsInput {
    /// (received yuan, FDI used USD) of `year`, which lies between 1978 and next year.
    pub fn validate(&self, year: i32, this_year: i32) -> Result<(f64, f64), Vec<FieldError>> {
        let mut r = Reader::new();
        if !(1978..=this_year + 1).contains(&year) {
            r.fail("year", "number.out_of_range", &year.to_string());
        }
        let mut wan = |field: &str, v: &Lenient| -> f64 {
            match r.amount(field, v) {
                Some(n) if n < MAX_FUNDS_WAN => n * 1e4,
                Some(_) => {
                    r.fail(field, "number.format", v.text().unwrap_or(""));
                    0.0
                }
                None => 0.0,
            }
        };
        let received = wan("received_wan", &self.received_wan);
        let used = wan("fdi_used_wan_usd", &self.fdi_used_wan_usd);
        r.done((received, used))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2025-06-30".parse().unwrap()
    }

    fn rules_of(e: Vec<FieldError>) -> Vec<(String, String)> {
        e.into_iter().map(|e| (e.field, e.rule)).collect()
    }

    #[test]
    fn money_reads_its_unit_and_refuses_another_currency() {
        let mut p = ProjectInput {
            name: "X".into(),
            investor: Some("Y".into()),
            total_wan: "5亿".into(),
            fixed_wan: "30000".into(),
            contracted_fdi_wan_usd: "2,000万美元".into(),
            ..Default::default()
        };
        let d = p.validate(today()).unwrap();
        assert_eq!(d.total_yuan, Some(5e8));
        assert_eq!(d.fixed_yuan, Some(3e8));
        assert_eq!(d.contracted_fdi_usd, Some(2e7));
        assert_eq!(d.currency, "CNY");
        p.output_wan = "万元".into();
        p.total_wan = "500万美元".into();
        p.fixed_wan = "-3".into();
        p.currency = Some("XYZ".into());
        p.received_on = "2025-07-01".into();
        p.fortune_global_500 = "是".into();
        let e = rules_of(p.validate(today()).unwrap_err());
        for want in [
            ("total_wan", "money.unit"),
            ("output_wan", "number.format"),
            ("fixed_wan", "number.negative"),
            ("currency", "project.currency_unknown"),
            ("received_on", "date.future"),
            ("parent_group", "project.fortune_500_needs_group"),
        ] {
            assert!(
                e.contains(&(want.0.to_string(), want.1.to_string())),
                "{want:?} in {e:?}"
            );
        }
    }

    #[test]
    fn a_project_needs_an_investor_and_fixed_investment_within_the_total() {
        let p = ProjectInput {
            name: "X".into(),
            total_wan: "100".into(),
            fixed_wan: "101".into(),
            industry_code: Some("9999".into()),
            ..Default::default()
        };
        let e = rules_of(p.validate(today()).unwrap_err());
        assert_eq!(
            e,
            [
                ("investor".to_string(), "required".to_string()),
                ("industry_code".into(), "industry_code.unknown".into()),
                ("fixed_wan".into(), "project.fixed_above_total".into()),
            ]
        );
    }

    #[test]
    fn a_stage_change_may_not_come_before_the_last_event() {
        let last = Some("2025-06-01".parse().unwrap());
        let c = StageChangeInput {
            to: "signed".into(),
            on: "2025-05-31".into(),
            ..Default::default()
        };
        let e = rules_of(c.validate(today(), last).unwrap_err());
        assert_eq!(
            e,
            [("on".to_string(), "project.date_before_last".to_string())]
        );
        let ok = StageChangeInput {
            to: "signed".into(),
            on: "2025-06-01".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate(today(), last).unwrap().to, Stage::Signed);
        let unknown = StageChangeInput {
            to: "done".into(),
            ..Default::default()
        };
        assert_eq!(
            rules_of(unknown.validate(today(), last).unwrap_err()),
            [("to".to_string(), "choice.unknown".to_string())]
        );
    }

    #[test]
    fn an_activity_and_a_years_money_are_checked_at_their_fields() {
        let last = Some("2025-06-01".parse().unwrap());
        let a = ActivityInput {
            kind: "visit".into(),
            on: "2025-05-01".into(),
            note: None,
        };
        assert_eq!(
            rules_of(a.validate(today(), last).unwrap_err()),
            [
                ("kind".to_string(), "choice.unknown".to_string()),
                ("on".into(), "project.date_before_last".into())
            ]
        );
        let ok = ActivityInput {
            kind: " report ".into(),
            ..Default::default()
        };
        let a = ok.validate(today(), last).unwrap();
        assert_eq!((a.kind, a.on), (ActivityKind::Report, today()));
        let money = |r: &str, u: &str| FundsInput {
            received_wan: r.into(),
            fdi_used_wan_usd: u.into(),
        };
        assert_eq!(money("2,000", "").validate(2025, 2025), Ok((2e7, 0.0)));
        assert_eq!(
            rules_of(
                money("-5", "1000000000000")
                    .validate(1977, 2025)
                    .unwrap_err()
            ),
            [
                ("year".to_string(), "number.out_of_range".to_string()),
                ("received_wan".into(), "number.negative".into()),
                ("fdi_used_wan_usd".into(), "number.format".into())
            ]
        );
        assert!(money("1", "").validate(2026, 2025).is_ok(), "next year");
        assert!(money("1", "").validate(2027, 2025).is_err());
    }
}
