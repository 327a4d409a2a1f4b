//! Repository functions, one module per aggregate. Functions take any `ConnectionTrait`
//! so that callers can group several of them in one transaction.

pub mod appeals;
pub mod audit;
pub mod backup;
pub(crate) mod bulk;
pub mod calendar;
pub mod chains;
pub mod cockpit;
pub mod enterprises;
pub mod evaluation;
pub mod facts;
pub mod imports;
pub mod jobs;
pub mod land;
pub mod meta;
pub mod projects;
pub mod requirements;
pub mod revitalisation;
pub mod scoped;
pub mod station;
pub mod stats;
pub mod tiers;
pub mod tracks;
pub mod transfer;
pub mod users;
pub mod versions;
pub mod visits;
pub mod zones;

/// One page of a list, with the total number of matching records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

pub const MAX_PER_PAGE: u64 = 200;

/// The largest page number a list accepts: beyond it every list is empty anyway, and
/// `(page - 1) * per_page` stays far from overflowing.
pub const MAX_PAGE: u64 = 1_000_000;

/// Page `page` (1-based) of `per_page` rows of `q`, with the number of rows `q` selects: one
/// COUNT and one LIMIT/OFFSET query, whatever the size of the table. The count is `q`'s own
/// WHERE with `COUNT(*)` and no order: SeaORM's paginator counts over `q` as a subquery, every
/// column and the sort included, which at 10,000 rows cost more than the page itself. (`q` may
/// not group or select distinct rows: no caller does.)
pub async fn paged<C, E>(
    db: &C,
    q: sea_orm::Select<E>,
    page: u64,
    per_page: u64,
) -> crate::DbResult<Page<E::Model>>
where
    C: sea_orm::ConnectionTrait,
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    paged_with(db, q, page, per_page, None).await
}

/// As [`paged`], with the number of rows already known when the caller counted them from
/// figures it keeps (then no COUNT is run: at 100,000 rows of a zone it took longer than
/// the page).
pub async fn paged_with<C, E>(
    db: &C,
    q: sea_orm::Select<E>,
    page: u64,
    per_page: u64,
    known_total: Option<u64>,
) -> crate::DbResult<Page<E::Model>>
where
    C: sea_orm::ConnectionTrait,
    E: sea_orm::EntityTrait,
    E::Model: Sync,
{
    use sea_orm::{QuerySelect, QueryTrait};
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page_number(page);
    let total = match known_total {
        Some(n) => n as i64,
        None => {
            let mut counting = q.clone();
            QueryTrait::query(&mut counting).clear_order_by();
            counting
                .select_only()
                .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
                .into_tuple()
                .one(db)
                .await?
                .unwrap_or(0)
        }
    };
    let items = q
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items,
        total: total.max(0) as u64,
        page,
        per_page,
    })
}

/// A requested page number within 1..=[`MAX_PAGE`].
pub fn page_number(page: u64) -> u64 {
    page.clamp(1, MAX_PAGE)
}

/// `col` contains `text`, the same on both databases: LOWER on both sides (SQLite's LIKE
/// ignores ASCII case, PostgreSQL's does not) and the wildcards in `text` taken literally.
pub(crate) fn contains_text(
    col: impl sea_orm::sea_query::IntoColumnRef,
    text: &str,
) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    Expr::expr(Func::lower(Expr::col(col)))
        .like(LikeExpr::new(like_contains(&text.to_lowercase())).escape('\\'))
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub(crate) fn like_contains(q: &str) -> String {
    let mut s = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}
