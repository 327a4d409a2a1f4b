//! The land API: plots (with their flags), buildings, units, leases, space requirements with
//! their ranked candidates, and revitalisation cases with the zone's totals. Areas in m²,
//! money in yuan, rents in yuan per m² per month.

use super::paging::{Paging, list_of};
use crate::AppState;
use crate::api::records::*;
use crate::api::{ApiResult, ErrorEnvelope, zone_in_scope};
use crate::error::ApiError;
use crate::session::ApiViewer;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use devzone_core::land::idle::Flag;
use devzone_core::land::matching::{CandidateKind, Ranked};
use devzone_core::land::occupancy::Occupancy;
use devzone_core::land::validate::{
    BuildingInput, CaseInput, LeaseInput, PlotInput, RequirementInput, UnitInput,
};
use devzone_core::model::MatchStage;
use devzone_db::repo::revitalisation::Totals;
use devzone_db::repo::{land, requirements, revitalisation};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/plots", get(list_plots).post(create_plot))
        .route("/plots/{id}", get(get_plot))
        .route("/buildings", post(create_building))
        .route("/zones/{id}/buildings", get(list_buildings))
        .route("/zones/{id}/units", get(list_units))
        .route("/units", post(create_unit))
        .route("/leases", post(create_lease))
        .route(
            "/zones/{id}/requirements",
            get(list_requirements).post(create_requirement),
        )
        .route(
            "/requirements/{id}/matches",
            get(requirement_matches).post(set_match_stage),
        )
        .route(
            "/zones/{id}/revitalisation-cases",
            get(list_cases).post(create_case),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_plots,
        create_plot,
        get_plot,
        create_building,
        set_match_stage,
        create_case,
        list_buildings,
        list_units,
        create_unit,
        create_lease,
        list_requirements,
        create_requirement,
        requirement_matches,
        list_cases
    ),
    components(schemas(
        PlotOut,
        PlotList,
        BuildingList,
        UnitList,
        RequirementList,
        Occupancy,
        Flag,
        PlotRecord,
        BuildingRecord,
        UnitRecord,
        LeaseRecord,
        RequirementRecord,
        devzone_core::land::matching::Requirement,
        RevitalisationCaseRecord,
        Ranked,
        MatchesOut,
        CasesOut,
        Totals,
        PlotInput,
        UnitInput,
        LeaseInput,
        RequirementInput,
        BuildingInput,
        CaseInput,
        StageIn,
        RequirementMatchRecord
    ))
)]
pub struct LandDoc;

/// A plot with its assessment: status, flags with their figures, buildings' floor area and
/// occupancy.
#[derive(Serialize, ToSchema)]
pub struct PlotOut {
    #[serde(flatten)]
    pub plot: PlotRecord,
    pub status: String,
    pub built_floor_m2: f64,
    pub occupancy: Occupancy,
    pub holder_class: Option<String>,
    pub flags: Vec<Flag>,
}

list_of!(
    /// One page of a zone's plots, by number, each assessed.
    PlotList,
    PlotOut
);
list_of!(BuildingList, BuildingRecord);
list_of!(UnitList, UnitRecord);
list_of!(RequirementList, RequirementRecord);

impl From<land::Assessed> for PlotOut {
    fn from(a: land::Assessed) -> Self {
        PlotOut {
            status: a.status().into(),
            built_floor_m2: a.built_floor_m2,
            occupancy: a.occupancy,
            holder_class: a.holder_class,
            flags: a.flags,
            plot: a.plot.into(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/plots", params(("id" = i64, Path), Paging), responses((status = 200, body = PlotList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_plots(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<PlotList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let db = &s.db.conn;
    let plots = land::plots_page(db, id, page, per_page).await?;
    // Only the page's plots are assessed, with the buildings and units standing on them.
    let inv = land::inventory_of(db, plots.items).await?;
    let assessed = land::assess(db, id, &inv, devzone_core::calendar::today()).await?;
    Ok(Json(PlotList::from(devzone_db::repo::Page {
        items: assessed,
        total: plots.total,
        page: plots.page,
        per_page: plots.per_page,
    })))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/plots", params(("id" = i64, Path)), request_body = PlotInput, responses((status = 201, body = PlotRecord), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_plot(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<PlotInput>,
) -> ApiResult<(StatusCode, Json<PlotRecord>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(
            land::create_plot(&s.db.conn, &v.actor(), id, &d)
                .await?
                .into(),
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/buildings", params(("id" = i64, Path), Paging), responses((status = 200, body = BuildingList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_buildings(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<BuildingList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    Ok(Json(
        land::buildings_page(&s.db.conn, id, page, per_page)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/units", params(("id" = i64, Path), Paging), responses((status = 200, body = UnitList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_units(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<UnitList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    Ok(Json(
        land::units_page(&s.db.conn, id, page, per_page)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/units", request_body = UnitInput, responses((status = 201, body = UnitRecord), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_unit(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Json(input): Json<UnitInput>,
) -> ApiResult<(StatusCode, Json<UnitRecord>)> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    v.require_write()?;
    let u = land::create_unit(
        &s.db.conn,
        &v.actor(),
        &v.scope,
        &input,
        devzone_core::calendar::today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(u.into())))
}

#[utoipa::path(post, path = "/api/v1/leases", request_body = LeaseInput, responses((status = 201, body = LeaseRecord), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_lease(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Json(input): Json<LeaseInput>,
) -> ApiResult<(StatusCode, Json<LeaseRecord>)> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    v.require_write()?;
    let l = land::add_lease(
        &s.db.conn,
        &v.actor(),
        &v.scope,
        &input,
        devzone_core::calendar::today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(l.into())))
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/requirements", params(("id" = i64, Path), Paging), responses((status = 200, body = RequirementList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_requirements(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<RequirementList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    Ok(Json(
        requirements::list_page(&s.db.conn, id, page, per_page)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/requirements", params(("id" = i64, Path)), request_body = RequirementInput, responses((status = 201, body = RequirementRecord), (status = 422, body = ErrorEnvelope)))]
async fn create_requirement(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<RequirementInput>,
) -> ApiResult<(StatusCode, Json<RequirementRecord>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(
            requirements::create(&s.db.conn, &v.actor(), id, &d)
                .await?
                .into(),
        ),
    ))
}

/// A requirement's best candidates, ranked, each with every criterion's outcome.
#[derive(Serialize, ToSchema)]
pub struct MatchesOut {
    pub requirement: RequirementRecord,
    pub candidates: Vec<Ranked>,
}

#[utoipa::path(get, path = "/api/v1/requirements/{id}/matches", params(("id" = i64, Path)), responses((status = 200, body = MatchesOut), (status = 404, body = ErrorEnvelope)))]
async fn requirement_matches(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<MatchesOut>> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    let r = requirements::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let candidates = requirements::candidates(
        &s.db.conn,
        r.zone_id,
        &requirements::spec(&r),
        devzone_core::calendar::today(),
        50,
    )
    .await?;
    Ok(Json(MatchesOut {
        requirement: r.into(),
        candidates,
    }))
}

/// One page of a zone's revitalisation cases, newest first, with the totals of all of them.
#[derive(Serialize, ToSchema)]
pub struct CasesOut {
    pub items: Vec<RevitalisationCaseRecord>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub totals: Totals,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/revitalisation-cases", params(("id" = i64, Path), Paging), responses((status = 200, body = CasesOut), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_cases(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<CasesOut>> {
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    // A zone's cases number in the hundreds; the totals need all of them and their projects.
    let all = revitalisation::list(&s.db.conn, id).await?;
    let projects =
        revitalisation::projects(&s.db.conn, &all.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    let totals = revitalisation::totals(&all, &projects);
    let page = paging.slice(all)?;
    Ok(Json(CasesOut {
        items: records(page.items),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        totals,
    }))
}

#[utoipa::path(get, path = "/api/v1/plots/{id}", params(("id" = i64, Path)), responses((status = 200, body = PlotOut), (status = 404, body = ErrorEnvelope)))]
async fn get_plot(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<PlotOut>> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    let p = land::plot(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let inv = land::inventory(&s.db.conn, p.zone_id, p.park_id).await?;
    let a = land::assess(&s.db.conn, p.zone_id, &inv, devzone_core::calendar::today())
        .await?
        .into_iter()
        .find(|a| a.plot.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(PlotOut {
        status: a.status().into(),
        built_floor_m2: a.built_floor_m2,
        occupancy: a.occupancy,
        holder_class: a.holder_class,
        flags: a.flags,
        plot: a.plot.into(),
    }))
}

#[utoipa::path(post, path = "/api/v1/buildings", request_body = BuildingInput, responses((status = 201, body = BuildingRecord), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_building(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Json(input): Json<BuildingInput>,
) -> ApiResult<(StatusCode, Json<BuildingRecord>)> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    v.require_write()?;
    let p = land::plot(&s.db.conn, &v.scope, input.plot_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    use chrono::Datelike;
    let b = land::create_building(
        &s.db.conn,
        &v.actor(),
        p.zone_id,
        &input,
        devzone_core::calendar::today().year(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(b.into())))
}

/// A candidate moved along the funnel.
#[derive(serde::Deserialize, ToSchema)]
pub struct StageIn {
    pub candidate_kind: CandidateKind,
    pub candidate_id: i64,
    #[schema(value_type = String)]
    pub stage: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/requirements/{id}/matches", params(("id" = i64, Path)), request_body = StageIn, responses((status = 200, body = RequirementMatchRecord), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn set_match_stage(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<StageIn>,
) -> ApiResult<Json<RequirementMatchRecord>> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    v.require_write()?;
    let r = requirements::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let stage = MatchStage::parse(&input.stage).ok_or_else(|| {
        ApiError::invalid(vec![devzone_core::validate::FieldError::new(
            "stage",
            "choice.unknown",
            input.stage.clone(),
        )])
    })?;
    Ok(Json(
        requirements::set_stage(
            &s.db.conn,
            &v.actor(),
            &r,
            input.candidate_kind,
            input.candidate_id,
            stage,
            input.note,
        )
        .await?
        .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/revitalisation-cases", params(("id" = i64, Path)), request_body = CaseInput, responses((status = 201, body = RevitalisationCaseRecord), (status = 422, body = ErrorEnvelope)))]
async fn create_case(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<CaseInput>,
) -> ApiResult<(StatusCode, Json<RevitalisationCaseRecord>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(
            revitalisation::create(&s.db.conn, &v.actor(), id, &d, &[], &[])
                .await?
                .into(),
        ),
    ))
}
