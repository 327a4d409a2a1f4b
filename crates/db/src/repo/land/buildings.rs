//! Buildings and their space units.

use super::*;
use crate::entities::{building, lease, plot, unit};
use crate::repo::audit;
use crate::repo::scoped::require;
use crate::{Actor, DbError, DbResult};
use chrono::NaiveDate;
use devzone_core::land::validate::{BuildingDraft, BuildingInput, UnitDraft, UnitInput};
use devzone_core::model::UnitStatus;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

pub async fn building<C: ConnectionTrait>(
    db: &C,
    scope: &crate::Scope,
    id: i64,
) -> DbResult<Option<building::Model>> {
    crate::repo::scoped::get::<building::Entity, C>(db, scope, id).await
}

pub async fn unit<C: ConnectionTrait>(
    db: &C,
    scope: &crate::Scope,
    id: i64,
) -> DbResult<Option<unit::Model>> {
    crate::repo::scoped::get::<unit::Entity, C>(db, scope, id).await
}

pub(super) fn building_active(zone_id: i64, d: &BuildingDraft) -> building::ActiveModel {
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

pub(super) fn unit_active(zone_id: i64, d: &UnitDraft) -> unit::ActiveModel {
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
