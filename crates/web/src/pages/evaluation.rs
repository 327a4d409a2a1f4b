//! Per-mu evaluation pages: runs of a zone (start, progress, publish, compare, verify),
//! results with filters, charts and export, rankings by park and industry division, class
//! lists with the scheme's differentiated measures, and zone schemes.
//! The per-enterprise breakdown with what-if lives in `evaluation_breakdown`.

use super::{nonempty, query_without, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::{Chrome, Pager, download, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::permu::Scheme;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_db::entities::{evaluation_result, evaluation_run, zone};
use devzone_db::repo::evaluation::{
    self as ev, RankBy, ResultQuery, ResultSort, StoredIndicator, Summary,
};
use devzone_db::repo::zones;
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The run and its zone, if the viewer may see them (`evaluation::visible`).
pub(crate) async fn run_for(
    state: &AppState,
    v: &Viewer,
    run_id: i64,
) -> Result<(evaluation_run::Model, zone::Model), PageError> {
    ev::visible(&state.db.conn, &v.scope, run_id)
        .await?
        .ok_or_else(PageError::not_found)
}

/// For zone-wide pages: enterprise users have none.
fn officials_only(v: &Viewer) -> Result<(), PageError> {
    if v.scope.enterprise.is_some() {
        Err(PageError::not_found())
    } else {
        Ok(())
    }
}

pub(crate) fn scheme_of(run: &evaluation_run::Model) -> Result<Scheme, PageError> {
    Scheme::parse(&run.scheme_source).map_err(|e| {
        tracing::error!(error = %e, run = run.id, "stored scheme does not parse");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR)
    })
}

/// "A", "B" … as stored; "not_rated" translated.
pub(crate) fn class_label(t: &Tr, class: Option<&str>) -> String {
    match class {
        Some("not_rated") => t.t("eval.not_rated").to_string(),
        Some(c) => c.to_string(),
        None => String::new(),
    }
}

pub(crate) fn group_label(t: &Tr, scheme: &Scheme, grp: &str) -> String {
    match scheme.group(grp) {
        Some((_, g)) => g.label.get(t.lang()).to_string(),
        None => t.tv("eval.grp", grp),
    }
}

/// A stored reason ("rule: English explanation", or a veto reason as entered) for display:
/// in Chinese the rule's label, in English the explanation.
pub(crate) fn reason_text(t: &Tr, reason: Option<&str>) -> String {
    let Some(r) = reason else {
        return String::new();
    };
    match r.split_once(": ") {
        Some((rule, detail)) if t.tv("eval.rule", rule) != rule => {
            if t.lang().starts_with("zh") {
                t.tv("eval.rule", rule)
            } else {
                detail.to_string()
            }
        }
        _ => r.to_string(),
    }
}

fn indicator_label(t: &Tr, scheme: &Scheme, id: &str) -> String {
    scheme
        .indicator(id)
        .map_or_else(|| id.to_string(), |i| i.label.get(t.lang()).to_string())
}

pub(crate) fn num(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| grouped(x, decimals)).unwrap_or_default()
}

fn industry_name(code: &str) -> String {
    industries(IndustryEdition::Amended)
        .get(code)
        .map(|e| format!("{code} {}", e.name))
        .unwrap_or_else(|| code.to_string())
}

// ---------------------------------------------------------------------------------------
// Runs of a zone

pub struct RunRow {
    pub id: i64,
    pub year: i32,
    pub scheme: String,
    pub status: String,
    pub status_id: String,
    pub progress: i32,
    pub created: String,
    pub published: String,
    pub counts: String,
}

pub struct SchemeRow {
    pub key: String,
    pub label: String,
    pub built_in: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations.html")]
struct RunsPage {
    c: Chrome,
    zone_id: i64,
    runs: Vec<RunRow>,
    /// A run is in progress: the page refreshes itself.
    any_running: bool,
    schemes: Vec<SchemeRow>,
    years: Vec<i32>,
    default_year: i32,
}

fn counts_text(t: &Tr, scheme: Option<&Scheme>, s: &Summary) -> String {
    let mut by_group: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (g, c, n) in &s.counts {
        by_group
            .entry(g)
            .or_default()
            .push(format!("{} {n}", class_label(t, Some(c))));
    }
    by_group
        .into_iter()
        .map(|(g, parts)| {
            let label = scheme
                .map(|sc| group_label(t, sc, g))
                .unwrap_or_else(|| g.to_string());
            format!("{label}: {}", parts.join(" / "))
        })
        .collect::<Vec<_>>()
        .join("；")
}

pub async fn runs(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let runs = ev::runs(db, id).await?;
    let rows = runs
        .iter()
        .map(|r| {
            let scheme = Scheme::parse(&r.scheme_source).ok();
            RunRow {
                id: r.id,
                year: r.year,
                scheme: format!(
                    "{} v{}",
                    scheme
                        .as_ref()
                        .map_or(r.scheme_name.clone(), |s| s.title.get(t.lang()).to_string()),
                    r.scheme_version
                ),
                status: t.tv("eval.status", &r.status),
                status_id: r.status.clone(),
                progress: r.progress,
                created: format!(
                    "{} · {}",
                    r.created_at.format("%Y-%m-%d %H:%M"),
                    r.created_by
                ),
                published: r
                    .published_at
                    .map(|p| {
                        format!(
                            "{} · {}",
                            p.format("%Y-%m-%d"),
                            r.published_by.clone().unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
                counts: counts_text(&t, scheme.as_ref(), &Summary::parse(r)),
            }
        })
        .collect();
    let schemes = ev::schemes(db, id)
        .await?
        .into_iter()
        .map(|s| SchemeRow {
            label: format!(
                "{} v{} ({})",
                if t.lang().starts_with("zh") {
                    &s.title_zh
                } else {
                    &s.title_en
                },
                s.version,
                s.effective_year
            ),
            key: s.key,
            built_in: s.built_in,
        })
        .collect();
    let this_year = devzone_core::calendar::this_year();
    let page = RunsPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("eval.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        any_running: runs.iter().any(|r| r.status == "running"),
        runs: rows,
        schemes,
        years: (2015..=this_year).rev().collect(),
        default_year: devzone_core::demo::YEARS[2].min(this_year),
    };
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct StartForm {
    year: i32,
    scheme: String,
}

/// Starts a run and carries it out in the background; the run page shows the progress.
pub async fn start(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    if !(devzone_core::validate::MIN_YEAR..=devzone_core::validate::MAX_YEAR).contains(&f.year) {
        return Err(PageError::new(StatusCode::UNPROCESSABLE_ENTITY));
    }
    let run = ev::start(&state.db.conn, &v.actor(), id, f.year, &f.scheme).await?;
    crate::jobs::spawn_evaluation(state.db.clone(), run.id);
    Ok(Redirect::to(&format!("/evaluations/{}", run.id)).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(run_id): Path<i64>,
) -> Result<Response, PageError> {
    officials_only(&v)?;
    let (run, _) = run_for(&state, &v, run_id).await?;
    v.require_write()?;
    if run.status != "done" {
        return Err(PageError::new(StatusCode::CONFLICT));
    }
    ev::publish(&state.db.conn, &v.actor(), run_id).await?;
    Ok(Redirect::to(&format!("/evaluations/{run_id}")).into_response())
}

// ---------------------------------------------------------------------------------------
// One run: results

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ResultParams {
    pub group: Option<String>,
    pub class: Option<String>,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<u64>,
    pub format: Option<String>,
}

impl ResultParams {
    fn query(&self, run_id: i64, per_page: u64) -> ResultQuery {
        ResultQuery {
            run_id,
            group: nonempty(&self.group),
            class: nonempty(&self.class),
            park_id: nonempty(&self.park).and_then(|p| p.parse().ok()),
            industry: nonempty(&self.industry),
            q: nonempty(&self.q),
            enterprise_id: None,
            sort: self
                .sort
                .as_deref()
                .and_then(ResultSort::parse)
                .unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
            page: self.page.unwrap_or(1),
            per_page,
        }
    }
}

pub struct ResultRow {
    pub enterprise_id: i64,
    pub rank: String,
    pub name: String,
    pub credit_code: String,
    pub group: String,
    pub total: String,
    pub class: String,
    pub tax_per_mu: String,
    pub park: String,
    pub industry: String,
    pub reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_run.html")]
struct RunPage {
    c: Chrome,
    run: evaluation_run::Model,
    title: String,
    status: String,
    running: bool,
    failed: bool,
    p: ResultParams,
    rows: Vec<ResultRow>,
    total_text: String,
    pager: Pager,
    export_query: String,
    groups: Vec<(String, String)>,
    classes: Vec<String>,
    parks: Vec<(i64, String)>,
    sorts: Vec<(String, String)>,
    chart_classes: String,
    charts_histogram: Vec<String>,
    cohorts: Vec<CohortRow>,
    out_of_scope: Vec<(String, usize)>,
    invalid: usize,
    verified: Option<String>,
    /// Who ran it, when, with which inputs, and how long it took.
    timing: String,
}

/// A cohort's benchmarks, for the run page.
pub struct CohortRow {
    pub group: String,
    pub size: usize,
    pub benchmarks: Vec<(String, String, String)>,
}

fn cohort_rows(t: &Tr, scheme: &Scheme, s: &Summary) -> Vec<CohortRow> {
    s.cohorts
        .iter()
        .filter_map(|c| {
            let (_, g) = scheme.group(&c.group)?;
            Some(CohortRow {
                group: g.label.get(t.lang()).to_string(),
                size: c.size,
                benchmarks: g
                    .indicators
                    .iter()
                    .zip(&c.benchmarks)
                    .map(|(i, b)| {
                        (
                            i.label.get(t.lang()).to_string(),
                            num(*b, 4),
                            i.unit.clone(),
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

const PER_PAGE: u64 = 25;
const MAX_EXPORT_ROWS: u64 = 200_000;

pub async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(run_id): Path<i64>,
    Query(p): Query<ResultParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    officials_only(&v)?;
    let (run, zone) = run_for(&state, &v, run_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let scheme = scheme_of(&run)?;
    let summary = Summary::parse(&run);
    let parks = zones::parks(db, zone.id).await?;
    let park_names: BTreeMap<i64, String> = parks.iter().map(|p| (p.id, p.name.clone())).collect();
    let raw = raw.unwrap_or_default();
    let done = run.status == "done";
    let page = if done {
        ev::results(db, &p.query(run_id, PER_PAGE)).await?
    } else {
        devzone_db::repo::Page {
            items: Vec::new(),
            total: 0,
            page: 1,
            per_page: PER_PAGE,
        }
    };
    let pages = page.pages();
    let rows = page
        .items
        .iter()
        .map(|r| ResultRow {
            enterprise_id: r.enterprise_id,
            rank: r
                .rank
                .map(|x| format!("{x} / {}", r.group_size.unwrap_or(0)))
                .unwrap_or_default(),
            name: r.name.clone(),
            credit_code: r.credit_code.clone(),
            group: group_label(&t, &scheme, &r.grp),
            total: num(r.total, 4),
            class: class_label(&t, r.class.as_deref()),
            tax_per_mu: match (r.tax, r.land_mu) {
                (Some(tax), Some(l)) if l > 0.0 => grouped(tax / l, 2),
                _ => String::new(),
            },
            park: r
                .park_id
                .and_then(|id| park_names.get(&id).cloned())
                .unwrap_or_default(),
            industry: industry_name(&r.industry_code),
            reason: reason_text(&t, r.reason.as_deref()),
        })
        .collect();
    // Charts: class distribution per group, and a histogram of totals in 10-point bins.
    let mut class_items = Vec::new();
    for g in &scheme.groups {
        for c in g
            .classes
            .names
            .iter()
            .map(String::as_str)
            .chain(["not_rated"])
        {
            let n = summary
                .counts
                .iter()
                .find(|(gg, cc, _)| gg == &g.id && cc == c)
                .map_or(0, |x| x.2);
            if n > 0 || c != "not_rated" {
                // Class first: long group names are cut in the chart's label column.
                class_items.push((
                    format!("{} · {}", class_label(&t, Some(c)), g.label.get(t.lang())),
                    n as f64,
                ));
            }
        }
    }
    let chart_classes = devzone_charts::bar_chart(t.t("eval.chart_classes"), &class_items);
    // One histogram per group: the groups' scores are on different scales.
    let charts_histogram: Vec<String> = if done {
        let mut bins: BTreeMap<(String, i64), f64> = BTreeMap::new();
        for (grp, x) in ev::totals(db, run_id).await? {
            *bins.entry((grp, (x / 10.0).floor() as i64)).or_default() += 1.0;
        }
        scheme
            .groups
            .iter()
            .filter_map(|g| {
                let items: Vec<(String, f64)> = bins
                    .iter()
                    .filter(|((grp, _), _)| grp == &g.id)
                    .map(|((_, b), n)| (format!("{}–{}", b * 10, b * 10 + 10), *n))
                    .collect();
                (!items.is_empty()).then(|| {
                    devzone_charts::bar_chart(
                        &format!(
                            "{} · {}",
                            t.t("eval.chart_histogram"),
                            g.label.get(t.lang())
                        ),
                        &items,
                    )
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let verified = if raw.contains("verify=1") && done {
        let vr = ev::verify(db, run_id).await?;
        Some(if vr.differences.is_empty() && vr.digest_matches {
            t.f("eval.verify_ok", &[("n", &vr.results.to_string())])
        } else {
            t.f(
                "eval.verify_bad",
                &[("n", &vr.differences.len().to_string())],
            )
        })
    } else {
        None
    };
    let export_query = query_without(&raw, &["page", "verify"]);
    let title = format!(
        "{} · {} · {}",
        zone.name,
        run.year,
        scheme.title.get(t.lang())
    );
    let page = RunPage {
        c: Chrome::load(db, &v, &title, Some(zone.id)).await?,
        status: t.tv("eval.status", &run.status),
        running: run.status == "running",
        failed: run.status == "failed",
        title,
        p,
        rows,
        total_text: t.f("eval.total", &[("n", &grouped(page.total as f64, 0))]),
        pager: Pager::new(&t, page.page, pages, &raw),
        export_query,
        groups: scheme
            .groups
            .iter()
            .map(|g| (g.id.clone(), g.label.get(t.lang()).to_string()))
            .chain(["out_of_scope", "invalid"].map(|g| (g.to_string(), t.tv("eval.grp", g))))
            .collect(),
        classes: scheme.class_names().into_iter().map(String::from).collect(),
        parks: parks.iter().map(|p| (p.id, p.name.clone())).collect(),
        sorts: ResultSort::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("eval.sort", s.id())))
            .collect(),
        chart_classes,
        charts_histogram,
        cohorts: cohort_rows(&t, &scheme, &summary),
        out_of_scope: summary
            .out_of_scope
            .iter()
            .map(|(k, n)| (t.tv("eval.rule", k), *n))
            .collect(),
        invalid: summary.invalid,
        verified,
        timing: t.f(
            "eval.timing",
            &[
                ("by", &run.created_by),
                ("at", &run.created_at.format("%Y-%m-%d %H:%M").to_string()),
                ("n", &grouped(summary.enterprises as f64, 0)),
                (
                    "s",
                    &format!(
                        "{:.1}",
                        (summary.load_millis + summary.millis + summary.store_millis) as f64
                            / 1000.0
                    ),
                ),
                (
                    "digest",
                    run.inputs_digest
                        .as_deref()
                        .map_or("", |d| &d[..d.len().min(12)]),
                ),
            ],
        ),
        run,
    };
    Ok(page.into_response())
}

/// Every result of the current filter, with each indicator's value, score and imputation.
pub async fn export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(run_id): Path<i64>,
    Query(p): Query<ResultParams>,
) -> Result<Response, PageError> {
    officials_only(&v)?;
    let (run, zone) = run_for(&state, &v, run_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let scheme = scheme_of(&run)?;
    let park_names: BTreeMap<i64, String> = zones::parks(db, zone.id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let items = ev::results(db, &p.query(run_id, MAX_EXPORT_ROWS))
        .await?
        .items;
    let indicators = scheme.indicator_ids();
    let mut headers: Vec<String> = [
        "field.credit_code",
        "field.name",
        "eval.group",
        "eval.total",
        "eval.rank",
        "eval.group_size",
        "eval.class",
        "eval.reason",
        "list.park",
        "ent.industry",
    ]
    .iter()
    .map(|k| t.t(k).to_string())
    .collect();
    for id in &indicators {
        let l = indicator_label(&t, &scheme, id);
        headers.push(format!("{l} {}", t.t("eval.value")));
        headers.push(format!("{l} {}", t.t("eval.score")));
        headers.push(format!("{l} {}", t.t("eval.imputed")));
    }
    let rows = items
        .iter()
        .map(|r| {
            let trace: Vec<StoredIndicator> = serde_json::from_str(&r.trace).unwrap_or_default();
            let opt_num = |v: Option<f64>| v.map(Cell::Number).unwrap_or(Cell::Empty);
            let mut row = vec![
                Cell::Text(r.credit_code.clone()),
                Cell::Text(r.name.clone()),
                Cell::Text(group_label(&t, &scheme, &r.grp)),
                opt_num(r.total),
                opt_num(r.rank.map(f64::from)),
                opt_num(r.group_size.map(f64::from)),
                Cell::Text(class_label(&t, r.class.as_deref())),
                Cell::Text(reason_text(&t, r.reason.as_deref())),
                Cell::Text(
                    r.park_id
                        .and_then(|id| park_names.get(&id).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Text(industry_name(&r.industry_code)),
            ];
            for id in &indicators {
                match trace.iter().find(|x| x.id == *id) {
                    Some(x) => {
                        row.push(opt_num(x.value));
                        row.push(Cell::Number(x.score));
                        row.push(Cell::Text(
                            if x.imputed { t.t("eval.yes") } else { "" }.to_string(),
                        ));
                    }
                    None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            row
        })
        .collect();
    let table = Table {
        sheet: t.t("eval.title").to_string(),
        headers,
        rows,
    };
    let stem = format!("{}-{}-{}", zone.name, t.t("eval.title"), run.year);
    download(&table, p.format.as_deref(), "evaluation", &stem)
}

// ---------------------------------------------------------------------------------------
// Rankings by park and by industry division

pub struct RankingRow {
    pub position: usize,
    pub name: String,
    pub enterprises: i64,
    pub land_mu: String,
    pub tax_per_mu: String,
    pub va_per_mu: String,
    pub lowest_class: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_rankings.html")]
struct RankingsPage {
    c: Chrome,
    run_id: i64,
    title: String,
    /// (heading, rows): by park, then by industry division.
    tables: Vec<(String, Vec<RankingRow>)>,
    chart_parks: String,
}

pub async fn rankings(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(run_id): Path<i64>,
) -> Result<Response, PageError> {
    officials_only(&v)?;
    let (run, zone) = run_for(&state, &v, run_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let scheme = scheme_of(&run)?;
    let park_names: BTreeMap<String, String> = zones::parks(db, zone.id)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    let to_rows = |list: Vec<ev::Ranking>, name: &dyn Fn(&str) -> String| -> Vec<RankingRow> {
        list.into_iter()
            .enumerate()
            .map(|(i, r)| RankingRow {
                position: i + 1,
                name: name(&r.key),
                enterprises: r.enterprises,
                land_mu: grouped(r.land_mu, 1),
                tax_per_mu: num(r.tax_per_mu, 2),
                va_per_mu: num(r.va_per_mu, 2),
                lowest_class: r.lowest_class,
            })
            .collect()
    };
    let by_park = ev::rankings(db, &scheme, run_id, RankBy::Park).await?;
    let chart_parks = devzone_charts::bar_chart(
        t.t("eval.chart_parks"),
        &by_park
            .iter()
            .map(|r| {
                (
                    park_names
                        .get(&r.key)
                        .cloned()
                        .unwrap_or_else(|| t.t("eval.no_park").to_string()),
                    r.tax_per_mu.unwrap_or(0.0),
                )
            })
            .collect::<Vec<_>>(),
    );
    let parks = to_rows(by_park, &|k| {
        park_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| t.t("eval.no_park").to_string())
    });
    let divisions = to_rows(
        ev::rankings(db, &scheme, run_id, RankBy::Division).await?,
        &|k| industry_name(k),
    );
    let title = format!("{} · {} · {}", zone.name, run.year, t.t("eval.rankings"));
    Ok(RankingsPage {
        c: Chrome::load(db, &v, &title, Some(zone.id)).await?,
        run_id,
        title,
        tables: vec![
            (t.t("eval.by_park").to_string(), parks),
            (t.t("eval.by_division").to_string(), divisions),
        ],
        chart_parks,
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Class lists with differentiated measures

#[derive(Debug, Default, Deserialize)]
pub struct MeasureParams {
    class: Option<String>,
    format: Option<String>,
}

pub struct ClassList {
    pub class: String,
    pub measures: Vec<String>,
    pub count: u64,
    pub sample: Vec<(i64, String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_measures.html")]
struct MeasuresPage {
    c: Chrome,
    run_id: i64,
    title: String,
    lists: Vec<ClassList>,
}

fn measure_text(t: &Tr, m: &devzone_core::permu::scheme::ClassMeasure) -> String {
    match m.amount {
        Some(a) => format!("{} {} {}", m.label.get(t.lang()), a, m.unit),
        None => m.label.get(t.lang()).to_string(),
    }
}

pub async fn measures(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(run_id): Path<i64>,
    Query(p): Query<MeasureParams>,
) -> Result<Response, PageError> {
    officials_only(&v)?;
    let (run, zone) = run_for(&state, &v, run_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let scheme = scheme_of(&run)?;
    if let Some(class) = nonempty(&p.class) {
        // The export for a utility or a bank: one class, every enterprise, its measures.
        let measures: Vec<&devzone_core::permu::scheme::ClassMeasure> = scheme
            .measures
            .iter()
            .filter(|m| m.class == class)
            .collect();
        let q = ResultQuery {
            run_id,
            class: Some(class.clone()),
            per_page: MAX_EXPORT_ROWS,
            page: 1,
            ..Default::default()
        };
        let items = ev::results(db, &q).await?.items;
        let mut headers: Vec<String> = [
            "field.credit_code",
            "field.name",
            "eval.group",
            "eval.class",
            "eval.total",
            "eval.rank",
        ]
        .iter()
        .map(|k| t.t(k).to_string())
        .collect();
        for m in &measures {
            headers.push(if m.unit.is_empty() {
                m.label.get(t.lang()).to_string()
            } else {
                format!("{} ({})", m.label.get(t.lang()), m.unit)
            });
        }
        let rows = items
            .iter()
            .map(|r| {
                let mut row = vec![
                    Cell::Text(r.credit_code.clone()),
                    Cell::Text(r.name.clone()),
                    Cell::Text(group_label(&t, &scheme, &r.grp)),
                    Cell::Text(class_label(&t, r.class.as_deref())),
                    r.total.map(Cell::Number).unwrap_or(Cell::Empty),
                    r.rank
                        .map(|x| Cell::Number(x.into()))
                        .unwrap_or(Cell::Empty),
                ];
                row.extend(measures.iter().map(|m| match m.amount {
                    Some(a) => Cell::Number(a),
                    None => Cell::Text(t.t("eval.applies").to_string()),
                }));
                row
            })
            .collect();
        let table = Table {
            sheet: format!("{} {class}", t.t("eval.class")),
            headers,
            rows,
        };
        let stem = format!("{}-{}-{class}", zone.name, run.year);
        return download(&table, p.format.as_deref(), "class-list", &stem);
    }
    let mut lists = Vec::new();
    for class in scheme.class_names().into_iter().map(String::from) {
        let q = ResultQuery {
            run_id,
            class: Some(class.clone()),
            per_page: 10,
            page: 1,
            ..Default::default()
        };
        let page = ev::results(db, &q).await?;
        lists.push(ClassList {
            measures: scheme
                .measures
                .iter()
                .filter(|m| m.class == class)
                .map(|m| measure_text(&t, m))
                .collect(),
            count: page.total,
            sample: page
                .items
                .iter()
                .map(|r| {
                    (
                        r.enterprise_id,
                        r.name.clone(),
                        group_label(&t, &scheme, &r.grp),
                        num(r.total, 4),
                    )
                })
                .collect(),
            class,
        });
    }
    let title = format!("{} · {} · {}", zone.name, run.year, t.t("eval.measures"));
    Ok(MeasuresPage {
        c: Chrome::load(db, &v, &title, Some(zone.id)).await?,
        run_id,
        title,
        lists,
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Comparing two runs

#[derive(Debug, Default, Deserialize)]
pub struct CompareParams {
    a: Option<i64>,
    b: Option<i64>,
}

pub struct MoveRow {
    pub enterprise_id: i64,
    pub name: String,
    pub group: String,
    pub before: String,
    pub after: String,
    pub total_before: String,
    pub total_after: String,
    pub drivers: String,
    pub better: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_compare.html")]
struct ComparePage {
    c: Chrome,
    zone_id: i64,
    runs: Vec<(i64, String)>,
    a: i64,
    b: i64,
    moves: Vec<MoveRow>,
    summary: String,
}

pub async fn compare(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Query(p): Query<CompareParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let runs: Vec<evaluation_run::Model> = ev::runs(db, zone_id)
        .await?
        .into_iter()
        .filter(|r| r.status == "done")
        .collect();
    let label = |r: &evaluation_run::Model| {
        format!(
            "#{} · {} · {} v{}",
            r.id, r.year, r.scheme_name, r.scheme_version
        )
    };
    let (a, b) = match (p.a, p.b) {
        (Some(a), Some(b)) => (a, b),
        _ => (
            runs.get(1).map_or(0, |r| r.id),
            runs.first().map_or(0, |r| r.id),
        ),
    };
    let (ra, rb) = (
        runs.iter().find(|r| r.id == a),
        runs.iter().find(|r| r.id == b),
    );
    let mut moves = Vec::new();
    let mut summary = String::new();
    if let (Some(ra), Some(rb)) = (ra, rb) {
        let scheme = scheme_of(rb)?;
        let rank_of = |c: &Option<String>, grp: &str| {
            scheme.group(grp).and_then(|(_, g)| {
                c.as_ref()
                    .and_then(|c| g.classes.names.iter().position(|n| n == c))
            })
        };
        let list = ev::compare(db, ra.id, rb.id).await?;
        let (mut up, mut down) = (0, 0);
        for m in list {
            let better = match (
                rank_of(&m.class_before, &m.grp),
                rank_of(&m.class_after, &m.grp),
            ) {
                (Some(x), Some(y)) => y < x,
                _ => false,
            };
            if better {
                up += 1
            } else {
                down += 1
            }
            moves.push(MoveRow {
                enterprise_id: m.enterprise_id,
                group: group_label(&t, &scheme, &m.grp),
                before: class_label(&t, m.class_before.as_deref()),
                after: class_label(&t, m.class_after.as_deref()),
                total_before: num(m.total_before, 4),
                total_after: num(m.total_after, 4),
                drivers: m
                    .drivers
                    .iter()
                    .take(3)
                    .map(|(id, d)| {
                        format!(
                            "{} {}{}",
                            indicator_label(&t, &scheme, id),
                            if *d > 0.0 { "+" } else { "" },
                            grouped(*d, 2)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("；"),
                name: m.name,
                better,
            });
        }
        summary = t.f(
            "eval.compare_summary",
            &[("up", &up.to_string()), ("down", &down.to_string())],
        );
    }
    Ok(ComparePage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", zone.name, t.t("eval.compare")),
            Some(zone_id),
        )
        .await?,
        zone_id,
        runs: runs.iter().map(|r| (r.id, label(r))).collect(),
        a,
        b,
        moves,
        summary,
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Zone schemes

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_scheme.html")]
struct SchemePage {
    c: Chrome,
    zone_id: i64,
    source: String,
    editable: bool,
    error: Option<String>,
    heading: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SchemeParams {
    key: Option<String>,
}

/// Shows a scheme's text, or (without `key`) the form to add one, prefilled with the default.
pub async fn scheme_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Query(p): Query<SchemeParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let (source, editable, heading) = match nonempty(&p.key) {
        Some(key) => {
            let (s, src) = ev::scheme_by_key(db, zone_id, &key).await?;
            (
                src,
                false,
                format!("{} v{}", s.title.get(t.lang()), s.version),
            )
        }
        None => {
            v.require_write()?;
            (
                Scheme::built_in_source("default").to_string(),
                true,
                t.t("eval.scheme_new").to_string(),
            )
        }
    };
    Ok(SchemePage {
        c: Chrome::load(db, &v, &format!("{} · {heading}", zone.name), Some(zone_id)).await?,
        zone_id,
        source,
        editable,
        error: None,
        heading,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct SchemeForm {
    source: String,
}

pub async fn add_scheme(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Form(f): Form<SchemeForm>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let db = &state.db.conn;
    let t = v.tr();
    let error = match ev::add_scheme(db, &v.actor(), zone_id, &f.source).await {
        Ok(Ok(_)) => {
            return Ok(Redirect::to(&format!("/zones/{zone_id}/evaluations")).into_response());
        }
        Ok(Err(e)) => match e.line {
            Some(line) => t.f(
                "eval.scheme_error_line",
                &[("line", &line.to_string()), ("message", &e.message)],
            ),
            None => t.f("eval.scheme_error", &[("message", &e.message)]),
        },
        Err(devzone_db::DbError::Conflict { value, .. }) => {
            t.f("eval.scheme_exists", &[("scheme", &value)])
        }
        Err(e) => return Err(e.into()),
    };
    let mut r = SchemePage {
        c: Chrome::load(db, &v, &zone.name, Some(zone_id)).await?,
        zone_id,
        source: f.source,
        editable: true,
        error: Some(error),
        heading: t.t("eval.scheme_new").to_string(),
    }
    .into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// All results of a run, for use by the breakdown page (the result of one enterprise).
pub(crate) async fn result_of(
    state: &AppState,
    run_id: i64,
    enterprise_id: i64,
) -> Result<evaluation_result::Model, PageError> {
    ev::result_for(&state.db.conn, run_id, enterprise_id)
        .await?
        .ok_or_else(PageError::not_found)
}
