//! Runs: started as a record, computed in the background with progress, written with a
//! checksum over every result row.

use super::*;
use crate::entities::{evaluation_result as result, evaluation_run as run};
use crate::repo::audit;
use crate::{Actor, DbError, DbResult};
use devzone_core::evaluation::engine::{Class, Outcome};
use devzone_core::evaluation::{Dataset, Options, Scheme, evaluate};
use devzone_core::model::RunStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

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
        status: Set(RunStatus::Running.id().into()),
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

pub(super) async fn set_progress(
    db: &DatabaseConnection,
    run_id: i64,
    progress: i32,
) -> DbResult<()> {
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
        .col_expr(run::Column::Status, Expr::value(RunStatus::Failed.id()))
        .col_expr(run::Column::Error, Expr::value(reason))
        .col_expr(run::Column::FinishedAt, Expr::value(chrono::Utc::now()))
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The results of evaluating stored inputs: what `execute` stores and `verify` compares.
/// Result rows are built on demand (`model`), a batch at a time, not all at once.
pub(super) struct Computed<'a> {
    pub(super) scheme: &'a Scheme,
    pub(super) inputs: &'a [(Subject, Inputs)],
    pub(super) data: Dataset,
    /// Per input: its row in `data`, or None when its industry code is not a class.
    pub(super) index: Vec<Option<usize>>,
    pub(super) ev: devzone_core::evaluation::Evaluation,
    pub(super) summary: Summary,
    pub(super) run_id: i64,
}

pub(super) fn inputs_json(inp: &Inputs) -> String {
    serde_json::to_string(inp).unwrap_or_default()
}

pub(super) fn compute<'a>(
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
        match idx.map(|i| ev.outcome(scheme, i)) {
            None => summary.invalid += 1,
            Some(Outcome::OutOfScope(why)) => {
                *summary
                    .out_of_scope
                    .entry(why.rule().to_string())
                    .or_default() += 1
            }
            Some(Outcome::Placed { group, class, .. }) => {
                let group = &scheme.groups[group];
                *counts
                    .entry((group.id.clone(), class_name(class)))
                    .or_default() += 1;
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

/// A class as stored: its name, `not_rated`, or empty when the group's rule gives none.
fn class_name(class: Class) -> String {
    match class {
        Class::NotRated => "not_rated".to_string(),
        Class::None => String::new(),
        Class::Rated { name, .. } => name.to_string(),
    }
}

/// Adds a stored row to the digest of a run's inputs: enterprise id and inputs JSON, taken in
/// enterprise order from the rows as they are stored, so the JSON is written once.
pub(super) fn hash_row(h: &mut Sha256, m: &result::ActiveModel) {
    h.update(m.enterprise_id.as_ref().to_le_bytes());
    h.update(m.inputs.as_ref().as_bytes());
}

impl Computed<'_> {
    /// The stored row of input `k`.
    pub(super) fn model(&self, k: usize) -> result::ActiveModel {
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
        match ev.outcome(scheme, i) {
            Outcome::OutOfScope(why) => {
                m.grp = Set("out_of_scope".into());
                m.reason = Set(Some(format!("{}: {}", why.rule(), why.describe(scheme))));
            }
            Outcome::Placed {
                group: g,
                total,
                class,
            } => {
                let group = &scheme.groups[g];
                m.grp = Set(group.id.clone());
                m.total = Set(Some(total));
                if let Class::Rated {
                    rank, group_size, ..
                } = class
                {
                    m.rank = Set(Some(rank as i32));
                    m.group_size = Set(Some(group_size as i32));
                }
                m.class = Set(Some(class_name(class)));
                m.reason = Set(inp.veto.as_ref().map(|v| v.v.clone()));
                let trace = ev.trace(scheme, &self.data.rows[i], i);
                m.trace =
                    Set(serde_json::to_string(&store_trace(scheme, g, &trace)).unwrap_or_default());
            }
        }
        m
    }
}

/// Writes result rows many at a time (see [`crate::repo::bulk`]): the query builder's bound
/// parameters took longer than storing 100,000 rows.
async fn insert_results(db: &DatabaseConnection, rows: &[result::ActiveModel]) -> DbResult<()> {
    const TYPES: &[&str] = &[
        "bigint",
        "bigint",
        "text",
        "text",
        "bigint",
        "text",
        "text",
        "double precision",
        "integer",
        "integer",
        "text",
        "text",
        "double precision",
        "double precision",
        "double precision",
        "text",
        "text",
    ];
    crate::repo::bulk::write(
        db,
        rows,
        TYPES,
        "INSERT INTO evaluation_results (run_id, enterprise_id, credit_code, name, park_id, \
         industry_code, grp, total, rank, group_size, class, reason, land_mu, tax, \
         value_added, inputs, trace) ",
        "",
        |r, m| {
            r.int(Some(*m.run_id.as_ref()))
                .int(Some(*m.enterprise_id.as_ref()))
                .text(Some(m.credit_code.as_ref()))
                .text(Some(m.name.as_ref()))
                .int(*m.park_id.as_ref())
                .text(Some(m.industry_code.as_ref()))
                .text(Some(m.grp.as_ref()))
                .float(*m.total.as_ref())
                .int(m.rank.as_ref().map(i64::from))
                .int(m.group_size.as_ref().map(i64::from))
                .text(m.class.as_ref().as_deref())
                .text(m.reason.as_ref().as_deref());
            for v in [&m.land_mu, &m.tax, &m.value_added] {
                r.float(*v.as_ref());
            }
            r.text(Some(m.inputs.as_ref())).text(Some(m.trace.as_ref()));
        },
    )
    .await?;
    Ok(())
}

pub(super) async fn execute_inner(db: &DatabaseConnection, run_id: i64) -> DbResult<()> {
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
    // Batches let the progress move and bound the memory of built rows;
    // readers ignore results until the run is marked done.
    const BATCH: usize = 1000;
    let t = std::time::Instant::now();
    let n = inputs.len();
    let mut digest = Sha256::new();
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let batch: Vec<result::ActiveModel> = (start..end).map(|k| computed.model(k)).collect();
        batch.iter().for_each(|m| hash_row(&mut digest, m));
        insert_results(db, &batch).await?;
        set_progress(db, run_id, 30 + (70 * end / n.max(1)) as i32).await?;
    }
    computed.summary.load_millis = load_time.as_millis();
    computed.summary.store_millis = t.elapsed().as_millis();
    run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value(RunStatus::Done.id()))
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

/// Marks runs left `running` by a stopped server as failed, so nobody waits for them.
pub async fn fail_interrupted(db: &DatabaseConnection) -> DbResult<u64> {
    let ids: Vec<i64> = run::Entity::find()
        .select_only()
        .column(run::Column::Id)
        .filter(run::Column::Status.eq(RunStatus::Running.id()))
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
        .col_expr(run::Column::Status, Expr::value(RunStatus::Failed.id()))
        .col_expr(
            run::Column::Error,
            Expr::value("interrupted: the server stopped during the run"),
        )
        .filter(run::Column::Status.eq(RunStatus::Running.id()))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}
