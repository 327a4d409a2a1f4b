//! Evaluation schemes: the built-in ones and those a zone adds, by key and version.

use crate::entities::evaluation_scheme as scheme_row;
use crate::repo::audit;
use crate::{Actor, DbError, DbResult};
use devzone_core::evaluation::Scheme;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// A scheme a zone can run: a built-in one, or one of the zone's own versions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemeInfo {
    /// `builtin:NAME` or `zone:ID`.
    pub key: String,
    pub name: String,
    pub version: u32,
    pub effective_year: i32,
    pub title_zh: String,
    pub title_en: String,
    pub built_in: bool,
}

pub(super) fn info(key: String, s: &Scheme, built_in: bool) -> SchemeInfo {
    SchemeInfo {
        key,
        name: s.name.clone(),
        version: s.version,
        effective_year: s.effective_year,
        title_zh: s.title.zh.clone(),
        title_en: s.title.en.clone(),
        built_in,
    }
}

/// Built-in schemes first, then the zone's own, newest version first.
pub async fn schemes<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<SchemeInfo>> {
    let mut out: Vec<SchemeInfo> = devzone_core::evaluation::scheme::BUILT_IN
        .iter()
        .filter_map(|(name, _)| {
            Scheme::built_in(name).map(|s| info(format!("builtin:{name}"), &s, true))
        })
        .collect();
    let rows = scheme_row::Entity::find()
        .filter(scheme_row::Column::ZoneId.eq(zone_id))
        .order_by_asc(scheme_row::Column::Name)
        .order_by_desc(scheme_row::Column::Version)
        .all(db)
        .await?;
    for r in rows {
        if let Ok(s) = Scheme::parse(&r.source) {
            out.push(info(format!("zone:{}", r.id), &s, false));
        }
    }
    Ok(out)
}

/// The scheme and its source text for a key from `schemes`.
pub async fn scheme_by_key<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    key: &str,
) -> DbResult<(Scheme, String)> {
    if let Some(name) = key.strip_prefix("builtin:") {
        let src = devzone_core::evaluation::Scheme::built_in_source(name);
        let s = Scheme::parse(src).map_err(|_| DbError::NotFound)?;
        return Ok((s, src.to_string()));
    }
    let id: i64 = key
        .strip_prefix("zone:")
        .and_then(|i| i.parse().ok())
        .ok_or(DbError::NotFound)?;
    let r = scheme_row::Entity::find_by_id(id)
        .filter(scheme_row::Column::ZoneId.eq(zone_id))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let s = Scheme::parse(&r.source).map_err(|e| DbError::Other(e.to_string()))?;
    Ok((s, r.source))
}

/// Adds a scheme version to a zone. The text is validated first; a (name, version) the zone
/// already has is a conflict, since stored versions never change.
pub async fn add_scheme(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    source: &str,
) -> DbResult<Result<scheme_row::Model, devzone_core::evaluation::scheme::SchemeError>> {
    let s = match Scheme::parse(source) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let taken = scheme_row::Entity::find()
        .filter(scheme_row::Column::ZoneId.eq(zone_id))
        .filter(scheme_row::Column::Name.eq(s.name.clone()))
        .filter(scheme_row::Column::Version.eq(s.version as i32))
        .count(db)
        .await?;
    if taken > 0 || Scheme::built_in(&s.name).is_some_and(|b| b.version == s.version) {
        return Err(DbError::Conflict {
            field: "scheme".into(),
            value: format!("{} v{}", s.name, s.version),
        });
    }
    let row = scheme_row::ActiveModel {
        zone_id: Set(zone_id),
        name: Set(s.name.clone()),
        version: Set(s.version as i32),
        effective_year: Set(s.effective_year),
        source: Set(source.to_string()),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    let saved = scheme_row::Entity::insert(row)
        .exec_with_returning(db)
        .await?;
    audit::record(
        db,
        actor,
        audit::Change::new("create", "evaluation_scheme")
            .id(saved.id)
            .zone(zone_id)
            .after(Some(format!("{} v{}", s.name, s.version))),
    )
    .await?;
    Ok(Ok(saved))
}
