//! Writes a plan in one transaction and records the import in the history.

use super::*;
use crate::entities::{enterprise, import, import_enterprise};
use crate::repo::audit;
use crate::repo::facts::packed::{self, CurrentFigures, Packed, SetFigures};
use crate::repo::facts::{Derived, write_derived};
use crate::repo::facts::{NewSet, insert_sets, put_current, reserve_ids};
use crate::{Actor, DbError, DbResult};
use devzone_core::facts::FactField;
use devzone_core::import::Problem;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};
use std::collections::HashMap;

/// Sets written between two progress reports.
const FACT_SETS: usize = 5_000;

/// Problems kept with an import in the history, at most this many.
pub(super) const REPORT_CAP: usize = 5_000;

/// Writes a plan in one transaction. Returns the import's id, or None when nothing
/// changed (every value already stored), in which case nothing is written at all.
///
/// `progress(done, total)` is called as the figures are written; when it answers false the
/// commit stops with `DbError::Cancelled` and its transaction is rolled back, so nothing
/// of it stays. A commit run as a job
/// (`job`) ends its job as done in the same transaction: the import and the job's record of
/// it stand or fall together, even if the process dies right after.
pub async fn commit(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    plan: &Plan,
    progress: &mut (dyn FnMut(usize, usize) -> bool + Send),
    job: Option<i64>,
) -> DbResult<Option<i64>> {
    if plan.refused() {
        return Err(DbError::Other(
            "the file was refused; nothing to commit".into(),
        ));
    }
    if plan.counts.changes() == 0 {
        return Ok(None);
    }
    let r = &plan.request;
    let c = &plan.counts;
    let now = chrono::Utc::now();
    let started = std::time::Instant::now();
    let tx = db.begin().await?;
    let report: Vec<&Problem> = plan.problems.iter().take(REPORT_CAP).collect();
    let imp = import::ActiveModel {
        zone_id: Set(r.zone_id),
        kind: Set(r.kind.id().into()),
        source: Set(r.source.id().into()),
        year: Set(r.year),
        file_name: Set(r.file_name.clone()),
        file_sha256: Set(r.file_sha256.clone()),
        sheet: Set(r.sheet.clone()),
        status: Set("committed".into()),
        created_by: Set(actor.username.clone()),
        created_at: Set(now),
        rows_read: Set(c.rows_read as i32),
        rejected: Set(c.rejected as i32),
        warnings: Set(c.warnings as i32),
        inserted: Set(c.inserted as i32),
        updated: Set(c.updated as i32),
        unchanged: Set(c.unchanged as i32),
        not_current: Set(c.not_current as i32),
        enterprises_created: Set(c.enterprises_created as i32),
        enterprises_updated: Set(c.enterprises_updated as i32),
        report: Set(serde_json::to_string(&report).unwrap_or_else(|_| "[]".into())),
        ..Default::default()
    }
    .insert(&tx)
    .await?;

    // New enterprises, then their ids by code.
    let mut new_ids = vec![0i64; plan.creates.len()];
    // New enterprises get their derived list columns as they are inserted.
    let derived_new: HashMap<usize, Derived> = plan
        .derived
        .iter()
        .filter_map(|(e, d)| match e {
            Ent::New(i) => Some((*i, *d)),
            Ent::Stored(_) => None,
        })
        .collect();
    let index: HashMap<&str, usize> = plan
        .creates
        .iter()
        .enumerate()
        .map(|(i, d)| (d.credit_code.as_str(), i))
        .collect();
    let mut links: Vec<import_enterprise::ActiveModel> = Vec::new();
    for (k, chunk) in plan.creates.chunks(500).enumerate() {
        let rows: Vec<enterprise::ActiveModel> = chunk
            .iter()
            .enumerate()
            .map(|(j, d)| {
                let mut am = crate::repo::enterprises::new_active(r.zone_id, d);
                if let Some(x) = derived_new.get(&(k * 500 + j)) {
                    am.latest_year = Set(x.latest_year);
                    am.latest_revenue = Set(x.latest_revenue);
                    am.above_scale = Set(x.above_scale);
                }
                am
            })
            .collect();
        // RETURNING gives the new ids at once; reading them back by code would be planned
        // on PostgreSQL with statistics of the table before the insert (a scan per chunk).
        for e in enterprise::Entity::insert_many(rows)
            .exec_with_returning(&tx)
            .await?
        {
            new_ids[index[e.credit_code.as_str()]] = e.id;
            links.push(link(imp.id, e.id, None, &e));
        }
        // A register of new enterprises may hold no figures: a cancel is heard here too.
        if !progress(0, plan.facts.len()) {
            return Err(DbError::Cancelled);
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import commit: enterprises inserted");
    for (before, after) in &plan.updates {
        let mut am = enterprise::ActiveModel::from(after.clone()).reset_all();
        am.id = sea_orm::ActiveValue::Unchanged(after.id);
        am.updated_at = Set(now);
        am.update(&tx).await?;
        links.push(link(imp.id, after.id, Some(before), after));
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import commit: enterprises updated");
    for chunk in links.chunks(500) {
        import_enterprise::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }

    tracing::debug!(elapsed = ?started.elapsed(), "import commit: links written");
    // Facts: one set per enterprise and year (the file's row), and the current figures of
    // that year with the row's winning figures merged in.
    let ent_id = |e: Ent| match e {
        Ent::Stored(id) => id,
        Ent::New(i) => new_ids[i],
    };
    let mut groups: Vec<((i64, i32), SetFigures, Vec<FactField>)> = Vec::new();
    let mut at: HashMap<(i64, i32), usize> = HashMap::new();
    for f in &plan.facts {
        let key = (ent_id(f.ent), f.year);
        let i = *at.entry(key).or_insert_with(|| {
            groups.push((key, SetFigures::new(), Vec::new()));
            groups.len() - 1
        });
        let Some(p) = Packed::from_parts(f.value, f.text.clone()) else {
            continue;
        };
        groups[i].1.insert(f.field, p);
        if f.current {
            groups[i].2.push(f.field);
        }
    }
    let ids = reserve_ids(&tx, groups.len()).await?;
    let mut done = 0;
    for (chunk, chunk_ids) in groups.chunks(FACT_SETS).zip(ids.chunks(FACT_SETS)) {
        let sets: Vec<NewSet> = chunk
            .iter()
            .zip(chunk_ids)
            .map(|(((e, y), figures, _), id)| NewSet {
                id: *id,
                enterprise_id: *e,
                year: *y,
                source: r.source.id(),
                as_of: r.as_of,
                entered_by: &actor.username,
                entered_at: now,
                import_id: Some(imp.id),
                figures: packed::encode_set(figures),
            })
            .collect();
        insert_sets(&tx, &sets).await?;
        tracing::trace!(elapsed = ?started.elapsed(), "import commit: sets chunk");
        let mut current: Vec<((i64, i32), CurrentFigures)> = Vec::new();
        for (((e, y), figures, wins), id) in chunk.iter().zip(chunk_ids) {
            if wins.is_empty() {
                continue;
            }
            let mut cur = plan.current.get(&(*e, *y)).cloned().unwrap_or_default();
            for f in wins {
                if let Some(p) = figures.get(f) {
                    cur.insert(*f, (p.clone(), *id));
                }
            }
            current.push(((*e, *y), cur));
        }
        let rows: Vec<(i64, i32, &CurrentFigures)> =
            current.iter().map(|((e, y), c)| (*e, *y, c)).collect();
        put_current(&tx, &rows).await?;
        done += chunk.iter().map(|(_, f, _)| f.len()).sum::<usize>();
        if !progress(done, plan.facts.len()) {
            return Err(DbError::Cancelled);
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import commit: facts written");
    let stored_derived: Vec<(i64, Derived)> = plan
        .derived
        .iter()
        .filter_map(|(e, d)| match e {
            Ent::Stored(id) => Some((*id, *d)),
            Ent::New(_) => None,
        })
        .collect();
    write_derived(&tx, &stored_derived).await?;

    audit::record(&tx, actor, audit::Change::new("import", "import").id(imp.id).zone(r.zone_id).after(Some(
                serde_json::json!({"file": r.file_name, "sha256": r.file_sha256, "source": r.source.id(), "counts": c})
                    .to_string(),
            ))).await?;
    save_mapping(&tx, r).await?;
    if let Some(j) = job {
        let counts = serde_json::to_value(c).unwrap_or_default();
        crate::repo::jobs::finish(&tx, j, Some(imp.id), &counts).await?;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import commit: derived and audit written");
    tx.commit().await?;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // Statistics where the import changed a table enough to matter (cheap otherwise);
        // PostgreSQL's autovacuum analyses on its own.
        db.execute_unprepared("PRAGMA optimize").await?;
    }
    Ok(Some(imp.id))
}

pub(super) fn link(
    import_id: i64,
    enterprise_id: i64,
    before: Option<&enterprise::Model>,
    after: &enterprise::Model,
) -> import_enterprise::ActiveModel {
    import_enterprise::ActiveModel {
        import_id: Set(import_id),
        enterprise_id: Set(enterprise_id),
        before: Set(before.and_then(|b| serde_json::to_string(b).ok())),
        after: Set(serde_json::to_string(after).unwrap_or_default()),
        ..Default::default()
    }
}
