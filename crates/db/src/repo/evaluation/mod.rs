//! Per-mu evaluation in database mode: zone schemes, runs over the stored annual facts,
//! their results, publication, comparison and the check that a stored run reproduces.
//!
//! A run reads each enterprise's *current* fact versions for the year and stores, per
//! enterprise, the values it used with the ids of those versions, next to the scheme text.
//! Later corrections of facts therefore never change a finished run; `verify` recomputes a
//! run from what it stored and reports any difference.

mod execute;
mod inputs;
mod results;
mod schemes;

use super::Page;
use super::audit;
use crate::entities::{evaluation_result as result, evaluation_run as run};
use crate::{Actor, DbError, DbResult};
use devzone_core::model::RunStatus;
pub use execute::*;
pub use inputs::*;
pub use results::*;
pub use schemes::*;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

pub async fn get<C: ConnectionTrait>(db: &C, run_id: i64) -> DbResult<Option<run::Model>> {
    Ok(run::Entity::find_by_id(run_id).one(db).await?)
}

/// A run and its zone, if `scope` may see them: the zone must be granted, and enterprise
/// accounts see published runs only (their own result is narrowed by the caller).
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    scope: &crate::Scope,
    run_id: i64,
) -> DbResult<Option<(run::Model, crate::entities::zone::Model)>> {
    let Some(run) = get(db, run_id).await? else {
        return Ok(None);
    };
    if scope.enterprise.is_some() && run.published_at.is_none() {
        return Ok(None);
    }
    Ok(super::zones::get(db, scope, run.zone_id)
        .await?
        .map(|z| (run, z)))
}

/// Runs of a zone, newest first.
pub async fn runs<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<run::Model>> {
    Ok(run::Entity::find()
        .filter(run::Column::ZoneId.eq(zone_id))
        .order_by_desc(run::Column::Id)
        .all(db)
        .await?)
}

/// The latest published run of a zone, optionally for one year.
pub async fn latest_published<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    year: Option<i32>,
) -> DbResult<Option<run::Model>> {
    let mut q = run::Entity::find()
        .filter(run::Column::ZoneId.eq(zone_id))
        .filter(run::Column::PublishedAt.is_not_null());
    if let Some(y) = year {
        q = q.filter(run::Column::Year.eq(y));
    }
    Ok(q.order_by_desc(run::Column::Year)
        .order_by_desc(run::Column::PublishedAt)
        .one(db)
        .await?)
}

pub async fn publish(db: &DatabaseConnection, actor: &Actor, run_id: i64) -> DbResult<run::Model> {
    let r = get(db, run_id).await?.ok_or(DbError::NotFound)?;
    if r.status != RunStatus::Done.id() {
        return Err(DbError::Other(
            "only a finished run can be published".into(),
        ));
    }
    if r.published_at.is_some() {
        return Ok(r);
    }
    run::Entity::update_many()
        .col_expr(run::Column::PublishedAt, Expr::value(chrono::Utc::now()))
        .col_expr(
            run::Column::PublishedBy,
            Expr::value(actor.username.clone()),
        )
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        audit::Change::new("publish", "evaluation_run")
            .id(run_id)
            .zone(r.zone_id),
    )
    .await?;
    get(db, run_id).await?.ok_or(DbError::NotFound)
}

/// The class each of the given enterprises holds in the zone's latest published run (read
/// through the run's (run, enterprise) index, so a page of plots reads a page of results).
pub async fn published_classes<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    enterprise_ids: &[i64],
) -> DbResult<HashMap<i64, String>> {
    let Some(run) = latest_published(db, zone_id, None).await? else {
        return Ok(HashMap::new());
    };
    let mut out = HashMap::new();
    for chunk in enterprise_ids.chunks(crate::repo::facts::IDS_PER_QUERY) {
        let rows: Vec<(i64, Option<String>)> = result::Entity::find()
            .select_only()
            .columns([result::Column::EnterpriseId, result::Column::Class])
            .filter(result::Column::RunId.eq(run.id))
            .filter(result::Column::EnterpriseId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().filter_map(|(e, c)| c.map(|c| (e, c))));
    }
    Ok(out)
}
