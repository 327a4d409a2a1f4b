//! Takes a whole import back: its fact versions, the enterprises it created and the
//! attributes it changed.

use super::*;
use crate::entities::{enterprise, fact_value, import, import_enterprise};
use crate::repo::audit;
use crate::repo::facts::precedence;
use crate::repo::facts::{Version, refresh_derived, settle};
use crate::{Actor, DbError, DbResult};
use devzone_core::facts::FactField;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use std::collections::{BTreeSet, HashMap};

/// What a revert did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Reverted {
    pub facts_removed: usize,
    pub enterprises_removed: usize,
    pub enterprises_restored: usize,
    /// Enterprises the import created that later records still use, so they stay.
    pub enterprises_kept: Vec<String>,
}

/// Takes an import back as a whole, in one transaction: its fact versions go, the figures
/// they touched are re-decided by precedence among the versions that remain, enterprises
/// it created go (unless later records use them), and enterprise attributes it changed
/// return to what they were (where nobody has changed them since).
pub async fn revert(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> DbResult<Reverted> {
    let tx = db.begin().await?;
    let imp = import::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(DbError::NotFound)?;
    if imp.status != "committed" {
        return Err(DbError::Conflict {
            field: "status".into(),
            value: imp.status,
        });
    }
    let prec = precedence(&tx, imp.zone_id).await?;
    let mut out = Reverted::default();
    let mine = fact_value::Entity::find()
        .filter(fact_value::Column::ImportId.eq(id))
        .all(&tx)
        .await?;
    out.facts_removed = mine.len();
    let keys: BTreeSet<(i64, i32, String)> = mine
        .iter()
        .map(|v| (v.enterprise_id, v.year, v.field.clone()))
        .collect();
    fact_value::Entity::delete_many()
        .filter(fact_value::Column::ImportId.eq(id))
        .exec(&tx)
        .await?;
    let ents: Vec<i64> = keys
        .iter()
        .map(|k| k.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let years: BTreeSet<i32> = keys.iter().map(|k| k.1).collect();
    let mut by_key: HashMap<(i64, i32, String), Vec<Version>> = HashMap::new();
    for chunk in ents.chunks(IN_CHUNK) {
        for v in fact_value::Entity::find()
            .filter(fact_value::Column::EnterpriseId.is_in(chunk.to_vec()))
            .filter(fact_value::Column::Year.is_in(years.iter().copied()))
            .all(&tx)
            .await?
        {
            let k = (v.enterprise_id, v.year, v.field.clone());
            if keys.contains(&k) {
                by_key.entry(k).or_default().push(Version::from(&v));
            }
        }
    }
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for ((_, _, field), vs) in &by_key {
        let Some(f) = FactField::parse(field) else {
            continue;
        };
        let winner = settle(vs, &prec, f);
        for v in vs {
            let should = Some(v.id) == winner;
            if should && !v.current {
                on.push(v.id);
            } else if !should && v.current {
                off.push(v.id);
            }
        }
    }
    for (ids, flag) in [(off, false), (on, true)] {
        for chunk in ids.chunks(IN_CHUNK) {
            fact_value::Entity::update_many()
                .col_expr(fact_value::Column::Current, Expr::value(flag))
                .filter(fact_value::Column::Id.is_in(chunk.to_vec()))
                .exec(&tx)
                .await?;
        }
    }

    let links = import_enterprise::Entity::find()
        .filter(import_enterprise::Column::ImportId.eq(id))
        .all(&tx)
        .await?;
    let mut gone = BTreeSet::new();
    for l in &links {
        let Some(now) = enterprise::Entity::find_by_id(l.enterprise_id)
            .one(&tx)
            .await?
        else {
            continue;
        };
        match &l.before {
            None => {
                let used = fact_value::Entity::find()
                    .filter(fact_value::Column::EnterpriseId.eq(now.id))
                    .count(&tx)
                    .await?
                    > 0;
                if used {
                    out.enterprises_kept.push(now.credit_code.clone());
                } else {
                    enterprise::Entity::delete_by_id(now.id).exec(&tx).await?;
                    gone.insert(now.id);
                    out.enterprises_removed += 1;
                }
            }
            Some(before) => {
                let (Ok(before), Ok(after)) = (
                    serde_json::from_str::<enterprise::Model>(before),
                    serde_json::from_str::<enterprise::Model>(&l.after),
                ) else {
                    continue;
                };
                if let Some(restored) = restore(&now, &before, &after) {
                    let mut am = enterprise::ActiveModel::from(restored).reset_all();
                    am.id = sea_orm::ActiveValue::Unchanged(now.id);
                    am.updated_at = Set(chrono::Utc::now());
                    am.update(&tx).await?;
                    out.enterprises_restored += 1;
                }
            }
        }
    }
    let remaining: Vec<i64> = ents.into_iter().filter(|e| !gone.contains(e)).collect();
    refresh_derived(&tx, &remaining).await?;
    let mut am: import::ActiveModel = imp.clone().into();
    am.status = Set("reverted".into());
    am.reverted_by = Set(Some(actor.username.clone()));
    am.reverted_at = Set(Some(chrono::Utc::now()));
    am.update(&tx).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("revert", "import")
            .id(id)
            .zone(imp.zone_id)
            .after(audit::json(&out)),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Each attribute the import set goes back to its earlier value, unless it has been
/// changed again since (then the later change stands).
pub(super) fn restore(
    now: &enterprise::Model,
    before: &enterprise::Model,
    after: &enterprise::Model,
) -> Option<enterprise::Model> {
    let mut r = now.clone();
    macro_rules! back {
        ($($f:ident),+) => {$(
            if now.$f == after.$f && after.$f != before.$f {
                r.$f = before.$f.clone();
            }
        )+};
    }
    back!(
        name,
        former_names,
        industry_code,
        park_id,
        address,
        division_code,
        ownership,
        founded_on,
        registered_capital,
        business_scope,
        main_products
    );
    (r != *now).then_some(r)
}
