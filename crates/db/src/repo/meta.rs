//! Installation-wide key/value settings (e.g. which demo dataset was loaded).

use crate::DbResult;
use crate::entities::meta;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

pub async fn get<C: ConnectionTrait>(db: &C, key: &str) -> DbResult<Option<String>> {
    Ok(meta::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .map(|m| m.value))
}

pub async fn set<C: ConnectionTrait>(db: &C, key: &str, value: &str) -> DbResult<()> {
    meta::Entity::insert(meta::ActiveModel {
        key: Set(key.into()),
        value: Set(value.into()),
    })
    .on_conflict(
        OnConflict::column(meta::Column::Key)
            .update_column(meta::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
