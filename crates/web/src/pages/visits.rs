//! Visit pages: the zone's visits with the coverage of the last twelve months (by park and by
//! title held), a visit recorded or planned, a visit's record with the form that completes it
//! and the one that turns its issues into an appeal, the enterprises not visited for a number
//! of months, and the monitoring station's points. Officers write, analysts read; enterprise
//! accounts see none of it.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::appeals::category_label;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::format::{grouped, pct};
use crate::views::pager::Pager;
use crate::views::{Chrome, Kpi};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Months, NaiveDate};
use devzone_core::appeals::validate::AppealInput;
use devzone_core::appeals::visits::{Coverage, VisitInput, VisitTopic};
use devzone_core::land::validate::Lenient;
use devzone_core::validate::FieldError;
use devzone_db::entities::visit;
use devzone_db::repo::visits::{self, CoverageFigures, VisitQuery, VisitStatus};
use devzone_db::repo::{appeals, land};
use serde::Deserialize;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/visits", get(list_page).post(create))
        .route("/zones/{id}/visits/new", get(new_form))
        .route("/zones/{id}/visits/due", get(due_page))
        .route("/visits/{id}", get(show).post(update))
        .route("/visits/{id}/appeal", post(to_appeal))
        .route("/zones/{id}/monitoring-points", get(station_page))
}

const PER_PAGE: u64 = 50;
/// Coverage counts the visits of this many months.
pub const COVERAGE_MONTHS: u32 = 12;
/// The reminder list's default: enterprises not visited for this many months.
const DUE_MONTHS: u32 = 6;

/// The zone's coverage since `months` months before today, kept until the zone changes.
pub async fn coverage(
    state: &AppState,
    zone_id: i64,
    months: u32,
) -> devzone_db::DbResult<Arc<CoverageFigures>> {
    let today = devzone_core::calendar::today();
    let since = today
        .checked_sub_months(Months::new(months))
        .unwrap_or(today);
    let key = devzone_db::memo::Key::new("visit_coverage", zone_id)
        .with(today)
        .with(months);
    let db = &state.db.conn;
    state
        .memo
        .get(db, key, || visits::coverage(db, zone_id, since, today))
        .await
}

fn rate(c: &Coverage) -> String {
    format!(
        "{} ({} / {})",
        pct(c.rate()),
        grouped(c.visited as f64, 0),
        grouped(c.enterprises as f64, 0)
    )
}

fn topics_of(t: &Tr, ids: &str) -> String {
    ids.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| t.tv("vtopic", s))
        .collect::<Vec<_>>()
        .join(crate::views::format::list_sep(t))
}

/// The visit `id` if the viewer may see its zone (enterprise accounts may not).
async fn visit_for(state: &AppState, v: &Viewer, id: i64) -> Result<visit::Model, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    devzone_db::repo::scoped::get::<visit::Entity, _>(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    status: Option<String>,
    officer: Option<String>,
    page: Option<u64>,
}

pub struct Row {
    pub id: i64,
    pub enterprise: String,
    pub officer: String,
    pub day: String,
    pub done: bool,
    pub topics: String,
    pub issues: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/list.html")]
struct ListPage {
    c: Chrome,
    zone_id: i64,
    f: ListForm,
    kpis: Vec<Kpi>,
    by_park: Vec<(String, String)>,
    by_title: Vec<(String, String)>,
    officers: Vec<String>,
    rows: Vec<Row>,
    total: u64,
    pager: Pager,
}

async fn list_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(f): Query<ListForm>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let db = &state.db.conn;
    let cov = coverage(&state, id, COVERAGE_MONTHS).await?;
    let status = match nonempty(&f.status).as_deref() {
        Some("planned") => VisitStatus::Planned,
        Some("done") => VisitStatus::Done,
        _ => VisitStatus::All,
    };
    let q = VisitQuery {
        status,
        officer: nonempty(&f.officer),
        enterprise_id: None,
        page: f.page.unwrap_or(1).max(1),
        per_page: PER_PAGE,
    };
    let found = visits::list(db, id, &q).await?;
    let names = land::enterprise_names(db, id, found.items.iter().map(|x| x.enterprise_id)).await?;
    let rows = found
        .items
        .iter()
        .map(|x| Row {
            id: x.id,
            enterprise: names.get(&x.enterprise_id).cloned().unwrap_or_default(),
            officer: x.officer.clone(),
            day: x
                .visited_on
                .or(x.planned_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            done: x.visited_on.is_some(),
            topics: topics_of(&t, &x.topics),
            issues: x.issues.clone().unwrap_or_default(),
        })
        .collect();
    let parks = land::parks_by_id(db, id).await?;
    let months = COVERAGE_MONTHS.to_string();
    let page = ListPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("visit.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        kpis: vec![
            Kpi {
                label: t.f("visit.coverage", &[("months", &months)]),
                value: pct(cov.all.rate()),
            },
            Kpi {
                label: t.t("visit.visited").into(),
                value: grouped(cov.all.visited as f64, 0),
            },
            Kpi {
                label: t.f("visit.not_visited", &[("months", &months)]),
                value: grouped((cov.all.enterprises - cov.all.visited) as f64, 0),
            },
        ],
        by_park: cov
            .by_park
            .iter()
            .map(|(p, c)| {
                let name = match p {
                    Some(p) => parks.get(p).map(|x| x.name.clone()).unwrap_or_default(),
                    None => t.t("appeal.no_park").to_string(),
                };
                (name, rate(c))
            })
            .collect(),
        by_title: cov
            .by_title
            .iter()
            .map(|(k, c)| (t.tv("qualification", k), rate(c)))
            .collect(),
        officers: visits::officers(db, id).await?,
        rows,
        total: found.total,
        pager: Pager::new(&t, found.page, found.pages(), &raw.unwrap_or_default()),
        f,
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- the reminder list

#[derive(Deserialize)]
pub struct DueForm {
    months: Option<u32>,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/due.html")]
struct DuePage {
    c: Chrome,
    zone_id: i64,
    months: u32,
    rows: Vec<(i64, String, String, String)>,
    total: u64,
    pager: Pager,
}

/// `/zones/{id}/visits/due?months=N`: the enterprises not visited for N months (6 by
/// default, 1–36), with the day of their last visit.
async fn due_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(f): Query<DueForm>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let db = &state.db.conn;
    let months = f.months.unwrap_or(DUE_MONTHS).clamp(1, 36);
    let cov = coverage(&state, id, months).await?;
    let today = devzone_core::calendar::today();
    let since = today
        .checked_sub_months(Months::new(months))
        .unwrap_or(today);
    let found = visits::not_visited(
        db,
        id,
        since,
        f.page.unwrap_or(1).max(1),
        PER_PAGE,
        cov.all.enterprises - cov.all.visited,
    )
    .await?;
    let ids: Vec<i64> = found.items.iter().map(|e| e.id).collect();
    let last = visits::last_visits(db, &ids).await?;
    let parks = land::parks_by_id(db, id).await?;
    let rows = found
        .items
        .iter()
        .map(|e| {
            (
                e.id,
                e.name.clone(),
                e.park_id
                    .and_then(|p| parks.get(&p))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                last.get(&e.id)
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| t.t("visit.never").to_string()),
            )
        })
        .collect();
    let page = DuePage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("visit.due"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        months,
        rows,
        total: found.total,
        pager: Pager::new(&t, found.page, found.pages(), &raw.unwrap_or_default()),
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- record

#[derive(Debug, Default)]
pub struct VisitForm {
    enterprise: Option<String>,
    officer: Option<String>,
    planned_on: Option<String>,
    visited_on: Option<String>,
    topics: Vec<String>,
    issues: Option<String>,
    policies: Option<String>,
    next_step: Option<String>,
}

impl VisitForm {
    /// The form's fields; `topics` is a checkbox per topic, so it comes once per one ticked
    /// (which the form extractor's struct reading does not take).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = VisitForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "topics" => {
                    f.topics.push(v);
                    continue;
                }
                "enterprise" => &mut f.enterprise,
                "officer" => &mut f.officer,
                "planned_on" => &mut f.planned_on,
                "visited_on" => &mut f.visited_on,
                "issues" => &mut f.issues,
                "policies" => &mut f.policies,
                "next_step" => &mut f.next_step,
                _ => continue,
            };
            *slot = Some(v);
        }
        f
    }

    fn input(&self, enterprise_id: Option<i64>) -> VisitInput {
        VisitInput {
            enterprise_id,
            officer: nonempty(&self.officer),
            planned_on: Lenient(nonempty(&self.planned_on)),
            visited_on: Lenient(nonempty(&self.visited_on)),
            topics: self.topics.clone(),
            issues: nonempty(&self.issues),
            policies: nonempty(&self.policies),
            next_step: nonempty(&self.next_step),
        }
    }

    fn of(m: &visit::Model) -> Self {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
        VisitForm {
            enterprise: None,
            officer: Some(m.officer.clone()),
            planned_on: day(m.planned_on),
            visited_on: day(m.visited_on),
            topics: m
                .topics
                .split(',')
                .filter(|s| !s.is_empty())
                .map(Into::into)
                .collect(),
            issues: m.issues.clone(),
            policies: m.policies.clone(),
            next_step: m.next_step.clone(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/form.html")]
struct FormPage {
    c: Chrome,
    zone_id: i64,
    /// A new visit names its enterprise; an existing one shows it.
    visit: Option<visit::Model>,
    enterprise: String,
    f: VisitForm,
    topics: Vec<(String, String, bool)>,
    categories: Vec<(String, String)>,
    appeals: Vec<(i64, String, String)>,
    errors: Vec<String>,
    today: String,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    visit: Option<visit::Model>,
    f: VisitForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let t = v.tr();
    let db = &state.db.conn;
    let z = crate::zone_figures::appeals(state, zone_id).await?;
    let enterprise = match &visit {
        Some(x) => land::enterprise_names(db, zone_id, [x.enterprise_id])
            .await?
            .remove(&x.enterprise_id)
            .unwrap_or_default(),
        None => String::new(),
    };
    let appeals = match &visit {
        Some(x) => appeals::of_visit(db, x.id)
            .await?
            .into_iter()
            .map(|a| (a.id, a.title, t.tv("astate", &a.state)))
            .collect(),
        None => Vec::new(),
    };
    let title = if visit.is_some() {
        t.t("visit.record")
    } else {
        t.t("visit.new")
    };
    let page = FormPage {
        c: Chrome::load(db, v, title, Some(zone_id)).await?,
        zone_id,
        enterprise,
        topics: VisitTopic::ALL
            .iter()
            .map(|x| {
                (
                    x.id().to_string(),
                    t.tv("vtopic", x.id()),
                    f.topics.iter().any(|s| s == x.id()),
                )
            })
            .collect(),
        categories: z
            .rules
            .categories
            .iter()
            .map(|c| (c.id.clone(), category_label(&t, &z.rules, &c.id)))
            .collect(),
        appeals,
        errors: t.field_messages_in("visit", &errors),
        today: devzone_core::calendar::today().to_string(),
        visit,
        f,
    };
    Ok(page.into_response())
}

async fn new_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let f = VisitForm {
        officer: Some(v.user.display_name.clone()),
        ..Default::default()
    };
    form_page(&state, &v, id, None, f, vec![]).await
}

async fn create(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let f = VisitForm::from_pairs(pairs);
    let db = &state.db.conn;
    let mut errors = Vec::new();
    let enterprise_id = super::enterprise_named(&state, id, &f.enterprise, &mut errors).await?;
    let today = devzone_core::calendar::today();
    match f.input(enterprise_id).validate(&v.user.display_name, today) {
        Ok(d) if errors.is_empty() => match visits::create(db, &v.actor(), id, &d).await {
            Ok(m) => Ok(Redirect::to(&format!("/visits/{}", m.id)).into_response()),
            Err(devzone_db::DbError::Invalid(e)) => form_page(&state, &v, id, None, f, e).await,
            Err(e) => Err(e.into()),
        },
        Ok(_) => form_page(&state, &v, id, None, f, errors).await,
        Err(e) => {
            if !errors.is_empty() {
                errors.extend(e.into_iter().filter(|x| x.field != "enterprise_id"));
            } else {
                errors = e;
            }
            form_page(&state, &v, id, None, f, errors).await
        }
    }
}

async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let x = visit_for(&state, &v, id).await?;
    let f = VisitForm::of(&x);
    form_page(&state, &v, x.zone_id, Some(x), f, vec![]).await
}

async fn update(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let x = visit_for(&state, &v, id).await?;
    v.require_write()?;
    let f = VisitForm::from_pairs(pairs);
    let today = devzone_core::calendar::today();
    match f
        .input(Some(x.enterprise_id))
        .validate(&v.user.display_name, today)
    {
        Ok(d) => match visits::update(&state.db.conn, &v.actor(), &x, &d).await {
            Ok(_) => Ok(Redirect::to(&format!("/visits/{id}")).into_response()),
            Err(devzone_db::DbError::Invalid(e)) => {
                form_page(&state, &v, x.zone_id, Some(x), f, e).await
            }
            Err(e) => Err(e.into()),
        },
        Err(e) => form_page(&state, &v, x.zone_id, Some(x), f, e).await,
    }
}

#[derive(Deserialize)]
pub struct ToAppealForm {
    category: String,
    title: Option<String>,
}

/// Turns a made visit's issues into an appeal of its enterprise (channel 走访, received on the
/// day of the visit), linked to the visit.
async fn to_appeal(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<ToAppealForm>,
) -> Result<Response, PageError> {
    let x = visit_for(&state, &v, id).await?;
    v.require_write()?;
    let z = crate::zone_figures::appeals(&state, x.zone_id).await?;
    let today = devzone_core::calendar::today();
    let issues = x.issues.clone().unwrap_or_default();
    let title = nonempty(&f.title).unwrap_or_else(|| {
        issues
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect()
    });
    let input = AppealInput {
        enterprise_id: Some(x.enterprise_id),
        title,
        description: issues,
        category: f.category,
        urgency: None,
        channel: Some("visit".into()),
        received_on: Lenient(x.visited_on.map(|d| d.to_string())),
    };
    let mut errors = Vec::new();
    if x.visited_on.is_none() {
        errors.push(FieldError::new("visited_on", "visit.not_made", ""));
    }
    match input.validate(&z.rules, false, today) {
        Ok(mut d) if errors.is_empty() => {
            d.visit_id = Some(x.id);
            match appeals::create(
                &state.db.conn,
                &v.actor(),
                x.zone_id,
                &z.rules,
                &z.calendar,
                &d,
                false,
            )
            .await
            {
                Ok(a) => Ok(Redirect::to(&format!("/appeals/{}", a.id)).into_response()),
                Err(devzone_db::DbError::Invalid(e)) => {
                    let f = VisitForm::of(&x);
                    form_page(&state, &v, x.zone_id, Some(x), f, e).await
                }
                Err(e) => Err(e.into()),
            }
        }
        Ok(_) => {
            let f = VisitForm::of(&x);
            form_page(&state, &v, x.zone_id, Some(x), f, errors).await
        }
        Err(e) => {
            errors.extend(e);
            let f = VisitForm::of(&x);
            form_page(&state, &v, x.zone_id, Some(x), f, errors).await
        }
    }
}

// ---------------------------------------------------------------- the monitoring station

#[derive(Template, WebTemplate)]
#[template(path = "visits/station.html")]
struct StationPage {
    c: Chrome,
    kinds: Vec<(String, usize)>,
    rows: Vec<(i64, String, String, String, String, u64)>,
}

/// `/zones/{id}/monitoring-points`: the station's points with their kind and the appeals
/// each raised in the last twelve months. A point is designated on its enterprise's page, as
/// the qualification 营商环境监测点.
async fn station_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    use devzone_core::appeals::station::PointKind;
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let points = crate::api::appeals::points(&state, id).await?;
    let parks = land::parks_by_id(&state.db.conn, id).await?;
    let kinds = PointKind::ALL
        .iter()
        .map(|k| {
            (
                t.tv("pointkind", k.id()),
                points.iter().filter(|p| p.kind() == *k).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let rows = points
        .iter()
        .map(|p| {
            (
                p.enterprise.id,
                p.enterprise.name.clone(),
                t.tv("pointkind", p.kind().id()),
                p.enterprise
                    .park_id
                    .and_then(|x| parks.get(&x))
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                p.since.to_string(),
                p.appeals,
            )
        })
        .collect();
    let page = StationPage {
        c: Chrome::load(
            &state.db.conn,
            &v,
            &format!("{} · {}", t.t("station.title"), zone.name),
            Some(id),
        )
        .await?,
        kinds,
        rows,
    };
    Ok(page.into_response())
}
