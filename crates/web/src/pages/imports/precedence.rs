//! The zone's source precedence per field.

use super::zone_for;
use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::session::{PageViewer, Viewer};
use crate::views::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::facts::{FactField, Precedence};
use devzone_core::import::Target;
use devzone_core::model::FactSource;
use devzone_db::repo::zones;
use serde::Deserialize;

/// One field's order: as text, and its first three sources for the form to start from.
pub struct PrecedenceRow {
    pub id: String,
    pub label: String,
    pub order: String,
    /// The zone set its own order for this field.
    pub own: bool,
    pub first: String,
    pub second: String,
    pub third: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/precedence.html")]
pub struct PrecedencePage {
    pub(super) c: Chrome,
    pub(super) zone_id: i64,
    pub(super) rows: Vec<PrecedenceRow>,
    pub(super) sources: Vec<(String, String)>,
    pub(super) error: Option<String>,
}

pub async fn precedence(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    precedence_page(&state, &v, id, None).await
}

pub(super) async fn precedence_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, id).await?;
    let t = v.tr();
    let p = devzone_db::repo::facts::precedence(&state.db.conn, id).await?;
    let all = zones::list(&state.db.conn, &v.scope).await?;
    let rows = FactField::ALL
        .iter()
        .map(|f| {
            let order = p.order(*f);
            let nth = |i: usize| order.get(i).map(|s| s.id().to_string()).unwrap_or_default();
            PrecedenceRow {
                id: f.id().to_string(),
                label: target_label(&t, Target::Fact(*f)),
                order: order
                    .iter()
                    .map(|s| source_label(&t, s.id()))
                    .collect::<Vec<_>>()
                    .join(" › "),
                own: p.overrides.contains_key(f),
                first: nth(0),
                second: nth(1),
                third: nth(2),
            }
        })
        .collect();
    let page = PrecedencePage {
        c: Chrome::new(v, t.t("import.precedence"), &all, Some(zone.id)),
        zone_id: id,
        rows,
        sources: FactSource::ALL
            .iter()
            .map(|s| (s.id().to_string(), source_label(&t, s.id())))
            .collect(),
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct PrecedenceForm {
    pub(super) field: String,
    pub(super) first: String,
    pub(super) second: Option<String>,
    pub(super) third: Option<String>,
}

/// Sets a field's order: the chosen sources first, the rest after in default order.
pub async fn set_precedence(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<PrecedenceForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let t = v.tr();
    let Some(field) = FactField::parse(&f.field) else {
        return precedence_page(
            &state,
            &v,
            id,
            Some(t.f("rule.field.unknown", &[("value", &f.field)])),
        )
        .await;
    };
    let chosen: Vec<String> = [Some(f.first.clone()), f.second.clone(), f.third.clone()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    let mut text = chosen.join(",");
    for s in Precedence::default_order(field) {
        if !chosen.iter().any(|c| c == s.id()) {
            text.push(',');
            text.push_str(s.id());
        }
    }
    match Precedence::parse_order(&text) {
        Ok(order) => {
            devzone_db::repo::facts::set_precedence(&state.db.conn, &v.actor(), id, field, &order)
                .await?;
            Ok(Redirect::to(&format!("/zones/{id}/imports/precedence")).into_response())
        }
        Err(bad) => {
            let msg = t.f(
                "import.rule.precedence.repeated",
                &[("value", &source_label(&t, &bad))],
            );
            precedence_page(&state, &v, id, Some(msg)).await
        }
    }
}
