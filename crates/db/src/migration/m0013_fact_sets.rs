//! Facts packed: one row per set of figures an entry recorded (`fact_sets`) and one row per
//! enterprise and year with its current figures (`fact_current`), instead of one row per
//! value. A yearly import of 100,000 enterprises × 16 columns then writes 200,000 rows, not
//! 1.6 million with their indexes (see `repo::facts::packed`). The stored versions are
//! carried over: the versions of one entry become one set, the current ones the current
//! figures.

use super::*;
use crate::repo::facts::insert_packed;
use crate::repo::facts::packed::{FactVersion, pack_legacy};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_fact_sets"
    }
}

/// Enterprise ids carried over per query.
const SPAN: i64 = 2_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("fact_sets")
                .col(big_pk_auto("id"))
                .col(big_integer("enterprise_id"))
                .col(integer("year"))
                .col(string("source"))
                .col(date("as_of"))
                .col(string("entered_by"))
                .col(timestamp_with_time_zone("entered_at"))
                .col(big_integer_null("import_id"))
                .col(text("figures"))
                .foreign_key(&mut fk(
                    ("fact_sets", "enterprise_id"),
                    ("enterprises", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "fact_sets",
            "fact_sets_enterprise",
            &["enterprise_id", "year"],
            false,
        ))
        .await?;
        m.create_index(index(
            "fact_sets",
            "fact_sets_import",
            &["import_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("fact_current")
                .col(big_integer("enterprise_id"))
                .col(integer("year"))
                .col(text("figures"))
                .primary_key(Index::create().col("enterprise_id").col("year"))
                .foreign_key(&mut fk(
                    ("fact_current", "enterprise_id"),
                    ("enterprises", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;

        let db = m.get_connection();
        let backend = db.get_database_backend();
        let span = db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT MIN(enterprise_id) AS lo, MAX(enterprise_id) AS hi FROM fact_values",
            ))
            .await?;
        let (lo, hi): (Option<i64>, Option<i64>) = match span {
            Some(r) => (r.try_get("", "lo")?, r.try_get("", "hi")?),
            None => (None, None),
        };
        let mut last = 0;
        let mut next_id = || {
            last += 1;
            last
        };
        if let (Some(lo), Some(hi)) = (lo, hi) {
            let mut from = lo;
            while from <= hi {
                let rows = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!(
                            "SELECT enterprise_id, year, field, value, text_value, source, as_of, \
                             entered_by, entered_at, current, import_id FROM fact_values \
                             WHERE enterprise_id >= {from} AND enterprise_id < {} ORDER BY id",
                            from + SPAN
                        ),
                    ))
                    .await?;
                let values = rows
                    .iter()
                    .map(|r| {
                        Ok(FactVersion {
                            id: 0,
                            enterprise_id: r.try_get("", "enterprise_id")?,
                            year: r.try_get("", "year")?,
                            field: r.try_get("", "field")?,
                            value: r.try_get("", "value")?,
                            text_value: r.try_get("", "text_value")?,
                            source: r.try_get("", "source")?,
                            as_of: r.try_get("", "as_of")?,
                            entered_by: r.try_get("", "entered_by")?,
                            entered_at: r.try_get("", "entered_at")?,
                            current: r.try_get("", "current")?,
                            import_id: r.try_get("", "import_id")?,
                        })
                    })
                    .collect::<Result<Vec<_>, DbErr>>()?;
                let (sets, current) = pack_legacy(values, &mut next_id);
                insert_packed(db, &sets, &current)
                    .await
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
                from += SPAN;
            }
        }
        if backend == DbBackend::Postgres {
            db.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('fact_sets', 'id'), \
                 COALESCE((SELECT MAX(id) FROM fact_sets), 0) + 1, false)",
            )
            .await?;
        }
        m.drop_table(Table::drop().table("fact_values").take())
            .await
    }
}
