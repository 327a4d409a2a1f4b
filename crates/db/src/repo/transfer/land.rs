//! The land part of a zone export: plots, buildings, units, leases, requirements with their
//! funnel, revitalisation cases with steps and projects, and the zone's land rules.
//!
//! Records are named by keys, never by database ids: a plot by its number, a building by its
//! plot's number and its place among the plot's buildings (`P-01#2`), a unit likewise under
//! its building, requirements and cases by their place in the zone (`R3`, `C1`). Read back
//! and exported again, the files are the same byte for byte.

use crate::entities::{
    building, land_rules, lease, plot, requirement, requirement_match, revitalisation_case as case,
    revitalisation_project as project, revitalisation_step as step, unit,
};
use crate::{DbError, DbResult};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Serialize, Deserialize)]
struct PlotRow {
    code: String,
    name: Option<String>,
    park: Option<String>,
    boundary: Option<String>,
    area_m2: f64,
    geometry_m2: Option<f64>,
    land_use: String,
    tenure: Option<String>,
    holder: Option<String>,
    transferred_on: Option<chrono::NaiveDate>,
    contracted_start: Option<chrono::NaiveDate>,
    contracted_completion: Option<chrono::NaiveDate>,
    actual_start: Option<chrono::NaiveDate>,
    stopped_on: Option<chrono::NaiveDate>,
    developed_m2: Option<f64>,
    planned_investment: Option<f64>,
    invested: Option<f64>,
    min_intensity: Option<f64>,
    min_tax_per_mu: Option<f64>,
    min_far: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BuildingRow {
    key: String,
    plot: String,
    name: String,
    building_type: String,
    storeys: Option<i32>,
    floor_area_m2: f64,
    clear_height_m: Option<f64>,
    floor_load_kn: Option<f64>,
    power_kva: Option<f64>,
    lifts: Option<i32>,
    env_max: Option<String>,
    hazardous_ok: bool,
    year_built: Option<i32>,
}

#[derive(Debug, Serialize, Deserialize)]
struct UnitRow {
    key: String,
    building: String,
    name: String,
    floor: Option<String>,
    area_m2: f64,
    status: String,
    rent: Option<f64>,
    last_verified: Option<chrono::NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
struct LeaseRow {
    unit: String,
    tenant: Option<String>,
    tenant_name: Option<String>,
    start_on: chrono::NaiveDate,
    end_on: chrono::NaiveDate,
    rent: f64,
}

#[derive(Debug, Serialize, Deserialize)]
struct RequirementRow {
    key: String,
    title: String,
    enterprise: Option<String>,
    prospect: Option<String>,
    spec: String,
    note: Option<String>,
    status: String,
    created_by: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct MatchRow {
    requirement: String,
    candidate_kind: String,
    candidate: String,
    stage: String,
    note: Option<String>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CaseRow {
    key: String,
    title: String,
    plot: Option<String>,
    building: Option<String>,
    plan: String,
    stage: String,
    reason: Option<String>,
    area_m2: Option<f64>,
    occupancy_before: Option<f64>,
    occupancy_after: Option<f64>,
    expected_rent: Option<f64>,
    actual_rent: Option<f64>,
    handed_over_on: Option<chrono::NaiveDate>,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StepRow {
    case: String,
    title: String,
    responsible: Option<String>,
    due_on: Option<chrono::NaiveDate>,
    done_on: Option<chrono::NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProjectRow {
    case: String,
    name: String,
    enterprise: Option<String>,
    investment: Option<f64>,
    output: Option<f64>,
    tax: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct RulesRow {
    rules: String,
}

fn ordinal_keys<T>(
    items: &[T],
    parent: impl Fn(&T) -> String,
    id: impl Fn(&T) -> i64,
) -> HashMap<i64, String> {
    // Items come sorted by id; each gets its parent's key and its place under it.
    let mut count: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .map(|x| {
            let p = parent(x);
            let n = count.entry(p.clone()).or_default();
            *n += 1;
            (id(x), format!("{p}#{n}"))
        })
        .collect()
}

/// The land files of a zone export: (name, rows, CSV bytes).
pub(super) async fn export<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    park_name: &HashMap<i64, String>,
    code_of: &HashMap<i64, String>,
) -> DbResult<Vec<(&'static str, u64, Vec<u8>)>> {
    use super::csv_bytes;
    let plots = plot::Entity::find()
        .filter(plot::Column::ZoneId.eq(zone_id))
        .order_by_asc(plot::Column::Code)
        .all(db)
        .await?;
    let plot_code: HashMap<i64, String> = plots.iter().map(|p| (p.id, p.code.clone())).collect();
    let buildings = building::Entity::find()
        .filter(building::Column::ZoneId.eq(zone_id))
        .order_by_asc(building::Column::Id)
        .all(db)
        .await?;
    let building_key = ordinal_keys(&buildings, |b| plot_code[&b.plot_id].clone(), |b| b.id);
    let units = unit::Entity::find()
        .filter(unit::Column::ZoneId.eq(zone_id))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    let unit_key = ordinal_keys(&units, |u| building_key[&u.building_id].clone(), |u| u.id);
    let leases = lease::Entity::find()
        .filter(lease::Column::ZoneId.eq(zone_id))
        .order_by_asc(lease::Column::Id)
        .all(db)
        .await?;
    let reqs = requirement::Entity::find()
        .filter(requirement::Column::ZoneId.eq(zone_id))
        .order_by_asc(requirement::Column::Id)
        .all(db)
        .await?;
    let req_key: HashMap<i64, String> = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, format!("R{}", i + 1)))
        .collect();
    let mut matches = Vec::new();
    for chunk in reqs.iter().map(|r| r.id).collect::<Vec<_>>().chunks(500) {
        matches.extend(
            requirement_match::Entity::find()
                .filter(requirement_match::Column::RequirementId.is_in(chunk.to_vec()))
                .order_by_asc(requirement_match::Column::Id)
                .all(db)
                .await?,
        );
    }
    let cases = case::Entity::find()
        .filter(case::Column::ZoneId.eq(zone_id))
        .order_by_asc(case::Column::Id)
        .all(db)
        .await?;
    let case_key: HashMap<i64, String> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, format!("C{}", i + 1)))
        .collect();
    let case_ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let mut steps = Vec::new();
    let mut projects = Vec::new();
    for chunk in case_ids.chunks(500) {
        steps.extend(
            step::Entity::find()
                .filter(step::Column::CaseId.is_in(chunk.to_vec()))
                .order_by_asc(step::Column::Id)
                .all(db)
                .await?,
        );
        projects.extend(
            project::Entity::find()
                .filter(project::Column::CaseId.is_in(chunk.to_vec()))
                .order_by_asc(project::Column::Id)
                .all(db)
                .await?,
        );
    }
    let rules: Vec<RulesRow> = land_rules::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .map(|r| RulesRow { rules: r.rules })
        .into_iter()
        .collect();
    let code = |id: Option<i64>| id.and_then(|e| code_of.get(&e).cloned());
    let plot_rows: Vec<PlotRow> = plots
        .iter()
        .map(|p| PlotRow {
            code: p.code.clone(),
            name: p.name.clone(),
            park: p.park_id.and_then(|k| park_name.get(&k).cloned()),
            boundary: p.boundary.clone(),
            area_m2: p.area_m2,
            geometry_m2: p.geometry_m2,
            land_use: p.land_use.clone(),
            tenure: p.tenure.clone(),
            holder: code(p.holder_id),
            transferred_on: p.transferred_on,
            contracted_start: p.contracted_start,
            contracted_completion: p.contracted_completion,
            actual_start: p.actual_start,
            stopped_on: p.stopped_on,
            developed_m2: p.developed_m2,
            planned_investment: p.planned_investment,
            invested: p.invested,
            min_intensity: p.min_intensity,
            min_tax_per_mu: p.min_tax_per_mu,
            min_far: p.min_far,
        })
        .collect();
    let building_rows: Vec<BuildingRow> = buildings
        .iter()
        .map(|b| BuildingRow {
            key: building_key[&b.id].clone(),
            plot: plot_code[&b.plot_id].clone(),
            name: b.name.clone(),
            building_type: b.building_type.clone(),
            storeys: b.storeys,
            floor_area_m2: b.floor_area_m2,
            clear_height_m: b.clear_height_m,
            floor_load_kn: b.floor_load_kn,
            power_kva: b.power_kva,
            lifts: b.lifts,
            env_max: b.env_max.clone(),
            hazardous_ok: b.hazardous_ok,
            year_built: b.year_built,
        })
        .collect();
    let unit_rows: Vec<UnitRow> = units
        .iter()
        .map(|u| UnitRow {
            key: unit_key[&u.id].clone(),
            building: building_key[&u.building_id].clone(),
            name: u.name.clone(),
            floor: u.floor.clone(),
            area_m2: u.area_m2,
            status: u.status.clone(),
            rent: u.rent,
            last_verified: u.last_verified,
        })
        .collect();
    let lease_rows: Vec<LeaseRow> = leases
        .iter()
        .map(|l| LeaseRow {
            unit: unit_key[&l.unit_id].clone(),
            tenant: code(l.tenant_id),
            tenant_name: l.tenant_name.clone(),
            start_on: l.start_on,
            end_on: l.end_on,
            rent: l.rent,
        })
        .collect();
    let req_rows: Vec<RequirementRow> = reqs
        .iter()
        .map(|r| RequirementRow {
            key: req_key[&r.id].clone(),
            title: r.title.clone(),
            enterprise: code(r.enterprise_id),
            prospect: r.prospect.clone(),
            // Park ids inside the criteria become park names.
            spec: spec_with_park_names(&r.spec, park_name),
            note: r.note.clone(),
            status: r.status.clone(),
            created_by: r.created_by.clone(),
            created_at: r.created_at,
        })
        .collect();
    let match_rows: Vec<MatchRow> = matches
        .iter()
        .filter_map(|m| {
            let candidate = match m.candidate_kind.as_str() {
                "unit" => unit_key.get(&m.candidate_id)?.clone(),
                _ => plot_code.get(&m.candidate_id)?.clone(),
            };
            Some(MatchRow {
                requirement: req_key[&m.requirement_id].clone(),
                candidate_kind: m.candidate_kind.clone(),
                candidate,
                stage: m.stage.clone(),
                note: m.note.clone(),
                updated_at: m.updated_at,
            })
        })
        .collect();
    let case_rows: Vec<CaseRow> = cases
        .iter()
        .map(|c| CaseRow {
            key: case_key[&c.id].clone(),
            title: c.title.clone(),
            plot: c.plot_id.and_then(|p| plot_code.get(&p).cloned()),
            building: c.building_id.and_then(|b| building_key.get(&b).cloned()),
            plan: c.plan.clone(),
            stage: c.stage.clone(),
            reason: c.reason.clone(),
            area_m2: c.area_m2,
            occupancy_before: c.occupancy_before,
            occupancy_after: c.occupancy_after,
            expected_rent: c.expected_rent,
            actual_rent: c.actual_rent,
            handed_over_on: c.handed_over_on,
            created_at: c.created_at,
        })
        .collect();
    let step_rows: Vec<StepRow> = steps
        .iter()
        .map(|s| StepRow {
            case: case_key[&s.case_id].clone(),
            title: s.title.clone(),
            responsible: s.responsible.clone(),
            due_on: s.due_on,
            done_on: s.done_on,
        })
        .collect();
    let project_rows: Vec<ProjectRow> = projects
        .iter()
        .map(|p| ProjectRow {
            case: case_key[&p.case_id].clone(),
            name: p.name.clone(),
            enterprise: code(p.enterprise_id),
            investment: p.investment,
            output: p.output,
            tax: p.tax,
        })
        .collect();
    Ok(vec![
        ("plots.csv", plot_rows.len() as u64, csv_bytes(&plot_rows)?),
        (
            "buildings.csv",
            building_rows.len() as u64,
            csv_bytes(&building_rows)?,
        ),
        ("units.csv", unit_rows.len() as u64, csv_bytes(&unit_rows)?),
        (
            "leases.csv",
            lease_rows.len() as u64,
            csv_bytes(&lease_rows)?,
        ),
        (
            "requirements.csv",
            req_rows.len() as u64,
            csv_bytes(&req_rows)?,
        ),
        (
            "requirement_matches.csv",
            match_rows.len() as u64,
            csv_bytes(&match_rows)?,
        ),
        (
            "revitalisation_cases.csv",
            case_rows.len() as u64,
            csv_bytes(&case_rows)?,
        ),
        (
            "revitalisation_steps.csv",
            step_rows.len() as u64,
            csv_bytes(&step_rows)?,
        ),
        (
            "revitalisation_projects.csv",
            project_rows.len() as u64,
            csv_bytes(&project_rows)?,
        ),
        ("land_rules.csv", rules.len() as u64, csv_bytes(&rules)?),
    ])
}

/// The requirement's criteria with park ids replaced by names (`parks` → `park_names`).
fn spec_with_park_names(spec: &str, park_name: &HashMap<i64, String>) -> String {
    let mut v: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        let names: Vec<serde_json::Value> = o
            .remove("parks")
            .and_then(|p| p.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| {
                id.as_i64()
                    .and_then(|i| park_name.get(&i))
                    .map(|n| n.clone().into())
            })
            .collect();
        o.insert("park_names".into(), names.into());
    }
    v.to_string()
}

fn spec_with_park_ids(spec: &str, park_id: &HashMap<String, i64>) -> String {
    let mut v: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        let ids: Vec<serde_json::Value> = o
            .remove("park_names")
            .and_then(|p| p.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.as_str().and_then(|n| park_id.get(n)).map(|i| (*i).into()))
            .collect();
        o.insert("parks".into(), ids.into());
    }
    v.to_string()
}

/// The row counts of the land files, to check against the manifest.
pub(super) fn row_counts(
    files: &HashMap<String, Vec<u8>>,
) -> DbResult<HashMap<&'static str, usize>> {
    use super::read_csv;
    let get = |n: &str| files.get(n).map(Vec::as_slice).unwrap_or(&[]);
    let mut out = HashMap::new();
    out.insert(
        "plots.csv",
        read_csv::<PlotRow>("plots.csv", get("plots.csv"))?.len(),
    );
    out.insert(
        "buildings.csv",
        read_csv::<BuildingRow>("buildings.csv", get("buildings.csv"))?.len(),
    );
    out.insert(
        "units.csv",
        read_csv::<UnitRow>("units.csv", get("units.csv"))?.len(),
    );
    out.insert(
        "leases.csv",
        read_csv::<LeaseRow>("leases.csv", get("leases.csv"))?.len(),
    );
    out.insert(
        "requirements.csv",
        read_csv::<RequirementRow>("requirements.csv", get("requirements.csv"))?.len(),
    );
    out.insert(
        "requirement_matches.csv",
        read_csv::<MatchRow>("requirement_matches.csv", get("requirement_matches.csv"))?.len(),
    );
    out.insert(
        "revitalisation_cases.csv",
        read_csv::<CaseRow>("revitalisation_cases.csv", get("revitalisation_cases.csv"))?.len(),
    );
    out.insert(
        "revitalisation_steps.csv",
        read_csv::<StepRow>("revitalisation_steps.csv", get("revitalisation_steps.csv"))?.len(),
    );
    out.insert(
        "revitalisation_projects.csv",
        read_csv::<ProjectRow>(
            "revitalisation_projects.csv",
            get("revitalisation_projects.csv"),
        )?
        .len(),
    );
    out.insert(
        "land_rules.csv",
        read_csv::<RulesRow>("land_rules.csv", get("land_rules.csv"))?.len(),
    );
    Ok(out)
}

/// Reads the land files into a zone just created, inside the import's transaction.
pub(super) async fn import<C: ConnectionTrait>(
    tx: &C,
    zone_id: i64,
    files: &HashMap<String, Vec<u8>>,
    park_id: &HashMap<String, i64>,
    id_of: &HashMap<String, i64>,
) -> DbResult<usize> {
    use super::read_csv;
    let get = |n: &str| files.get(n).map(Vec::as_slice).unwrap_or(&[]);
    let bad = |m: String| DbError::Other(m);
    let ent =
        |code: &Option<String>, file: &str| -> DbResult<Option<i64>> {
            match code {
                None => Ok(None),
                Some(c) => id_of.get(c).copied().map(Some).ok_or_else(|| {
                    bad(format!("{file}: credit code {c} is not in enterprises.csv"))
                }),
            }
        };
    let plots: Vec<PlotRow> = read_csv("plots.csv", get("plots.csv"))?;
    let mut plot_id: HashMap<String, i64> = HashMap::new();
    for p in &plots {
        let m = plot::ActiveModel {
            zone_id: Set(zone_id),
            park_id: Set(p.park.as_ref().and_then(|n| park_id.get(n).copied())),
            code: Set(p.code.clone()),
            name: Set(p.name.clone()),
            boundary: Set(p.boundary.clone()),
            area_m2: Set(p.area_m2),
            geometry_m2: Set(p.geometry_m2),
            land_use: Set(p.land_use.clone()),
            tenure: Set(p.tenure.clone()),
            holder_id: Set(ent(&p.holder, "plots.csv")?),
            transferred_on: Set(p.transferred_on),
            contracted_start: Set(p.contracted_start),
            contracted_completion: Set(p.contracted_completion),
            actual_start: Set(p.actual_start),
            stopped_on: Set(p.stopped_on),
            developed_m2: Set(p.developed_m2),
            planned_investment: Set(p.planned_investment),
            invested: Set(p.invested),
            min_intensity: Set(p.min_intensity),
            min_tax_per_mu: Set(p.min_tax_per_mu),
            min_far: Set(p.min_far),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        plot_id.insert(p.code.clone(), m.id);
    }
    let key = |map: &HashMap<String, i64>, k: &str, file: &str| {
        map.get(k)
            .copied()
            .ok_or_else(|| bad(format!("{file}: {k} is not defined")))
    };
    let mut building_id: HashMap<String, i64> = HashMap::new();
    for b in read_csv::<BuildingRow>("buildings.csv", get("buildings.csv"))? {
        let m = building::ActiveModel {
            zone_id: Set(zone_id),
            plot_id: Set(key(&plot_id, &b.plot, "buildings.csv")?),
            name: Set(b.name),
            building_type: Set(b.building_type),
            storeys: Set(b.storeys),
            floor_area_m2: Set(b.floor_area_m2),
            clear_height_m: Set(b.clear_height_m),
            floor_load_kn: Set(b.floor_load_kn),
            power_kva: Set(b.power_kva),
            lifts: Set(b.lifts),
            env_max: Set(b.env_max),
            hazardous_ok: Set(b.hazardous_ok),
            year_built: Set(b.year_built),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        building_id.insert(b.key, m.id);
    }
    let mut unit_id: HashMap<String, i64> = HashMap::new();
    for u in read_csv::<UnitRow>("units.csv", get("units.csv"))? {
        let m = unit::ActiveModel {
            zone_id: Set(zone_id),
            building_id: Set(key(&building_id, &u.building, "units.csv")?),
            name: Set(u.name),
            floor: Set(u.floor),
            area_m2: Set(u.area_m2),
            status: Set(u.status),
            rent: Set(u.rent),
            last_verified: Set(u.last_verified),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        unit_id.insert(u.key, m.id);
    }
    let leases: Vec<LeaseRow> = read_csv("leases.csv", get("leases.csv"))?;
    for chunk in leases.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|l| {
                Ok(lease::ActiveModel {
                    zone_id: Set(zone_id),
                    unit_id: Set(key(&unit_id, &l.unit, "leases.csv")?),
                    tenant_id: Set(ent(&l.tenant, "leases.csv")?),
                    tenant_name: Set(l.tenant_name.clone()),
                    start_on: Set(l.start_on),
                    end_on: Set(l.end_on),
                    rent: Set(l.rent),
                    ..Default::default()
                })
            })
            .collect::<DbResult<Vec<_>>>()?;
        if !rows.is_empty() {
            lease::Entity::insert_many(rows)
                .exec_without_returning(tx)
                .await?;
        }
    }
    let mut req_id: HashMap<String, i64> = HashMap::new();
    for r in read_csv::<RequirementRow>("requirements.csv", get("requirements.csv"))? {
        let m = requirement::ActiveModel {
            zone_id: Set(zone_id),
            title: Set(r.title),
            enterprise_id: Set(ent(&r.enterprise, "requirements.csv")?),
            prospect: Set(r.prospect),
            spec: Set(spec_with_park_ids(&r.spec, park_id)),
            note: Set(r.note),
            status: Set(r.status),
            created_by: Set(r.created_by),
            created_at: Set(r.created_at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        req_id.insert(r.key, m.id);
    }
    for m in read_csv::<MatchRow>("requirement_matches.csv", get("requirement_matches.csv"))? {
        let candidate = match m.candidate_kind.as_str() {
            "unit" => key(&unit_id, &m.candidate, "requirement_matches.csv")?,
            _ => key(&plot_id, &m.candidate, "requirement_matches.csv")?,
        };
        requirement_match::ActiveModel {
            requirement_id: Set(key(&req_id, &m.requirement, "requirement_matches.csv")?),
            candidate_kind: Set(m.candidate_kind),
            candidate_id: Set(candidate),
            stage: Set(m.stage),
            note: Set(m.note),
            updated_at: Set(m.updated_at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    let mut case_id: HashMap<String, i64> = HashMap::new();
    for c in read_csv::<CaseRow>("revitalisation_cases.csv", get("revitalisation_cases.csv"))? {
        let plot = match &c.plot {
            Some(p) => Some(key(&plot_id, p, "revitalisation_cases.csv")?),
            None => None,
        };
        let building = match &c.building {
            Some(b) => Some(key(&building_id, b, "revitalisation_cases.csv")?),
            None => None,
        };
        let m = case::ActiveModel {
            zone_id: Set(zone_id),
            title: Set(c.title),
            plot_id: Set(plot),
            building_id: Set(building),
            plan: Set(c.plan),
            stage: Set(c.stage),
            reason: Set(c.reason),
            area_m2: Set(c.area_m2),
            occupancy_before: Set(c.occupancy_before),
            occupancy_after: Set(c.occupancy_after),
            expected_rent: Set(c.expected_rent),
            actual_rent: Set(c.actual_rent),
            handed_over_on: Set(c.handed_over_on),
            created_at: Set(c.created_at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        case_id.insert(c.key, m.id);
    }
    for s in read_csv::<StepRow>("revitalisation_steps.csv", get("revitalisation_steps.csv"))? {
        step::ActiveModel {
            case_id: Set(key(&case_id, &s.case, "revitalisation_steps.csv")?),
            title: Set(s.title),
            responsible: Set(s.responsible),
            due_on: Set(s.due_on),
            done_on: Set(s.done_on),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    for p in read_csv::<ProjectRow>(
        "revitalisation_projects.csv",
        get("revitalisation_projects.csv"),
    )? {
        project::ActiveModel {
            case_id: Set(key(&case_id, &p.case, "revitalisation_projects.csv")?),
            name: Set(p.name),
            enterprise_id: Set(ent(&p.enterprise, "revitalisation_projects.csv")?),
            investment: Set(p.investment),
            output: Set(p.output),
            tax: Set(p.tax),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    for r in read_csv::<RulesRow>("land_rules.csv", get("land_rules.csv"))? {
        land_rules::ActiveModel {
            zone_id: Set(zone_id),
            rules: Set(r.rules),
        }
        .insert(tx)
        .await?;
    }
    Ok(plots.len())
}
