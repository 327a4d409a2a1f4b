//! The audit log: who changed what, when, from what to what.
//!
//! Every write of a repository function records itself in the same transaction, in one of two
//! ways: a record of the registry created, updated or deleted is logged with [`created`],
//! [`updated`] or [`deleted`], which take the entity name, id, zone and before/after images
//! from the models themselves; any other act (an import, a review of many mappings, a
//! sign-in) is an [`Change`] built with [`Change::new`] and logged with [`record`]. A write
//! without one of these calls next to it is the one to question.

use crate::entities::audit;
use crate::{Actor, DbResult};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

/// A stored record whose changes the log names by entity, id and zone.
pub trait Audited: Serialize {
    /// The entity name written into the log (`plot`, `enterprise`, …).
    const ENTITY: &'static str;
    fn audit_id(&self) -> i64;
    fn audit_zone(&self) -> Option<i64>;
}

/// Implements [`Audited`] for models with an `id` and a `zone_id` column.
macro_rules! audited_in_zone {
    ($($m:ident => $name:literal),* $(,)?) => {$(
        impl Audited for crate::entities::$m::Model {
            const ENTITY: &'static str = $name;
            fn audit_id(&self) -> i64 {
                self.id
            }
            fn audit_zone(&self) -> Option<i64> {
                Some(self.zone_id)
            }
        }
    )*};
}

audited_in_zone! {
    park => "park",
    enterprise => "enterprise",
    plot => "plot",
    building => "building",
    unit => "unit",
    lease => "lease",
    requirement => "requirement",
    revitalisation_case => "revitalisation_case",
    chain_mapping => "chain_mapping",
    chain_target => "chain_target",
    track_record => "track_record",
    project => "project",
    appeal => "appeal",
    visit => "visit",
}

impl Audited for crate::entities::zone::Model {
    const ENTITY: &'static str = "zone";
    fn audit_id(&self) -> i64 {
        self.id
    }
    fn audit_zone(&self) -> Option<i64> {
        Some(self.id)
    }
}

/// Logs the creation of `m`, with its image as `after`.
pub async fn created<C: ConnectionTrait, M: Audited>(db: &C, actor: &Actor, m: &M) -> DbResult<()> {
    record(db, actor, Change::of("create", m).after(json(m))).await
}

/// Logs an update of a record from `before` to `after`.
pub async fn updated<C: ConnectionTrait, M: Audited>(
    db: &C,
    actor: &Actor,
    before: &M,
    after: &M,
) -> DbResult<()> {
    record(
        db,
        actor,
        Change::of("update", after)
            .before(json(before))
            .after(json(after)),
    )
    .await
}

/// Logs the deletion of `m`, with its image as `before`.
pub async fn deleted<C: ConnectionTrait, M: Audited>(db: &C, actor: &Actor, m: &M) -> DbResult<()> {
    record(db, actor, Change::of("delete", m).before(json(m))).await
}

/// One line of the log: an act on an entity, optionally naming a record and a zone, with
/// what it changed from and to.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> Change<'a> {
    /// An act that names no record yet: add [`Change::id`], [`Change::zone`] and the images.
    pub fn new(action: &'a str, entity: &'a str) -> Self {
        Change {
            action,
            entity,
            entity_id: None,
            zone_id: None,
            before: None,
            after: None,
        }
    }

    /// An act on a stored record: its entity, id and zone.
    pub fn of<M: Audited>(action: &'a str, m: &M) -> Self {
        Change::new(action, M::ENTITY)
            .id(m.audit_id())
            .zone_opt(m.audit_zone())
    }

    pub fn id(mut self, id: i64) -> Self {
        self.entity_id = Some(id);
        self
    }

    pub fn zone(self, zone_id: i64) -> Self {
        self.zone_opt(Some(zone_id))
    }

    fn zone_opt(mut self, zone_id: Option<i64>) -> Self {
        self.zone_id = zone_id;
        self
    }

    pub fn before(mut self, image: Option<String>) -> Self {
        self.before = image;
        self
    }

    pub fn after(mut self, image: Option<String>) -> Self {
        self.after = image;
        self
    }
}

pub fn json<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

/// Writes one line of the log and raises the zone's data version (`versions`), both in the
/// caller's transaction: a zone's cached figures are recomputed after any logged change.
pub async fn record<C: ConnectionTrait>(db: &C, actor: &Actor, change: Change<'_>) -> DbResult<()> {
    if let Some(zone) = change.zone_id {
        super::versions::bump(db, zone).await?;
    }
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

/// Saves a zone's settings held as one JSON text in a table of their own keyed by the zone
/// (land rules, chain thresholds, pipeline rules), audited as an update of `entity` with the
/// text before and after. `row` builds the table's row from the zone and the text; `text_of`
/// reads the text back from a stored row.
pub(crate) async fn put_zone_text<E, A>(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    entity: &'static str,
    text: String,
    row: fn(i64, String) -> A,
    text_of: fn(E::Model) -> String,
) -> DbResult<()>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    A: sea_orm::ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
    E::Model: sea_orm::IntoActiveModel<A>,
{
    use sea_orm::TransactionTrait;
    let tx = db.begin().await?;
    let before = E::find_by_id(zone_id).one(&tx).await?;
    let m = row(zone_id, text.clone());
    if before.is_some() {
        m.update(&tx).await?;
    } else {
        m.insert(&tx).await?;
    }
    record(
        &tx,
        actor,
        Change::new("update", entity)
            .id(zone_id)
            .zone(zone_id)
            .before(before.map(text_of))
            .after(Some(text)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
