//! The root redirect and the zone home (dashboard).

use crate::AppState;
use crate::error::PageError;
use crate::session::PageViewer;
use crate::views::{Chrome, Kpi, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::facts::FactField;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_db::repo::{enterprises, stats, zones};
use std::collections::BTreeMap;

pub async fn root(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
) -> Result<Response, PageError> {
    if let Some(e) = v.scope.enterprise {
        return Ok(Redirect::to(&format!("/enterprises/{e}")).into_response());
    }
    match zones::list(&state.db.conn, &v.scope).await?.first() {
        Some(z) => Ok(Redirect::to(&format!("/zones/{}", z.id)).into_response()),
        None => Err(PageError::forbidden()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/home.html")]
struct HomePage {
    c: Chrome,
    zone_name: String,
    zone_kind: String,
    kpis: Vec<Kpi>,
    chart_sections: String,
    chart_divisions: String,
    chart_sizes: String,
    chart_totals: String,
    /// (year, [formatted totals per field], reporting count)
    totals: Vec<(i32, Vec<String>, i64)>,
    total_fields: Vec<String>,
}

const TOTAL_FIELDS: [FactField; 4] = [
    FactField::Revenue,
    FactField::ValueAdded,
    FactField::Tax,
    FactField::RdExpense,
];

pub async fn zone_home(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    let db = &state.db.conn;
    let zone = zones::get(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let all_zones = zones::list(db, &v.scope).await?;
    let t = v.tr();
    let ids: Vec<&str> = TOTAL_FIELDS.iter().map(|f| f.id()).collect();
    let s = stats::zone(db, id, &ids).await?;
    let parks = zones::parks(db, id).await?;
    let quals: BTreeMap<String, i64> = enterprises::qualification_counts(db, id)
        .await?
        .into_iter()
        .collect();
    let q = |k: &str| grouped(*quals.get(k).unwrap_or(&0) as f64, 0);
    let kpis = vec![
        Kpi {
            label: t.t("home.enterprises").into(),
            value: grouped(s.enterprises as f64, 0),
        },
        Kpi {
            label: t.t("home.above_scale").into(),
            value: grouped(s.above_scale as f64, 0),
        },
        Kpi {
            label: t.t("home.parks").into(),
            value: parks.len().to_string(),
        },
        Kpi {
            label: t.t("home.high_tech").into(),
            value: q("high_tech"),
        },
        Kpi {
            label: t.t("home.srdi").into(),
            value: q("srdi_sme"),
        },
    ];

    let table = industries(IndustryEdition::Amended);
    let mut by_section: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_division: BTreeMap<String, f64> = BTreeMap::new();
    for (class, n) in &s.by_class {
        if let Some(e) = table.get(class) {
            *by_section.entry(e.section.clone()).or_default() += *n as f64;
            *by_division.entry(e.division.clone()).or_default() += *n as f64;
        }
    }
    let label = |code: &str| {
        table
            .get(code)
            .map(|e| format!("{code} {}", e.name))
            .unwrap_or_else(|| code.to_string())
    };
    let mut sections: Vec<(String, f64)> = by_section.iter().map(|(k, v)| (label(k), *v)).collect();
    sections.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut divisions: Vec<(String, f64)> =
        by_division.iter().map(|(k, v)| (label(k), *v)).collect();
    divisions.sort_by(|a, b| b.1.total_cmp(&a.1));
    divisions.truncate(10);
    let sizes: Vec<(String, f64)> = s
        .by_size
        .iter()
        .map(|(b, n)| (t.tv("size", b), *n as f64))
        .collect();

    let mut years: Vec<i32> = s.totals.iter().map(|r| r.0).collect();
    years.dedup();
    let get = |y: i32, f: FactField| {
        s.totals
            .iter()
            .find(|r| r.0 == y && r.1 == f.id())
            .map(|r| r.2 as f64 / 100.0 / 10_000.0)
    };
    let series: Vec<(String, Vec<Option<f64>>)> = TOTAL_FIELDS
        .iter()
        .take(3)
        .map(|f| {
            (
                field_label(t, *f),
                years.iter().map(|y| get(*y, *f)).collect(),
            )
        })
        .collect();
    let totals = years
        .iter()
        .map(|y| {
            let n = s
                .totals
                .iter()
                .filter(|r| r.0 == *y)
                .map(|r| r.3)
                .max()
                .unwrap_or(0);
            (
                *y,
                TOTAL_FIELDS
                    .iter()
                    .map(|f| get(*y, *f).map(|v| grouped(v, 2)).unwrap_or_default())
                    .collect(),
                n,
            )
        })
        .collect();
    let page = HomePage {
        c: Chrome::new(&v, &zone.name, &all_zones, Some(id)),
        zone_kind: t.tv("zone_kind", &zone.kind),
        zone_name: zone.name,
        kpis,
        chart_sections: devzone_charts::bar_chart(t.t("home.by_section"), &sections),
        chart_divisions: devzone_charts::bar_chart(t.t("home.by_division"), &divisions),
        chart_sizes: devzone_charts::donut_chart(t.t("home.by_size"), &sizes),
        chart_totals: devzone_charts::line_chart(
            t.t("home.totals"),
            &years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
            &series,
        ),
        totals,
        total_fields: TOTAL_FIELDS.iter().map(|f| field_label(t, *f)).collect(),
    };
    Ok(page)
}

pub fn field_label(t: crate::i18n::Tr, f: FactField) -> String {
    match t.0 {
        crate::i18n::Lang::Zh => f.label_zh().to_string(),
        crate::i18n::Lang::En => f.label_en().to_string(),
    }
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/", get(root))
        .route("/zones/{id}", get(zone_home))
}
