//! The unit register (房源台账) in and out as a spreadsheet: download of the zone's register
//! (also the template), upload → check → report → commit, and the report workbook.

use crate::AppState;
use crate::error::PageError;
use crate::pages::imports::upload_for;
use crate::pages::zone_for;
use crate::session::{PageViewer, Viewer};
use crate::upload::read_multipart;
use crate::views::{Chrome, attachment};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::import::{Problem, Severity};
use devzone_core::land::sheet;
use devzone_db::entities::import_upload;
use devzone_db::repo::imports;
use devzone_db::repo::land::{self, RegisterCounts};
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

/// Reads, checks and plans (or, with `commit`, writes) a staged register.
async fn run(
    state: &AppState,
    v: &Viewer,
    up: &import_upload::Model,
    commit: bool,
) -> Result<(Arc<Prepared>, RegisterCounts, Vec<Problem>), PageError> {
    let prepared = match state.sheets.prepared(up, sheet::detect).await? {
        Ok(p) => p,
        Err(e) => {
            let p = Arc::new(Prepared::empty(&up.file_name));
            let problem =
                Problem::error(0, "file.unreadable", crate::upload::read_error(&v.tr(), &e));
            return Ok((p, RegisterCounts::default(), vec![problem]));
        }
    };
    let Some(layout) = prepared.layout.clone() else {
        let problem = Problem::error(0, "land.register_no_header", "");
        return Ok((prepared, RegisterCounts::default(), vec![problem]));
    };
    let checked = sheet::check(&prepared.read.grid, &layout);
    let mut problems = prepared.notices.clone();
    problems.extend(checked.problems);
    let (mut counts, db_problems) = land::import_units(
        &state.db.conn,
        &v.actor(),
        up.zone_id,
        &checked.rows,
        devzone_core::calendar::today(),
        !commit,
    )
    .await?;
    counts.rows_read = checked.rows_read;
    counts.rejected += checked.rows_read - checked.rows.len();
    problems.extend(db_problems);
    problems.sort_by_key(|p| (p.line, p.column));
    Ok((prepared, counts, problems))
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
}

async fn page(
    state: &AppState,
    v: &Viewer,
    upload_id: i64,
    commit: bool,
) -> Result<Response, PageError> {
    let (up, zone) = upload_for(state, v, upload_id).await?;
    let (_, counts, problems) = run(state, v, &up, commit).await?;
    if commit {
        imports::drop_upload(&state.db.conn, up.id).await?;
    }
    let t = v.tr();
    let shown = 300;
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
        file_name: up.file_name.clone(),
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
        more: problems.len().saturating_sub(shown),
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
        committed: commit,
        can_commit: !commit
            && counts.buildings_created
                + counts.units_inserted
                + counts.units_updated
                + counts.leases_inserted
                > 0,
    };
    // Nothing of the file could be imported: the check itself is refused.
    let refused = !commit && counts.rows_read > 0 && counts.rejected == counts.rows_read;
    Ok(crate::views::form_response(page, refused))
}

pub async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    page(&state, &v, upload_id, false).await
}

pub async fn commit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    page(&state, &v, upload_id, true).await
}

/// The uploaded sheet with its problems marked, as the data import's report.
pub async fn report(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(upload_id): Path<i64>,
) -> Result<Response, PageError> {
    let (up, _) = upload_for(&state, &v, upload_id).await?;
    let (prepared, _, problems) = run(&state, &v, &up, false).await?;
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
