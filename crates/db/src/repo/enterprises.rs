//! The enterprise registry: enterprises, their qualifications, and list queries.

use super::audit::{self, json};
use super::{MAX_PER_PAGE, Page};
use crate::entities::{enterprise, park, qualification};
use crate::{Actor, DbError, DbResult, Scope, conflict_or};
use devzone_core::reference::{IndustryEdition, industries};
use devzone_core::validate::{EnterpriseDraft, FieldError, QualificationDraft};
use sea_orm::sea_query::ExprTrait;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Name,
    CreditCode,
    IndustryCode,
    FoundedOn,
    RegisteredCapital,
    Revenue,
}

impl SortKey {
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.into())).ok()
    }
    fn column(self) -> enterprise::Column {
        match self {
            Self::Name => enterprise::Column::Name,
            Self::CreditCode => enterprise::Column::CreditCode,
            Self::IndustryCode => enterprise::Column::IndustryCode,
            Self::FoundedOn => enterprise::Column::FoundedOn,
            Self::RegisteredCapital => enterprise::Column::RegisteredCapital,
            Self::Revenue => enterprise::Column::LatestRevenue,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub zone_id: Option<i64>,
    /// Name fragment (any length, Chinese or Latin), or the start of a credit code.
    pub q: Option<String>,
    pub park_id: Option<i64>,
    /// A section letter, a 2-digit division, or a 4-digit class of GB/T 4754.
    pub industry: Option<String>,
    pub qualification: Option<String>,
    pub above_scale: Option<bool>,
    pub sort: SortKey,
    pub descending: bool,
    pub page: u64,
    pub per_page: u64,
}

fn scoped(scope: &Scope) -> Condition {
    let mut c = Condition::all();
    if let Some(ids) = &scope.zones {
        c = c.add(enterprise::Column::ZoneId.is_in(ids.clone()));
    }
    if let Some(id) = scope.enterprise {
        c = c.add(enterprise::Column::Id.eq(id));
    }
    c
}

/// The condition of a list query: scope and filters.
fn filtered(scope: &Scope, lq: &ListQuery) -> Condition {
    let mut cond = scoped(scope);
    if let Some(z) = lq.zone_id {
        cond = cond.add(enterprise::Column::ZoneId.eq(z));
    }
    if let Some(q) = lq.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let mut any = Condition::any()
            .add(super::contains_text(enterprise::Column::Name, q))
            .add(super::contains_text(enterprise::Column::FormerNames, q));
        let code: String = q
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if code.len() >= 2 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            any = any.add(enterprise::Column::CreditCode.starts_with(code));
        }
        cond = cond.add(any);
    }
    if let Some(p) = lq.park_id {
        cond = cond.add(enterprise::Column::ParkId.eq(p));
    }
    if let Some(ind) = lq
        .industry
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        cond = cond.add(match ind.len() {
            1 => {
                let classes: Vec<String> = industries(IndustryEdition::Amended)
                    .entries
                    .iter()
                    .filter(|e| e.level == "小类" && e.section == ind)
                    .map(|e| e.code.clone())
                    .collect();
                enterprise::Column::IndustryCode.is_in(classes)
            }
            2 | 3 => enterprise::Column::IndustryCode.starts_with(ind),
            _ => enterprise::Column::IndustryCode.eq(ind),
        });
    }
    if let Some(kind) = lq.qualification.as_deref().filter(|s| !s.is_empty()) {
        let today = devzone_core::calendar::today();
        let sub = Query::select()
            .column(qualification::Column::EnterpriseId)
            .from(qualification::Entity)
            .and_where(qualification::Column::Kind.eq(kind))
            .and_where(qualification::Column::ValidFrom.lte(today))
            .cond_where(
                Condition::any()
                    .add(qualification::Column::ValidTo.is_null())
                    .add(qualification::Column::ValidTo.gte(today)),
            )
            .take();
        cond = cond.add(enterprise::Column::Id.in_subquery(sub));
    }
    if let Some(a) = lq.above_scale {
        cond = cond.add(enterprise::Column::AboveScale.eq(a));
    }
    cond
}

/// How many enterprises a list query matches (its paging ignored).
pub async fn total<C: ConnectionTrait>(db: &C, scope: &Scope, lq: &ListQuery) -> DbResult<u64> {
    Ok(enterprise::Entity::find()
        .filter(filtered(scope, lq))
        .count(db)
        .await?)
}

/// One page of a list query, with its total counted.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    lq: &ListQuery,
) -> DbResult<Page<enterprise::Model>> {
    let n = total(db, scope, lq).await?;
    page_of(db, scope, lq, n).await
}

/// One page of a list query whose total the caller knows (a kept count, see `crate::memo`).
pub async fn page_of<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    lq: &ListQuery,
    total: u64,
) -> DbResult<Page<enterprise::Model>> {
    let col = lq.sort.column();
    let mut q = enterprise::Entity::find().filter(filtered(scope, lq));
    // The id tie-break runs in the same direction as the sort key, so that an index on
    // (zone_id, …, key), which ends in the row id, delivers rows already in order.
    q = if lq.descending {
        q.order_by_desc(col).order_by_desc(enterprise::Column::Id)
    } else {
        q.order_by_asc(col).order_by_asc(enterprise::Column::Id)
    };
    let per_page = Ord::clamp(lq.per_page, 1, MAX_PER_PAGE);
    let page = super::page_number(lq.page);
    let items = q
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: i64,
) -> DbResult<Option<enterprise::Model>> {
    Ok(enterprise::Entity::find_by_id(id)
        .filter(scoped(scope))
        .one(db)
        .await?)
}

pub async fn by_code<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    code: &str,
) -> DbResult<Option<enterprise::Model>> {
    Ok(enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .filter(enterprise::Column::CreditCode.eq(code))
        .one(db)
        .await?)
}

/// The zone's enterprises whose credit code or exact name is `text` (at most two: more
/// than one means the name is ambiguous), for a form that names an enterprise.
pub async fn by_code_or_name<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    text: &str,
) -> DbResult<Vec<enterprise::Model>> {
    let text = text.trim();
    Ok(enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .filter(
            enterprise::Column::CreditCode
                .eq(text.to_uppercase())
                .or(enterprise::Column::Name.eq(text)),
        )
        .order_by_asc(enterprise::Column::Id)
        .limit(2)
        .all(db)
        .await?)
}

/// Checks that the park, when given, belongs to the enterprise's zone.
async fn check_park<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    park_id: Option<i64>,
) -> DbResult<()> {
    if let Some(p) = park_id
        && super::scoped::in_zone::<park::Entity, C>(db, zone_id, p)
            .await?
            .is_none()
    {
        return Err(DbError::Invalid(vec![FieldError::new(
            "park_id",
            "park.other_zone",
            p.to_string(),
        )]));
    }
    Ok(())
}

fn list_json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn apply(am: &mut enterprise::ActiveModel, d: &EnterpriseDraft) {
    am.credit_code = Set(d.credit_code.to_string());
    am.name = Set(d.name.clone());
    am.former_names = Set(list_json(&d.former_names));
    am.industry_code = Set(d.industry_code.clone());
    am.park_id = Set(d.park_id);
    am.address = Set(d.address.clone());
    am.division_code = Set(d.division_code.clone());
    am.ownership = Set(d.ownership.id().into());
    am.source_country = Set(d.source_country.clone());
    am.fortune500_parent = Set(d.fortune500_parent.clone());
    am.founded_on = Set(d.founded_on);
    am.registered_capital = Set(d.registered_capital.map(|c| c.0));
    am.tags = Set(list_json(&d.tags));
    am.business_scope = Set(d.business_scope.clone());
    am.main_products = Set(d.main_products.clone());
    am.updated_at = Set(chrono::Utc::now());
}

pub fn new_active(zone_id: i64, d: &EnterpriseDraft) -> enterprise::ActiveModel {
    let now = chrono::Utc::now();
    let mut am = enterprise::ActiveModel {
        zone_id: Set(zone_id),
        created_at: Set(now),
        above_scale: Set(None),
        latest_revenue: Set(None),
        latest_year: Set(None),
        ..Default::default()
    };
    apply(&mut am, d);
    am
}

pub async fn create(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    d: &EnterpriseDraft,
) -> DbResult<enterprise::Model> {
    let tx = db.begin().await?;
    check_park(&tx, zone_id, d.park_id).await?;
    if by_code(&tx, zone_id, d.credit_code.as_str())
        .await?
        .is_some()
    {
        return Err(DbError::Conflict {
            field: "credit_code".into(),
            value: d.credit_code.to_string(),
        });
    }
    let m = new_active(zone_id, d)
        .insert(&tx)
        .await
        .map_err(|e| conflict_or(e, "credit_code", d.credit_code.as_str()))?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    d: &EnterpriseDraft,
) -> DbResult<enterprise::Model> {
    let tx = db.begin().await?;
    let before = get(&tx, scope, id).await?.ok_or(DbError::NotFound)?;
    check_park(&tx, before.zone_id, d.park_id).await?;
    if let Some(other) = by_code(&tx, before.zone_id, d.credit_code.as_str()).await?
        && other.id != id
    {
        return Err(DbError::Conflict {
            field: "credit_code".into(),
            value: d.credit_code.to_string(),
        });
    }
    let mut am: enterprise::ActiveModel = before.clone().into();
    apply(&mut am, d);
    let after = am
        .update(&tx)
        .await
        .map_err(|e| conflict_or(e, "credit_code", d.credit_code.as_str()))?;
    audit::updated(&tx, actor, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn qualifications<C: ConnectionTrait>(
    db: &C,
    enterprise_id: i64,
) -> DbResult<Vec<qualification::Model>> {
    Ok(qualification::Entity::find()
        .filter(qualification::Column::EnterpriseId.eq(enterprise_id))
        .order_by_asc(qualification::Column::ValidFrom)
        .all(db)
        .await?)
}

pub fn new_qualification(enterprise_id: i64, q: &QualificationDraft) -> qualification::ActiveModel {
    qualification::ActiveModel {
        enterprise_id: Set(enterprise_id),
        kind: Set(q.kind.id().into()),
        valid_from: Set(q.valid_from),
        valid_to: Set(q.valid_to),
        certificate_no: Set(q.certificate_no.clone()),
        ..Default::default()
    }
}

pub async fn add_qualification(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    enterprise_id: i64,
    q: &QualificationDraft,
) -> DbResult<qualification::Model> {
    let tx = db.begin().await?;
    let e = get(&tx, scope, enterprise_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let m = new_qualification(enterprise_id, q).insert(&tx).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("create", "qualification")
            .id(m.id)
            .zone(e.zone_id)
            .after(json(&m)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn remove_qualification(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    enterprise_id: i64,
    id: i64,
) -> DbResult<()> {
    let tx = db.begin().await?;
    let e = get(&tx, scope, enterprise_id)
        .await?
        .ok_or(DbError::NotFound)?;
    let q = qualification::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .filter(|q| q.enterprise_id == enterprise_id)
        .ok_or(DbError::NotFound)?;
    qualification::Entity::delete_by_id(id).exec(&tx).await?;
    audit::record(
        &tx,
        actor,
        audit::Change::new("delete", "qualification")
            .id(id)
            .zone(e.zone_id)
            .before(json(&q)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Counts enterprises holding a currently valid qualification of each kind, in a zone.
pub async fn qualification_counts<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<Vec<(String, i64)>> {
    use sea_orm::{FromQueryResult, QuerySelect};
    #[derive(FromQueryResult)]
    struct Row {
        kind: String,
        n: i64,
    }
    let today = devzone_core::calendar::today();
    let in_zone = Query::select()
        .column(enterprise::Column::Id)
        .from(enterprise::Entity)
        .and_where(enterprise::Column::ZoneId.eq(zone_id))
        .take();
    let rows = qualification::Entity::find()
        .select_only()
        .column(qualification::Column::Kind)
        .column_as(
            Expr::col(qualification::Column::EnterpriseId).count_distinct(),
            "n",
        )
        .filter(qualification::Column::EnterpriseId.in_subquery(in_zone))
        .filter(qualification::Column::ValidFrom.lte(today))
        .filter(
            Condition::any()
                .add(qualification::Column::ValidTo.is_null())
                .add(qualification::Column::ValidTo.gte(today)),
        )
        .group_by(qualification::Column::Kind)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.kind, r.n)).collect())
}

/// (enterprise id, qualification kind) of every qualification valid on some day from
/// `from` to `to` (both included) held by the enterprises `of` selects: what an evaluation
/// of a year and a tier assessment of a day read.
pub async fn kinds_valid<C: ConnectionTrait>(
    db: &C,
    of: sea_orm::sea_query::SelectStatement,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> DbResult<Vec<(i64, String)>> {
    use sea_orm::QuerySelect;
    Ok(qualification::Entity::find()
        .select_only()
        .columns([
            qualification::Column::EnterpriseId,
            qualification::Column::Kind,
        ])
        .filter(qualification::Column::EnterpriseId.in_subquery(of))
        .filter(qualification::Column::ValidFrom.lte(to))
        .filter(
            Condition::any()
                .add(qualification::Column::ValidTo.is_null())
                .add(qualification::Column::ValidTo.gte(from)),
        )
        .into_tuple()
        .all(db)
        .await?)
}

/// Number of enterprises in the scope (used by the home page and health checks).
pub async fn count<C: ConnectionTrait>(db: &C, scope: &Scope, zone_id: i64) -> DbResult<u64> {
    Ok(enterprise::Entity::find()
        .filter(scoped(scope))
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .count(db)
        .await?)
}
