//! Land, buildings and space units: the inventory, leases, occupancy and rent, and the idle
//! and low-efficiency assessment of plots (rules in `devzone_core::land`).

use super::audit::{self, json};
use super::facts::Year;
use super::scoped::{ZoneRef, check_refs, require};
use crate::entities::{building, enterprise, land_rules, lease, park, plot, unit};
use crate::{Actor, DbError, DbResult, conflict_or};
use chrono::NaiveDate;
use devzone_core::facts::FactField;
use devzone_core::land::idle::{Flag, LandRules, PlotFigures, flags};
use devzone_core::land::occupancy::{LeaseTerm, Occupancy, UnitLine, month_ends, occupancy};
use devzone_core::land::validate::{
    BuildingDraft, BuildingInput, LeaseDraft, LeaseInput, PlotDraft, UnitDraft, UnitInput,
};
use devzone_core::model::{BuildingType, UnitStatus};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::HashMap;

pub async fn rules<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<LandRules> {
    Ok(land_rules::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .and_then(|r| serde_json::from_str(&r.rules).ok())
        .unwrap_or_default())
}

pub async fn set_rules(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rules: &LandRules,
) -> DbResult<()> {
    let tx = db.begin().await?;
    let before = land_rules::Entity::find_by_id(zone_id).one(&tx).await?;
    let text = serde_json::to_string(rules).map_err(|e| DbError::Other(e.to_string()))?;
    let m = land_rules::ActiveModel {
        zone_id: Set(zone_id),
        rules: Set(text.clone()),
    };
    if before.is_some() {
        m.update(&tx).await?;
    } else {
        m.insert(&tx).await?;
    }
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "land_rules")
            .id(zone_id)
            .zone(zone_id)
            .before(before.map(|b| b.rules))
            .after(Some(text)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A zone's (or one park's) plots, buildings and units.
#[derive(Debug, Default)]
pub struct Inventory {
    pub plots: Vec<plot::Model>,
    pub buildings: Vec<building::Model>,
    pub units: Vec<unit::Model>,
}

pub async fn inventory<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    park_id: Option<i64>,
) -> DbResult<Inventory> {
    let mut q = plot::Entity::find().filter(plot::Column::ZoneId.eq(zone_id));
    if let Some(p) = park_id {
        q = q.filter(plot::Column::ParkId.eq(p));
    }
    let plots = q.order_by_asc(plot::Column::Code).all(db).await?;
    let mut buildings = building::Entity::find()
        .filter(building::Column::ZoneId.eq(zone_id))
        .order_by_asc(building::Column::Id)
        .all(db)
        .await?;
    let mut units = unit::Entity::find()
        .filter(unit::Column::ZoneId.eq(zone_id))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    if park_id.is_some() {
        let ids: std::collections::HashSet<i64> = plots.iter().map(|p| p.id).collect();
        buildings.retain(|b| ids.contains(&b.plot_id));
        let b: std::collections::HashSet<i64> = buildings.iter().map(|b| b.id).collect();
        units.retain(|u| b.contains(&u.building_id));
    }
    Ok(Inventory {
        plots,
        buildings,
        units,
    })
}

pub fn unit_line(u: &unit::Model) -> UnitLine {
    UnitLine {
        area_m2: u.area_m2,
        status: UnitStatus::parse(&u.status).unwrap_or(UnitStatus::Vacant),
        rent: u.rent,
    }
}

impl Inventory {
    /// Occupancy of the units that `keep` selects by their building.
    pub fn occupancy_where(&self, keep: impl Fn(&building::Model) -> bool) -> Occupancy {
        let ids: std::collections::HashSet<i64> = self
            .buildings
            .iter()
            .filter(|b| keep(b))
            .map(|b| b.id)
            .collect();
        let lines: Vec<UnitLine> = self
            .units
            .iter()
            .filter(|u| ids.contains(&u.building_id))
            .map(unit_line)
            .collect();
        occupancy(&lines)
    }

    pub fn occupancy(&self) -> Occupancy {
        occupancy(&self.units.iter().map(unit_line).collect::<Vec<_>>())
    }

    /// Occupancy by building type, in the vocabulary's order, types without units left out.
    pub fn by_building_type(&self) -> Vec<(BuildingType, Occupancy)> {
        BuildingType::ALL
            .iter()
            .map(|t| (*t, self.occupancy_where(|b| b.building_type == t.id())))
            .filter(|(_, o)| o.total_m2 > 0.0)
            .collect()
    }
}

/// A plot with what the pages show about it: its buildings' floor area and occupancy, and the
/// flags the zone's rules raise.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub plot: plot::Model,
    pub buildings: usize,
    pub built_floor_m2: f64,
    pub occupancy: Occupancy,
    pub holder_class: Option<String>,
    pub flags: Vec<Flag>,
}

impl Assessed {
    pub fn idle(&self) -> bool {
        self.flags
            .iter()
            .any(|f| f.kind == devzone_core::land::idle::FlagKind::Idle)
    }
    pub fn low_efficiency(&self) -> bool {
        self.flags
            .iter()
            .any(|f| f.kind == devzone_core::land::idle::FlagKind::LowEfficiency)
    }
    /// The map colour key: idle, low-efficiency, vacant (no holder, nothing built), leased
    /// (occupancy ≥ the rest) or held.
    pub fn status(&self) -> &'static str {
        if self.idle() {
            "idle"
        } else if self.low_efficiency() {
            "low_efficiency"
        } else if self.plot.holder_id.is_none() && self.buildings == 0 {
            "vacant"
        } else if self.occupancy.lettable_m2 > 0.0 {
            "leased"
        } else {
            "held"
        }
    }
}

/// The latest current tax figure (yuan) of each given enterprise.
async fn latest_tax<C: ConnectionTrait>(db: &C, ids: &[i64]) -> DbResult<HashMap<i64, f64>> {
    let figures = super::facts::current_figures(db, ids, &[FactField::Tax], Year::Latest).await?;
    Ok(figures
        .into_iter()
        .filter_map(|((id, _), f)| f.value.map(|v| (id, v)))
        .collect())
}

/// Every plot of the inventory assessed under the zone's rules on `today`.
pub async fn assess<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    inv: &Inventory,
    today: NaiveDate,
) -> DbResult<Vec<Assessed>> {
    let rules = rules(db, zone_id).await?;
    let classes = super::evaluation::published_classes(db, zone_id).await?;
    let holders: Vec<i64> = inv.plots.iter().filter_map(|p| p.holder_id).collect();
    let taxes = latest_tax(db, &holders).await?;
    let mut by_plot: HashMap<i64, Vec<&building::Model>> = HashMap::new();
    for b in &inv.buildings {
        by_plot.entry(b.plot_id).or_default().push(b);
    }
    let mut units_by_building: HashMap<i64, Vec<UnitLine>> = HashMap::new();
    for u in &inv.units {
        units_by_building
            .entry(u.building_id)
            .or_default()
            .push(unit_line(u));
    }
    Ok(inv
        .plots
        .iter()
        .map(|p| {
            let bs = by_plot.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            let lines: Vec<UnitLine> = bs
                .iter()
                .flat_map(|b| units_by_building.get(&b.id).cloned().unwrap_or_default())
                .collect();
            let occ = occupancy(&lines);
            let built: f64 = bs.iter().map(|b| b.floor_area_m2).sum();
            let class = p.holder_id.and_then(|h| classes.get(&h).cloned());
            let figures = PlotFigures {
                area_m2: p.area_m2,
                contracted_start: p.contracted_start,
                contracted_completion: p.contracted_completion,
                actual_start: p.actual_start,
                stopped_on: p.stopped_on,
                developed_m2: p.developed_m2,
                planned_investment: p.planned_investment,
                invested: p.invested,
                built_floor_m2: built,
                min_far: p.min_far,
                min_intensity: p.min_intensity,
                min_tax_per_mu: p.min_tax_per_mu,
                holder_tax: p.holder_id.and_then(|h| taxes.get(&h).copied()),
                holder_class: class.clone(),
                vacancy: occ.vacancy(),
            };
            Assessed {
                plot: p.clone(),
                buildings: bs.len(),
                built_floor_m2: built,
                occupancy: occ,
                holder_class: class,
                flags: flags(&figures, &rules, today),
            }
        })
        .collect())
}

fn plot_active(zone_id: i64, d: &PlotDraft) -> plot::ActiveModel {
    plot::ActiveModel {
        zone_id: Set(zone_id),
        park_id: Set(d.park_id),
        code: Set(d.code.clone()),
        name: Set(d.name.clone()),
        boundary: Set(d.boundary.as_ref().map(|b| b.to_geojson())),
        area_m2: Set(d.area_m2),
        geometry_m2: Set(d.geometry_m2),
        land_use: Set(d.land_use.id().into()),
        tenure: Set(d.tenure.map(|t| t.id().into())),
        holder_id: Set(d.holder_id),
        transferred_on: Set(d.transferred_on),
        contracted_start: Set(d.contracted_start),
        contracted_completion: Set(d.contracted_completion),
        actual_start: Set(d.actual_start),
        stopped_on: Set(d.stopped_on),
        developed_m2: Set(d.developed_m2),
        planned_investment: Set(d.planned_investment),
        invested: Set(d.invested),
        min_intensity: Set(d.min_intensity),
        min_tax_per_mu: Set(d.min_tax_per_mu),
        min_far: Set(d.min_far),
        ..Default::default()
    }
}

/// Checks that the park and the holder named by a draft belong to the zone.
async fn check_plot_refs<C: ConnectionTrait>(db: &C, zone_id: i64, d: &PlotDraft) -> DbResult<()> {
    check_refs(
        db,
        zone_id,
        &[
            ("park_id", d.park_id.map(ZoneRef::Park)),
            ("holder_id", d.holder_id.map(ZoneRef::Enterprise)),
        ],
    )
    .await
}

pub async fn create_plot(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &PlotDraft,
) -> DbResult<plot::Model> {
    let tx = db.begin().await?;
    check_plot_refs(&tx, zone_id, d).await?;
    let m = plot_active(zone_id, d)
        .insert(&tx)
        .await
        .map_err(|e| conflict_or(e, "code", &d.code))?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn plot<C: ConnectionTrait>(
    db: &C,
    zone_ids: &crate::Scope,
    id: i64,
) -> DbResult<Option<plot::Model>> {
    super::scoped::get::<plot::Entity, C>(db, zone_ids, id).await
}

pub async fn building<C: ConnectionTrait>(
    db: &C,
    scope: &crate::Scope,
    id: i64,
) -> DbResult<Option<building::Model>> {
    super::scoped::get::<building::Entity, C>(db, scope, id).await
}

pub async fn unit<C: ConnectionTrait>(
    db: &C,
    scope: &crate::Scope,
    id: i64,
) -> DbResult<Option<unit::Model>> {
    super::scoped::get::<unit::Entity, C>(db, scope, id).await
}

fn building_active(zone_id: i64, d: &BuildingDraft) -> building::ActiveModel {
    building::ActiveModel {
        zone_id: Set(zone_id),
        plot_id: Set(d.plot_id),
        name: Set(d.name.clone()),
        building_type: Set(d.building_type.id().into()),
        storeys: Set(d.storeys.map(|v| v as i32)),
        floor_area_m2: Set(d.floor_area_m2),
        clear_height_m: Set(d.clear_height_m),
        floor_load_kn: Set(d.floor_load_kn),
        power_kva: Set(d.power_kva),
        lifts: Set(d.lifts.map(|v| v as i32)),
        env_max: Set(d.env_max.map(|e| e.id().into())),
        hazardous_ok: Set(d.hazardous_ok),
        year_built: Set(d.year_built.map(|v| v as i32)),
        ..Default::default()
    }
}

pub async fn create_building(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    input: &BuildingInput,
    this_year: i32,
) -> DbResult<building::Model> {
    let tx = db.begin().await?;
    require::<plot::Entity, _>(&tx, zone_id, input.plot_id).await?;
    let d = input.validate(0.0, this_year).map_err(DbError::Invalid)?;
    let m = building_active(zone_id, &d).insert(&tx).await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn units_of<C: ConnectionTrait>(db: &C, building_id: i64) -> DbResult<Vec<unit::Model>> {
    Ok(unit::Entity::find()
        .filter(unit::Column::BuildingId.eq(building_id))
        .order_by_asc(unit::Column::Name)
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?)
}

pub async fn buildings_of<C: ConnectionTrait>(
    db: &C,
    plot_id: i64,
) -> DbResult<Vec<building::Model>> {
    Ok(building::Entity::find()
        .filter(building::Column::PlotId.eq(plot_id))
        .order_by_asc(building::Column::Id)
        .all(db)
        .await?)
}

fn unit_active(zone_id: i64, d: &UnitDraft) -> unit::ActiveModel {
    unit::ActiveModel {
        zone_id: Set(zone_id),
        building_id: Set(d.building_id),
        name: Set(d.name.clone()),
        floor: Set(d.floor.clone()),
        area_m2: Set(d.area_m2),
        status: Set(d.status.id().into()),
        rent: Set(d.rent),
        last_verified: Set(d.last_verified),
        ..Default::default()
    }
}

/// Adds a unit to a building; its area is checked against the building's floor area and the
/// building's other units.
pub async fn create_unit(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &crate::Scope,
    input: &UnitInput,
    today: NaiveDate,
) -> DbResult<unit::Model> {
    let tx = db.begin().await?;
    let b = building(&tx, scope, input.building_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let others: f64 = units_of(&tx, b.id).await?.iter().map(|u| u.area_m2).sum();
    let d = input
        .validate(b.floor_area_m2, others, today)
        .map_err(DbError::Invalid)?;
    let m = unit_active(b.zone_id, &d).insert(&tx).await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn leases_of<C: ConnectionTrait>(db: &C, unit_id: i64) -> DbResult<Vec<lease::Model>> {
    Ok(lease::Entity::find()
        .filter(lease::Column::UnitId.eq(unit_id))
        .order_by_desc(lease::Column::StartOn)
        .all(db)
        .await?)
}

fn term(l: &lease::Model) -> LeaseTerm {
    LeaseTerm {
        id: l.id,
        start: l.start_on,
        end: l.end_on,
    }
}

fn lease_active(zone_id: i64, d: &LeaseDraft) -> lease::ActiveModel {
    lease::ActiveModel {
        zone_id: Set(zone_id),
        unit_id: Set(d.unit_id),
        tenant_id: Set(d.tenant_id),
        tenant_name: Set(d.tenant_name.clone()),
        start_on: Set(d.start),
        end_on: Set(d.end),
        rent: Set(d.rent),
        ..Default::default()
    }
}

/// Records a lease of a unit. It may not overlap the unit's other leases; a lease running on
/// `today` makes the unit leased at the lease's rent, verified today.
pub async fn add_lease(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &crate::Scope,
    input: &LeaseInput,
    today: NaiveDate,
) -> DbResult<lease::Model> {
    let tx = db.begin().await?;
    let u = unit(&tx, scope, input.unit_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let existing: Vec<LeaseTerm> = leases_of(&tx, u.id).await?.iter().map(term).collect();
    let d = input.validate(&existing).map_err(DbError::Invalid)?;
    if let Some(t) = d.tenant_id
        && enterprise::Entity::find_by_id(t)
            .one(&tx)
            .await?
            .is_none_or(|e| e.zone_id != u.zone_id)
    {
        return Err(DbError::Invalid(vec![
            devzone_core::validate::FieldError::new("tenant_id", "choice.unknown", t.to_string()),
        ]));
    }
    let m = lease_active(u.zone_id, &d).insert(&tx).await?;
    if d.start <= today && today <= d.end {
        let mut a: unit::ActiveModel = u.clone().into();
        a.status = Set(UnitStatus::Leased.id().into());
        a.rent = Set(Some(d.rent));
        a.last_verified = Set(Some(today));
        a.update(&tx).await?;
    }
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// The zone's leases, optionally only those ending between two dates, soonest end first.
pub async fn leases<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    ending: Option<(NaiveDate, NaiveDate)>,
) -> DbResult<Vec<lease::Model>> {
    let mut q = lease::Entity::find().filter(lease::Column::ZoneId.eq(zone_id));
    if let Some((from, to)) = ending {
        q = q
            .filter(lease::Column::EndOn.gte(from))
            .filter(lease::Column::EndOn.lte(to));
    }
    Ok(q.order_by_asc(lease::Column::EndOn).all(db).await?)
}

/// Occupancy on the last day of each of the past `months` months, from the lease history:
/// a unit counts as occupied on a day a lease covers it, or when it is self-used.
pub fn occupancy_trend(
    inv: &Inventory,
    leases: &[lease::Model],
    today: NaiveDate,
    months: u32,
) -> Vec<(NaiveDate, Option<f64>)> {
    let lettable: f64 = inv
        .units
        .iter()
        .filter(|u| u.status != UnitStatus::Unusable.id())
        .map(|u| u.area_m2)
        .sum();
    let self_used: f64 = inv
        .units
        .iter()
        .filter(|u| u.status == UnitStatus::SelfUsed.id())
        .map(|u| u.area_m2)
        .sum();
    let area: HashMap<i64, f64> = inv.units.iter().map(|u| (u.id, u.area_m2)).collect();
    month_ends(today, months)
        .into_iter()
        .map(|d| {
            let mut seen = std::collections::HashSet::new();
            let leased: f64 = leases
                .iter()
                .filter(|l| term(l).covers(d) && seen.insert(l.unit_id))
                .filter_map(|l| area.get(&l.unit_id))
                .sum();
            (
                d,
                (lettable > 0.0).then(|| ((leased + self_used) / lettable).min(1.0)),
            )
        })
        .collect()
}

pub async fn parks_by_id<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<HashMap<i64, park::Model>> {
    Ok(super::zones::parks(db, zone_id)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Names of the given enterprises.
/// Names of the zone's enterprises among `ids` (ids of another zone get no name).
pub async fn enterprise_names<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    ids: impl IntoIterator<Item = i64>,
) -> DbResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for e in enterprise::Entity::find()
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .filter(enterprise::Column::ZoneId.eq(zone_id))
            .all(db)
            .await?
        {
            out.insert(e.id, e.name);
        }
    }
    Ok(out)
}

/// What importing a unit register did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RegisterCounts {
    pub rows_read: usize,
    pub rejected: usize,
    pub buildings_created: usize,
    pub units_inserted: usize,
    pub units_updated: usize,
    pub unchanged: usize,
    pub leases_inserted: usize,
}

/// Writes a checked unit register in one transaction: rows the database refuses (unknown
/// plot, a new building without type or floor area, units larger than their building, a
/// lease overlapping another) are reported and kept out; the rest are written. A dry run rolls
/// everything back. Importing the same sheet again changes nothing.
pub async fn import_units(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rows: &[devzone_core::land::sheet::UnitRow],
    today: NaiveDate,
    dry_run: bool,
) -> DbResult<(RegisterCounts, Vec<devzone_core::import::Problem>)> {
    use devzone_core::import::Problem;
    let tx = db.begin().await?;
    let mut counts = RegisterCounts {
        rows_read: rows.len(),
        ..Default::default()
    };
    let mut problems = Vec::new();
    let plots: HashMap<String, plot::Model> = plot::Entity::find()
        .filter(plot::Column::ZoneId.eq(zone_id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let mut buildings: HashMap<(i64, String), building::Model> = building::Entity::find()
        .filter(building::Column::ZoneId.eq(zone_id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|b| ((b.plot_id, b.name.clone()), b))
        .collect();
    let mut units: HashMap<(i64, String), unit::Model> = unit::Entity::find()
        .filter(unit::Column::ZoneId.eq(zone_id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|u| ((u.building_id, u.name.clone()), u))
        .collect();
    for r in rows {
        let Some(p) = plots.get(&r.plot) else {
            problems.push(Problem::error(r.line, "land.plot_unknown", r.plot.clone()));
            counts.rejected += 1;
            continue;
        };
        let b = match buildings.get(&(p.id, r.building.clone())) {
            Some(b) => b.clone(),
            None => {
                let (Some(t), Some(area)) = (r.building_type, r.building_area) else {
                    problems.push(
                        Problem::error(r.line, "land.building_new_needs", r.building.clone())
                            .with_detail("建筑类型, 楼宇建筑面积"),
                    );
                    counts.rejected += 1;
                    continue;
                };
                let b = building::ActiveModel {
                    zone_id: Set(zone_id),
                    plot_id: Set(p.id),
                    name: Set(r.building.clone()),
                    building_type: Set(t.id().into()),
                    floor_area_m2: Set(area),
                    hazardous_ok: Set(false),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                counts.buildings_created += 1;
                buildings.insert((p.id, r.building.clone()), b.clone());
                b
            }
        };
        let existing = units.get(&(b.id, r.unit.clone())).cloned();
        let others: f64 = units
            .values()
            .filter(|u| u.building_id == b.id && Some(u.id) != existing.as_ref().map(|e| e.id))
            .map(|u| u.area_m2)
            .sum();
        if r.area > b.floor_area_m2 + 0.001 {
            problems.push(
                Problem::error(r.line, "land.unit_above_building", r.area.to_string())
                    .with_detail(b.floor_area_m2.to_string()),
            );
            counts.rejected += 1;
            continue;
        }
        if r.area + others > b.floor_area_m2 + 0.001 {
            problems.push(
                Problem::error(r.line, "land.units_above_building", r.area.to_string())
                    .with_detail((b.floor_area_m2 - others).to_string()),
            );
            counts.rejected += 1;
            continue;
        }
        // The lease first: a refused lease keeps the whole row out.
        let mut new_lease = None;
        if let (Some((start, end)), Some(u)) = (r.lease, existing.as_ref()) {
            let leases = leases_of(&tx, u.id).await?;
            let same = leases
                .iter()
                .any(|l| l.start_on == start && l.end_on == end && l.rent == r.rent.unwrap_or(0.0));
            if !same {
                let new = LeaseTerm { id: 0, start, end };
                if let Some(o) = leases.iter().map(term).find(|t| t.overlaps(&new)) {
                    problems.push(
                        Problem::error(r.line, "land.lease_overlap", start.to_string())
                            .with_detail(format!("{} – {}", o.start, o.end)),
                    );
                    counts.rejected += 1;
                    continue;
                }
                new_lease = Some((start, end));
            }
        } else if r.lease.is_some() {
            new_lease = r.lease;
        }
        let u = match existing {
            Some(u) => {
                let changed = u.area_m2 != r.area
                    || u.floor != r.floor
                    || u.status != r.status.id()
                    || u.rent != r.rent
                    || (r.verified.is_some() && u.last_verified != r.verified);
                if changed {
                    let mut a: unit::ActiveModel = u.clone().into();
                    a.area_m2 = Set(r.area);
                    a.floor = Set(r.floor.clone());
                    a.status = Set(r.status.id().into());
                    a.rent = Set(r.rent);
                    if r.verified.is_some() {
                        a.last_verified = Set(r.verified);
                    }
                    let m = a.update(&tx).await?;
                    counts.units_updated += 1;
                    m
                } else {
                    if new_lease.is_none() {
                        counts.unchanged += 1;
                    }
                    u
                }
            }
            None => {
                let m = unit::ActiveModel {
                    zone_id: Set(zone_id),
                    building_id: Set(b.id),
                    name: Set(r.unit.clone()),
                    floor: Set(r.floor.clone()),
                    area_m2: Set(r.area),
                    status: Set(r.status.id().into()),
                    rent: Set(r.rent),
                    last_verified: Set(r.verified.or(Some(today))),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                counts.units_inserted += 1;
                m
            }
        };
        units.insert((b.id, r.unit.clone()), u.clone());
        if let Some((start, end)) = new_lease {
            lease::ActiveModel {
                zone_id: Set(zone_id),
                unit_id: Set(u.id),
                tenant_id: Set(None),
                tenant_name: Set(r.tenant.clone()),
                start_on: Set(start),
                end_on: Set(end),
                rent: Set(r.rent.unwrap_or(0.0)),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            counts.leases_inserted += 1;
        }
    }
    if dry_run {
        tx.rollback().await?;
        return Ok((counts, problems));
    }
    let changed = counts.buildings_created
        + counts.units_inserted
        + counts.units_updated
        + counts.leases_inserted;
    if changed > 0 {
        audit::record(
            &tx,
            actor,
            audit::Change::new("import", "unit_register")
                .zone(zone_id)
                .after(json(&counts)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((counts, problems))
}

/// Changes a unit (status, area, rent, verification). Its area is checked against the
/// building's floor area and other units. A unit leaving the leased status ends the lease
/// running today on the day before: the lease was terminated early.
pub async fn update_unit(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &crate::Scope,
    id: i64,
    input: &UnitInput,
    today: NaiveDate,
) -> DbResult<unit::Model> {
    let tx = db.begin().await?;
    let u = unit(&tx, scope, id).await?.ok_or(DbError::NotFound)?;
    let b = building(&tx, scope, u.building_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let others: f64 = units_of(&tx, b.id)
        .await?
        .iter()
        .filter(|x| x.id != id)
        .map(|x| x.area_m2)
        .sum();
    let d = input
        .validate(b.floor_area_m2, others, today)
        .map_err(DbError::Invalid)?;
    if u.status == UnitStatus::Leased.id() && d.status != UnitStatus::Leased {
        for l in leases_of(&tx, id).await? {
            if term(&l).covers(today) {
                let mut a: lease::ActiveModel = l.into();
                a.end_on = Set(today.pred_opt().unwrap_or(today));
                a.update(&tx).await?;
            }
        }
    }
    let mut a: unit::ActiveModel = u.clone().into();
    a.name = Set(d.name);
    a.floor = Set(d.floor);
    a.area_m2 = Set(d.area_m2);
    a.status = Set(d.status.id().into());
    a.rent = Set(d.rent);
    a.last_verified = Set(d.last_verified);
    let m = a.update(&tx).await?;
    audit::updated(&tx, actor, &u, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Changes a plot; its number stays unique in the zone.
pub async fn update_plot(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &crate::Scope,
    id: i64,
    d: &PlotDraft,
) -> DbResult<plot::Model> {
    let tx = db.begin().await?;
    let before = plot(&tx, scope, id).await?.ok_or(DbError::NotFound)?;
    check_plot_refs(&tx, before.zone_id, d).await?;
    let mut a = plot_active(before.zone_id, d);
    a.id = Set(id);
    let m = a
        .update(&tx)
        .await
        .map_err(|e| conflict_or(e, "code", &d.code))?;
    audit::updated(&tx, actor, &before, &m).await?;
    tx.commit().await?;
    Ok(m)
}
