//! The industry-chain API: a zone's chains with their node status, one chain's gap analysis
//! and target list, mappings with their evidence, review, and a run of the rules.

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
use devzone_core::chain::gap::{NodeGap, Status, Target, analyse, targets};
use devzone_core::chain::taxonomy::Level;
use devzone_db::repo::chains;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/chains", get(list_chains))
        .route("/zones/{id}/chains/{taxonomy}/{chain}", get(get_chain))
        .route("/zones/{id}/chain-mappings", get(list_mappings))
        .route("/zones/{id}/chain-mappings/review", post(review))
        .route("/zones/{id}/chain-mappings/suggest", post(suggest))
        .route("/zones/{id}/tracks", get(list_tracks))
        .route("/zones/{id}/targets", get(list_targets))
        .route("/zones/{id}/location-quotients", get(location_quotients))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_chains,
        get_chain,
        list_mappings,
        review,
        suggest,
        list_tracks,
        list_targets,
        location_quotients
    ),
    components(schemas(
        ChainSummary,
        ChainList,
        MappingList,
        TrackList,
        TargetList,
        QuotientList,
        ChainOut,
        NodeGap,
        Target,
        ChainMappingRecord,
        ReviewIn,
        ReviewOut,
        TrackOut,
        TargetOut,
        devzone_core::chain::target::Metric,
        devzone_core::chain::target::Progress,
        devzone_core::chain::lq::Quotient
    ))
)]
pub struct ChainDoc;

list_of!(ChainList, ChainSummary);
list_of!(MappingList, ChainMappingRecord);
list_of!(TrackList, TrackOut);
list_of!(TargetList, TargetOut);
list_of!(QuotientList, devzone_core::chain::lq::Quotient);

#[derive(Serialize, ToSchema)]
pub struct ChainSummary {
    pub taxonomy: String,
    pub taxonomy_version: String,
    pub chain: String,
    pub name: String,
    pub track: Option<String>,
    pub strong: usize,
    pub weak: usize,
    pub missing: usize,
    pub confirmed: usize,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/chains", params(("id" = i64, Path), Paging), responses((status = 200, body = ChainList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_chains(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<ChainList>> {
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    let db = &s.db.conn;
    let th = chains::thresholds(db, id).await?;
    let mut out = Vec::new();
    for t in chains::taxonomies(db, id).await? {
        let m = crate::zone_figures::chain_members(&s, id, &t.id).await?;
        let (members, suggested) = (&m.0, &m.1);
        for ch in t.of_level(Level::Chain) {
            let g = analyse(&t, &ch.id, members, suggested, &th);
            let n = |st: Status| g.iter().filter(|x| x.status == st).count();
            out.push(ChainSummary {
                taxonomy: t.id.clone(),
                taxonomy_version: t.version.clone(),
                chain: ch.id.clone(),
                name: ch.name.clone(),
                track: ch.parent.clone(),
                strong: n(Status::Strong),
                weak: n(Status::Weak),
                missing: n(Status::Missing),
                confirmed: g.iter().map(|x| x.confirmed).sum(),
            });
        }
    }
    Ok(Json(paging.slice(out)?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ChainOut {
    pub taxonomy: String,
    pub chain: String,
    pub name: String,
    pub nodes: Vec<NodeGap>,
    pub targets: Vec<Target>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/chains/{taxonomy}/{chain}", params(("id" = i64, Path), ("taxonomy" = String, Path), ("chain" = String, Path)), responses((status = 200, body = ChainOut), (status = 404, body = ErrorEnvelope)))]
async fn get_chain(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, taxonomy, chain)): Path<(i64, String, String)>,
) -> ApiResult<Json<ChainOut>> {
    zone_in_scope(&s, &v, id).await?;
    let db = &s.db.conn;
    let t = chains::taxonomy(db, id, &taxonomy)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let ch = t
        .node(&chain)
        .filter(|n| n.level == Level::Chain)
        .ok_or_else(ApiError::not_found)?;
    let th = chains::thresholds(db, id).await?;
    let m = crate::zone_figures::chain_members(&s, id, &taxonomy).await?;
    let (members, suggested) = (&m.0, &m.1);
    let nodes = analyse(&t, &chain, members, suggested, &th);
    Ok(Json(ChainOut {
        targets: targets(&t, &nodes),
        name: ch.name.clone(),
        taxonomy,
        chain,
        nodes,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MappingQuery {
    taxonomy: Option<String>,
    node: Option<String>,
    /// suggested, confirmed or rejected.
    state: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/chain-mappings", params(("id" = i64, Path), MappingQuery, Paging), responses((status = 200, body = MappingList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_mappings(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<MappingQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<MappingList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    Ok(Json(
        chains::mappings_page(
            &s.db.conn,
            id,
            q.taxonomy.as_deref(),
            q.node.as_deref(),
            q.state.as_deref(),
            page,
            per_page,
        )
        .await?
        .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewIn {
    pub ids: Vec<i64>,
    /// confirmed or rejected.
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub changed: usize,
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/chain-mappings/review", params(("id" = i64, Path)), request_body = ReviewIn, responses((status = 200, body = ReviewOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn review(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ReviewIn>,
) -> ApiResult<Json<ReviewOut>> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    let changed = chains::review(&s.db.conn, &v.actor(), id, &input.ids, &input.state).await?;
    Ok(Json(ReviewOut { changed }))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/chain-mappings/suggest", params(("id" = i64, Path)), responses((status = 202, description = "running as a job; poll /jobs/{id}, whose counts are enterprises, suggested and already_reviewed", body = super::imports::JobOut), (status = 403, body = ErrorEnvelope), (status = 409, description = "suggestions are already running in the zone", body = ErrorEnvelope)))]
async fn suggest(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<super::imports::JobOut>)> {
    zone_in_scope(&s, &v, id).await?;
    v.require_write()?;
    match crate::jobs::start_suggestions(&s, &v.actor(), id).await {
        Ok(j) => Ok((StatusCode::ACCEPTED, Json(crate::jobs::view(&s, j).into()))),
        Err(crate::jobs::Refused::Busy(running)) => Err(crate::error::ApiError::conflict(
            "zone_id",
            "job.busy",
            running.id.to_string(),
        )),
        Err(crate::jobs::Refused::Db(e)) => Err(e.into()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct TrackOut {
    pub taxonomy: String,
    pub track: String,
    pub name: String,
    pub area: Option<String>,
    /// early, growing or mature; none when the zone has not staged it.
    pub stage: Option<String>,
    pub enterprises: usize,
    /// Record kind → count.
    pub records: std::collections::BTreeMap<String, usize>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/tracks", params(("id" = i64, Path), Paging), responses((status = 200, body = TrackList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_tracks(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<TrackList>> {
    use devzone_db::repo::tracks;
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    let db = &s.db.conn;
    let stages = tracks::stages(db, id).await?;
    let records = tracks::records(db, id, None, None).await?;
    let mut out = Vec::new();
    for t in chains::taxonomies(db, id).await? {
        let by_track = crate::zone_figures::track_members(&s, id, &t.id).await?;
        for tr in t.of_level(Level::Track) {
            let stage = stages.get(&(t.id.clone(), tr.id.clone())).cloned();
            if t.id == "sei2018" && stage.is_none() {
                continue;
            }
            let mut counts = std::collections::BTreeMap::new();
            for r in records
                .iter()
                .filter(|r| r.taxonomy == t.id && r.track_id == tr.id)
            {
                *counts.entry(r.kind.clone()).or_insert(0) += 1;
            }
            out.push(TrackOut {
                taxonomy: t.id.clone(),
                track: tr.id.clone(),
                name: tr.name.clone(),
                area: tr.parent.clone(),
                stage,
                enterprises: by_track.get(&tr.id).map_or(0, |e| e.len()),
                records: counts,
            });
        }
    }
    Ok(Json(paging.slice(out)?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct TargetOut {
    pub id: i64,
    pub name: String,
    pub metric: devzone_core::chain::target::Metric,
    pub baseline: f64,
    #[schema(value_type = String)]
    pub baseline_on: chrono::NaiveDate,
    pub target: f64,
    #[schema(value_type = String)]
    pub deadline: chrono::NaiveDate,
    pub progress: devzone_core::chain::target::Progress,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/targets", params(("id" = i64, Path), Paging), responses((status = 200, body = TargetList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_targets(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<TargetList>> {
    use devzone_core::chain::target::{Metric, progress};
    use devzone_db::repo::tracks;
    zone_in_scope(&s, &v, id).await?;
    let db = &s.db.conn;
    let today = devzone_core::calendar::today();
    // Only the page's targets are measured.
    let page = paging.slice(tracks::targets(db, id).await?)?;
    let mut out = Vec::new();
    for m in page.items {
        let Ok(metric) = serde_json::from_str::<Metric>(&m.metric) else {
            continue;
        };
        let current = crate::zone_figures::measure(&s, id, &metric).await?;
        out.push(TargetOut {
            id: m.id,
            name: m.name,
            progress: progress(
                m.baseline_value,
                m.baseline_on,
                m.target_value,
                m.deadline,
                current,
                today,
            ),
            metric,
            baseline: m.baseline_value,
            baseline_on: m.baseline_on,
            target: m.target_value,
            deadline: m.deadline,
        });
    }
    Ok(Json(TargetList {
        items: out,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LqQuery {
    year: i32,
    /// employees (default) or revenue.
    basis: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/location-quotients", params(("id" = i64, Path), LqQuery, Paging), responses((status = 200, body = QuotientList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn location_quotients(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<LqQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<QuotientList>> {
    zone_in_scope(&s, &v, id).await?;
    paging.checked()?;
    let basis = if q.basis.as_deref() == Some("revenue") {
        "revenue"
    } else {
        "employees"
    };
    let (z, p) = devzone_db::repo::tracks::division_figures(&s.db.conn, id, q.year, basis).await?;
    Ok(Json(
        paging
            .slice(devzone_core::chain::lq::quotients(&z, &p))?
            .into(),
    ))
}
