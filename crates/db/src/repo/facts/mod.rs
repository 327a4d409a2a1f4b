//! Annual facts with provenance: every value version is a row; the current one is flagged.
//!
//! A new value for (enterprise, year, field) becomes current and the earlier version stays,
//! unchanged, as history. Sending the same value from the same source again changes nothing.

mod figures;
mod insert;
mod precedence;

use super::audit;
use crate::entities::{enterprise, fact_value};
use crate::{Actor, DbError, DbResult, Scope};
use devzone_core::facts::{Centi, FactField};
use devzone_core::validate::FactsDraft;
pub use figures::*;
pub(crate) use insert::{FACT_ROWS, FactRow, insert_facts};
pub use precedence::*;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
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
pub fn disagreements(
    history: &[fact_value::Model],
) -> Vec<(fact_value::Model, Vec<fact_value::Model>)> {
    let mut by_key: BTreeMap<(i32, &str), Vec<&fact_value::Model>> = BTreeMap::new();
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
        let mut others: BTreeMap<&str, &fact_value::Model> = BTreeMap::new();
        for v in vs.iter().filter(|v| v.source != cur.source) {
            let e = others.entry(v.source.as_str()).or_insert(v);
            if v.id > e.id {
                *e = v;
            }
        }
        let differing: Vec<fact_value::Model> = others
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

/// Every version of every value of an enterprise, newest first within each field.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    enterprise_id: i64,
) -> DbResult<Vec<fact_value::Model>> {
    Ok(fact_value::Entity::find()
        .filter(fact_value::Column::EnterpriseId.eq(enterprise_id))
        .order_by_asc(fact_value::Column::Year)
        .order_by_asc(fact_value::Column::Field)
        .order_by_desc(fact_value::Column::Id)
        .all(db)
        .await?)
}

/// The current values of an enterprise, by year.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    enterprise_id: i64,
) -> DbResult<BTreeMap<i32, Vec<fact_value::Model>>> {
    let rows = fact_value::Entity::find()
        .filter(fact_value::Column::EnterpriseId.eq(enterprise_id))
        .filter(fact_value::Column::Current.eq(true))
        .order_by_asc(fact_value::Column::Year)
        .all(db)
        .await?;
    let mut by_year: BTreeMap<i32, Vec<fact_value::Model>> = BTreeMap::new();
    for r in rows {
        by_year.entry(r.year).or_default().push(r);
    }
    Ok(by_year)
}

/// A new version of one figure, with its provenance: every argument is a column.
#[allow(clippy::too_many_arguments)]
pub fn new_value(
    enterprise_id: i64,
    year: i32,
    field: FactField,
    value: Option<Centi>,
    text: Option<String>,
    source: &str,
    as_of: chrono::NaiveDate,
    by: &str,
) -> fact_value::ActiveModel {
    fact_value::ActiveModel {
        enterprise_id: Set(enterprise_id),
        year: Set(year),
        field: Set(field.id().into()),
        value: Set(value.map(|c| c.0)),
        text_value: Set(text),
        source: Set(source.into()),
        as_of: Set(as_of),
        entered_by: Set(by.into()),
        entered_at: Set(chrono::Utc::now()),
        current: Set(true),
        ..Default::default()
    }
}

/// Records a year of figures for an enterprise in one transaction.
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
    let mut existing: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for m in fact_value::Entity::find()
        .filter(fact_value::Column::EnterpriseId.eq(enterprise_id))
        .filter(fact_value::Column::Year.eq(d.year))
        .all(&tx)
        .await?
    {
        existing
            .entry(m.field.clone())
            .or_default()
            .push(Version::from(&m));
    }
    let mut wanted: Vec<(FactField, Option<Centi>, Option<String>)> =
        d.values.iter().map(|(f, v)| (*f, Some(*v), None)).collect();
    if let Some(v) = &d.veto {
        wanted.push((FactField::Veto, None, Some(v.clone())));
    }
    let mut out = Outcome::default();
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    let mut inserts = Vec::new();
    for (field, value, text) in wanted {
        let versions = existing.get(field.id()).map(Vec::as_slice).unwrap_or(&[]);
        let (current, supersede, existed) = match decide(
            versions,
            &prec,
            field,
            d.source.id(),
            value.map(|c| c.0),
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
            fact_value::Entity::update_many()
                .col_expr(fact_value::Column::Current, Expr::value(false))
                .filter(fact_value::Column::Id.eq(old.id))
                .exec(&tx)
                .await?;
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
        if !current {
            out.not_current += 1;
        }
        after.insert(
            field.id(),
            serde_json::json!({"value": value.map(|c| c.0), "text": text, "source": d.source.id()}),
        );
        let mut row = new_value(
            enterprise_id,
            d.year,
            field,
            value,
            text,
            d.source.id(),
            d.as_of,
            &actor.username,
        );
        row.current = Set(current);
        inserts.push(row);
    }
    if !inserts.is_empty() {
        fact_value::Entity::insert_many(inserts).exec(&tx).await?;
        refresh_derived(&tx, &[enterprise_id]).await?;
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
    const CHUNK: usize = 300;
    let wanted = DERIVED_FROM.map(FactField::id);
    for chunk in ids.chunks(CHUNK) {
        // Filtering on the field here would let SQLite pick the (field, year, current)
        // index and scan every enterprise's values; the enterprise index is the cheap path.
        let rows: Vec<fact_value::Model> = fact_value::Entity::find()
            .filter(fact_value::Column::EnterpriseId.is_in(chunk.to_vec()))
            .filter(fact_value::Column::Current.eq(true))
            .all(db)
            .await?
            .into_iter()
            .filter(|r| wanted.contains(&r.field.as_str()))
            .collect();
        let mut by_ent: BTreeMap<i64, Vec<&fact_value::Model>> = BTreeMap::new();
        for r in &rows {
            by_ent.entry(r.enterprise_id).or_default().push(r);
        }
        let derived: Vec<(i64, Derived)> = chunk
            .iter()
            .map(|id| {
                let rs = by_ent.get(id).map(Vec::as_slice).unwrap_or(&[]);
                let latest = rs.iter().map(|r| r.year).max();
                let d = Derived::of(latest, |f| {
                    rs.iter()
                        .find(|r| Some(r.year) == latest && r.field == f.id())
                        .and_then(|r| r.value)
                });
                (*id, d)
            })
            .collect();
        write_derived(db, &derived).await?;
    }
    Ok(())
}

/// Sets the derived columns of many enterprises with one `UPDATE … CASE` statement per
/// few hundred, instead of one statement per enterprise.
pub(crate) async fn write_derived<C: ConnectionTrait>(
    db: &C,
    rows: &[(i64, Derived)],
) -> DbResult<()> {
    use sea_orm::sea_query::{CaseStatement, Query};
    for chunk in rows.chunks(300) {
        let (mut year, mut revenue, mut above) = (
            CaseStatement::new(),
            CaseStatement::new(),
            CaseStatement::new(),
        );
        for (id, d) in chunk {
            let is = enterprise::Column::Id.eq(*id);
            year = year.case(is.clone(), Expr::value(d.latest_year));
            revenue = revenue.case(is.clone(), Expr::value(d.latest_revenue));
            above = above.case(is, Expr::value(d.above_scale));
        }
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let stmt = Query::update()
            .table(enterprise::Entity)
            .value(enterprise::Column::LatestYear, year)
            .value(enterprise::Column::LatestRevenue, revenue)
            .value(enterprise::Column::AboveScale, above)
            .and_where(enterprise::Column::Id.is_in(ids))
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(())
}

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
