//! Long work and its progress: import commits, unit-register commits and chain suggestions
//! run as persisted jobs (`repo::jobs`) by a task of their own, and evaluation runs (persisted
//! as runs) are spawned to run after their request has answered. A job that dies is marked
//! failed; so is one whose process died, at the next start.
//!
//! An import or register commit may be cancelled while it runs: it stops at its next batch
//! and rolls back (`cancel`). A job's live progress is kept here, in memory: on SQLite the
//! committing transaction holds the write lock, so progress written to the jobs row would
//! wait for the very commit it reports on. The row holds the state, the counts and the end;
//! `view` lays this process's progress over it.

use crate::AppState;
use devzone_core::model::{JobKind, JobState};
use devzone_db::entities::job;
use devzone_db::repo::{evaluation, imports, jobs};
use devzone_db::{Actor, DbError, DbResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Live progress of the jobs this process runs: job id → (done, total, who asked to cancel
/// it).
#[derive(Clone, Default)]
pub struct Progress(Arc<Mutex<HashMap<i64, Live>>>);

#[derive(Default)]
struct Live {
    done: u64,
    total: u64,
    cancel_by: Option<String>,
}

impl Progress {
    /// Records how far a job got; answers false once a cancel was asked for.
    fn set(&self, job: i64, done: u64, total: u64) -> bool {
        let mut all = self.0.lock().expect("progress lock");
        let live = all.entry(job).or_default();
        (live.done, live.total) = (done, total);
        live.cancel_by.is_none()
    }
    fn clear(&self, job: i64) {
        self.0.lock().expect("progress lock").remove(&job);
    }
    fn get(&self, job: i64) -> Option<(u64, u64)> {
        let all = self.0.lock().expect("progress lock");
        all.get(&job).map(|l| (l.done, l.total))
    }
    fn cancel_by(&self, job: i64) -> Option<String> {
        let all = self.0.lock().expect("progress lock");
        all.get(&job).and_then(|l| l.cancel_by.clone())
    }
    /// Asks a job running here to stop (the first asker is kept); false when it does not
    /// run here.
    fn ask_cancel(&self, job: i64, by: &str) -> bool {
        let mut all = self.0.lock().expect("progress lock");
        all.get_mut(&job)
            .map(|l| l.cancel_by.get_or_insert_with(|| by.to_string()))
            .is_some()
    }
}

/// Whether a cancel was asked for this running job.
pub fn cancelling(state: &AppState, job: i64) -> bool {
    state.progress.cancel_by(job).is_some()
}

/// Why a job was not cancelled.
pub enum NotCancelled {
    /// It has ended, or it is not running in this process.
    NotRunning,
    /// Its kind cannot stop half-way without leaving part of its work.
    NotCancellable,
}

/// Asks a running import or register commit to stop. It stops at its next batch and rolls
/// back, so nothing of it stays; the job then ends as cancelled. Chain suggestions write as
/// they go and are not offered a cancel.
pub fn cancel(state: &AppState, j: &job::Model, by: &str) -> Result<(), NotCancelled> {
    if j.kind != JobKind::Import.id() && j.kind != JobKind::UnitRegister.id() {
        return Err(NotCancelled::NotCancellable);
    }
    if j.state != JobState::Running.id() {
        return Err(NotCancelled::NotRunning);
    }
    if state.progress.ask_cancel(j.id, by) {
        Ok(())
    } else {
        Err(NotCancelled::NotRunning)
    }
}

/// A job as stored, with the live progress of this process when it runs here.
pub fn view(state: &AppState, mut j: job::Model) -> job::Model {
    if j.state == JobState::Running.id()
        && let Some((done, total)) = state.progress.get(j.id)
    {
        j.done = done as i64;
        j.total = total as i64;
    }
    j
}

/// Why a job could not start.
pub enum Refused {
    /// Another job of the kind is running in the zone: this one.
    Busy(job::Model),
    Db(DbError),
}

impl From<DbError> for Refused {
    fn from(e: DbError) -> Self {
        Refused::Db(e)
    }
}

/// Starts the commit of a checked import as a job and returns it at once. Two imports into
/// one zone do not run at once: while one runs, the next is refused with the running job.
pub async fn start_import(
    state: &AppState,
    actor: &Actor,
    upload_id: i64,
    plan: imports::Plan,
) -> Result<job::Model, Refused> {
    // Every figure written: `not_current` counts some of them a second time.
    let total = (plan.counts.inserted + plan.counts.updated) as u64;
    let zone = plan.request.zone_id;
    start(
        state,
        actor,
        JobKind::Import,
        zone,
        Some(upload_id),
        total,
        move |db, actor, job, report| async move {
            let mut report = report;
            let made = imports::commit(&db.conn, &actor, &plan, &mut report, Some(job)).await?;
            // The import stands once committed: an upload left behind is only clutter, and
            // must not turn a committed import into a failed job.
            if made.is_some()
                && let Err(e) = imports::drop_upload(&db.conn, upload_id).await
            {
                tracing::warn!(error = %e, upload = upload_id, "committed upload not removed");
            }
            Ok((made, serde_json::to_value(plan.counts).unwrap_or_default()))
        },
    )
    .await
}

/// What a register commit found and did: its counts and problems, and the file's name (the
/// upload is dropped once committed). Kept as the job's counts.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RegisterDone {
    pub file_name: String,
    pub counts: devzone_db::repo::land::RegisterCounts,
    /// The first [`REGISTER_PROBLEMS_KEPT`] problems, by line.
    pub problems: Vec<devzone_core::import::Problem>,
    /// How many more there were.
    pub more: usize,
}

/// How many of a committed register's problems its job keeps (its page shows them).
pub const REGISTER_PROBLEMS_KEPT: usize = 300;

/// Starts the commit of a checked unit register as a job; one register commit at a time per
/// zone. `rows` are the rows the check kept of the `rows_read`, and `problems` what it found;
/// the database's findings are added to them.
pub async fn start_register(
    state: &AppState,
    actor: &Actor,
    upload: &devzone_db::entities::import_upload::Model,
    rows: Vec<devzone_core::land::sheet::UnitRow>,
    rows_read: usize,
    mut problems: Vec<devzone_core::import::Problem>,
) -> Result<job::Model, Refused> {
    let (upload_id, zone, file_name) = (upload.id, upload.zone_id, upload.file_name.clone());
    start(
        state,
        actor,
        JobKind::UnitRegister,
        zone,
        Some(upload_id),
        rows.len() as u64,
        move |db, actor, _, mut report| async move {
            let today = devzone_core::calendar::today();
            let (counts, found) = devzone_db::repo::land::import_units(
                &db.conn,
                &actor,
                zone,
                &rows,
                today,
                false,
                &mut *report,
            )
            .await?;
            let counts = counts.after_check(rows_read, rows.len());
            problems.extend(found);
            problems.sort_by_key(|p| (p.line, p.column));
            let more = problems.len().saturating_sub(REGISTER_PROBLEMS_KEPT);
            problems.truncate(REGISTER_PROBLEMS_KEPT);
            let done = RegisterDone {
                file_name,
                counts,
                problems,
                more,
            };
            if let Err(e) = imports::drop_upload(&db.conn, upload_id).await {
                tracing::warn!(error = %e, upload = upload_id, "committed register not removed");
            }
            Ok((None, serde_json::to_value(done).unwrap_or_default()))
        },
    )
    .await
}

/// Starts the chain suggestions of a zone as a job (at 100,000 enterprises they take about
/// ten seconds); one at a time per zone.
pub async fn start_suggestions(
    state: &AppState,
    actor: &Actor,
    zone: i64,
) -> Result<job::Model, Refused> {
    start(
        state,
        actor,
        JobKind::ChainSuggestions,
        zone,
        None,
        0,
        move |db, actor, _, _| async move {
            let c = devzone_db::repo::chains::suggest(&db.conn, &actor, zone).await?;
            Ok((None, serde_json::to_value(c).unwrap_or_default()))
        },
    )
    .await
}

/// Records a job, runs `work` in a task of its own and returns the job at once. `work` gets
/// the database, the actor, the job's id and a progress callback, and answers what it made
/// and its counts (it may end the job itself, in its own transaction; ending it again here
/// then changes nothing);
/// its failure, or its task's end without an answer, fails the job with a reason.
async fn start<W, F>(
    state: &AppState,
    actor: &Actor,
    kind: JobKind,
    zone: i64,
    subject: Option<i64>,
    total: u64,
    work: W,
) -> Result<job::Model, Refused>
where
    W: FnOnce(devzone_db::Db, Actor, i64, Box<dyn FnMut(usize, usize) -> bool + Send>) -> F
        + Send
        + 'static,
    F: std::future::Future<Output = DbResult<(Option<i64>, serde_json::Value)>> + Send + 'static,
{
    let db = &state.db.conn;
    if let Some(running) = jobs::running_in_zone(db, kind, zone).await? {
        return Err(Refused::Busy(running));
    }
    let j = match jobs::start(db, actor, kind, Some(zone), subject, total).await {
        Ok(j) => j,
        // Another request started one between the look and the insert.
        Err(DbError::Conflict { .. }) => {
            return match jobs::running_in_zone(db, kind, zone).await? {
                Some(running) => Err(Refused::Busy(running)),
                None => Err(Refused::Db(DbError::Other(
                    "the job could not start".into(),
                ))),
            };
        }
        Err(e) => return Err(e.into()),
    };
    let (db, progress, actor, id) = (
        state.db.clone(),
        state.progress.clone(),
        actor.clone(),
        j.id,
    );
    let _ = progress.set(id, 0, total);
    tokio::spawn(async move {
        let report: Box<dyn FnMut(usize, usize) -> bool + Send> = {
            let progress = progress.clone();
            Box::new(move |done: usize, total: usize| progress.set(id, done as u64, total as u64))
        };
        let ended = match tokio::spawn(work(db.clone(), actor, id, report)).await {
            Ok(Ok((made, counts))) => jobs::finish(&db.conn, id, made, &counts).await,
            Ok(Err(DbError::Cancelled)) => {
                let by = progress.cancel_by(id).unwrap_or_default();
                jobs::cancelled(&db.conn, id, &by).await
            }
            Ok(Err(e)) => {
                // The database's own words stay in the log; the job gives the reference.
                tracing::error!(error = %e, job = id, kind = kind.id(), "job failed");
                jobs::fail(&db.conn, id, &refusal(&e, id)).await
            }
            Err(e) => {
                tracing::error!(error = %e, job = id, kind = kind.id(), "job stopped unexpectedly");
                jobs::fail(&db.conn, id, &format!("the job stopped unexpectedly; nothing was written; the server log has the details under job {id}")).await
            }
        };
        if let Err(e) = ended {
            tracing::error!(error = %e, job = id, "recording the end of a job");
        }
        progress.clear(id);
    });
    Ok(j)
}

/// What a failed job tells its user: the rule it broke when it is ours, else a pointer to
/// the log (the database's own words may name tables and values).
fn refusal(e: &DbError, job: i64) -> String {
    match e {
        DbError::Db(_) => format!(
            "the database refused the work; nothing was written; the server log has the details under job {job}"
        ),
        other => format!("{other}; nothing was written"),
    }
}

/// Runs an evaluation in the background. A run whose task panics is marked failed at
/// once, instead of showing "running" until the next restart.
pub fn spawn_evaluation(db: devzone_db::Db, run_id: i64) {
    tokio::spawn(async move {
        let work = tokio::spawn({
            let db = db.clone();
            async move { evaluation::execute(&db.conn, run_id).await }
        });
        if let Err(e) = work.await {
            tracing::error!(error = %e, run = run_id, "evaluation run stopped unexpectedly");
            let reason = "the run stopped unexpectedly; the server log has the details";
            if let Err(e) = evaluation::mark_failed(&db.conn, run_id, reason).await {
                tracing::error!(error = %e, run = run_id, "marking the run failed");
            }
        }
    });
}
