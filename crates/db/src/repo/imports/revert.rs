//! Takes a whole import back: its fact versions, the enterprises it created and the
//! attributes it changed.

use crate::entities::{enterprise, fact_set, import, import_enterprise};
use crate::repo::audit;
use crate::repo::facts::packed::{self, CurrentFigures};
use crate::repo::facts::{precedence, put_current, refresh_derived};
use crate::{Actor, DbError, DbResult};
use devzone_core::facts::FactField;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    let mine = fact_set::Entity::find()
        .filter(fact_set::Column::ImportId.eq(id))
        .all(&tx)
        .await?;
    // The figures each enterprise-year had from this import.
    let mut touched: BTreeMap<(i64, i32), BTreeSet<FactField>> = BTreeMap::new();
    for s in &mine {
        let fields = packed::decode_set(&s.figures);
        out.facts_removed += fields.len();
        touched
            .entry((s.enterprise_id, s.year))
            .or_default()
            .extend(fields.into_keys());
    }
    fact_set::Entity::delete_many()
        .filter(fact_set::Column::ImportId.eq(id))
        .exec(&tx)
        .await?;
    let ents: Vec<i64> = touched
        .keys()
        .map(|k| k.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let years: Vec<i32> = touched
        .keys()
        .map(|k| k.1)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // The figures the import touched are decided again among the versions that remain;
    // the others keep their current version.
    let remaining = packed::sets_of(&tx, &ents, Some(&years)).await?;
    let mut current = packed::current_of(&tx, &ents, Some(&years)).await?;
    let mut by_key: HashMap<(i64, i32), Vec<&fact_set::Model>> = HashMap::new();
    for s in &remaining {
        by_key.entry((s.enterprise_id, s.year)).or_default().push(s);
    }
    let mut settled: Vec<((i64, i32), CurrentFigures)> = Vec::new();
    for (key, fields) in &touched {
        let sets = by_key.get(key).map(Vec::as_slice).unwrap_or(&[]);
        let now = packed::settle_current(sets, &prec);
        let mut cur = current.remove(key).unwrap_or_default();
        for f in fields {
            match now.get(f) {
                Some(v) => cur.insert(*f, v.clone()),
                None => cur.remove(f),
            };
        }
        settled.push((*key, cur));
    }
    let rows: Vec<(i64, i32, &CurrentFigures)> =
        settled.iter().map(|((e, y), c)| (*e, *y, c)).collect();
    put_current(&tx, &rows).await?;

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
                let used = fact_set::Entity::find()
                    .filter(fact_set::Column::EnterpriseId.eq(now.id))
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
