//! The JSON API under `/api/v1`, and its OpenAPI document.
//!
//! Field names follow the glossary (`credit_code`, `industry_code`, `zone_id`); quantities
//! are in stored units (yuan, m², kWh, tce, persons) and each schema says which. Lists carry
//! `items`, `total`, `page` and `per_page`. Errors use one envelope (see `views::api_error`).

pub mod appeals;
pub mod chains;
pub mod evaluation;
pub mod imports;
pub mod investment;
pub mod land;
pub mod paging;
pub mod records;
pub mod tiers;
pub mod visits;

use crate::AppState;
use crate::error::ApiError;
use crate::session::{ApiViewer, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use devzone_core::facts::FactField;
use devzone_core::validate::{EnterpriseInput, FactsInput, ParkInput, ZoneInput};
use devzone_db::entities::{enterprise, park, zone};
use devzone_db::repo::facts::FactVersion;
use devzone_db::repo::{enterprises, facts, zones};
use paging::{Paging, list_of};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/zones", get(list_zones).post(create_zone))
        .route("/zones/{id}", get(get_zone).put(update_zone))
        .route("/zones/{id}/parks", get(list_parks).post(create_park))
        .route("/parks/{id}", get(get_park).put(update_park))
        .route(
            "/enterprises",
            get(list_enterprises).post(create_enterprise),
        )
        .route(
            "/enterprises/{id}",
            get(get_enterprise).put(update_enterprise),
        )
        .route(
            "/enterprises/{id}/facts",
            get(list_facts).post(record_facts),
        )
        .merge(evaluation::routes())
        .merge(imports::routes())
        .merge(land::routes())
        .merge(chains::routes())
        .merge(tiers::routes())
        .merge(investment::routes())
        .merge(appeals::routes())
        .merge(visits::routes())
        .fallback(|| async { ApiError::not_found() })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "devzone API", version = "1", description = "Zones, parks, enterprises, annual facts and per-mu evaluation. Authenticate with `Authorization: Bearer <token>` (see `devzone token create`)."),
    paths(list_zones, create_zone, get_zone, update_zone, list_parks, create_park, get_park, update_park, list_enterprises, create_enterprise, get_enterprise, update_enterprise, list_facts, record_facts),
    components(schemas(ZoneOut, ParkOut, EnterpriseOut, FactValueOut, ZoneList, ParkList, EnterpriseList, FactList, ErrorEnvelope, ErrorBody, FieldErrorOut, ZoneInput, ParkInput, EnterpriseInput, NewEnterprise, EnterpriseSort, SortOrder, FactsInput, FactsOutcome)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The whole API: the core document with the evaluation paths merged in.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(evaluation::EvaluationDoc::openapi());
    doc.merge(imports::ImportDoc::openapi());
    doc.merge(land::LandDoc::openapi());
    doc.merge(chains::ChainDoc::openapi());
    doc.merge(tiers::TierDoc::openapi());
    doc.merge(investment::InvestmentDoc::openapi());
    doc.merge(appeals::AppealsDoc::openapi());
    doc.merge(visits::VisitsDoc::openapi());
    describe_responses(&mut doc);
    doc
}

/// OpenAPI requires a description on every response; where an annotation gives none, the
/// status code's reason phrase ("OK", "Not Found", …) stands in. The answers every operation
/// can give are added where an annotation leaves them out: 401 without a valid token, 400
/// when a path or query parameter does not parse, 404 when the record a path names is not in
/// the caller's scope, and for an operation with a body 400 (it does not parse), 415 (another
/// media type) and 409 (a unique key taken), all in the error envelope.
fn describe_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{RefOr, Response, ResponseBuilder};
    let envelope = |text: &str| -> RefOr<Response> {
        RefOr::T(
            ResponseBuilder::new()
                .description(text)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name(
                            "ErrorEnvelope",
                        )))
                        .build(),
                )
                .build(),
        )
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let params = op.parameters.as_deref().unwrap_or(&[]);
            let in_path = params
                .iter()
                .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path)));
            let responses = &mut op.responses.responses;
            responses
                .entry("401".into())
                .or_insert_with(|| envelope("No valid bearer token."));
            if !params.is_empty() {
                responses
                    .entry("400".into())
                    .or_insert_with(|| envelope("A path or query parameter does not parse."));
            }
            if op.request_body.is_some() {
                responses
                    .entry("400".into())
                    .or_insert_with(|| envelope("The body does not parse."));
                responses.entry("415".into()).or_insert_with(|| {
                    envelope("The body is not of the media type the operation takes.")
                });
                // Any write may meet a unique key (a park's or zone's name, a credit code).
                responses.entry("409".into()).or_insert_with(|| {
                    envelope("The body collides with a stored record's unique key.")
                });
            }
            if in_path {
                responses.entry("404".into()).or_insert_with(|| {
                    envelope("The record is not there or not in the caller's scope.")
                });
            }
            for (code, response) in responses.iter_mut() {
                if let RefOr::T(r) = response
                    && r.description.is_empty()
                {
                    r.description = code
                        .parse::<u16>()
                        .ok()
                        .and_then(|c| axum::http::StatusCode::from_u16(c).ok())
                        .and_then(|c| c.canonical_reason())
                        .unwrap_or("Response")
                        .to_string();
                }
            }
        }
    }
}

async fn openapi() -> impl IntoResponse {
    Json(document())
}

#[derive(Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// unauthorized, forbidden, csrf, not_found, invalid, conflict, internal
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldErrorOut>,
    /// Quote it when reporting a problem.
    pub request_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldErrorOut {
    pub field: String,
    /// Stable rule id, e.g. `credit_code.check`.
    pub rule: String,
    pub value: String,
    /// In the language of the request (Accept-Language).
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ZoneOut {
    pub id: i64,
    pub name: String,
    /// national_etdz, national_high_tech, provincial, other_park
    pub kind: String,
    pub gbt37028_code: Option<String>,
    pub province_code: String,
    pub city_code: String,
}

impl From<zone::Model> for ZoneOut {
    fn from(z: zone::Model) -> Self {
        Self {
            id: z.id,
            name: z.name,
            kind: z.kind,
            gbt37028_code: z.gbt37028_code,
            province_code: z.province_code,
            city_code: z.city_code,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ParkOut {
    pub id: i64,
    pub zone_id: i64,
    pub name: String,
    pub theme: Option<String>,
    /// GeoJSON geometry (WGS 84), as text.
    pub boundary: Option<String>,
}

impl From<park::Model> for ParkOut {
    fn from(p: park::Model) -> Self {
        Self {
            id: p.id,
            zone_id: p.zone_id,
            name: p.name,
            theme: p.theme,
            boundary: p.boundary,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EnterpriseOut {
    pub id: i64,
    pub zone_id: i64,
    pub park_id: Option<i64>,
    pub credit_code: String,
    pub name: String,
    pub former_names: Vec<String>,
    pub industry_code: String,
    pub address: Option<String>,
    pub division_code: Option<String>,
    pub ownership: String,
    pub source_country: Option<String>,
    pub fortune500_parent: Option<String>,
    pub founded_on: Option<chrono::NaiveDate>,
    /// Yuan.
    #[schema(value_type = Option<String>)]
    pub registered_capital: Option<rust_decimal::Decimal>,
    pub tags: Vec<String>,
    /// 经营范围 and 主要产品.
    pub business_scope: Option<String>,
    pub main_products: Option<String>,
    pub above_scale: Option<bool>,
    /// Operating revenue of `latest_year`, yuan.
    #[schema(value_type = Option<String>)]
    pub latest_revenue: Option<rust_decimal::Decimal>,
    pub latest_year: Option<i32>,
}

fn yuan(c: Option<i64>) -> Option<rust_decimal::Decimal> {
    c.map(|c| rust_decimal::Decimal::new(c, 2))
}

impl From<enterprise::Model> for EnterpriseOut {
    fn from(e: enterprise::Model) -> Self {
        let list = |s: &str| serde_json::from_str(s).unwrap_or_default();
        Self {
            id: e.id,
            zone_id: e.zone_id,
            park_id: e.park_id,
            credit_code: e.credit_code,
            name: e.name,
            former_names: list(&e.former_names),
            industry_code: e.industry_code,
            address: e.address,
            division_code: e.division_code,
            ownership: e.ownership,
            source_country: e.source_country,
            fortune500_parent: e.fortune500_parent,
            founded_on: e.founded_on,
            registered_capital: yuan(e.registered_capital),
            tags: list(&e.tags),
            business_scope: e.business_scope.clone(),
            main_products: e.main_products.clone(),
            above_scale: e.above_scale,
            latest_revenue: yuan(e.latest_revenue),
            latest_year: e.latest_year,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FactValueOut {
    pub year: i32,
    pub field: String,
    /// In `unit`: yuan, usd, m2, kwh, tce, t, person, count, flag.
    #[schema(value_type = Option<String>)]
    pub value: Option<rust_decimal::Decimal>,
    pub unit: String,
    pub text: Option<String>,
    pub source: String,
    pub as_of: chrono::NaiveDate,
    pub entered_by: String,
    pub entered_at: chrono::DateTime<chrono::Utc>,
    /// False for earlier versions kept as history.
    pub current: bool,
}

impl From<FactVersion> for FactValueOut {
    fn from(v: FactVersion) -> Self {
        Self {
            unit: FactField::parse(&v.field)
                .map(|f| f.unit().id().to_string())
                .unwrap_or_default(),
            year: v.year,
            field: v.field,
            value: yuan(v.value),
            text: v.text_value,
            source: v.source,
            as_of: v.as_of,
            entered_by: v.entered_by,
            entered_at: v.entered_at,
            current: v.current,
        }
    }
}

list_of!(ZoneList, ZoneOut);
list_of!(ParkList, ParkOut);
list_of!(EnterpriseList, EnterpriseOut);
list_of!(FactList, FactValueOut);
#[derive(Serialize, ToSchema)]
pub struct FactsOutcome {
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/v1/zones", params(Paging), responses((status = 200, body = ZoneList), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_zones(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<ZoneList>> {
    paging.checked()?;
    Ok(Json(
        paging
            .slice(zones::list(&s.db.conn, &v.scope).await?)?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/zones", request_body = ZoneInput, responses((status = 201, body = ZoneOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_zone(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Json(input): Json<ZoneInput>,
) -> ApiResult<(StatusCode, Json<ZoneOut>)> {
    if !v.is_admin() {
        return Err(ApiError::forbidden());
    }
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(zones::create(&s.db.conn, &v.actor(), &d).await?.into()),
    ))
}

#[utoipa::path(get, path = "/api/v1/zones/{id}", params(("id" = i64, Path)), responses((status = 200, body = ZoneOut), (status = 404, body = ErrorEnvelope)))]
async fn get_zone(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<ZoneOut>> {
    Ok(Json(
        zones::get(&s.db.conn, &v.scope, id)
            .await?
            .ok_or_else(ApiError::not_found)?
            .into(),
    ))
}

#[utoipa::path(put, path = "/api/v1/zones/{id}", params(("id" = i64, Path)), request_body = ZoneInput, responses((status = 200, body = ZoneOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn update_zone(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ZoneInput>,
) -> ApiResult<Json<ZoneOut>> {
    if !v.is_admin() {
        return Err(ApiError::forbidden());
    }
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok(Json(
        zones::update(&s.db.conn, &v.actor(), &v.scope, id, &d)
            .await?
            .into(),
    ))
}

pub(crate) async fn zone_in_scope(s: &AppState, v: &Viewer, id: i64) -> ApiResult<()> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    zones::get(&s.db.conn, &v.scope, id)
        .await?
        .map(|_| ())
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/parks", params(("id" = i64, Path), Paging), responses((status = 200, body = ParkList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_parks(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<ParkList>> {
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    Ok(Json(
        paging.slice(zones::parks(&s.db.conn, id).await?)?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/parks", params(("id" = i64, Path)), request_body = ParkInput, responses((status = 201, body = ParkOut), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_park(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ParkInput>,
) -> ApiResult<(StatusCode, Json<ParkOut>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(
            zones::create_park(&s.db.conn, &v.actor(), id, &d)
                .await?
                .into(),
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/parks/{id}", params(("id" = i64, Path)), responses((status = 200, body = ParkOut), (status = 404, body = ErrorEnvelope)))]
async fn get_park(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<ParkOut>> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    Ok(Json(
        zones::park(&s.db.conn, &v.scope, id)
            .await?
            .ok_or_else(ApiError::not_found)?
            .into(),
    ))
}

#[utoipa::path(put, path = "/api/v1/parks/{id}", params(("id" = i64, Path)), request_body = ParkInput, responses((status = 200, body = ParkOut), (status = 422, body = ErrorEnvelope)))]
async fn update_park(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ParkInput>,
) -> ApiResult<Json<ParkOut>> {
    if v.scope.enterprise.is_some() {
        return Err(ApiError::not_found());
    }
    v.require_write()?;
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok(Json(
        zones::update_park(&s.db.conn, &v.actor(), &v.scope, id, &d)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseParams {
    zone_id: Option<i64>,
    /// Name fragment or start of a credit code.
    q: Option<String>,
    park_id: Option<i64>,
    /// Section letter, 2-digit division or 4-digit class.
    industry: Option<String>,
    qualification: Option<String>,
    above_scale: Option<bool>,
    /// The column the list is sorted by (default: name).
    #[param(value_type = Option<EnterpriseSort>)]
    sort: Option<String>,
    /// asc (default) or desc.
    #[param(value_type = Option<SortOrder>)]
    order: Option<String>,
}

/// The columns the enterprise list sorts by: the values `sort` accepts (absent or empty: name).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum EnterpriseSort {
    Name,
    CreditCode,
    IndustryCode,
    FoundedOn,
    RegisteredCapital,
    Revenue,
}

/// Ascending or descending (absent or empty: ascending).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[utoipa::path(get, path = "/api/v1/enterprises", params(EnterpriseParams, Paging), responses((status = 200, body = EnterpriseList), (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_enterprises(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Query(p): Query<EnterpriseParams>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<EnterpriseList>> {
    let (page, per_page) = paging.checked()?;
    let sort = match p.sort.as_deref().filter(|k| !k.is_empty()) {
        None => enterprises::SortKey::default(),
        Some(k) => enterprises::SortKey::parse(k).ok_or_else(|| {
            ApiError::invalid(vec![devzone_core::validate::FieldError::new(
                "sort",
                "choice.unknown",
                k,
            )])
        })?,
    };
    let descending = match p.order.as_deref().unwrap_or("") {
        "" | "asc" => false,
        "desc" => true,
        other => {
            return Err(ApiError::invalid(vec![
                devzone_core::validate::FieldError::new("order", "choice.unknown", other),
            ]));
        }
    };
    let q = enterprises::ListQuery {
        zone_id: p.zone_id,
        q: p.q,
        park_id: p.park_id,
        industry: p.industry,
        qualification: p.qualification,
        above_scale: p.above_scale,
        sort,
        descending,
        page,
        per_page,
    };
    Ok(Json(
        crate::zone_figures::enterprise_page(&s, &v.scope, &q)
            .await?
            .into(),
    ))
}

/// A new enterprise: its record and the zone it is registered in.
#[derive(Deserialize, ToSchema)]
pub struct NewEnterprise {
    /// The zone the enterprise is registered in.
    zone_id: i64,
    #[serde(flatten)]
    input: EnterpriseInput,
}

#[utoipa::path(post, path = "/api/v1/enterprises", request_body = NewEnterprise, responses((status = 201, body = EnterpriseOut), (status = 404, description = "the zone named by zone_id is not in the caller's scope", body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_enterprise(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Json(body): Json<NewEnterprise>,
) -> ApiResult<(StatusCode, Json<EnterpriseOut>)> {
    zone_in_scope(&s, &v, body.zone_id).await?;
    v.require_write()?;
    let d = body.input.validate().map_err(ApiError::invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(
            enterprises::create(&s.db.conn, &v.actor(), body.zone_id, &d)
                .await?
                .into(),
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}", params(("id" = i64, Path)), responses((status = 200, body = EnterpriseOut), (status = 404, body = ErrorEnvelope)))]
async fn get_enterprise(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<EnterpriseOut>> {
    Ok(Json(
        enterprises::get(&s.db.conn, &v.scope, id)
            .await?
            .ok_or_else(ApiError::not_found)?
            .into(),
    ))
}

#[utoipa::path(put, path = "/api/v1/enterprises/{id}", params(("id" = i64, Path)), request_body = EnterpriseInput, responses((status = 200, body = EnterpriseOut), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn update_enterprise(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<EnterpriseInput>,
) -> ApiResult<Json<EnterpriseOut>> {
    enterprises::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    v.require_write()?;
    let d = input.validate().map_err(ApiError::invalid)?;
    Ok(Json(
        enterprises::update(&s.db.conn, &v.actor(), &v.scope, id, &d)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FactParams {
    year: Option<i32>,
    /// Include earlier versions (history).
    history: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}/facts", params(("id" = i64, Path), FactParams, Paging), responses((status = 200, body = FactList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_facts(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(p): Query<FactParams>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<FactList>> {
    enterprises::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    paging.checked()?;
    // One enterprise's figures: a few hundred versions at most.
    let items: Vec<_> = facts::history(&s.db.conn, id)
        .await?
        .into_iter()
        .filter(|f| p.history.unwrap_or(false) || f.current)
        .filter(|f| p.year.is_none_or(|y| y == f.year))
        .collect();
    Ok(Json(paging.slice(items)?.into()))
}

#[utoipa::path(post, path = "/api/v1/enterprises/{id}/facts", params(("id" = i64, Path)), request_body = FactsInput, responses((status = 200, body = FactsOutcome), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn record_facts(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<FactsInput>,
) -> ApiResult<Json<FactsOutcome>> {
    enterprises::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    v.require_write()?;
    let d = input
        .validate(devzone_core::calendar::today())
        .map_err(ApiError::invalid)?;
    let o = facts::record(&s.db.conn, &v.actor(), &v.scope, id, &d).await?;
    Ok(Json(FactsOutcome {
        inserted: o.inserted,
        updated: o.updated,
        unchanged: o.unchanged,
    }))
}
