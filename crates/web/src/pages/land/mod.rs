//! Land and space: the zone's land overview with its map and charts, the zone's land rules,
//! and the helpers the plot and building pages share (formatting, flags, the map).

pub(crate) mod buildings;
pub(crate) mod plots;
pub(crate) mod register;

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::Chrome;
use crate::views::Kpi;
use crate::views::format::{m2, mu, pct, wan_yuan};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_charts::map::{Shape, zone_map};
use devzone_core::calendar::today;
use devzone_core::land::geometry::Boundary;
use devzone_core::land::idle::Flag;
use devzone_core::land::occupancy::{Occupancy, ends_within, is_stale};
use devzone_core::validate::FieldError;
use devzone_db::entities::park;
use devzone_db::repo::land;
pub(crate) use devzone_db::repo::land::Assessed;
use devzone_db::repo::zones;
use serde::Deserialize;

/// A flag as one line: the rule's name and its figures.
pub fn flag_text(t: &Tr, f: &Flag) -> String {
    let figures: Vec<String> = f
        .figures
        .iter()
        .map(|(k, v)| format!("{} {v}", t.tv("land.figure", k)))
        .collect();
    format!(
        "{}: {}",
        t.tv("land.rule", f.rule),
        figures.join(t.t("list.sep"))
    )
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
    boundary.and_then(Boundary::parse_stored)
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
#[template(path = "land/overview.html")]
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

pub(crate) fn occupancy_kpis(t: &Tr, o: &Occupancy) -> Vec<Kpi> {
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
            value: wan_yuan(o.annual_rent, 1),
        },
        Kpi {
            label: format!("{} ({})", t.t("land.kpi.rent_full"), t.t("unit.wan_yuan")),
            value: wan_yuan(o.annual_rent_full, 1),
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
    let zl = crate::zone_figures::land(&state, id).await?;
    let (inv, assessed, leases) = (&zl.inv, &zl.assessed, &zl.leases);
    let parks = zones::parks(db, id).await?;
    let rules = land::rules(db, id).await?;
    let today = today();
    let o = &zl.occupancy;
    let stale = inv
        .units
        .iter()
        .filter(|u| is_stale(u.last_verified, today, rules.stale_after_days))
        .count();
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
    kpis.extend(occupancy_kpis(&t, o));
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
    let map = map_svg(&t, &parks, assessed, mode, focus, p.plot);
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
    let trend = &zl.trend;
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
        &zl.by_type
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
            let (plots, o) = zl.by_park.get(&pk.id).cloned().unwrap_or_default();
            vec![
                pk.id.to_string(),
                pk.name.clone(),
                plots.to_string(),
                m2(o.total_m2),
                pct(o.rate()),
                wan_yuan(o.annual_rent, 1),
                wan_yuan(o.annual_rent_full, 1),
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
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("land.title"), zone.name),
            Some(id),
        )
        .await?,
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
#[template(path = "land/rules.html")]
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
        c: Chrome::load(
            &state.db.conn,
            v,
            &format!("{} · {}", t.t("land.rules"), zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        f,
        errors: t.field_messages(&errors),
        saved,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
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
    v.require_write()?;
    match f.rules() {
        Ok(r) => {
            land::set_rules(&state.db.conn, &v.actor(), id, &r).await?;
            Ok(Redirect::to(&format!("/zones/{id}/land/rules?saved")).into_response())
        }
        Err(errs) => rules_page(&state, &v, id, f, errs, false).await,
    }
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/land", get(overview))
        .route("/zones/{id}/land/rules", get(rules).post(set_rules))
        .route("/zones/{id}/land/register.xlsx", get(register::download))
        .route(
            "/zones/{id}/land/register",
            post(register::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::pages::imports::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/land/register/{id}", get(register::show))
        .route("/land/register/{id}/commit", post(register::commit))
        .route("/land/register/{id}/cancel", post(register::cancel))
        .route("/land/register/{id}/report", get(register::report))
        .route(
            "/zones/{id}/plots",
            get(plots::plots).post(plots::create_plot),
        )
        .route("/zones/{id}/plots/new", get(plots::new_plot))
        .route("/plots/{id}/buildings", post(plots::add_building))
        .route("/zones/{id}/plots/export", get(plots::plots_export))
        .route(
            "/plots/{id}",
            get(plots::plot_card).post(plots::update_plot),
        )
        .route("/plots/{id}/edit", get(plots::edit_plot))
        .route(
            "/plots/{id}/boundary",
            post(plots::upload_boundary).layer(axum::extract::DefaultBodyLimit::max(
                crate::pages::imports::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/buildings/{id}", get(buildings::building_show))
        .route("/buildings/{id}/units", post(buildings::add_unit))
        .route(
            "/units/{id}",
            get(buildings::unit_show).post(buildings::update_unit),
        )
        .route("/buildings/{id}/leases", post(buildings::add_lease))
        .route("/zones/{id}/leases", get(buildings::leases))
}
