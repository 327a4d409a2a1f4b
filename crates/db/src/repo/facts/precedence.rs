//! Source precedence: each zone's per-field order of sources (tax bureau before
//! self-declared, …), and the decision which stored version of a figure is current.

use crate::entities::fact_precedence;
use crate::repo::audit;
use crate::{Actor, DbResult};
use devzone_core::facts::{FactField, Precedence};
use devzone_core::model::FactSource;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};

/// The parts of a stored version that deciding the current one needs.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub id: i64,
    pub value: Option<i64>,
    pub text: Option<String>,
    /// Shared by the versions of one set.
    pub source: std::sync::Arc<str>,
    pub current: bool,
}

/// What recording a value does to a figure with these stored versions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    /// The source's newest version already has this value.
    Unchanged,
    /// A new version; `current` when its source ranks at least as high as the current
    /// version's, which it then supersedes.
    New {
        current: bool,
        supersede: Option<i64>,
        existed: bool,
    },
}

pub(crate) fn decide(
    versions: &[Version],
    prec: &Precedence,
    field: FactField,
    source: &str,
    value: Option<i64>,
    text: Option<&str>,
) -> Decision {
    let own_latest = versions
        .iter()
        .filter(|v| &*v.source == source)
        .max_by_key(|v| v.id);
    if let Some(v) = own_latest
        && v.value == value
        && v.text.as_deref() == text
    {
        return Decision::Unchanged;
    }
    let current = versions.iter().find(|v| v.current);
    let wins = current.is_none_or(|c| prec.rank(field, source) <= prec.rank(field, &c.source));
    Decision::New {
        current: wins,
        supersede: current.filter(|_| wins).map(|c| c.id),
        existed: !versions.is_empty(),
    }
}

/// The version that should be current: the newest of the best-ranked source.
pub(crate) fn settle(versions: &[Version], prec: &Precedence, field: FactField) -> Option<i64> {
    versions
        .iter()
        .min_by_key(|v| (prec.rank(field, &v.source), std::cmp::Reverse(v.id)))
        .map(|v| v.id)
}

/// The zone's source precedence: its overrides over the defaults.
pub async fn precedence<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Precedence> {
    let mut p = Precedence::default();
    for row in fact_precedence::Entity::find()
        .filter(fact_precedence::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
    {
        if let (Some(f), Ok(order)) = (
            FactField::parse(&row.field),
            Precedence::parse_order(&row.sources),
        ) {
            p.overrides.insert(f, order);
        }
    }
    Ok(p)
}

/// Sets a zone's order for one field. Current versions are not re-decided here: the
/// order applies to values recorded from now on and to reverts.
pub async fn set_precedence(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    field: FactField,
    order: &[FactSource],
) -> DbResult<()> {
    let tx = db.begin().await?;
    let text = order.iter().map(|s| s.id()).collect::<Vec<_>>().join(",");
    fact_precedence::Entity::delete_many()
        .filter(fact_precedence::Column::ZoneId.eq(zone_id))
        .filter(fact_precedence::Column::Field.eq(field.id()))
        .exec(&tx)
        .await?;
    fact_precedence::Entity::insert(fact_precedence::ActiveModel {
        zone_id: Set(zone_id),
        field: Set(field.id().into()),
        sources: Set(text.clone()),
    })
    .exec(&tx)
    .await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "fact_precedence")
            .zone(zone_id)
            .after(Some(
                serde_json::json!({"field": field.id(), "sources": text}).to_string(),
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
