//! Investment attraction pages: the year's summary with its formulas and the opening-up
//! figures, the project list (filters, sort, pages, export), the pipeline board, a project
//! with its timeline and the forms that move it, and the project form. An analyst reads;
//! officers write; enterprise accounts have no pipeline pages.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::investment::sort_of;
use crate::investment::{OverdueCounts, Summary};
use crate::session::{PageViewer, Viewer};
use crate::views::format::{grouped, large_yuan, pct};
use crate::views::pager::Pager;
use crate::views::{Chrome, Kpi};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use devzone_core::investment::validate::{
    ActivityInput, FundsInput, ProjectInput, StageChangeInput,
};
use devzone_core::investment::{PipelineRules, Stage};
use devzone_core::land::validate::Lenient;
use devzone_core::validate::FieldError;
use devzone_db::entities::{project, zone};
use devzone_db::repo::projects::{self, ProjectQuery};
use devzone_db::repo::scoped;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/investment", get(summary_page))
        .route("/zones/{id}/projects", get(list_page).post(create))
        .route("/zones/{id}/projects/board", get(board))
        .route("/zones/{id}/projects/new", get(new_form))
        .route("/projects/{id}", get(show))
        .route("/projects/{id}/edit", get(edit_form).post(update))
        .route("/projects/{id}/stage", post(change_stage))
        .route("/projects/{id}/activities", post(add_activity))
        .route("/projects/{id}/funds", post(set_funds))
}

/// Rows an export holds at most.
const EXPORT_ROWS: u64 = 20_000;
const PER_PAGE: u64 = 50;
/// Cards per column on the board.
const BOARD_CARDS: u64 = 8;

fn stage_name(t: &Tr, s: &str) -> String {
    t.tv("pstage", s)
}

/// The project `id` and its zone, if the viewer may see it.
async fn project_for(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<(project::Model, zone::Model), PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    let p = scoped::get::<project::Entity, _>(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let z = zone_for(state, v, p.zone_id).await?;
    Ok((p, z))
}

/// An amount for a reader, or "（保密）" for a confidential project the viewer may not see.
fn amount(t: &Tr, v: &Viewer, p: &project::Model, yuan: Option<f64>) -> String {
    if p.confidential && !v.can_write() {
        return t.t("inv.hidden").into();
    }
    yuan.map(|y| large_yuan(t, y)).unwrap_or_default()
}

fn investor(t: &Tr, v: &Viewer, p: &project::Model) -> String {
    if p.confidential && !v.can_write() {
        return t.t("inv.hidden").into();
    }
    p.investor.clone().unwrap_or_default()
}

fn ratio(r: &devzone_core::investment::figures::Ratio) -> String {
    pct(r.value())
}

// ---------------------------------------------------------------- summary

#[derive(Template, WebTemplate)]
#[template(path = "investment/summary.html")]
struct SummaryPage {
    c: Chrome,
    zone_id: i64,
    year: i32,
    years: Vec<i32>,
    kpis: Vec<(Kpi, String)>,
    not_counted: String,
    open_kpis: Vec<Kpi>,
    sentence: String,
    overdue: Vec<(String, usize, String)>,
    overdue_help: String,
    late: Vec<(i64, String, String, String)>,
    groups_chart: String,
    fdi_chart: String,
    countries: Vec<(String, usize, String)>,
}

#[derive(Deserialize)]
pub struct YearForm {
    year: Option<String>,
}

async fn summary_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(q): Query<YearForm>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    let year = nonempty(&q.year)
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (1978..=2100).contains(y))
        .unwrap_or(today.year());
    let sum = crate::investment::summary(&state, id, year, today).await?;
    let rules = &sum.zone.rules;
    let f = &sum.figures;
    let floor = large_yuan(&t, rules.min_fixed_yuan);
    let with_target = |v: String, target: Option<String>| match target {
        Some(tg) => format!("{v} / {} {tg}", t.t("inv.kpi.target")),
        None => v,
    };
    let formula = |key: &str, r: &devzone_core::investment::figures::Ratio, money: bool| {
        let show = |x: f64| {
            if money {
                large_yuan(&t, x)
            } else {
                grouped(x, 0)
            }
        };
        t.f(key, &[("num", &show(r.num)), ("den", &show(r.den))])
    };
    let kpi = |label: &str, value: String| Kpi {
        label: t.t(label).into(),
        value,
    };
    let kpis = vec![
        (
            kpi(
                "inv.kpi.signed",
                with_target(
                    f.signed.to_string(),
                    f.target
                        .as_ref()
                        .and_then(|x| x.signed_count)
                        .map(|n| n.to_string()),
                ),
            ),
            t.f("inv.formula.signed", &[("floor", &floor)]),
        ),
        (
            kpi(
                "inv.kpi.signed_yuan",
                with_target(
                    large_yuan(&t, f.signed_yuan),
                    f.target
                        .as_ref()
                        .and_then(|x| x.signed_yuan)
                        .map(|y| large_yuan(&t, y)),
                ),
            ),
            String::new(),
        ),
        (
            kpi("inv.kpi.received", large_yuan(&t, f.received_yuan)),
            String::new(),
        ),
        (
            kpi("inv.kpi.funds_rate", ratio(&f.funds_rate)),
            formula("inv.formula.funds_rate", &f.funds_rate, true),
        ),
        (
            kpi("inv.kpi.start_rate", ratio(&f.start_rate)),
            formula("inv.formula.start_rate", &f.start_rate, false),
        ),
        (
            kpi("inv.kpi.completion_rate", ratio(&f.completion_rate)),
            formula("inv.formula.completion_rate", &f.completion_rate, false),
        ),
        (
            kpi("inv.kpi.major", f.signed_major.to_string()),
            t.t("inv.formula.major").into(),
        ),
        (
            kpi("inv.kpi.fortune", f.signed_fortune_500.to_string()),
            String::new(),
        ),
        (
            kpi("inv.kpi.successes", f.successes.to_string()),
            t.f(
                "inv.formula.successes",
                &[
                    ("years", &rules.success_years.to_string()),
                    ("floor", &floor),
                ],
            ),
        ),
    ];
    let usd = |x: f64| usd(&t, x);
    let open_kpis = vec![
        kpi("inv.fdi_used", usd(f.fdi_used_usd)),
        kpi("inv.fdi_used_to_date", usd(f.fdi_used_to_date_usd)),
        kpi("inv.fdi_contracted", usd(f.fdi_contracted_usd)),
        kpi(
            "inv.foreign_projects",
            grouped(f.foreign_projects as f64, 0),
        ),
        kpi("inv.fortune_investors", f.fortune_500_investors.to_string()),
        kpi("inv.fortune_projects", f.fortune_500_projects.to_string()),
    ];
    let sentence = t.f(
        "inv.sentence",
        &[
            ("fdi", &usd(f.fdi_used_to_date_usd)),
            ("projects", &grouped(f.foreign_projects as f64, 0)),
            ("investors", &f.fortune_500_investors.to_string()),
            ("fortune", &f.fortune_500_projects.to_string()),
        ],
    );
    let groups: Vec<(String, f64)> = sum
        .groups
        .iter()
        .map(|(g, n)| (t.tv("pgroup", g.id()), *n as f64))
        .collect();
    let recent: Vec<&(i32, f64, f64)> = sum
        .fdi_by_year
        .iter()
        // Whole years only: the current year is still being reported.
        .filter(|(y, ..)| *y > today.year() - 16 && *y < today.year())
        .collect();
    let labels: Vec<String> = recent.iter().map(|(y, ..)| y.to_string()).collect();
    let series = vec![
        (
            t.t("inv.fdi_used").to_string(),
            recent
                .iter()
                .map(|(_, u, _)| Some(u / usd_scale(&t)))
                .collect(),
        ),
        (
            t.t("inv.fdi_contracted").to_string(),
            recent
                .iter()
                .map(|(_, _, c)| Some(c / usd_scale(&t)))
                .collect(),
        ),
    ];
    let mut years: Vec<i32> = sum.fdi_by_year.iter().map(|(y, ..)| *y).collect();
    years.push(today.year());
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let page = SummaryPage {
        c: Chrome::load(
            &state.db.conn,
            &v,
            &format!("{} · {}", t.t("inv.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        year,
        years,
        kpis,
        not_counted: t.f(
            "inv.kpi.not_counted",
            &[("floor", &floor), ("n", &f.signed_not_counted.to_string())],
        ),
        open_kpis,
        sentence,
        overdue: overdue_links(&t, id, &sum.overdue),
        overdue_help: t.f(
            "inv.overdue.help",
            &[
                ("ack", &rules.acknowledge_days.to_string()),
                ("screen", &rules.screen_days.to_string()),
                ("major", &rules.screen_major_days.to_string()),
                ("report", &rules.report_days.to_string()),
                ("stall", &rules.stall_days.to_string()),
            ],
        ),
        late: late_projects(&t, &sum),
        groups_chart: devzone_charts::bar_chart(t.t("inv.groups_chart"), &groups),
        fdi_chart: devzone_charts::line_chart(t.t("inv.fdi_chart"), &labels, &series),
        countries: sum
            .countries
            .iter()
            .map(|(c, n, u)| (c.clone(), *n, usd(*u)))
            .collect(),
    };
    Ok(page.into_response())
}

/// Dollars at the scale a reader expects: 亿美元 in Chinese, billions in English.
fn usd(t: &Tr, x: f64) -> String {
    match t.0 {
        crate::i18n::Lang::Zh => format!("{} 亿美元", grouped(x / 1e8, 2)),
        crate::i18n::Lang::En => format!("{} bn USD", grouped(x / 1e9, 2)),
    }
}

/// The unit of the FDI chart: 亿美元 or billions.
fn usd_scale(t: &Tr) -> f64 {
    match t.0 {
        crate::i18n::Lang::Zh => 1e8,
        crate::i18n::Lang::En => 1e9,
    }
}

/// The overdue counts, each with the list it links to (stalled projects have a filter; the
/// others are listed on the summary).
fn overdue_links(t: &Tr, zone_id: i64, c: &OverdueCounts) -> Vec<(String, usize, String)> {
    vec![
        (
            t.t("poverdue.acknowledge").into(),
            c.acknowledge,
            "#late".into(),
        ),
        (t.t("poverdue.screen").into(), c.screen, "#late".into()),
        (t.t("poverdue.report").into(), c.report, "#late".into()),
        (
            t.t("poverdue.stalled").into(),
            c.stalled,
            format!("/zones/{zone_id}/projects?stalled=1&sort=last_activity"),
        ),
    ]
}

/// The projects furthest behind a deadline: (id, name, what, how late).
fn late_projects(t: &Tr, sum: &Summary) -> Vec<(i64, String, String, String)> {
    sum.late
        .iter()
        .map(|l| {
            (
                l.id,
                l.name.clone(),
                t.tv("poverdue", l.overdue.kind),
                t.f(
                    "inv.due",
                    &[
                        ("date", &l.overdue.due.to_string()),
                        ("days", &l.overdue.days_late.to_string()),
                    ],
                ),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    stage: Option<String>,
    officer: Option<String>,
    industry: Option<String>,
    country: Option<String>,
    stalled: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
    format: Option<String>,
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub investor: String,
    pub stage: String,
    pub total: String,
    pub officer: String,
    pub last_activity: String,
    pub alerts: String,
    pub confidential: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "investment/list.html")]
struct ListPage {
    c: Chrome,
    zone_id: i64,
    f: ListForm,
    stages: Vec<(String, String)>,
    officers: Vec<String>,
    sorts: Vec<(String, String)>,
    rows: Vec<Row>,
    total: u64,
    pager: Pager,
    export: String,
}

fn query_of(f: &ListForm, page: u64, per_page: u64) -> Result<ProjectQuery, FieldError> {
    Ok(ProjectQuery {
        stage: nonempty(&f.stage).and_then(|s| Stage::parse(&s)),
        officer: nonempty(&f.officer),
        industry: nonempty(&f.industry),
        country: nonempty(&f.country),
        stalled: nonempty(&f.stalled).is_some(),
        q: nonempty(&f.q),
        sort: sort_of(nonempty(&f.sort).as_deref())?,
        page,
        per_page,
    })
}

fn row(t: &Tr, v: &Viewer, rules: &PipelineRules, p: &project::Model, today: NaiveDate) -> Row {
    let alerts = rules
        .overdue(&projects::facts(p), today)
        .iter()
        .map(|o| t.tv("poverdue", o.kind))
        .collect::<Vec<_>>()
        .join(crate::views::format::list_sep(t));
    Row {
        id: p.id,
        name: p.name.clone(),
        investor: investor(t, v, p),
        stage: stage_name(t, &p.stage),
        total: amount(t, v, p, p.total_yuan),
        officer: p.officer.clone().unwrap_or_default(),
        last_activity: p.last_activity_on.to_string(),
        alerts,
        confidential: p.confidential,
    }
}

async fn list_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(f): Query<ListForm>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    let zp = crate::zone_figures::projects(&state, id).await?;
    let rules = &zp.rules;
    let raw = raw.unwrap_or_default();
    if let Some(format) = nonempty(&f.format) {
        return export(&state, &v, &zone, &f, rules, today, &format).await;
    }
    let page_no = f.page.unwrap_or(1).max(1);
    let q = query_of(&f, page_no, PER_PAGE).unwrap_or(ProjectQuery {
        page: page_no,
        per_page: PER_PAGE,
        ..Default::default()
    });
    let found = projects::list(db, id, &q, rules, today).await?;
    let rows = found
        .items
        .iter()
        .map(|p| row(&t, &v, rules, p, today))
        .collect();
    let export = crate::views::pager::query_without(&raw, &["page", "format"]);
    let page = ListPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("inv.projects"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        stages: stage_choices(&t, rules),
        officers: zp.officers.clone(),
        sorts: ["newest", "investment", "last_activity", "signed"]
            .iter()
            .map(|s| (s.to_string(), t.t(&format!("inv.sort.{s}")).to_string()))
            .collect(),
        rows,
        total: found.total,
        pager: Pager::new(&t, found.page, found.pages(), &raw),
        export,
        f,
    };
    Ok(page.into_response())
}

/// The stages of the zone's path and the two ends, as (id, name).
fn stage_choices(t: &Tr, rules: &PipelineRules) -> Vec<(String, String)> {
    rules
        .path
        .iter()
        .map(|p| p.stage)
        .chain([Stage::Halted, Stage::MovedOut])
        .map(|s| (s.id().to_string(), stage_name(t, s.id())))
        .collect()
}

async fn export(
    state: &AppState,
    v: &Viewer,
    zone: &zone::Model,
    f: &ListForm,
    rules: &PipelineRules,
    today: NaiveDate,
    format: &str,
) -> Result<Response, PageError> {
    let t = v.tr();
    let db = &state.db.conn;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let q = query_of(f, page, devzone_db::repo::MAX_PER_PAGE).unwrap_or_default();
        let found = projects::list(db, zone.id, &q, rules, today).await?;
        let n = found.items.len() as u64;
        for p in &found.items {
            let hide = p.confidential && !v.can_write();
            let money = |x: Option<f64>| match (hide, x) {
                (false, Some(y)) => devzone_io::Cell::Number(y / 1e4),
                _ => devzone_io::Cell::Empty,
            };
            let text = |s: String| devzone_io::Cell::Text(s);
            let date = |d: Option<NaiveDate>| {
                d.map(|d| text(d.to_string()))
                    .unwrap_or(devzone_io::Cell::Empty)
            };
            let r = row(&t, v, rules, p, today);
            rows.push(vec![
                text(r.name),
                text(r.investor),
                text(p.country.clone().unwrap_or_default()),
                text(p.industry_code.clone().unwrap_or_default()),
                text(r.stage),
                money(p.total_yuan),
                money(p.fixed_yuan),
                text(r.officer),
                text(p.source.clone().unwrap_or_default()),
                date(Some(p.received_on)),
                date(p.signed_on),
                date(p.started_on),
                date(Some(p.last_activity_on)),
                text(r.alerts),
            ]);
        }
        if n < devzone_db::repo::MAX_PER_PAGE || rows.len() as u64 >= EXPORT_ROWS {
            break;
        }
        page += 1;
    }
    let wan = t.t("unit.wan_yuan");
    let headers = vec![
        t.t("inv.col.name").to_string(),
        t.t("inv.col.investor").to_string(),
        t.t("inv.country").to_string(),
        t.tv("field", "industry_code"),
        t.t("inv.col.stage").to_string(),
        format!("{}（{wan}）", t.t("inv.col.total")),
        t.t("field.fixed_wan").to_string(),
        t.t("inv.col.officer").to_string(),
        t.t("field.project.source").to_string(),
        t.t("field.received_on").to_string(),
        t.t("pstage.signed").to_string(),
        t.t("pstage.started").to_string(),
        t.t("inv.col.last_activity").to_string(),
        t.t("inv.col.alerts").to_string(),
    ];
    let table = devzone_io::Table {
        sheet: t.t("inv.projects").into(),
        headers,
        rows,
    };
    let stem = format!(
        "{}-{}-{}",
        zone.name,
        t.t("inv.projects"),
        devzone_core::calendar::stamp()
    );
    crate::views::download(&table, Some(format), "projects", &stem)
}

// ---------------------------------------------------------------- board

pub struct Column {
    pub stage: String,
    pub name: String,
    pub count: i64,
    pub cards: Vec<Row>,
    pub more: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "investment/board.html")]
struct BoardPage {
    c: Chrome,
    zone_id: i64,
    columns: Vec<Column>,
}

async fn board(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    // Counts (and the rules) from the zone's kept projects: a GROUP BY over every project per
    // view cost more than the columns' cards.
    let zp = crate::zone_figures::projects(&state, id).await?;
    let rules = &zp.rules;
    let counts = zp.stage_counts();
    let mut columns = Vec::new();
    for (stage, name) in stage_choices(&t, rules) {
        let count = counts.get(stage.as_str()).copied().unwrap_or(0) as i64;
        let cards = match Stage::parse(&stage).filter(|_| count > 0) {
            Some(s) => projects::longest_quiet(db, id, s, BOARD_CARDS)
                .await?
                .iter()
                .map(|p| row(&t, &v, rules, p, today))
                .collect(),
            None => Vec::new(),
        };
        columns.push(Column {
            more: (count - cards.len() as i64).max(0),
            stage,
            name,
            count,
            cards,
        });
    }
    let page = BoardPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("inv.board"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        columns,
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- one project

#[derive(Template, WebTemplate)]
#[template(path = "investment/project.html")]
struct ProjectPage {
    c: Chrome,
    p: project::Model,
    stage: String,
    facts: Vec<(String, String)>,
    alerts: Vec<(String, String)>,
    success: String,
    counted: Option<String>,
    timeline: Vec<(String, String, String, String, String)>,
    funds: Vec<(i32, String, String)>,
    stages: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    errors: Vec<String>,
    today: String,
}

async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    project_page(&state, &v, id, vec![]).await
}

async fn project_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let (p, zone) = project_for(state, v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    let rules = projects::rules(db, p.zone_id).await?;
    let facts = projects::facts(&p);
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let flags: Vec<&str> = [
        (p.fortune_global_500, "field.fortune_global_500"),
        (p.china_500, "field.china_500"),
        (p.private_500, "field.private_500"),
        (p.confidential, "inv.confidential"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, k)| t.t(k))
    .collect();
    let usd = |x: Option<f64>| {
        if p.confidential && !v.can_write() {
            return t.t("inv.hidden").to_string();
        }
        x.map(|u| format!("{} {}", grouped(u / 1e4, 0), t.t("inv.funds.used_unit")))
            .unwrap_or_default()
    };
    // A chain node is shown by its name, not its id (`taxonomy/node`).
    let node = match p.chain_node.as_deref().and_then(|n| n.split_once('/')) {
        Some((tax, id)) => devzone_db::repo::chains::taxonomy(db, p.zone_id, tax)
            .await?
            .and_then(|tx| tx.node(id).map(|n| n.name.clone()))
            .unwrap_or_else(|| text(&p.chain_node)),
        None => text(&p.chain_node),
    };
    let facts_rows = vec![
        (t.t("inv.col.investor").to_string(), investor(&t, v, &p)),
        (t.t("field.country").to_string(), text(&p.country)),
        (
            t.t("field.parent_group").to_string(),
            if p.confidential && !v.can_write() {
                String::new()
            } else {
                text(&p.parent_group)
            },
        ),
        (String::new(), flags.join("、")),
        (t.tv("field", "industry_code"), text(&p.industry_code)),
        (t.t("field.chain_node").to_string(), node),
        (
            t.t("inv.col.total").to_string(),
            amount(&t, v, &p, p.total_yuan),
        ),
        (
            t.t("field.fixed_wan")
                .to_string()
                .replace("（万元）", "")
                .replace(" (10k yuan)", ""),
            amount(&t, v, &p, p.fixed_yuan),
        ),
        (t.t("field.currency").to_string(), p.currency.clone()),
        (
            t.t("inv.fdi_contracted").to_string(),
            usd(p.contracted_fdi_usd),
        ),
        (
            t.t("inv.f.output").to_string(),
            amount(&t, v, &p, p.output_yuan),
        ),
        (t.t("inv.f.tax").to_string(), amount(&t, v, &p, p.tax_yuan)),
        (
            t.t("field.jobs").to_string(),
            p.jobs.map(|j| j.to_string()).unwrap_or_default(),
        ),
        (
            t.t("field.land_mu").to_string(),
            p.land_mu.map(|m| grouped(m, 1)).unwrap_or_default(),
        ),
        (
            t.t("field.space_m2").to_string(),
            p.space_m2.map(|m| grouped(m, 0)).unwrap_or_default(),
        ),
        (t.t("field.project.source").to_string(), text(&p.source)),
        (t.t("field.officer").to_string(), text(&p.officer)),
        (
            t.t("field.received_on").to_string(),
            p.received_on.to_string(),
        ),
        (t.t("pstage.signed").to_string(), date(p.signed_on)),
        (t.t("pstage.registered").to_string(), date(p.registered_on)),
        (t.t("pstage.started").to_string(), date(p.started_on)),
        (t.t("pstage.completed").to_string(), date(p.completed_on)),
        (t.t("pstage.producing").to_string(), date(p.producing_on)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let alerts = rules
        .overdue(&facts, today)
        .iter()
        .map(|o| {
            (
                t.tv("poverdue", o.kind),
                t.f(
                    "inv.due",
                    &[
                        ("date", &o.due.to_string()),
                        ("days", &o.days_late.to_string()),
                    ],
                ),
            )
        })
        .collect();
    let success = match rules.success_on(&facts) {
        Some(d) => t.f("inv.success.on", &[("date", &d.to_string())]),
        None => t.t("inv.success.not_yet").into(),
    };
    let counted = (!rules.counted(&facts)).then(|| {
        t.f(
            "inv.not_counted",
            &[("floor", &large_yuan(&t, rules.min_fixed_yuan))],
        )
    });
    let timeline = projects::events(db, p.id)
        .await?
        .into_iter()
        .rev()
        .map(|e| {
            let what = match (&e.from_stage, &e.to_stage) {
                (Some(a), Some(b)) => format!("{} → {}", stage_name(&t, a), stage_name(&t, b)),
                _ => t.tv("pevent", &e.kind),
            };
            (
                e.on.to_string(),
                what,
                e.note.unwrap_or_default(),
                e.exception
                    .map(|x| format!("{}: {x}", t.t("inv.exception")))
                    .unwrap_or_default(),
                e.username,
            )
        })
        .collect();
    let hide = p.confidential && !v.can_write();
    let funds = projects::funds_of(db, p.id)
        .await?
        .into_iter()
        .map(|f| {
            if hide {
                (
                    f.year,
                    t.t("inv.hidden").to_string(),
                    t.t("inv.hidden").to_string(),
                )
            } else {
                (
                    f.year,
                    grouped(f.received_yuan / 1e4, 0),
                    grouped(f.fdi_used_usd / 1e4, 0),
                )
            }
        })
        .collect();
    let page = ProjectPage {
        c: Chrome::load(db, v, &format!("{} · {}", p.name, zone.name), Some(zone.id)).await?,
        stage: stage_name(&t, &p.stage),
        facts: facts_rows,
        alerts,
        success,
        counted,
        timeline,
        funds,
        stages: stage_choices(&t, &rules),
        kinds: ["report", "activity", "acknowledged"]
            .iter()
            .map(|k| (k.to_string(), t.tv("pevent", k)))
            .collect(),
        errors: t.field_messages_in("project", &errors),
        today: today.to_string(),
        p,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

#[derive(Deserialize)]
pub struct StageForm {
    to: String,
    on: Option<String>,
    note: Option<String>,
    exception_reason: Option<String>,
}

async fn change_stage(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<StageForm>,
) -> Result<Response, PageError> {
    let (p, _) = project_for(&state, &v, id).await?;
    v.require_write()?;
    let db = &state.db.conn;
    let last = projects::last_event_on(db, p.id).await?;
    let input = StageChangeInput {
        to: f.to,
        on: Lenient(nonempty(&f.on)),
        note: nonempty(&f.note),
        exception_reason: nonempty(&f.exception_reason),
    };
    let c = match input.validate(devzone_core::calendar::today(), last) {
        Ok(c) => c,
        Err(errs) => return project_page(&state, &v, id, errs).await,
    };
    let rules = projects::rules(db, p.zone_id).await?;
    match projects::change_stage(db, &v.actor(), &rules, &p, &c).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => project_page(&state, &v, id, errs).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ActivityForm {
    kind: String,
    on: Option<String>,
    note: Option<String>,
}

async fn add_activity(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<ActivityForm>,
) -> Result<Response, PageError> {
    let (p, _) = project_for(&state, &v, id).await?;
    v.require_write()?;
    let db = &state.db.conn;
    let last = projects::last_event_on(db, p.id).await?;
    let input = ActivityInput {
        kind: f.kind,
        on: Lenient(nonempty(&f.on)),
        note: f.note,
    };
    match input.validate(devzone_core::calendar::today(), last) {
        Ok(a) => {
            projects::record_activity(db, &v.actor(), &p, a.kind, a.on, a.note).await?;
            Ok(Redirect::to(&format!("/projects/{id}")).into_response())
        }
        Err(errs) => project_page(&state, &v, id, errs).await,
    }
}

#[derive(Deserialize)]
pub struct FundsForm {
    year: String,
    received_wan: Option<String>,
    fdi_used_wan_usd: Option<String>,
}

async fn set_funds(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<FundsForm>,
) -> Result<Response, PageError> {
    let (p, _) = project_for(&state, &v, id).await?;
    v.require_write()?;
    let Ok(year) = f.year.trim().parse::<i32>() else {
        let e = FieldError::new("year", "number.format", f.year.trim());
        return project_page(&state, &v, id, vec![e]).await;
    };
    let input = FundsInput {
        received_wan: Lenient(nonempty(&f.received_wan)),
        fdi_used_wan_usd: Lenient(nonempty(&f.fdi_used_wan_usd)),
    };
    match input.validate(year, devzone_core::calendar::this_year()) {
        Ok((received, used)) => {
            projects::set_funds(&state.db.conn, &v.actor(), &p, year, received, used).await?;
            Ok(Redirect::to(&format!("/projects/{id}")).into_response())
        }
        Err(errs) => project_page(&state, &v, id, errs).await,
    }
}

// ---------------------------------------------------------------- the form

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ProjectForm {
    name: String,
    investor: Option<String>,
    country: Option<String>,
    parent_group: Option<String>,
    fortune_global_500: Option<String>,
    china_500: Option<String>,
    private_500: Option<String>,
    industry_code: Option<String>,
    chain_node: Option<String>,
    total_wan: Option<String>,
    fixed_wan: Option<String>,
    currency: Option<String>,
    contracted_fdi_wan_usd: Option<String>,
    output_wan: Option<String>,
    tax_wan: Option<String>,
    jobs: Option<String>,
    land_mu: Option<String>,
    space_m2: Option<String>,
    source: Option<String>,
    officer: Option<String>,
    confidential: Option<String>,
    received_on: Option<String>,
}

impl ProjectForm {
    fn input(&self) -> ProjectInput {
        let l = |v: &Option<String>| Lenient(nonempty(v));
        ProjectInput {
            name: self.name.clone(),
            enterprise_id: None,
            investor: nonempty(&self.investor),
            country: nonempty(&self.country),
            parent_group: nonempty(&self.parent_group),
            fortune_global_500: l(&self.fortune_global_500),
            china_500: l(&self.china_500),
            private_500: l(&self.private_500),
            industry_code: nonempty(&self.industry_code),
            chain_node: nonempty(&self.chain_node),
            total_wan: l(&self.total_wan),
            fixed_wan: l(&self.fixed_wan),
            currency: nonempty(&self.currency),
            contracted_fdi_wan_usd: l(&self.contracted_fdi_wan_usd),
            output_wan: l(&self.output_wan),
            tax_wan: l(&self.tax_wan),
            jobs: l(&self.jobs),
            land_mu: l(&self.land_mu),
            space_m2: l(&self.space_m2),
            source: nonempty(&self.source),
            officer: nonempty(&self.officer),
            confidential: l(&self.confidential),
            received_on: l(&self.received_on),
        }
    }

    fn of(p: &project::Model) -> Self {
        let wan = |x: Option<f64>| x.map(|y| crate::views::format::plain(y / 1e4, 2));
        let on = |b: bool| b.then(|| "1".to_string());
        ProjectForm {
            name: p.name.clone(),
            investor: p.investor.clone(),
            country: p.country.clone(),
            parent_group: p.parent_group.clone(),
            fortune_global_500: on(p.fortune_global_500),
            china_500: on(p.china_500),
            private_500: on(p.private_500),
            industry_code: p.industry_code.clone(),
            chain_node: p.chain_node.clone(),
            total_wan: wan(p.total_yuan),
            fixed_wan: wan(p.fixed_yuan),
            currency: Some(p.currency.clone()),
            contracted_fdi_wan_usd: wan(p.contracted_fdi_usd),
            output_wan: wan(p.output_yuan),
            tax_wan: wan(p.tax_yuan),
            jobs: p.jobs.map(|j| j.to_string()),
            land_mu: p.land_mu.map(|m| crate::views::format::plain(m, 2)),
            space_m2: p.space_m2.map(|m| crate::views::format::plain(m, 1)),
            source: p.source.clone(),
            officer: p.officer.clone(),
            confidential: on(p.confidential),
            received_on: Some(p.received_on.to_string()),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "investment/form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    back: String,
    title: String,
    f: ProjectForm,
    errors: Vec<String>,
}

async fn form_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    editing: Option<i64>,
    f: ProjectForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    v.require_write()?;
    let t = v.tr();
    let (action, back, title) = match editing {
        Some(id) => (
            format!("/projects/{id}/edit"),
            format!("/projects/{id}"),
            t.t("inv.edit"),
        ),
        None => (
            format!("/zones/{zone_id}/projects"),
            format!("/zones/{zone_id}/projects"),
            t.t("inv.new"),
        ),
    };
    let page = FormPage {
        c: Chrome::load(
            &state.db.conn,
            v,
            &format!("{title} · {}", zone.name),
            Some(zone_id),
        )
        .await?,
        action,
        back,
        title: title.into(),
        f,
        errors: t.field_messages_in("project", &errors),
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

async fn new_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let f = ProjectForm {
        received_on: Some(devzone_core::calendar::today().to_string()),
        currency: Some("CNY".into()),
        officer: Some(v.user.display_name.clone()),
        ..Default::default()
    };
    form_page(&state, &v, id, None, f, vec![]).await
}

async fn create(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<ProjectForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let draft = match f.input().validate(devzone_core::calendar::today()) {
        Ok(d) => d,
        Err(errs) => return form_page(&state, &v, id, None, f, errs).await,
    };
    match projects::create(&state.db.conn, &v.actor(), id, &draft).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}", p.id)).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => form_page(&state, &v, id, None, f, errs).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (p, _) = project_for(&state, &v, id).await?;
    form_page(&state, &v, p.zone_id, Some(id), ProjectForm::of(&p), vec![]).await
}

async fn update(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<ProjectForm>,
) -> Result<Response, PageError> {
    let (p, _) = project_for(&state, &v, id).await?;
    v.require_write()?;
    let draft = match f.input().validate(devzone_core::calendar::today()) {
        Ok(d) => d,
        Err(errs) => return form_page(&state, &v, p.zone_id, Some(id), f, errs).await,
    };
    match projects::update(&state.db.conn, &v.actor(), &p, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => {
            form_page(&state, &v, p.zone_id, Some(id), f, errs).await
        }
        Err(e) => Err(e.into()),
    }
}
