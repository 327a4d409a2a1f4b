//! The appeals API: a zone's appeals (paged, with the list's filters), one appeal with its
//! timeline and what it waits on, raising one, acting on one, and the metrics of a period.
//! An enterprise account sees and raises its own enterprise's appeals only, and takes only
//! the enterprise's acts (confirm, send back, reopen, rate); officers route, answer and
//! close; analysts read. The metrics and the monitoring station's points are the zone's: not
//! for enterprise accounts.

use super::paging::{Paging, list_of};
use crate::AppState;
use crate::api::investment::RatioOut;
use crate::api::{ApiResult, ErrorEnvelope, zone_in_scope};
use crate::error::ApiError;
use crate::session::{ApiViewer, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use devzone_core::appeals::metrics::Metrics;
use devzone_core::appeals::rules::Escalation;
use devzone_core::appeals::validate::{ActionInput, AppealInput};
use devzone_core::appeals::{AppealAction, AppealState, Channel, Resolution, Urgency};
use devzone_core::validate::FieldError;
use devzone_db::entities::{appeal, appeal_event};
use devzone_db::repo::appeals::{self, AppealQuery, AppealSort};
use devzone_db::repo::zones;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/appeals", get(list_appeals).post(create_appeal))
        .route("/zones/{id}/appeals/metrics", get(appeal_metrics))
        .route("/appeals/{id}", get(get_appeal))
        .route("/appeals/{id}/actions", post(act))
        .route("/zones/{id}/monitoring-points", get(monitoring_points))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_appeals,
        create_appeal,
        get_appeal,
        act,
        appeal_metrics,
        monitoring_points
    ),
    components(schemas(
        AppealOut,
        AppealList,
        AppealDetail,
        AppealEventOut,
        WaitingOut,
        AppealInput,
        ActionInput,
        MetricsOut,
        MetricsRow,
        GroupMetrics,
        PointOut,
        PointList,
        AppealState,
        AppealAction,
        Urgency,
        Channel,
        Resolution
    ))
)]
pub struct AppealsDoc;

/// What an open appeal waits on today, how late it is and who it has gone up to.
#[derive(Serialize, ToSchema)]
pub struct WaitingOut {
    /// `acknowledge`, `answer` or `resolve`.
    pub step: String,
    pub due: NaiveDate,
    pub days_late: Option<i64>,
    /// `department_head` or `leader` once the step is late.
    pub escalated_to: Option<String>,
}

/// An appeal.
#[derive(Serialize, ToSchema)]
pub struct AppealOut {
    pub id: i64,
    pub zone_id: i64,
    pub enterprise_id: i64,
    pub park_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub category: String,
    #[schema(value_type = Urgency)]
    pub urgency: String,
    #[schema(value_type = Channel)]
    pub channel: String,
    #[schema(value_type = AppealState)]
    pub state: String,
    pub department: Option<String>,
    pub received_on: NaiveDate,
    pub acknowledge_due: NaiveDate,
    pub answer_due: NaiveDate,
    pub resolve_due: NaiveDate,
    pub assigned_on: Option<NaiveDate>,
    pub first_answer_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    #[schema(value_type = Option<Resolution>)]
    pub resolution: Option<String>,
    /// Times sent back as not solved or reopened.
    pub reopens: i32,
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub waiting: Option<WaitingOut>,
}

/// An appeal as the API shows it, with what it waits on as of `today`.
pub fn appeal_out(
    a: appeal::Model,
    rules: &devzone_core::appeals::AppealRules,
    cal: &devzone_core::calendar::WorkCalendar,
    today: NaiveDate,
) -> AppealOut {
    let waiting = rules
        .waiting(
            cal,
            appeals::state(&a),
            a.first_answer_on,
            &appeals::dues(&a),
            today,
        )
        .map(|w| WaitingOut {
            step: w.step.into(),
            due: w.due,
            days_late: w.days_late,
            escalated_to: w.escalation.map(|e| escalation_id(e).into()),
        });
    AppealOut {
        id: a.id,
        zone_id: a.zone_id,
        enterprise_id: a.enterprise_id,
        park_id: a.park_id,
        title: a.title,
        description: a.description,
        category: a.category,
        urgency: a.urgency,
        channel: a.channel,
        state: a.state,
        department: a.department,
        received_on: a.received_on,
        acknowledge_due: a.acknowledge_due,
        answer_due: a.answer_due,
        resolve_due: a.resolve_due,
        assigned_on: a.assigned_on,
        first_answer_on: a.first_answer_on,
        answered_on: a.answered_on,
        closed_on: a.closed_on,
        resolution: a.resolution,
        reopens: a.reopens,
        rating: a.rating,
        rating_comment: a.rating_comment,
        waiting,
    }
}

pub fn escalation_id(e: Escalation) -> &'static str {
    match e {
        Escalation::DepartmentHead => "department_head",
        Escalation::Leader => "leader",
    }
}

list_of!(
    /// A page of a zone's appeals.
    AppealList,
    AppealOut
);

/// One dated event of an appeal's timeline.
#[derive(Serialize, ToSchema)]
pub struct AppealEventOut {
    pub on: NaiveDate,
    /// `created` or an action.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    /// The department in charge after the event.
    pub department: Option<String>,
    pub note: Option<String>,
    pub rating: Option<i16>,
    /// Taken by the enterprise's own account; else by an officer (on the enterprise's word
    /// for its acts).
    pub by_enterprise: bool,
    pub username: String,
}

impl From<appeal_event::Model> for AppealEventOut {
    fn from(e: appeal_event::Model) -> Self {
        AppealEventOut {
            on: e.on,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            department: e.department,
            note: e.note,
            rating: e.rating,
            by_enterprise: e.by_enterprise,
            username: e.username,
        }
    }
}

/// An appeal with its timeline and the actions the viewer may take on it now.
#[derive(Serialize, ToSchema)]
pub struct AppealDetail {
    pub appeal: AppealOut,
    pub events: Vec<AppealEventOut>,
    pub actions: Vec<AppealAction>,
}

/// The appeal `id` if the viewer may see it (an enterprise account: its own only).
async fn appeal_for(s: &AppState, v: &Viewer, id: i64) -> ApiResult<appeal::Model> {
    appeals::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The actions `v` may take on the appeal today: an enterprise account the enterprise's
/// acts, an officer every act, an analyst none; each only where the states allow it (a
/// rated closure is not rated again, a reopening window that has passed offers no reopening,
/// an answer still within the enterprise's wait cannot be closed without its word).
pub fn actions_for(
    v: &Viewer,
    a: &appeal::Model,
    rules: &devzone_core::appeals::AppealRules,
    cal: &devzone_core::calendar::WorkCalendar,
    today: NaiveDate,
) -> Vec<AppealAction> {
    let enterprise = v.scope.enterprise.is_some();
    if !enterprise && !v.can_write() {
        return Vec::new();
    }
    let p = appeals::progress_of(a);
    AppealAction::ALL
        .iter()
        .copied()
        .filter(|x| p.next(*x, enterprise, rules, cal, today).is_ok())
        .collect()
}

/// The zone, when the viewer may list or raise its appeals: officers and analysts of the
/// zone, and an enterprise account of an enterprise in it.
async fn zone_for_appeals(s: &AppState, v: &Viewer, id: i64) -> ApiResult<()> {
    if v.scope.enterprise.is_none() {
        return zone_in_scope(s, v, id).await;
    }
    zones::get(&s.db.conn, &v.scope, id)
        .await?
        .map(|_| ())
        .ok_or_else(ApiError::not_found)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppealFilters {
    pub state: Option<AppealState>,
    /// A department id of the zone's rules.
    pub department: Option<String>,
    /// A category id: a top-level one takes its children too.
    pub category: Option<String>,
    pub urgency: Option<Urgency>,
    pub enterprise_id: Option<i64>,
    /// Only open appeals past the day of the step they wait on.
    pub overdue: Option<bool>,
    /// Part of the title.
    pub q: Option<String>,
    /// `newest` (default) or `due` (the earliest due day waited on first).
    #[param(inline, value_type = Option<String>, pattern = "^(newest|due)$")]
    pub sort: Option<String>,
}

/// The list's order from its id; an unknown one is refused on `sort`.
pub fn sort_of(s: Option<&str>) -> Result<AppealSort, FieldError> {
    match s.unwrap_or("newest") {
        "newest" => Ok(AppealSort::Newest),
        "due" => Ok(AppealSort::Due),
        other => Err(FieldError::new("sort", "choice.unknown", other)),
    }
}

/// A category filter as the ids it covers: a top-level category and its children.
pub fn categories_of(rules: &devzone_core::appeals::AppealRules, id: &str) -> Vec<String> {
    let mut out = vec![id.to_string()];
    out.extend(
        rules
            .categories
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id))
            .map(|c| c.id.clone()),
    );
    out
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/appeals", params(("id" = i64, Path), Paging, AppealFilters), responses((status = 200, body = AppealList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn list_appeals(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
    Query(f): Query<AppealFilters>,
) -> ApiResult<Json<AppealList>> {
    zone_for_appeals(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let sort = sort_of(f.sort.as_deref()).map_err(|e| ApiError::invalid(vec![e]))?;
    let z = crate::zone_figures::appeals(&s, id).await?;
    let today = devzone_core::calendar::today();
    let q = AppealQuery {
        state: f.state,
        department: f.department,
        categories: f
            .category
            .as_deref()
            .map(|c| categories_of(&z.rules, c))
            .unwrap_or_default(),
        urgency: f.urgency,
        // An enterprise account lists its own, whatever it asked for.
        enterprise_id: v.scope.enterprise.or(f.enterprise_id),
        overdue: f.overdue.unwrap_or(false),
        q: f.q,
        sort,
        page,
        per_page,
    };
    let found = crate::appeals::list(&s, id, &z, &q, today).await?;
    Ok(Json(AppealList {
        items: found
            .items
            .into_iter()
            .map(|a| appeal_out(a, &z.rules, &z.calendar, today))
            .collect(),
        total: found.total,
        page: found.page,
        per_page: found.per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/zones/{id}/appeals", params(("id" = i64, Path)), request_body = AppealInput, responses((status = 201, body = AppealOut), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn create_appeal(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(mut input): Json<AppealInput>,
) -> ApiResult<(StatusCode, Json<AppealOut>)> {
    zone_for_appeals(&s, &v, id).await?;
    let by_enterprise = v.scope.enterprise.is_some();
    if by_enterprise {
        input.enterprise_id = v.scope.enterprise;
    } else {
        v.require_write()?;
    }
    let z = crate::zone_figures::appeals(&s, id).await?;
    let today = devzone_core::calendar::today();
    let d = input
        .validate(&z.rules, by_enterprise, today)
        .map_err(ApiError::invalid)?;
    let m = appeals::create(
        &s.db.conn,
        &v.actor(),
        id,
        &z.rules,
        &z.calendar,
        &d,
        by_enterprise,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(appeal_out(m, &z.rules, &z.calendar, today)),
    ))
}

#[utoipa::path(get, path = "/api/v1/appeals/{id}", params(("id" = i64, Path)), responses((status = 200, body = AppealDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_appeal(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<AppealDetail>> {
    let a = appeal_for(&s, &v, id).await?;
    let z = crate::zone_figures::appeals(&s, a.zone_id).await?;
    let today = devzone_core::calendar::today();
    Ok(Json(AppealDetail {
        actions: actions_for(&v, &a, &z.rules, &z.calendar, today),
        events: appeals::events(&s.db.conn, a.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        appeal: appeal_out(a, &z.rules, &z.calendar, today),
    }))
}

#[utoipa::path(post, path = "/api/v1/appeals/{id}/actions", params(("id" = i64, Path)), request_body = ActionInput, responses((status = 200, body = AppealOut), (status = 403, body = ErrorEnvelope), (status = 422, description = "a field refused, or the action out of order (`appeal.out_of_order` on `action`, the states it may be taken in as the detail), an officers' act by an enterprise account, a reopening after the reopen days, a close before the confirmation wait, a second rating", body = ErrorEnvelope)))]
async fn act(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Json(input): Json<ActionInput>,
) -> ApiResult<Json<AppealOut>> {
    let a = appeal_for(&s, &v, id).await?;
    let by_enterprise = v.scope.enterprise.is_some();
    if !by_enterprise {
        v.require_write()?;
    }
    let z = crate::zone_figures::appeals(&s, a.zone_id).await?;
    let today = devzone_core::calendar::today();
    let d = input
        .validate(
            &z.rules,
            by_enterprise,
            a.department.as_deref(),
            today,
            Some(a.last_event_on),
        )
        .map_err(ApiError::invalid)?;
    let m = appeals::act(
        &s.db.conn,
        &v.actor(),
        &z.rules,
        &z.calendar,
        &a,
        &d,
        by_enterprise,
    )
    .await?;
    Ok(Json(appeal_out(m, &z.rules, &z.calendar, today)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day received (YYYY-MM-DD; default the first day of the month eleven months
    /// back).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Last day received (default today); before `from`, the period is empty.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
}

/// The metrics of a set of appeals, each share with its parts.
#[derive(Serialize, ToSchema)]
pub struct MetricsRow {
    pub received: usize,
    /// 及时受理率: routed by the acknowledge day ÷ routed or past that day.
    pub timely_acknowledged: RatioOut,
    /// 及时处办率: first answered by the answer day ÷ answered or past that day.
    pub timely_handled: RatioOut,
    /// 办结率: closed ÷ received.
    pub closed: RatioOut,
    /// 解决率: closed as solved on the enterprise's word ÷ (closed + the times those were sent
    /// back or reopened).
    pub solved: RatioOut,
    /// 满意率: ratings of 4 or 5 ÷ ratings given.
    pub satisfied: RatioOut,
    pub mean_rating: Option<f64>,
    pub reopened: usize,
    pub overdue: usize,
}

impl From<&Metrics> for MetricsRow {
    fn from(m: &Metrics) -> Self {
        MetricsRow {
            received: m.received,
            timely_acknowledged: m.timely_acknowledged.into(),
            timely_handled: m.timely_handled.into(),
            closed: m.closed.into(),
            solved: m.solved.into(),
            satisfied: m.satisfied.into(),
            mean_rating: m.mean_rating(),
            reopened: m.reopened,
            overdue: m.overdue,
        }
    }
}

/// The metrics of one group.
#[derive(Serialize, ToSchema)]
pub struct GroupMetrics {
    /// The department or category id, the park id (null: outside the parks), or the month
    /// (`YYYY-MM`).
    #[schema(value_type = Option<String>)]
    pub key: Option<String>,
    pub metrics: MetricsRow,
}

/// The metrics of the appeals received in a period: overall and by department, category,
/// park and month.
#[derive(Serialize, ToSchema)]
pub struct MetricsOut {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub all: MetricsRow,
    pub by_department: Vec<GroupMetrics>,
    pub by_category: Vec<GroupMetrics>,
    pub by_park: Vec<GroupMetrics>,
    pub by_month: Vec<GroupMetrics>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/appeals/metrics", params(("id" = i64, Path), PeriodQuery), responses((status = 200, body = MetricsOut), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn appeal_metrics(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<MetricsOut>> {
    zone_in_scope(&s, &v, id).await?;
    let today = devzone_core::calendar::today();
    let (from, to) = crate::appeals::period(q.from.as_deref(), q.to.as_deref(), today, false)
        .map_err(ApiError::invalid)?;
    let p = crate::appeals::metrics(&s, id, from, to, today).await?;
    fn groups<K>(
        m: &std::collections::BTreeMap<K, Metrics>,
        key: impl Fn(&K) -> Option<String>,
    ) -> Vec<GroupMetrics> {
        m.iter()
            .map(|(k, m)| GroupMetrics {
                key: key(k),
                metrics: m.into(),
            })
            .collect()
    }
    Ok(Json(MetricsOut {
        from,
        to,
        all: (&p.all).into(),
        by_department: groups(&p.by_department, |k| Some(k.clone())),
        by_category: groups(&p.by_category, |k| Some(k.clone())),
        by_park: groups(&p.by_park, |k| k.map(|p| p.to_string())),
        by_month: groups(&p.by_month, |k| Some(k.clone())),
    }))
}

/// A monitoring point of the zone's business-environment station.
#[derive(Serialize, ToSchema)]
pub struct PointOut {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub park_id: Option<i64>,
    /// `state_owned`, `private`, `foreign` or `other`, from the enterprise's ownership.
    pub kind: String,
    pub ownership: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    /// Appeals it raised in the last twelve months.
    pub appeals: u64,
}

list_of!(
    /// A page of the station's monitoring points.
    PointList,
    PointOut
);

/// The zone's monitoring points today, with the appeals each raised in the last twelve
/// months; kept per day until the zone changes (finding them reads the qualifications of
/// every enterprise of the zone).
pub async fn points(
    s: &AppState,
    zone_id: i64,
) -> Result<std::sync::Arc<Vec<devzone_db::repo::station::Point>>, devzone_db::DbError> {
    let today = devzone_core::calendar::today();
    let since = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    let key = devzone_db::memo::Key::new("station", zone_id).with(today);
    let db = &s.db.conn;
    s.memo
        .get(db, key, || {
            devzone_db::repo::station::points(db, zone_id, today, since)
        })
        .await
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/monitoring-points", params(("id" = i64, Path), Paging), responses((status = 200, body = PointList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn monitoring_points(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<PointList>> {
    zone_in_scope(&s, &v, id).await?;
    let (page, per_page) = paging.checked()?;
    let all = points(&s, id).await?;
    let total = all.len() as u64;
    let items = all
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|p| PointOut {
            enterprise_id: p.enterprise.id,
            name: p.enterprise.name.clone(),
            credit_code: p.enterprise.credit_code.clone(),
            park_id: p.enterprise.park_id,
            kind: p.kind().id().into(),
            ownership: p.enterprise.ownership.clone(),
            since: p.since,
            until: p.until,
            appeals: p.appeals,
        })
        .collect();
    Ok(Json(PointList {
        items,
        total,
        page,
        per_page,
    }))
}
