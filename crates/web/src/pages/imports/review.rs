//! One upload before it is committed: the column mapping, the validation report and the
//! commit with its progress.

use super::zone_for;
use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::{Chrome, attachment};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::import::headers::{base_unit_label, units_of};
use devzone_core::import::{ColumnMap, Kind, Layout, Mapping, Problem, Severity, Target};
use devzone_core::model::FactSource;
use devzone_core::model::{JobKind, JobState};
use devzone_db::entities::{import_upload, zone};
use devzone_db::repo::imports::{self, Counts, Plan, Request};
use devzone_db::repo::jobs;
use devzone_db::repo::zones;
use devzone_io::import::Prepared;
use std::collections::HashMap;
use std::sync::Arc;

/// The choices on the mapping form, read from the query string (or the commit form).
#[derive(Debug, Clone)]
pub(crate) struct Choices {
    pub(crate) kind: Kind,
    pub(crate) source: Option<FactSource>,
    pub(crate) year: Option<i32>,
    /// The source was proposed from the file's name or title, not chosen.
    pub(crate) source_hinted: bool,
    /// Column → target id ("" = ignored) and unit, when the form sent them.
    pub(crate) columns: HashMap<usize, (String, String)>,
}

impl Choices {
    pub(super) fn parse(pairs: &[(String, String)]) -> Choices {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
        };
        let mut columns: HashMap<usize, (String, String)> = HashMap::new();
        for (k, val) in pairs {
            if let Some(i) = k.strip_prefix("col").and_then(|i| i.parse().ok()) {
                columns.entry(i).or_default().0 = val.clone();
            } else if let Some(i) = k.strip_prefix("unit").and_then(|i| i.parse().ok()) {
                columns.entry(i).or_default().1 = val.clone();
            }
        }
        Choices {
            kind: get("kind")
                .and_then(|k| Kind::parse(&k))
                .unwrap_or(Kind::Facts),
            source: get("source").and_then(|s| FactSource::parse(&s)),
            year: get("year").and_then(|y| y.parse().ok()),
            source_hinted: false,
            columns,
        }
    }

    /// The mapping: the form's choices where it made them, else `base`.
    pub(super) fn mapping(&self, base: &Mapping) -> Mapping {
        let mut m = base.clone();
        for (i, c) in m.columns.iter_mut().enumerate() {
            if let Some((target, unit)) = self.columns.get(&i) {
                c.target = Target::parse(target);
                c.unit = Some(unit.clone())
                    .filter(|u| !u.is_empty() && c.target.and_then(Target::unit).is_some());
            }
        }
        m
    }

    pub(super) fn query(&self, m: &Mapping) -> String {
        let mut pairs = vec![("kind".to_string(), self.kind.id().to_string())];
        if let Some(s) = self.source {
            pairs.push(("source".into(), s.id().into()));
        }
        if let Some(y) = self.year {
            pairs.push(("year".into(), y.to_string()));
        }
        for (i, c) in m.columns.iter().enumerate() {
            pairs.push((
                format!("col{i}"),
                c.target.map(|t| t.id().to_string()).unwrap_or_default(),
            ));
            pairs.push((format!("unit{i}"), c.unit.clone().unwrap_or_default()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// An upload the viewer may work on, read and prepared.
pub(crate) async fn upload_for(
    state: &AppState,
    v: &Viewer,
    upload_id: i64,
) -> Result<(import_upload::Model, zone::Model), PageError> {
    let up = imports::upload(&state.db.conn, upload_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let zone = zone_for(state, v, up.zone_id).await?;
    v.require_write()?;
    Ok((up, zone))
}

/// Reads the file, picks the mapping (form, else saved, else recognised) and plans.
pub(crate) async fn plan_upload(
    state: &AppState,
    up: &import_upload::Model,
    pairs: &[(String, String)],
) -> Result<
    (
        Arc<Prepared>,
        Choices,
        Mapping,
        Option<String>,
        Result<Plan, Arc<devzone_io::read::ReadError>>,
    ),
    PageError,
> {
    let mut choices = Choices::parse(pairs);
    let read = state.sheets.prepared(up, Layout::detect).await?;
    let prepared = match read {
        Ok(p) => p,
        Err(e) => {
            let empty = Arc::new(Prepared::empty(&up.file_name));
            return Ok((empty, choices, Mapping::default(), None, Err(e)));
        }
    };
    let saved = imports::saved_mapping(&state.db.conn, up.zone_id, &prepared.signature).await?;
    let base = match &saved {
        Some((m, source, kind)) => {
            if choices.source.is_none() {
                choices.source = FactSource::parse(source);
            }
            if !pairs.iter().any(|(k, _)| k == "kind") {
                choices.kind = Kind::parse(kind).unwrap_or(choices.kind);
            }
            m.clone()
        }
        None => {
            // A layout never imported here: the file's own name may say where it is from
            // (the sample sheets do); proposed, and shown as proposed, until chosen.
            if !pairs.iter().any(|(k, _)| k == "source") {
                choices.source = prepared.source_hint();
                choices.source_hinted = choices.source.is_some();
            }
            prepared.recognised()
        }
    };
    let mapping = choices.mapping(&base);
    let saved_from = saved.map(|(_, s, _)| s);
    let checked = {
        let (read, mapping) = (prepared.clone(), mapping.clone());
        let (kind, year) = (choices.kind, choices.year);
        crate::upload::blocking(move || read.check(&mapping, kind, year)).await?
    };
    let request = Request {
        zone_id: up.zone_id,
        kind: choices.kind,
        source: choices.source.unwrap_or(FactSource::Officer),
        as_of: devzone_core::calendar::today(),
        year: choices.year,
        file_name: up.file_name.clone(),
        file_sha256: prepared.sha256.clone(),
        sheet: prepared.read.sheet.clone(),
        mapping: mapping.clone(),
        signature: prepared.signature.clone(),
    };
    let plan = imports::plan(&state.db.conn, request, checked).await?;
    Ok((prepared, choices, mapping, saved_from, Ok(plan)))
}

pub struct ColumnView {
    pub(super) index: usize,
    pub(super) letter: String,
    pub(super) header: String,
    pub(super) target: String,
    pub(super) unit: String,
    pub(super) units: Vec<(String, String)>,
    pub(super) samples: String,
}

pub struct ProblemView {
    pub(crate) line: String,
    pub(crate) column: String,
    pub(crate) header: String,
    pub(crate) value: String,
    pub(crate) message: String,
    pub(crate) severity: &'static str,
}

/// The counts of a plan or of a committed import, labelled, with the class that colours
/// them (new and changed: ok, rejected: bad, warnings: warn).
pub(super) fn count_list(t: &Tr, c: &Counts) -> Vec<(String, usize, &'static str)> {
    [
        ("rows_read", c.rows_read, ""),
        ("inserted", c.inserted, "ok"),
        ("updated", c.updated, "ok"),
        ("unchanged", c.unchanged, ""),
        ("not_current", c.not_current, ""),
        ("enterprises_created", c.enterprises_created, "ok"),
        ("enterprises_updated", c.enterprises_updated, "ok"),
        ("rejected", c.rejected, "bad"),
        ("warnings", c.warnings, "warn"),
    ]
    .into_iter()
    .map(|(key, n, class)| (t.tv("import.c", key), n, class))
    .collect()
}

pub fn problem_view(t: &Tr, p: &Problem) -> ProblemView {
    ProblemView {
        line: if p.line == 0 {
            "—".into()
        } else {
            p.line.to_string()
        },
        column: p.column_letter(),
        header: p.header.clone(),
        value: p.value.clone(),
        message: t.import_problem(p),
        severity: match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/upload.html")]
pub struct UploadPage {
    pub(super) c: Chrome,
    pub(super) zone_id: i64,
    pub(super) upload_id: i64,
    pub(super) file_name: String,
    pub(super) size_kb: String,
    pub(super) sheet: String,
    pub(super) read_error: Option<String>,
    pub(super) header_lines: String,
    pub(super) data_rows: usize,
    pub(super) kind: String,
    pub(super) source: String,
    pub(super) year: String,
    pub(super) sources: Vec<(String, String)>,
    pub(super) saved_from: Option<String>,
    pub(super) source_hinted: bool,
    pub(super) targets: Vec<(String, String)>,
    pub(super) columns: Vec<ColumnView>,
    pub(super) preview: Vec<(usize, Vec<String>)>,
    pub(super) counts: Vec<(String, usize, &'static str)>,
    pub(super) problems: Vec<ProblemView>,
    pub(super) more_problems: usize,
    pub(super) refused: bool,
    pub(super) can_commit: bool,
    pub(super) need_source: bool,
    pub(super) query: String,
    pub(super) job_error: Option<String>,
    /// The last commit of this upload was cancelled (nothing written).
    pub(super) job_cancelled: bool,
}

/// A commit under way (of an import or a unit register): a progress bar that refreshes
/// itself, and a cancel button.
#[derive(Template, WebTemplate)]
#[template(path = "imports/progress.html")]
pub struct ProgressPage {
    pub(crate) c: Chrome,
    /// The heading, e.g. "正在提交".
    pub(crate) title: String,
    pub(crate) file_name: String,
    /// Where the cancel form posts.
    pub(crate) cancel_to: String,
    pub(crate) done: usize,
    pub(crate) total: usize,
    /// A cancel was asked for: the commit stops at its next batch.
    pub(crate) cancelling: bool,
}

pub async fn show_upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let job = jobs::latest_on(&state.db.conn, JobKind::Import, upload_id)
        .await?
        .map(|j| crate::jobs::view(&state, j));
    // A finished commit has dropped the upload: go to the import (which checks access).
    if let Some(j) = &job
        && let Some(import_id) = j.result_id
    {
        return Ok(Redirect::to(&format!("/imports/{import_id}")).into_response());
    }
    let (up, zone) = upload_for(&state, &v, upload_id).await?;
    let t = v.tr();
    // While the commit runs, the page shows its progress only: reading and checking the
    // file again beside the writer would compete with it for nothing.
    if let Some(j) = &job
        && j.state == JobState::Running.id()
    {
        let all = zones::list(&state.db.conn, &v.scope).await?;
        return Ok(ProgressPage {
            c: Chrome::new(&v, t.t("import.title"), &all, Some(zone.id)),
            title: t.t("import.committing").into(),
            file_name: up.file_name.clone(),
            cancel_to: format!("/imports/uploads/{upload_id}/cancel"),
            done: j.done.max(0) as usize,
            total: j.total.max(1) as usize,
            cancelling: crate::jobs::cancelling(&state, j.id),
        }
        .into_response());
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let (prepared, choices, mapping, saved_from, plan) = plan_upload(&state, &up, &pairs).await?;
    let preview = prepared.preview(8);
    let columns = mapping
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| column_view(&t, i, c, &preview))
        .collect();
    let (counts, problems, more, refused, can_commit) = match &plan {
        Ok(p) => {
            let counts = count_list(&t, &p.counts);
            let shown: Vec<ProblemView> = p
                .problems
                .iter()
                .take(SHOWN_PROBLEMS)
                .map(|x| problem_view(&t, x))
                .collect();
            (
                counts,
                shown,
                p.problems.len().saturating_sub(SHOWN_PROBLEMS),
                p.refused(),
                !p.refused() && p.counts.changes() > 0,
            )
        }
        Err(_) => (Vec::new(), Vec::new(), 0, true, false),
    };
    // A commit refused because another import into the zone was running says so.
    let busy = pairs
        .iter()
        .find(|(k, _)| k == "busy")
        .map(|(_, j)| j.clone());
    let job_cancelled = job
        .as_ref()
        .is_some_and(|j| j.state == JobState::Cancelled.id());
    let job_error = match busy {
        Some(j) => Some(t.f("import.busy", &[("job", &j)])),
        None => job
            .filter(|j| j.state == JobState::Failed.id())
            .and_then(|j| j.error),
    };
    let all = zones::list(&state.db.conn, &v.scope).await?;
    let layout = prepared.layout.as_ref();
    let page = UploadPage {
        c: Chrome::new(&v, t.t("import.title"), &all, Some(zone.id)),
        zone_id: zone.id,
        upload_id,
        file_name: up.file_name.clone(),
        size_kb: format!("{:.1}", up.bytes.len() as f64 / 1024.0),
        sheet: prepared.read.sheet.clone(),
        read_error: plan
            .as_ref()
            .err()
            .map(|e| crate::upload::read_error(&t, e)),
        header_lines: layout
            .map(|l| {
                l.header_rows
                    .iter()
                    .map(|r| prepared.read.grid.line(*r).to_string())
                    .collect::<Vec<_>>()
                    .join("–")
            })
            .unwrap_or_default(),
        data_rows: layout.map_or(0, |l| l.data_rows.len()),
        kind: choices.kind.id().into(),
        source: choices
            .source
            .map(|s| s.id().to_string())
            .unwrap_or_default(),
        year: choices.year.map(|y| y.to_string()).unwrap_or_default(),
        sources: FactSource::ALL
            .iter()
            .map(|s| (s.id().to_string(), source_label(&t, s.id())))
            .collect(),
        saved_from: saved_from.map(|s| source_label(&t, &s)),
        source_hinted: choices.source_hinted,
        targets: Target::all()
            .map(|x| (x.id().to_string(), target_label(&t, x)))
            .collect(),
        columns,
        preview,
        counts,
        problems,
        more_problems: more,
        refused,
        can_commit: can_commit && choices.source.is_some(),
        need_source: choices.source.is_none(),
        query: choices.query(&mapping),
        job_error,
        job_cancelled,
    };
    Ok(page.into_response())
}

pub(super) fn column_view(
    t: &Tr,
    i: usize,
    c: &ColumnMap,
    preview: &[(usize, Vec<String>)],
) -> ColumnView {
    let units = c
        .target
        .and_then(Target::unit)
        .map(|u| {
            units_of(u)
                .iter()
                .map(|(l, _, _)| (l.to_string(), l.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let _ = t;
    ColumnView {
        index: i,
        letter: devzone_core::import::column_letter(i),
        header: c.header.clone(),
        target: c.target.map(|x| x.id().to_string()).unwrap_or_default(),
        unit: c
            .unit
            .clone()
            .or_else(|| {
                c.target
                    .and_then(Target::unit)
                    .map(|u| base_unit_label(u).to_string())
            })
            .unwrap_or_default(),
        units,
        samples: preview
            .iter()
            .take(3)
            .filter_map(|(_, cells)| cells.get(i).filter(|s| !s.is_empty()).cloned())
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// The uploaded sheet with its problem cells highlighted and commented.
pub async fn report(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (up, _) = upload_for(&state, &v, upload_id).await?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let (prepared, _, _, _, plan) = plan_upload(&state, &up, &pairs).await?;
    let plan = plan.map_err(|_| PageError::new(StatusCode::UNPROCESSABLE_ENTITY))?;
    let t = v.tr();
    let headers = [
        t.t("import.p.line"),
        t.t("import.p.column"),
        t.t("import.p.header"),
        t.t("import.p.value"),
        t.t("import.p.rule"),
        t.t("import.p.message"),
    ];
    let bytes = prepared
        .report_xlsx(&plan.problems, &|p| t.import_problem(p), headers)
        .map_err(|e| {
            tracing::error!(error = %e, "import report failed");
            PageError::new(StatusCode::INTERNAL_SERVER_ERROR)
        })?;
    let stem = up
        .file_name
        .rsplit_once('.')
        .map_or(up.file_name.as_str(), |(s, _)| s);
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "import-report.xlsx",
        &format!("{stem}-{}.xlsx", t.t("import.report_suffix")),
    ))
}

/// Checks again with the form's choices and commits in the background.
pub async fn commit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // A commit sent again (a second click, or the browser repeating the request) goes to
    // the commit already under way or done, never to a second one; but only after the
    // viewer's right to the upload (or, once committed, to its import) is checked.
    let job = jobs::latest_on(&state.db.conn, JobKind::Import, upload_id).await?;
    if let Some(import_id) = job.as_ref().and_then(|j| j.result_id) {
        import_for(&state, &v, import_id).await?;
        v.require_write()?;
        return Ok(Redirect::to(&format!("/imports/{import_id}")).into_response());
    }
    let (up, _) = upload_for(&state, &v, upload_id).await?;
    if job.is_some_and(|j| j.state == JobState::Running.id()) {
        return Ok(Redirect::to(&format!("/imports/uploads/{upload_id}")).into_response());
    }
    let choices = Choices::parse(&pairs);
    if choices.source.is_none() {
        return Err(PageError::new(StatusCode::UNPROCESSABLE_ENTITY));
    }
    let (_, choices, mapping, _, plan) = plan_upload(&state, &up, &pairs).await?;
    let plan = plan.map_err(|_| PageError::new(StatusCode::UNPROCESSABLE_ENTITY))?;
    if plan.refused() {
        return Err(PageError::new(StatusCode::UNPROCESSABLE_ENTITY));
    }
    match crate::jobs::start_import(&state, &v.actor(), upload_id, plan).await {
        Ok(_) => {}
        Err(crate::jobs::Refused::Busy(running)) => {
            // Another import into this zone is committing: its upload shows its progress.
            return Ok(Redirect::to(&format!(
                "/imports/uploads/{upload_id}?busy={}&{}",
                running.id,
                choices.query(&mapping)
            ))
            .into_response());
        }
        Err(crate::jobs::Refused::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/imports/uploads/{upload_id}?{}",
        choices.query(&mapping)
    ))
    .into_response())
}

/// Asks the running commit of an upload to stop (it rolls back), then shows the upload.
pub async fn cancel(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    let job = jobs::latest_on(&state.db.conn, JobKind::Import, upload_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    // The job's zone decides access: a finished commit has dropped its upload.
    let zone = job.zone_id.ok_or_else(PageError::not_found)?;
    zone_for(&state, &v, zone).await?;
    v.require_write()?;
    // A commit that ended meanwhile is shown as it ended.
    let _ = crate::jobs::cancel(&state, &job, &v.user.username);
    Ok(Redirect::to(&format!("/imports/uploads/{upload_id}")).into_response())
}
