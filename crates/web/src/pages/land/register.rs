//! The unit register (房源台账) in and out as a spreadsheet: download of the zone's register
//! (also the template), upload → check → report → commit, and the report workbook.

use crate::AppState;
use crate::error::PageError;
use crate::pages::imports::ProgressPage;
use crate::pages::imports::upload_for;
use crate::pages::zone_for;
use crate::session::{PageViewer, Viewer};
use crate::upload::read_multipart;
use crate::views::{Chrome, attachment};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::import::{Problem, Severity};
use devzone_core::land::sheet;
use devzone_core::model::{JobKind, JobState};
use devzone_db::entities::{import_upload, job};
use devzone_db::repo::land::{self, RegisterCounts};
use devzone_db::repo::{imports, jobs, zones};
use devzone_io::import::Prepared;
use devzone_io::{Cell, Table};
use std::collections::HashMap;
use std::sync::Arc;

/// The zone's units as a register sheet: the export, and the template for the import.
pub async fn download(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let inv = land::inventory(db, id, None).await?;
    let today = devzone_core::calendar::today();
    let plots: HashMap<i64, &str> = inv.plots.iter().map(|p| (p.id, p.code.as_str())).collect();
    let buildings: HashMap<i64, &devzone_db::entities::building::Model> =
        inv.buildings.iter().map(|b| (b.id, b)).collect();
    let ids: Vec<i64> = inv.units.iter().map(|u| u.id).collect();
    let current = devzone_db::repo::requirements::current_leases(db, &ids, today).await?;
    let tenants =
        land::enterprise_names(db, id, current.values().filter_map(|l| l.tenant_id)).await?;
    let rows = inv
        .units
        .iter()
        .filter_map(|u| {
            let b = buildings.get(&u.building_id)?;
            let l = current.get(&u.id);
            let text = |s: &str| Cell::Text(s.to_string());
            let date = |d: Option<chrono::NaiveDate>| {
                d.map(|d| Cell::Text(d.to_string())).unwrap_or(Cell::Empty)
            };
            Some(vec![
                text(plots.get(&b.plot_id).copied().unwrap_or("")),
                text(&b.name),
                text(&t.tv("building_type", &b.building_type)),
                Cell::Number(b.floor_area_m2),
                text(&u.name),
                u.floor.as_deref().map(text).unwrap_or(Cell::Empty),
                Cell::Number(u.area_m2),
                text(&t.tv("unit_status", &u.status)),
                u.rent.map(Cell::Number).unwrap_or(Cell::Empty),
                l.and_then(|l| super::buildings::tenant(l, &tenants))
                    .map(Cell::Text)
                    .unwrap_or(Cell::Empty),
                date(l.map(|l| l.start_on)),
                date(l.map(|l| l.end_on)),
                date(u.last_verified),
            ])
        })
        .collect();
    let table = Table {
        sheet: "房源台账".into(),
        headers: sheet::headers(),
        rows,
    };
    let stem = format!("{}-房源台账-{}", zone.name, today.format("%Y%m%d"));
    crate::views::download(&table, None, "unit-register", &stem)
}

pub async fn upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let Ok((Some((name, bytes)), _)) = read_multipart(&mut form).await else {
        return Ok(Redirect::to(&format!("/zones/{id}/land?register=no_file")).into_response());
    };
    let up = imports::stage_upload(&state.db.conn, id, v.user.id, &name, bytes).await?;
    Ok(Redirect::to(&format!("/land/register/{}", up.id)).into_response())
}

/// A staged register read and checked: the rows the database is to see, how many were
/// read, and what the check found.
struct Checked {
    prepared: Arc<Prepared>,
    rows: Vec<devzone_core::land::sheet::UnitRow>,
    rows_read: usize,
    problems: Vec<Problem>,
}

async fn check(
    state: &AppState,
    v: &Viewer,
    up: &import_upload::Model,
) -> Result<Checked, PageError> {
    let refused = |prepared, problem| Checked {
        prepared,
        rows: Vec::new(),
        rows_read: 0,
        problems: vec![problem],
    };
    let prepared = match state.sheets.prepared(up, sheet::detect).await? {
        Ok(p) => p,
        Err(e) => {
            let p = Arc::new(Prepared::empty(&up.file_name));
            let problem =
                Problem::error(0, "file.unreadable", crate::upload::read_error(&v.tr(), &e));
            return Ok(refused(p, problem));
        }
    };
    let Some(layout) = prepared.layout.clone() else {
        let problem = Problem::error(0, "land.register_no_header", "");
        return Ok(refused(prepared, problem));
    };
    let checked = sheet::check(&prepared.read.grid, &layout);
    let mut problems = prepared.notices.clone();
    problems.extend(checked.problems);
    Ok(Checked {
        prepared,
        rows: checked.rows,
        rows_read: checked.rows_read,
        problems,
    })
}

/// Checks a staged register and tries it against the database, writing nothing: the counts
/// it would make and every problem, by line.
async fn dry_run(
    state: &AppState,
    v: &Viewer,
    up: &import_upload::Model,
) -> Result<(Arc<Prepared>, RegisterCounts, Vec<Problem>), PageError> {
    let c = check(state, v, up).await?;
    let (counts, found) = land::import_units(
        &state.db.conn,
        &v.actor(),
        up.zone_id,
        &c.rows,
        devzone_core::calendar::today(),
        true,
        &mut |_, _| true,
    )
    .await?;
    let mut problems = c.problems;
    problems.extend(found);
    problems.sort_by_key(|p| (p.line, p.column));
    Ok((
        c.prepared,
        counts.after_check(c.rows_read, c.rows.len()),
        problems,
    ))
}

pub struct ProblemRow {
    pub line: String,
    pub column: String,
    pub value: String,
    pub message: String,
    pub severity: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "land/register.html")]
struct RegisterPage {
    c: Chrome,
    zone_id: i64,
    upload_id: i64,
    file_name: String,
    counts: Vec<(String, usize)>,
    problems: Vec<ProblemRow>,
    more: usize,
    committed: bool,
    can_commit: bool,
    /// Why the last commit of this file did not write (failed, cancelled, or another
    /// register commit running in the zone), with its style (`ok`, `alert`).
    notice: Option<(&'static str, String)>,
}

/// The register page: the dry run's findings, or (`committed`) what the commit did.
#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    v: &Viewer,
    zone: &devzone_db::entities::zone::Model,
    upload_id: i64,
    file_name: &str,
    counts: &RegisterCounts,
    problems: &[Problem],
    more: usize,
    committed: bool,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let t = v.tr();
    let shown = crate::jobs::REGISTER_PROBLEMS_KEPT;
    let changes = counts.buildings_created
        + counts.units_inserted
        + counts.units_updated
        + counts.leases_inserted;
    let page = RegisterPage {
        c: Chrome::load(
            &state.db.conn,
            v,
            &format!("{} · {}", t.t("land.register"), zone.name),
            Some(zone.id),
        )
        .await?,
        zone_id: zone.id,
        upload_id,
        file_name: file_name.to_string(),
        counts: vec![
            (t.t("land.reg.rows_read").into(), counts.rows_read),
            (t.t("land.reg.rejected").into(), counts.rejected),
            (
                t.t("land.reg.buildings_created").into(),
                counts.buildings_created,
            ),
            (t.t("land.reg.units_inserted").into(), counts.units_inserted),
            (t.t("land.reg.units_updated").into(), counts.units_updated),
            (t.t("land.reg.unchanged").into(), counts.unchanged),
            (
                t.t("land.reg.leases_inserted").into(),
                counts.leases_inserted,
            ),
        ],
        more: more + problems.len().saturating_sub(shown),
        problems: problems
            .iter()
            .take(shown)
            .map(|p| ProblemRow {
                line: if p.line > 0 {
                    p.line.to_string()
                } else {
                    String::new()
                },
                column: p.column.map(|_| p.column_letter()).unwrap_or_default(),
                value: p.value.clone(),
                message: t.import_problem(p),
                severity: match p.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Notice => "notice",
                }
                .into(),
            })
            .collect(),
        committed,
        can_commit: !committed && changes > 0,
        notice,
    };
    // Nothing of the file could be imported: the check itself is refused.
    let refused = !committed && counts.rows_read > 0 && counts.rejected == counts.rows_read;
    Ok(crate::views::form_response(page, refused))
}

/// The register's newest commit job, with this process's live progress, after the viewer's
/// right to its zone is checked.
async fn register_job(
    state: &AppState,
    v: &Viewer,
    upload_id: i64,
) -> Result<Option<(job::Model, devzone_db::entities::zone::Model)>, PageError> {
    let Some(j) = jobs::latest_on(&state.db.conn, JobKind::UnitRegister, upload_id).await? else {
        return Ok(None);
    };
    let zone = zone_for(state, v, j.zone_id.ok_or_else(PageError::not_found)?).await?;
    v.require_write()?;
    Ok(Some((crate::jobs::view(state, j), zone)))
}

/// The register: its progress while a commit runs, what the commit did once done (the
/// upload is gone then), else the dry run's findings.
pub async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let t = v.tr();
    let job = register_job(&state, &v, upload_id).await?;
    if let Some((j, zone)) = &job {
        if j.state == JobState::Running.id() {
            let all = zones::list(&state.db.conn, &v.scope).await?;
            let up = imports::upload(&state.db.conn, upload_id).await?;
            return Ok(ProgressPage {
                c: Chrome::new(&v, t.t("land.register"), &all, Some(zone.id)),
                title: t.t("land.reg.committing").into(),
                file_name: up.map(|u| u.file_name).unwrap_or_default(),
                cancel_to: format!("/land/register/{upload_id}/cancel"),
                done: j.done.max(0) as usize,
                total: j.total.max(1) as usize,
                cancelling: crate::jobs::cancelling(&state, j.id),
            }
            .into_response());
        }
        if j.state == JobState::Done.id() {
            let done: crate::jobs::RegisterDone = j
                .counts
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok())
                .ok_or_else(PageError::not_found)?;
            return render(
                &state,
                &v,
                zone,
                upload_id,
                &done.file_name,
                &done.counts,
                &done.problems,
                done.more,
                true,
                None,
            )
            .await;
        }
    }
    let (up, zone) = upload_for(&state, &v, upload_id).await?;
    let notice = match (q.busy, &job) {
        (Some(other), _) => Some((
            "alert",
            t.f("land.reg.busy", &[("job", &other.to_string())]),
        )),
        (None, Some((j, _))) if j.state == JobState::Cancelled.id() => {
            Some(("ok", t.t("import.cancelled").into()))
        }
        (None, Some((j, _))) => j.error.as_ref().map(|e| {
            let failed = t.t("import.commit_failed");
            ("alert", format!("{failed}: {e}"))
        }),
        (None, None) => None,
    };
    let (_, counts, problems) = dry_run(&state, &v, &up).await?;
    render(
        &state,
        &v,
        &zone,
        upload_id,
        &up.file_name,
        &counts,
        &problems,
        0,
        false,
        notice,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    /// Another register commit was running in the zone: its job.
    busy: Option<i64>,
}

/// Starts the commit as a job and shows its progress. A commit sent again goes to the one
/// under way or done, never to a second.
pub async fn commit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    let to_page = Redirect::to(&format!("/land/register/{upload_id}")).into_response();
    let job = register_job(&state, &v, upload_id).await?;
    let ended_empty = [JobState::Failed.id(), JobState::Cancelled.id()];
    if job.is_some_and(|(j, _)| !ended_empty.contains(&j.state.as_str())) {
        return Ok(to_page);
    }
    let (up, _) = upload_for(&state, &v, upload_id).await?;
    let c = check(&state, &v, &up).await?;
    if c.rows.is_empty() {
        return Err(PageError::new(StatusCode::UNPROCESSABLE_ENTITY));
    }
    match crate::jobs::start_register(&state, &v.actor(), &up, c.rows, c.rows_read, c.problems)
        .await
    {
        Ok(_) => Ok(to_page),
        Err(crate::jobs::Refused::Busy(running)) => Ok(Redirect::to(&format!(
            "/land/register/{upload_id}?busy={}",
            running.id
        ))
        .into_response()),
        Err(crate::jobs::Refused::Db(e)) => Err(e.into()),
    }
}

/// Asks the running commit of a register to stop (it rolls back), then shows the register.
pub async fn cancel(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    let (j, _) = register_job(&state, &v, upload_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    // A commit that ended meanwhile is shown as it ended.
    let _ = crate::jobs::cancel(&state, &j, &v.user.username);
    Ok(Redirect::to(&format!("/land/register/{upload_id}")).into_response())
}

/// The uploaded sheet with its problems marked, as the data import's report.
pub async fn report(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    let (up, _) = upload_for(&state, &v, upload_id).await?;
    let (prepared, _, problems) = dry_run(&state, &v, &up).await?;
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
        .report_xlsx(&problems, &|p| t.import_problem(p), headers)
        .map_err(|e| {
            tracing::error!(error = %e, "register report failed");
            PageError::new(StatusCode::INTERNAL_SERVER_ERROR)
        })?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "register-report.xlsx",
        &format!("{}-{}.xlsx", up.file_name, t.t("import.report_suffix")),
    ))
}
