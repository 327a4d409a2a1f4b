//! Space requirements, their ranked candidates and the funnel of each proposed candidate.

use super::audit::{self, json};
use super::land::{Inventory, assess};
use super::scoped::{ZoneRef, check_refs};
use crate::entities::{building, lease, plot, requirement, requirement_match, unit};
use crate::{Actor, DbError, DbResult, Scope};
use chrono::NaiveDate;
use devzone_core::land::matching::{
    CandidateKind, PlotCandidate, Ranked, Requirement, UnitCandidate, rank,
};
use devzone_core::land::validate::RequirementDraft;
use devzone_core::model::{BuildingType, EnvCategory, LandUse, MatchStage, UnitStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Statement, TransactionTrait,
};
use std::collections::HashMap;

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &RequirementDraft,
) -> DbResult<requirement::Model> {
    let tx = db.begin().await?;
    let refs: Vec<_> = std::iter::once(("enterprise_id", d.enterprise_id.map(ZoneRef::Enterprise)))
        .chain(
            d.spec
                .parks
                .iter()
                .map(|p| ("parks", Some(ZoneRef::Park(*p)))),
        )
        .collect();
    check_refs(&tx, zone_id, &refs).await?;
    let m = requirement::ActiveModel {
        zone_id: Set(zone_id),
        title: Set(d.title.clone()),
        enterprise_id: Set(d.enterprise_id),
        prospect: Set(d.prospect.clone()),
        spec: Set(serde_json::to_string(&d.spec).map_err(|e| DbError::Other(e.to_string()))?),
        note: Set(d.note.clone()),
        status: Set("open".into()),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub fn spec(r: &requirement::Model) -> Requirement {
    serde_json::from_str(&r.spec).unwrap_or_default()
}

pub async fn list<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<requirement::Model>> {
    Ok(requirement::Entity::find()
        .filter(requirement::Column::ZoneId.eq(zone_id))
        .order_by_desc(requirement::Column::Id)
        .all(db)
        .await?)
}

/// One page of a zone's requirements, newest first.
pub async fn list_page<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    page: u64,
    per_page: u64,
) -> DbResult<super::Page<requirement::Model>> {
    let q = requirement::Entity::find()
        .filter(requirement::Column::ZoneId.eq(zone_id))
        .order_by_desc(requirement::Column::Id);
    super::paged(db, q, page, per_page).await
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<Option<requirement::Model>> {
    super::scoped::get::<requirement::Entity, C>(db, scope, id).await
}

#[derive(Debug, FromQueryResult)]
struct UnitRow {
    id: i64,
    area_m2: f64,
    rent: Option<f64>,
    building_type: String,
    clear_height_m: Option<f64>,
    floor_load_kn: Option<f64>,
    power_kva: Option<f64>,
    env_max: Option<String>,
    hazardous_ok: bool,
    park_id: Option<i64>,
}

const UNIT_COLUMNS: &str = "SELECT u.id, u.area_m2, u.rent, b.building_type, b.clear_height_m, \
     b.floor_load_kn, b.power_kva, b.env_max, b.hazardous_ok, p.park_id \
     FROM units u JOIN buildings b ON b.id = u.building_id JOIN plots p ON p.id = b.plot_id";

/// A WHERE clause with its values, written with the backend's placeholders.
struct Where {
    backend: sea_orm::DatabaseBackend,
    parts: Vec<String>,
    values: Vec<sea_orm::Value>,
}

impl Where {
    fn new(backend: sea_orm::DatabaseBackend) -> Self {
        Where {
            backend,
            parts: Vec::new(),
            values: Vec::new(),
        }
    }
    fn placeholder(&mut self, v: sea_orm::Value) -> String {
        self.values.push(v);
        match self.backend {
            sea_orm::DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".into(),
        }
    }
    /// `sql` with each `{}` replaced by a placeholder for the next value.
    fn add(&mut self, sql: &str, values: Vec<sea_orm::Value>) {
        let mut out = String::new();
        let mut values = values.into_iter();
        for (i, piece) in sql.split("{}").enumerate() {
            if i > 0 {
                let v = values.next().expect("a value per placeholder");
                out.push_str(&self.placeholder(v));
            }
            out.push_str(piece);
        }
        self.parts.push(out);
    }
    fn list(&mut self, column: &str, values: Vec<sea_orm::Value>) {
        let marks: Vec<String> = values.into_iter().map(|v| self.placeholder(v)).collect();
        self.parts
            .push(format!("{column} IN ({})", marks.join(", ")));
    }
    fn statement(self, tail: &str) -> Statement {
        let sql = format!("{UNIT_COLUMNS} WHERE {} {tail}", self.parts.join(" AND "));
        Statement::from_sql_and_values(self.backend, sql, self.values)
    }
}

fn to_candidate(u: UnitRow) -> UnitCandidate {
    UnitCandidate {
        id: u.id,
        park_id: u.park_id,
        building_type: BuildingType::parse(&u.building_type).unwrap_or(BuildingType::Other),
        area_m2: u.area_m2,
        clear_height_m: u.clear_height_m,
        floor_load_kn: u.floor_load_kn,
        power_kva: u.power_kva,
        env_max: u.env_max.as_deref().and_then(EnvCategory::parse),
        hazardous_ok: u.hazardous_ok,
        rent: u.rent,
        available_from: None,
    }
}

/// How far outside the asked area range a unit still counts as a (near-miss) candidate.
pub const AREA_BAND: f64 = 1.5;

fn vacant_in_zone(backend: sea_orm::DatabaseBackend, zone_id: i64) -> Where {
    let mut w = Where::new(backend);
    w.add("u.zone_id = {}", vec![zone_id.into()]);
    w.add("u.status = {}", vec![UnitStatus::Vacant.id().into()]);
    w
}

/// Vacant units within a factor of 1.5 of the asked area (a unit a third smaller or half again
/// larger than asked is no candidate at all), with their building's properties, in one query.
pub async fn unit_candidates<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    r: &Requirement,
) -> DbResult<Vec<UnitCandidate>> {
    let mut w = vacant_in_zone(db.get_database_backend(), zone_id);
    w.add(
        "u.area_m2 >= {} AND u.area_m2 <= {}",
        vec![
            (r.area_min_m2 / AREA_BAND).into(),
            (r.area_max_m2.max(r.area_min_m2) * AREA_BAND).into(),
        ],
    );
    let rows = UnitRow::find_by_statement(w.statement("")).all(db).await?;
    Ok(rows.into_iter().map(to_candidate).collect())
}

/// The first `limit` vacant units (by id) that meet every stated criterion with a recorded
/// figure: exactly the head of the full ranking when there are `limit` of them, since such a
/// unit scores 100 and ties go to the smaller id.
async fn full_fits<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    r: &Requirement,
    limit: usize,
) -> DbResult<Vec<UnitCandidate>> {
    let mut w = vacant_in_zone(db.get_database_backend(), zone_id);
    w.add(
        "u.area_m2 >= {} AND u.area_m2 <= {}",
        vec![r.area_min_m2.into(), r.area_max_m2.into()],
    );
    if !r.building_types.is_empty() {
        w.list(
            "b.building_type",
            r.building_types.iter().map(|t| t.id().into()).collect(),
        );
    }
    for (column, min) in [
        ("b.clear_height_m", r.min_clear_height_m),
        ("b.floor_load_kn", r.min_floor_load_kn),
        ("b.power_kva", r.min_power_kva),
    ] {
        if let Some(m) = min {
            w.add(&format!("{column} >= {{}}"), vec![m.into()]);
        }
    }
    if let Some(e) = r.env_category {
        // A building admits its category and the lighter ones.
        let admits: Vec<sea_orm::Value> = EnvCategory::ALL
            .iter()
            .skip_while(|x| **x != e)
            .map(|x| x.id().into())
            .collect();
        w.list("b.env_max", admits);
    }
    if r.hazardous {
        w.add("b.hazardous_ok = {}", vec![true.into()]);
    }
    if let Some(max) = r.max_rent {
        w.add("u.rent <= {}", vec![max.into()]);
    }
    if !r.parks.is_empty() {
        w.list("p.park_id", r.parks.iter().map(|p| (*p).into()).collect());
    }
    let rows = UnitRow::find_by_statement(w.statement(&format!("ORDER BY u.id LIMIT {limit}")))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(to_candidate).collect())
}

/// Plots that can be offered as land: idle ones and those nobody holds.
pub async fn plot_candidates<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    today: NaiveDate,
) -> DbResult<Vec<PlotCandidate>> {
    let inv = Inventory {
        plots: plot::Entity::find()
            .filter(plot::Column::ZoneId.eq(zone_id))
            .all(db)
            .await?,
        ..Default::default()
    };
    Ok(assess(db, zone_id, &inv, today)
        .await?
        .into_iter()
        .filter(|a| a.idle() || (a.plot.holder_id.is_none() && a.buildings == 0))
        .map(|a| PlotCandidate {
            id: a.plot.id,
            park_id: a.plot.park_id,
            area_m2: a.plot.area_m2,
            land_use: LandUse::parse(&a.plot.land_use).unwrap_or(LandUse::Other),
        })
        .collect())
}

/// The best `limit` candidates for a requirement.
pub async fn candidates<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    r: &Requirement,
    today: NaiveDate,
    limit: usize,
) -> DbResult<Vec<Ranked>> {
    if r.wants_land {
        let plots = plot_candidates(db, zone_id, today).await?;
        Ok(rank(r, &[], &plots, limit))
    } else {
        // Enough full fits answer at once; otherwise every candidate of the area band is
        // ranked, near misses included.
        let fits = full_fits(db, zone_id, r, limit).await?;
        if limit > 0 && fits.len() >= limit {
            return Ok(rank(r, &fits, &[], limit));
        }
        let units = unit_candidates(db, zone_id, r).await?;
        Ok(rank(r, &units, &[], limit))
    }
}

pub async fn matches<C: ConnectionTrait>(
    db: &C,
    requirement_id: i64,
) -> DbResult<Vec<requirement_match::Model>> {
    Ok(requirement_match::Entity::find()
        .filter(requirement_match::Column::RequirementId.eq(requirement_id))
        .order_by_asc(requirement_match::Column::Id)
        .all(db)
        .await?)
}

/// Moves a candidate along the funnel (proposing it first when it is new). Leasing a unit
/// through the funnel marks the requirement met.
pub async fn set_stage(
    db: &DatabaseConnection,
    actor: &Actor,
    req: &requirement::Model,
    kind: CandidateKind,
    candidate_id: i64,
    stage: MatchStage,
    note: Option<String>,
) -> DbResult<requirement_match::Model> {
    let tx = db.begin().await?;
    let kind_id = match kind {
        CandidateKind::Unit => "unit",
        CandidateKind::Plot => "plot",
    };
    let zone_ok = match kind {
        CandidateKind::Unit => unit::Entity::find_by_id(candidate_id)
            .one(&tx)
            .await?
            .is_some_and(|u| u.zone_id == req.zone_id),
        CandidateKind::Plot => plot::Entity::find_by_id(candidate_id)
            .one(&tx)
            .await?
            .is_some_and(|p| p.zone_id == req.zone_id),
    };
    if !zone_ok {
        return Err(DbError::NotFound);
    }
    let existing = requirement_match::Entity::find()
        .filter(requirement_match::Column::RequirementId.eq(req.id))
        .filter(requirement_match::Column::CandidateKind.eq(kind_id))
        .filter(requirement_match::Column::CandidateId.eq(candidate_id))
        .one(&tx)
        .await?;
    let before = existing.as_ref().and_then(json);
    let m = match existing {
        Some(e) => {
            let mut a: requirement_match::ActiveModel = e.into();
            a.stage = Set(stage.id().into());
            if note.is_some() {
                a.note = Set(note);
            }
            a.updated_at = Set(chrono::Utc::now());
            a.update(&tx).await?
        }
        None => {
            requirement_match::ActiveModel {
                requirement_id: Set(req.id),
                candidate_kind: Set(kind_id.into()),
                candidate_id: Set(candidate_id),
                stage: Set(stage.id().into()),
                note: Set(note),
                updated_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&tx)
            .await?
        }
    };
    if stage == MatchStage::Leased {
        let mut a: requirement::ActiveModel = req.clone().into();
        a.status = Set("met".into());
        a.update(&tx).await?;
    }
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "requirement_match")
            .id(m.id)
            .zone(req.zone_id)
            .before(before)
            .after(json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Counts of candidates at each funnel stage across the zone's requirements.
pub async fn funnel<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<(MatchStage, u64)>> {
    let ids: Vec<i64> = list(db, zone_id).await?.iter().map(|r| r.id).collect();
    let mut counts: HashMap<String, u64> = HashMap::new();
    for chunk in ids.chunks(500) {
        for m in requirement_match::Entity::find()
            .filter(requirement_match::Column::RequirementId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            *counts.entry(m.stage).or_default() += 1;
        }
    }
    Ok(MatchStage::ALL
        .iter()
        .map(|s| (*s, counts.get(s.id()).copied().unwrap_or(0)))
        .collect())
}

/// Names for candidates: "building · unit" for units, the plot code for plots, and the
/// unit's park; used by pages and the API.
pub async fn describe<C: ConnectionTrait>(
    db: &C,
    ranked: &[(CandidateKind, i64)],
) -> DbResult<HashMap<(CandidateKind, i64), (String, Option<i64>, Option<i64>)>> {
    let mut out = HashMap::new();
    let unit_ids: Vec<i64> = ranked
        .iter()
        .filter(|(k, _)| *k == CandidateKind::Unit)
        .map(|(_, id)| *id)
        .collect();
    let plot_ids: Vec<i64> = ranked
        .iter()
        .filter(|(k, _)| *k == CandidateKind::Plot)
        .map(|(_, id)| *id)
        .collect();
    if !unit_ids.is_empty() {
        let units = unit::Entity::find()
            .filter(unit::Column::Id.is_in(unit_ids))
            .all(db)
            .await?;
        let b_ids: Vec<i64> = units.iter().map(|u| u.building_id).collect();
        let buildings: HashMap<i64, building::Model> = building::Entity::find()
            .filter(building::Column::Id.is_in(b_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
        for u in units {
            let b = buildings.get(&u.building_id);
            out.insert(
                (CandidateKind::Unit, u.id),
                (
                    format!("{} · {}", b.map(|b| b.name.as_str()).unwrap_or(""), u.name),
                    b.map(|b| b.plot_id),
                    Some(u.building_id),
                ),
            );
        }
    }
    if !plot_ids.is_empty() {
        for p in plot::Entity::find()
            .filter(plot::Column::Id.is_in(plot_ids))
            .all(db)
            .await?
        {
            let label = match &p.name {
                Some(n) => format!("{} {}", p.code, n),
                None => p.code.clone(),
            };
            out.insert((CandidateKind::Plot, p.id), (label, Some(p.id), None));
        }
    }
    Ok(out)
}

/// The current lease of each given unit on `today`.
pub async fn current_leases<C: ConnectionTrait>(
    db: &C,
    unit_ids: &[i64],
    today: NaiveDate,
) -> DbResult<HashMap<i64, lease::Model>> {
    let mut out = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        for l in lease::Entity::find()
            .filter(lease::Column::UnitId.is_in(chunk.to_vec()))
            .filter(lease::Column::StartOn.lte(today))
            .filter(lease::Column::EndOn.gte(today))
            .all(db)
            .await?
        {
            out.insert(l.unit_id, l);
        }
    }
    Ok(out)
}
