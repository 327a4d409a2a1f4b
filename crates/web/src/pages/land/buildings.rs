//! Buildings and space units: a building's units with their leases and the forms to add
//! them, a unit's page with its lease history and edit form, and the zone's rent roll.

use super::occupancy_kpis;
use crate::AppState;
use crate::error::PageError;
use crate::pages::zone_for;
use crate::session::{PageViewer, Viewer};
use crate::views::Kpi;
use crate::views::format::{m2, wan_yuan};
use crate::views::{Chrome, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::calendar::today;
use devzone_core::land::occupancy::is_stale;
use devzone_core::land::validate::{LeaseInput, UnitInput};
use devzone_core::validate::FieldError;
use devzone_db::entities::{building, lease, unit};
use devzone_db::repo::land;
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::HashMap;

/// A lease's tenant: the enterprise's name when it is one of the zone's, else the name
/// recorded on the lease.
pub(crate) fn tenant(l: &lease::Model, names: &HashMap<i64, String>) -> Option<String> {
    l.tenant_id
        .and_then(|id| names.get(&id).cloned())
        .or_else(|| l.tenant_name.clone())
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
#[template(path = "land/building.html")]
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
    let current = devzone_db::repo::requirements::current_leases(db, &ids, today).await?;
    let tenants =
        land::enterprise_names(db, b.zone_id, current.values().filter_map(|l| l.tenant_id)).await?;
    let pl = land::plot(db, &v.scope, b.plot_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let o = devzone_core::land::occupancy::occupancy(
        &units.iter().map(land::unit_line).collect::<Vec<_>>(),
    );
    let tenant_of = |l: &lease::Model| tenant(l, &tenants).unwrap_or_default();
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
        c: Chrome::load(db, v, &format!("{} · {}", b.name, pl.code), Some(b.zone_id)).await?,
        plot_code: pl.code,
        kind: t.tv("building_type", &b.building_type),
        facts,
        kpis: occupancy_kpis(&t, &o),
        units: rows,
        statuses: devzone_core::model::UnitStatus::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("unit_status", s.id())))
            .collect(),
        errors: t.field_messages(&errors),
        unit_form,
        lease_form,
        b,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
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
    v.require_write()?;
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
    v.require_write()?;
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
    park: Option<String>,
    q: Option<String>,
    page: Option<u64>,
    format: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "land/leases.html")]
struct LeasesPage {
    c: Chrome,
    zone_id: i64,
    p: LeaseParams,
    windows: Vec<(i64, bool)>,
    parks: Vec<(i64, String)>,
    rows: Vec<Vec<String>>,
    links: Vec<(i64, i64)>,
    total_text: String,
    pager: Pager,
    /// The query of the filters, for the window links and the exports.
    filters: String,
}

/// Leases per page of the rent roll.
const LEASES_PER_PAGE: usize = 50;

/// The rent roll: leases running today, or those ending within 30/90/180 days (soonest
/// first), by park and by tenant, building or unit name; paged, and exported whole.
pub async fn leases(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<LeaseParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let today = today();
    let zl = crate::zone_figures::land(&state, id).await?;
    let inv = &zl.inv;
    let units: HashMap<i64, &unit::Model> = inv.units.iter().map(|u| (u.id, u)).collect();
    let buildings: HashMap<i64, &building::Model> =
        inv.buildings.iter().map(|b| (b.id, b)).collect();
    let park_of_plot: HashMap<i64, Option<i64>> =
        inv.plots.iter().map(|x| (x.id, x.park_id)).collect();
    let park: Option<i64> = super::super::nonempty(&p.park).and_then(|x| x.parse().ok());
    let q = super::super::nonempty(&p.q);
    let mut ls: Vec<&lease::Model> = zl
        .leases
        .iter()
        .filter(|l| match p.days {
            Some(d) => {
                devzone_core::land::occupancy::ends_within(l.end_on, today, d.clamp(0, 3650))
                    .is_some()
            }
            None => l.start_on <= today && today <= l.end_on,
        })
        .filter(|l| {
            park.is_none_or(|want| {
                units
                    .get(&l.unit_id)
                    .and_then(|u| buildings.get(&u.building_id))
                    .and_then(|b| park_of_plot.get(&b.plot_id).copied().flatten())
                    == Some(want)
            })
        })
        .collect();
    // Tenants' names are read for the leases searched, else only for those shown.
    let mut tenants = if q.is_some() || p.format.is_some() {
        land::enterprise_names(db, id, ls.iter().filter_map(|l| l.tenant_id)).await?
    } else {
        HashMap::new()
    };
    if let Some(q) = &q {
        ls.retain(|l| {
            let u = units.get(&l.unit_id);
            let b = u.and_then(|u| buildings.get(&u.building_id));
            tenant(l, &tenants).is_some_and(|n| n.contains(q.as_str()))
                || u.is_some_and(|u| u.name.contains(q.as_str()))
                || b.is_some_and(|b| b.name.contains(q.as_str()))
        });
    }
    // Ending soonest first when looking ahead; else by building and unit.
    let place = |l: &lease::Model| {
        let u = units.get(&l.unit_id);
        (
            u.and_then(|u| buildings.get(&u.building_id))
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            u.map(|u| u.name.clone()).unwrap_or_default(),
        )
    };
    if p.days.is_some() {
        ls.sort_by_key(|l| (l.end_on, l.id));
    } else {
        ls.sort_by_cached_key(|l| (place(l), l.id));
    }
    let row = |l: &lease::Model, tenants: &HashMap<i64, String>| {
        let u = units.get(&l.unit_id);
        let b = u.and_then(|u| buildings.get(&u.building_id));
        let area = u.map(|u| u.area_m2).unwrap_or(0.0);
        vec![
            b.map(|b| b.name.clone()).unwrap_or_default(),
            u.map(|u| u.name.clone()).unwrap_or_default(),
            tenant(l, tenants).unwrap_or_default(),
            m2(area),
            l.start_on.to_string(),
            l.end_on.to_string(),
            (l.end_on - today).num_days().to_string(),
            format!("{:.1}", l.rent),
            wan_yuan(area * l.rent * 12.0, 1),
        ]
    };
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
            rows: ls
                .iter()
                .map(|l| row(l, &tenants).into_iter().map(Cell::Text).collect())
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
    let pages = ls.len().div_ceil(LEASES_PER_PAGE).max(1) as u64;
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<&lease::Model> = ls
        .iter()
        .skip((page as usize - 1) * LEASES_PER_PAGE)
        .take(LEASES_PER_PAGE)
        .copied()
        .collect();
    if tenants.is_empty() {
        tenants = land::enterprise_names(db, id, shown.iter().filter_map(|l| l.tenant_id)).await?;
    }
    let links = shown
        .iter()
        .map(|l| {
            let b = units.get(&l.unit_id).map_or(0, |u| u.building_id);
            (b, l.unit_id)
        })
        .collect();
    let raw = raw.unwrap_or_default();
    let parks = devzone_db::repo::zones::parks(db, id)
        .await?
        .into_iter()
        .map(|x| (x.id, x.name))
        .collect();
    let page = LeasesPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("land.rent_roll"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        windows: [30, 90, 180]
            .iter()
            .map(|d| (*d, p.days == Some(*d)))
            .collect(),
        parks,
        total_text: t.f("land.leases_total", &[("n", &ls.len().to_string())]),
        rows: shown.iter().map(|l| row(l, &tenants)).collect(),
        links,
        pager: Pager::new(&t, page, pages, &raw),
        filters: crate::views::pager::query_without(&raw, &["page", "format", "days"]),
        p,
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "land/unit_form.html")]
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
    let tenants =
        land::enterprise_names(db, u.zone_id, leases.iter().filter_map(|l| l.tenant_id)).await?;
    let page = UnitPage {
        c: Chrome::load(db, v, &format!("{} · {}", u.name, b.name), Some(u.zone_id)).await?,
        building: b.name,
        f,
        errors: t.field_messages(&errors),
        statuses: devzone_core::model::UnitStatus::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("unit_status", s.id())))
            .collect(),
        leases: leases
            .iter()
            .map(|l| {
                (
                    tenant(l, &tenants).unwrap_or_default(),
                    l.start_on.to_string(),
                    l.end_on.to_string(),
                    format!("{:.1}", l.rent),
                )
            })
            .collect(),
        today: today().to_string(),
        u,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
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
        area_m2: Some(crate::views::format::plain(u.area_m2, 2)),
        status: u.status.clone(),
        rent: u.rent.map(|r| crate::views::format::plain(r, 2)),
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
    v.require_write()?;
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
