//! Fact sets and current figures written many at a time (see [`crate::repo::bulk`]).

use super::packed::{CurrentFigures, encode_current};
use crate::DbResult;
use crate::entities::{fact_current, fact_set};
use crate::repo::bulk;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// One set of figures to insert; `id` comes from [`reserve_ids`].
pub(crate) struct NewSet<'a> {
    pub id: i64,
    pub enterprise_id: i64,
    pub year: i32,
    pub source: &'a str,
    pub as_of: chrono::NaiveDate,
    pub entered_by: &'a str,
    pub entered_at: chrono::DateTime<chrono::Utc>,
    pub import_id: Option<i64>,
    /// From [`super::packed::encode_set`].
    pub figures: String,
}

/// `n` new set ids, in increasing order. The ids are known before the rows are written, so
/// that the current figures can name their sets without reading them back.
///
/// PostgreSQL takes them from the table's sequence (safe beside concurrent writers).
/// SQLite has one writer at a time: above the largest id ever given (AUTOINCREMENT keeps it
/// in `sqlite_sequence`, so a reverted import's ids are not given again and an evaluation
/// that cited one never points at another figure). Call it inside the writing transaction
/// after its first write, so that no other writer can come between.
pub(crate) async fn reserve_ids<C: ConnectionTrait>(db: &C, n: usize) -> DbResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT nextval(pg_get_serial_sequence('fact_sets', 'id')) AS id \
                     FROM generate_series(1, $1)",
                    [(n as i64).into()],
                ))
                .await?;
            let mut ids = rows
                .iter()
                .map(|r| r.try_get::<i64>("", "id"))
                .collect::<Result<Vec<_>, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        }
        _ => {
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT MAX(COALESCE((SELECT MAX(id) FROM fact_sets), 0), \
                     COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'fact_sets'), 0)) \
                     AS top",
                ))
                .await?;
            let top: i64 = match row {
                Some(r) => r.try_get("", "top")?,
                None => 0,
            };
            Ok((1..=n as i64).map(|i| top + i).collect())
        }
    }
}

/// Columns of `fact_sets` as written, with their PostgreSQL types.
const SET_COLUMNS: &str = "INSERT INTO fact_sets (id, enterprise_id, year, source, as_of, entered_by, entered_at, \
     import_id, figures) ";
const SET_TYPES: &[&str] = &[
    "bigint",
    "bigint",
    "integer",
    "text",
    "date",
    "text",
    "timestamptz",
    "bigint",
    "text",
];

/// Inserts sets with their reserved ids.
pub(crate) async fn insert_sets<C: ConnectionTrait>(db: &C, sets: &[NewSet<'_>]) -> DbResult<()> {
    bulk::write(db, sets, SET_TYPES, SET_COLUMNS, "", |r, s| {
        r.int(Some(s.id))
            .int(Some(s.enterprise_id))
            .int(Some(s.year.into()))
            .text(Some(s.source))
            .text(Some(&s.as_of.format("%Y-%m-%d").to_string()))
            .text(Some(s.entered_by))
            // The text form sqlx writes for a UTC timestamp, so that SQLite rows read back alike.
            .text(Some(
                &s.entered_at
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
            ))
            .int(s.import_id)
            .text(Some(&s.figures));
    })
    .await?;
    Ok(())
}

/// Writes the current figures of these enterprise-years, replacing what was there; a year
/// left without any figure loses its row.
pub(crate) async fn put_current<C: ConnectionTrait>(
    db: &C,
    rows: &[(i64, i32, &CurrentFigures)],
) -> DbResult<()> {
    let (full, empty): (Vec<_>, Vec<_>) = rows.iter().partition(|(_, _, c)| !c.is_empty());
    let encoded: Vec<(i64, i32, String)> = full
        .iter()
        .map(|(e, y, c)| (*e, *y, encode_current(c)))
        .collect();
    upsert_current(db, &encoded).await?;
    bulk::write(
        db,
        &empty,
        &["bigint", "integer"],
        "DELETE FROM fact_current WHERE (enterprise_id, year) IN (",
        ")",
        |r, (e, y, _)| {
            r.int(Some(*e)).int(Some((*y).into()));
        },
    )
    .await?;
    Ok(())
}

/// Inserts or replaces current rows whose figures are already encoded.
async fn upsert_current<C: ConnectionTrait>(db: &C, rows: &[(i64, i32, String)]) -> DbResult<()> {
    bulk::write(
        db,
        rows,
        &["bigint", "integer", "text"],
        "INSERT INTO fact_current (enterprise_id, year, figures) ",
        " ON CONFLICT (enterprise_id, year) DO UPDATE SET figures = excluded.figures",
        |r, (e, y, c)| {
            r.int(Some(*e)).int(Some((*y).into())).text(Some(c));
        },
    )
    .await?;
    Ok(())
}

/// Writes sets and current rows made by [`super::packed::pack_legacy`] (or read from a
/// zone archive), ids included.
pub(crate) async fn insert_packed<C: ConnectionTrait>(
    db: &C,
    sets: &[fact_set::Model],
    current: &[fact_current::Model],
) -> DbResult<()> {
    let new: Vec<NewSet> = sets
        .iter()
        .map(|s| NewSet {
            id: s.id,
            enterprise_id: s.enterprise_id,
            year: s.year,
            source: &s.source,
            as_of: s.as_of,
            entered_by: &s.entered_by,
            entered_at: s.entered_at,
            import_id: s.import_id,
            figures: s.figures.clone(),
        })
        .collect();
    insert_sets(db, &new).await?;
    let rows: Vec<(i64, i32, String)> = current
        .iter()
        .map(|c| (c.enterprise_id, c.year, c.figures.clone()))
        .collect();
    upsert_current(db, &rows).await
}
