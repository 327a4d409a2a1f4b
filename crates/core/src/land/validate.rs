//! Land, building, unit, lease, requirement and revitalisation input: parsed and checked.
//!
//! Numbers and dates arrive as text from forms and as text or numbers from the API; both pass
//! through [`Lenient`]. Money is entered in 万元 and covenants in 万元/亩, as officials read
//! them, and stored in yuan (DESIGN.md principle 7).

use super::geometry::{AREA_TOLERANCE, Boundary, M2_PER_MU, area_deviation};
use super::matching::Requirement;
use super::occupancy::{LeaseTerm, overlapping};
use crate::model::{
    BuildingType, CaseStage, EnvCategory, LandUse, RevitalisationPlan, Tenure, UnitStatus,
};
use crate::validate::{Errors, FieldError, MAX_NAME_CHARS, MAX_TEXT_CHARS, check_boundary};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// A value that may come as a JSON number, a string or nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
pub struct Lenient(pub Option<String>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(Lenient(match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Bool(b) => Some(if b { "true" } else { "false" }.into()),
            other => Some(other.to_string()),
        }))
    }
}

impl From<&str> for Lenient {
    fn from(s: &str) -> Self {
        Lenient(Some(s.to_string()))
    }
}

impl Lenient {
    pub(crate) fn text(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// Reads the fields of one input, collecting every problem (land here, and the other
/// modules' forms).
pub(crate) struct Reader {
    errs: Errors,
}

impl Reader {
    pub(crate) fn new() -> Self {
        Reader {
            errs: Errors::default(),
        }
    }

    pub(crate) fn fail(&mut self, field: &str, rule: &str, value: &str) {
        self.errs.push(FieldError::new(field, rule, value));
    }

    pub(crate) fn errs_push(&mut self, e: FieldError) {
        self.errs.push(e);
    }

    pub(crate) fn number(&mut self, field: &str, v: &Lenient) -> Option<f64> {
        let s = v.text()?;
        let cleaned: String = s.chars().filter(|c| *c != ',' && *c != '，').collect();
        match cleaned.parse::<f64>() {
            Ok(n) if n.is_finite() && n.abs() < 1e15 => Some(n),
            _ => {
                self.fail(field, "number.format", s);
                None
            }
        }
    }

    /// A number that may not be negative.
    pub(crate) fn amount(&mut self, field: &str, v: &Lenient) -> Option<f64> {
        let n = self.number(field, v)?;
        if n < 0.0 {
            self.fail(field, "number.negative", v.text().unwrap_or(""));
            return None;
        }
        Some(n)
    }

    /// A share entered in per cent (0–100), returned as 0–1.
    pub(crate) fn percent(&mut self, field: &str, v: &Lenient) -> Option<f64> {
        let n = self.amount(field, v)?;
        if n > 100.0 {
            self.fail(field, "number.percent", v.text().unwrap_or(""));
            return None;
        }
        Some(n / 100.0)
    }

    pub(crate) fn positive(&mut self, field: &str, v: &Lenient) -> Option<f64> {
        let n = self.amount(field, v)?;
        if n == 0.0 {
            self.fail(field, "number.positive", v.text().unwrap_or(""));
            return None;
        }
        Some(n)
    }

    pub(crate) fn required<T>(&mut self, field: &str, v: Option<T>, raw: &Lenient) -> Option<T> {
        if v.is_none() && raw.text().is_none() {
            self.fail(field, "required", "");
        }
        v
    }

    pub(crate) fn date(&mut self, field: &str, v: &Lenient) -> Option<NaiveDate> {
        let s = v.text()?;
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(field, "date.format", s);
                None
            }
        }
    }

    pub(crate) fn integer(
        &mut self,
        field: &str,
        v: &Lenient,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<i64> {
        let s = v.text()?;
        match s.parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            Ok(_) => {
                self.fail(field, "number.out_of_range", s);
                None
            }
            Err(_) => {
                self.fail(field, "number.format", s);
                None
            }
        }
    }

    pub(crate) fn text(&mut self, field: &str, v: &Option<String>, max: usize) -> Option<String> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        if s.chars().count() > max {
            self.fail(
                field,
                "text.too_long",
                &s.chars().take(40).collect::<String>(),
            );
            return None;
        }
        Some(s.to_string())
    }

    pub(crate) fn name(&mut self, field: &str, v: &str) -> String {
        let s = v.trim();
        if s.is_empty() {
            self.fail(field, "required", "");
        } else if s.chars().count() > MAX_NAME_CHARS {
            self.fail(
                field,
                "text.too_long",
                &s.chars().take(40).collect::<String>(),
            );
        }
        s.to_string()
    }

    pub(crate) fn id<T>(
        &mut self,
        field: &str,
        v: &Option<String>,
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let r = parse(s);
        if r.is_none() {
            self.fail(field, "choice.unknown", s);
        }
        r
    }

    /// The day of a record's event (`on`, default today): not in the future, not before the
    /// record's last event (`before_last`: the rule that says so, with that day).
    pub(crate) fn event_day(
        &mut self,
        v: &Lenient,
        today: NaiveDate,
        last: Option<NaiveDate>,
        before_last: &str,
    ) -> NaiveDate {
        let on = self.date("on", v).unwrap_or(today);
        if on > today {
            self.fail("on", "date.future", &on.to_string());
        }
        if let Some(l) = last
            && on < l
        {
            self.errs_push(
                FieldError::new("on", before_last, on.to_string()).with_detail(l.to_string()),
            );
        }
        on
    }

    pub(crate) fn flag(v: &Lenient) -> bool {
        matches!(v.text(), Some("true" | "on" | "1" | "yes" | "是"))
    }

    pub(crate) fn done<T>(self, ok: T) -> Result<T, Vec<FieldError>> {
        self.errs.into_result(ok)
    }
}

fn wan(v: Option<f64>) -> Option<f64> {
    v.map(|x| x * 10_000.0)
}

fn wan_per_mu(v: Option<f64>) -> Option<f64> {
    v.map(|x| x * 10_000.0)
}

/// A plot as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlotInput {
    /// The plot number (宗地编号), unique in the zone.
    pub code: String,
    pub name: Option<String>,
    pub park_id: Option<i64>,
    /// GeoJSON Polygon or MultiPolygon (WGS 84).
    pub boundary: Option<String>,
    /// The recorded area in m² (from the land certificate); the geometry's is computed.
    #[serde(default)]
    pub area_m2: Lenient,
    pub land_use: String,
    pub tenure: Option<String>,
    pub holder_id: Option<i64>,
    #[serde(default)]
    pub transferred_on: Lenient,
    #[serde(default)]
    pub contracted_start: Lenient,
    #[serde(default)]
    pub contracted_completion: Lenient,
    #[serde(default)]
    pub actual_start: Lenient,
    #[serde(default)]
    pub stopped_on: Lenient,
    #[serde(default)]
    pub developed_m2: Lenient,
    #[serde(default)]
    pub planned_investment_wan: Lenient,
    #[serde(default)]
    pub invested_wan: Lenient,
    #[serde(default)]
    pub min_intensity_wan_per_mu: Lenient,
    #[serde(default)]
    pub min_tax_wan_per_mu: Lenient,
    #[serde(default)]
    pub min_far: Lenient,
}

/// A checked plot, in base units.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotDraft {
    pub code: String,
    pub name: Option<String>,
    pub park_id: Option<i64>,
    pub boundary: Option<Boundary>,
    pub area_m2: f64,
    pub geometry_m2: Option<f64>,
    pub land_use: LandUse,
    pub tenure: Option<Tenure>,
    pub holder_id: Option<i64>,
    pub transferred_on: Option<NaiveDate>,
    pub contracted_start: Option<NaiveDate>,
    pub contracted_completion: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    pub developed_m2: Option<f64>,
    pub planned_investment: Option<f64>,
    pub invested: Option<f64>,
    pub min_intensity: Option<f64>,
    pub min_tax_per_mu: Option<f64>,
    pub min_far: Option<f64>,
}

impl PlotDraft {
    /// Whether the recorded area differs from the geometry's by more than 5 %.
    pub fn area_warning(&self) -> bool {
        area_deviation(Some(self.area_m2), self.geometry_m2).is_some_and(|d| d > AREA_TOLERANCE)
    }
}

impl PlotInput {
    pub fn validate(&self) -> Result<PlotDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let code = r.name("code", &self.code);
        let boundary = match self.boundary.as_deref().map(str::trim) {
            Some(b) if !b.is_empty() => check_boundary(&mut r.errs, "boundary", b),
            _ => None,
        };
        let geometry_m2 = boundary.as_ref().map(Boundary::area_m2);
        let recorded = r.positive("area_m2", &self.area_m2);
        // Without a recorded area the geometry's stands in; without either the plot has none.
        let area_m2 = match (recorded, geometry_m2) {
            (Some(a), _) => Some(a),
            (None, Some(g)) if self.area_m2.text().is_none() => Some(g),
            _ => r.required("area_m2", None, &self.area_m2),
        };
        let land_use = r.id("land_use", &Some(self.land_use.clone()), LandUse::parse);
        if self.land_use.trim().is_empty() {
            r.fail("land_use", "required", "");
        }
        let tenure = r.id("tenure", &self.tenure, Tenure::parse);
        let contracted_start = r.date("contracted_start", &self.contracted_start);
        let contracted_completion = r.date("contracted_completion", &self.contracted_completion);
        if let (Some(s), Some(c)) = (contracted_start, contracted_completion)
            && c < s
        {
            r.fail("contracted_completion", "date.before_start", &c.to_string());
        }
        let actual_start = r.date("actual_start", &self.actual_start);
        let stopped_on = r.date("stopped_on", &self.stopped_on);
        if let (Some(s), Some(t)) = (actual_start, stopped_on)
            && t < s
        {
            r.fail("stopped_on", "date.before_start", &t.to_string());
        }
        if stopped_on.is_some() && actual_start.is_none() {
            r.fail("stopped_on", "land.stopped_without_start", "");
        }
        let developed_m2 = r.amount("developed_m2", &self.developed_m2);
        if let (Some(d), Some(a)) = (developed_m2, area_m2)
            && d > a * 1.0001
        {
            r.fail("developed_m2", "land.developed_above_area", &d.to_string());
        }
        let draft = PlotDraft {
            code,
            name: r.text("name", &self.name, MAX_NAME_CHARS),
            park_id: self.park_id,
            geometry_m2,
            area_m2: area_m2.unwrap_or(0.0),
            boundary,
            land_use: land_use.unwrap_or(LandUse::Other),
            tenure,
            holder_id: self.holder_id,
            transferred_on: r.date("transferred_on", &self.transferred_on),
            contracted_start,
            contracted_completion,
            actual_start,
            stopped_on,
            developed_m2,
            planned_investment: wan(
                r.amount("planned_investment_wan", &self.planned_investment_wan)
            ),
            invested: wan(r.amount("invested_wan", &self.invested_wan)),
            min_intensity: wan_per_mu(
                r.amount("min_intensity_wan_per_mu", &self.min_intensity_wan_per_mu),
            ),
            min_tax_per_mu: wan_per_mu(r.amount("min_tax_wan_per_mu", &self.min_tax_wan_per_mu)),
            min_far: r.amount("min_far", &self.min_far),
        };
        r.done(draft)
    }
}

/// A building as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingInput {
    pub plot_id: i64,
    pub name: String,
    pub building_type: String,
    #[serde(default)]
    pub storeys: Lenient,
    #[serde(default)]
    pub floor_area_m2: Lenient,
    #[serde(default)]
    pub clear_height_m: Lenient,
    #[serde(default)]
    pub floor_load_kn: Lenient,
    #[serde(default)]
    pub power_kva: Lenient,
    #[serde(default)]
    pub lifts: Lenient,
    pub env_max: Option<String>,
    #[serde(default)]
    pub hazardous_ok: Lenient,
    #[serde(default)]
    pub year_built: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildingDraft {
    pub plot_id: i64,
    pub name: String,
    pub building_type: BuildingType,
    pub storeys: Option<i64>,
    pub floor_area_m2: f64,
    pub clear_height_m: Option<f64>,
    pub floor_load_kn: Option<f64>,
    pub power_kva: Option<f64>,
    pub lifts: Option<i64>,
    pub env_max: Option<EnvCategory>,
    pub hazardous_ok: bool,
    pub year_built: Option<i64>,
}

impl BuildingInput {
    /// `units_m2` is the area of the units already in the building (when it is edited): the
    /// floor area may not drop below it.
    pub fn validate(
        &self,
        units_m2: f64,
        this_year: i32,
    ) -> Result<BuildingDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let name = r.name("name", &self.name);
        let building_type = r.id(
            "building_type",
            &Some(self.building_type.clone()),
            BuildingType::parse,
        );
        let fa = r.positive("floor_area_m2", &self.floor_area_m2);
        let floor_area_m2 = r.required("floor_area_m2", fa, &self.floor_area_m2);
        if let Some(f) = floor_area_m2
            && f + 0.001 < units_m2
        {
            r.fail("floor_area_m2", "land.building_below_units", &f.to_string());
        }
        let draft = BuildingDraft {
            plot_id: self.plot_id,
            name,
            building_type: building_type.unwrap_or(BuildingType::Other),
            storeys: r.integer("storeys", &self.storeys, 1..=200),
            floor_area_m2: floor_area_m2.unwrap_or(0.0),
            clear_height_m: r.positive("clear_height_m", &self.clear_height_m),
            floor_load_kn: r.positive("floor_load_kn", &self.floor_load_kn),
            power_kva: r.amount("power_kva", &self.power_kva),
            lifts: r.integer("lifts", &self.lifts, 0..=500),
            env_max: r.id("env_max", &self.env_max, EnvCategory::parse),
            hazardous_ok: Reader::flag(&self.hazardous_ok),
            year_built: r.integer(
                "year_built",
                &self.year_built,
                1900..=i64::from(this_year) + 5,
            ),
        };
        r.done(draft)
    }
}

/// A space unit as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInput {
    pub building_id: i64,
    pub name: String,
    pub floor: Option<String>,
    #[serde(default)]
    pub area_m2: Lenient,
    pub status: String,
    /// Asking rent, yuan per m² per month.
    #[serde(default)]
    pub rent: Lenient,
    #[serde(default)]
    pub last_verified: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitDraft {
    pub building_id: i64,
    pub name: String,
    pub floor: Option<String>,
    pub area_m2: f64,
    pub status: UnitStatus,
    pub rent: Option<f64>,
    pub last_verified: Option<NaiveDate>,
}

impl UnitInput {
    /// `building_m2` is the building's gross floor area and `others_m2` the area of its other
    /// units: a unit may not be larger than the building, nor make the units exceed it.
    pub fn validate(
        &self,
        building_m2: f64,
        others_m2: f64,
        today: NaiveDate,
    ) -> Result<UnitDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let name = r.name("name", &self.name);
        let a = r.positive("area_m2", &self.area_m2);
        let area_m2 = r.required("area_m2", a, &self.area_m2);
        if let Some(a) = area_m2 {
            if a > building_m2 + 0.001 {
                r.errs.push(
                    FieldError::new("area_m2", "land.unit_above_building", a.to_string())
                        .with_detail(format!("{building_m2}")),
                );
            } else if a + others_m2 > building_m2 + 0.001 {
                r.errs.push(
                    FieldError::new("area_m2", "land.units_above_building", a.to_string())
                        .with_detail(format!("{}", building_m2 - others_m2)),
                );
            }
        }
        let status = r.id("status", &Some(self.status.clone()), UnitStatus::parse);
        let last_verified = r.date("last_verified", &self.last_verified);
        if last_verified.is_some_and(|d| d > today) {
            r.fail(
                "last_verified",
                "date.future",
                self.last_verified.text().unwrap_or(""),
            );
        }
        let draft = UnitDraft {
            building_id: self.building_id,
            name,
            floor: r.text("floor", &self.floor, 20),
            area_m2: area_m2.unwrap_or(0.0),
            status: status.unwrap_or(UnitStatus::Vacant),
            rent: r.amount("rent", &self.rent),
            last_verified,
        };
        r.done(draft)
    }
}

/// A lease as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaseInput {
    pub unit_id: i64,
    pub tenant_id: Option<i64>,
    /// The tenant's name when it is not (yet) an enterprise of the zone.
    pub tenant_name: Option<String>,
    #[serde(default)]
    pub start: Lenient,
    #[serde(default)]
    pub end: Lenient,
    /// Yuan per m² per month.
    #[serde(default)]
    pub rent: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeaseDraft {
    pub unit_id: i64,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub rent: f64,
}

impl LeaseInput {
    /// `existing` are the unit's other leases: a new lease may not overlap any of them.
    pub fn validate(&self, existing: &[LeaseTerm]) -> Result<LeaseDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let tenant_name = r.text("tenant_name", &self.tenant_name, MAX_NAME_CHARS);
        if self.tenant_id.is_none() && tenant_name.is_none() {
            r.fail("tenant_name", "required", "");
        }
        let s = r.date("start", &self.start);
        let start = r.required("start", s, &self.start);
        let e = r.date("end", &self.end);
        let end = r.required("end", e, &self.end);
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            r.errs.push(
                FieldError::new("end", "date.before_start", e.to_string())
                    .with_detail(s.to_string()),
            );
        }
        let rent = r.amount("rent", &self.rent);
        let rent = r.required("rent", rent, &self.rent);
        if let (Some(s), Some(e)) = (start, end)
            && s <= e
            && let Some(o) = overlapping(
                existing,
                &LeaseTerm {
                    id: 0,
                    start: s,
                    end: e,
                },
            )
        {
            r.errs.push(
                FieldError::new("start", "land.lease_overlap", s.to_string())
                    .with_detail(format!("{} – {}", o.start, o.end)),
            );
        }
        let draft = LeaseDraft {
            unit_id: self.unit_id,
            tenant_id: self.tenant_id,
            tenant_name,
            start: start.unwrap_or_default(),
            end: end.unwrap_or_default(),
            rent: rent.unwrap_or(0.0),
        };
        r.done(draft)
    }
}

/// A space requirement as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementInput {
    pub title: String,
    pub enterprise_id: Option<i64>,
    /// A prospective investor not yet in the zone.
    pub prospect: Option<String>,
    #[serde(default)]
    pub wants_land: Lenient,
    #[serde(default)]
    pub area_min_m2: Lenient,
    #[serde(default)]
    pub area_max_m2: Lenient,
    #[serde(default)]
    pub building_types: Vec<String>,
    #[serde(default)]
    pub min_clear_height_m: Lenient,
    #[serde(default)]
    pub min_floor_load_kn: Lenient,
    #[serde(default)]
    pub min_power_kva: Lenient,
    pub env_category: Option<String>,
    #[serde(default)]
    pub hazardous: Lenient,
    #[serde(default)]
    pub max_rent: Lenient,
    #[serde(default)]
    pub move_in_by: Lenient,
    #[serde(default)]
    pub parks: Vec<i64>,
    pub land_use: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequirementDraft {
    pub title: String,
    pub enterprise_id: Option<i64>,
    pub prospect: Option<String>,
    pub note: Option<String>,
    pub spec: Requirement,
}

impl RequirementInput {
    pub fn validate(&self) -> Result<RequirementDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let title = r.name("title", &self.title);
        let min = r.positive("area_min_m2", &self.area_min_m2);
        let min = r.required("area_min_m2", min, &self.area_min_m2);
        let max = r.positive("area_max_m2", &self.area_max_m2);
        if let (Some(a), Some(b)) = (min, max)
            && b < a
        {
            r.fail("area_max_m2", "land.max_below_min", &b.to_string());
        }
        let mut building_types = Vec::new();
        for t in &self.building_types {
            if let Some(t) = r.id("building_types", &Some(t.clone()), BuildingType::parse) {
                building_types.push(t);
            }
        }
        let spec = Requirement {
            wants_land: Reader::flag(&self.wants_land),
            area_min_m2: min.unwrap_or(0.0),
            area_max_m2: max.or(min).unwrap_or(0.0),
            building_types,
            min_clear_height_m: r.positive("min_clear_height_m", &self.min_clear_height_m),
            min_floor_load_kn: r.positive("min_floor_load_kn", &self.min_floor_load_kn),
            min_power_kva: r.positive("min_power_kva", &self.min_power_kva),
            env_category: r.id("env_category", &self.env_category, EnvCategory::parse),
            hazardous: Reader::flag(&self.hazardous),
            max_rent: r.amount("max_rent", &self.max_rent),
            move_in_by: r.date("move_in_by", &self.move_in_by),
            parks: self.parks.clone(),
            land_use: r.id("land_use", &self.land_use, LandUse::parse),
        };
        let draft = RequirementDraft {
            title,
            enterprise_id: self.enterprise_id,
            prospect: r.text("prospect", &self.prospect, MAX_NAME_CHARS),
            note: r.text("note", &self.note, MAX_TEXT_CHARS),
            spec,
        };
        r.done(draft)
    }
}

/// A revitalisation case as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseInput {
    pub title: String,
    pub plot_id: Option<i64>,
    pub building_id: Option<i64>,
    pub plan: String,
    pub stage: String,
    /// Why the asset was taken up: idle, low efficiency, vacancy, in the officer's words.
    pub reason: Option<String>,
    #[serde(default)]
    pub area_m2: Lenient,
    /// Occupancy in per cent.
    #[serde(default)]
    pub occupancy_before: Lenient,
    #[serde(default)]
    pub occupancy_after: Lenient,
    #[serde(default)]
    pub expected_rent_wan: Lenient,
    #[serde(default)]
    pub actual_rent_wan: Lenient,
    #[serde(default)]
    pub handed_over_on: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseDraft {
    pub title: String,
    pub plot_id: Option<i64>,
    pub building_id: Option<i64>,
    pub plan: RevitalisationPlan,
    pub stage: CaseStage,
    pub reason: Option<String>,
    pub area_m2: Option<f64>,
    pub occupancy_before: Option<f64>,
    pub occupancy_after: Option<f64>,
    pub expected_rent: Option<f64>,
    pub actual_rent: Option<f64>,
    pub handed_over_on: Option<NaiveDate>,
}

impl CaseInput {
    pub fn validate(&self) -> Result<CaseDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let title = r.name("title", &self.title);
        if self.plot_id.is_none() && self.building_id.is_none() {
            r.fail("plot_id", "land.case_without_asset", "");
        }
        let plan = r.id("plan", &Some(self.plan.clone()), RevitalisationPlan::parse);
        let stage = r.id("stage", &Some(self.stage.clone()), CaseStage::parse);
        let draft = CaseDraft {
            title,
            plot_id: self.plot_id,
            building_id: self.building_id,
            plan: plan.unwrap_or(RevitalisationPlan::LeaseOut),
            stage: stage.unwrap_or(CaseStage::Identified),
            reason: r.text("reason", &self.reason, MAX_TEXT_CHARS),
            area_m2: r.amount("area_m2", &self.area_m2),
            occupancy_before: r.percent("occupancy_before", &self.occupancy_before),
            occupancy_after: r.percent("occupancy_after", &self.occupancy_after),
            expected_rent: wan(r.amount("expected_rent_wan", &self.expected_rent_wan)),
            actual_rent: wan(r.amount("actual_rent_wan", &self.actual_rent_wan)),
            handed_over_on: r.date("handed_over_on", &self.handed_over_on),
        };
        r.done(draft)
    }
}

/// A dated step of a case, or a project placed into the revitalised space.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepInput {
    pub title: String,
    pub responsible: Option<String>,
    #[serde(default)]
    pub due_on: Lenient,
    #[serde(default)]
    pub done_on: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepDraft {
    pub title: String,
    pub responsible: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

impl StepInput {
    pub fn validate(&self) -> Result<StepDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let draft = StepDraft {
            title: r.name("title", &self.title),
            responsible: r.text("responsible", &self.responsible, MAX_NAME_CHARS),
            due_on: r.date("due_on", &self.due_on),
            done_on: r.date("done_on", &self.done_on),
        };
        r.done(draft)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectInput {
    pub name: String,
    pub enterprise_id: Option<i64>,
    #[serde(default)]
    pub investment_wan: Lenient,
    /// Expected annual output.
    #[serde(default)]
    pub output_wan: Lenient,
    /// Expected annual tax.
    #[serde(default)]
    pub tax_wan: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectDraft {
    pub name: String,
    pub enterprise_id: Option<i64>,
    pub investment: Option<f64>,
    pub output: Option<f64>,
    pub tax: Option<f64>,
}

impl ProjectInput {
    pub fn validate(&self) -> Result<ProjectDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let draft = ProjectDraft {
            name: r.name("name", &self.name),
            enterprise_id: self.enterprise_id,
            investment: wan(r.amount("investment_wan", &self.investment_wan)),
            output: wan(r.amount("output_wan", &self.output_wan)),
            tax: wan(r.amount("tax_wan", &self.tax_wan)),
        };
        r.done(draft)
    }
}

/// Area in mu, for display.
pub fn mu(m2: f64) -> f64 {
    m2 / M2_PER_MU
}
