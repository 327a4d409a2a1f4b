//! Plots (地块): created, read within a scope, changed.

use crate::entities::plot;
use crate::repo::audit;
use crate::repo::scoped::{ZoneRef, check_refs};
use crate::{Actor, DbError, DbResult, conflict_or};
use devzone_core::land::validate::PlotDraft;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, TransactionTrait,
};

pub(super) fn plot_active(zone_id: i64, d: &PlotDraft) -> plot::ActiveModel {
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
pub(super) async fn check_plot_refs<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    d: &PlotDraft,
) -> DbResult<()> {
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
    crate::repo::scoped::get::<plot::Entity, C>(db, zone_ids, id).await
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
