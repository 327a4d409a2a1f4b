//! Rankings by park and by industry division, and the class lists with their
//! differentiated measures.

use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::nonempty;
use crate::session::PageViewer;
use crate::views::{Chrome, download, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use devzone_db::repo::evaluation::{self as ev, RankBy, ResultQuery};
use devzone_db::repo::zones;
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::BTreeMap;

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
#[template(path = "evaluation/rankings.html")]
pub(super) struct RankingsPage {
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
#[template(path = "evaluation/measures.html")]
pub(super) struct MeasuresPage {
    c: Chrome,
    run_id: i64,
    title: String,
    lists: Vec<ClassList>,
}

pub(super) fn measure_text(t: &Tr, m: &devzone_core::evaluation::scheme::ClassMeasure) -> String {
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
        let measures: Vec<&devzone_core::evaluation::scheme::ClassMeasure> = scheme
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
