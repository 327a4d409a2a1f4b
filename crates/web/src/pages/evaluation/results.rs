//! One run's results: the filtered, sorted, paged table and its export.

use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{nonempty, query_without};
use crate::session::PageViewer;
use crate::views::{Chrome, Pager, download, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Response};
use devzone_core::evaluation::Scheme;
use devzone_core::model::RunStatus;
use devzone_db::entities::evaluation_run;
use devzone_db::repo::evaluation::{self as ev, ResultQuery, ResultSort, StoredIndicator, Summary};
use devzone_db::repo::zones;
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::BTreeMap;

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
#[template(path = "evaluation/run.html")]
pub(super) struct RunPage {
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

pub(super) fn cohort_rows(t: &Tr, scheme: &Scheme, s: &Summary) -> Vec<CohortRow> {
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
                        // A share (R&D ÷ main revenue) as a percentage, like the breakdown.
                        let share = i.numerator.unit() == "万元" && i.denominator.unit() == "万元";
                        (
                            i.label.get(t.lang()).to_string(),
                            match b {
                                Some(x) if share => format!("{:.2}%", x * 100.0),
                                b => num(*b, 4),
                            },
                            if share {
                                String::new()
                            } else {
                                crate::views::format::unit_text(t, &i.unit)
                            },
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

pub(super) const PER_PAGE: u64 = 25;

pub(super) const MAX_EXPORT_ROWS: u64 = 200_000;

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
    let done = run.status == RunStatus::Done.id();
    let page = if done {
        crate::zone_figures::run_results(&state, &run, &p.query(run_id, PER_PAGE)).await?
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
        let bins = crate::zone_figures::run_histogram(&state, zone.id, run_id).await?;
        scheme
            .groups
            .iter()
            .filter_map(|g| {
                // Every bin from the lowest to the highest, the empty ones as zero columns.
                let of_group: Vec<(i64, f64)> = bins
                    .iter()
                    .filter(|((grp, _), _)| grp == &g.id)
                    .map(|((_, b), n)| (*b, *n as f64))
                    .collect();
                let (lo, hi) = (of_group.first()?.0, of_group.last()?.0);
                let items: Vec<(String, f64)> = (lo..=hi)
                    .map(|b| {
                        let n = of_group.iter().find(|(x, _)| *x == b).map_or(0.0, |x| x.1);
                        (format!("{}–{}", b * 10, b * 10 + 10), n)
                    })
                    .collect();
                (!items.is_empty()).then(|| {
                    devzone_charts::column_chart(
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
        running: run.status == RunStatus::Running.id(),
        failed: run.status == RunStatus::Failed.id(),
        title,
        p,
        rows,
        total_text: t.f(
            "eval.results_total",
            &[("n", &grouped(page.total as f64, 0))],
        ),
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
