//! A zone's evaluation runs: the list, starting a run, publishing one.

use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::zone_for;
use crate::session::PageViewer;
use crate::views::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::evaluation::Scheme;
use devzone_core::model::RunStatus;
use devzone_db::repo::evaluation::{self as ev, Summary};
use serde::Deserialize;
use std::collections::BTreeMap;

pub struct RunRow {
    pub id: i64,
    pub year: i32,
    pub scheme: String,
    pub status: String,
    pub status_id: String,
    pub progress: i32,
    pub created: String,
    pub published: String,
    pub counts: String,
}

pub struct SchemeRow {
    pub key: String,
    pub label: String,
    pub built_in: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/runs.html")]
pub(super) struct RunsPage {
    c: Chrome,
    zone_id: i64,
    runs: Vec<RunRow>,
    /// A run is in progress: the page refreshes itself.
    any_running: bool,
    schemes: Vec<SchemeRow>,
    years: Vec<i32>,
    default_year: i32,
}

pub(super) fn counts_text(t: &Tr, scheme: Option<&Scheme>, s: &Summary) -> String {
    let mut by_group: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (g, c, n) in &s.counts {
        by_group
            .entry(g)
            .or_default()
            .push(format!("{} {n}", class_label(t, Some(c))));
    }
    by_group
        .into_iter()
        .map(|(g, parts)| {
            let label = scheme
                .map(|sc| group_label(t, sc, g))
                .unwrap_or_else(|| g.to_string());
            format!("{label}: {}", parts.join(" / "))
        })
        .collect::<Vec<_>>()
        .join(t.t("list.sep_clause"))
}

pub async fn runs(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let runs = ev::runs(db, id).await?;
    let rows = runs
        .iter()
        .map(|r| {
            let scheme = Scheme::parse(&r.scheme_source).ok();
            RunRow {
                id: r.id,
                year: r.year,
                scheme: format!(
                    "{} v{}",
                    scheme
                        .as_ref()
                        .map_or(r.scheme_name.clone(), |s| s.title.get(t.lang()).to_string()),
                    r.scheme_version
                ),
                status: t.tv("eval.status", &r.status),
                status_id: r.status.clone(),
                progress: r.progress,
                created: format!(
                    "{} · {}",
                    r.created_at.format("%Y-%m-%d %H:%M"),
                    r.created_by
                ),
                published: r
                    .published_at
                    .map(|p| {
                        format!(
                            "{} · {}",
                            p.format("%Y-%m-%d"),
                            r.published_by.clone().unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
                counts: counts_text(&t, scheme.as_ref(), &Summary::parse(r)),
            }
        })
        .collect();
    let schemes = ev::schemes(db, id)
        .await?
        .into_iter()
        .map(|s| SchemeRow {
            label: format!(
                "{} v{} ({})",
                if t.lang().starts_with("zh") {
                    &s.title_zh
                } else {
                    &s.title_en
                },
                s.version,
                s.effective_year
            ),
            key: s.key,
            built_in: s.built_in,
        })
        .collect();
    let this_year = devzone_core::calendar::this_year();
    let page = RunsPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("eval.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        any_running: runs.iter().any(|r| r.status == RunStatus::Running.id()),
        runs: rows,
        schemes,
        years: (2015..=this_year).rev().collect(),
        default_year: devzone_core::demo::YEARS[2].min(this_year),
    };
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct StartForm {
    year: i32,
    scheme: String,
}

/// Starts a run and carries it out in the background; the run page shows the progress.
pub async fn start(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    if !(devzone_core::validate::MIN_YEAR..=devzone_core::validate::MAX_YEAR).contains(&f.year) {
        return Err(PageError::new(StatusCode::UNPROCESSABLE_ENTITY));
    }
    let run = ev::start(&state.db.conn, &v.actor(), id, f.year, &f.scheme).await?;
    crate::jobs::spawn_evaluation(state.db.clone(), run.id);
    Ok(Redirect::to(&format!("/evaluations/{}", run.id)).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(run_id): Path<i64>,
) -> Result<Response, PageError> {
    officials_only(&v)?;
    let (run, _) = run_for(&state, &v, run_id).await?;
    v.require_write()?;
    if run.status != RunStatus::Done.id() {
        return Err(PageError::new(StatusCode::CONFLICT));
    }
    ev::publish(&state.db.conn, &v.actor(), run_id).await?;
    Ok(Redirect::to(&format!("/evaluations/{run_id}")).into_response())
}
