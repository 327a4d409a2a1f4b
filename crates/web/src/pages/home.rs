//! The root redirect and the zone home (dashboard).

use crate::AppState;
use crate::error::PageError;
use crate::session::PageViewer;
use crate::views::format::class_label;
use crate::views::{Chrome, grouped};
use crate::zone_figures::{Cockpit, IMPORTS_LOOKBACK_DAYS, LEASES_ENDING_DAYS, TOTAL_FIELDS};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::facts::FactField;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_db::repo::zones;
use std::collections::BTreeMap;

/// `/`: an enterprise account goes to its own page, a viewer of one zone to its home, and a
/// viewer of several zones sees them side by side.
pub async fn root(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
) -> Result<Response, PageError> {
    if let Some(e) = v.scope.enterprise {
        return Ok(Redirect::to(&format!("/enterprises/{e}")).into_response());
    }
    let all = zones::list(&state.db.conn, &v.scope).await?;
    match all.as_slice() {
        [] => Err(PageError::forbidden()),
        [z] => Ok(Redirect::to(&format!("/zones/{}", z.id)).into_response()),
        _ => Ok(all_zones(&state, &v, &all).await?.into_response()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/zones.html")]
struct ZonesPage {
    c: Chrome,
    rows: Vec<ZoneRow>,
}

/// One zone in the comparison: its name and link, then the same figures for every zone.
struct ZoneRow {
    id: i64,
    name: String,
    kind: String,
    enterprises: String,
    above_scale: String,
    /// A-class share of the latest published run, with its year.
    a_share: String,
    tiles: Vec<Tile>,
}

async fn all_zones(
    state: &AppState,
    v: &crate::session::Viewer,
    all: &[devzone_db::entities::zone::Model],
) -> Result<ZonesPage, PageError> {
    let t = v.tr();
    let mut rows = Vec::new();
    for z in all {
        let k = crate::zone_figures::cockpit(state, z.id).await?;
        let s = &k.stats;
        let a_share = match &k.evaluation {
            Some((_, year, classes)) => {
                let total: usize = classes.iter().map(|(_, n)| n).sum();
                let a: usize = classes
                    .iter()
                    .filter(|(c, _)| c == "A")
                    .map(|(_, n)| n)
                    .sum();
                if total == 0 {
                    "—".into()
                } else {
                    format!("{:.1}% ({year})", a as f64 * 100.0 / total as f64)
                }
            }
            None => "—".into(),
        };
        rows.push(ZoneRow {
            id: z.id,
            name: z.name.clone(),
            kind: t.tv("zone_kind", &z.kind),
            enterprises: grouped(s.enterprises as f64, 0),
            above_scale: grouped(s.above_scale as f64, 0),
            a_share,
            tiles: attention_tiles(t, z.id, &k),
        });
    }
    Ok(ZonesPage {
        c: Chrome::new(v, t.t("home.all_title"), all, None),
        rows,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/home.html")]
struct HomePage {
    c: Chrome,
    zone_name: String,
    zone_kind: String,
    kpis: Vec<Tile>,
    /// "What needs me today": each tile a link to the list it counts.
    tiles: Vec<Tile>,
    /// The latest published evaluation: heading, link, and one bar segment per class.
    evaluation: Option<(String, String, Vec<ClassShare>)>,
    chart_sections: String,
    chart_divisions: String,
    chart_sizes: String,
    chart_totals: String,
    totals: Vec<YearRow>,
    has_partial: bool,
    total_fields: Vec<String>,
}

/// A figure of the zone home, linking to what it counts.
pub(crate) struct Tile {
    pub value: String,
    pub label: String,
    /// A second line under the label (e.g. the vacant floor area under the vacancy rate).
    pub note: String,
    pub href: String,
    /// "warn" when it asks for attention, "" otherwise.
    pub tone: &'static str,
}

/// One class of an evaluation as a segment of the distribution bar.
pub(crate) struct ClassShare {
    pub class: String,
    pub label: String,
    pub count: String,
    /// Where the segment starts and how wide it is, in thousandths of the bar.
    pub x: String,
    pub width: String,
    pub href: String,
}

/// The tiles of "what needs me today" for a zone.
pub(crate) fn attention_tiles(t: crate::i18n::Tr, zone_id: i64, k: &Cockpit) -> Vec<Tile> {
    let warn = |n: u64| if n > 0 { "warn" } else { "" };
    let z = format!("/zones/{zone_id}");
    let mut out = vec![
        Tile {
            value: grouped(k.idle as f64, 0),
            label: t.t("home.idle_plots").into(),
            note: String::new(),
            href: format!("{z}/plots?status=idle"),
            tone: warn(k.idle as u64),
        },
        Tile {
            value: grouped(k.low_efficiency as f64, 0),
            label: t.t("home.low_plots").into(),
            note: String::new(),
            href: format!("{z}/plots?status=low_efficiency"),
            tone: warn(k.low_efficiency as u64),
        },
        Tile {
            value: k
                .occupancy
                .map(|r| format!("{:.1}%", (1.0 - r) * 100.0))
                .unwrap_or_else(|| "—".into()),
            label: t.t("home.vacancy").into(),
            note: t.f("home.vacant_m2", &[("m2", &grouped(k.vacant_m2, 0))]),
            href: format!("{z}/land"),
            tone: "",
        },
        Tile {
            value: grouped(k.leases_ending as f64, 0),
            label: t.f(
                "home.leases_ending",
                &[("days", &LEASES_ENDING_DAYS.to_string())],
            ),
            note: String::new(),
            href: format!("{z}/leases?days={LEASES_ENDING_DAYS}"),
            tone: warn(k.leases_ending as u64),
        },
        Tile {
            value: grouped(k.reviews_waiting as f64, 0),
            label: t.t("home.reviews_waiting").into(),
            note: String::new(),
            href: format!("{z}/chains/review"),
            tone: warn(k.reviews_waiting),
        },
        Tile {
            value: format!("{} / {}", k.targets_behind, k.targets),
            label: t.t("home.targets_behind").into(),
            note: String::new(),
            href: format!("{z}/targets"),
            tone: warn(k.targets_behind as u64),
        },
        Tile {
            value: grouped(k.titles_ending as f64, 0),
            label: t.f(
                "home.titles_ending",
                &[(
                    "days",
                    &devzone_db::repo::tiers::ENDING_WITHIN_DAYS.to_string(),
                )],
            ),
            note: String::new(),
            href: format!("{z}/tiers#ending"),
            tone: warn(k.titles_ending),
        },
        Tile {
            value: grouped(k.projects_late as f64, 0),
            label: t.t("home.projects_late").into(),
            note: String::new(),
            href: format!("{z}/investment#overdue"),
            tone: warn(k.projects_late as u64),
        },
        Tile {
            value: grouped(k.projects_stalled as f64, 0),
            label: t.t("home.projects_stalled").into(),
            note: String::new(),
            href: format!("{z}/projects?stalled=1&sort=last_activity"),
            tone: warn(k.projects_stalled as u64),
        },
        Tile {
            value: grouped(k.appeals_overdue as f64, 0),
            label: t.t("home.appeals_overdue").into(),
            note: String::new(),
            href: format!("{z}/appeals?overdue=1&sort=due"),
            tone: warn(k.appeals_overdue as u64),
        },
    ];
    out.push(Tile {
        value: grouped(k.imports_with_rejects as f64, 0),
        label: t.f(
            "home.imports_rejects",
            &[("days", &IMPORTS_LOOKBACK_DAYS.to_string())],
        ),
        note: String::new(),
        href: format!("{z}/imports"),
        tone: warn(k.imports_with_rejects),
    });
    out
}

/// The distribution bar of the latest published evaluation.
fn evaluation_bar(t: crate::i18n::Tr, k: &Cockpit) -> Option<(String, String, Vec<ClassShare>)> {
    let (run, year, classes) = k.evaluation.as_ref()?;
    let total: usize = classes.iter().map(|(_, n)| n).sum::<usize>().max(1);
    let mut x = 0.0;
    let shares = classes
        .iter()
        .map(|(class, n)| {
            let width = *n as f64 * 1000.0 / total as f64;
            let share = ClassShare {
                class: class.clone(),
                label: class_label(&t, Some(class)),
                count: grouped(*n as f64, 0),
                x: format!("{x:.2}"),
                width: format!("{width:.2}"),
                href: format!("/evaluations/{run}?class={class}"),
            };
            x += width;
            share
        })
        .collect();
    Some((
        t.f("home.evaluation_of", &[("year", &year.to_string())]),
        format!("/evaluations/{run}"),
        shares,
    ))
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
    let all_zones = zones::list(db, &v.scope).await?;
    let zone = all_zones
        .iter()
        .find(|z| z.id == id)
        .cloned()
        .ok_or_else(PageError::not_found)?;
    let t = v.tr();
    let cockpit = crate::zone_figures::cockpit(&state, id).await?;
    let s = &cockpit.stats;
    let parks = zones::parks(db, id).await?;
    let quals: BTreeMap<&str, i64> = s
        .qualifications
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    let q = |k: &str| grouped(*quals.get(k).unwrap_or(&0) as f64, 0);
    let z = format!("/zones/{id}/enterprises");
    let kpi = |value: String, label: &str, href: String| Tile {
        value,
        label: t.t(label).into(),
        note: String::new(),
        href,
        tone: "",
    };
    let kpis = vec![
        kpi(
            grouped(s.enterprises as f64, 0),
            "home.enterprises",
            z.clone(),
        ),
        kpi(
            grouped(s.above_scale as f64, 0),
            "home.above_scale",
            format!("{z}?scale=above"),
        ),
        kpi(
            parks.len().to_string(),
            "home.parks",
            format!("/zones/{id}/land"),
        ),
        kpi(
            q("high_tech"),
            "home.high_tech",
            format!("{z}?qualification=high_tech"),
        ),
        kpi(
            q("srdi_sme"),
            "home.srdi",
            format!("{z}?qualification=srdi_sme"),
        ),
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
        tiles: attention_tiles(t, id, &cockpit),
        evaluation: evaluation_bar(t, &cockpit),
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
