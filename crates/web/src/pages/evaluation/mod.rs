//! Per-mu evaluation pages: runs of a zone (start, progress, publish, compare, verify),
//! results with filters, charts and export, rankings by park and industry division, class
//! lists with the scheme's differentiated measures, and zone schemes.
//! The per-enterprise breakdown with what-if lives in `evaluation_breakdown`.

pub(crate) mod breakdown;
mod compare;
mod rankings;
mod results;
mod runs;
mod scheme_form;
mod schemes;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::Viewer;
pub(crate) use crate::views::format::class_label;
use crate::views::grouped;
use axum::http::StatusCode;
pub use compare::*;
use devzone_core::evaluation::Scheme;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_db::entities::{evaluation_result, evaluation_run, zone};
use devzone_db::repo::evaluation::{self as ev};
pub use rankings::*;
pub use results::*;
pub use runs::*;
pub use schemes::*;

/// The run and its zone, if the viewer may see them (`evaluation::visible`).
pub(crate) async fn run_for(
    state: &AppState,
    v: &Viewer,
    run_id: i64,
) -> Result<(evaluation_run::Model, zone::Model), PageError> {
    ev::visible(&state.db.conn, &v.scope, run_id)
        .await?
        .ok_or_else(PageError::not_found)
}

/// For zone-wide pages: enterprise users have none.
fn officials_only(v: &Viewer) -> Result<(), PageError> {
    if v.scope.enterprise.is_some() {
        Err(PageError::not_found())
    } else {
        Ok(())
    }
}

pub(crate) fn scheme_of(run: &evaluation_run::Model) -> Result<Scheme, PageError> {
    Scheme::parse(&run.scheme_source).map_err(|e| {
        tracing::error!(error = %e, run = run.id, "stored scheme does not parse");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR)
    })
}

/// "A", "B" … as stored; "not_rated" translated.
pub(crate) fn group_label(t: &Tr, scheme: &Scheme, grp: &str) -> String {
    match scheme.group(grp) {
        Some((_, g)) => g.label.get(t.lang()).to_string(),
        None => t.tv("eval.grp", grp),
    }
}

/// A stored reason ("rule: English explanation", or a veto reason as entered) for display:
/// in Chinese the rule's label, in English the explanation.
pub(crate) fn reason_text(t: &Tr, reason: Option<&str>) -> String {
    let Some(r) = reason else {
        return String::new();
    };
    match r.split_once(": ") {
        Some((rule, detail)) if t.tv("eval.rule", rule) != rule => {
            if t.lang().starts_with("zh") {
                t.tv("eval.rule", rule)
            } else {
                detail.to_string()
            }
        }
        _ => r.to_string(),
    }
}

fn indicator_label(t: &Tr, scheme: &Scheme, id: &str) -> String {
    scheme
        .indicator(id)
        .map_or_else(|| id.to_string(), |i| i.label.get(t.lang()).to_string())
}

pub(crate) fn num(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| grouped(x, decimals)).unwrap_or_default()
}

fn industry_name(code: &str) -> String {
    industries(IndustryEdition::Amended)
        .get(code)
        .map(|e| format!("{code} {}", e.name))
        .unwrap_or_else(|| code.to_string())
}

/// All results of a run, for use by the breakdown page (the result of one enterprise).
pub(crate) async fn result_of(
    state: &AppState,
    run_id: i64,
    enterprise_id: i64,
) -> Result<evaluation_result::Model, PageError> {
    ev::result_for(&state.db.conn, run_id, enterprise_id)
        .await?
        .ok_or_else(PageError::not_found)
}

/// The run a scheme form previews against: the zone's latest published run, else its latest
/// finished one.
pub(crate) async fn result_of_zone_run(
    state: &AppState,
    zone_id: i64,
) -> Result<Option<devzone_db::entities::evaluation_run::Model>, PageError> {
    let db = &state.db.conn;
    if let Some(r) = ev::latest_published(db, zone_id, None).await? {
        return Ok(Some(r));
    }
    Ok(ev::runs(db, zone_id)
        .await?
        .into_iter()
        .find(|r| r.status == devzone_core::model::RunStatus::Done.id()))
}

/// A refused scheme file, with its line when known, in the reader's language.
pub(crate) fn scheme_message(
    t: &crate::i18n::Tr,
    e: &devzone_core::evaluation::scheme::SchemeError,
) -> String {
    match e.line {
        Some(line) => t.f(
            "eval.scheme_error_line",
            &[("line", &line.to_string()), ("message", &e.message)],
        ),
        None => t.f("eval.scheme_error", &[("message", &e.message)]),
    }
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/evaluations", get(runs).post(start))
        .route("/zones/{id}/evaluations/compare", get(compare))
        .route(
            "/zones/{id}/evaluation-schemes",
            get(scheme_form).post(add_scheme),
        )
        .route(
            "/zones/{id}/evaluation-schemes/form",
            get(scheme_form::form).post(scheme_form::submit),
        )
        .route("/evaluations/{id}", get(show))
        .route("/evaluations/{id}/export", get(export))
        .route("/evaluations/{id}/publish", post(publish))
        .route("/evaluations/{id}/rankings", get(rankings))
        .route("/evaluations/{id}/measures", get(measures))
        .route(
            "/evaluations/{id}/enterprises/{enterprise}",
            get(breakdown::show),
        )
}
