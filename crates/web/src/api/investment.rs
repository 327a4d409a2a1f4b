//! The investment API: a zone's projects (paged, with the list's filters), one project with
//! its timeline, money and what it is behind on, edits, stage changes, activities and yearly
//! funds, and the year's summary. Money in yuan (FDI in USD). An analyst reads; officers
//! write; enterprise accounts see nothing of the pipeline. A confidential project shows its
//! investor and amounts to those who may write only.

use super::paging::{Paging, list_of};
use crate::AppState;
use crate::api::{ApiResult, ErrorEnvelope, zone_in_scope};
use crate::error::ApiError;
use crate::investment::sort_of;
use crate::session::{ApiViewer, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use devzone_core::investment::figures::Ratio;
use devzone_core::investment::validate::{
    ActivityInput, FundsInput, ProjectInput, StageChangeInput,
};
use devzone_core::investment::{Stage, StageGroup};
use devzone_core::land::validate::Lenient;
use devzone_core::validate::FieldError;
use devzone_db::entities::{project, project_event, project_funds};
use devzone_db::repo::projects::{self, ProjectQuery};
use devzone_db::repo::scoped;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/zones/{id}/projects",
            get(list_projects).post(create_project),
        )
        .route("/projects/{id}", get(get_project).put(update_project))
        .route("/projects/{id}/stage", post(change_stage))
        .route("/projects/{id}/activities", post(add_activity))
        .route("/projects/{id}/funds/{year}", put(set_funds))
        .route("/zones/{id}/investment/summary", get(investment_summary))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_projects,
        create_project,
        get_project,
        update_project,
        change_stage,
        add_activity,
        set_funds,
        investment_summary
    ),
    components(schemas(
        ProjectOut,
        ProjectList,
        ProjectDetail,
        EventOut,
        FundsOut,
        OverdueOut,
        ActivityIn,
        FundsIn,
        SummaryOut,
        RatioOut,
        GroupCount,
        FdiYear,
        CountryRow,
        ProjectInput,
        StageChangeInput,
        Stage,
        StageGroup,
        crate::investment::OverdueCounts
    ))
)]
pub struct InvestmentDoc;

/// A project. For a viewer who may not write, a confidential project shows neither its
/// investor nor its amounts (null).
#[derive(Serialize, ToSchema)]
pub struct ProjectOut {
    pub id: i64,
    pub zone_id: i64,
    pub name: String,
    pub enterprise_id: Option<i64>,
    pub investor: Option<String>,
    pub country: Option<String>,
    pub parent_group: Option<String>,
    pub fortune_global_500: bool,
    pub china_500: bool,
    pub private_500: bool,
    pub industry_code: Option<String>,
    pub chain_node: Option<String>,
    /// Yuan.
    pub total_yuan: Option<f64>,
    pub fixed_yuan: Option<f64>,
    pub currency: String,
    /// USD.
    pub contracted_fdi_usd: Option<f64>,
    pub output_yuan: Option<f64>,
    pub tax_yuan: Option<f64>,
    pub jobs: Option<i64>,
    pub land_mu: Option<f64>,
    pub space_m2: Option<f64>,
    pub source: Option<String>,
    pub officer: Option<String>,
    pub confidential: bool,
    #[schema(value_type = Stage)]
    pub stage: String,
    pub stage_on: NaiveDate,
    pub received_on: NaiveDate,
    pub acknowledged_on: Option<NaiveDate>,
    pub screened_on: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub registered_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub producing_on: Option<NaiveDate>,
    pub last_activity_on: NaiveDate,
    pub last_report_on: Option<NaiveDate>,
}

/// The project as `v` may see it.
pub fn project_out(m: project::Model, v: &Viewer) -> ProjectOut {
    let hide = m.confidential && !v.can_write();
    let shown = |x: Option<f64>| if hide { None } else { x };
    ProjectOut {
        id: m.id,
        zone_id: m.zone_id,
        name: m.name,
        enterprise_id: if hide { None } else { m.enterprise_id },
        investor: if hide { None } else { m.investor },
        country: m.country,
        parent_group: if hide { None } else { m.parent_group },
        fortune_global_500: m.fortune_global_500,
        china_500: m.china_500,
        private_500: m.private_500,
        industry_code: m.industry_code,
        chain_node: m.chain_node,
        total_yuan: shown(m.total_yuan),
        fixed_yuan: shown(m.fixed_yuan),
        currency: m.currency,
        contracted_fdi_usd: shown(m.contracted_fdi_usd),
        output_yuan: shown(m.output_yuan),
        tax_yuan: shown(m.tax_yuan),
        jobs: m.jobs,
        land_mu: m.land_mu,
        space_m2: m.space_m2,
        source: m.source,
        officer: m.officer,
        confidential: m.confidential,
        stage: m.stage,
        stage_on: m.stage_on,
        received_on: m.received_on,
        acknowledged_on: m.acknowledged_on,
        screened_on: m.screened_on,
        signed_on: m.signed_on,
        registered_on: m.registered_on,
        started_on: m.started_on,
        completed_on: m.completed_on,
        producing_on: m.producing_on,
        last_activity_on: m.last_activity_on,
        last_report_on: m.last_report_on,
    }
}

list_of!(
    /// A page of a zone's projects.
    ProjectList,
    ProjectOut
);

/// One dated event of a project's timeline.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub on: NaiveDate,
    /// `created`, `stage`, `report`, `activity` or `acknowledged`.
    pub kind: String,
    pub from_stage: Option<String>,
    pub to_stage: Option<String>,
    pub note: Option<String>,
    /// The rule a stage change broke and why it was made anyway.
    pub exception: Option<String>,
    pub username: String,
}

impl From<project_event::Model> for EventOut {
    fn from(e: project_event::Model) -> Self {
        EventOut {
            on: e.on,
            kind: e.kind,
            from_stage: e.from_stage,
            to_stage: e.to_stage,
            note: e.note,
            exception: e.exception,
            username: e.username,
        }
    }
}

/// What a project brought in a year.
#[derive(Serialize, ToSchema)]
pub struct FundsOut {
    pub year: i32,
    /// 到位资金, yuan.
    pub received_yuan: f64,
    /// 实际使用外资, USD.
    pub fdi_used_usd: f64,
}

impl From<project_funds::Model> for FundsOut {
    fn from(f: project_funds::Model) -> Self {
        FundsOut {
            year: f.year,
            received_yuan: f.received_yuan,
            fdi_used_usd: f.fdi_used_usd,
        }
    }
}

/// A rule the project is behind on today.
#[derive(Serialize, ToSchema)]
pub struct OverdueOut {
    /// `acknowledge`, `screen`, `report` or `stalled`.
    pub kind: String,
    pub due: NaiveDate,
    pub days_late: i64,
}

/// A project with its timeline, money, what it is behind on, and the day it became a success
/// (引进成功), if it has.
#[derive(Serialize, ToSchema)]
pub struct ProjectDetail {
    pub project: ProjectOut,
    pub events: Vec<EventOut>,
    pub funds: Vec<FundsOut>,
    pub overdue: Vec<OverdueOut>,
    pub success_on: Option<NaiveDate>,
    /// Counted in the pipeline figures (fixed-asset investment at or above the zone's floor).
    pub counted: bool,
}

/// The project `id`, if the viewer may see its zone (enterprise accounts may not).
async fn project_for(s: &AppState, v: &Viewer, id: i64) -> ApiResult<project::Model> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    scoped::get::<project::Entity, _>(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilters {
    pub stage: Option<Stage>,
    pub officer: Option<String>,
    /// A GB/T 4754 code or its leading digits.
    pub industry: Option<String>,
    pub country: Option<String>,
    /// Only projects without a stage change or activity for the zone's stall days.
    pub stalled: Option<bool>,
    /// Part of the name or the investor.
    pub q: Option<String>,
    /// `newest` (default), `investment`, `last_activity` or `signed`.
    #[param(inline, value_type = Option<String>, pattern = "^(newest|investment|last_activity|signed)$")]
    pub sort: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/projects", params(("id" = i64, Path), Paging, ProjectFilters), responses((status = 200, body = ProjectList), (status = 422, body = ErrorEnvelope)))]
async fn list_projects(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
    Query(f): Query<ProjectFilters>,
) -> ApiResult<Json<ProjectList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let sort = sort_of(f.sort.as_deref()).map_err(|e| ApiError::invalid(vec![e]))?;
    let rules = projects::rules(&s.db.conn, id).await?;
    let q = ProjectQuery {
        stage: f.stage,
        officer: f.officer,
        industry: f.industry,
        country: f.country,
        stalled: f.stalled.unwrap_or(false),
        q: f.q,
        sort,
        page,
        per_page,
    };
    let today = devzone_core::calendar::today();
    let found = projects::list(&s.db.conn, id, &q, &rules, today).await?;
    Ok(Json(ProjectList {
        items: found
            .items
            .into_iter()
            .map(|m| project_out(m, &v))
            .collect(),
        total: found.total,
        page: found.page,
        per_page: found.per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/projects", params(("id" = i64, Path)), request_body = ProjectInput, responses((status = 201, body = ProjectOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_project(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ProjectInput>,
) -> ApiResult<(StatusCode, Json<ProjectOut>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let d = input
        .validate(devzone_core::calendar::today())
        .map_err(ApiError::invalid)?;
    let m = projects::create(&s.db.conn, &v.actor(), id, &d).await?;
    Ok((StatusCode::CREATED, Json(project_out(m, &v))))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", params(("id" = i64, Path)), responses((status = 200, body = ProjectDetail)))]
async fn get_project(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<ProjectDetail>> {
    let p = project_for(&s, &v, id).await?;
    let db = &s.db.conn;
    let rules = projects::rules(db, p.zone_id).await?;
    let facts = projects::facts(&p);
    let today = devzone_core::calendar::today();
    Ok(Json(ProjectDetail {
        overdue: rules
            .overdue(&facts, today)
            .into_iter()
            .map(|o| OverdueOut {
                kind: o.kind.into(),
                due: o.due,
                days_late: o.days_late,
            })
            .collect(),
        success_on: rules.success_on(&facts),
        counted: rules.counted(&facts),
        events: projects::events(db, p.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        funds: projects::funds_of(db, p.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        project: project_out(p, &v),
    }))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", params(("id" = i64, Path)), request_body = ProjectInput, responses((status = 200, body = ProjectOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn update_project(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ProjectInput>,
) -> ApiResult<Json<ProjectOut>> {
    let p = project_for(&s, &v, id).await?;
    v.require_write()?;
    let d = input
        .validate(devzone_core::calendar::today())
        .map_err(ApiError::invalid)?;
    let m = projects::update(&s.db.conn, &v.actor(), &p, &d).await?;
    Ok(Json(project_out(m, &v)))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/stage", params(("id" = i64, Path)), request_body = StageChangeInput, responses((status = 200, body = ProjectOut), (status = 403, body = ErrorEnvelope), (status = 422, description = "refused by the zone's path (the rule on `to`, the skipped stage as its detail), or a date before the project's last event or in the future; send `exception_reason` to record a refused change anyway", body = ErrorEnvelope)))]
async fn change_stage(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<StageChangeInput>,
) -> ApiResult<Json<ProjectOut>> {
    let p = project_for(&s, &v, id).await?;
    v.require_write()?;
    let db = &s.db.conn;
    let last = projects::last_event_on(db, p.id).await?;
    let c = input
        .validate(devzone_core::calendar::today(), last)
        .map_err(ApiError::invalid)?;
    let rules = projects::rules(db, p.zone_id).await?;
    let m = projects::change_stage(db, &v.actor(), &rules, &p, &c).await?;
    Ok(Json(project_out(m, &v)))
}

/// Something done on a project besides a stage change.
#[derive(Deserialize, ToSchema)]
pub struct ActivityIn {
    /// `acknowledged` (the lead answered), `report` (a follow-up report) or `activity`.
    #[schema(pattern = "^(acknowledged|report|activity)$")]
    pub kind: String,
    /// YYYY-MM-DD, default today.
    #[serde(default)]
    pub on: Lenient,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/activities", params(("id" = i64, Path)), request_body = ActivityIn, responses((status = 200, body = ProjectOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn add_activity(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ActivityIn>,
) -> ApiResult<Json<ProjectOut>> {
    let p = project_for(&s, &v, id).await?;
    v.require_write()?;
    let db = &s.db.conn;
    let last = projects::last_event_on(db, p.id).await?;
    let a = ActivityInput {
        kind: input.kind,
        on: input.on,
        note: input.note,
    }
    .validate(devzone_core::calendar::today(), last)
    .map_err(ApiError::invalid)?;
    let m = projects::record_activity(db, &v.actor(), &p, a.kind, a.on, a.note).await?;
    Ok(Json(project_out(m, &v)))
}

/// What a project brought in a year, in 万元 and 万美元.
#[derive(Deserialize, ToSchema)]
pub struct FundsIn {
    /// Funds received (到位资金), 万元.
    #[serde(default)]
    pub received_wan: Lenient,
    /// FDI actually used (实际使用外资), 万美元.
    #[serde(default)]
    pub fdi_used_wan_usd: Lenient,
}

#[utoipa::path(put, path = "/api/v1/projects/{id}/funds/{year}", params(("id" = i64, Path), ("year" = i32, Path, minimum = 1978, maximum = 2100)), request_body = FundsIn, responses((status = 200, body = FundsOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn set_funds(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, year)): Path<(i64, i32)>,
    Json(input): Json<FundsIn>,
) -> ApiResult<Json<FundsOut>> {
    let p = project_for(&s, &v, id).await?;
    v.require_write()?;
    let (received, used) = FundsInput {
        received_wan: input.received_wan,
        fdi_used_wan_usd: input.fdi_used_wan_usd,
    }
    .validate(year, devzone_core::calendar::this_year())
    .map_err(ApiError::invalid)?;
    let m = projects::set_funds(&s.db.conn, &v.actor(), &p, year, received, used).await?;
    Ok(Json(m.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default this year).
    #[param(minimum = 1978, maximum = 2100)]
    pub year: Option<i32>,
}

/// A share: `num ÷ den`, and the value (null when nothing is below the line).
#[derive(Serialize, ToSchema)]
pub struct RatioOut {
    pub num: f64,
    pub den: f64,
    pub value: Option<f64>,
}

impl From<Ratio> for RatioOut {
    fn from(r: Ratio) -> Self {
        RatioOut {
            num: r.num,
            den: r.den,
            value: r.value(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GroupCount {
    pub group: StageGroup,
    pub projects: usize,
}

#[derive(Serialize, ToSchema)]
pub struct FdiYear {
    pub year: i32,
    pub used_usd: f64,
    pub contracted_usd: f64,
}

#[derive(Serialize, ToSchema)]
pub struct CountryRow {
    pub country: String,
    pub projects: usize,
    pub fdi_used_usd: f64,
}

/// The year's investment figures with the parts of each formula. Pipeline figures count
/// projects at or above the zone's fixed-asset floor; opening-up figures count every
/// foreign-invested project.
#[derive(Serialize, ToSchema)]
pub struct SummaryOut {
    pub year: i32,
    pub projects: usize,
    pub signed: usize,
    pub signed_yuan: f64,
    pub signed_not_counted: usize,
    pub target_signed: Option<u32>,
    pub target_signed_yuan: Option<f64>,
    pub signed_major: usize,
    pub signed_fortune_500: usize,
    pub received_yuan: f64,
    /// Funds received to date by the projects signed in the year ÷ their total investment.
    pub funds_rate: RatioOut,
    /// Signed in the year and started ÷ signed in the year.
    pub start_rate: RatioOut,
    /// Of those started, completed ÷ started.
    pub completion_rate: RatioOut,
    pub successes: usize,
    pub fdi_contracted_usd: f64,
    pub fdi_used_usd: f64,
    pub fdi_used_to_date_usd: f64,
    pub foreign_projects: usize,
    pub fortune_500_investors: usize,
    pub fortune_500_projects: usize,
    /// Projects now in each group of the 七个一批, and those ended.
    pub groups: Vec<GroupCount>,
    pub ended: usize,
    pub fdi_by_year: Vec<FdiYear>,
    /// The countries and regions with the most foreign-invested projects (15).
    pub countries: Vec<CountryRow>,
    pub overdue: crate::investment::OverdueCounts,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/investment/summary", params(("id" = i64, Path), YearQuery), responses((status = 200, body = SummaryOut), (status = 422, body = ErrorEnvelope)))]
async fn investment_summary(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<SummaryOut>> {
    zone_in_scope(&s, &v, id).await?;
    let year = q.year.unwrap_or_else(devzone_core::calendar::this_year);
    if !(1978..=2100).contains(&year) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "year",
            "number.out_of_range",
            year.to_string(),
        )]));
    }
    let today = devzone_core::calendar::today();
    let sum = crate::investment::summary(&s, id, year, today).await?;
    let f = &sum.figures;
    Ok(Json(SummaryOut {
        year,
        projects: sum.projects,
        signed: f.signed,
        signed_yuan: f.signed_yuan,
        signed_not_counted: f.signed_not_counted,
        target_signed: f.target.as_ref().and_then(|t| t.signed_count),
        target_signed_yuan: f.target.as_ref().and_then(|t| t.signed_yuan),
        signed_major: f.signed_major,
        signed_fortune_500: f.signed_fortune_500,
        received_yuan: f.received_yuan,
        funds_rate: f.funds_rate.into(),
        start_rate: f.start_rate.into(),
        completion_rate: f.completion_rate.into(),
        successes: f.successes,
        fdi_contracted_usd: f.fdi_contracted_usd,
        fdi_used_usd: f.fdi_used_usd,
        fdi_used_to_date_usd: f.fdi_used_to_date_usd,
        foreign_projects: f.foreign_projects,
        fortune_500_investors: f.fortune_500_investors,
        fortune_500_projects: f.fortune_500_projects,
        groups: sum
            .groups
            .iter()
            .map(|&(group, projects)| GroupCount { group, projects })
            .collect(),
        ended: sum.ended,
        fdi_by_year: sum
            .fdi_by_year
            .iter()
            .map(|&(year, used_usd, contracted_usd)| FdiYear {
                year,
                used_usd,
                contracted_usd,
            })
            .collect(),
        countries: sum
            .countries
            .iter()
            .map(|(country, projects, fdi_used_usd)| CountryRow {
                country: country.clone(),
                projects: *projects,
                fdi_used_usd: *fdi_used_usd,
            })
            .collect(),
        overdue: sum.overdue.clone(),
    }))
}
