//! Reading a run's results: filtered and sorted pages, one enterprise's result and cohort,
//! rankings, comparisons between runs, verification and totals.

use super::Page;
use super::*;
use crate::entities::{evaluation_result as result, evaluation_run as run};
use crate::{DbError, DbResult};
use devzone_core::evaluation::Scheme;
use devzone_core::evaluation::engine::{Cohort, CohortSnapshot};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// What a finished run records about itself as a whole.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Summary {
    pub enterprises: usize,
    /// (group, class) → count; class "not_rated" for unrated rows.
    pub counts: Vec<(String, String, usize)>,
    pub out_of_scope: BTreeMap<String, usize>,
    pub invalid: usize,
    pub cohorts: Vec<CohortSnapshot>,
    pub flag_names: Vec<String>,
    /// Time spent evaluating, reading the inputs and storing the results.
    pub millis: u128,
    #[serde(default)]
    pub load_millis: u128,
    #[serde(default)]
    pub store_millis: u128,
}

impl Summary {
    pub fn parse(run: &run::Model) -> Summary {
        run.summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }
}

/// id, enterprise_id, field, value, text_value of a fact version.
/// park, industry code, group, class, land, tax, value added of a result.
pub(super) type RankingTuple = (
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultSort {
    #[default]
    Rank,
    Total,
    Name,
    TaxPerMu,
}

impl ResultSort {
    pub const ALL: [ResultSort; 4] = [Self::Rank, Self::Total, Self::Name, Self::TaxPerMu];
    pub fn id(self) -> &'static str {
        match self {
            Self::Rank => "rank",
            Self::Total => "total",
            Self::Name => "name",
            Self::TaxPerMu => "tax_per_mu",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == s)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ResultQuery {
    pub run_id: i64,
    pub group: Option<String>,
    pub class: Option<String>,
    pub park_id: Option<i64>,
    /// A GB/T 4754 division (2 digits) or class prefix.
    pub industry: Option<String>,
    pub q: Option<String>,
    /// Only this enterprise (enterprise users).
    pub enterprise_id: Option<i64>,
    pub sort: ResultSort,
    pub descending: bool,
    pub page: u64,
    pub per_page: u64,
}

pub(super) fn filtered(f: &ResultQuery) -> sea_orm::Select<result::Entity> {
    let mut q = result::Entity::find().filter(result::Column::RunId.eq(f.run_id));
    if let Some(g) = &f.group {
        q = q.filter(result::Column::Grp.eq(g.clone()));
    }
    if let Some(c) = &f.class {
        q = q.filter(result::Column::Class.eq(c.clone()));
    }
    if let Some(p) = f.park_id {
        q = q.filter(result::Column::ParkId.eq(p));
    }
    if let Some(i) = &f.industry {
        q = q.filter(result::Column::IndustryCode.starts_with(i.clone()));
    }
    if let Some(e) = f.enterprise_id {
        q = q.filter(result::Column::EnterpriseId.eq(e));
    }
    if let Some(text) = f.q.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let code = text.to_ascii_uppercase();
        q = q.filter(
            sea_orm::Condition::any()
                .add(crate::repo::contains_text(result::Column::Name, text))
                .add(result::Column::CreditCode.starts_with(code)),
        );
    }
    q
}

/// The filtered results' ids in the query's order (the page and per-page ignored).
fn sorted_ids(f: &ResultQuery) -> sea_orm::Select<result::Entity> {
    let q = filtered(f);
    let order = if f.descending {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let q = match f.sort {
        // Unranked rows (out of scope, invalid) last in either direction.
        ResultSort::Rank => q
            .order_by(
                Expr::col(result::Column::Rank).is_null(),
                sea_orm::Order::Asc,
            )
            .order_by(result::Column::Grp, sea_orm::Order::Asc)
            .order_by(result::Column::Rank, order.clone()),
        ResultSort::Total => q
            .order_by(
                Expr::col(result::Column::Total).is_null(),
                sea_orm::Order::Asc,
            )
            .order_by(result::Column::Total, order.clone()),
        ResultSort::Name => q.order_by(result::Column::Name, order.clone()),
        ResultSort::TaxPerMu => q
            .order_by(
                Expr::col(result::Column::LandMu).is_null(),
                sea_orm::Order::Asc,
            )
            .order_by(
                Expr::col(result::Column::Tax).div(Expr::col(result::Column::LandMu)),
                order.clone(),
            ),
    };
    q.order_by(result::Column::Id, order)
        .select_only()
        .column(result::Column::Id)
}

/// One page of a run's results. Sorting happens over ids alone, then the page's rows are
/// read: sorting a run of 100,000 by an expression (unranked last) carried every row's
/// inputs and trace through the sort.
pub async fn results<C: ConnectionTrait>(db: &C, f: &ResultQuery) -> DbResult<Page<result::Model>> {
    let total = filtered(f).count(db).await?;
    let (page, per_page) = page_of(f);
    let ids: Vec<i64> = sorted_ids(f)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Page {
        items: results_by_ids(db, &ids).await?,
        total,
        page,
        per_page,
    })
}

/// Every id of the filtered results in the query's order: what a finished run's page may
/// keep and slice (a run never changes once finished).
pub async fn result_order<C: ConnectionTrait>(db: &C, f: &ResultQuery) -> DbResult<Vec<i64>> {
    Ok(sorted_ids(f).into_tuple().all(db).await?)
}

/// The page and per-page a query asks for, bounded.
pub fn page_of(f: &ResultQuery) -> (u64, u64) {
    (
        crate::repo::page_number(f.page),
        Ord::clamp(f.per_page, 1, crate::repo::MAX_PER_PAGE * 500),
    )
}

/// Results by id, in the order of `ids`.
pub async fn results_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DbResult<Vec<result::Model>> {
    let mut by_id: HashMap<i64, result::Model> = result::Entity::find()
        .filter(result::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

pub async fn result_for<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
    enterprise_id: i64,
) -> DbResult<Option<result::Model>> {
    Ok(result::Entity::find()
        .filter(result::Column::RunId.eq(run_id))
        .filter(result::Column::EnterpriseId.eq(enterprise_id))
        .one(db)
        .await?)
}

/// The cohort of a stored result, rebuilt with the totals of its rated rows.
pub async fn cohort_of<C: ConnectionTrait>(
    db: &C,
    scheme: &Scheme,
    run: &run::Model,
    grp: &str,
) -> DbResult<Option<Cohort>> {
    let summary = Summary::parse(run);
    let Some(snap) = summary
        .cohorts
        .iter()
        .find(|c| c.group == grp && c.year == run.year)
    else {
        return Ok(None);
    };
    let totals: Vec<Option<f64>> = result::Entity::find()
        .select_only()
        .column(result::Column::Total)
        .filter(result::Column::RunId.eq(run.id))
        .filter(result::Column::Grp.eq(grp))
        .filter(result::Column::Rank.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(Cohort::from_snapshot(
        scheme,
        snap,
        totals.into_iter().flatten().collect(),
    ))
}

/// Aggregates per park or per industry division: tax and value added per mu.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranking {
    pub key: String,
    pub enterprises: i64,
    pub land_mu: f64,
    pub tax: f64,
    pub value_added: f64,
    pub tax_per_mu: Option<f64>,
    pub va_per_mu: Option<f64>,
    /// Enterprises in the lowest class of their group.
    pub lowest_class: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    Park,
    Division,
}

/// Aggregate tax and value added per mu over the run's evaluated enterprises, best first.
pub async fn rankings<C: ConnectionTrait>(
    db: &C,
    scheme: &Scheme,
    run_id: i64,
    by: RankBy,
) -> DbResult<Vec<Ranking>> {
    let rows: Vec<RankingTuple> = result::Entity::find()
        .select_only()
        .columns([
            result::Column::ParkId,
            result::Column::IndustryCode,
            result::Column::Grp,
            result::Column::Class,
            result::Column::LandMu,
            result::Column::Tax,
            result::Column::ValueAdded,
        ])
        .filter(result::Column::RunId.eq(run_id))
        .filter(result::Column::Total.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut acc: BTreeMap<String, Ranking> = BTreeMap::new();
    for (park, industry, grp, class, land, tax, va) in rows {
        let key = match by {
            RankBy::Park => park.map(|p| p.to_string()).unwrap_or_default(),
            RankBy::Division => industry.get(..2).unwrap_or("").to_string(),
        };
        let r = acc.entry(key.clone()).or_insert_with(|| Ranking {
            key,
            enterprises: 0,
            land_mu: 0.0,
            tax: 0.0,
            value_added: 0.0,
            tax_per_mu: None,
            va_per_mu: None,
            lowest_class: 0,
        });
        r.enterprises += 1;
        let lowest = scheme
            .group(&grp)
            .and_then(|(_, g)| g.classes.names.last().cloned());
        if class.is_some() && class == lowest {
            r.lowest_class += 1;
        }
        if let Some(l) = land.filter(|l| *l > 0.0) {
            r.land_mu += l;
            r.tax += tax.unwrap_or(0.0);
            r.value_added += va.unwrap_or(0.0);
        }
    }
    let mut out: Vec<Ranking> = acc
        .into_values()
        .map(|mut r| {
            if r.land_mu > 0.0 {
                r.tax_per_mu = Some(r.tax / r.land_mu);
                r.va_per_mu = Some(r.value_added / r.land_mu);
            }
            r
        })
        .collect();
    out.sort_by(|a, b| {
        b.tax_per_mu
            .unwrap_or(-1.0)
            .total_cmp(&a.tax_per_mu.unwrap_or(-1.0))
    });
    Ok(out)
}

/// An enterprise whose class differs between two runs, and the indicators that moved it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Move {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub grp: String,
    pub class_before: Option<String>,
    pub class_after: Option<String>,
    pub total_before: Option<f64>,
    pub total_after: Option<f64>,
    /// (indicator id, score change), largest change first.
    pub drivers: Vec<(String, f64)>,
}

/// Enterprises whose class changed from run `a` to run `b` (same zone; any years).
pub async fn compare<C: ConnectionTrait>(db: &C, a: i64, b: i64) -> DbResult<Vec<Move>> {
    let load = |id: i64| {
        result::Entity::find()
            .filter(result::Column::RunId.eq(id))
            .order_by_asc(result::Column::EnterpriseId)
            .all(db)
    };
    let before: HashMap<i64, result::Model> = load(a)
        .await?
        .into_iter()
        .map(|r| (r.enterprise_id, r))
        .collect();
    let mut out = Vec::new();
    for r in load(b).await? {
        let old = before.get(&r.enterprise_id);
        let class_before = old.and_then(|o| o.class.clone());
        if class_before == r.class {
            continue;
        }
        let scores = |t: &str| -> HashMap<String, f64> {
            serde_json::from_str::<Vec<StoredIndicator>>(t)
                .unwrap_or_default()
                .into_iter()
                .map(|i| (i.id, i.score))
                .collect()
        };
        let after_scores = scores(&r.trace);
        let before_scores = old.map(|o| scores(&o.trace)).unwrap_or_default();
        let mut drivers: Vec<(String, f64)> = after_scores
            .iter()
            .map(|(id, s)| {
                (
                    id.clone(),
                    s - before_scores.get(id).copied().unwrap_or(0.0),
                )
            })
            .filter(|(_, d)| d.abs() > 1e-9)
            .collect();
        drivers.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()));
        out.push(Move {
            enterprise_id: r.enterprise_id,
            name: r.name,
            credit_code: r.credit_code,
            grp: r.grp,
            class_before,
            class_after: r.class,
            total_before: old.and_then(|o| o.total),
            total_after: r.total,
            drivers,
        });
    }
    Ok(out)
}

/// The outcome of recomputing a stored run from its stored scheme text and inputs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub results: usize,
    /// Enterprises whose recomputed group, total, rank or class differ from the stored.
    pub differences: Vec<i64>,
    pub digest_matches: bool,
}

/// A run's stored results in enterprise order, with the inputs each was evaluated on.
async fn stored_inputs<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
) -> DbResult<(Vec<result::Model>, Vec<(Subject, Inputs)>)> {
    let stored = result::Entity::find()
        .filter(result::Column::RunId.eq(run_id))
        .order_by_asc(result::Column::EnterpriseId)
        .all(db)
        .await?;
    let inputs = stored
        .iter()
        .map(|s| {
            let e = Subject {
                id: s.enterprise_id,
                credit_code: s.credit_code.clone(),
                name: s.name.clone(),
                park_id: s.park_id,
                industry_code: s.industry_code.clone(),
                founded_on: None,
            };
            (e, serde_json::from_str(&s.inputs).unwrap_or_default())
        })
        .collect();
    Ok((stored, inputs))
}

/// What a changed scheme would do to the enterprises of a run: the classes by group before
/// and after, and how many enterprises would move up or down (within their group).
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub enterprises: usize,
    pub before: Vec<(String, String, usize)>,
    pub after: Vec<(String, String, usize)>,
    pub up: usize,
    pub down: usize,
    /// Moved into or out of a group, or between rated and not rated.
    pub other: usize,
}

/// `scheme` applied to the inputs `run_id` was evaluated on; nothing is stored.
pub async fn preview<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
    scheme: &Scheme,
) -> DbResult<Preview> {
    let r = get(db, run_id).await?.ok_or(DbError::NotFound)?;
    let (stored, inputs) = stored_inputs(db, run_id).await?;
    let c = compute(scheme, r.year, &inputs, run_id);
    let mut p = Preview {
        enterprises: stored.len(),
        before: Summary::parse(&r).counts,
        after: c.summary.counts.clone(),
        ..Preview::default()
    };
    for (k, s) in stored.iter().enumerate() {
        let m = c.model(k);
        let (grp, class) = (m.grp.as_ref(), m.class.as_ref());
        if grp == &s.grp && class == &s.class {
            continue;
        }
        let position = |c: &Option<String>| {
            let (_, g) = scheme.group(grp)?;
            g.classes.names.iter().position(|n| Some(n) == c.as_ref())
        };
        match (grp == &s.grp, position(&s.class), position(class)) {
            (true, Some(a), Some(b)) if b < a => p.up += 1,
            (true, Some(a), Some(b)) if b > a => p.down += 1,
            _ => p.other += 1,
        }
    }
    Ok(p)
}

pub async fn verify<C: ConnectionTrait>(db: &C, run_id: i64) -> DbResult<Verification> {
    let r = get(db, run_id).await?.ok_or(DbError::NotFound)?;
    let scheme = Scheme::parse(&r.scheme_source).map_err(|e| DbError::Other(e.to_string()))?;
    let (stored, inputs) = stored_inputs(db, run_id).await?;
    let c = compute(&scheme, r.year, &inputs, run_id);
    let mut differences = Vec::new();
    let mut digest = Sha256::new();
    for (k, s) in stored.iter().enumerate() {
        let m = c.model(k);
        hash_row(&mut digest, &m);
        let same = m.grp.as_ref() == &s.grp
            && m.total.as_ref() == &s.total
            && m.rank.as_ref() == &s.rank
            && m.class.as_ref() == &s.class
            && m.trace.as_ref() == &s.trace;
        if !same {
            differences.push(s.enterprise_id);
        }
    }
    Ok(Verification {
        results: stored.len(),
        differences,
        digest_matches: r.inputs_digest.as_deref()
            == Some(format!("{:x}", digest.finalize()).as_str()),
    })
}

/// (group, total) of the rated rows of a run (for the score histograms).
pub async fn totals<C: ConnectionTrait>(db: &C, run_id: i64) -> DbResult<Vec<(String, f64)>> {
    let v: Vec<(String, Option<f64>)> = result::Entity::find()
        .select_only()
        .columns([result::Column::Grp, result::Column::Total])
        .filter(result::Column::RunId.eq(run_id))
        .filter(result::Column::Rank.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(v.into_iter()
        .filter_map(|(g, t)| t.map(|t| (g, t)))
        .collect())
}
