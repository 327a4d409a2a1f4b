//! Land, buildings and space: the zone's land overview with its map and charts, the plot
//! list and card, a building's units and leases, and the rent roll.

use super::{nonempty, query_without, with_page, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::home::Kpi;
use crate::session::{PageViewer, Viewer};
use crate::views::{Chrome, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_charts::map::{Shape, zone_map};
use devzone_core::land::geometry::{AREA_TOLERANCE, Boundary, M2_PER_MU, area_deviation};
use devzone_core::land::idle::Flag;
use devzone_core::land::occupancy::{Occupancy, ends_within, is_stale};
use devzone_core::land::validate::{LeaseInput, UnitInput};
use devzone_core::validate::FieldError;
use devzone_db::entities::{building, lease, park, plot, unit};
use devzone_db::repo::land::{self, Assessed, Inventory};
use devzone_db::repo::{revitalisation, zones};
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::HashMap;

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn m2(v: f64) -> String {
    grouped(v, 0)
}

pub fn mu(v_m2: f64) -> String {
    grouped(v_m2 / M2_PER_MU, 1)
}

pub fn wan_yuan(v: f64) -> String {
    grouped(v / 10_000.0, 1)
}

pub fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// A flag as one line: the rule's name and its figures.
pub fn flag_text(t: &Tr, f: &Flag) -> String {
    let figures: Vec<String> = f
        .figures
        .iter()
        .map(|(k, v)| format!("{} {v}", t.tv("land.figure", k)))
        .collect();
    format!("{}: {}", t.tv("land.rule", f.rule), figures.join("，"))
}

/// Map colours by status; the legend shows the same.
pub const STATUS_COLOURS: [(&str, &str); 5] = [
    ("idle", "#c0504d"),
    ("low_efficiency", "#e07b39"),
    ("vacant", "#9aa5b1"),
    ("leased", "#3a9a6b"),
    ("held", "#2f6fb0"),
];
pub const CLASS_COLOURS: [(&str, &str); 5] = [
    ("A", "#2e7d32"),
    ("B", "#7cb342"),
    ("C", "#f9a825"),
    ("D", "#c62828"),
    ("none", "#9aa5b1"),
];

fn colour(table: &[(&str, &'static str)], key: &str) -> &'static str {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
        .unwrap_or("#9aa5b1")
}

fn rings(boundary: Option<&str>) -> Option<Boundary> {
    boundary.and_then(|b| Boundary::parse(b).ok())
}

/// The map SVG for a zone's assessed plots: coloured by status or by per-mu class, focused
/// on a park when one is given.
pub fn map_svg(
    t: &Tr,
    parks: &[park::Model],
    assessed: &[Assessed],
    mode: &str,
    focus_park: Option<i64>,
    highlight: Option<i64>,
) -> String {
    let park_shapes: Vec<Shape> = parks
        .iter()
        .filter_map(|p| {
            let b = rings(p.boundary.as_deref())?;
            Some(Shape {
                rings: b.polygons.into_iter().flatten().collect(),
                id: format!("park-{}", p.id),
                label: p.name.clone(),
                status: String::new(),
                fill: String::new(),
                href: Some(format!("?park={}&mode={mode}", p.id)),
            })
        })
        .collect();
    let plot_shapes: Vec<Shape> = assessed
        .iter()
        .filter_map(|a| {
            let b = rings(a.plot.boundary.as_deref())?;
            let (status, fill) = if mode == "class" {
                let k = a.holder_class.clone().unwrap_or_else(|| "none".into());
                let c = colour(&CLASS_COLOURS, &k);
                (k, c)
            } else {
                (a.status().to_string(), colour(&STATUS_COLOURS, a.status()))
            };
            Some(Shape {
                rings: b.polygons.into_iter().flatten().collect(),
                id: format!("plot-{}", a.plot.id),
                label: format!(
                    "{} · {} {} · {}",
                    a.plot.code,
                    mu(a.plot.area_m2),
                    t.t("unit.mu"),
                    t.tv("land.status", &status)
                ),
                status,
                fill: fill.into(),
                href: Some(format!("/plots/{}", a.plot.id)),
            })
        })
        .collect();
    let focus = focus_park
        .and_then(|id| parks.iter().find(|p| p.id == id))
        .and_then(|p| rings(p.boundary.as_deref()))
        .map(|b| {
            let e = b.extent();
            (e.min_lon, e.min_lat, e.max_lon, e.max_lat)
        });
    zone_map(
        t.t("land.map"),
        &park_shapes,
        &plot_shapes,
        focus,
        highlight.map(|h| format!("plot-{h}")).as_deref(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct MapParams {
    park: Option<String>,
    mode: Option<String>,
    plot: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "land.html")]
struct OverviewPage {
    c: Chrome,
    zone_id: i64,
    kpis: Vec<Kpi>,
    map: String,
    mode: String,
    legend: Vec<(String, &'static str)>,
    parks: Vec<(i64, String, bool)>,
    chart_trend: String,
    chart_types: String,
    park_rows: Vec<Vec<String>>,
    flagged: Vec<(i64, String, String, Vec<String>)>,
    expiring: Vec<(i64, String)>,
}

async fn assessed_zone(
    state: &AppState,
    zone_id: i64,
) -> Result<(Inventory, Vec<Assessed>), PageError> {
    let db = &state.db.conn;
    let inv = land::inventory(db, zone_id, None).await?;
    let assessed = land::assess(db, zone_id, &inv, today()).await?;
    Ok((inv, assessed))
}

fn occupancy_kpis(t: &Tr, o: &Occupancy) -> Vec<Kpi> {
    vec![
        Kpi {
            label: t.t("land.kpi.occupancy").into(),
            value: pct(o.rate()),
        },
        Kpi {
            label: format!("{} (m²)", t.t("land.kpi.vacant")),
            value: m2(o.vacant_m2 + o.reserved_m2),
        },
        Kpi {
            label: format!("{} ({})", t.t("land.kpi.rent_now"), t.t("unit.wan_yuan")),
            value: wan_yuan(o.annual_rent),
        },
        Kpi {
            label: format!("{} ({})", t.t("land.kpi.rent_full"), t.t("unit.wan_yuan")),
            value: wan_yuan(o.annual_rent_full),
        },
    ]
}

/// The zone's land: figures, map, charts, occupancy by park, flagged plots, leases ending.
pub async fn overview(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<MapParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let (inv, assessed) = assessed_zone(&state, id).await?;
    let parks = zones::parks(db, id).await?;
    let rules = land::rules(db, id).await?;
    let today = today();
    let o = inv.occupancy();
    let stale = inv
        .units
        .iter()
        .filter(|u| is_stale(u.last_verified, today, rules.stale_after_days))
        .count();
    let leases = land::leases(db, id, None).await?;
    let ending = |days| {
        leases
            .iter()
            .filter(|l| ends_within(l.end_on, today, days).is_some())
            .count()
    };
    let idle = assessed.iter().filter(|a| a.idle()).count();
    let low = assessed.iter().filter(|a| a.low_efficiency()).count();
    let mut kpis = vec![
        Kpi {
            label: t.t("land.kpi.plots").into(),
            value: format!(
                "{} / {} {}",
                assessed.len(),
                mu(inv.plots.iter().map(|p| p.area_m2).sum()),
                t.t("unit.mu")
            ),
        },
        Kpi {
            label: t.t("land.kpi.idle").into(),
            value: idle.to_string(),
        },
        Kpi {
            label: t.t("land.kpi.low").into(),
            value: low.to_string(),
        },
        Kpi {
            label: format!("{} (m²)", t.t("land.kpi.floor")),
            value: m2(inv.buildings.iter().map(|b| b.floor_area_m2).sum()),
        },
    ];
    kpis.extend(occupancy_kpis(&t, &o));
    kpis.push(Kpi {
        label: t.t("land.kpi.ending").into(),
        value: format!("{} / {} / {}", ending(30), ending(90), ending(180)),
    });
    kpis.push(Kpi {
        label: t.f(
            "land.kpi.stale",
            &[("days", &rules.stale_after_days.to_string())],
        ),
        value: stale.to_string(),
    });
    let mode = if p.mode.as_deref() == Some("class") {
        "class"
    } else {
        "status"
    };
    let focus = nonempty(&p.park).and_then(|s| s.parse().ok());
    let map = map_svg(&t, &parks, &assessed, mode, focus, p.plot);
    let legend = if mode == "class" {
        &CLASS_COLOURS
    } else {
        &STATUS_COLOURS
    }
    .iter()
    .map(|(k, c)| {
        let label = if mode == "class" && *k != "none" {
            format!("{} {k}", t.t("land.class"))
        } else {
            t.tv("land.status", k)
        };
        (label, *c)
    })
    .collect();
    let trend = land::occupancy_trend(&inv, &leases, today, 24);
    let chart_trend = devzone_charts::line_chart(
        t.t("land.chart.trend"),
        &trend
            .iter()
            .map(|(d, _)| d.format("%Y-%m").to_string())
            .collect::<Vec<_>>(),
        &[(
            t.t("land.kpi.occupancy").to_string(),
            trend
                .iter()
                .map(|(_, r)| r.map(|x| (x * 1000.0).round() / 10.0))
                .collect(),
        )],
    );
    let chart_types = devzone_charts::bar_chart(
        t.t("land.chart.vacancy_by_type"),
        &inv.by_building_type()
            .iter()
            .map(|(ty, o)| {
                (
                    t.tv("building_type", ty.id()),
                    o.vacancy().unwrap_or(0.0) * 100.0,
                )
            })
            .collect::<Vec<_>>(),
    );
    let park_rows = parks
        .iter()
        .map(|pk| {
            let plot_ids: std::collections::HashSet<i64> = inv
                .plots
                .iter()
                .filter(|x| x.park_id == Some(pk.id))
                .map(|x| x.id)
                .collect();
            let o = inv.occupancy_where(|b| plot_ids.contains(&b.plot_id));
            vec![
                pk.id.to_string(),
                pk.name.clone(),
                plot_ids.len().to_string(),
                m2(o.total_m2),
                pct(o.rate()),
                wan_yuan(o.annual_rent),
                wan_yuan(o.annual_rent_full),
            ]
        })
        .collect();
    let flagged = assessed
        .iter()
        .filter(|a| !a.flags.is_empty())
        .take(30)
        .map(|a| {
            (
                a.plot.id,
                a.plot.code.clone(),
                t.tv("land.status", a.status()),
                a.flags.iter().map(|f| flag_text(&t, f)).collect(),
            )
        })
        .collect();
    let page = OverviewPage {
        c: Chrome::new(
            &v,
            &format!("{} · {}", t.t("land.title"), zone.name),
            &zones::list(db, &v.scope).await?,
            Some(id),
        ),
        zone_id: id,
        kpis,
        map,
        mode: mode.into(),
        legend,
        parks: parks
            .iter()
            .map(|pk| (pk.id, pk.name.clone(), focus == Some(pk.id)))
            .collect(),
        chart_trend,
        chart_types,
        park_rows,
        flagged,
        expiring: vec![
            (30, ending(30).to_string()),
            (90, ending(90).to_string()),
            (180, ending(180).to_string()),
        ],
    };
    Ok(page.into_response())
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct PlotParams {
    pub q: Option<String>,
    pub park: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<u64>,
    pub format: Option<String>,
}

pub struct PlotRow {
    pub id: i64,
    pub code: String,
    pub park: String,
    pub holder: String,
    pub land_use: String,
    pub area_mu: String,
    pub floor_m2: String,
    pub occupancy: String,
    pub status: String,
    pub status_key: String,
    pub flags: Vec<String>,
    pub warning: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "plots.html")]
struct PlotsPage {
    c: Chrome,
    zone_id: i64,
    p: PlotParams,
    rows: Vec<PlotRow>,
    total_text: String,
    page_text: String,
    prev: Option<String>,
    next: Option<String>,
    export_query: String,
    parks: Vec<(i64, String)>,
    statuses: Vec<(String, String)>,
}

fn area_warning(p: &plot::Model) -> bool {
    area_deviation(Some(p.area_m2), p.geometry_m2).is_some_and(|d| d > AREA_TOLERANCE)
}

/// The zone's plots filtered and sorted as the parameters say.
async fn filtered_plots(
    state: &AppState,
    zone_id: i64,
    p: &PlotParams,
) -> Result<Vec<Assessed>, PageError> {
    let (_, mut assessed) = assessed_zone(state, zone_id).await?;
    let park: Option<i64> = nonempty(&p.park).and_then(|s| s.parse().ok());
    let q = nonempty(&p.q).map(|s| s.to_lowercase());
    let status = nonempty(&p.status);
    assessed.retain(|a| {
        park.is_none_or(|k| a.plot.park_id == Some(k))
            && q.as_ref().is_none_or(|q| {
                a.plot.code.to_lowercase().contains(q)
                    || a.plot
                        .name
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().contains(q))
            })
            && status.as_deref().is_none_or(|s| match s {
                "area_warning" => area_warning(&a.plot),
                "idle" => a.idle(),
                "low_efficiency" => a.low_efficiency(),
                other => a.status() == other,
            })
    });
    match p.sort.as_deref() {
        Some("area") => assessed.sort_by(|a, b| a.plot.area_m2.total_cmp(&b.plot.area_m2)),
        Some("occupancy") => assessed.sort_by(|a, b| {
            a.occupancy
                .rate()
                .unwrap_or(-1.0)
                .total_cmp(&b.occupancy.rate().unwrap_or(-1.0))
        }),
        Some("flags") => assessed.sort_by_key(|a| a.flags.len()),
        _ => assessed.sort_by(|a, b| a.plot.code.cmp(&b.plot.code)),
    }
    if p.dir.as_deref() == Some("desc") {
        assessed.reverse();
    }
    Ok(assessed)
}

const PER_PAGE: usize = 25;

pub async fn plots(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<PlotParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let all = filtered_plots(&state, id, &p).await?;
    let parks = zones::parks(db, id).await?;
    let park_names: HashMap<i64, String> = parks.iter().map(|x| (x.id, x.name.clone())).collect();
    let pages = all.len().div_ceil(PER_PAGE).max(1) as u64;
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<&Assessed> = all
        .iter()
        .skip((page as usize - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    let holders = land::enterprise_names(db, shown.iter().filter_map(|a| a.plot.holder_id)).await?;
    let rows = shown
        .iter()
        .map(|a| PlotRow {
            id: a.plot.id,
            code: a.plot.code.clone(),
            park: a
                .plot
                .park_id
                .and_then(|k| park_names.get(&k).cloned())
                .unwrap_or_default(),
            holder: a
                .plot
                .holder_id
                .and_then(|h| holders.get(&h).cloned())
                .unwrap_or_default(),
            land_use: t.tv("land_use", &a.plot.land_use),
            area_mu: mu(a.plot.area_m2),
            floor_m2: m2(a.built_floor_m2),
            occupancy: pct(a.occupancy.rate()),
            status: t.tv("land.status", a.status()),
            status_key: a.status().into(),
            flags: a.flags.iter().map(|f| flag_text(&t, f)).collect(),
            warning: area_warning(&a.plot),
        })
        .collect();
    let raw = raw.unwrap_or_default();
    let page_view = PlotsPage {
        c: Chrome::new(
            &v,
            &format!("{} · {}", t.t("land.plots"), zone.name),
            &zones::list(db, &v.scope).await?,
            Some(id),
        ),
        zone_id: id,
        rows,
        total_text: t.f("land.plots_total", &[("n", &all.len().to_string())]),
        page_text: t.f(
            "list.page",
            &[("page", &page.to_string()), ("pages", &pages.to_string())],
        ),
        prev: (page > 1).then(|| with_page(&raw, page - 1)),
        next: (page < pages).then(|| with_page(&raw, page + 1)),
        export_query: query_without(&raw, &["page"]),
        parks: parks.iter().map(|x| (x.id, x.name.clone())).collect(),
        statuses: [
            "idle",
            "low_efficiency",
            "vacant",
            "leased",
            "held",
            "area_warning",
        ]
        .iter()
        .map(|s| (s.to_string(), t.tv("land.status", s)))
        .collect(),
        p,
    };
    Ok(page_view.into_response())
}

/// The plot list as XLSX or CSV, with the same filters.
pub async fn plots_export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<PlotParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let all = filtered_plots(&state, id, &p).await?;
    let parks: HashMap<i64, String> = zones::parks(db, id)
        .await?
        .into_iter()
        .map(|x| (x.id, x.name))
        .collect();
    let holders = land::enterprise_names(db, all.iter().filter_map(|a| a.plot.holder_id)).await?;
    let num = |v: Option<f64>| v.map(Cell::Number).unwrap_or(Cell::Empty);
    let date =
        |d: Option<chrono::NaiveDate>| d.map(|d| Cell::Text(d.to_string())).unwrap_or(Cell::Empty);
    let headers = [
        "land.code",
        "list.park",
        "land.holder",
        "land.land_use",
        "land.tenure",
        "land.area_m2",
        "land.geometry_m2",
        "land.area_mu",
        "land.floor_m2",
        "land.kpi.occupancy",
        "land.contracted_start",
        "land.actual_start",
        "land.stopped_on",
        "land.status_label",
        "land.flags",
    ]
    .iter()
    .map(|k| t.t(k).to_string())
    .collect();
    let rows = all
        .iter()
        .map(|a| {
            vec![
                Cell::Text(a.plot.code.clone()),
                Cell::Text(
                    a.plot
                        .park_id
                        .and_then(|k| parks.get(&k).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Text(
                    a.plot
                        .holder_id
                        .and_then(|h| holders.get(&h).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Text(t.tv("land_use", &a.plot.land_use)),
                Cell::Text(
                    a.plot
                        .tenure
                        .as_deref()
                        .map(|x| t.tv("tenure", x))
                        .unwrap_or_default(),
                ),
                Cell::Number(a.plot.area_m2),
                num(a.plot.geometry_m2),
                Cell::Number((a.plot.area_m2 / M2_PER_MU * 10.0).round() / 10.0),
                Cell::Number(a.built_floor_m2),
                num(a.occupancy.rate().map(|r| (r * 1000.0).round() / 10.0)),
                date(a.plot.contracted_start),
                date(a.plot.actual_start),
                date(a.plot.stopped_on),
                Cell::Text(t.tv("land.status", a.status())),
                Cell::Text(
                    a.flags
                        .iter()
                        .map(|f| flag_text(&t, f))
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            ]
        })
        .collect();
    let table = Table {
        sheet: t.t("land.plots").to_string(),
        headers,
        rows,
    };
    let stem = format!(
        "{}-{}-{}",
        zone.name,
        t.t("land.plots"),
        chrono::Utc::now().format("%Y%m%d")
    );
    crate::views::download(&table, p.format.as_deref(), "plots", &stem)
}

pub struct BuildingRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub floor_m2: String,
    pub units: usize,
    pub occupancy: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plot.html")]
struct PlotPage {
    c: Chrome,
    plot: plot::Model,
    zone_id: i64,
    park: String,
    holder: Option<(i64, String)>,
    facts: Vec<(String, String)>,
    warning: Option<String>,
    flags: Vec<String>,
    buildings: Vec<BuildingRow>,
    cases: Vec<(i64, String, String)>,
    map: String,
    errors: Vec<String>,
    bf: BuildingForm,
    building_types: Vec<(String, String)>,
    envs: Vec<(String, String)>,
}

pub async fn plot_card(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let pl = land::plot(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    plot_card_page(&state, &v, pl, vec![], BuildingForm::default()).await
}

async fn plot_card_page(
    state: &AppState,
    v: &Viewer,
    pl: plot::Model,
    errors: Vec<String>,
    bf: BuildingForm,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let id = pl.id;
    let zone = zone_for(state, v, pl.zone_id).await?;
    let t = v.tr();
    let (inv, assessed) = assessed_zone(state, pl.zone_id).await?;
    let a = assessed
        .iter()
        .find(|a| a.plot.id == id)
        .ok_or_else(PageError::not_found)?;
    let parks = zones::parks(db, pl.zone_id).await?;
    let holder = match pl.holder_id {
        Some(h) => land::enterprise_names(db, [h])
            .await?
            .remove(&h)
            .map(|n| (h, n)),
        None => None,
    };
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let n = |x: Option<f64>, f: fn(f64) -> String| x.map(f).unwrap_or_else(|| "—".into());
    let facts = vec![
        (
            t.t("land.land_use").to_string(),
            t.tv("land_use", &pl.land_use),
        ),
        (
            t.t("land.tenure").to_string(),
            pl.tenure
                .as_deref()
                .map(|x| t.tv("tenure", x))
                .unwrap_or_else(|| "—".into()),
        ),
        (format!("{} (m²)", t.t("land.area_m2")), m2(pl.area_m2)),
        (
            format!("{} ({})", t.t("land.area_mu"), t.t("unit.mu")),
            mu(pl.area_m2),
        ),
        (
            format!("{} (m²)", t.t("land.geometry_m2")),
            n(pl.geometry_m2, m2),
        ),
        (
            format!("{} (m²)", t.t("land.floor_m2")),
            m2(a.built_floor_m2),
        ),
        (
            t.t("land.far").to_string(),
            if pl.area_m2 > 0.0 {
                format!("{:.2}", a.built_floor_m2 / pl.area_m2)
            } else {
                "—".into()
            },
        ),
        (t.t("land.transferred_on").to_string(), d(pl.transferred_on)),
        (
            t.t("land.contracted_start").to_string(),
            d(pl.contracted_start),
        ),
        (
            t.t("land.contracted_completion").to_string(),
            d(pl.contracted_completion),
        ),
        (t.t("land.actual_start").to_string(), d(pl.actual_start)),
        (t.t("land.stopped_on").to_string(), d(pl.stopped_on)),
        (
            format!("{} (m²)", t.t("land.developed_m2")),
            n(pl.developed_m2, m2),
        ),
        (
            format!(
                "{} ({})",
                t.t("land.planned_investment"),
                t.t("unit.wan_yuan")
            ),
            n(pl.planned_investment, wan_yuan),
        ),
        (
            format!("{} ({})", t.t("land.invested"), t.t("unit.wan_yuan")),
            n(pl.invested, wan_yuan),
        ),
        (
            format!("{} ({})", t.t("land.min_intensity"), t.t("unit.wan_per_mu")),
            n(pl.min_intensity, wan_yuan),
        ),
        (
            format!("{} ({})", t.t("land.min_tax"), t.t("unit.wan_per_mu")),
            n(pl.min_tax_per_mu, wan_yuan),
        ),
        (
            t.t("land.min_far").to_string(),
            n(pl.min_far, |x| format!("{x:.2}")),
        ),
        (
            t.t("land.kpi.occupancy").to_string(),
            pct(a.occupancy.rate()),
        ),
        (
            t.t("land.class").to_string(),
            a.holder_class.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    let warning = area_deviation(Some(pl.area_m2), pl.geometry_m2)
        .filter(|x| *x > AREA_TOLERANCE)
        .map(|x| {
            t.f(
                "land.area_warning",
                &[
                    ("recorded", &m2(pl.area_m2)),
                    ("geometry", &m2(pl.geometry_m2.unwrap_or(0.0))),
                    ("pct", &format!("{:.1}", x * 100.0)),
                ],
            )
        });
    let buildings = inv
        .buildings
        .iter()
        .filter(|b| b.plot_id == id)
        .map(|b| {
            let o = inv.occupancy_where(|x| x.id == b.id);
            BuildingRow {
                id: b.id,
                name: b.name.clone(),
                kind: t.tv("building_type", &b.building_type),
                floor_m2: m2(b.floor_area_m2),
                units: inv.units.iter().filter(|u| u.building_id == b.id).count(),
                occupancy: pct(o.rate()),
            }
        })
        .collect();
    let cases = revitalisation::list(db, pl.zone_id)
        .await?
        .into_iter()
        .filter(|c| c.plot_id == Some(id))
        .map(|c| (c.id, c.title, t.tv("case_stage", &c.stage)))
        .collect();
    let map = map_svg(
        &t,
        &parks,
        std::slice::from_ref(a),
        "status",
        None,
        Some(id),
    );
    let page = PlotPage {
        errors,
        bf,
        building_types: devzone_core::model::BuildingType::ALL
            .iter()
            .map(|x| (x.id().to_string(), t.tv("building_type", x.id())))
            .collect(),
        envs: devzone_core::model::EnvCategory::ALL
            .iter()
            .map(|x| (x.id().to_string(), t.tv("env", x.id())))
            .collect(),
        c: Chrome::new(
            v,
            &format!("{} {} · {}", t.t("land.plot"), pl.code, zone.name),
            &zones::list(db, &v.scope).await?,
            Some(pl.zone_id),
        ),
        zone_id: pl.zone_id,
        park: pl
            .park_id
            .and_then(|k| parks.iter().find(|x| x.id == k))
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        holder,
        facts,
        warning,
        flags: a.flags.iter().map(|f| flag_text(&t, f)).collect(),
        buildings,
        cases,
        map,
        plot: pl,
    };
    Ok(page.into_response())
}

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub floor: String,
    pub area: String,
    pub status: String,
    pub status_key: String,
    pub rent: String,
    pub tenant: String,
    pub lease: String,
    pub verified: String,
    pub stale: bool,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct UnitForm {
    name: String,
    floor: Option<String>,
    area_m2: Option<String>,
    status: String,
    rent: Option<String>,
    last_verified: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct LeaseForm {
    unit_id: i64,
    tenant_name: Option<String>,
    start: Option<String>,
    end: Option<String>,
    rent: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "building.html")]
struct BuildingPage {
    c: Chrome,
    b: building::Model,
    plot_code: String,
    kind: String,
    facts: Vec<(String, String)>,
    kpis: Vec<Kpi>,
    units: Vec<UnitRow>,
    statuses: Vec<(String, String)>,
    errors: Vec<String>,
    unit_form: UnitForm,
    lease_form: LeaseForm,
}

async fn building_page(
    state: &AppState,
    v: &Viewer,
    b: building::Model,
    errors: Vec<FieldError>,
    unit_form: UnitForm,
    lease_form: LeaseForm,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let t = v.tr();
    let today = today();
    let rules = land::rules(db, b.zone_id).await?;
    let units = land::units_of(db, b.id).await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let current = devzone_db::repo::demand::current_leases(db, &ids, today).await?;
    let tenants = land::enterprise_names(db, current.values().filter_map(|l| l.tenant_id)).await?;
    let pl = land::plot(db, &v.scope, b.plot_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let o = devzone_core::land::occupancy::occupancy(
        &units.iter().map(land::unit_line).collect::<Vec<_>>(),
    );
    let tenant_of = |l: &lease::Model| {
        l.tenant_id
            .and_then(|id| tenants.get(&id).cloned())
            .or_else(|| l.tenant_name.clone())
            .unwrap_or_default()
    };
    let rows = units
        .iter()
        .map(|u: &unit::Model| {
            let l = current.get(&u.id);
            UnitRow {
                id: u.id,
                name: u.name.clone(),
                floor: u.floor.clone().unwrap_or_default(),
                area: m2(u.area_m2),
                status: t.tv("unit_status", &u.status),
                status_key: u.status.clone(),
                rent: u.rent.map(|r| format!("{r:.1}")).unwrap_or_default(),
                tenant: l.map(tenant_of).unwrap_or_default(),
                lease: l
                    .map(|l| format!("{} – {}", l.start_on, l.end_on))
                    .unwrap_or_default(),
                verified: u.last_verified.map(|d| d.to_string()).unwrap_or_default(),
                stale: is_stale(u.last_verified, today, rules.stale_after_days),
            }
        })
        .collect();
    let opt = |x: Option<f64>, unit: &str| {
        x.map(|v| format!("{v} {unit}"))
            .unwrap_or_else(|| "—".into())
    };
    let facts = vec![
        (
            t.t("land.storeys").to_string(),
            b.storeys.map(|s| s.to_string()).unwrap_or_default(),
        ),
        (
            format!("{} (m²)", t.t("land.floor_m2")),
            m2(b.floor_area_m2),
        ),
        (
            t.t("match.criterion.clear_height").to_string(),
            opt(b.clear_height_m, "m"),
        ),
        (
            t.t("match.criterion.floor_load").to_string(),
            opt(b.floor_load_kn, "kN/m²"),
        ),
        (
            t.t("match.criterion.power").to_string(),
            opt(b.power_kva, "kVA"),
        ),
        (
            t.t("land.lifts").to_string(),
            b.lifts.map(|s| s.to_string()).unwrap_or_default(),
        ),
        (
            t.t("match.criterion.env_category").to_string(),
            b.env_max
                .as_deref()
                .map(|e| t.tv("env", e))
                .unwrap_or_default(),
        ),
        (
            t.t("match.criterion.hazardous").to_string(),
            t.tv("yes_no", if b.hazardous_ok { "yes" } else { "no" }),
        ),
        (
            t.t("land.year_built").to_string(),
            b.year_built.map(|s| s.to_string()).unwrap_or_default(),
        ),
    ];
    let page = BuildingPage {
        c: Chrome::new(
            v,
            &format!("{} · {}", b.name, pl.code),
            &zones::list(db, &v.scope).await?,
            Some(b.zone_id),
        ),
        plot_code: pl.code,
        kind: t.tv("building_type", &b.building_type),
        facts,
        kpis: occupancy_kpis(&t, &o),
        units: rows,
        statuses: devzone_core::model::UnitStatus::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("unit_status", s.id())))
            .collect(),
        errors: errors
            .iter()
            .map(|e| format!("{}: {}", t.tv("field", &e.field), t.field_error(e)))
            .collect(),
        unit_form,
        lease_form,
        b,
    };
    let mut r = page.into_response();
    if !errors.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn building_for(state: &AppState, v: &Viewer, id: i64) -> Result<building::Model, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    land::building(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)
}

pub async fn building_show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let b = building_for(&state, &v, id).await?;
    building_page(
        &state,
        &v,
        b,
        vec![],
        UnitForm::default(),
        LeaseForm::default(),
    )
    .await
}

pub async fn add_unit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<UnitForm>,
) -> Result<Response, PageError> {
    let b = building_for(&state, &v, id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let input = UnitInput {
        building_id: id,
        name: f.name.clone(),
        floor: f.floor.clone(),
        area_m2: f.area_m2.as_deref().unwrap_or("").into(),
        status: f.status.clone(),
        rent: f.rent.as_deref().unwrap_or("").into(),
        last_verified: f.last_verified.as_deref().unwrap_or("").into(),
    };
    match land::create_unit(&state.db.conn, &v.actor(), &v.scope, &input, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/buildings/{id}")).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => {
            building_page(&state, &v, b, errs, f, LeaseForm::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_lease(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<LeaseForm>,
) -> Result<Response, PageError> {
    let b = building_for(&state, &v, id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let in_building = land::units_of(&state.db.conn, id)
        .await?
        .iter()
        .any(|u| u.id == f.unit_id);
    if !in_building {
        return Err(PageError::not_found());
    }
    let input = LeaseInput {
        unit_id: f.unit_id,
        tenant_id: None,
        tenant_name: f.tenant_name.clone(),
        start: f.start.as_deref().unwrap_or("").into(),
        end: f.end.as_deref().unwrap_or("").into(),
        rent: f.rent.as_deref().unwrap_or("").into(),
    };
    match land::add_lease(&state.db.conn, &v.actor(), &v.scope, &input, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/buildings/{id}")).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => {
            building_page(&state, &v, b, errs, UnitForm::default(), f).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LeaseParams {
    days: Option<i64>,
    format: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "leases.html")]
struct LeasesPage {
    c: Chrome,
    zone_id: i64,
    days: Option<i64>,
    windows: Vec<(i64, bool)>,
    rows: Vec<Vec<String>>,
    links: Vec<(i64, i64)>,
    total_text: String,
}

/// The rent roll: leases running today, or those ending within 30/90/180 days.
pub async fn leases(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<LeaseParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let today = today();
    let window = p
        .days
        .map(|d| (today, today + chrono::Days::new(d.clamp(0, 3650) as u64)));
    let mut ls = land::leases(db, id, window).await?;
    if window.is_none() {
        ls.retain(|l| l.start_on <= today && today <= l.end_on);
    }
    let inv = land::inventory(db, id, None).await?;
    let units: HashMap<i64, &unit::Model> = inv.units.iter().map(|u| (u.id, u)).collect();
    let buildings: HashMap<i64, &building::Model> =
        inv.buildings.iter().map(|b| (b.id, b)).collect();
    let tenants = land::enterprise_names(db, ls.iter().filter_map(|l| l.tenant_id)).await?;
    let mut links = Vec::new();
    let rows: Vec<Vec<String>> = ls
        .iter()
        .map(|l| {
            let u = units.get(&l.unit_id);
            let b = u.and_then(|u| buildings.get(&u.building_id));
            let area = u.map(|u| u.area_m2).unwrap_or(0.0);
            links.push((b.map(|b| b.id).unwrap_or(0), l.unit_id));
            vec![
                b.map(|b| b.name.clone()).unwrap_or_default(),
                u.map(|u| u.name.clone()).unwrap_or_default(),
                l.tenant_id
                    .and_then(|x| tenants.get(&x).cloned())
                    .or_else(|| l.tenant_name.clone())
                    .unwrap_or_default(),
                m2(area),
                l.start_on.to_string(),
                l.end_on.to_string(),
                (l.end_on - today).num_days().to_string(),
                format!("{:.1}", l.rent),
                wan_yuan(area * l.rent * 12.0),
            ]
        })
        .collect();
    if p.format.is_some() {
        let headers = [
            "land.building",
            "land.unit",
            "land.tenant",
            "land.area_m2",
            "land.lease_start",
            "land.lease_end",
            "land.days_left",
            "land.rent",
            "land.annual_rent_wan",
        ]
        .iter()
        .map(|k| t.t(k).to_string())
        .collect();
        let table = Table {
            sheet: t.t("land.rent_roll").to_string(),
            headers,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| Cell::Text(c.clone())).collect())
                .collect(),
        };
        let stem = format!(
            "{}-{}-{}",
            zone.name,
            t.t("land.rent_roll"),
            today.format("%Y%m%d")
        );
        return crate::views::download(
            &table,
            p.format.as_deref().filter(|f| *f == "csv"),
            "rent-roll",
            &stem,
        );
    }
    let page = LeasesPage {
        c: Chrome::new(
            &v,
            &format!("{} · {}", t.t("land.rent_roll"), zone.name),
            &zones::list(db, &v.scope).await?,
            Some(id),
        ),
        zone_id: id,
        days: p.days,
        windows: [30, 90, 180]
            .iter()
            .map(|d| (*d, p.days == Some(*d)))
            .collect(),
        total_text: t.f("land.leases_total", &[("n", &rows.len().to_string())]),
        rows,
        links,
    };
    Ok(page.into_response())
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct RulesForm {
    per_mu_class_d: Option<String>,
    far_below_covenant: Option<String>,
    intensity_below_covenant: Option<String>,
    tax_below_covenant: Option<String>,
    /// Per cent; blank switches the vacancy test off.
    vacancy_above: Option<String>,
    stale_after_days: Option<String>,
}

impl RulesForm {
    fn from_rules(r: &devzone_core::land::idle::LandRules) -> Self {
        let on = |b: bool| b.then(|| "on".to_string());
        RulesForm {
            per_mu_class_d: on(r.per_mu_class_d),
            far_below_covenant: on(r.far_below_covenant),
            intensity_below_covenant: on(r.intensity_below_covenant),
            tax_below_covenant: on(r.tax_below_covenant),
            vacancy_above: r
                .vacancy_above
                .map(|v| format!("{}", (v * 1000.0).round() / 10.0)),
            stale_after_days: Some(r.stale_after_days.to_string()),
        }
    }

    fn rules(&self) -> Result<devzone_core::land::idle::LandRules, Vec<FieldError>> {
        let mut errs = Vec::new();
        let vacancy_above = match nonempty(&self.vacancy_above) {
            None => None,
            Some(s) => match s.parse::<f64>() {
                Ok(v) if (0.0..=100.0).contains(&v) => Some(v / 100.0),
                _ => {
                    errs.push(FieldError::new("vacancy_above", "number.percent", s));
                    None
                }
            },
        };
        let stale = nonempty(&self.stale_after_days).unwrap_or_default();
        let stale_after_days = match stale.parse::<u32>() {
            Ok(d) if (1..=3650).contains(&d) => d,
            _ => {
                errs.push(FieldError::new(
                    "stale_after_days",
                    "number.out_of_range",
                    stale,
                ));
                180
            }
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(devzone_core::land::idle::LandRules {
            per_mu_class_d: self.per_mu_class_d.is_some(),
            far_below_covenant: self.far_below_covenant.is_some(),
            intensity_below_covenant: self.intensity_below_covenant.is_some(),
            tax_below_covenant: self.tax_below_covenant.is_some(),
            vacancy_above,
            stale_after_days,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "land_rules.html")]
struct RulesPage {
    c: Chrome,
    zone_id: i64,
    f: RulesForm,
    errors: Vec<String>,
    saved: bool,
}

async fn rules_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    f: RulesForm,
    errors: Vec<FieldError>,
    saved: bool,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let t = v.tr();
    let page = RulesPage {
        c: Chrome::new(
            v,
            &format!("{} · {}", t.t("land.rules"), zone.name),
            &zones::list(&state.db.conn, &v.scope).await?,
            Some(zone_id),
        ),
        zone_id,
        f,
        errors: errors
            .iter()
            .map(|e| format!("{}: {}", t.tv("field", &e.field), t.field_error(e)))
            .collect(),
        saved,
    };
    let mut r = page.into_response();
    if !errors.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// The zone's low-efficiency rules and the staleness limit of unit statuses.
pub async fn rules(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    let r = land::rules(&state.db.conn, id).await?;
    let saved = raw.as_deref() == Some("saved");
    rules_page(&state, &v, id, RulesForm::from_rules(&r), vec![], saved).await
}

pub async fn set_rules(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<RulesForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    match f.rules() {
        Ok(r) => {
            land::set_rules(&state.db.conn, &v.actor(), id, &r).await?;
            Ok(Redirect::to(&format!("/zones/{id}/land/rules?saved")).into_response())
        }
        Err(errs) => rules_page(&state, &v, id, f, errs, false).await,
    }
}

/// The plot form as the page sends it: every field text; the holder by credit code.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct PlotForm {
    code: String,
    name: Option<String>,
    park_id: Option<String>,
    boundary: Option<String>,
    area_m2: Option<String>,
    land_use: String,
    tenure: Option<String>,
    holder_code: Option<String>,
    transferred_on: Option<String>,
    contracted_start: Option<String>,
    contracted_completion: Option<String>,
    actual_start: Option<String>,
    stopped_on: Option<String>,
    developed_m2: Option<String>,
    planned_investment_wan: Option<String>,
    invested_wan: Option<String>,
    min_intensity_wan_per_mu: Option<String>,
    min_tax_wan_per_mu: Option<String>,
    min_far: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plot_form.html")]
struct PlotFormPage {
    c: Chrome,
    action: String,
    cancel: String,
    f: PlotForm,
    errors: Vec<String>,
    parks: Vec<(i64, String)>,
    land_uses: Vec<(String, String)>,
    tenures: Vec<(String, String)>,
}

async fn plot_form_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    editing: Option<i64>,
    f: PlotForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let t = v.tr();
    let db = &state.db.conn;
    let page = PlotFormPage {
        c: Chrome::new(
            v,
            &format!(
                "{} · {}",
                t.t(if editing.is_some() {
                    "land.edit_plot"
                } else {
                    "land.new_plot"
                }),
                zone.name
            ),
            &zones::list(db, &v.scope).await?,
            Some(zone_id),
        ),
        action: match editing {
            Some(id) => format!("/plots/{id}"),
            None => format!("/zones/{zone_id}/plots"),
        },
        cancel: match editing {
            Some(id) => format!("/plots/{id}"),
            None => format!("/zones/{zone_id}/plots"),
        },
        f,
        errors: errors
            .iter()
            .map(|e| format!("{}: {}", t.tv("field", &e.field), t.field_error(e)))
            .collect(),
        parks: zones::parks(db, zone_id)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect(),
        land_uses: devzone_core::model::LandUse::ALL
            .iter()
            .map(|x| (x.id().to_string(), t.tv("land_use", x.id())))
            .collect(),
        tenures: devzone_core::model::Tenure::ALL
            .iter()
            .map(|x| (x.id().to_string(), t.tv("tenure", x.id())))
            .collect(),
    };
    let mut r = page.into_response();
    if !errors.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn new_plot(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    plot_form_page(&state, &v, id, None, PlotForm::default(), vec![]).await
}

impl PlotForm {
    fn from_model(p: &plot::Model, holder_code: Option<String>) -> PlotForm {
        let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string());
        let n = |x: Option<f64>| x.map(|v| v.to_string());
        let wan = |x: Option<f64>| x.map(|v| (v / 10_000.0).to_string());
        PlotForm {
            code: p.code.clone(),
            name: p.name.clone(),
            park_id: p.park_id.map(|x| x.to_string()),
            boundary: p.boundary.clone(),
            area_m2: Some(p.area_m2.to_string()),
            land_use: p.land_use.clone(),
            tenure: p.tenure.clone(),
            holder_code,
            transferred_on: d(p.transferred_on),
            contracted_start: d(p.contracted_start),
            contracted_completion: d(p.contracted_completion),
            actual_start: d(p.actual_start),
            stopped_on: d(p.stopped_on),
            developed_m2: n(p.developed_m2),
            planned_investment_wan: wan(p.planned_investment),
            invested_wan: wan(p.invested),
            min_intensity_wan_per_mu: wan(p.min_intensity),
            min_tax_wan_per_mu: wan(p.min_tax_per_mu),
            min_far: n(p.min_far),
        }
    }

    /// The checked draft, the holder found by credit code in the zone.
    async fn draft(
        &self,
        state: &AppState,
        zone_id: i64,
    ) -> Result<Result<devzone_core::land::validate::PlotDraft, Vec<FieldError>>, PageError> {
        let mut errs = Vec::new();
        let holder_id = match nonempty(&self.holder_code) {
            None => None,
            Some(code) => {
                let code = code.to_uppercase();
                match devzone_db::repo::enterprises::by_code(&state.db.conn, zone_id, &code).await?
                {
                    Some(e) => Some(e.id),
                    None => {
                        errs.push(FieldError::new("holder_id", "land.holder_unknown", code));
                        None
                    }
                }
            }
        };
        let s = |x: &Option<String>| devzone_core::land::validate::Lenient(x.clone());
        let input = devzone_core::land::validate::PlotInput {
            code: self.code.clone(),
            name: self.name.clone(),
            park_id: nonempty(&self.park_id).and_then(|p| p.parse().ok()),
            boundary: self.boundary.clone(),
            area_m2: s(&self.area_m2),
            land_use: self.land_use.clone(),
            tenure: nonempty(&self.tenure),
            holder_id,
            transferred_on: s(&self.transferred_on),
            contracted_start: s(&self.contracted_start),
            contracted_completion: s(&self.contracted_completion),
            actual_start: s(&self.actual_start),
            stopped_on: s(&self.stopped_on),
            developed_m2: s(&self.developed_m2),
            planned_investment_wan: s(&self.planned_investment_wan),
            invested_wan: s(&self.invested_wan),
            min_intensity_wan_per_mu: s(&self.min_intensity_wan_per_mu),
            min_tax_wan_per_mu: s(&self.min_tax_wan_per_mu),
            min_far: s(&self.min_far),
        };
        Ok(match input.validate() {
            Ok(d) if errs.is_empty() => Ok(d),
            Ok(_) => Err(errs),
            Err(mut e) => {
                e.extend(errs);
                Err(e)
            }
        })
    }
}

/// The form again with the database's objection, or the plot's card.
async fn after_plot_save(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    editing: Option<i64>,
    f: PlotForm,
    saved: Result<plot::Model, devzone_db::DbError>,
) -> Result<Response, PageError> {
    match saved {
        Ok(p) => Ok(Redirect::to(&format!("/plots/{}", p.id)).into_response()),
        Err(devzone_db::DbError::Conflict { field, value }) => {
            let e = vec![FieldError::new(&field, "conflict", value).with_detail(field.clone())];
            plot_form_page(state, v, zone_id, editing, f, e).await
        }
        Err(devzone_db::DbError::Invalid(e)) => {
            plot_form_page(state, v, zone_id, editing, f, e).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_plot(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<PlotForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let db = &state.db.conn;
    let draft = match f.draft(&state, id).await? {
        Ok(d) => d,
        Err(e) => return plot_form_page(&state, &v, id, None, f, e).await,
    };
    let saved = land::create_plot(db, &v.actor(), id, &draft).await;
    after_plot_save(&state, &v, id, None, f, saved).await
}

pub async fn edit_plot(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let pl = land::plot(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    zone_for(&state, &v, pl.zone_id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let holder = match pl.holder_id {
        Some(h) => devzone_db::repo::enterprises::get(db, &v.scope, h)
            .await?
            .map(|e| e.credit_code),
        None => None,
    };
    let f = PlotForm::from_model(&pl, holder);
    plot_form_page(&state, &v, pl.zone_id, Some(id), f, vec![]).await
}

pub async fn update_plot(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<PlotForm>,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let pl = land::plot(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    zone_for(&state, &v, pl.zone_id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let draft = match f.draft(&state, pl.zone_id).await? {
        Ok(d) => d,
        Err(e) => return plot_form_page(&state, &v, pl.zone_id, Some(id), f, e).await,
    };
    let saved = land::update_plot(db, &v.actor(), &v.scope, id, &draft).await;
    after_plot_save(&state, &v, pl.zone_id, Some(id), f, saved).await
}

/// The building form on a plot's card.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct BuildingForm {
    name: String,
    building_type: String,
    storeys: Option<String>,
    floor_area_m2: Option<String>,
    clear_height_m: Option<String>,
    floor_load_kn: Option<String>,
    power_kva: Option<String>,
    lifts: Option<String>,
    env_max: Option<String>,
    hazardous_ok: Option<String>,
    year_built: Option<String>,
}

pub async fn add_building(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<BuildingForm>,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let pl = land::plot(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    zone_for(&state, &v, pl.zone_id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let s = |x: &Option<String>| devzone_core::land::validate::Lenient(x.clone());
    let input = devzone_core::land::validate::BuildingInput {
        plot_id: id,
        name: f.name.clone(),
        building_type: f.building_type.clone(),
        storeys: s(&f.storeys),
        floor_area_m2: s(&f.floor_area_m2),
        clear_height_m: s(&f.clear_height_m),
        floor_load_kn: s(&f.floor_load_kn),
        power_kva: s(&f.power_kva),
        lifts: s(&f.lifts),
        env_max: nonempty(&f.env_max),
        hazardous_ok: s(&f.hazardous_ok),
        year_built: s(&f.year_built),
    };
    use chrono::Datelike;
    match land::create_building(db, &v.actor(), pl.zone_id, &input, today().year()).await {
        Ok(b) => Ok(Redirect::to(&format!("/buildings/{}", b.id)).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => {
            let t = v.tr();
            let msgs: Vec<String> = errs
                .iter()
                .map(|e| format!("{}: {}", t.tv("field", &e.field), t.field_error(e)))
                .collect();
            let mut r = plot_card_page(&state, &v, pl, msgs, f).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "unit_form.html")]
struct UnitPage {
    c: Chrome,
    u: unit::Model,
    building: String,
    f: UnitForm,
    errors: Vec<String>,
    statuses: Vec<(String, String)>,
    leases: Vec<(String, String, String, String)>,
    today: String,
}

async fn unit_page(
    state: &AppState,
    v: &Viewer,
    u: unit::Model,
    f: UnitForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let t = v.tr();
    let b = land::building(db, &v.scope, u.building_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let leases = land::leases_of(db, u.id).await?;
    let tenants = land::enterprise_names(db, leases.iter().filter_map(|l| l.tenant_id)).await?;
    let page = UnitPage {
        c: Chrome::new(
            v,
            &format!("{} · {}", u.name, b.name),
            &zones::list(db, &v.scope).await?,
            Some(u.zone_id),
        ),
        building: b.name,
        f,
        errors: errors
            .iter()
            .map(|e| format!("{}: {}", t.tv("field", &e.field), t.field_error(e)))
            .collect(),
        statuses: devzone_core::model::UnitStatus::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("unit_status", s.id())))
            .collect(),
        leases: leases
            .iter()
            .map(|l| {
                (
                    l.tenant_id
                        .and_then(|x| tenants.get(&x).cloned())
                        .or_else(|| l.tenant_name.clone())
                        .unwrap_or_default(),
                    l.start_on.to_string(),
                    l.end_on.to_string(),
                    format!("{:.1}", l.rent),
                )
            })
            .collect(),
        today: today().to_string(),
        u,
    };
    let mut r = page.into_response();
    if !errors.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn unit_for(state: &AppState, v: &Viewer, id: i64) -> Result<unit::Model, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    land::unit(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)
}

/// A unit with its lease history, and the form to change its status, rent or area.
pub async fn unit_show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = unit_for(&state, &v, id).await?;
    let f = UnitForm {
        name: u.name.clone(),
        floor: u.floor.clone(),
        area_m2: Some(u.area_m2.to_string()),
        status: u.status.clone(),
        rent: u.rent.map(|r| r.to_string()),
        last_verified: u.last_verified.map(|d| d.to_string()),
    };
    unit_page(&state, &v, u, f, vec![]).await
}

pub async fn update_unit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<UnitForm>,
) -> Result<Response, PageError> {
    let u = unit_for(&state, &v, id).await?;
    if !v.can_write() {
        return Err(PageError::forbidden());
    }
    let input = UnitInput {
        building_id: u.building_id,
        name: f.name.clone(),
        floor: f.floor.clone(),
        area_m2: f.area_m2.as_deref().unwrap_or("").into(),
        status: f.status.clone(),
        rent: f.rent.as_deref().unwrap_or("").into(),
        last_verified: f.last_verified.as_deref().unwrap_or("").into(),
    };
    match land::update_unit(&state.db.conn, &v.actor(), &v.scope, id, &input, today()).await {
        Ok(m) => Ok(Redirect::to(&format!("/buildings/{}", m.building_id)).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => unit_page(&state, &v, u, f, errs).await,
        Err(e) => Err(e.into()),
    }
}
