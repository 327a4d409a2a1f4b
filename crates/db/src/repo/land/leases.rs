//! Leases of space units, the rent roll and occupancy over time.

use super::*;
use crate::entities::{lease, unit};
use crate::repo::audit;
use crate::{Actor, DbError, DbResult};
use chrono::NaiveDate;
use devzone_core::land::occupancy::{LeaseTerm, month_ends};
use devzone_core::land::validate::{LeaseDraft, LeaseInput};
use devzone_core::model::UnitStatus;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::HashMap;

pub async fn leases_of<C: ConnectionTrait>(db: &C, unit_id: i64) -> DbResult<Vec<lease::Model>> {
    Ok(lease::Entity::find()
        .filter(lease::Column::UnitId.eq(unit_id))
        .order_by_desc(lease::Column::StartOn)
        .all(db)
        .await?)
}

pub(super) fn term(l: &lease::Model) -> LeaseTerm {
    LeaseTerm {
        id: l.id,
        start: l.start_on,
        end: l.end_on,
    }
}

pub(super) fn lease_active(zone_id: i64, d: &LeaseDraft) -> lease::ActiveModel {
    lease::ActiveModel {
        zone_id: Set(zone_id),
        unit_id: Set(d.unit_id),
        tenant_id: Set(d.tenant_id),
        tenant_name: Set(d.tenant_name.clone()),
        start_on: Set(d.start),
        end_on: Set(d.end),
        rent: Set(d.rent),
        ..Default::default()
    }
}

/// Records a lease of a unit. It may not overlap the unit's other leases; a lease running on
/// `today` makes the unit leased at the lease's rent, verified today.
pub async fn add_lease(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &crate::Scope,
    input: &LeaseInput,
    today: NaiveDate,
) -> DbResult<lease::Model> {
    let tx = db.begin().await?;
    let u = unit(&tx, scope, input.unit_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let existing: Vec<LeaseTerm> = leases_of(&tx, u.id).await?.iter().map(term).collect();
    let d = input.validate(&existing).map_err(DbError::Invalid)?;
    crate::repo::scoped::check_refs(
        &tx,
        u.zone_id,
        &[(
            "tenant_id",
            d.tenant_id.map(crate::repo::scoped::ZoneRef::Enterprise),
        )],
    )
    .await?;
    let m = lease_active(u.zone_id, &d).insert(&tx).await?;
    if d.start <= today && today <= d.end {
        let mut a: unit::ActiveModel = u.clone().into();
        a.status = Set(UnitStatus::Leased.id().into());
        a.rent = Set(Some(d.rent));
        a.last_verified = Set(Some(today));
        a.update(&tx).await?;
    }
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// The zone's leases, optionally only those ending between two dates, soonest end first.
pub async fn leases<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    ending: Option<(NaiveDate, NaiveDate)>,
) -> DbResult<Vec<lease::Model>> {
    let mut q = lease::Entity::find().filter(lease::Column::ZoneId.eq(zone_id));
    if let Some((from, to)) = ending {
        q = q
            .filter(lease::Column::EndOn.gte(from))
            .filter(lease::Column::EndOn.lte(to));
    }
    Ok(q.order_by_asc(lease::Column::EndOn).all(db).await?)
}

/// Occupancy on the last day of each of the past `months` months, from the lease history:
/// a unit counts as occupied on a day a lease covers it, or when it is self-used.
pub fn occupancy_trend(
    inv: &Inventory,
    leases: &[lease::Model],
    today: NaiveDate,
    months: u32,
) -> Vec<(NaiveDate, Option<f64>)> {
    let lettable: f64 = inv
        .units
        .iter()
        .filter(|u| u.status != UnitStatus::Unusable.id())
        .map(|u| u.area_m2)
        .sum();
    let self_used: f64 = inv
        .units
        .iter()
        .filter(|u| u.status == UnitStatus::SelfUsed.id())
        .map(|u| u.area_m2)
        .sum();
    let area: HashMap<i64, f64> = inv.units.iter().map(|u| (u.id, u.area_m2)).collect();
    month_ends(today, months)
        .into_iter()
        .map(|d| {
            let mut seen = std::collections::HashSet::new();
            let leased: f64 = leases
                .iter()
                .filter(|l| term(l).covers(d) && seen.insert(l.unit_id))
                .filter_map(|l| area.get(&l.unit_id))
                .sum();
            (
                d,
                (lettable > 0.0).then(|| ((leased + self_used) / lettable).min(1.0)),
            )
        })
        .collect()
}
