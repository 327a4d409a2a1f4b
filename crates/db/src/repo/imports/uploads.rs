//! Uploaded files staged until they are committed, and sample sheets.

use crate::DbResult;
use crate::entities::{enterprise, import_upload, park};
use crate::repo::facts::packed;
use devzone_core::facts::FactField;
use devzone_core::model::Ownership;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// Keeps an uploaded file until it is committed (or abandoned).
pub async fn stage_upload<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    user_id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> DbResult<import_upload::Model> {
    // Uploads older than a day were abandoned; they go when the next one arrives.
    import_upload::Entity::delete_many()
        .filter(import_upload::Column::CreatedAt.lt(chrono::Utc::now() - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    Ok(import_upload::ActiveModel {
        zone_id: Set(zone_id),
        user_id: Set(Some(user_id)),
        file_name: Set(file_name.to_string()),
        bytes: Set(bytes),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn upload<C: ConnectionTrait>(db: &C, id: i64) -> DbResult<Option<import_upload::Model>> {
    Ok(import_upload::Entity::find_by_id(id).one(db).await?)
}

pub async fn drop_upload<C: ConnectionTrait>(db: &C, id: i64) -> DbResult<()> {
    import_upload::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Up to `n` enterprises of a zone with their current figures of the latest year any of
/// them reports, for sample sheets; and that year.
pub async fn sample_enterprises<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    n: u64,
) -> DbResult<(Vec<devzone_core::import::templates::SampleEnterprise>, i32)> {
    use devzone_core::import::templates::{SampleEnterprise, ownership_zh};
    let es = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .order_by_asc(enterprise::Column::Id)
        .paginate(db, n)
        .fetch_page(0)
        .await?;
    let year = es
        .iter()
        .filter_map(|e| e.latest_year)
        .max()
        .unwrap_or(2024);
    let parks: HashMap<i64, String> = park::Entity::find()
        .filter(park::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let ids: Vec<i64> = es.iter().map(|e| e.id).collect();
    let mut facts: HashMap<i64, Vec<(FactField, f64)>> = HashMap::new();
    for ((e, _), figures) in packed::current_of(db, &ids, Some(&[year])).await? {
        facts.insert(
            e,
            figures
                .into_iter()
                .filter_map(|(f, (p, _))| p.value().map(|v| (f, v as f64 / 100.0)))
                .collect(),
        );
    }
    let out = es
        .into_iter()
        .map(|e| SampleEnterprise {
            facts: facts.remove(&e.id).unwrap_or_default(),
            park: e.park_id.and_then(|p| parks.get(&p).cloned()),
            ownership_zh: ownership_zh(Ownership::parse(&e.ownership).unwrap_or(Ownership::Other))
                .into(),
            code: e.credit_code,
            name: e.name,
            industry_code: e.industry_code,
            address: e.address,
            founded_on: e.founded_on,
            registered_capital: e.registered_capital.map(|c| c as f64 / 100.0),
        })
        .collect();
    Ok((out, year))
}
