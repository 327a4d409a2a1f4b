//! Counts for the zone home's "what needs me today" tiles that no other page keeps: each one
//! query with an index behind it, so that the home stays cheap at 100,000 enterprises.

use crate::DbResult;
use crate::entities::{chain_mapping as mapping, import, qualification};
use crate::repo::chains::SUGGESTED;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Chain placements suggested by the rules and waiting for an officer.
pub async fn reviews_waiting<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<u64> {
    Ok(mapping::Entity::find()
        .filter(mapping::Column::ZoneId.eq(zone_id))
        .filter(mapping::Column::State.eq(SUGGESTED))
        .count(db)
        .await?)
}

/// Imports since `since`, not taken back, that left rows out.
pub async fn imports_with_rejects<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    since: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(import::Entity::find()
        .filter(import::Column::ZoneId.eq(zone_id))
        .filter(import::Column::CreatedAt.gte(since))
        .filter(import::Column::RevertedAt.is_null())
        .filter(import::Column::Rejected.gt(0))
        .count(db)
        .await?)
}

/// Titles (qualifications) of the zone's enterprises ending from `from` to `to`, inclusive:
/// the renewals and re-examinations (复核) coming up.
pub async fn titles_ending<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> DbResult<u64> {
    Ok(qualification::Entity::find()
        .filter(qualification::Column::EnterpriseId.in_subquery(super::tiers::in_zone(zone_id)))
        .filter(qualification::Column::ValidTo.between(from, to))
        .count(db)
        .await?)
}
