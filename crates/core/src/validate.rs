//! Parsing raw input (forms, API bodies, later spreadsheets) into checked domain values.
//!
//! Every problem becomes a [`FieldError`] naming the field, the value and the rule; the
//! caller reports all of them at once and saves nothing (DESIGN.md principle 9). Rules are
//! stable ids such as `credit_code.check`; the web layer turns them into messages in the
//! user's language.

use crate::credit_code::CreditCode;
use crate::facts::{Centi, FactField};
use crate::land::geometry::Boundary;
use crate::model::{FactSource, Ownership, QualificationKind};
use crate::reference::{IndustryEdition, divisions, industries};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub rule: String,
    pub value: String,
    /// Extra facts for the message, e.g. the expected check character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &str, rule: &str, value: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
            value: value.into(),
            detail: None,
        }
    }
    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(self.0)
        }
    }
}

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 2000;

/// What a form or API client sends to create or update an enterprise.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterpriseInput {
    pub credit_code: String,
    pub name: String,
    #[serde(default)]
    pub former_names: Vec<String>,
    pub industry_code: String,
    pub park_id: Option<i64>,
    pub address: Option<String>,
    pub division_code: Option<String>,
    pub ownership: String,
    pub source_country: Option<String>,
    pub fortune500_parent: Option<String>,
    pub founded_on: Option<String>,
    /// Registered capital in yuan.
    pub registered_capital: Option<Decimal>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// 经营范围 as registered: what the chain suggestions read.
    #[serde(default)]
    pub business_scope: Option<String>,
    /// 主要产品, in the enterprise's words.
    #[serde(default)]
    pub main_products: Option<String>,
}

/// A checked enterprise, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseDraft {
    pub credit_code: CreditCode,
    pub name: String,
    pub former_names: Vec<String>,
    pub industry_code: String,
    pub park_id: Option<i64>,
    pub address: Option<String>,
    pub division_code: Option<String>,
    pub ownership: Ownership,
    pub source_country: Option<String>,
    pub fortune500_parent: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub registered_capital: Option<Centi>,
    pub tags: Vec<String>,
    pub business_scope: Option<String>,
    pub main_products: Option<String>,
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn check_len(errs: &mut Errors, field: &str, v: &str, max: usize) {
    if v.chars().count() > max {
        let shown: String = v.chars().take(40).collect();
        errs.push(FieldError::new(field, "text.too_long", shown).with_detail(max.to_string()));
    }
}

pub fn parse_credit_code(field: &str, raw: &str, errs: &mut Errors) -> Option<CreditCode> {
    if raw.trim().is_empty() {
        errs.push(FieldError::new(field, "required", ""));
        return None;
    }
    match CreditCode::parse(raw) {
        Ok(c) => Some(c),
        Err(e) => {
            // The detail is a bare fact (a count, a position, a character) so that each
            // language can phrase the message around it.
            let detail = match &e {
                crate::credit_code::CreditCodeError::Length(n) => n.to_string(),
                crate::credit_code::CreditCodeError::Character { pos, .. } => pos.to_string(),
                crate::credit_code::CreditCodeError::OrgCheck { expected, .. }
                | crate::credit_code::CreditCodeError::Check { expected, .. } => {
                    expected.to_string()
                }
            };
            errs.push(FieldError::new(field, e.rule(), raw.trim()).with_detail(detail));
            None
        }
    }
}

pub fn parse_date(field: &str, raw: &str, errs: &mut Errors) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(FieldError::new(field, "date.format", raw));
            None
        }
    }
}

/// Parses a number typed by a person: surrounding spaces and thousands separators are
/// accepted, anything else that is not a plain decimal is rejected.
pub fn parse_number(raw: &str) -> Option<Decimal> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    if s.is_empty() {
        return None;
    }
    s.parse::<Decimal>().ok()
}

impl EnterpriseInput {
    pub fn validate(&self) -> Result<EnterpriseDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        let credit_code = parse_credit_code("credit_code", &self.credit_code, &mut errs);
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errs.push(FieldError::new("name", "required", ""));
        }
        check_len(&mut errs, "name", &name, MAX_NAME_CHARS);
        let former_names: Vec<String> = self
            .former_names
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        for n in &former_names {
            check_len(&mut errs, "former_names", n, MAX_NAME_CHARS);
        }
        let industry_code = self.industry_code.trim().to_string();
        if industry_code.is_empty() {
            errs.push(FieldError::new("industry_code", "required", ""));
        } else if !industries(IndustryEdition::Amended).is_class(&industry_code) {
            errs.push(FieldError::new(
                "industry_code",
                "industry_code.unknown",
                &industry_code,
            ));
        }
        let division_code = clean(&self.division_code);
        if let Some(d) = &division_code
            && divisions().get(d).is_none()
        {
            errs.push(FieldError::new("division_code", "division_code.unknown", d));
        }
        let ownership = match Ownership::parse(self.ownership.trim()) {
            Some(o) => Some(o),
            None => {
                let rule = if self.ownership.trim().is_empty() {
                    "required"
                } else {
                    "choice.unknown"
                };
                errs.push(FieldError::new("ownership", rule, &self.ownership));
                None
            }
        };
        let source_country = clean(&self.source_country);
        if source_country.is_some()
            && !matches!(
                ownership,
                Some(Ownership::ForeignInvested | Ownership::HkMacaoTaiwan)
            )
        {
            errs.push(FieldError::new(
                "source_country",
                "source_country.only_foreign",
                source_country.clone().unwrap_or_default(),
            ));
        }
        let founded_on =
            clean(&self.founded_on).and_then(|d| parse_date("founded_on", &d, &mut errs));
        if let Some(d) = founded_on
            && d > crate::calendar::today()
        {
            errs.push(FieldError::new("founded_on", "date.future", d.to_string()));
        }
        let registered_capital = match self.registered_capital {
            Some(v) if v.is_sign_negative() && !v.is_zero() => {
                errs.push(FieldError::new(
                    "registered_capital",
                    "number.negative",
                    v.to_string(),
                ));
                None
            }
            Some(v) => match Centi::from_decimal(v) {
                Some(c) => Some(c),
                None => {
                    errs.push(FieldError::new(
                        "registered_capital",
                        "number.too_large",
                        v.to_string(),
                    ));
                    None
                }
            },
            None => None,
        };
        let address = clean(&self.address);
        if let Some(a) = &address {
            check_len(&mut errs, "address", a, MAX_TEXT_CHARS);
        }
        let fortune500_parent = clean(&self.fortune500_parent);
        let mut tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        for t in &tags {
            check_len(&mut errs, "tags", t, 50);
        }
        let business_scope = clean(&self.business_scope);
        let main_products = clean(&self.main_products);
        for (field, v) in [
            ("business_scope", &business_scope),
            ("main_products", &main_products),
        ] {
            if let Some(v) = v {
                check_len(&mut errs, field, v, MAX_TEXT_CHARS);
            }
        }
        if !errs.0.is_empty() {
            return Err(errs.0);
        }
        Ok(EnterpriseDraft {
            credit_code: credit_code.expect("checked"),
            name,
            former_names,
            industry_code,
            park_id: self.park_id,
            address,
            division_code,
            ownership: ownership.expect("checked"),
            source_country,
            fortune500_parent,
            founded_on,
            registered_capital,
            tags,
            business_scope,
            main_products,
        })
    }
}

/// A qualification held for a period.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualificationInput {
    pub kind: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub certificate_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QualificationDraft {
    pub kind: QualificationKind,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub certificate_no: Option<String>,
}

impl QualificationInput {
    pub fn validate(&self) -> Result<QualificationDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        let kind = QualificationKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(FieldError::new("kind", "choice.unknown", &self.kind));
        }
        let from = parse_date("valid_from", &self.valid_from, &mut errs);
        let to = clean(&self.valid_to).and_then(|d| parse_date("valid_to", &d, &mut errs));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errs.push(FieldError::new(
                "valid_to",
                "date.before_start",
                t.to_string(),
            ));
        }
        let certificate_no = clean(&self.certificate_no);
        errs.into_result(())?;
        Ok(QualificationDraft {
            kind: kind.expect("checked"),
            valid_from: from.expect("checked"),
            valid_to: to,
            certificate_no,
        })
    }
}

/// Figures for one enterprise and year, in stored units (yuan, m², kWh, …).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactsInput {
    pub year: i32,
    /// Field id → value in the field's stored unit; `null` clears nothing, it is ignored.
    #[serde(default)]
    pub values: BTreeMap<String, Option<Decimal>>,
    /// The veto reason, for the text field `veto`.
    pub veto: Option<String>,
    pub source: String,
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactsDraft {
    pub year: i32,
    pub values: Vec<(FactField, Centi)>,
    pub veto: Option<String>,
    pub source: FactSource,
    pub as_of: NaiveDate,
}

pub const MIN_YEAR: i32 = 1990;
pub const MAX_YEAR: i32 = 2100;

impl FactsInput {
    pub fn validate(&self, today: NaiveDate) -> Result<FactsDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        if !(MIN_YEAR..=MAX_YEAR).contains(&self.year) {
            errs.push(FieldError::new("year", "year.range", self.year.to_string()));
        }
        let source = FactSource::parse(self.source.trim());
        if source.is_none() {
            errs.push(FieldError::new("source", "choice.unknown", &self.source));
        }
        let as_of = match clean(&self.as_of) {
            Some(d) => parse_date("as_of", &d, &mut errs),
            None => Some(today),
        };
        let mut values = Vec::new();
        for (key, value) in &self.values {
            let Some(field) = FactField::parse(key).filter(|f| f.is_numeric()) else {
                errs.push(FieldError::new(key, "field.unknown", key));
                continue;
            };
            let Some(v) = value else { continue };
            if v.is_sign_negative() && !v.is_zero() && !field.allows_negative() {
                errs.push(FieldError::new(key, "number.negative", v.to_string()));
                continue;
            }
            if field == FactField::AboveScale && !(v.is_zero() || *v == Decimal::ONE) {
                errs.push(FieldError::new(key, "flag.value", v.to_string()));
                continue;
            }
            match Centi::from_decimal(*v) {
                Some(c) => values.push((field, c)),
                None => errs.push(FieldError::new(key, "number.too_large", v.to_string())),
            }
        }
        let veto = clean(&self.veto);
        if let Some(v) = &veto {
            check_len(&mut errs, "veto", v, MAX_TEXT_CHARS);
        }
        errs.into_result(())?;
        Ok(FactsDraft {
            year: self.year,
            values,
            veto,
            source: source.expect("checked"),
            as_of: as_of.expect("checked"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> EnterpriseInput {
        EnterpriseInput {
            credit_code: "914403001922038216".into(),
            name: "测试精密制造有限公司".into(),
            industry_code: "3484".into(),
            ownership: "private".into(),
            ..Default::default()
        }
    }

    #[test]
    fn accepts_a_good_enterprise() {
        let d = good().validate().unwrap();
        assert_eq!(d.credit_code.as_str(), "914403001922038216");
    }

    #[test]
    fn reports_every_problem_at_once() {
        let mut i = good();
        i.credit_code = "914403001922038217".into();
        i.industry_code = "9999".into();
        i.name = " ".into();
        i.registered_capital = Some(Decimal::from(-5));
        i.ownership = "martian".into();
        let errs = i.validate().unwrap_err();
        let rules: Vec<_> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.rule.as_str()))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("credit_code", "credit_code.check"),
                ("name", "required"),
                ("industry_code", "industry_code.unknown"),
                ("ownership", "choice.unknown"),
                ("registered_capital", "number.negative"),
            ]
        );
    }

    #[test]
    fn facts_reject_negative_and_unknown_fields() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut f = FactsInput {
            year: 2024,
            source: "tax_bureau".into(),
            ..Default::default()
        };
        f.values.insert("tax".into(), Some(Decimal::from(-1)));
        f.values
            .insert("value_added".into(), Some(Decimal::from(-1)));
        f.values.insert("colour".into(), Some(Decimal::ONE));
        let errs = f.validate(today).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].rule, "field.unknown");
        assert_eq!(errs[1].rule, "number.negative");
    }

    #[test]
    fn numbers_accept_thousands_separators() {
        assert_eq!(parse_number(" 1,234.5 "), Some(Decimal::new(12345, 1)));
        assert_eq!(parse_number("12a"), None);
    }
}

/// What is sent to create or update a zone.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneInput {
    pub name: String,
    pub kind: String,
    pub gbt37028_code: Option<String>,
    pub province_code: String,
    pub city_code: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ZoneDraft {
    pub name: String,
    pub kind: crate::model::ZoneKind,
    pub gbt37028_code: Option<String>,
    pub province_code: String,
    pub city_code: String,
}

impl ZoneInput {
    pub fn validate(&self) -> Result<ZoneDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errs.push(FieldError::new("name", "required", ""));
        }
        check_len(&mut errs, "name", &name, MAX_NAME_CHARS);
        let kind = crate::model::ZoneKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(FieldError::new("kind", "choice.unknown", &self.kind));
        }
        let gbt37028_code = clean(&self.gbt37028_code);
        if let Some(c) = &gbt37028_code
            && crate::reference::listed_zone(c).is_none()
        {
            errs.push(FieldError::new("gbt37028_code", "gbt37028_code.unknown", c));
        }
        let province = self.province_code.trim();
        match divisions().get(province) {
            Some(d) if d.level == "province" => {}
            _ => errs.push(FieldError::new(
                "province_code",
                "province_code.unknown",
                province,
            )),
        }
        let city = self.city_code.trim();
        match divisions().get(city) {
            Some(d) if d.province_code == province => {}
            Some(_) => errs.push(FieldError::new(
                "city_code",
                "city_code.other_province",
                city,
            )),
            None => errs.push(FieldError::new("city_code", "division_code.unknown", city)),
        }
        errs.into_result(())?;
        Ok(ZoneDraft {
            name,
            kind: kind.expect("checked"),
            gbt37028_code,
            province_code: province.to_string(),
            city_code: city.to_string(),
        })
    }
}

/// What is sent to create or update a park inside a zone.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParkInput {
    pub name: String,
    pub theme: Option<String>,
    /// A GeoJSON Polygon or MultiPolygon geometry (WGS 84 longitude/latitude).
    pub boundary: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParkDraft {
    pub name: String,
    pub theme: Option<String>,
    pub boundary: Option<String>,
}

/// Checks a GeoJSON boundary (see [`Boundary::parse`]) and reports what breaks it.
pub fn check_boundary(errs: &mut Errors, field: &str, text: &str) -> Option<Boundary> {
    match Boundary::parse(text) {
        Ok(b) => Some(b),
        Err(e) => {
            let shown: String = text.chars().take(40).collect();
            errs.push(FieldError::new(field, e.rule(), shown).with_detail(e.detail()));
            None
        }
    }
}

impl ParkInput {
    pub fn validate(&self) -> Result<ParkDraft, Vec<FieldError>> {
        let mut errs = Errors::default();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errs.push(FieldError::new("name", "required", ""));
        }
        check_len(&mut errs, "name", &name, MAX_NAME_CHARS);
        let boundary = clean(&self.boundary);
        if let Some(b) = &boundary {
            check_boundary(&mut errs, "boundary", b);
        }
        errs.into_result(())?;
        Ok(ParkDraft {
            name,
            theme: clean(&self.theme),
            boundary,
        })
    }
}
