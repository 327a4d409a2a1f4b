//! Industry chains in a zone: which taxonomy version applies, the rule suggestions and their
//! review, manual mappings, and the figures the gap analysis reads.

use super::audit;
use super::facts::Year;
use crate::entities::{
    chain_mapping as mapping, chain_settings, chain_taxonomy, enterprise, qualification,
};
use crate::{Actor, DbError, DbResult};
use devzone_core::chain::gap::{Member, Thresholds};
use devzone_core::chain::shipped;
use devzone_core::chain::suggest::{Matcher, Subject};
use devzone_core::chain::taxonomy::Taxonomy;
use devzone_core::facts::FactField;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::{BTreeMap, HashMap};

pub const SUGGESTED: &str = "suggested";
pub const CONFIRMED: &str = "confirmed";
pub const REJECTED: &str = "rejected";

pub async fn thresholds<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Thresholds> {
    Ok(chain_settings::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.settings).ok())
        .unwrap_or_default())
}

pub async fn set_thresholds(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    th: &Thresholds,
) -> DbResult<()> {
    let text = serde_json::to_string(th).map_err(|e| DbError::Other(e.to_string()))?;
    let row = |zone_id, settings| chain_settings::ActiveModel {
        zone_id: Set(zone_id),
        settings: Set(settings),
    };
    let text_of = |m: chain_settings::Model| m.settings;
    audit::put_zone_text(db, actor, zone_id, "chain_settings", text, row, text_of).await
}

/// The taxonomies a zone works with: each shipped one, or the zone's newest own version of
/// it.
pub async fn taxonomies<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<Taxonomy>> {
    let own = chain_taxonomy::Entity::find()
        .filter(chain_taxonomy::Column::ZoneId.eq(zone_id))
        .order_by_desc(chain_taxonomy::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for t in shipped::all() {
        let mine = own
            .iter()
            .find(|o| o.taxonomy == t.id)
            .and_then(|o| Taxonomy::parse(&o.source).ok());
        out.push(mine.unwrap_or_else(|| t.clone()));
    }
    Ok(out)
}

pub async fn taxonomy<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    id: &str,
) -> DbResult<Option<Taxonomy>> {
    Ok(taxonomies(db, zone_id)
        .await?
        .into_iter()
        .find(|t| t.id == id))
}

/// Saves a zone's own version of a taxonomy (already parsed and checked).
pub async fn save_taxonomy(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    t: &Taxonomy,
    source: &str,
) -> DbResult<()> {
    let tx = db.begin().await?;
    let m = chain_taxonomy::ActiveModel {
        zone_id: Set(zone_id),
        taxonomy: Set(t.id.clone()),
        version: Set(t.version.clone()),
        source: Set(source.to_string()),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("create", "chain_taxonomy")
            .id(m.id)
            .zone(zone_id)
            .after(Some(format!("{} {}", t.id, t.version))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a run of the suggestion rules did.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct SuggestCounts {
    pub enterprises: usize,
    pub suggested: usize,
    /// Suggestions left out because an officer already confirmed or rejected that mapping.
    pub already_reviewed: usize,
}

/// Runs the rules over every enterprise of the zone against every taxonomy, in one
/// transaction: earlier suggestions still waiting for review are replaced; confirmed,
/// rejected and manual mappings stay as they are.
pub async fn suggest(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
) -> DbResult<SuggestCounts> {
    let taxonomies = taxonomies(db, zone_id).await?;
    let ents = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?;
    let tx = db.begin().await?;
    mapping::Entity::delete_many()
        .filter(mapping::Column::ZoneId.eq(zone_id))
        .filter(mapping::Column::State.eq(SUGGESTED))
        .exec(&tx)
        .await?;
    let reviewed: std::collections::HashSet<(i64, String, String)> = mapping::Entity::find()
        .filter(mapping::Column::ZoneId.eq(zone_id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|m| (m.enterprise_id, m.taxonomy, m.node_id))
        .collect();
    let mut counts = SuggestCounts {
        enterprises: ents.len(),
        ..Default::default()
    };
    let now = chrono::Utc::now();
    let mut batch = Vec::new();
    for t in &taxonomies {
        let m = Matcher::new(t);
        for e in &ents {
            let s = Subject {
                id: e.id,
                name: &e.name,
                industry_code: &e.industry_code,
                business_scope: e.business_scope.as_deref().unwrap_or(""),
                products: e.main_products.as_deref().unwrap_or(""),
            };
            for sug in m.suggest(&s) {
                if reviewed.contains(&(e.id, t.id.clone(), sug.node_id.clone())) {
                    counts.already_reviewed += 1;
                    continue;
                }
                counts.suggested += 1;
                batch.push(mapping::ActiveModel {
                    zone_id: Set(zone_id),
                    enterprise_id: Set(e.id),
                    taxonomy: Set(t.id.clone()),
                    node_id: Set(sug.node_id),
                    state: Set(SUGGESTED.into()),
                    origin: Set("rule".into()),
                    confidence: Set(Some(sug.confidence)),
                    evidence: Set(serde_json::to_string(&sug.evidence).unwrap_or_default()),
                    leading: Set(false),
                    updated_by: Set(actor.username.clone()),
                    updated_at: Set(now),
                    ..Default::default()
                });
                if batch.len() >= 1_000 {
                    mapping::Entity::insert_many(std::mem::take(&mut batch))
                        .exec_without_returning(&tx)
                        .await?;
                }
            }
        }
    }
    if !batch.is_empty() {
        mapping::Entity::insert_many(batch)
            .exec_without_returning(&tx)
            .await?;
    }
    audit::record(
        &tx,
        actor,
        audit::Change::new("suggest", "chain_mappings")
            .zone(zone_id)
            .after(audit::json(&counts)),
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}

/// Mappings of a zone filtered by taxonomy, node and state.
/// A zone's placements, filtered by taxonomy, node and state; most confident first.
fn mappings_query(
    zone_id: i64,
    taxonomy: Option<&str>,
    node: Option<&str>,
    state: Option<&str>,
) -> sea_orm::Select<mapping::Entity> {
    let mut q = mapping::Entity::find().filter(mapping::Column::ZoneId.eq(zone_id));
    if let Some(t) = taxonomy {
        q = q.filter(mapping::Column::Taxonomy.eq(t));
    }
    if let Some(n) = node {
        q = q.filter(mapping::Column::NodeId.eq(n));
    }
    if let Some(s) = state {
        q = q.filter(mapping::Column::State.eq(s));
    }
    q.order_by_desc(mapping::Column::Confidence)
        .order_by_asc(mapping::Column::Id)
}

/// Every placement [`mappings_query`] selects.
pub async fn mappings<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: Option<&str>,
    node: Option<&str>,
    state: Option<&str>,
) -> DbResult<Vec<mapping::Model>> {
    Ok(mappings_query(zone_id, taxonomy, node, state)
        .all(db)
        .await?)
}

/// One page of them: the API's list.
#[allow(clippy::too_many_arguments)]
pub async fn mappings_page<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: Option<&str>,
    node: Option<&str>,
    state: Option<&str>,
    page: u64,
    per_page: u64,
) -> DbResult<super::Page<mapping::Model>> {
    super::paged(
        db,
        mappings_query(zone_id, taxonomy, node, state),
        page,
        per_page,
    )
    .await
}

/// One page of the review queue: suggestions, most confident first.
pub async fn review_queue<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: Option<&str>,
    page: u64,
    per_page: u64,
) -> DbResult<super::Page<mapping::Model>> {
    let mut q = mapping::Entity::find()
        .filter(mapping::Column::ZoneId.eq(zone_id))
        .filter(mapping::Column::State.eq(SUGGESTED));
    if let Some(t) = taxonomy {
        q = q.filter(mapping::Column::Taxonomy.eq(t));
    }
    let q = q
        .order_by_desc(mapping::Column::Confidence)
        .order_by_asc(mapping::Column::Id);
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

/// Confirms or rejects mappings of the zone (the others named are ignored); returns how many
/// changed.
pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    ids: &[i64],
    state: &str,
) -> DbResult<usize> {
    if state != CONFIRMED && state != REJECTED {
        return Err(DbError::Invalid(vec![
            devzone_core::validate::FieldError::new("state", "choice.unknown", state),
        ]));
    }
    let tx = db.begin().await?;
    let mut n = 0;
    for chunk in ids.chunks(500) {
        for m in mapping::Entity::find()
            .filter(mapping::Column::ZoneId.eq(zone_id))
            .filter(mapping::Column::Id.is_in(chunk.to_vec()))
            .all(&tx)
            .await?
        {
            if m.state == state {
                continue;
            }
            let mut a: mapping::ActiveModel = m.into();
            a.state = Set(state.into());
            a.updated_by = Set(actor.username.clone());
            a.updated_at = Set(chrono::Utc::now());
            a.update(&tx).await?;
            n += 1;
        }
    }
    audit::record(
        &tx,
        actor,
        audit::Change::new("review", "chain_mappings")
            .zone(zone_id)
            .after(Some(
                serde_json::json!({"state": state, "ids": ids, "changed": n}).to_string(),
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Places an enterprise on a node by hand (confirmed at once).
pub async fn add_manual(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    enterprise_id: i64,
    taxonomy: &str,
    node_id: &str,
) -> DbResult<mapping::Model> {
    let tx = db.begin().await?;
    super::scoped::require::<enterprise::Entity, _>(&tx, zone_id, enterprise_id).await?;
    let existing = mapping::Entity::find()
        .filter(mapping::Column::EnterpriseId.eq(enterprise_id))
        .filter(mapping::Column::Taxonomy.eq(taxonomy))
        .filter(mapping::Column::NodeId.eq(node_id))
        .one(&tx)
        .await?;
    let m = match existing {
        Some(e) => {
            let mut a: mapping::ActiveModel = e.into();
            a.state = Set(CONFIRMED.into());
            a.updated_by = Set(actor.username.clone());
            a.updated_at = Set(chrono::Utc::now());
            a.update(&tx).await?
        }
        None => {
            mapping::ActiveModel {
                zone_id: Set(zone_id),
                enterprise_id: Set(enterprise_id),
                taxonomy: Set(taxonomy.into()),
                node_id: Set(node_id.into()),
                state: Set(CONFIRMED.into()),
                origin: Set("manual".into()),
                confidence: Set(None),
                evidence: Set("[]".into()),
                leading: Set(false),
                updated_by: Set(actor.username.clone()),
                updated_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&tx)
            .await?
        }
    };
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// A taxonomy's confirmed members per node, and its suggestions per node.
pub type Members = (BTreeMap<String, Vec<Member>>, BTreeMap<String, usize>);

/// The confirmed members of each node of a taxonomy with their latest revenue, tax and
/// employees and their qualifications; and the number of suggestions per node.
pub async fn members<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: &str,
) -> DbResult<Members> {
    let all = mappings(db, zone_id, Some(taxonomy), None, None).await?;
    let mut suggested: BTreeMap<String, usize> = BTreeMap::new();
    let confirmed: Vec<&mapping::Model> = all
        .iter()
        .filter(|m| {
            if m.state == SUGGESTED {
                *suggested.entry(m.node_id.clone()).or_default() += 1;
            }
            m.state == CONFIRMED
        })
        .collect();
    let ids: Vec<i64> = confirmed
        .iter()
        .map(|m| m.enterprise_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut ents: HashMap<i64, enterprise::Model> = HashMap::new();
    let mut quals: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for e in enterprise::Entity::find()
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            ents.insert(e.id, e);
        }
        for q in qualification::Entity::find()
            .filter(qualification::Column::EnterpriseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            quals.entry(q.enterprise_id).or_default().push(q.kind);
        }
    }
    let figures = super::facts::current_figures(
        db,
        &ids,
        &[FactField::Revenue, FactField::Tax, FactField::Employees],
        Year::Latest,
    )
    .await?;
    let fig = |id: i64, f: FactField| figures.get(&(id, f)).and_then(|x| x.value);
    let mut out: BTreeMap<String, Vec<Member>> = BTreeMap::new();
    for m in confirmed {
        let Some(e) = ents.get(&m.enterprise_id) else {
            continue;
        };
        let mut q = quals.get(&e.id).cloned().unwrap_or_default();
        q.sort();
        q.dedup();
        out.entry(m.node_id.clone()).or_default().push(Member {
            enterprise_id: e.id,
            name: e.name.clone(),
            revenue: fig(e.id, FactField::Revenue),
            tax: fig(e.id, FactField::Tax),
            employees: fig(e.id, FactField::Employees),
            qualifications: q,
            flagged: m.leading,
        });
    }
    Ok((out, suggested))
}

/// The TOML a zone's taxonomy currently comes from: its newest own version, else the
/// shipped text.
pub async fn source<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    id: &str,
) -> DbResult<Option<String>> {
    let own = chain_taxonomy::Entity::find()
        .filter(chain_taxonomy::Column::ZoneId.eq(zone_id))
        .filter(chain_taxonomy::Column::Taxonomy.eq(id))
        .order_by_desc(chain_taxonomy::Column::Id)
        .one(db)
        .await?;
    Ok(own.map(|o| o.source).or_else(|| shipped::source(id)))
}

/// One enterprise's mappings (confirmed and waiting), for its page.
pub async fn of_enterprise<C: ConnectionTrait>(
    db: &C,
    enterprise_id: i64,
) -> DbResult<Vec<mapping::Model>> {
    Ok(mapping::Entity::find()
        .filter(mapping::Column::EnterpriseId.eq(enterprise_id))
        .filter(mapping::Column::State.ne(REJECTED))
        .order_by_asc(mapping::Column::Taxonomy)
        .order_by_asc(mapping::Column::NodeId)
        .all(db)
        .await?)
}

/// Flags or unflags a confirmed mapping as a leading enterprise of its node.
pub async fn set_leading(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    id: i64,
    leading: bool,
) -> DbResult<mapping::Model> {
    let tx = db.begin().await?;
    let m = mapping::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .filter(|m| m.zone_id == zone_id && m.state == CONFIRMED)
        .ok_or(DbError::NotFound)?;
    let before = audit::json(&m);
    let mut a: mapping::ActiveModel = m.into();
    a.leading = Set(leading);
    a.updated_by = Set(actor.username.clone());
    a.updated_at = Set(chrono::Utc::now());
    let m = a.update(&tx).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "chain_mapping")
            .id(m.id)
            .zone(zone_id)
            .before(before)
            .after(audit::json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}
