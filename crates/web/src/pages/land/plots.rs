//! Plots: the list with its filters and export, the plot card with its map, flags and
//! buildings, and the plot and building forms.

use super::{Assessed, flag_text, map_svg};
use crate::AppState;
use crate::error::PageError;
use crate::pages::{nonempty, query_without, zone_for};
use crate::session::{PageViewer, Viewer};
use crate::views::format::plain;
use crate::views::format::{m2, mu, pct, wan_yuan};
use crate::views::{Chrome, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::calendar::today;
use devzone_core::land::geometry::{AREA_TOLERANCE, M2_PER_MU, area_deviation};
use devzone_core::validate::FieldError;
use devzone_db::entities::plot;
use devzone_db::repo::land;
use devzone_db::repo::{revitalisation, zones};
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::HashMap;

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
#[template(path = "land/plots.html")]
struct PlotsPage {
    c: Chrome,
    zone_id: i64,
    p: PlotParams,
    rows: Vec<PlotRow>,
    total_text: String,
    pager: Pager,
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
    let zl = crate::zone_figures::land(state, zone_id).await?;
    let park: Option<i64> = nonempty(&p.park).and_then(|s| s.parse().ok());
    let q = nonempty(&p.q).map(|s| s.to_lowercase());
    let status = nonempty(&p.status);
    let keep = |a: &&Assessed| {
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
    };
    let mut assessed: Vec<Assessed> = zl.assessed.iter().filter(keep).cloned().collect();
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
    let holders =
        land::enterprise_names(db, id, shown.iter().filter_map(|a| a.plot.holder_id)).await?;
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
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("land.plots"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        rows,
        total_text: t.f("land.plots_total", &[("n", &all.len().to_string())]),
        pager: Pager::new(&t, page, pages, &raw),
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
    let holders =
        land::enterprise_names(db, id, all.iter().filter_map(|a| a.plot.holder_id)).await?;
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
                        .join(t.t("list.sep_clause")),
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
        devzone_core::calendar::stamp()
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
#[template(path = "land/plot.html")]
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
    // The plot among its park's plots: the map shows them, zoomed to the park.
    let inv = land::inventory(db, pl.zone_id, pl.park_id).await?;
    let assessed = land::assess(db, pl.zone_id, &inv, today()).await?;
    let a = assessed
        .iter()
        .find(|a| a.plot.id == id)
        .ok_or_else(PageError::not_found)?;
    let parks = zones::parks(db, pl.zone_id).await?;
    let holder = match pl.holder_id {
        Some(h) => land::enterprise_names(db, pl.zone_id, [h])
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
        (t.t("land.area_mu").to_string(), mu(pl.area_m2)),
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
                crate::views::format::grouped(a.built_floor_m2 / pl.area_m2, 2)
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
            n(pl.planned_investment, |v| wan_yuan(v, 1)),
        ),
        (
            format!("{} ({})", t.t("land.invested"), t.t("unit.wan_yuan")),
            n(pl.invested, |v| wan_yuan(v, 1)),
        ),
        (
            format!("{} ({})", t.t("land.min_intensity"), t.t("unit.wan_per_mu")),
            n(pl.min_intensity, |v| wan_yuan(v, 1)),
        ),
        (
            format!("{} ({})", t.t("land.min_tax"), t.t("unit.wan_per_mu")),
            n(pl.min_tax_per_mu, |v| wan_yuan(v, 1)),
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
    let map = map_svg(&t, &parks, &assessed, "status", pl.park_id, Some(id));
    let refused = !errors.is_empty();
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
        c: Chrome::load(
            db,
            v,
            &format!("{} {} · {}", t.t("land.plot"), pl.code, zone.name),
            Some(pl.zone_id),
        )
        .await?,
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
    Ok(crate::views::form_response(page, refused))
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
#[template(path = "land/plot_form.html")]
struct PlotFormPage {
    c: Chrome,
    action: String,
    /// The plot being edited, for the boundary file's own form.
    editing: Option<i64>,
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
        c: Chrome::load(
            db,
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
            Some(zone_id),
        )
        .await?,
        editing,
        action: match editing {
            Some(id) => format!("/plots/{id}"),
            None => format!("/zones/{zone_id}/plots"),
        },
        cancel: match editing {
            Some(id) => format!("/plots/{id}"),
            None => format!("/zones/{zone_id}/plots"),
        },
        f,
        errors: t.field_messages(&errors),
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
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

pub async fn new_plot(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    v.require_write()?;
    plot_form_page(&state, &v, id, None, PlotForm::default(), vec![]).await
}

impl PlotForm {
    fn from_model(p: &plot::Model, holder_code: Option<String>) -> PlotForm {
        let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string());
        let n = |x: Option<f64>| x.map(|v| plain(v, 2));
        let wan = |x: Option<f64>| x.map(|v| plain(v / 10_000.0, 4));
        PlotForm {
            code: p.code.clone(),
            name: p.name.clone(),
            park_id: p.park_id.map(|x| x.to_string()),
            boundary: p.boundary.clone(),
            area_m2: Some(plain(p.area_m2, 2)),
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
    v.require_write()?;
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
    let (pl, f) = stored_form(&state, &v, id).await?;
    plot_form_page(&state, &v, pl.zone_id, Some(id), f, vec![]).await
}

/// A plot the viewer may change, and its form filled from what is stored.
async fn stored_form(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<(plot::Model, PlotForm), PageError> {
    let db = &state.db.conn;
    let pl = land::plot(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    zone_for(state, v, pl.zone_id).await?;
    v.require_write()?;
    let holder = match pl.holder_id {
        Some(h) => devzone_db::repo::enterprises::get(db, &v.scope, h)
            .await?
            .map(|e| e.credit_code),
        None => None,
    };
    let f = PlotForm::from_model(&pl, holder);
    Ok((pl, f))
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
    v.require_write()?;
    let draft = match f.draft(&state, pl.zone_id).await? {
        Ok(d) => d,
        Err(e) => return plot_form_page(&state, &v, pl.zone_id, Some(id), f, e).await,
    };
    let saved = land::update_plot(db, &v.actor(), &v.scope, id, &draft).await;
    after_plot_save(&state, &v, pl.zone_id, Some(id), f, saved).await
}

/// The polygon of an uploaded GeoJSON file: a Polygon or MultiPolygon geometry, or a
/// Feature, or a FeatureCollection of exactly one feature, as the boundary's text.
fn boundary_of_file(bytes: &[u8]) -> Result<String, &'static str> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| "boundary.not_geojson")?;
    let geometry = match v.get("type").and_then(|t| t.as_str()) {
        Some("Feature") => v.get("geometry").cloned().unwrap_or_default(),
        Some("FeatureCollection") => match v.get("features").and_then(|f| f.as_array()) {
            Some(f) if f.len() == 1 => f[0].get("geometry").cloned().unwrap_or_default(),
            _ => return Err("boundary.one_feature"),
        },
        // A bare geometry, of whatever kind: checked below.
        Some(_) => v,
        None => return Err("boundary.not_geojson"),
    };
    match geometry.get("type").and_then(|t| t.as_str()) {
        Some("Polygon" | "MultiPolygon") => Ok(geometry.to_string()),
        _ => Err("boundary.not_polygon"),
    }
}

/// A plot's boundary from a GeoJSON file (as the land bureau or a GIS tool exports it),
/// checked like a boundary typed into the form.
pub async fn upload_boundary(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let (pl, mut f) = stored_form(&state, &v, id).await?;
    let file = crate::upload::read_multipart(&mut form)
        .await
        .ok()
        .and_then(|(file, _)| file);
    let Some((name, bytes)) = file else {
        let e = vec![FieldError::new("boundary", "required", "")];
        return plot_form_page(&state, &v, pl.zone_id, Some(id), f, e).await;
    };
    match boundary_of_file(&bytes) {
        Ok(b) => f.boundary = Some(b),
        Err(rule) => {
            let e = vec![FieldError::new("boundary", rule, name)];
            return plot_form_page(&state, &v, pl.zone_id, Some(id), f, e).await;
        }
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
    v.require_write()?;
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
            let msgs = v.tr().field_messages(&errs);
            plot_card_page(&state, &v, pl, msgs, f).await
        }
        Err(e) => Err(e.into()),
    }
}
