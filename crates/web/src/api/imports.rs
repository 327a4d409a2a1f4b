//! `/api/v1` for spreadsheet imports and the jobs that commit them: what the import pages do,
//! for a script. Upload a file (the raw bytes as the body), read its check (recognised
//! columns, counts, every problem with its line, column and rule), commit it as a job, poll
//! the job, read the history, revert.

use super::paging::{Paging, list_of};
use crate::AppState;
use crate::api::{ApiResult, ErrorEnvelope, zone_in_scope};
use crate::error::ApiError;
use crate::pages::imports::{ProblemView, plan_upload, problem_view};
use crate::session::{ApiViewer, Viewer};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use devzone_core::import::{Kind, Severity, Target};
use devzone_core::model::{FactSource, JobKind, JobState};
use devzone_core::validate::FieldError;
use devzone_db::entities::{import, import_upload, job};
use devzone_db::repo::imports::{self, Counts, Reverted};
use devzone_db::repo::jobs;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/zones/{id}/imports/uploads",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::pages::imports::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/imports/uploads/{id}", get(check))
        .route("/imports/uploads/{id}/commit", post(commit))
        .route("/zones/{id}/imports", get(history))
        .route("/imports/{id}", get(get_import))
        .route("/imports/{id}/revert", post(revert))
        .route("/zones/{id}/jobs", get(list_jobs))
        .route("/jobs/{id}", get(get_job))
        .route("/jobs/{id}/cancel", post(cancel_job))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        upload, check, commit, history, get_import, revert, list_jobs, get_job, cancel_job
    ),
    components(schemas(
        CheckOut,
        ColumnOut,
        Counts,
        ProblemOut,
        CommitIn,
        ColumnChoice,
        FactSource,
        JobKind,
        JobState,
        ImportOut,
        ImportList,
        RevertOut,
        JobOut,
        JobList,
    ))
)]
pub struct ImportDoc;

/// How to read an upload: its kind, source and year (for sheets without a year column).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckParams {
    /// The file's name, which tells its format (`.xlsx`, `.xls`, `.csv`, …).
    #[serde(default)]
    pub file_name: Option<String>,
    /// `facts` (default) or `enterprises` (a register).
    #[param(value_type = Option<String>, pattern = "^(facts|enterprises)$")]
    pub kind: Option<String>,
    #[param(value_type = Option<FactSource>)]
    pub source: Option<FactSource>,
    #[param(minimum = 1990, maximum = 2100)]
    pub year: Option<i32>,
}

impl CheckParams {
    /// The year within the years facts may have, the kind one of the two: each refusal
    /// names its parameter (an unknown kind is not read as facts).
    fn checked(&self) -> ApiResult<()> {
        use devzone_core::validate::{MAX_YEAR, MIN_YEAR};
        let mut errs = Vec::new();
        if let Some(y) = self.year.filter(|y| !(MIN_YEAR..=MAX_YEAR).contains(y)) {
            errs.push(FieldError::new("year", "year.range", y.to_string()));
        }
        if let Some(k) = self.kind.as_deref().filter(|k| Kind::parse(k).is_none()) {
            errs.push(FieldError::new("kind", "choice.unknown", k));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(errs))
        }
    }

    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(k) = &self.kind {
            p.push(("kind".into(), k.clone()));
        }
        if let Some(s) = self.source {
            p.push(("source".into(), s.id().into()));
        }
        if let Some(y) = self.year {
            p.push(("year".into(), y.to_string()));
        }
        p
    }
}

/// A column as the check reads it.
#[derive(Serialize, ToSchema)]
pub struct ColumnOut {
    pub index: usize,
    pub header: String,
    /// The fact field or register column it fills; null when ignored.
    pub target: Option<String>,
    /// The unit its values are in (null: the field's stored unit).
    pub unit: Option<String>,
}

/// One finding of the check, where it is and which rule it broke, in the caller's language.
#[derive(Serialize, ToSchema)]
pub struct ProblemOut {
    /// The file line (1-based); 0 for the file as a whole.
    pub line: usize,
    /// The column letter (A, B, …), empty for a whole row.
    pub column: String,
    pub header: String,
    pub value: String,
    /// The rule's stable id (`credit_code.check`, …).
    pub rule: String,
    /// `error` (kept out), `warning` (imported, worth a look) or `info`.
    pub severity: String,
    pub message: String,
}

fn problem_out(t: &crate::i18n::Tr, p: &devzone_core::import::Problem) -> ProblemOut {
    let ProblemView {
        line,
        column,
        header,
        value,
        message,
        ..
    } = problem_view(t, p);
    let _ = line;
    ProblemOut {
        line: p.line,
        column,
        header,
        value,
        rule: p.rule.clone(),
        severity: match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "info",
        }
        .into(),
        message,
    }
}

/// An upload as checked now: the file, the columns, the counts the commit would give and
/// every problem.
#[derive(Serialize, ToSchema)]
pub struct CheckOut {
    pub upload_id: i64,
    pub zone_id: i64,
    pub file_name: String,
    pub sheet: String,
    pub kind: String,
    /// The source the commit would record (null until one is chosen or saved with the layout).
    pub source: Option<String>,
    pub columns: Vec<ColumnOut>,
    pub counts: Counts,
    /// True when the file as a whole is refused (no credit-code column, unreadable, …).
    pub refused: bool,
    /// True when a commit would write something.
    pub can_commit: bool,
    /// How many problems the check found.
    pub problems_total: usize,
    /// The first `MAX_PROBLEMS` of them, by line.
    pub problems: Vec<ProblemOut>,
}

/// Problems listed in one answer; a file with more is better read as the sheet itself,
/// highlighted (the import page's report download).
pub const MAX_PROBLEMS: usize = 1000;

async fn upload_in_scope(s: &AppState, v: &Viewer, id: i64) -> ApiResult<import_upload::Model> {
    let up = imports::upload(&s.db.conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    zone_in_scope(s, v, up.zone_id).await?;
    v.require_write()?;
    Ok(up)
}

async fn checked(
    s: &AppState,
    v: &Viewer,
    up: &import_upload::Model,
    pairs: &[(String, String)],
) -> ApiResult<(CheckOut, Option<imports::Plan>)> {
    let t = v.tr();
    let (prepared, choices, mapping, _, plan) = plan_upload(s, up, pairs).await?;
    let columns = mapping
        .columns
        .iter()
        .enumerate()
        .map(|(index, c)| ColumnOut {
            index,
            header: c.header.clone(),
            target: c.target.map(|x| x.id().to_string()),
            unit: c.unit.clone(),
        })
        .collect();
    let (counts, problems_total, problems, refused, plan) = match plan {
        Ok(p) => (
            p.counts,
            p.problems.len(),
            p.problems
                .iter()
                .take(MAX_PROBLEMS)
                .map(|x| problem_out(&t, x))
                .collect(),
            p.refused(),
            Some(p),
        ),
        Err(e) => (
            Counts::default(),
            1,
            vec![ProblemOut {
                line: 0,
                column: String::new(),
                header: String::new(),
                value: up.file_name.clone(),
                rule: "file.unreadable".into(),
                severity: "error".into(),
                message: crate::upload::read_error(&t, &e),
            }],
            true,
            None,
        ),
    };
    let out = CheckOut {
        upload_id: up.id,
        zone_id: up.zone_id,
        file_name: up.file_name.clone(),
        sheet: prepared.read.sheet.clone(),
        kind: choices.kind.id().into(),
        source: choices.source.map(|x| x.id().to_string()),
        columns,
        can_commit: !refused && counts.changes() > 0 && choices.source.is_some(),
        counts,
        refused,
        problems_total,
        problems,
    };
    Ok((out, plan))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/imports/uploads", params(("id" = i64, Path), CheckParams), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The spreadsheet's bytes (XLSX, XLS, ODS, CSV in UTF-8 or GB18030)."), responses((status = 201, description = "kept and checked; commit it with /imports/uploads/{id}/commit", body = CheckOut), (status = 403, body = ErrorEnvelope), (status = 413, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn upload(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(p): Query<CheckParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<CheckOut>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    p.checked()?;
    let name = p.file_name.clone().unwrap_or_default();
    let mut errs = Vec::new();
    if name.trim().is_empty() {
        errs.push(FieldError::new("file_name", "required", ""));
    }
    if body.is_empty() {
        errs.push(FieldError::new("body", "required", ""));
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(errs));
    }
    let up = imports::stage_upload(&s.db.conn, id, v.user.id, name.trim(), body.to_vec()).await?;
    let (out, _) = checked(&s, &v, &up, &p.pairs()).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(get, path = "/api/v1/imports/uploads/{id}", params(("id" = i64, Path), CheckParams), responses((status = 200, body = CheckOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn check(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(p): Query<CheckParams>,
) -> ApiResult<Json<CheckOut>> {
    let up = upload_in_scope(&s, &v, id).await?;
    p.checked()?;
    Ok(Json(checked(&s, &v, &up, &p.pairs()).await?.0))
}

/// A column's reading chosen by the caller, overriding the recognised one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ColumnChoice {
    pub index: usize,
    /// A fact field or register column id; null or "" ignores the column.
    pub target: Option<String>,
    pub unit: Option<String>,
}

/// How to commit an upload: the source is required; the rest as in the check.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommitIn {
    pub source: FactSource,
    /// `facts` (default) or `enterprises` (a register).
    #[schema(pattern = "^(facts|enterprises)$")]
    pub kind: Option<String>,
    pub year: Option<i32>,
    #[serde(default)]
    pub columns: Vec<ColumnChoice>,
}

#[utoipa::path(post, path = "/api/v1/imports/uploads/{id}/commit", params(("id" = i64, Path)), request_body = CommitIn, responses((status = 202, description = "committing as a job; poll /jobs/{id}", body = JobOut), (status = 403, body = ErrorEnvelope), (status = 409, description = "another import into the zone is committing", body = ErrorEnvelope), (status = 422, description = "the file is refused or would change nothing", body = ErrorEnvelope)))]
async fn commit(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(c): Json<CommitIn>,
) -> ApiResult<(StatusCode, Json<JobOut>)> {
    // A commit sent again (a retry after a lost answer) gets the job it started, running or
    // done, never a second commit; once committed the upload itself is gone. After a failed
    // or cancelled commit, nothing was written: the upload may be committed again.
    let earlier = jobs::latest_on(&s.db.conn, JobKind::Import, id).await?;
    let ended_empty = [JobState::Failed.id(), JobState::Cancelled.id()];
    if let Some(j) = earlier.filter(|j| !ended_empty.contains(&j.state.as_str())) {
        zone_in_scope(&s, &v, j.zone_id.unwrap_or_default()).await?;
        v.require_write()?;
        return Ok((StatusCode::ACCEPTED, Json(crate::jobs::view(&s, j).into())));
    }
    let up = upload_in_scope(&s, &v, id).await?;
    let unknown: Vec<FieldError> = c
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, col)| {
            let t = col.target.as_deref().unwrap_or("");
            (!t.is_empty() && Target::parse(t).is_none())
                .then(|| FieldError::new(&format!("columns[{i}].target"), "choice.unknown", t))
        })
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid(unknown));
    }
    let params = CheckParams {
        file_name: None,
        kind: c.kind.clone(),
        source: Some(c.source),
        year: c.year,
    };
    params.checked()?;
    let mut pairs = params.pairs();
    for col in &c.columns {
        pairs.push((
            format!("col{}", col.index),
            col.target.clone().unwrap_or_default(),
        ));
        pairs.push((
            format!("unit{}", col.index),
            col.unit.clone().unwrap_or_default(),
        ));
    }
    let (out, plan) = checked(&s, &v, &up, &pairs).await?;
    let beyond: Vec<FieldError> = c
        .columns
        .iter()
        .enumerate()
        .filter(|(_, col)| col.index >= out.columns.len())
        .map(|(i, col)| {
            FieldError::new(
                &format!("columns[{i}].index"),
                "number.out_of_range",
                col.index.to_string(),
            )
        })
        .collect();
    if !beyond.is_empty() {
        return Err(ApiError::invalid(beyond));
    }
    let Some(plan) = plan.filter(|_| out.can_commit) else {
        let rule = if out.refused {
            "import.refused"
        } else {
            "import.no_changes"
        };
        return Err(ApiError::invalid(vec![FieldError::new(
            "upload",
            rule,
            id.to_string(),
        )]));
    };
    match crate::jobs::start_import(&s, &v.actor(), id, plan).await {
        Ok(j) => Ok((StatusCode::ACCEPTED, Json(crate::jobs::view(&s, j).into()))),
        Err(crate::jobs::Refused::Busy(running)) => Err(ApiError::conflict(
            "zone_id",
            "import.busy",
            running.id.to_string(),
        )),
        Err(crate::jobs::Refused::Db(e)) => Err(e.into()),
    }
}

/// A committed import: what it read, what it changed, its problems and whether it was
/// reverted.
#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub id: i64,
    pub zone_id: i64,
    /// `facts` or `enterprises` (a register).
    #[schema(pattern = "^(facts|enterprises)$")]
    pub kind: String,
    #[schema(value_type = FactSource)]
    pub source: String,
    pub year: Option<i32>,
    pub file_name: String,
    pub file_sha256: String,
    pub sheet: String,
    /// `committed` or `reverted`.
    #[schema(pattern = "^(committed|reverted)$")]
    pub status: String,
    pub created_by: String,
    pub created_at: String,
    pub counts: Counts,
    pub reverted_by: Option<String>,
    pub reverted_at: Option<String>,
}

impl From<import::Model> for ImportOut {
    fn from(m: import::Model) -> Self {
        ImportOut {
            counts: Counts::from(&m),
            id: m.id,
            zone_id: m.zone_id,
            kind: m.kind,
            source: m.source,
            year: m.year,
            file_name: m.file_name,
            file_sha256: m.file_sha256,
            sheet: m.sheet,
            status: m.status,
            created_by: m.created_by,
            created_at: m.created_at.to_rfc3339(),
            reverted_by: m.reverted_by,
            reverted_at: m.reverted_at.map(|t| t.to_rfc3339()),
        }
    }
}

list_of!(
    /// A page of a zone's imports, newest first.
    ImportList,
    ImportOut
);

async fn import_in_scope(s: &AppState, v: &Viewer, id: i64) -> ApiResult<import::Model> {
    let m = imports::get(&s.db.conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    zone_in_scope(s, v, m.zone_id).await?;
    Ok(m)
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/imports", params(("id" = i64, Path), Paging), responses((status = 200, body = ImportList), (status = 422, body = ErrorEnvelope)))]
async fn history(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<ImportList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    Ok(Json(
        imports::history(&s.db.conn, id, page, per_page)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/imports/{id}", params(("id" = i64, Path)), responses((status = 200, body = ImportOut)))]
async fn get_import(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<ImportOut>> {
    Ok(Json(import_in_scope(&s, &v, id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct RevertOut {
    pub facts_removed: usize,
    pub enterprises_removed: usize,
    pub enterprises_restored: usize,
    /// Credit codes of enterprises the import created that later records still use.
    pub enterprises_kept: Vec<String>,
}

impl From<Reverted> for RevertOut {
    fn from(r: Reverted) -> Self {
        RevertOut {
            facts_removed: r.facts_removed,
            enterprises_removed: r.enterprises_removed,
            enterprises_restored: r.enterprises_restored,
            enterprises_kept: r.enterprises_kept,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/imports/{id}/revert", params(("id" = i64, Path)), responses((status = 200, body = RevertOut), (status = 403, body = ErrorEnvelope), (status = 409, description = "already reverted", body = ErrorEnvelope)))]
async fn revert(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<RevertOut>> {
    let m = import_in_scope(&s, &v, id).await?;
    v.require_write()?;
    if m.status != "committed" {
        return Err(ApiError::conflict("id", "import.reverted", id.to_string()));
    }
    Ok(Json(
        imports::revert(&s.db.conn, &v.actor(), id).await?.into(),
    ))
}

/// Long work and how far it got.
#[derive(Serialize, ToSchema)]
pub struct JobOut {
    pub id: i64,
    #[schema(value_type = JobKind)]
    pub kind: String,
    pub zone_id: Option<i64>,
    pub username: String,
    /// What it works on (an import: the upload).
    pub subject_id: Option<i64>,
    #[schema(value_type = JobState)]
    pub state: String,
    pub done: i64,
    pub total: i64,
    /// What it made (an import: the import's id; null when nothing changed).
    pub result_id: Option<i64>,
    /// The counts it reported at its end (a unit register: `file_name`, `counts`, and the
    /// first 300 `problems` with `more`).
    pub counts: Option<serde_json::Value>,
    /// Why it failed.
    pub error: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
}

impl From<job::Model> for JobOut {
    fn from(j: job::Model) -> Self {
        JobOut {
            id: j.id,
            kind: j.kind,
            zone_id: j.zone_id,
            username: j.username,
            subject_id: j.subject_id,
            state: j.state,
            done: j.done,
            total: j.total,
            result_id: j.result_id,
            counts: j.counts.and_then(|c| serde_json::from_str(&c).ok()),
            error: j.error,
            started_at: j.started_at.to_rfc3339(),
            finished_at: j.finished_at.map(|t| t.to_rfc3339()),
        }
    }
}

list_of!(
    /// A page of a zone's jobs, newest first.
    JobList,
    JobOut
);

#[utoipa::path(get, path = "/api/v1/zones/{id}/jobs", params(("id" = i64, Path), Paging), responses((status = 200, body = JobList), (status = 422, body = ErrorEnvelope)))]
async fn list_jobs(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<JobList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let mut p = jobs::list(&s.db.conn, id, page, per_page).await?;
    p.items = p
        .items
        .into_iter()
        .map(|j| crate::jobs::view(&s, j))
        .collect();
    Ok(Json(p.into()))
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = i64, Path)), responses((status = 200, body = JobOut)))]
async fn get_job(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobOut>> {
    let j = job_in_scope(&s, &v, id).await?;
    Ok(Json(crate::jobs::view(&s, j).into()))
}

/// A job the caller may see: its zone is in the caller's scope.
async fn job_in_scope(s: &AppState, v: &Viewer, id: i64) -> ApiResult<job::Model> {
    let j = jobs::get(&s.db.conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    match j.zone_id {
        Some(z) => zone_in_scope(s, v, z).await?,
        None => return Err(ApiError::not_found()),
    };
    Ok(j)
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", params(("id" = i64, Path)), responses((status = 202, description = "the job stops at its next batch and rolls back; poll /jobs/{id} until its state is cancelled (or done, when it finished first)", body = JobOut), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, description = "the job is not running, or is of a kind that cannot stop half-way (chain suggestions)", body = ErrorEnvelope)))]
async fn cancel_job(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<JobOut>)> {
    let j = job_in_scope(&s, &v, id).await?;
    v.require_write()?;
    match crate::jobs::cancel(&s, &j, &v.user.username) {
        Ok(()) => Ok((StatusCode::ACCEPTED, Json(crate::jobs::view(&s, j).into()))),
        Err(crate::jobs::NotCancelled::NotRunning) => {
            Err(ApiError::conflict("id", "job.not_running", id.to_string()))
        }
        Err(crate::jobs::NotCancelled::NotCancellable) => Err(ApiError::conflict(
            "id",
            "job.not_cancellable",
            id.to_string(),
        )),
    }
}
