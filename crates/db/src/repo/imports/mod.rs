//! Committing checked spreadsheet rows: compare with what is stored (plan), then write
//! everything in one transaction (commit), or take a whole import back (revert).
//!
//! A value from a source becomes a new version of its figure. Whether it becomes the
//! *current* version is decided by the zone's per-field source precedence
//! ([`Precedence`]): a self-declared tax does not replace the tax bureau's. Re-importing a
//! file whose values are already stored changes nothing and writes no history entry.

mod commit;
mod mappings;
mod plan;
mod revert;
mod uploads;

use crate::DbResult;
use crate::entities::import;
pub use commit::*;
use devzone_core::import::{Kind, Mapping};
use devzone_core::model::FactSource;
pub use mappings::*;
pub use plan::*;
pub use revert::*;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
pub use uploads::*;

/// What is being imported and from where.
#[derive(Debug, Clone)]
pub struct Request {
    pub zone_id: i64,
    pub kind: Kind,
    pub source: FactSource,
    pub as_of: chrono::NaiveDate,
    pub year: Option<i32>,
    pub file_name: String,
    pub file_sha256: String,
    pub sheet: String,
    /// The mapping used, saved for the next file with the same headers.
    pub mapping: Mapping,
    pub signature: String,
}

/// What a check found and what a commit would write (or wrote).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub rows_read: usize,
    pub rejected: usize,
    pub warnings: usize,
    /// Figures that had no value before.
    pub inserted: usize,
    /// Figures that had a value and get a new version.
    pub updated: usize,
    /// Figures whose source already gave this value.
    pub unchanged: usize,
    /// New versions kept as history because a source of higher precedence is current.
    pub not_current: usize,
    pub enterprises_created: usize,
    pub enterprises_updated: usize,
}

impl From<&import::Model> for Counts {
    fn from(m: &import::Model) -> Self {
        let n = |v: i32| usize::try_from(v).unwrap_or(0);
        Counts {
            rows_read: n(m.rows_read),
            rejected: n(m.rejected),
            warnings: n(m.warnings),
            inserted: n(m.inserted),
            updated: n(m.updated),
            unchanged: n(m.unchanged),
            not_current: n(m.not_current),
            enterprises_created: n(m.enterprises_created),
            enterprises_updated: n(m.enterprises_updated),
        }
    }
}

impl Counts {
    pub fn changes(&self) -> usize {
        self.inserted + self.updated + self.enterprises_created + self.enterprises_updated
    }
}

/// The zone's imports, newest first.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    page: u64,
    per_page: u64,
) -> DbResult<super::Page<import::Model>> {
    let per_page = per_page.clamp(1, super::MAX_PER_PAGE);
    let q = import::Entity::find()
        .filter(import::Column::ZoneId.eq(zone_id))
        .order_by_desc(import::Column::Id);
    let total = q.clone().count(db).await?;
    let items = q
        .paginate(db, per_page)
        .fetch_page(super::page_number(page) - 1)
        .await?;
    Ok(super::Page {
        items,
        total,
        page: super::page_number(page),
        per_page,
    })
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> DbResult<Option<import::Model>> {
    Ok(import::Entity::find_by_id(id).one(db).await?)
}
