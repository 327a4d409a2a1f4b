//! The monitoring station's points: the zone's enterprises holding the `monitoring_point`
//! qualification on a day, with the number of appeals each raised.

use crate::DbResult;
use crate::entities::{appeal, enterprise, qualification};
use chrono::NaiveDate;
use devzone_core::appeals::station::PointKind;
use devzone_core::model::{Ownership, QualificationKind};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// A monitoring point: its enterprise, the qualification that makes it one, and the appeals
/// it raised since `since`.
pub struct Point {
    pub enterprise: enterprise::Model,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub appeals: u64,
}

impl Point {
    /// Its kind, from the enterprise's ownership.
    pub fn kind(&self) -> PointKind {
        PointKind::of(Ownership::parse(&self.enterprise.ownership).unwrap_or(Ownership::Other))
    }
}

/// The zone's points on `today`, in the registry's order.
pub async fn points<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    today: NaiveDate,
    since: NaiveDate,
) -> DbResult<Vec<Point>> {
    let quals = qualification::Entity::find()
        .filter(qualification::Column::Kind.eq(QualificationKind::MonitoringPoint.id()))
        .filter(qualification::Column::EnterpriseId.in_subquery(super::tiers::in_zone(zone_id)))
        .filter(qualification::Column::ValidFrom.lte(today))
        .filter(
            qualification::Column::ValidTo
                .is_null()
                .or(qualification::Column::ValidTo.gte(today)),
        )
        .all(db)
        .await?;
    let ids: Vec<i64> = quals.iter().map(|q| q.enterprise_id).collect();
    let enterprises = enterprise::Entity::find()
        .filter(enterprise::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(enterprise::Column::Id)
        .all(db)
        .await?;
    let counts: HashMap<i64, i64> = appeal::Entity::find()
        .select_only()
        .column(appeal::Column::EnterpriseId)
        .column_as(appeal::Column::Id.count(), "n")
        .filter(appeal::Column::EnterpriseId.is_in(ids.iter().copied()))
        .filter(appeal::Column::ReceivedOn.gte(since))
        .group_by(appeal::Column::EnterpriseId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let qual_of: HashMap<i64, &qualification::Model> =
        quals.iter().map(|q| (q.enterprise_id, q)).collect();
    Ok(enterprises
        .into_iter()
        .map(|e| {
            let q = qual_of[&e.id];
            Point {
                since: q.valid_from,
                until: q.valid_to,
                appeals: u64::try_from(counts.get(&e.id).copied().unwrap_or(0)).unwrap_or(0),
                enterprise: e,
            }
        })
        .collect())
}
