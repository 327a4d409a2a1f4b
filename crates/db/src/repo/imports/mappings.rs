//! Column mappings saved per header layout, so that the next file of the same layout is
//! recognised at once.

use super::*;
use crate::DbResult;
use crate::entities::import_mapping;
use devzone_core::import::Mapping;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The mapping saved for a header layout in this zone, with the source it came from.
pub async fn saved_mapping<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    signature: &str,
) -> DbResult<Option<(Mapping, String, String)>> {
    let row = import_mapping::Entity::find()
        .filter(import_mapping::Column::ZoneId.eq(zone_id))
        .filter(import_mapping::Column::Signature.eq(signature))
        .one(db)
        .await?;
    Ok(row.and_then(|r| {
        serde_json::from_str(&r.mapping)
            .ok()
            .map(|m| (m, r.source, r.kind))
    }))
}

pub(super) async fn save_mapping<C: ConnectionTrait>(db: &C, r: &Request) -> DbResult<()> {
    import_mapping::Entity::delete_many()
        .filter(import_mapping::Column::ZoneId.eq(r.zone_id))
        .filter(import_mapping::Column::Signature.eq(r.signature.clone()))
        .exec(db)
        .await?;
    import_mapping::Entity::insert(import_mapping::ActiveModel {
        zone_id: Set(r.zone_id),
        signature: Set(r.signature.clone()),
        source: Set(r.source.id().into()),
        kind: Set(r.kind.id().into()),
        mapping: Set(serde_json::to_string(&r.mapping).unwrap_or_default()),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}
