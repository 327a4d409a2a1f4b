//! The root redirect and the zone home (dashboard).

use crate::AppState;
use crate::error::PageError;
use crate::session::PageViewer;
use crate::views::{Chrome, Kpi, grouped};
use crate::zone_figures::TOTAL_FIELDS;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::facts::FactField;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_db::repo::zones;
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
    totals: Vec<YearRow>,
    has_partial: bool,
    total_fields: Vec<String>,
}

/// One year of the totals table.
struct YearRow {
    year: i32,
    /// Formatted totals per field of `TOTAL_FIELDS`.
    values: Vec<String>,
    /// Enterprises that reported any of the fields.
    reporting: String,
    /// Set when fewer reported than the year before: that year's count.
    partial_of: Option<String>,
}

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
    let s = crate::zone_figures::home(&state, id).await?;
    let parks = zones::parks(db, id).await?;
    let quals: BTreeMap<&str, i64> = s
        .qualifications
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
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
    let reporting: Vec<i64> = years
        .iter()
        .map(|y| {
            s.totals
                .iter()
                .filter(|r| r.0 == *y)
                .map(|r| r.3)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let partial = partial_years(&reporting);
    let get = |y: i32, f: FactField| {
        s.totals
            .iter()
            .find(|r| r.0 == y && r.1 == f.id())
            .map(|r| r.2 as f64 / 100.0 / 10_000.0)
    };
    // A partial year is labelled with its count and left out of the lines: drawn, it would
    // read as a fall that is only missing reports.
    let year_labels: Vec<String> = years
        .iter()
        .zip(reporting.iter().zip(&partial))
        .map(|(y, (n, p))| match p {
            Some(before) => format!("{y} · {n}/{before}"),
            None => y.to_string(),
        })
        .collect();
    let series: Vec<(String, Vec<Option<f64>>)> = TOTAL_FIELDS
        .iter()
        .take(3)
        .map(|f| {
            (
                field_label(t, *f),
                years
                    .iter()
                    .zip(&partial)
                    .map(|(y, p)| if p.is_some() { None } else { get(*y, *f) })
                    .collect(),
            )
        })
        .collect();
    let totals = years
        .iter()
        .zip(reporting.iter().zip(&partial))
        .map(|(y, (n, p))| YearRow {
            year: *y,
            values: TOTAL_FIELDS
                .iter()
                .map(|f| get(*y, *f).map(|v| grouped(v, 2)).unwrap_or_default())
                .collect(),
            reporting: grouped(*n as f64, 0),
            partial_of: p.map(|b| grouped(b as f64, 0)),
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
        chart_totals: devzone_charts::line_chart(t.t("home.totals"), &year_labels, &series),
        has_partial: partial.iter().any(Option::is_some),
        totals,
        total_fields: TOTAL_FIELDS.iter().map(|f| field_label(t, *f)).collect(),
    };
    Ok(page)
}

/// For each year (in order), when it is still being reported, the count of the last
/// complete year. Only the latest years can be partial: walking back from the newest year,
/// a year is partial while fewer than nine in ten of the enterprises that reported the year
/// before it have reported it; the first year that is not ends the walk. A past year with
/// ordinary attrition (360 after 361) is a year like any other, and a real fall stays drawn.
pub(crate) fn partial_years(reporting: &[i64]) -> Vec<Option<i64>> {
    let mut out = vec![None; reporting.len()];
    let mut first_partial = reporting.len();
    for i in (1..reporting.len()).rev() {
        if reporting[i] * 10 < reporting[i - 1] * 9 {
            first_partial = i;
        } else {
            break;
        }
    }
    if first_partial < reporting.len() {
        let complete = reporting[first_partial - 1];
        for o in out.iter_mut().skip(first_partial) {
            *o = Some(complete);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::partial_years;

    #[test]
    fn only_the_latest_years_short_of_reports_are_partial() {
        assert_eq!(partial_years(&[]), vec![]);
        assert_eq!(partial_years(&[361]), vec![None]);
        // The example: 194 of 361 reported.
        assert_eq!(partial_years(&[350, 361, 194]), vec![None, None, Some(361)]);
        // Ordinary attrition in a past year, or in the latest, is no partial year.
        assert_eq!(partial_years(&[361, 360, 362]), vec![None; 3]);
        assert_eq!(partial_years(&[361, 340]), vec![None, None]);
        // A fall in the past stays a fall; only the trailing short years are marked.
        assert_eq!(
            partial_years(&[400, 200, 210, 100]),
            vec![None, None, None, Some(210)]
        );
        // Two years still coming in: both against the last complete year.
        assert_eq!(
            partial_years(&[361, 300, 120]),
            vec![None, Some(361), Some(361)]
        );
    }
}
