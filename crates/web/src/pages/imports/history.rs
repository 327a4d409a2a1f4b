//! The import page: the upload form, sample sheets and the zone's import history; one
//! committed import and its revert.

use super::zone_for;
use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::{Chrome, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::import::Problem;
use devzone_core::model::FactSource;
use devzone_db::entities::{import, zone};
use devzone_db::repo::imports::{self, Counts};
use devzone_db::repo::zones;
use serde::Deserialize;

pub struct HistoryRow {
    pub(super) id: i64,
    pub(super) file_name: String,
    pub(super) source: String,
    pub(super) kind: String,
    pub(super) created_by: String,
    pub(super) created_at: String,
    pub(super) counts: String,
    pub(super) status: String,
    pub(super) reverted: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/list.html")]
pub struct ImportsPage {
    pub(super) c: Chrome,
    pub(super) zone_id: i64,
    pub(super) sources: Vec<(String, String)>,
    pub(super) samples: Vec<(String, String)>,
    pub(super) history: Vec<HistoryRow>,
    pub(super) pager: Pager,
    pub(super) error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    pub(super) page: Option<u64>,
    pub(super) error: Option<String>,
}

pub(super) fn history_row(t: &Tr, m: &import::Model) -> HistoryRow {
    HistoryRow {
        id: m.id,
        file_name: m.file_name.clone(),
        source: source_label(t, &m.source),
        kind: t.tv("import.kind", &m.kind),
        created_by: m.created_by.clone(),
        created_at: m.created_at.format("%Y-%m-%d %H:%M").to_string(),
        counts: t.f(
            "import.counts_short",
            &[
                ("read", &m.rows_read.to_string()),
                ("inserted", &m.inserted.to_string()),
                ("updated", &m.updated.to_string()),
                ("rejected", &m.rejected.to_string()),
            ],
        ),
        status: t.tv("import.status", &m.status),
        reverted: m.status == "reverted",
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(q): Query<ListParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let hist = imports::history(&state.db.conn, id, q.page.unwrap_or(1), 20).await?;
    let all = zones::list(&state.db.conn, &v.scope).await?;
    let page = ImportsPage {
        c: Chrome::new(&v, t.t("import.title"), &all, Some(zone.id)),
        zone_id: id,
        sources: FactSource::ALL
            .iter()
            .map(|s| (s.id().to_string(), source_label(&t, s.id())))
            .collect(),
        samples: SAMPLE_IDS
            .iter()
            .map(|s| (s.to_string(), t.tv("import.sample", s)))
            .collect(),
        pager: Pager::with_links(&t, hist.page, hist.pages(), |n| format!("page={n}")),
        history: hist.items.iter().map(|m| history_row(&t, m)).collect(),
        error: q.error.map(|e| t.tv("import.error", &e)),
    };
    Ok(page.into_response())
}

/// Takes the uploaded file and keeps it until it is committed.
pub async fn upload(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let (file, params) = match crate::upload::read_multipart(&mut form).await {
        Ok(x) => x,
        Err(()) => {
            return Ok(
                Redirect::to(&format!("/zones/{id}/imports?error=too_large")).into_response(),
            );
        }
    };
    let Some((file_name, bytes)) = file else {
        return Ok(Redirect::to(&format!("/zones/{id}/imports?error=no_file")).into_response());
    };
    let up = imports::stage_upload(&state.db.conn, id, v.user.id, &file_name, bytes).await?;
    let query = serde_urlencoded::to_string(
        params
            .into_iter()
            .filter(|(k, val)| matches!(k.as_str(), "kind" | "source" | "year") && !val.is_empty())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    Ok(Redirect::to(&format!("/imports/uploads/{}?{query}", up.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/show.html")]
pub struct ImportPage {
    pub(super) c: Chrome,
    pub(super) zone_id: i64,
    pub(super) row: HistoryRow,
    pub(super) sheet: String,
    pub(super) sha256: String,
    pub(super) year: String,
    pub(super) counts: Vec<(String, usize, &'static str)>,
    pub(super) problems: Vec<ProblemView>,
    pub(super) reverted_by: String,
}

/// A committed import and its zone, if the viewer may see them.
pub(super) async fn import_for(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<(import::Model, zone::Model), PageError> {
    let m = imports::get(&state.db.conn, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let zone = zone_for(state, v, m.zone_id).await?;
    Ok((m, zone))
}

pub async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (m, zone) = import_for(&state, &v, id).await?;
    let t = v.tr();
    let problems: Vec<Problem> = serde_json::from_str(&m.report).unwrap_or_default();
    let all = zones::list(&state.db.conn, &v.scope).await?;
    let page = ImportPage {
        c: Chrome::new(
            &v,
            &format!("{} #{id}", t.t("import.title")),
            &all,
            Some(zone.id),
        ),
        zone_id: zone.id,
        row: history_row(&t, &m),
        sheet: m.sheet.clone(),
        sha256: m.file_sha256.clone(),
        year: m.year.map(|y| y.to_string()).unwrap_or_default(),
        counts: count_list(&t, &Counts::from(&m)),
        problems: problems.iter().map(|p| problem_view(&t, p)).collect(),
        reverted_by: match (&m.reverted_by, m.reverted_at) {
            (Some(by), Some(at)) => format!("{by} · {}", at.format("%Y-%m-%d %H:%M")),
            _ => String::new(),
        },
    };
    Ok(page.into_response())
}

pub async fn revert(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    import_for(&state, &v, id).await?;
    v.require_write()?;
    imports::revert(&state.db.conn, &v.actor(), id).await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}
