//! Zone-scoped reads and references: "this record, if the caller may see its zone" and "every
//! id this draft points to belongs to this zone", written once for every table with a
//! `zone_id`.

use crate::entities::{
    appeal, building, chain_mapping, chain_target, enterprise, evaluation_run, import, lease, park,
    plot, project, requirement, revitalisation_case, track_record, unit, visit,
};
use crate::{DbError, DbResult, Scope};
use devzone_core::validate::FieldError;
use sea_orm::{ConnectionTrait, EntityTrait, PrimaryKeyTrait};

/// A stored record that lies in one zone.
pub trait InZone {
    fn zone_id(&self) -> i64;
}

macro_rules! in_zone {
    ($($m:ident),* $(,)?) => {$(
        impl InZone for $m::Model {
            fn zone_id(&self) -> i64 {
                self.zone_id
            }
        }
    )*};
}

in_zone!(
    park,
    enterprise,
    plot,
    building,
    unit,
    lease,
    requirement,
    revitalisation_case,
    chain_mapping,
    chain_target,
    track_record,
    evaluation_run,
    import,
    project,
    appeal,
    visit,
);

/// Record `id` of `E`, if it exists and lies in a zone `scope` allows.
pub async fn get<E, C>(db: &C, scope: &Scope, id: i64) -> DbResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: InZone,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    C: ConnectionTrait,
{
    Ok(E::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| scope.allows_zone(m.zone_id())))
}

/// Record `id` of `E`, if it exists and belongs to `zone_id`.
pub async fn in_zone<E, C>(db: &C, zone_id: i64, id: i64) -> DbResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: InZone,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    C: ConnectionTrait,
{
    Ok(E::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| m.zone_id() == zone_id))
}

/// Record `id` of `E` in `zone_id`, or [`DbError::NotFound`]: for a path that names a record
/// under a zone.
pub async fn require<E, C>(db: &C, zone_id: i64, id: i64) -> DbResult<E::Model>
where
    E: EntityTrait,
    E::Model: InZone,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    C: ConnectionTrait,
{
    in_zone::<E, C>(db, zone_id, id)
        .await?
        .ok_or(DbError::NotFound)
}

/// A record that another record may point to, and whose zone must then be the same.
#[derive(Debug, Clone, Copy)]
pub enum ZoneRef {
    Park(i64),
    Enterprise(i64),
    Plot(i64),
    Building(i64),
}

impl ZoneRef {
    fn id(self) -> i64 {
        match self {
            ZoneRef::Park(id)
            | ZoneRef::Enterprise(id)
            | ZoneRef::Plot(id)
            | ZoneRef::Building(id) => id,
        }
    }

    async fn is_in<C: ConnectionTrait>(self, db: &C, zone_id: i64) -> DbResult<bool> {
        Ok(match self {
            ZoneRef::Park(id) => in_zone::<park::Entity, C>(db, zone_id, id).await?.is_some(),
            ZoneRef::Enterprise(id) => in_zone::<enterprise::Entity, C>(db, zone_id, id)
                .await?
                .is_some(),
            ZoneRef::Plot(id) => in_zone::<plot::Entity, C>(db, zone_id, id).await?.is_some(),
            ZoneRef::Building(id) => in_zone::<building::Entity, C>(db, zone_id, id)
                .await?
                .is_some(),
        })
    }
}

/// Checks that every referenced record exists and belongs to `zone_id`; each one that does
/// not is reported as `choice.unknown` on its field, all at once, so that an id of another
/// zone can never be attached to (and later shown through) this zone's records. A field
/// whose value is `None` is not checked.
pub async fn check_refs<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    refs: &[(&'static str, Option<ZoneRef>)],
) -> DbResult<()> {
    let mut errs = Vec::new();
    for (field, r) in refs {
        if let Some(r) = r
            && !r.is_in(db, zone_id).await?
        {
            errs.push(FieldError::new(field, "choice.unknown", r.id().to_string()));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DbError::Invalid(errs))
    }
}
