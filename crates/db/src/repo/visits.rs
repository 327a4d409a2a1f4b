//! Visits to enterprises: recorded (planned or made) and edited, listed, an appeal raised from
//! a visit's issues, the coverage of the last twelve months (by park and by title held) and
//! the enterprises not visited for a while.

use super::audit;
use super::scoped::{ZoneRef, check_refs};
use crate::entities::{enterprise, visit};
use crate::{Actor, DbResult};
use chrono::NaiveDate;
use devzone_core::appeals::visits::{Coverage, VisitDraft};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use std::collections::HashMap;

fn fill(a: &mut visit::ActiveModel, d: &VisitDraft) {
    a.officer = Set(d.officer.clone());
    a.planned_on = Set(d.planned_on);
    a.visited_on = Set(d.visited_on);
    a.topics = Set(d.topic_ids());
    a.issues = Set(d.issues.clone());
    a.policies = Set(d.policies.clone());
    a.next_step = Set(d.next_step.clone());
}

/// A new visit of the zone (its enterprise checked to be in the zone).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &VisitDraft,
) -> DbResult<visit::Model> {
    let tx = db.begin().await?;
    let e = d.enterprise_id.unwrap_or(-1);
    check_refs(
        &tx,
        zone_id,
        &[("enterprise_id", Some(ZoneRef::Enterprise(e)))],
    )
    .await?;
    let park_id = enterprise::Entity::find_by_id(e)
        .select_only()
        .column(enterprise::Column::ParkId)
        .into_tuple::<Option<i64>>()
        .one(&tx)
        .await?
        .flatten();
    let mut a = visit::ActiveModel {
        zone_id: Set(zone_id),
        enterprise_id: Set(e),
        park_id: Set(park_id),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    fill(&mut a, d);
    let m = a.insert(&tx).await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Edits a visit's record (a planned visit made, its notes); the enterprise stays.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    before: &visit::Model,
    d: &VisitDraft,
) -> DbResult<visit::Model> {
    let tx = db.begin().await?;
    let mut a: visit::ActiveModel = before.clone().into();
    fill(&mut a, d);
    let m = a.update(&tx).await?;
    audit::updated(&tx, actor, before, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Which visits a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VisitStatus {
    #[default]
    All,
    /// Not yet made, the soonest first.
    Planned,
    /// Made, the latest first.
    Done,
}

#[derive(Debug, Clone, Default)]
pub struct VisitQuery {
    pub status: VisitStatus,
    pub officer: Option<String>,
    pub enterprise_id: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    f: &VisitQuery,
) -> DbResult<super::Page<visit::Model>> {
    let mut q = visit::Entity::find().filter(visit::Column::ZoneId.eq(zone_id));
    if let Some(o) = f.officer.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(visit::Column::Officer.eq(o));
    }
    if let Some(e) = f.enterprise_id {
        q = q.filter(visit::Column::EnterpriseId.eq(e));
    }
    q = match f.status {
        // The newest recorded first: the index's order (a sort of a zone's tens of thousands
        // of visits on every page was not worth the planned-first order).
        VisitStatus::All => q.order_by_desc(visit::Column::Id),
        VisitStatus::Planned => q
            .filter(visit::Column::VisitedOn.is_null())
            .order_by_asc(visit::Column::PlannedOn)
            .order_by_asc(visit::Column::Id),
        VisitStatus::Done => q
            .filter(visit::Column::VisitedOn.is_not_null())
            .order_by_desc(visit::Column::VisitedOn)
            .order_by_desc(visit::Column::Id),
    };
    super::paged(db, q, f.page, f.per_page).await
}

/// The officers named on the zone's visits, for the list's filter.
pub async fn officers<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<String>> {
    Ok(visit::Entity::find()
        .select_only()
        .column(visit::Column::Officer)
        .distinct()
        .filter(visit::Column::ZoneId.eq(zone_id))
        .order_by_asc(visit::Column::Officer)
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// A statement written with PostgreSQL's `$n` placeholders, each used once and in order,
/// for either database.
fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => sql.to_string(),
        _ => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
            out
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The titles of the tiers coverage is counted by (the SME tiers and the high-tech title).
const TITLES: &str = "'little_giant', 'srdi_sme', 'innovative_sme', 'tech_sme', 'high_tech'";

/// The zone's coverage since `since`: of every enterprise, by park (none: outside the
/// parks), and by tier title held on `today` (qualification kind id).
pub struct CoverageFigures {
    pub all: Coverage,
    pub by_park: Vec<(Option<i64>, Coverage)>,
    pub by_title: Vec<(String, Coverage)>,
}

pub async fn coverage<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    since: NaiveDate,
    today: NaiveDate,
) -> DbResult<CoverageFigures> {
    // Whether the enterprise `e` was visited since $1: one probe of the index on
    // (enterprise_id, visited_on) per enterprise. (A join to the set of visited enterprises
    // ran as a nested loop on SQLite: 100,000 enterprises × 40,000 visits took minutes.)
    let visited = "EXISTS (SELECT 1 FROM visits v WHERE v.enterprise_id = e.id \
                   AND v.visited_on >= $1)";
    let rows = db
        .query_all_raw(statement(
            db,
            &format!(
                "SELECT e.park_id AS park_id, COUNT(*) AS n, \
                 COUNT(CASE WHEN {visited} THEN 1 END) AS visited \
                 FROM enterprises e WHERE e.zone_id = $2 GROUP BY e.park_id"
            ),
            vec![since.into(), zone_id.into()],
        ))
        .await?;
    let mut all = Coverage::default();
    let mut by_park = Vec::new();
    for r in rows {
        let c = Coverage {
            enterprises: r.try_get::<i64>("", "n")?.max(0) as u64,
            visited: r.try_get::<i64>("", "visited")?.max(0) as u64,
        };
        all.enterprises += c.enterprises;
        all.visited += c.visited;
        by_park.push((r.try_get::<Option<i64>>("", "park_id")?, c));
    }
    let rows = db
        .query_all_raw(statement(
            db,
            &format!(
                "SELECT q.kind AS kind, COUNT(DISTINCT e.id) AS n, \
                 COUNT(DISTINCT CASE WHEN {visited} THEN e.id END) AS visited \
                 FROM qualifications q JOIN enterprises e ON e.id = q.enterprise_id \
                 WHERE e.zone_id = $2 AND q.valid_from <= $3 \
                 AND (q.valid_to IS NULL OR q.valid_to >= $4) AND q.kind IN ({TITLES}) \
                 GROUP BY q.kind"
            ),
            vec![since.into(), zone_id.into(), today.into(), today.into()],
        ))
        .await?;
    let mut by_title = Vec::new();
    for r in rows {
        by_title.push((
            r.try_get::<String>("", "kind")?,
            Coverage {
                enterprises: r.try_get::<i64>("", "n")?.max(0) as u64,
                visited: r.try_get::<i64>("", "visited")?.max(0) as u64,
            },
        ));
    }
    Ok(CoverageFigures {
        all,
        by_park,
        by_title,
    })
}

/// A page of the zone's enterprises not visited since `since`, in the registry's order;
/// `total`: their number, from the coverage figures.
pub async fn not_visited<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    since: NaiveDate,
    page: u64,
    per_page: u64,
    total: u64,
) -> DbResult<super::Page<enterprise::Model>> {
    // sea-query rewrites `?` for PostgreSQL but passes `$1` through to SQLite, which would
    // bind it to the statement's first parameter (the zone): each database its own.
    let placeholder = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "$1",
        _ => "?",
    };
    let q = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .filter(Expr::cust_with_values(
            format!(
                "NOT EXISTS (SELECT 1 FROM visits v WHERE v.enterprise_id = enterprises.id \
                 AND v.visited_on >= {placeholder})"
            ),
            [since],
        ))
        .order_by_asc(enterprise::Column::Id);
    super::paged_with(db, q, page, per_page, Some(total)).await
}

/// The last visit made to each of `ids`.
pub async fn last_visits<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DbResult<HashMap<i64, NaiveDate>> {
    Ok(visit::Entity::find()
        .select_only()
        .column(visit::Column::EnterpriseId)
        .column_as(visit::Column::VisitedOn.max(), "last")
        .filter(visit::Column::EnterpriseId.is_in(ids.iter().copied()))
        .filter(visit::Column::VisitedOn.is_not_null())
        .group_by(visit::Column::EnterpriseId)
        .into_tuple::<(i64, Option<NaiveDate>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(e, d)| Some((e, d?)))
        .collect())
}
