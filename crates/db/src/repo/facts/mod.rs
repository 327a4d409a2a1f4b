//! Annual facts with provenance. Every entry (a form saved, an import's row) stores the
//! figures it recorded for an enterprise and year as one set; each figure in a set is a
//! version of that figure. A new value becomes current unless a source of higher
//! precedence holds the figure, and the earlier version stays, unchanged, as history.
//! Sending the same value from the same source again changes nothing. How they are stored:
//! [`packed`].

mod figures;
mod insert;
pub mod packed;
mod precedence;

use super::audit;
use crate::{Actor, DbError, DbResult, Scope};
use devzone_core::facts::FactField;
use devzone_core::validate::FactsDraft;
pub use figures::*;
pub(crate) use insert::{NewSet, insert_packed, insert_sets, put_current, reserve_ids};
pub use packed::FactVersion;
use packed::{Packed, SetFigures};
pub use precedence::*;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::collections::BTreeMap;

/// Main-business revenue from which an enterprise counts as above designated size (yuan).
pub const ABOVE_SCALE_MAIN_REVENUE_YUAN: i64 = 20_000_000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Recorded as history only: a source of higher precedence holds the current value.
    pub not_current: u32,
}

/// For each (year, field) of an enterprise where sources disagree: the current version
/// and the newest differing value of every other source.
pub fn disagreements(history: &[FactVersion]) -> Vec<(FactVersion, Vec<FactVersion>)> {
    let mut by_key: BTreeMap<(i32, &str), Vec<&FactVersion>> = BTreeMap::new();
    for v in history {
        by_key
            .entry((v.year, v.field.as_str()))
            .or_default()
            .push(v);
    }
    let mut out = Vec::new();
    for vs in by_key.values() {
        let Some(cur) = vs.iter().find(|v| v.current) else {
            continue;
        };
        let mut others: BTreeMap<&str, &FactVersion> = BTreeMap::new();
        for v in vs.iter().filter(|v| v.source != cur.source) {
            let e = others.entry(v.source.as_str()).or_insert(v);
            if v.id > e.id {
                *e = v;
            }
        }
        let differing: Vec<FactVersion> = others
            .into_values()
            .filter(|v| v.value != cur.value || v.text_value != cur.text_value)
            .cloned()
            .collect();
        if !differing.is_empty() {
            out.push(((*cur).clone(), differing));
        }
    }
    out
}

/// Every version of every value of an enterprise, by year and field, newest first within
/// each field.
pub async fn history<C: ConnectionTrait>(db: &C, enterprise_id: i64) -> DbResult<Vec<FactVersion>> {
    let sets = packed::sets_of(db, &[enterprise_id], None).await?;
    let current = packed::current_of(db, &[enterprise_id], None).await?;
    let mut out = packed::flatten(&sets, &current);
    out.sort_by(|a, b| {
        (a.year, &a.field, std::cmp::Reverse(a.id)).cmp(&(
            b.year,
            &b.field,
            std::cmp::Reverse(b.id),
        ))
    });
    Ok(out)
}

/// Records a year of figures for an enterprise in one transaction: one set with the
/// figures that change.
pub async fn record(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    enterprise_id: i64,
    d: &FactsDraft,
) -> DbResult<Outcome> {
    let tx = db.begin().await?;
    let e = super::enterprises::get(&tx, scope, enterprise_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let prec = super::facts::precedence(&tx, e.zone_id).await?;
    let years = [d.year];
    let sets = packed::sets_of(&tx, &[enterprise_id], Some(&years)).await?;
    let mut current = packed::current_of(&tx, &[enterprise_id], Some(&years)).await?;
    let existing = packed::versions(
        sets.iter().map(|s| {
            (
                s.id,
                s.enterprise_id,
                s.year,
                s.source.as_str(),
                s.figures.as_str(),
            )
        }),
        &current,
    );
    let mut wanted: Vec<(FactField, Option<i64>, Option<String>)> = d
        .values
        .iter()
        .map(|(f, v)| (*f, Some(v.0), None))
        .collect();
    if let Some(v) = &d.veto {
        wanted.push((FactField::Veto, None, Some(v.clone())));
    }
    let mut out = Outcome::default();
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    let mut figures = SetFigures::new();
    let mut now_current = Vec::new();
    for (field, value, text) in wanted {
        let versions = existing
            .get(&(enterprise_id, d.year, field))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let (is_current, supersede, existed) = match decide(
            versions,
            &prec,
            field,
            d.source.id(),
            value,
            text.as_deref(),
        ) {
            Decision::Unchanged => {
                out.unchanged += 1;
                continue;
            }
            Decision::New {
                current,
                supersede,
                existed,
            } => (current, supersede, existed),
        };
        if let Some(old) = versions.iter().find(|v| Some(v.id) == supersede) {
            before.insert(
                field.id(),
                serde_json::json!({"value": old.value, "text": old.text, "source": old.source}),
            );
        }
        if existed {
            out.updated += 1;
        } else {
            out.inserted += 1;
        }
        if !is_current {
            out.not_current += 1;
        }
        after.insert(
            field.id(),
            serde_json::json!({"value": value, "text": text, "source": d.source.id()}),
        );
        let Some(p) = Packed::from_parts(value, text) else {
            continue;
        };
        if is_current {
            now_current.push((field, p.clone()));
        }
        figures.insert(field, p);
    }
    if !figures.is_empty() {
        // The audit entry first: it is the transaction's first write, so the set ids
        // reserved next cannot be taken by another writer.
        audit::record(
            &tx,
            actor,
            audit::Change::new("update", "facts")
                .id(enterprise_id)
                .zone(e.zone_id)
                .before(Some(
                    serde_json::json!({"year": d.year, "values": before}).to_string(),
                ))
                .after(Some(
                    serde_json::json!({"year": d.year, "values": after}).to_string(),
                )),
        )
        .await?;
        let id = reserve_ids(&tx, 1).await?[0];
        insert_sets(
            &tx,
            &[NewSet {
                id,
                enterprise_id,
                year: d.year,
                source: d.source.id(),
                as_of: d.as_of,
                entered_by: &actor.username,
                entered_at: chrono::Utc::now(),
                import_id: None,
                figures: packed::encode_set(&figures),
            }],
        )
        .await?;
        if !now_current.is_empty() {
            let cur = current.entry((enterprise_id, d.year)).or_default();
            for (f, p) in now_current {
                cur.insert(f, (p, id));
            }
            put_current(&tx, &[(enterprise_id, d.year, &*cur)]).await?;
        }
        refresh_derived(&tx, &[enterprise_id]).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// The list columns an enterprise row derives from its facts: latest year, latest
/// revenue, above designated size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derived {
    pub latest_year: Option<i32>,
    pub latest_revenue: Option<i64>,
    pub above_scale: Option<bool>,
}

impl Derived {
    /// From the current values of the latest year: (field, value) pairs of that year.
    pub fn of(year: Option<i32>, value: impl Fn(FactField) -> Option<i64>) -> Derived {
        Derived {
            latest_year: year,
            latest_revenue: value(FactField::Revenue),
            above_scale: derive_above_scale(
                value(FactField::AboveScale),
                value(FactField::MainRevenue),
            ),
        }
    }
}

/// The fields the derived columns are read from.
pub const DERIVED_FROM: [FactField; 3] = [
    FactField::Revenue,
    FactField::MainRevenue,
    FactField::AboveScale,
];

/// Size class, latest year and latest revenue on the enterprise rows, from their latest
/// year of current facts (after a form entry or a revert).
pub(crate) async fn refresh_derived<C: ConnectionTrait>(db: &C, ids: &[i64]) -> DbResult<()> {
    let current = packed::current_of(db, ids, None).await?;
    let mut latest: BTreeMap<i64, i32> = BTreeMap::new();
    for ((e, y), c) in &current {
        if DERIVED_FROM.iter().any(|f| c.contains_key(f)) {
            let l = latest.entry(*e).or_insert(*y);
            *l = (*l).max(*y);
        }
    }
    let derived: Vec<(i64, Derived)> = ids
        .iter()
        .map(|id| {
            let year = latest.get(id).copied();
            let cur = year.and_then(|y| current.get(&(*id, y)));
            let d = Derived::of(year, |f| {
                cur.and_then(|c| c.get(&f)).and_then(|(p, _)| p.value())
            });
            (*id, d)
        })
        .collect();
    write_derived(db, &derived).await
}

/// Sets the derived columns of many enterprises, a few thousand per statement: an
/// `UPDATE … FROM` a list of values joined on the id (SQLite 3.33 and PostgreSQL both read
/// it), where one `CASE` per column cost a comparison per listed id for every row updated
/// (4.8 s for 100,000 enterprises, against 0.3 s).
pub(crate) async fn write_derived<C: ConnectionTrait>(
    db: &C,
    rows: &[(i64, Derived)],
) -> DbResult<()> {
    // Many rows at once on SQLite: the list indexes on these columns are dropped and built
    // again, instead of updated row by row (measured at 100,000: 2.4 s → 0.8 s). Inside
    // the writer's transaction, so readers never see the table without them.
    let rebuild = if rows.len() >= REBUILD_FROM && db.get_database_backend() == DbBackend::Sqlite {
        let indexes = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
                 AND tbl_name = 'enterprises' AND sql IS NOT NULL",
            ))
            .await?;
        let mut again = Vec::new();
        for r in indexes {
            let (name, sql): (String, String) = (r.try_get("", "name")?, r.try_get("", "sql")?);
            if ["latest_year", "latest_revenue", "above_scale"]
                .iter()
                .any(|c| sql.contains(c))
            {
                db.execute_unprepared(&format!("DROP INDEX \"{name}\""))
                    .await?;
                again.push(sql);
            }
        }
        again
    } else {
        Vec::new()
    };
    // The casts type a column of NULLs alone, which PostgreSQL would read as text.
    crate::repo::bulk::write(
        db,
        rows,
        &["bigint", "integer", "bigint", "boolean"],
        "WITH v (id, latest_year, latest_revenue, above_scale) AS (",
        ") UPDATE enterprises SET latest_year = CAST(v.latest_year AS INTEGER), \
         latest_revenue = CAST(v.latest_revenue AS BIGINT), \
         above_scale = CAST(v.above_scale AS BOOLEAN) \
         FROM v WHERE enterprises.id = v.id",
        |r, (id, d)| {
            r.int(Some(*id))
                .int(d.latest_year.map(i64::from))
                .int(d.latest_revenue)
                .boolean(d.above_scale);
        },
    )
    .await?;
    for sql in rebuild {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// From how many enterprises at once [`write_derived`] rebuilds SQLite's list indexes.
const REBUILD_FROM: usize = 20_000;

/// The stated flag wins; otherwise main-business revenue ≥ 20 million yuan (per-mu spec).
pub fn derive_above_scale(
    flag_centi: Option<i64>,
    main_revenue_centi: Option<i64>,
) -> Option<bool> {
    match (flag_centi, main_revenue_centi) {
        (Some(f), _) => Some(f != 0),
        (None, Some(r)) => Some(r >= ABOVE_SCALE_MAIN_REVENUE_YUAN * 100),
        (None, None) => None,
    }
}
