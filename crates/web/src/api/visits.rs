//! The visits API: a zone's visits (paged; planned or made, by officer or enterprise) and a
//! visit recorded. Officers write, analysts read; enterprise accounts see none of it.

use super::paging::{Paging, list_of};
use crate::AppState;
use crate::api::{ApiResult, ErrorEnvelope, zone_in_scope};
use crate::error::ApiError;
use crate::session::ApiViewer;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use devzone_core::appeals::visits::VisitInput;
use devzone_core::validate::FieldError;
use devzone_db::entities::visit;
use devzone_db::repo::visits::{self, VisitQuery, VisitStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/zones/{id}/visits", get(list_visits).post(create_visit))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_visits, create_visit),
    components(schemas(VisitOut, VisitList, VisitInput))
)]
pub struct VisitsDoc;

/// A visit, planned (`visited_on` null) or made.
#[derive(Serialize, ToSchema)]
pub struct VisitOut {
    pub id: i64,
    pub zone_id: i64,
    pub enterprise_id: i64,
    pub park_id: Option<i64>,
    pub officer: String,
    pub planned_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    /// Topic ids.
    pub topics: Vec<String>,
    pub issues: Option<String>,
    pub policies: Option<String>,
    pub next_step: Option<String>,
}

impl From<visit::Model> for VisitOut {
    fn from(m: visit::Model) -> Self {
        VisitOut {
            id: m.id,
            zone_id: m.zone_id,
            enterprise_id: m.enterprise_id,
            park_id: m.park_id,
            officer: m.officer,
            planned_on: m.planned_on,
            visited_on: m.visited_on,
            topics: m
                .topics
                .split(',')
                .filter(|s| !s.is_empty())
                .map(Into::into)
                .collect(),
            issues: m.issues,
            policies: m.policies,
            next_step: m.next_step,
        }
    }
}

list_of!(
    /// A page of a zone's visits.
    VisitList,
    VisitOut
);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitFilters {
    /// `planned` (soonest first), `done` (latest first) or all (newest recorded first).
    #[param(inline, value_type = Option<String>, pattern = "^(planned|done|all)$")]
    pub status: Option<String>,
    pub officer: Option<String>,
    pub enterprise_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/visits", params(("id" = i64, Path), Paging, VisitFilters), responses((status = 200, body = VisitList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_visits(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
    Query(f): Query<VisitFilters>,
) -> ApiResult<Json<VisitList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let status = match f.status.as_deref().unwrap_or("all") {
        "all" => VisitStatus::All,
        "planned" => VisitStatus::Planned,
        "done" => VisitStatus::Done,
        other => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "status",
                "choice.unknown",
                other,
            )]));
        }
    };
    let q = VisitQuery {
        status,
        officer: f.officer,
        enterprise_id: f.enterprise_id,
        page,
        per_page,
    };
    Ok(Json(visits::list(&s.db.conn, id, &q).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/visits", params(("id" = i64, Path)), request_body = VisitInput, responses((status = 201, body = VisitOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_visit(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<VisitInput>,
) -> ApiResult<(StatusCode, Json<VisitOut>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let d = input
        .validate(&v.user.display_name, devzone_core::calendar::today())
        .map_err(ApiError::invalid)?;
    let m = visits::create(&s.db.conn, &v.actor(), id, &d).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}
