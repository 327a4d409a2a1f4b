//! Per-mu evaluation in database mode: zone schemes, runs over the stored annual facts,
//! their results, publication, comparison and the check that a stored run reproduces.
//!
//! A run reads each enterprise's *current* fact versions for the year and stores, per
//! enterprise, the values it used with the ids of those versions, next to the scheme text.
//! Later corrections of facts therefore never change a finished run; `verify` recomputes a
//! run from what it stored and reports any difference.

use super::audit::{self};
use super::facts::Year;
use super::{Page, like_contains};
use crate::entities::{
    enterprise, evaluation_result as result, evaluation_run as run,
    evaluation_scheme as scheme_row, qualification,
};
use crate::{Actor, DbError, DbResult};
use devzone_core::FactField;
use devzone_core::model::QualificationKind;
use devzone_core::permu::engine::{
    Cohort, CohortSnapshot, IndicatorTrace, MISSING, NO_CLASS, NOT_RATED, Placement,
};
use devzone_core::permu::{Dataset, Measure, Options, Row, Scheme, evaluate};
use devzone_core::reference::{IndustryEdition, industries};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// A scheme a zone can run: a built-in one, or one of the zone's own versions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SchemeInfo {
    /// `builtin:NAME` or `zone:ID`.
    pub key: String,
    pub name: String,
    pub version: u32,
    pub effective_year: i32,
    pub title_zh: String,
    pub title_en: String,
    pub built_in: bool,
}

fn info(key: String, s: &Scheme, built_in: bool) -> SchemeInfo {
    SchemeInfo {
        key,
        name: s.name.clone(),
        version: s.version,
        effective_year: s.effective_year,
        title_zh: s.title.zh.clone(),
        title_en: s.title.en.clone(),
        built_in,
    }
}

/// Built-in schemes first, then the zone's own, newest version first.
pub async fn schemes<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<SchemeInfo>> {
    let mut out: Vec<SchemeInfo> = devzone_core::permu::scheme::BUILT_IN
        .iter()
        .filter_map(|(name, _)| {
            Scheme::built_in(name).map(|s| info(format!("builtin:{name}"), &s, true))
        })
        .collect();
    let rows = scheme_row::Entity::find()
        .filter(scheme_row::Column::ZoneId.eq(zone_id))
        .order_by_asc(scheme_row::Column::Name)
        .order_by_desc(scheme_row::Column::Version)
        .all(db)
        .await?;
    for r in rows {
        if let Ok(s) = Scheme::parse(&r.source) {
            out.push(info(format!("zone:{}", r.id), &s, false));
        }
    }
    Ok(out)
}

/// The scheme and its source text for a key from `schemes`.
pub async fn scheme_by_key<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    key: &str,
) -> DbResult<(Scheme, String)> {
    if let Some(name) = key.strip_prefix("builtin:") {
        let src = devzone_core::permu::Scheme::built_in_source(name);
        let s = Scheme::parse(src).map_err(|_| DbError::NotFound)?;
        return Ok((s, src.to_string()));
    }
    let id: i64 = key
        .strip_prefix("zone:")
        .and_then(|i| i.parse().ok())
        .ok_or(DbError::NotFound)?;
    let r = scheme_row::Entity::find_by_id(id)
        .filter(scheme_row::Column::ZoneId.eq(zone_id))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let s = Scheme::parse(&r.source).map_err(|e| DbError::Other(e.to_string()))?;
    Ok((s, r.source))
}

/// Adds a scheme version to a zone. The text is validated first; a (name, version) the zone
/// already has is a conflict, since stored versions never change.
pub async fn add_scheme(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    source: &str,
) -> DbResult<Result<scheme_row::Model, devzone_core::permu::scheme::SchemeError>> {
    let s = match Scheme::parse(source) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let taken = scheme_row::Entity::find()
        .filter(scheme_row::Column::ZoneId.eq(zone_id))
        .filter(scheme_row::Column::Name.eq(s.name.clone()))
        .filter(scheme_row::Column::Version.eq(s.version as i32))
        .count(db)
        .await?;
    if taken > 0 || Scheme::built_in(&s.name).is_some_and(|b| b.version == s.version) {
        return Err(DbError::Conflict {
            field: "scheme".into(),
            value: format!("{} v{}", s.name, s.version),
        });
    }
    let row = scheme_row::ActiveModel {
        zone_id: Set(zone_id),
        name: Set(s.name.clone()),
        version: Set(s.version as i32),
        effective_year: Set(s.effective_year),
        source: Set(source.to_string()),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    let saved = scheme_row::Entity::insert(row)
        .exec_with_returning(db)
        .await?;
    audit::record(
        db,
        actor,
        audit::Change::new("create", "evaluation_scheme")
            .id(saved.id)
            .zone(zone_id)
            .after(Some(format!("{} v{}", s.name, s.version))),
    )
    .await?;
    Ok(Ok(saved))
}

/// Creates a run in state `running`; `execute` does the work.
pub async fn start(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    year: i32,
    scheme_key: &str,
) -> DbResult<run::Model> {
    let (s, source) = scheme_by_key(db, zone_id, scheme_key).await?;
    let row = run::ActiveModel {
        zone_id: Set(zone_id),
        year: Set(year),
        scheme_name: Set(s.name.clone()),
        scheme_version: Set(s.version as i32),
        scheme_source: Set(source),
        status: Set("running".into()),
        progress: Set(0),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    let saved = run::Entity::insert(row).exec_with_returning(db).await?;
    audit::record(
        db,
        actor,
        audit::Change::new("create", "evaluation_run")
            .id(saved.id)
            .zone(zone_id)
            .after(Some(format!("{} v{} {}", s.name, s.version, year))),
    )
    .await?;
    Ok(saved)
}

/// One input value and the fact version it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Used<T> {
    pub v: T,
    /// fact_values.id
    pub fact: i64,
}

/// The inputs of one enterprise, as stored with its result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Inputs {
    pub industry_code: String,
    /// Measure id → value in evaluation units.
    pub values: BTreeMap<String, Used<f64>>,
    pub above_scale: Option<Used<bool>>,
    pub veto: Option<Used<String>>,
    /// Qualification kinds held during the year.
    pub flags: Vec<String>,
    pub established: Option<i32>,
}

/// The flags a database-mode row can carry: qualification kinds.
pub fn flag_names() -> Vec<String> {
    QualificationKind::ALL
        .iter()
        .map(|k| k.id().to_string())
        .collect()
}

impl Inputs {
    /// The engine row; None when the industry code is not a GB/T 4754-2017 class.
    pub fn row(&self, year: i32, flag_names: &[String]) -> Option<Row> {
        let e = industries(IndustryEdition::Amended)
            .get(&self.industry_code)
            .filter(|e| e.level == "小类")?;
        let mut values = [MISSING; 10];
        for m in Measure::ALL {
            if let Some(u) = self.values.get(m.id()) {
                values[m.index()] = u.v;
            }
        }
        let flags = self
            .flags
            .iter()
            .filter_map(|f| flag_names.iter().position(|n| n == f))
            .fold(0u64, |acc, i| acc | 1 << i);
        Some(Row {
            year,
            section: e.section.as_bytes()[0],
            division: e.division.parse().unwrap_or(0),
            values,
            above_scale: self.above_scale.as_ref().map(|u| u.v),
            vetoed: self.veto.is_some(),
            flags,
            established: self.established,
        })
    }
}

/// The per-indicator trace as stored (JSON-friendly).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredIndicator {
    pub id: String,
    pub value: Option<f64>,
    pub benchmark: Option<f64>,
    pub ratio: Option<f64>,
    pub score: f64,
    pub imputed: bool,
}

pub fn store_trace(s: &Scheme, group: usize, t: &[IndicatorTrace]) -> Vec<StoredIndicator> {
    t.iter()
        .map(|x| StoredIndicator {
            id: s.groups[group].indicators[x.index].id.clone(),
            value: x.value,
            benchmark: x.benchmark,
            ratio: x.ratio,
            score: x.score,
            imputed: x.imputed,
        })
        .collect()
}

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
type RankingTuple = (
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// A slim enterprise row: what a run reads and stores of each enterprise.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Subject {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
    pub industry_code: String,
    pub founded_on: Option<chrono::NaiveDate>,
}

/// Reads the inputs of every enterprise of the zone for the year, in enterprise id order.
/// Facts are read for a few thousand enterprises at a time, so that memory stays bounded
/// by the inputs, not by the database driver's rows.
pub async fn load_inputs<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    year: i32,
) -> DbResult<Vec<(Subject, Inputs)>> {
    const CHUNK: usize = 10_000;
    let ents: Vec<Subject> = enterprise::Entity::find()
        .select_only()
        .columns([
            enterprise::Column::Id,
            enterprise::Column::CreditCode,
            enterprise::Column::Name,
            enterprise::Column::ParkId,
            enterprise::Column::IndustryCode,
            enterprise::Column::FoundedOn,
        ])
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .order_by_asc(enterprise::Column::Id)
        .into_model::<Subject>()
        .all(db)
        .await?;
    let mut fields: Vec<FactField> = Measure::ALL.iter().map(|m| m.fact()).collect();
    fields.push(FactField::AboveScale);
    fields.push(FactField::Veto);
    let by_fact: HashMap<FactField, Measure> =
        Measure::ALL.iter().map(|m| (m.fact(), *m)).collect();
    let year_start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(DbError::NotFound)?;
    let year_end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or(DbError::NotFound)?;
    let mut out = Vec::with_capacity(ents.len());
    for chunk in ents.chunks(CHUNK) {
        let ids: Vec<i64> = chunk.iter().map(|e| e.id).collect();
        let facts = super::facts::current_figures(db, &ids, &fields, Year::Of(year)).await?;
        let quals = qualification::Entity::find()
            .filter(qualification::Column::EnterpriseId.is_in(ids))
            .all(db)
            .await?;
        let mut by_ent: HashMap<i64, Inputs> = HashMap::with_capacity(chunk.len());
        for ((enterprise_id, field), f) in facts {
            let inp = by_ent.entry(enterprise_id).or_default();
            if let Some(m) = by_fact.get(&field) {
                if let Some(v) = f.value {
                    inp.values.insert(
                        m.id().to_string(),
                        Used {
                            v: v / m.stored_per_unit(),
                            fact: f.fact_id,
                        },
                    );
                }
            } else if field == FactField::AboveScale {
                inp.above_scale = f.value.map(|v| Used {
                    v: v != 0.0,
                    fact: f.fact_id,
                });
            } else if field == FactField::Veto {
                inp.veto = f.text.filter(|t| !t.trim().is_empty()).map(|t| Used {
                    v: t,
                    fact: f.fact_id,
                });
            }
        }
        for q in quals {
            if q.valid_from <= year_end && q.valid_to.is_none_or(|t| t >= year_start) {
                let flags = &mut by_ent.entry(q.enterprise_id).or_default().flags;
                if !flags.contains(&q.kind) {
                    flags.push(q.kind);
                }
            }
        }
        for e in chunk {
            let mut inp = by_ent.remove(&e.id).unwrap_or_default();
            inp.industry_code = e.industry_code.clone();
            inp.flags.sort();
            inp.established = e.founded_on.map(|d| chrono::Datelike::year(&d));
            out.push((e.clone(), inp));
        }
    }
    Ok(out)
}

async fn set_progress(db: &DatabaseConnection, run_id: i64, progress: i32) -> DbResult<()> {
    run::Entity::update_many()
        .col_expr(run::Column::Progress, Expr::value(progress))
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Does the work of a run created by `start`: reads, evaluates, stores. On failure the
/// partial results are removed and the run is marked failed with the message.
pub async fn execute(db: &DatabaseConnection, run_id: i64) -> DbResult<()> {
    match execute_inner(db, run_id).await {
        Ok(()) => Ok(()),
        Err(e) => {
            // The database's own words go to the log, not to the run's page.
            let reason = match &e {
                DbError::Db(_) => {
                    "the database refused the run; the server log has the details".to_string()
                }
                other => other.to_string(),
            };
            tracing::error!(error = %e, run = run_id, "evaluation run failed");
            mark_failed(db, run_id, &reason).await?;
            Err(e)
        }
    }
}

/// Marks a run failed with `reason` and removes the results it had written.
pub async fn mark_failed(db: &DatabaseConnection, run_id: i64, reason: &str) -> DbResult<()> {
    result::Entity::delete_many()
        .filter(result::Column::RunId.eq(run_id))
        .exec(db)
        .await?;
    run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value("failed"))
        .col_expr(run::Column::Error, Expr::value(reason))
        .col_expr(run::Column::FinishedAt, Expr::value(chrono::Utc::now()))
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The results of evaluating stored inputs: what `execute` stores and `verify` compares.
/// Result rows are built on demand (`model`), a batch at a time, not all at once.
struct Computed<'a> {
    scheme: &'a Scheme,
    inputs: &'a [(Subject, Inputs)],
    data: Dataset,
    /// Per input: its row in `data`, or None when its industry code is not a class.
    index: Vec<Option<usize>>,
    ev: devzone_core::permu::Evaluation,
    summary: Summary,
    run_id: i64,
}

fn inputs_json(inp: &Inputs) -> String {
    serde_json::to_string(inp).unwrap_or_default()
}

fn compute<'a>(
    scheme: &'a Scheme,
    year: i32,
    inputs: &'a [(Subject, Inputs)],
    run_id: i64,
) -> Computed<'a> {
    let started = std::time::Instant::now();
    let flags = flag_names();
    let mut data = Dataset {
        rows: Vec::with_capacity(inputs.len()),
        flag_names: flags.clone(),
    };
    let mut index: Vec<Option<usize>> = Vec::with_capacity(inputs.len());
    for (_, inp) in inputs {
        match inp.row(year, &flags) {
            Some(r) => {
                data.rows.push(r);
                index.push(Some(data.rows.len() - 1));
            }
            None => index.push(None),
        }
    }
    let ev = evaluate(scheme, &data, Options { year: Some(year) });
    let mut summary = Summary {
        enterprises: inputs.len(),
        flag_names: flags,
        ..Default::default()
    };
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for idx in &index {
        match idx.map(|i| (i, ev.placement[i])) {
            None => summary.invalid += 1,
            Some((_, Placement::OutOfScope(why))) => {
                *summary
                    .out_of_scope
                    .entry(why.rule().to_string())
                    .or_default() += 1
            }
            Some((i, Placement::Group(g))) => {
                let group = &scheme.groups[g];
                let class = match ev.class[i] {
                    NOT_RATED => "not_rated".to_string(),
                    NO_CLASS => String::new(),
                    c => group.classes.names[c as usize].clone(),
                };
                *counts.entry((group.id.clone(), class)).or_default() += 1;
            }
        }
    }
    summary.counts = counts.into_iter().map(|((g, c), n)| (g, c, n)).collect();
    summary.cohorts = ev.cohorts.iter().map(|c| c.snapshot(scheme)).collect();
    summary.millis = started.elapsed().as_millis();
    Computed {
        scheme,
        inputs,
        data,
        index,
        ev,
        summary,
        run_id,
    }
}

/// Adds a stored row to the digest of a run's inputs: enterprise id and inputs JSON, taken in
/// enterprise order from the rows as they are stored, so the JSON is written once.
fn hash_row(h: &mut Sha256, m: &result::ActiveModel) {
    h.update(m.enterprise_id.as_ref().to_le_bytes());
    h.update(m.inputs.as_ref().as_bytes());
}

impl Computed<'_> {
    /// The stored row of input `k`.
    fn model(&self, k: usize) -> result::ActiveModel {
        let (e, inp) = &self.inputs[k];
        let mut m = result::ActiveModel {
            run_id: Set(self.run_id),
            enterprise_id: Set(e.id),
            credit_code: Set(e.credit_code.clone()),
            name: Set(e.name.clone()),
            park_id: Set(e.park_id),
            industry_code: Set(e.industry_code.clone()),
            land_mu: Set(inp.values.get("land_mu").map(|u| u.v)),
            tax: Set(inp.values.get("tax").map(|u| u.v)),
            value_added: Set(inp.values.get("value_added").map(|u| u.v)),
            inputs: Set(inputs_json(inp)),
            trace: Set("[]".into()),
            total: Set(None),
            rank: Set(None),
            group_size: Set(None),
            class: Set(None),
            reason: Set(None),
            ..Default::default()
        };
        let Some(i) = self.index[k] else {
            m.grp = Set("invalid".into());
            m.reason = Set(Some(format!(
                "industry_code.not_a_class: {} is not a 4-digit class of GB/T 4754-2017",
                e.industry_code
            )));
            return m;
        };
        let (scheme, ev) = (self.scheme, &self.ev);
        match ev.placement[i] {
            Placement::OutOfScope(why) => {
                m.grp = Set("out_of_scope".into());
                m.reason = Set(Some(format!("{}: {}", why.rule(), why.describe(scheme))));
            }
            Placement::Group(g) => {
                let group = &scheme.groups[g];
                m.grp = Set(group.id.clone());
                m.total = Set(Some(ev.total[i]));
                let class = match ev.class[i] {
                    NOT_RATED => "not_rated".to_string(),
                    NO_CLASS => String::new(),
                    c => {
                        m.rank = Set(Some(ev.rank[i] as i32));
                        m.group_size = Set(ev.cohort_of(i).map(|c| c.size as i32));
                        group.classes.names[c as usize].clone()
                    }
                };
                m.class = Set(Some(class));
                m.reason = Set(inp.veto.as_ref().map(|v| v.v.clone()));
                let trace = ev.trace(scheme, &self.data.rows[i], i);
                m.trace =
                    Set(serde_json::to_string(&store_trace(scheme, g, &trace)).unwrap_or_default());
            }
        }
        m
    }
}

async fn execute_inner(db: &DatabaseConnection, run_id: i64) -> DbResult<()> {
    let r = run::Entity::find_by_id(run_id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let scheme = Scheme::parse(&r.scheme_source).map_err(|e| DbError::Other(e.to_string()))?;
    let t = std::time::Instant::now();
    let inputs = load_inputs(db, r.zone_id, r.year).await?;
    let load_time = t.elapsed();
    set_progress(db, run_id, 20).await?;
    let mut computed = compute(&scheme, r.year, &inputs, run_id);
    set_progress(db, run_id, 30).await?;
    // Batches keep each statement under SQLite's variable limit and let the progress move;
    // readers ignore results until the run is marked done.
    const BATCH: usize = 1000;
    let t = std::time::Instant::now();
    let n = inputs.len();
    let mut digest = Sha256::new();
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let batch: Vec<result::ActiveModel> = (start..end).map(|k| computed.model(k)).collect();
        batch.iter().for_each(|m| hash_row(&mut digest, m));
        result::Entity::insert_many(batch).exec(db).await?;
        set_progress(db, run_id, 30 + (70 * end / n.max(1)) as i32).await?;
    }
    computed.summary.load_millis = load_time.as_millis();
    computed.summary.store_millis = t.elapsed().as_millis();
    run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value("done"))
        .col_expr(run::Column::Progress, Expr::value(100))
        .col_expr(
            run::Column::Summary,
            Expr::value(serde_json::to_string(&computed.summary).unwrap_or_default()),
        )
        .col_expr(
            run::Column::InputsDigest,
            Expr::value(format!("{:x}", digest.finalize())),
        )
        .col_expr(run::Column::FinishedAt, Expr::value(chrono::Utc::now()))
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn get<C: ConnectionTrait>(db: &C, run_id: i64) -> DbResult<Option<run::Model>> {
    Ok(run::Entity::find_by_id(run_id).one(db).await?)
}

/// A run and its zone, if `scope` may see them: the zone must be granted, and enterprise
/// accounts see published runs only (their own result is narrowed by the caller).
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    scope: &crate::Scope,
    run_id: i64,
) -> DbResult<Option<(run::Model, crate::entities::zone::Model)>> {
    let Some(run) = get(db, run_id).await? else {
        return Ok(None);
    };
    if scope.enterprise.is_some() && run.published_at.is_none() {
        return Ok(None);
    }
    Ok(super::zones::get(db, scope, run.zone_id)
        .await?
        .map(|z| (run, z)))
}

/// Runs of a zone, newest first.
pub async fn runs<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<run::Model>> {
    Ok(run::Entity::find()
        .filter(run::Column::ZoneId.eq(zone_id))
        .order_by_desc(run::Column::Id)
        .all(db)
        .await?)
}

/// The latest published run of a zone, optionally for one year.
pub async fn latest_published<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    year: Option<i32>,
) -> DbResult<Option<run::Model>> {
    let mut q = run::Entity::find()
        .filter(run::Column::ZoneId.eq(zone_id))
        .filter(run::Column::PublishedAt.is_not_null());
    if let Some(y) = year {
        q = q.filter(run::Column::Year.eq(y));
    }
    Ok(q.order_by_desc(run::Column::Year)
        .order_by_desc(run::Column::PublishedAt)
        .one(db)
        .await?)
}

pub async fn publish(db: &DatabaseConnection, actor: &Actor, run_id: i64) -> DbResult<run::Model> {
    let r = get(db, run_id).await?.ok_or(DbError::NotFound)?;
    if r.status != "done" {
        return Err(DbError::Other(
            "only a finished run can be published".into(),
        ));
    }
    if r.published_at.is_some() {
        return Ok(r);
    }
    run::Entity::update_many()
        .col_expr(run::Column::PublishedAt, Expr::value(chrono::Utc::now()))
        .col_expr(
            run::Column::PublishedBy,
            Expr::value(actor.username.clone()),
        )
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        audit::Change::new("publish", "evaluation_run")
            .id(run_id)
            .zone(r.zone_id),
    )
    .await?;
    get(db, run_id).await?.ok_or(DbError::NotFound)
}

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

fn filtered(f: &ResultQuery) -> sea_orm::Select<result::Entity> {
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
                .add(result::Column::Name.like(like_contains(text)))
                .add(result::Column::CreditCode.starts_with(code)),
        );
    }
    q
}

pub async fn results<C: ConnectionTrait>(db: &C, f: &ResultQuery) -> DbResult<Page<result::Model>> {
    let q = filtered(f);
    let total = q.clone().count(db).await?;
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
    let per_page = Ord::clamp(f.per_page, 1, super::MAX_PER_PAGE * 500);
    let page = super::page_number(f.page);
    let items = q
        .order_by(result::Column::Id, order)
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub results: usize,
    /// Enterprises whose recomputed group, total, rank or class differ from the stored.
    pub differences: Vec<i64>,
    pub digest_matches: bool,
}

pub async fn verify<C: ConnectionTrait>(db: &C, run_id: i64) -> DbResult<Verification> {
    let r = get(db, run_id).await?.ok_or(DbError::NotFound)?;
    let scheme = Scheme::parse(&r.scheme_source).map_err(|e| DbError::Other(e.to_string()))?;
    let stored = result::Entity::find()
        .filter(result::Column::RunId.eq(run_id))
        .order_by_asc(result::Column::EnterpriseId)
        .all(db)
        .await?;
    let inputs: Vec<(Subject, Inputs)> = stored
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

/// Marks runs left `running` by a stopped server as failed, so nobody waits for them.
pub async fn fail_interrupted(db: &DatabaseConnection) -> DbResult<u64> {
    let ids: Vec<i64> = run::Entity::find()
        .select_only()
        .column(run::Column::Id)
        .filter(run::Column::Status.eq("running"))
        .into_tuple()
        .all(db)
        .await?;
    for id in &ids {
        result::Entity::delete_many()
            .filter(result::Column::RunId.eq(*id))
            .exec(db)
            .await?;
    }
    let r = run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value("failed"))
        .col_expr(
            run::Column::Error,
            Expr::value("interrupted: the server stopped during the run"),
        )
        .filter(run::Column::Status.eq("running"))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// The class each enterprise of the zone holds in the zone's latest published run.
pub async fn published_classes<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<HashMap<i64, String>> {
    let Some(run) = latest_published(db, zone_id, None).await? else {
        return Ok(HashMap::new());
    };
    Ok(result::Entity::find()
        .filter(result::Column::RunId.eq(run.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.class.map(|c| (r.enterprise_id, c)))
        .collect())
}
