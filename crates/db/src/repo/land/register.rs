//! The unit register imported from a sheet.

use super::*;
use crate::entities::{building, lease, plot, unit};
use crate::repo::audit::{self, json};
use crate::{Actor, DbError, DbResult};
use chrono::NaiveDate;
use devzone_core::land::occupancy::LeaseTerm;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use std::collections::HashMap;

/// What importing a unit register did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegisterCounts {
    pub rows_read: usize,
    pub rejected: usize,
    pub buildings_created: usize,
    pub units_inserted: usize,
    pub units_updated: usize,
    pub unchanged: usize,
    pub leases_inserted: usize,
}

impl RegisterCounts {
    /// The counts of the whole file: the sheet check read `rows_read` rows and kept
    /// `rows_kept` of them for the database, which counted only those.
    pub fn after_check(mut self, rows_read: usize, rows_kept: usize) -> Self {
        self.rejected += rows_read.saturating_sub(rows_kept);
        self.rows_read = rows_read;
        self
    }
}

/// Writes a checked unit register in one transaction: rows the database refuses (unknown
/// plot, a new building without type or floor area, units larger than their building, a
/// lease overlapping another) are reported and kept out; the rest are written. A dry run rolls
/// everything back. Importing the same sheet again changes nothing.
///
/// `progress` hears (rows done, rows) every few hundred rows; answering false stops the
/// import with [`DbError::Cancelled`] and writes nothing.
pub async fn import_units(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rows: &[devzone_core::land::sheet::UnitRow],
    today: NaiveDate,
    dry_run: bool,
    progress: &mut (dyn FnMut(usize, usize) -> bool + Send),
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
    // Each building's let area, kept as rows go: summing it from every unit per row made a
    // register of n units cost n² steps.
    let mut let_area: HashMap<i64, f64> = HashMap::new();
    for u in units.values() {
        *let_area.entry(u.building_id).or_default() += u.area_m2;
    }
    for (i, r) in rows.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 && !progress(i, rows.len()) {
            return Err(DbError::Cancelled);
        }
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
        let others = let_area.get(&b.id).copied().unwrap_or(0.0)
            - existing.as_ref().map_or(0.0, |e| e.area_m2);
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
        let existing_area = existing.as_ref().map_or(0.0, |e| e.area_m2);
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
        *let_area.entry(b.id).or_default() += u.area_m2 - existing_area;
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
    progress(rows.len(), rows.len());
    Ok((counts, problems))
}

/// How many register rows go between two progress reports.
const PROGRESS_EVERY: usize = 250;
