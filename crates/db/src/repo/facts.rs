//! Annual facts with provenance: every value version is a row; the current one is flagged.
//!
//! A new value for (enterprise, year, field) becomes current and the earlier version stays,
//! unchanged, as history. Sending the same value from the same source again changes nothing.

use super::audit::{self, Change};
use crate::entities::{enterprise, fact_value};
use crate::{Actor, DbError, DbResult, Scope};
use devzone_core::facts::{Centi, FactField};
use devzone_core::validate::FactsDraft;
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
    let existing: BTreeMap<String, fact_value::Model> = fact_value::Entity::find()
        .filter(fact_value::Column::EnterpriseId.eq(enterprise_id))
        .filter(fact_value::Column::Year.eq(d.year))
        .filter(fact_value::Column::Current.eq(true))
        .all(&tx)
        .await?
        .into_iter()
        .map(|m| (m.field.clone(), m))
        .collect();
    let mut wanted: Vec<(FactField, Option<Centi>, Option<String>)> =
        d.values.iter().map(|(f, v)| (*f, Some(*v), None)).collect();
    if let Some(v) = &d.veto {
        wanted.push((FactField::Veto, None, Some(v.clone())));
    }
    let mut out = Outcome::default();
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    let mut inserts = Vec::new();
    for (field, value, text) in wanted {
        let old = existing.get(field.id());
        if let Some(old) = old
            && old.value == value.map(|c| c.0)
            && old.text_value == text
            && old.source == d.source.id()
        {
            out.unchanged += 1;
            continue;
        }
        if let Some(old) = old {
            fact_value::Entity::update_many()
                .col_expr(fact_value::Column::Current, Expr::value(false))
                .filter(fact_value::Column::Id.eq(old.id))
                .exec(&tx)
                .await?;
            before.insert(field.id(), serde_json::json!({"value": old.value, "text": old.text_value, "source": old.source}));
            out.updated += 1;
        } else {
            out.inserted += 1;
        }
        after.insert(
            field.id(),
            serde_json::json!({"value": value.map(|c| c.0), "text": text, "source": d.source.id()}),
        );
        inserts.push(new_value(
            enterprise_id,
            d.year,
            field,
            value,
            text,
            d.source.id(),
            d.as_of,
            &actor.username,
        ));
    }
    if !inserts.is_empty() {
        fact_value::Entity::insert_many(inserts).exec(&tx).await?;
        refresh_derived(&tx, enterprise_id).await?;
        audit::record(
            &tx,
            actor,
            Change {
                action: "update",
                entity: "facts",
                entity_id: Some(enterprise_id),
                zone_id: Some(e.zone_id),
                before: Some(serde_json::json!({"year": d.year, "values": before}).to_string()),
                after: Some(serde_json::json!({"year": d.year, "values": after}).to_string()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// Size class and latest revenue on the enterprise row, from its latest year of facts.
pub async fn refresh_derived<C: ConnectionTrait>(db: &C, enterprise_id: i64) -> DbResult<()> {
    let rows = fact_value::Entity::find()
        .filter(fact_value::Column::EnterpriseId.eq(enterprise_id))
        .filter(fact_value::Column::Current.eq(true))
        .filter(fact_value::Column::Field.is_in([
            FactField::Revenue.id(),
            FactField::MainRevenue.id(),
            FactField::AboveScale.id(),
        ]))
        .all(db)
        .await?;
    let latest_year = rows.iter().map(|r| r.year).max();
    let of = |f: FactField| {
        rows.iter()
            .find(|r| Some(r.year) == latest_year && r.field == f.id())
            .and_then(|r| r.value)
    };
    let above = derive_above_scale(of(FactField::AboveScale), of(FactField::MainRevenue));
    enterprise::Entity::update_many()
        .col_expr(enterprise::Column::LatestYear, Expr::value(latest_year))
        .col_expr(
            enterprise::Column::LatestRevenue,
            Expr::value(of(FactField::Revenue)),
        )
        .col_expr(enterprise::Column::AboveScale, Expr::value(above))
        .filter(enterprise::Column::Id.eq(enterprise_id))
        .exec(db)
        .await?;
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
