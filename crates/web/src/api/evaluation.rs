//! `/api/v1` for the per-mu evaluation: schemes, runs (start, status, publish, verify) and
//! results with their trace. Enterprise tokens see published runs and their own result only.

use super::paging::{Paging, list_of};
use crate::AppState;
use crate::api::{ApiResult, zone_in_scope};
use crate::error::ApiError;
use crate::session::{ApiViewer, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use devzone_core::model::RunStatus;
use devzone_core::validate::FieldError;
use devzone_db::entities::{evaluation_result, evaluation_run};
use devzone_db::repo::evaluation::{
    self as ev, Inputs, ResultQuery, ResultSort, SchemeInfo, StoredIndicator, Summary, Verification,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/zones/{id}/evaluation-schemes",
            get(list_schemes).post(add_scheme),
        )
        .route(
            "/zones/{id}/evaluation-runs",
            get(list_runs).post(start_run),
        )
        .route("/evaluation-runs/{id}", get(get_run))
        .route("/evaluation-runs/{id}/publish", post(publish_run))
        .route("/evaluation-runs/{id}/verify", get(verify_run))
        .route("/evaluation-runs/{id}/results", get(list_results))
        .route(
            "/evaluation-runs/{id}/results/{enterprise}",
            get(get_result),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_schemes,
        add_scheme,
        list_runs,
        start_run,
        get_run,
        publish_run,
        verify_run,
        list_results,
        get_result
    ),
    components(schemas(
        SchemeInfo,
        SchemeIn,
        RunOut,
        RunList,
        StartRun,
        ResultOut,
        ResultList,
        IndicatorOut,
        Verification
    ))
)]
pub struct EvaluationDoc;

/// The run, if the caller may see it (`evaluation::visible`).
async fn run_in_scope(s: &AppState, v: &Viewer, id: i64) -> ApiResult<evaluation_run::Model> {
    let (run, _) = ev::visible(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(run)
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/evaluation-schemes", params(("id" = i64, Path), Paging), responses((status = 200, body = SchemeList), (status = 404, body = crate::api::ErrorEnvelope), (status = 422, body = crate::api::ErrorEnvelope)))]
async fn list_schemes(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<SchemeList>> {
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    Ok(Json(
        paging.slice(ev::schemes(&s.db.conn, id).await?)?.into(),
    ))
}

list_of!(SchemeList, SchemeInfo);

#[derive(Deserialize, ToSchema)]
pub struct SchemeIn {
    /// The scheme as TOML (docs/per-mu-schemes.md).
    pub source: String,
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/evaluation-schemes", params(("id" = i64, Path)), request_body = SchemeIn, responses((status = 201, body = SchemeInfo), (status = 409, body = crate::api::ErrorEnvelope), (status = 422, description = "rule scheme.invalid; value names the line", body = crate::api::ErrorEnvelope)))]
async fn add_scheme(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<SchemeIn>,
) -> ApiResult<(StatusCode, Json<SchemeInfo>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    match ev::add_scheme(&s.db.conn, &v.actor(), id, &input.source).await? {
        Ok(row) => {
            let key = format!("zone:{}", row.id);
            let info = ev::schemes(&s.db.conn, id)
                .await?
                .into_iter()
                .find(|x| x.key == key)
                .ok_or_else(ApiError::not_found)?;
            Ok((StatusCode::CREATED, Json(info)))
        }
        Err(e) => Err(ApiError::invalid(vec![
            FieldError::new(
                "source",
                "scheme.invalid",
                e.line.map(|l| format!("line {l}")).unwrap_or_default(),
            )
            .with_detail(e.message),
        ])),
    }
}

#[derive(Serialize, ToSchema)]
pub struct RunOut {
    pub id: i64,
    pub zone_id: i64,
    pub year: i32,
    pub scheme_name: String,
    pub scheme_version: i32,
    /// running, done or failed
    pub status: String,
    /// 0–100
    pub progress: i32,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub published_at: Option<String>,
    /// SHA-256 over the inputs the run read.
    pub inputs_digest: Option<String>,
    /// Counts per group and class, benchmarks per cohort (when done).
    #[schema(value_type = Object)]
    pub summary: Option<serde_json::Value>,
}

impl From<evaluation_run::Model> for RunOut {
    fn from(r: evaluation_run::Model) -> Self {
        let summary = r
            .summary
            .as_ref()
            .map(|_| serde_json::to_value(Summary::parse(&r)).unwrap_or_default());
        Self {
            id: r.id,
            zone_id: r.zone_id,
            year: r.year,
            scheme_name: r.scheme_name,
            scheme_version: r.scheme_version,
            status: r.status,
            progress: r.progress,
            error: r.error,
            created_by: r.created_by,
            created_at: r.created_at.to_rfc3339(),
            finished_at: r.finished_at.map(|t| t.to_rfc3339()),
            published_at: r.published_at.map(|t| t.to_rfc3339()),
            inputs_digest: r.inputs_digest,
            summary,
        }
    }
}

list_of!(
    /// A zone's evaluation runs, newest first.
    RunList,
    RunOut
);

#[utoipa::path(get, path = "/api/v1/zones/{id}/evaluation-runs", params(("id" = i64, Path), Paging), responses((status = 200, body = RunList), (status = 404, body = crate::api::ErrorEnvelope), (status = 422, body = crate::api::ErrorEnvelope)))]
async fn list_runs(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<RunList>> {
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    Ok(Json(paging.slice(ev::runs(&s.db.conn, id).await?)?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct StartRun {
    pub year: i32,
    /// A key from the schemes list: `builtin:default`, `builtin:huangyan-2022` or `zone:ID`.
    pub scheme: String,
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/evaluation-runs", params(("id" = i64, Path)), request_body = StartRun, responses((status = 202, description = "started; poll the run for progress", body = RunOut), (status = 403, body = crate::api::ErrorEnvelope), (status = 422, body = crate::api::ErrorEnvelope)))]
async fn start_run(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<StartRun>,
) -> ApiResult<(StatusCode, Json<RunOut>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    use devzone_core::validate::{MAX_YEAR, MIN_YEAR};
    if !(MIN_YEAR..=MAX_YEAR).contains(&input.year) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "year",
            "year.range",
            input.year.to_string(),
        )]));
    }
    let run = match ev::start(&s.db.conn, &v.actor(), id, input.year, &input.scheme).await {
        Err(devzone_db::DbError::NotFound) => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "scheme",
                "scheme.unknown",
                input.scheme,
            )]));
        }
        other => other?,
    };
    crate::jobs::spawn_evaluation(s.db.clone(), run.id);
    Ok((StatusCode::ACCEPTED, Json(run.into())))
}

#[utoipa::path(get, path = "/api/v1/evaluation-runs/{id}", params(("id" = i64, Path)), responses((status = 200, body = RunOut), (status = 404, body = crate::api::ErrorEnvelope)))]
async fn get_run(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<RunOut>> {
    Ok(Json(run_in_scope(&s, &v, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/evaluation-runs/{id}/publish", params(("id" = i64, Path)), responses((status = 200, body = RunOut), (status = 403, body = crate::api::ErrorEnvelope), (status = 409, body = crate::api::ErrorEnvelope)))]
async fn publish_run(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<RunOut>> {
    let run = run_in_scope(&s, &v, id).await?;
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    v.require_write()?;
    if run.status != RunStatus::Done.id() {
        return Err(ApiError::new(StatusCode::CONFLICT, "conflict"));
    }
    Ok(Json(ev::publish(&s.db.conn, &v.actor(), id).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/evaluation-runs/{id}/verify", params(("id" = i64, Path)), responses((status = 200, description = "recomputed from the stored scheme text and inputs", body = Verification)))]
async fn verify_run(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<Verification>> {
    run_in_scope(&s, &v, id).await?;
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    Ok(Json(ev::verify(&s.db.conn, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorOut {
    pub id: String,
    pub value: Option<f64>,
    pub benchmark: Option<f64>,
    pub ratio: Option<f64>,
    pub score: f64,
    pub imputed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ResultOut {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
    pub industry_code: String,
    /// The group id, or out_of_scope / invalid.
    pub group: String,
    pub total: Option<f64>,
    pub rank: Option<i32>,
    pub group_size: Option<i32>,
    /// A, B, C, D (per the scheme), not_rated, or null.
    pub class: Option<String>,
    pub reason: Option<String>,
    pub indicators: Vec<IndicatorOut>,
    /// The inputs used, in evaluation units, with the fact-version ids they came from.
    #[schema(value_type = Object)]
    pub inputs: serde_json::Value,
}

impl From<evaluation_result::Model> for ResultOut {
    fn from(r: evaluation_result::Model) -> Self {
        let trace: Vec<StoredIndicator> = serde_json::from_str(&r.trace).unwrap_or_default();
        let inputs: Inputs = serde_json::from_str(&r.inputs).unwrap_or_default();
        Self {
            enterprise_id: r.enterprise_id,
            credit_code: r.credit_code,
            name: r.name,
            park_id: r.park_id,
            industry_code: r.industry_code,
            group: r.grp,
            total: r.total,
            rank: r.rank,
            group_size: r.group_size,
            class: r.class,
            reason: r.reason,
            indicators: trace
                .into_iter()
                .map(|i| IndicatorOut {
                    id: i.id,
                    value: i.value,
                    benchmark: i.benchmark,
                    ratio: i.ratio,
                    score: i.score,
                    imputed: i.imputed,
                })
                .collect(),
            inputs: serde_json::to_value(inputs).unwrap_or_default(),
        }
    }
}

list_of!(ResultList, ResultOut);

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultParams {
    group: Option<String>,
    class: Option<String>,
    park_id: Option<i64>,
    /// GB/T 4754 division or class prefix.
    industry: Option<String>,
    /// Name fragment or credit-code prefix.
    q: Option<String>,
    /// rank (default), total, name, tax_per_mu
    sort: Option<String>,
    /// asc (default) or desc
    dir: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/evaluation-runs/{id}/results", params(("id" = i64, Path), ResultParams, Paging), responses((status = 200, body = ResultList), (status = 404, body = crate::api::ErrorEnvelope), (status = 422, body = crate::api::ErrorEnvelope)))]
async fn list_results(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(p): Query<ResultParams>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<ResultList>> {
    let run = run_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let page = crate::zone_figures::run_results(
        &s,
        &run,
        &ResultQuery {
            run_id: id,
            group: p.group,
            class: p.class,
            park_id: p.park_id,
            industry: p.industry,
            q: p.q,
            enterprise_id: v.scope.enterprise,
            sort: p
                .sort
                .as_deref()
                .and_then(ResultSort::parse)
                .unwrap_or_default(),
            descending: p.dir.as_deref() == Some("desc"),
            page,
            per_page,
        },
    )
    .await?;
    Ok(Json(page.into()))
}

#[utoipa::path(get, path = "/api/v1/evaluation-runs/{id}/results/{enterprise_id}", params(("id" = i64, Path), ("enterprise_id" = i64, Path)), responses((status = 200, body = ResultOut), (status = 404, body = crate::api::ErrorEnvelope)))]
async fn get_result(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, enterprise_id)): Path<(i64, i64)>,
) -> ApiResult<Json<ResultOut>> {
    run_in_scope(&s, &v, id).await?;
    if v.scope.enterprise.is_some_and(|e| e != enterprise_id) {
        return Err(ApiError::not_found());
    }
    let r = ev::result_for(&s.db.conn, id, enterprise_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(r.into()))
}
