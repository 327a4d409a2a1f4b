//! The audit log: who changed what, when, from what to what.

use crate::entities::audit;
use crate::{Actor, DbResult};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn json<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

pub async fn record<C: ConnectionTrait>(db: &C, actor: &Actor, change: Change<'_>) -> DbResult<()> {
    audit::Entity::insert(audit::ActiveModel {
        at: Set(chrono::Utc::now()),
        user_id: Set(actor.user_id),
        username: Set(actor.username.clone()),
        action: Set(change.action.into()),
        entity: Set(change.entity.into()),
        entity_id: Set(change.entity_id),
        zone_id: Set(change.zone_id),
        before: Set(change.before),
        after: Set(change.after),
        request_id: Set(actor.request_id.clone()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub entity_id: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &AuditFilter,
) -> DbResult<super::Page<audit::Model>> {
    let mut q = audit::Entity::find();
    if let Some(u) = f.username.as_ref().filter(|s| !s.is_empty()) {
        q = q.filter(audit::Column::Username.eq(u.clone()));
    }
    if let Some(e) = f.entity.as_ref().filter(|s| !s.is_empty()) {
        q = q.filter(audit::Column::Entity.eq(e.clone()));
    }
    if let Some(a) = f.action.as_ref().filter(|s| !s.is_empty()) {
        q = q.filter(audit::Column::Action.eq(a.clone()));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit::Column::EntityId.eq(id));
    }
    let per_page = f.per_page.clamp(1, super::MAX_PER_PAGE);
    let pages = q.order_by_desc(audit::Column::Id).paginate(db, per_page);
    let total = pages.num_items().await?;
    let page = super::page_number(f.page);
    let items = pages.fetch_page(page - 1).await?;
    Ok(super::Page {
        items,
        total,
        page,
        per_page,
    })
}
