//! The records the API answers with, one per stored table it exposes: the web crate's own
//! types, so that a column added to a table reaches the API only when it is added here.

use chrono::{DateTime, NaiveDate, Utc};
use devzone_db::entities::{
    building, chain_mapping, lease, plot, requirement, requirement_match, revitalisation_case,
    revitalisation_project, revitalisation_step, unit,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Stored rows as the records the API answers with.
pub fn records<M, R: From<M>>(rows: Vec<M>) -> Vec<R> {
    rows.into_iter().map(R::from).collect()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Plot)]
pub struct PlotRecord {
    pub id: i64,
    pub zone_id: i64,
    pub park_id: Option<i64>,
    pub code: String,
    pub name: Option<String>,
    /// GeoJSON Polygon or MultiPolygon.
    pub boundary: Option<String>,
    /// Recorded area, m².
    pub area_m2: f64,
    /// Area computed from the boundary, m².
    pub geometry_m2: Option<f64>,
    pub land_use: String,
    pub tenure: Option<String>,
    pub holder_id: Option<i64>,
    pub transferred_on: Option<NaiveDate>,
    pub contracted_start: Option<NaiveDate>,
    pub contracted_completion: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    pub developed_m2: Option<f64>,
    /// Yuan.
    pub planned_investment: Option<f64>,
    pub invested: Option<f64>,
    /// Covenant minimum investment per mu, yuan.
    pub min_intensity: Option<f64>,
    /// Covenant minimum tax per mu, yuan.
    pub min_tax_per_mu: Option<f64>,
    pub min_far: Option<f64>,
}

impl From<plot::Model> for PlotRecord {
    fn from(m: plot::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            park_id: m.park_id,
            code: m.code,
            name: m.name,
            boundary: m.boundary,
            area_m2: m.area_m2,
            geometry_m2: m.geometry_m2,
            land_use: m.land_use,
            tenure: m.tenure,
            holder_id: m.holder_id,
            transferred_on: m.transferred_on,
            contracted_start: m.contracted_start,
            contracted_completion: m.contracted_completion,
            actual_start: m.actual_start,
            stopped_on: m.stopped_on,
            developed_m2: m.developed_m2,
            planned_investment: m.planned_investment,
            invested: m.invested,
            min_intensity: m.min_intensity,
            min_tax_per_mu: m.min_tax_per_mu,
            min_far: m.min_far,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Building)]
pub struct BuildingRecord {
    pub id: i64,
    pub zone_id: i64,
    pub plot_id: i64,
    pub name: String,
    pub building_type: String,
    pub storeys: Option<i32>,
    pub floor_area_m2: f64,
    pub clear_height_m: Option<f64>,
    pub floor_load_kn: Option<f64>,
    pub power_kva: Option<f64>,
    pub lifts: Option<i32>,
    pub env_max: Option<String>,
    pub hazardous_ok: bool,
    pub year_built: Option<i32>,
}

impl From<building::Model> for BuildingRecord {
    fn from(m: building::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            plot_id: m.plot_id,
            name: m.name,
            building_type: m.building_type,
            storeys: m.storeys,
            floor_area_m2: m.floor_area_m2,
            clear_height_m: m.clear_height_m,
            floor_load_kn: m.floor_load_kn,
            power_kva: m.power_kva,
            lifts: m.lifts,
            env_max: m.env_max,
            hazardous_ok: m.hazardous_ok,
            year_built: m.year_built,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Unit)]
pub struct UnitRecord {
    pub id: i64,
    pub zone_id: i64,
    pub building_id: i64,
    pub name: String,
    pub floor: Option<String>,
    pub area_m2: f64,
    pub status: String,
    /// Yuan per m² per month: the current lease's rent when leased, the asking rent otherwise.
    pub rent: Option<f64>,
    pub last_verified: Option<NaiveDate>,
}

impl From<unit::Model> for UnitRecord {
    fn from(m: unit::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            building_id: m.building_id,
            name: m.name,
            floor: m.floor,
            area_m2: m.area_m2,
            status: m.status,
            rent: m.rent,
            last_verified: m.last_verified,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Lease)]
pub struct LeaseRecord {
    pub id: i64,
    pub zone_id: i64,
    pub unit_id: i64,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// Yuan per m² per month.
    pub rent: f64,
}

impl From<lease::Model> for LeaseRecord {
    fn from(m: lease::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            unit_id: m.unit_id,
            tenant_id: m.tenant_id,
            tenant_name: m.tenant_name,
            start_on: m.start_on,
            end_on: m.end_on,
            rent: m.rent,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RevitalisationCase)]
pub struct RevitalisationCaseRecord {
    pub id: i64,
    pub zone_id: i64,
    pub title: String,
    pub plot_id: Option<i64>,
    pub building_id: Option<i64>,
    pub plan: String,
    pub stage: String,
    pub reason: Option<String>,
    pub area_m2: Option<f64>,
    /// Shares, 0–1.
    pub occupancy_before: Option<f64>,
    pub occupancy_after: Option<f64>,
    /// Yuan a year.
    pub expected_rent: Option<f64>,
    pub actual_rent: Option<f64>,
    pub handed_over_on: Option<NaiveDate>,
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl From<revitalisation_case::Model> for RevitalisationCaseRecord {
    fn from(m: revitalisation_case::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            title: m.title,
            plot_id: m.plot_id,
            building_id: m.building_id,
            plan: m.plan,
            stage: m.stage,
            reason: m.reason,
            area_m2: m.area_m2,
            occupancy_before: m.occupancy_before,
            occupancy_after: m.occupancy_after,
            expected_rent: m.expected_rent,
            actual_rent: m.actual_rent,
            handed_over_on: m.handed_over_on,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RevitalisationStep)]
pub struct RevitalisationStepRecord {
    pub id: i64,
    pub case_id: i64,
    pub title: String,
    pub responsible: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

impl From<revitalisation_step::Model> for RevitalisationStepRecord {
    fn from(m: revitalisation_step::Model) -> Self {
        Self {
            id: m.id,
            case_id: m.case_id,
            title: m.title,
            responsible: m.responsible,
            due_on: m.due_on,
            done_on: m.done_on,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RevitalisationProject)]
pub struct RevitalisationProjectRecord {
    pub id: i64,
    pub case_id: i64,
    pub name: String,
    pub enterprise_id: Option<i64>,
    /// Yuan; output and tax are expected annual figures.
    pub investment: Option<f64>,
    pub output: Option<f64>,
    pub tax: Option<f64>,
}

impl From<revitalisation_project::Model> for RevitalisationProjectRecord {
    fn from(m: revitalisation_project::Model) -> Self {
        Self {
            id: m.id,
            case_id: m.case_id,
            name: m.name,
            enterprise_id: m.enterprise_id,
            investment: m.investment,
            output: m.output,
            tax: m.tax,
        }
    }
}

/// An enterprise placed on a chain node: suggested by the rules, confirmed or rejected by
/// an officer, or added by hand.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ChainMapping)]
pub struct ChainMappingRecord {
    pub id: i64,
    pub zone_id: i64,
    pub enterprise_id: i64,
    pub taxonomy: String,
    pub node_id: String,
    /// suggested, confirmed or rejected.
    pub state: String,
    /// rule or manual.
    pub origin: String,
    pub confidence: Option<f64>,
    /// What the placement rests on: the words and industry classes found.
    pub evidence: Vec<devzone_core::chain::suggest::Evidence>,
    /// Flagged by an officer as a leading enterprise of the node, whatever its revenue.
    pub leading: bool,
    pub updated_by: String,
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl From<chain_mapping::Model> for ChainMappingRecord {
    fn from(m: chain_mapping::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            enterprise_id: m.enterprise_id,
            taxonomy: m.taxonomy,
            node_id: m.node_id,
            state: m.state,
            origin: m.origin,
            confidence: m.confidence,
            evidence: serde_json::from_str(&m.evidence).unwrap_or_default(),
            leading: m.leading,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Requirement)]
pub struct RequirementRecord {
    pub id: i64,
    pub zone_id: i64,
    pub title: String,
    pub enterprise_id: Option<i64>,
    pub prospect: Option<String>,
    /// The matching criteria.
    pub spec: devzone_core::land::matching::Requirement,
    pub note: Option<String>,
    /// open, met or closed.
    pub status: String,
    pub created_by: String,
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl From<requirement::Model> for RequirementRecord {
    fn from(m: requirement::Model) -> Self {
        Self {
            id: m.id,
            zone_id: m.zone_id,
            title: m.title,
            enterprise_id: m.enterprise_id,
            prospect: m.prospect,
            spec: serde_json::from_str(&m.spec).unwrap_or_default(),
            note: m.note,
            status: m.status,
            created_by: m.created_by,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = RequirementMatch)]
pub struct RequirementMatchRecord {
    pub id: i64,
    pub requirement_id: i64,
    /// unit or plot.
    pub candidate_kind: String,
    pub candidate_id: i64,
    pub stage: String,
    pub note: Option<String>,
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl From<requirement_match::Model> for RequirementMatchRecord {
    fn from(m: requirement_match::Model) -> Self {
        Self {
            id: m.id,
            requirement_id: m.requirement_id,
            candidate_kind: m.candidate_kind,
            candidate_id: m.candidate_id,
            stage: m.stage,
            note: m.note,
            updated_at: m.updated_at,
        }
    }
}
