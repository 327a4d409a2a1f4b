//! A zone's own evaluation schemes: the editor and saving a new version.

use crate::AppState;
use crate::error::PageError;
use crate::pages::{nonempty, zone_for};
use crate::session::PageViewer;
use crate::views::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::evaluation::Scheme;
use devzone_db::repo::evaluation::{self as ev};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/scheme.html")]
pub(super) struct SchemePage {
    c: Chrome,
    zone_id: i64,
    source: String,
    editable: bool,
    error: Option<String>,
    heading: String,
    /// The scheme shown, for the link to its form.
    from: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SchemeParams {
    key: Option<String>,
}

/// Shows a scheme's text, or (without `key`) the form to add one, prefilled with the default.
pub async fn scheme_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Query(p): Query<SchemeParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let (source, editable, heading) = match nonempty(&p.key) {
        Some(key) => {
            let (s, src) = ev::scheme_by_key(db, zone_id, &key).await?;
            (
                src,
                false,
                format!("{} v{}", s.title.get(t.lang()), s.version),
            )
        }
        None => {
            v.require_write()?;
            (
                Scheme::built_in_source("default").to_string(),
                true,
                t.t("eval.scheme_new").to_string(),
            )
        }
    };
    Ok(SchemePage {
        c: Chrome::load(db, &v, &format!("{} · {heading}", zone.name), Some(zone_id)).await?,
        zone_id,
        source,
        editable,
        error: None,
        heading,
        from: nonempty(&p.key).unwrap_or_default(),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct SchemeForm {
    source: String,
}

pub async fn add_scheme(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Form(f): Form<SchemeForm>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let db = &state.db.conn;
    let t = v.tr();
    let error = match ev::add_scheme(db, &v.actor(), zone_id, &f.source).await {
        Ok(Ok(_)) => {
            return Ok(Redirect::to(&format!("/zones/{zone_id}/evaluations")).into_response());
        }
        Ok(Err(e)) => super::scheme_message(&t, &e),
        Err(devzone_db::DbError::Conflict { value, .. }) => {
            t.f("eval.scheme_exists", &[("scheme", &value)])
        }
        Err(e) => return Err(e.into()),
    };
    let mut r = SchemePage {
        c: Chrome::load(db, &v, &zone.name, Some(zone_id)).await?,
        zone_id,
        source: f.source,
        editable: true,
        error: Some(error),
        heading: t.t("eval.scheme_new").to_string(),
        from: String::new(),
    }
    .into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}
