//! The data version of each zone: a counter that every audited write of the zone raises in
//! its own transaction (`audit::record` does it), so that a figure computed from the zone's
//! data can be kept under the version it was computed at and recomputed only when the zone
//! changed (`crate::memo`).
//!
//! Why a counter row and not the largest audit id: on PostgreSQL two writers may commit in
//! the other order than they took their ids, so a reader could see id 11 before id 10 is
//! committed and keep a figure without 10's change under 11. The counter's row lock orders
//! the writers of one zone: a version is only visible once every lower version is.

use crate::DbResult;
use sea_orm::{ConnectionTrait, Statement};

/// Raises the zone's version by one; inside the caller's transaction.
pub async fn bump<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "INSERT INTO data_versions (zone_id, version) VALUES ($1, 1) \
                 ON CONFLICT (zone_id) DO UPDATE SET version = data_versions.version + 1"
            }
            _ => {
                "INSERT INTO data_versions (zone_id, version) VALUES (?, 1) \
                 ON CONFLICT (zone_id) DO UPDATE SET version = data_versions.version + 1"
            }
        },
        [zone_id.into()],
    ))
    .await?;
    Ok(())
}

/// The zone's current version (0 before its first audited write).
pub async fn of<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<i64> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DbBackend::Postgres => {
                    "SELECT version FROM data_versions WHERE zone_id = $1"
                }
                _ => "SELECT version FROM data_versions WHERE zone_id = ?",
            },
            [zone_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "version")?,
        None => 0,
    })
}
