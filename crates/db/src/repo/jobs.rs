//! Persisted jobs: long work (an import commit, …) started by a request and run by a task of
//! its own, with its progress, counts and end, so that the page or a script can leave and
//! come back. A job whose process died is marked failed at the next start
//! (`fail_interrupted`, called when the server starts).

use crate::entities::job;
use crate::{Actor, DbResult};
use devzone_core::model::{JobKind, JobState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// Records a job as running. A second running job of the kind in the zone is refused by
/// the database (`DbError::Conflict` on `zone_id`).
pub async fn start<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: JobKind,
    zone_id: Option<i64>,
    subject_id: Option<i64>,
    total: u64,
) -> DbResult<job::Model> {
    job::ActiveModel {
        kind: Set(kind.id().into()),
        zone_id: Set(zone_id),
        username: Set(actor.username.clone()),
        subject_id: Set(subject_id),
        state: Set(JobState::Running.id().into()),
        done: Set(0),
        total: Set(total as i64),
        started_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| crate::conflict_or(e, "zone_id", &zone_id.unwrap_or_default().to_string()))
}

/// Ends a job as done, with what it made and its counts.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    id: i64,
    result_id: Option<i64>,
    counts: &serde_json::Value,
) -> DbResult<()> {
    end(
        db,
        id,
        JobState::Done,
        result_id,
        Some(counts.to_string()),
        None,
    )
    .await
}

/// Ends a job as failed with a reason a user may read.
pub async fn fail<C: ConnectionTrait>(db: &C, id: i64, reason: &str) -> DbResult<()> {
    end(
        db,
        id,
        JobState::Failed,
        None,
        None,
        Some(reason.to_string()),
    )
    .await
}

/// Ends a job as cancelled by `by`: its work stopped before it wrote anything.
pub async fn cancelled<C: ConnectionTrait>(db: &C, id: i64, by: &str) -> DbResult<()> {
    end(
        db,
        id,
        JobState::Cancelled,
        None,
        None,
        Some(format!("cancelled by {by}; nothing was written")),
    )
    .await
}

async fn end<C: ConnectionTrait>(
    db: &C,
    id: i64,
    state: JobState,
    result_id: Option<i64>,
    counts: Option<String>,
    error: Option<String>,
) -> DbResult<()> {
    let mut q = job::Entity::update_many();
    if state == JobState::Done {
        // A finished job has done all it had to.
        q = q.col_expr(job::Column::Done, Expr::col(job::Column::Total));
    }
    q.col_expr(job::Column::State, Expr::value(state.id()))
        .col_expr(job::Column::ResultId, Expr::value(result_id))
        .col_expr(job::Column::Counts, Expr::value(counts))
        .col_expr(job::Column::Error, Expr::value(error))
        .col_expr(job::Column::FinishedAt, Expr::value(chrono::Utc::now()))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::State.eq(JobState::Running.id()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> DbResult<Option<job::Model>> {
    Ok(job::Entity::find_by_id(id).one(db).await?)
}

/// The newest job of a kind on a subject (the commit of an upload).
pub async fn latest_on<C: ConnectionTrait>(
    db: &C,
    kind: JobKind,
    subject_id: i64,
) -> DbResult<Option<job::Model>> {
    Ok(job::Entity::find()
        .filter(job::Column::Kind.eq(kind.id()))
        .filter(job::Column::SubjectId.eq(subject_id))
        .order_by_desc(job::Column::Id)
        .one(db)
        .await?)
}

/// A running job of the kind in the zone, if any: two imports into one zone do not run at
/// once (the second is refused with the first's id).
pub async fn running_in_zone<C: ConnectionTrait>(
    db: &C,
    kind: JobKind,
    zone_id: i64,
) -> DbResult<Option<job::Model>> {
    Ok(job::Entity::find()
        .filter(job::Column::Kind.eq(kind.id()))
        .filter(job::Column::ZoneId.eq(zone_id))
        .filter(job::Column::State.eq(JobState::Running.id()))
        .one(db)
        .await?)
}

/// A zone's jobs, newest first, one page.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    page: u64,
    per_page: u64,
) -> DbResult<super::Page<job::Model>> {
    let q = job::Entity::find()
        .filter(job::Column::ZoneId.eq(zone_id))
        .order_by_desc(job::Column::Id);
    super::paged(db, q, page, per_page).await
}

/// Marks every job still running as failed: called at start, when no job of this process
/// can be running yet, so these are jobs whose process died.
pub async fn fail_interrupted<C: ConnectionTrait>(db: &C) -> DbResult<u64> {
    let r = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JobState::Failed.id()))
        .col_expr(
            job::Column::Error,
            Expr::value(
                "interrupted: the server stopped while the job ran; nothing of it was kept",
            ),
        )
        .col_expr(job::Column::FinishedAt, Expr::value(chrono::Utc::now()))
        .filter(job::Column::State.eq(JobState::Running.id()))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}
