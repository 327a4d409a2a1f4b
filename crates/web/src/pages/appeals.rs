//! Enterprise appeal pages: the zone's list (filters, sort, pages, export), raising an appeal
//! (an officer for an enterprise of the zone; an enterprise account for itself, from its own
//! page), an appeal with its timeline, what it waits on and the forms of the actions the
//! viewer may take, the metrics with their formulas, and the zone's appeal rules and working
//! calendar. Officers write, analysts read, enterprise accounts see their own appeals only.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::api::appeals::{actions_for, categories_of, escalation_id, sort_of};
use crate::appeals::{category_label, category_path, department_label};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::format::{grouped, pct};
use crate::views::pager::Pager;
use crate::views::{Chrome, Kpi};
use crate::zone_figures::ZoneAppeals;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use devzone_core::appeals::metrics::Metrics;
use devzone_core::appeals::validate::{ActionInput, AppealInput};
use devzone_core::appeals::{AppealRules, AppealState, Channel, Urgency};
use devzone_core::calendar::WorkCalendar;
use devzone_core::investment::figures::Ratio;
use devzone_core::land::validate::Lenient;
use devzone_core::validate::FieldError;
use devzone_db::entities::{appeal, enterprise, zone};
use devzone_db::repo::appeals::{self, AppealQuery};
use serde::Deserialize;

use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/appeals", get(list_page).post(create))
        .route("/zones/{id}/appeals/new", get(new_form))
        .route("/zones/{id}/appeals/metrics", get(metrics_page))
        .route(
            "/zones/{id}/appeals/rules",
            get(rules_page).post(save_rules),
        )
        .route(
            "/zones/{id}/calendar",
            get(calendar_page).post(save_calendar),
        )
        .route("/enterprises/{id}/appeals", get(mine).post(raise_own))
        .route("/appeals/{id}", get(show))
        .route("/appeals/{id}/actions", post(act))
}

const PER_PAGE: u64 = 50;
/// Rows an export holds at most.
const EXPORT_ROWS: u64 = 20_000;

fn state_name(t: &Tr, s: &str) -> String {
    t.tv("astate", s)
}

/// "solved" or "closed without the enterprise's word" under a closed appeal's state.
fn state_line(t: &Tr, a: &appeal::Model) -> String {
    let s = state_name(t, &a.state);
    match &a.resolution {
        Some(r) => format!("{s}（{}）", t.tv("aresolution", r)),
        None => s,
    }
}

/// What an open appeal waits on, as a line: "答复 · 2026-03-09 · 逾期 3 天 · 已上报分管领导".
fn waiting_line(t: &Tr, z: &ZoneAppeals, a: &appeal::Model, today: NaiveDate) -> (String, bool) {
    let Some(w) = z.rules.waiting(
        &z.calendar,
        appeals::state(a),
        a.first_answer_on,
        &appeals::dues(a),
        today,
    ) else {
        return (String::new(), false);
    };
    let mut parts = vec![t.tv("astep", w.step), w.due.to_string()];
    if let Some(days) = w.days_late {
        parts.push(t.f("appeal.days_late", &[("days", &days.to_string())]));
    }
    if let Some(e) = w.escalation {
        let who = match e {
            devzone_core::appeals::rules::Escalation::DepartmentHead => a
                .department
                .as_deref()
                .and_then(|d| z.rules.department(d))
                .and_then(|d| d.head.clone()),
            devzone_core::appeals::rules::Escalation::Leader => z.rules.leader.clone(),
        };
        let role = t.tv("aescalation", escalation_id(e));
        parts.push(match who {
            Some(name) => format!("{role}（{name}）"),
            None => role,
        });
    }
    (parts.join(" · "), w.days_late.is_some())
}

/// The appeal `id` and its zone's appeals, if the viewer may see it.
async fn appeal_for(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<(appeal::Model, Arc<ZoneAppeals>), PageError> {
    let a = appeals::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let z = crate::zone_figures::appeals(state, a.zone_id).await?;
    Ok((a, z))
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    state: Option<String>,
    department: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    overdue: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
    format: Option<String>,
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub enterprise: String,
    pub category: String,
    pub department: String,
    pub state: String,
    pub received: String,
    pub waiting: String,
    pub late: bool,
    pub urgent: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "appeals/list.html")]
struct ListPage {
    c: Chrome,
    zone_id: i64,
    f: ListForm,
    states: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    sorts: Vec<(String, String)>,
    rows: Vec<Row>,
    total: u64,
    pager: Pager,
    export: String,
}

fn query_of(z: &ZoneAppeals, f: &ListForm, page: u64, per_page: u64) -> AppealQuery {
    AppealQuery {
        state: nonempty(&f.state).and_then(|s| AppealState::parse(&s)),
        department: nonempty(&f.department),
        categories: nonempty(&f.category)
            .map(|c| categories_of(&z.rules, &c))
            .unwrap_or_default(),
        urgency: nonempty(&f.urgency).and_then(|u| Urgency::parse(&u)),
        enterprise_id: None,
        overdue: nonempty(&f.overdue).is_some(),
        q: nonempty(&f.q),
        sort: sort_of(nonempty(&f.sort).as_deref()).unwrap_or_default(),
        page,
        per_page,
    }
}

async fn rows_of(
    state: &AppState,
    t: &Tr,
    z: &ZoneAppeals,
    zone_id: i64,
    items: &[appeal::Model],
    today: NaiveDate,
) -> Result<Vec<Row>, PageError> {
    let names = devzone_db::repo::land::enterprise_names(
        &state.db.conn,
        zone_id,
        items.iter().map(|a| a.enterprise_id),
    )
    .await?;
    Ok(items
        .iter()
        .map(|a| {
            let (waiting, late) = waiting_line(t, z, a, today);
            Row {
                id: a.id,
                title: a.title.clone(),
                enterprise: names.get(&a.enterprise_id).cloned().unwrap_or_default(),
                category: category_path(t, &z.rules, &a.category),
                department: a
                    .department
                    .as_deref()
                    .map(|d| department_label(t, &z.rules, d))
                    .unwrap_or_default(),
                state: state_line(t, a),
                received: a.received_on.to_string(),
                waiting,
                late,
                urgent: a.urgency == Urgency::Urgent.id(),
            }
        })
        .collect())
}

fn department_choices(t: &Tr, rules: &AppealRules) -> Vec<(String, String)> {
    rules
        .departments
        .iter()
        .map(|d| (d.id.clone(), department_label(t, rules, &d.id)))
        .collect()
}

/// Every category, children indented under their parent.
fn category_choices(t: &Tr, rules: &AppealRules) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for top in rules.categories.iter().filter(|c| c.parent.is_none()) {
        out.push((top.id.clone(), category_label(t, rules, &top.id)));
        for c in rules
            .categories
            .iter()
            .filter(|c| c.parent.as_deref() == Some(top.id.as_str()))
        {
            out.push((
                c.id.clone(),
                format!("　· {}", category_label(t, rules, &c.id)),
            ));
        }
    }
    out
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
    let today = devzone_core::calendar::today();
    let z = crate::zone_figures::appeals(&state, id).await?;
    if let Some(format) = nonempty(&f.format) {
        return export(&state, &v, &zone, &z, &f, today, &format).await;
    }
    let raw = raw.unwrap_or_default();
    let page_no = f.page.unwrap_or(1).max(1);
    let q = query_of(&z, &f, page_no, PER_PAGE);
    let found = crate::appeals::list(&state, id, &z, &q, today).await?;
    let rows = rows_of(&state, &t, &z, id, &found.items, today).await?;
    let page = ListPage {
        c: Chrome::load(
            &state.db.conn,
            &v,
            &format!("{} · {}", t.t("appeal.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        states: AppealState::ALL
            .iter()
            .map(|s| (s.id().to_string(), state_name(&t, s.id())))
            .collect(),
        departments: department_choices(&t, &z.rules),
        categories: category_choices(&t, &z.rules),
        sorts: ["newest", "due"]
            .iter()
            .map(|s| (s.to_string(), t.t(&format!("appeal.sort.{s}")).to_string()))
            .collect(),
        rows,
        total: found.total,
        pager: Pager::new(&t, found.page, found.pages(), &raw),
        export: crate::views::pager::query_without(&raw, &["page", "format"]),
        f,
    };
    Ok(page.into_response())
}

async fn export(
    state: &AppState,
    v: &Viewer,
    zone: &zone::Model,
    z: &ZoneAppeals,
    f: &ListForm,
    today: NaiveDate,
    format: &str,
) -> Result<Response, PageError> {
    let t = v.tr();
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let q = query_of(z, f, page, devzone_db::repo::MAX_PER_PAGE);
        let found = crate::appeals::list(state, zone.id, z, &q, today).await?;
        let n = found.items.len() as u64;
        let rows = rows_of(state, &t, z, zone.id, &found.items, today).await?;
        for (a, r) in found.items.iter().zip(rows) {
            let text = devzone_io::Cell::Text;
            let date = |d: Option<NaiveDate>| {
                d.map(|d| text(d.to_string()))
                    .unwrap_or(devzone_io::Cell::Empty)
            };
            out.push(vec![
                devzone_io::Cell::Number(a.id as f64),
                text(r.title),
                text(r.enterprise),
                text(r.category),
                text(t.tv("urgency", &a.urgency)),
                text(t.tv("channel", &a.channel)),
                text(r.department),
                text(r.state),
                date(Some(a.received_on)),
                date(a.first_answer_on),
                date(a.closed_on),
                devzone_io::Cell::Number(a.reopens as f64),
                a.rating
                    .map(|x| devzone_io::Cell::Number(x as f64))
                    .unwrap_or(devzone_io::Cell::Empty),
                text(r.waiting),
            ]);
        }
        if n < devzone_db::repo::MAX_PER_PAGE || out.len() as u64 >= EXPORT_ROWS {
            break;
        }
        page += 1;
    }
    let headers = [
        "appeal.col.id",
        "appeal.col.title",
        "appeal.col.enterprise",
        "appeal.col.category",
        "appeal.col.urgency",
        "appeal.col.channel",
        "appeal.col.department",
        "appeal.col.state",
        "appeal.col.received",
        "appeal.col.first_answer",
        "appeal.col.closed",
        "appeal.col.reopens",
        "appeal.col.rating",
        "appeal.col.waiting",
    ]
    .iter()
    .map(|k| t.t(k).to_string())
    .collect();
    let table = devzone_io::Table {
        sheet: t.t("appeal.title").into(),
        headers,
        rows: out,
    };
    let stem = format!(
        "{}-{}-{}",
        zone.name,
        t.t("appeal.title"),
        devzone_core::calendar::stamp()
    );
    crate::views::download(&table, Some(format), "appeals", &stem)
}

// ---------------------------------------------------------------- raise

#[derive(Debug, Default, Deserialize)]
pub struct AppealForm {
    enterprise: Option<String>,
    title: Option<String>,
    description: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    channel: Option<String>,
    received_on: Option<String>,
}

/// The appeal form, on its own page (an officer) or under an enterprise's appeals (its
/// account).
pub struct FormView {
    action: String,
    /// Raised by an officer: the enterprise, channel and day are asked for.
    officer: bool,
    f: AppealForm,
    categories: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    errors: Vec<String>,
    today: String,
}

impl FormView {
    fn new(
        t: &Tr,
        v: &Viewer,
        rules: &AppealRules,
        action: String,
        f: AppealForm,
        errors: &[FieldError],
    ) -> Self {
        FormView {
            action,
            officer: v.scope.enterprise.is_none(),
            categories: category_choices(t, rules),
            channels: Channel::ALL
                .iter()
                .filter(|c| **c != Channel::Portal)
                .map(|c| (c.id().to_string(), t.tv("channel", c.id())))
                .collect(),
            errors: t.field_messages_in("appeal", errors),
            today: devzone_core::calendar::today().to_string(),
            f,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "appeals/new.html")]
struct NewPage {
    c: Chrome,
    form: FormView,
}

/// Where a refused appeal goes back to: the officers' form of a zone, or an enterprise's
/// appeals.
enum Back {
    New(i64),
    Mine(i64),
}

async fn new_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    f: AppealForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let t = v.tr();
    let z = crate::zone_figures::appeals(state, zone_id).await?;
    let page = NewPage {
        c: Chrome::load(&state.db.conn, v, t.t("appeal.new"), Some(zone_id)).await?,
        form: FormView::new(
            &t,
            v,
            &z.rules,
            format!("/zones/{zone_id}/appeals"),
            f,
            &errors,
        ),
    };
    Ok(page.into_response())
}

async fn back_to(
    state: &AppState,
    v: &Viewer,
    back: Back,
    f: AppealForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    match back {
        Back::New(zone_id) => new_page(state, v, zone_id, f, errors).await,
        Back::Mine(enterprise_id) => {
            mine_page(state, v, enterprise_id, 1, String::new(), f, errors).await
        }
    }
}

async fn new_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    new_page(&state, &v, id, AppealForm::default(), vec![]).await
}

fn input_of(f: &AppealForm, enterprise_id: Option<i64>) -> AppealInput {
    AppealInput {
        enterprise_id,
        title: f.title.clone().unwrap_or_default(),
        description: f.description.clone().unwrap_or_default(),
        category: f.category.clone().unwrap_or_default(),
        urgency: nonempty(&f.urgency),
        channel: nonempty(&f.channel),
        received_on: Lenient(nonempty(&f.received_on)),
    }
}

/// Raises an appeal and goes to it, or shows the form again with every problem.
async fn raise(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    back: Back,
    f: AppealForm,
    enterprise_id: Option<i64>,
    mut errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let by_enterprise = v.scope.enterprise.is_some();
    let z = crate::zone_figures::appeals(state, zone_id).await?;
    let today = devzone_core::calendar::today();
    let draft = input_of(&f, enterprise_id).validate(&z.rules, by_enterprise, today);
    let draft = match draft {
        Ok(d) if errors.is_empty() => d,
        Ok(_) => return back_to(state, v, back, f, errors).await,
        Err(mut e) => {
            // The enterprise named in words is reported as such, not as a missing id.
            if !errors.is_empty() {
                e.retain(|x| x.field != "enterprise_id");
            }
            errors.extend(e);
            return back_to(state, v, back, f, errors).await;
        }
    };
    match appeals::create(
        &state.db.conn,
        &v.actor(),
        zone_id,
        &z.rules,
        &z.calendar,
        &draft,
        by_enterprise,
    )
    .await
    {
        Ok(a) => Ok(Redirect::to(&format!("/appeals/{}", a.id)).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => back_to(state, v, back, f, errs).await,
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<AppealForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let mut errors = Vec::new();
    let enterprise_id = super::enterprise_named(&state, id, &f.enterprise, &mut errors).await?;
    raise(&state, &v, id, Back::New(id), f, enterprise_id, errors).await
}

// ---------------------------------------------------------------- an enterprise's own

#[derive(Template, WebTemplate)]
#[template(path = "appeals/mine.html")]
struct MinePage {
    c: Chrome,
    enterprise: enterprise::Model,
    rows: Vec<Row>,
    total: u64,
    pager: Pager,
    /// The enterprise's own account may raise one.
    form: Option<FormView>,
}

/// The enterprise the viewer may see (an enterprise account: its own).
async fn enterprise_for(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<enterprise::Model, PageError> {
    devzone_db::repo::enterprises::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)
}

#[derive(Deserialize)]
pub struct PageForm {
    page: Option<u64>,
}

/// `/enterprises/{id}/appeals`: an enterprise's appeals, and the form an enterprise account
/// raises one with.
async fn mine(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(pf): Query<PageForm>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let page = pf.page.unwrap_or(1).max(1);
    let raw = raw.unwrap_or_default();
    mine_page(&state, &v, id, page, raw, AppealForm::default(), vec![]).await
}

async fn mine_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    page: u64,
    raw: String,
    f: AppealForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let e = enterprise_for(state, v, id).await?;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    let z = crate::zone_figures::appeals(state, e.zone_id).await?;
    let q = AppealQuery {
        enterprise_id: Some(e.id),
        page,
        per_page: PER_PAGE,
        ..Default::default()
    };
    let found = appeals::list(&state.db.conn, e.zone_id, &q, today, None).await?;
    let rows = rows_of(state, &t, &z, e.zone_id, &found.items, today).await?;
    let form = (v.scope.enterprise == Some(e.id)).then(|| {
        FormView::new(
            &t,
            v,
            &z.rules,
            format!("/enterprises/{id}/appeals"),
            f,
            &errors,
        )
    });
    let page = MinePage {
        c: Chrome::load(
            &state.db.conn,
            v,
            &format!("{} · {}", t.t("appeal.mine"), e.name),
            Some(e.zone_id),
        )
        .await?,
        rows,
        total: found.total,
        pager: Pager::new(&t, found.page, found.pages(), &raw),
        form,
        enterprise: e,
    };
    Ok(page.into_response())
}

/// An enterprise account raises an appeal for itself.
async fn raise_own(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<AppealForm>,
) -> Result<Response, PageError> {
    let e = enterprise_for(&state, &v, id).await?;
    if v.scope.enterprise != Some(e.id) {
        return Err(PageError::forbidden());
    }
    raise(
        &state,
        &v,
        e.zone_id,
        Back::Mine(e.id),
        f,
        Some(e.id),
        vec![],
    )
    .await
}

// ---------------------------------------------------------------- one appeal

#[derive(Template, WebTemplate)]
#[template(path = "appeals/show.html")]
struct ShowPage {
    c: Chrome,
    a: appeal::Model,
    enterprise: String,
    /// The enterprise's page, for those who may see it.
    enterprise_href: String,
    state: String,
    facts: Vec<(String, String)>,
    waiting: String,
    late: bool,
    timeline: Vec<(String, String, String, String)>,
    actions: Vec<(String, String)>,
    /// The department the rules route its category to, preselected.
    suggested: String,
    departments: Vec<(String, String)>,
    /// An officer recording the enterprise's word must say what it said.
    officer: bool,
    errors: Vec<String>,
    today: String,
}

async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show_page(&state, &v, id, vec![]).await
}

async fn show_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let (a, z) = appeal_for(state, v, id).await?;
    let t = v.tr();
    let db = &state.db.conn;
    let today = devzone_core::calendar::today();
    let rules = &z.rules;
    let enterprise = devzone_db::repo::land::enterprise_names(db, a.zone_id, [a.enterprise_id])
        .await?
        .remove(&a.enterprise_id)
        .unwrap_or_default();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let facts = vec![
        (
            t.t("appeal.col.category").to_string(),
            category_path(&t, rules, &a.category),
        ),
        (
            t.t("appeal.col.urgency").to_string(),
            t.tv("urgency", &a.urgency),
        ),
        (
            t.t("appeal.col.channel").to_string(),
            t.tv("channel", &a.channel),
        ),
        (
            t.t("appeal.col.department").to_string(),
            a.department
                .as_deref()
                .map(|d| department_label(&t, rules, d))
                .unwrap_or_default(),
        ),
        (
            t.t("appeal.col.received").to_string(),
            a.received_on.to_string(),
        ),
        (
            t.t("appeal.dues").to_string(),
            t.f(
                "appeal.dues.value",
                &[
                    ("ack", &a.acknowledge_due.to_string()),
                    ("answer", &a.answer_due.to_string()),
                    ("resolve", &a.resolve_due.to_string()),
                ],
            ),
        ),
        (
            t.t("appeal.col.first_answer").to_string(),
            date(a.first_answer_on),
        ),
        (t.t("appeal.col.closed").to_string(), date(a.closed_on)),
        (t.t("appeal.col.reopens").to_string(), a.reopens.to_string()),
        (
            t.t("appeal.col.rating").to_string(),
            a.rating
                .map(|r| {
                    let c = a.rating_comment.clone().unwrap_or_default();
                    if c.is_empty() {
                        format!("{r} / 5")
                    } else {
                        format!("{r} / 5 — {c}")
                    }
                })
                .unwrap_or_default(),
        ),
    ];
    let (waiting, late) = waiting_line(&t, &z, &a, today);
    let timeline = appeals::events(db, a.id)
        .await?
        .into_iter()
        .map(|e| {
            let mut what = t.tv("aaction", &e.action);
            if let Some(d) = e
                .department
                .as_deref()
                .filter(|_| matches!(e.action.as_str(), "assign" | "reassign"))
            {
                what = format!("{what} → {}", department_label(&t, rules, d));
            }
            if let Some(r) = e.rating {
                what = format!("{what} {r} / 5");
            }
            let who = if e.by_enterprise {
                t.t("appeal.by_enterprise").to_string()
            } else {
                e.username.clone()
            };
            (e.on.to_string(), what, e.note.unwrap_or_default(), who)
        })
        .collect();
    let actions = actions_for(v, &a, rules, &z.calendar, today)
        .into_iter()
        .map(|x| (x.id().to_string(), t.tv("aaction", x.id())))
        .collect();
    let page = ShowPage {
        c: Chrome::load(db, v, &a.title, Some(a.zone_id)).await?,
        enterprise,
        enterprise_href: format!("/enterprises/{}", a.enterprise_id),
        state: state_line(&t, &a),
        facts,
        waiting,
        late,
        timeline,
        actions,
        suggested: rules.route(&a.category).unwrap_or_default().to_string(),
        departments: department_choices(&t, rules),
        officer: v.scope.enterprise.is_none(),
        errors: t.field_messages_in("appeal", &errors),
        today: today.to_string(),
        a,
    };
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct ActionForm {
    action: String,
    department: Option<String>,
    note: Option<String>,
    rating: Option<String>,
    on: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let (a, z) = appeal_for(&state, &v, id).await?;
    let by_enterprise = v.scope.enterprise.is_some();
    if !by_enterprise {
        v.require_write()?;
    }
    let today = devzone_core::calendar::today();
    let input = ActionInput {
        action: f.action,
        department: nonempty(&f.department),
        note: nonempty(&f.note),
        rating: Lenient(nonempty(&f.rating)),
        on: Lenient(nonempty(&f.on)),
    };
    let d = match input.validate(
        &z.rules,
        by_enterprise,
        a.department.as_deref(),
        today,
        Some(a.last_event_on),
    ) {
        Ok(d) => d,
        Err(errs) => return show_page(&state, &v, id, errs).await,
    };
    match appeals::act(
        &state.db.conn,
        &v.actor(),
        &z.rules,
        &z.calendar,
        &a,
        &d,
        by_enterprise,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/appeals/{id}")).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => show_page(&state, &v, id, errs).await,
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- metrics

/// One row of a metrics table: the group's name and its figures as shown.
pub struct MetricsLine {
    pub name: String,
    pub href: String,
    pub received: String,
    pub cells: Vec<String>,
    pub overdue: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "appeals/metrics.html")]
struct MetricsPage {
    c: Chrome,
    zone_id: i64,
    from: String,
    to: String,
    errors: Vec<String>,
    kpis: Vec<(Kpi, String)>,
    heads: Vec<String>,
    tables: Vec<(String, String, Vec<MetricsLine>)>,
    heat_parks: Vec<String>,
    heat: Vec<(String, Vec<(usize, String)>)>,
    chart: String,
}

#[derive(Deserialize)]
pub struct PeriodForm {
    from: Option<String>,
    to: Option<String>,
}

fn share(r: &Ratio) -> String {
    pct(r.value())
}

async fn metrics_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(q): Query<PeriodForm>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    let (period, mut errors) =
        match crate::appeals::period(q.from.as_deref(), q.to.as_deref(), today, true) {
            Ok(p) => (p, vec![]),
            Err(e) => (
                crate::appeals::period(None, None, today, true).unwrap_or((today, today)),
                e,
            ),
        };
    // A backwards period counts nothing: said, so that the zeros are not taken for figures.
    if period.1 < period.0 {
        errors.push(FieldError::new(
            "to",
            "date.before_from",
            period.1.to_string(),
        ));
    }
    let p = crate::appeals::metrics(&state, id, period.0, period.1, today).await?;
    let rules = &p.zone.rules;
    let m = &p.all;
    let formula = |key: &str, r: &Ratio| {
        t.f(
            key,
            &[("num", &grouped(r.num, 0)), ("den", &grouped(r.den, 0))],
        )
    };
    let kpi = |label: &str, value: String| Kpi {
        label: t.t(label).into(),
        value,
    };
    let kpis = vec![
        (
            kpi("appeal.m.received", grouped(m.received as f64, 0)),
            String::new(),
        ),
        (
            kpi("appeal.m.timely_ack", share(&m.timely_acknowledged)),
            formula("appeal.f.timely_ack", &m.timely_acknowledged),
        ),
        (
            kpi("appeal.m.timely_handled", share(&m.timely_handled)),
            formula("appeal.f.timely_handled", &m.timely_handled),
        ),
        (
            kpi("appeal.m.closed", share(&m.closed)),
            formula("appeal.f.closed", &m.closed),
        ),
        (
            kpi("appeal.m.solved", share(&m.solved)),
            formula("appeal.f.solved", &m.solved),
        ),
        (
            kpi("appeal.m.satisfied", share(&m.satisfied)),
            t.f(
                "appeal.f.satisfied",
                &[
                    ("num", &grouped(m.satisfied.num, 0)),
                    ("den", &grouped(m.satisfied.den, 0)),
                    (
                        "mean",
                        &m.mean_rating().map(|x| grouped(x, 2)).unwrap_or("—".into()),
                    ),
                ],
            ),
        ),
        (
            kpi("appeal.m.overdue", grouped(m.overdue as f64, 0)),
            t.f("appeal.f.overdue", &[("reopened", &m.reopened.to_string())]),
        ),
    ];
    let base = format!("/zones/{id}/appeals");
    let line = |name: String, href: String, m: &Metrics| MetricsLine {
        name,
        href,
        received: grouped(m.received as f64, 0),
        cells: vec![
            share(&m.timely_acknowledged),
            share(&m.timely_handled),
            share(&m.closed),
            share(&m.solved),
            share(&m.satisfied),
        ],
        overdue: grouped(m.overdue as f64, 0),
    };
    let parks = devzone_db::repo::land::parks_by_id(&state.db.conn, id).await?;
    let park_name = |p: &Option<i64>| match p {
        Some(p) => parks.get(p).map(|x| x.name.clone()).unwrap_or_default(),
        None => t.t("appeal.no_park").to_string(),
    };
    let table = |id: &str, title: &str, lines: Vec<MetricsLine>| {
        (id.to_string(), t.t(title).to_string(), lines)
    };
    let tables = vec![
        table(
            "by-department",
            "appeal.by_department",
            p.by_department
                .iter()
                .map(|(d, m)| {
                    line(
                        department_label(&t, rules, d),
                        format!("{base}?department={d}"),
                        m,
                    )
                })
                .collect(),
        ),
        table(
            "by-category",
            "appeal.by_category",
            p.by_category
                .iter()
                .map(|(c, m)| {
                    line(
                        category_label(&t, rules, c),
                        format!("{base}?category={c}"),
                        m,
                    )
                })
                .collect(),
        ),
        table(
            "by-park",
            "appeal.by_park",
            p.by_park
                .iter()
                .map(|(k, m)| line(park_name(k), String::new(), m))
                .collect(),
        ),
        table(
            "by-month",
            "appeal.by_month",
            p.by_month
                .iter()
                .map(|(k, m)| line(k.clone(), String::new(), m))
                .collect(),
        ),
    ];
    let park_keys: Vec<Option<i64>> = p.by_park.keys().copied().collect();
    let max = p.heat.values().copied().max().unwrap_or(0).max(1);
    let heat = p
        .by_category
        .keys()
        .map(|c| {
            let cells = park_keys
                .iter()
                .map(|k| {
                    let n = p.heat.get(&(c.clone(), *k)).copied().unwrap_or(0);
                    // Five shades, so that a phone shows the pattern too.
                    (n, format!("heat{}", (n * 4).div_ceil(max)))
                })
                .collect();
            (category_label(&t, rules, c), cells)
        })
        .collect();
    let labels: Vec<String> = p.by_month.keys().cloned().collect();
    let series = vec![
        (
            t.t("appeal.m.received").to_string(),
            p.by_month
                .values()
                .map(|m| Some(m.received as f64))
                .collect(),
        ),
        (
            t.t("appeal.chart.closed").to_string(),
            p.by_month.values().map(|m| Some(m.closed.num)).collect(),
        ),
        (
            t.t("appeal.chart.solved").to_string(),
            p.by_month.values().map(|m| Some(m.solved.num)).collect(),
        ),
    ];
    let page = MetricsPage {
        c: Chrome::load(
            &state.db.conn,
            &v,
            &format!("{} · {}", t.t("appeal.metrics"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        from: p.from.to_string(),
        to: p.to.to_string(),
        errors: t.field_messages_in("appeal", &errors),
        kpis,
        heads: [
            "appeal.m.timely_ack",
            "appeal.m.timely_handled",
            "appeal.m.closed",
            "appeal.m.solved",
            "appeal.m.satisfied",
        ]
        .iter()
        .map(|k| t.t(k).to_string())
        .collect(),
        tables,
        heat_parks: park_keys.iter().map(park_name).collect(),
        heat,
        chart: devzone_charts::line_chart(t.t("appeal.chart"), &labels, &series),
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- rules and calendar

#[derive(Template, WebTemplate)]
#[template(path = "appeals/rules.html")]
struct RulesPage {
    c: Chrome,
    zone_id: i64,
    text: String,
    errors: Vec<String>,
    saved: bool,
}

#[derive(Deserialize)]
pub struct SavedForm {
    saved: Option<String>,
}

async fn rules_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(s): Query<SavedForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    let rules = appeals::rules(&state.db.conn, id).await?;
    rules_view(&state, &v, id, rules.to_toml(), vec![], s.saved.is_some()).await
}

async fn rules_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    text: String,
    errors: Vec<String>,
    saved: bool,
) -> Result<Response, PageError> {
    let t = v.tr();
    let page = RulesPage {
        c: Chrome::load(&state.db.conn, v, t.t("appeal.rules"), Some(id)).await?,
        zone_id: id,
        text,
        errors,
        saved,
    };
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct TextForm {
    text: String,
}

async fn save_rules(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<TextForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let t = v.tr();
    match AppealRules::parse(&f.text) {
        Ok(rules) => {
            appeals::set_rules(&state.db.conn, &v.actor(), id, &rules).await?;
            Ok(Redirect::to(&format!("/zones/{id}/appeals/rules?saved=1")).into_response())
        }
        Err(errs) => {
            let lines = errs
                .iter()
                .map(|e| match (&e.line, &e.entry) {
                    (Some(l), _) => t.f(
                        "appeal.rules.line",
                        &[("line", &l.to_string()), ("msg", &e.message)],
                    ),
                    (None, Some(en)) => format!("{en}: {}", e.message),
                    (None, None) => e.message.clone(),
                })
                .collect();
            rules_view(&state, &v, id, f.text, lines, false).await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "appeals/calendar.html")]
struct CalendarPage {
    c: Chrome,
    zone_id: i64,
    holidays: String,
    working: String,
    errors: Vec<String>,
    saved: bool,
}

async fn calendar_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(s): Query<SavedForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    let cal = devzone_db::repo::calendar::get(&state.db.conn, id)
        .await?
        .unwrap_or_default();
    let (holidays, working) = cal.to_lists();
    calendar_view(&state, &v, id, holidays, working, vec![], s.saved.is_some()).await
}

async fn calendar_view(
    state: &AppState,
    v: &Viewer,
    id: i64,
    holidays: String,
    working: String,
    errors: Vec<FieldError>,
    saved: bool,
) -> Result<Response, PageError> {
    let t = v.tr();
    let page = CalendarPage {
        c: Chrome::load(&state.db.conn, v, t.t("calendar.title"), Some(id)).await?,
        zone_id: id,
        holidays,
        working,
        errors: t.field_messages(&errors),
        saved,
    };
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct CalendarForm {
    holidays: String,
    working_weekends: String,
}

async fn save_calendar(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<CalendarForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    match WorkCalendar::parse_lists(&f.holidays, &f.working_weekends) {
        Ok(cal) => {
            devzone_db::repo::calendar::set(&state.db.conn, &v.actor(), id, &cal).await?;
            Ok(Redirect::to(&format!("/zones/{id}/calendar?saved=1")).into_response())
        }
        Err(errs) => {
            calendar_view(&state, &v, id, f.holidays, f.working_weekends, errs, false).await
        }
    }
}
