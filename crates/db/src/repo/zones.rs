//! Zones (tenants) and the parks inside them.

use super::audit;
use crate::entities::{park, zone};
use crate::{Actor, DbError, DbResult, Scope, conflict_or};
use devzone_core::validate::{ParkDraft, ZoneDraft};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

pub async fn list<C: ConnectionTrait>(db: &C, scope: &Scope) -> DbResult<Vec<zone::Model>> {
    let mut q = zone::Entity::find().order_by_asc(zone::Column::Id);
    if let Some(ids) = &scope.zones {
        q = q.filter(zone::Column::Id.is_in(ids.clone()));
    }
    Ok(q.all(db).await?)
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<Option<zone::Model>> {
    if !scope.allows_zone(id) {
        return Ok(None);
    }
    Ok(zone::Entity::find_by_id(id).one(db).await?)
}

pub async fn create(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    d: &ZoneDraft,
) -> DbResult<zone::Model> {
    let tx = db.begin().await?;
    let m = zone::ActiveModel {
        name: Set(d.name.clone()),
        kind: Set(d.kind.id().into()),
        gbt37028_code: Set(d.gbt37028_code.clone()),
        province_code: Set(d.province_code.clone()),
        city_code: Set(d.city_code.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    d: &ZoneDraft,
) -> DbResult<zone::Model> {
    let tx = db.begin().await?;
    let before = get(&tx, scope, id).await?.ok_or(DbError::NotFound)?;
    let mut am: zone::ActiveModel = before.clone().into();
    am.name = Set(d.name.clone());
    am.kind = Set(d.kind.id().into());
    am.gbt37028_code = Set(d.gbt37028_code.clone());
    am.province_code = Set(d.province_code.clone());
    am.city_code = Set(d.city_code.clone());
    let after = am.update(&tx).await?;
    audit::updated(&tx, actor, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn parks<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<park::Model>> {
    Ok(park::Entity::find()
        .filter(park::Column::ZoneId.eq(zone_id))
        .order_by_asc(park::Column::Id)
        .all(db)
        .await?)
}

/// A park, if it lies in a zone the scope allows.
pub async fn park<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<Option<park::Model>> {
    super::scoped::get::<park::Entity, C>(db, scope, id).await
}

pub async fn create_park(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &ParkDraft,
) -> DbResult<park::Model> {
    let tx = db.begin().await?;
    let m = park::ActiveModel {
        zone_id: Set(zone_id),
        name: Set(d.name.clone()),
        theme: Set(d.theme.clone()),
        boundary: Set(d.boundary.clone()),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| conflict_or(e, "name", &d.name))?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_park(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    d: &ParkDraft,
) -> DbResult<park::Model> {
    let tx = db.begin().await?;
    let before = park(&tx, scope, id).await?.ok_or(DbError::NotFound)?;
    let mut am: park::ActiveModel = before.clone().into();
    am.name = Set(d.name.clone());
    am.theme = Set(d.theme.clone());
    am.boundary = Set(d.boundary.clone());
    let after = am
        .update(&tx)
        .await
        .map_err(|e| conflict_or(e, "name", &d.name))?;
    audit::updated(&tx, actor, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}
