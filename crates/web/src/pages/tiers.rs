//! Tiered cultivation (梯度培育): a zone's titles held, granted by year and ending soon, and
//! its candidates for the innovative-SME title by distance, with what each one lacks; the
//! shortlist as XLSX or CSV.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::PageViewer;
use crate::views::format::wan_yuan;
use crate::views::{Chrome, Kpi, Pager, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Response};
use devzone_core::model::QualificationKind;
use devzone_core::tiers::distance::{Change, Distance, MAX_CHANGES, Need};
use devzone_core::tiers::innovative_2022::{Assessment, Route};
use devzone_db::repo::tiers::{Candidate, ZoneTiers};
use devzone_db::repo::zones;
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::HashMap;

/// The titles of the tier ladder, from the lowest, and the high-tech title beside them.
pub const TITLES: [QualificationKind; 5] = [
    QualificationKind::TechSme,
    QualificationKind::InnovativeSme,
    QualificationKind::SrdiSme,
    QualificationKind::LittleGiant,
    QualificationKind::HighTech,
];

const PER_PAGE: usize = 50;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct CandidateParams {
    /// Distance in changes: 0 (eligible) to `MAX_CHANGES`.
    pub steps: Option<String>,
    pub q: Option<String>,
    pub park_id: Option<String>,
    pub page: Option<u64>,
    pub format: Option<String>,
}

impl CandidateParams {
    fn steps(&self) -> Option<usize> {
        nonempty(&self.steps)
            .and_then(|s| s.parse().ok())
            .filter(|n| *n <= MAX_CHANGES)
    }
    fn park(&self) -> Option<i64> {
        nonempty(&self.park_id).and_then(|s| s.parse().ok())
    }
    /// The candidates that match, in the zone's order (nearest first).
    pub fn select<'a>(&self, z: &'a ZoneTiers) -> Vec<&'a Candidate> {
        // Names as written; credit codes are stored upper case.
        let q = nonempty(&self.q);
        let code_q = q.as_deref().map(str::to_uppercase);
        let steps = self.steps();
        let park = self.park();
        z.candidates
            .iter()
            .filter(|c| steps.is_none_or(|s| c.distance.steps() == s))
            .filter(|c| park.is_none_or(|p| c.park_id == Some(p)))
            .filter(|c| match (&q, &code_q) {
                (Some(q), Some(code_q)) => {
                    c.name.contains(q.as_str()) || c.credit_code.contains(code_q.as_str())
                }
                _ => true,
            })
            .collect()
    }
}

/// "R&D expense at 3 % of revenue (300.0 万元): +150.0 万元", in the viewer's language.
pub fn need_text(t: &Tr, c: &Change) -> String {
    let money = |yuan: f64| format!("{} {}", wan_yuan(yuan, 1), t.t("unit.wan_yuan"));
    match &c.need {
        Need::Raise {
            input,
            by,
            to,
            percent,
            of,
        } => {
            let key = match (*input, *of) {
                ("rd_expense", _) => "tier.need.rd",
                // Growth of 0 %: the year before's main revenue, held.
                (_, "main_revenue_prev") if *percent == 100 => "tier.need.growth_hold",
                (_, "main_revenue_prev") => "tier.need.growth",
                _ => "tier.need.share",
            };
            let pct = if *of == "main_revenue_prev" {
                percent - 100
            } else {
                *percent
            };
            t.f(
                key,
                &[
                    ("pct", &pct.to_string()),
                    ("to", &money(*to)),
                    ("by", &money(*by)),
                ],
            )
        }
        Need::Lower {
            by, to, percent, ..
        } => t.f(
            "tier.need.debt",
            &[
                ("pct", &percent.to_string()),
                ("to", &money(*to)),
                ("by", &money(*by)),
            ],
        ),
        Need::Hold { input } => t.t(&format!("tier.need.{input}")).to_string(),
        Need::SeiField => t.t("tier.need.sei_field").to_string(),
    }
}

/// One change with its indicator and points: "R&D ratio 5 → 10: …".
pub fn change_text(t: &Tr, c: &Change) -> String {
    t.f(
        "tier.change",
        &[
            ("indicator", &t.tv("tier.indicator", c.indicator.id())),
            ("from", &c.from.to_string()),
            ("to", &c.to.to_string()),
            ("need", &need_text(t, c)),
        ],
    )
}

/// "1 change away", "2 changes away" (差 n 项).
pub fn steps_label(t: &Tr, n: usize) -> String {
    if n == 1 {
        t.t("tier.status.step_one").to_string()
    } else {
        t.f("tier.status.steps", &[("n", &n.to_string())])
    }
}

/// "Meets the rules (score route)", "2 changes away", "not an SME by size", ….
pub fn status_text(t: &Tr, a: &Assessment, d: &Distance) -> String {
    match d {
        Distance::Eligible => {
            let route = match a.outcome {
                Ok(Route::Score) | Err(_) => "score".to_string(),
                Ok(r) => r.id(),
            };
            t.f(
                "tier.status.eligible",
                &[("route", &t.tv("tier.route", &route))],
            )
        }
        Distance::Changes { changes, .. } => steps_label(t, changes.len()),
        Distance::Blocked(reason) => t.tv("tier.reason", reason),
        Distance::Far => t.t("tier.status.far").to_string(),
    }
}

/// What a distance asks, one line per change.
pub fn needs_text(t: &Tr, d: &Distance) -> Vec<String> {
    match d {
        Distance::Changes { changes, .. } => changes.iter().map(|c| change_text(t, c)).collect(),
        _ => Vec::new(),
    }
}

pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub park: String,
    pub total: u8,
    pub groups: String,
    pub status: String,
    pub needs: Vec<String>,
}

pub struct ListedRow {
    pub title: String,
    pub held: String,
    pub by_year: Vec<String>,
}

pub struct EndingRow {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub valid_to: String,
    pub certificate_no: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "tiers/zone.html")]
struct ZonePage {
    c: Chrome,
    zone_id: i64,
    basis: String,
    kpis: Vec<Kpi>,
    years: Vec<i32>,
    listed: Vec<ListedRow>,
    ending: Vec<EndingRow>,
    rows: Vec<CandidateRow>,
    total_text: String,
    pager: Pager,
    export_query: String,
    p: CandidateParams,
    parks: Vec<(i64, String)>,
    steps: Vec<(String, String)>,
}

fn groups(a: &Assessment) -> String {
    let p = a.points;
    format!(
        "{} / {} / {}",
        p.innovation(),
        p.growth_group(),
        p.specialisation()
    )
}

/// The line under an enterprise's assessment: the date and the year of its figures.
fn basis_of(t: &Tr, as_of: chrono::NaiveDate, year: Option<i32>) -> String {
    let date = as_of.to_string();
    match year {
        Some(y) => t.f(
            "tier.basis",
            &[
                ("date", &date),
                ("year", &y.to_string()),
                ("prev", &(y - 1).to_string()),
            ],
        ),
        None => t.f("tier.basis.none", &[("date", &date)]),
    }
}

/// The line under the zone's title: the date and how many enterprises were read at which
/// year (each at its own latest).
fn zone_basis(t: &Tr, z: &ZoneTiers) -> String {
    let date = z.as_of.to_string();
    if z.years.is_empty() {
        return t.f("tier.basis.none", &[("date", &date)]);
    }
    let years: Vec<String> = z
        .years
        .iter()
        .rev()
        .map(|(y, n)| {
            t.f(
                "tier.basis.year",
                &[("year", &y.to_string()), ("n", &grouped(*n as f64, 0))],
            )
        })
        .collect();
    t.f(
        "tier.basis.zone",
        &[("date", &date), ("years", &years.join(" / "))],
    )
}

pub async fn zone_page(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<CandidateParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let z = crate::zone_figures::tiers(&state, id).await?;
    let parks = zones::parks(db, id).await?;
    let park_names: HashMap<i64, String> = parks.iter().map(|p| (p.id, p.name.clone())).collect();
    let selected = p.select(&z);
    let pages = selected.len().div_ceil(PER_PAGE).max(1) as u64;
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let rows = selected
        .iter()
        .skip((page as usize - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|c| CandidateRow {
            id: c.enterprise_id,
            name: c.name.clone(),
            park: c
                .park_id
                .and_then(|p| park_names.get(&p).cloned())
                .unwrap_or_default(),
            total: c.assessment.points.total(),
            groups: groups(&c.assessment),
            status: status_text(&t, &c.assessment, &c.distance),
            needs: needs_text(&t, &c.distance),
        })
        .collect();
    let count = |s: usize| z.by_steps.get(&s).copied().unwrap_or(0);
    let mut kpis: Vec<Kpi> = TITLES
        .iter()
        .map(|k| Kpi {
            label: t.tv("qualification", k.id()),
            value: grouped(z.held.get(k.id()).copied().unwrap_or(0) as f64, 0),
        })
        .collect();
    // The distances as tiles beside the titles: four numbers read better than a chart of
    // four bars, and stay legible on a phone.
    kpis.push(Kpi {
        label: t.t("tier.kpi.eligible").into(),
        value: grouped(count(0) as f64, 0),
    });
    for s in 1..=MAX_CHANGES {
        kpis.push(Kpi {
            label: steps_label(&t, s),
            value: grouped(count(s) as f64, 0),
        });
    }
    let mut years: Vec<i32> = z.listed.keys().map(|(_, y)| *y).collect();
    years.sort();
    years.dedup();
    // The last eight years: older grants have long ended.
    let years: Vec<i32> = years.into_iter().rev().take(8).rev().collect();
    let listed = TITLES
        .iter()
        .map(|k| ListedRow {
            title: t.tv("qualification", k.id()),
            held: grouped(z.held.get(k.id()).copied().unwrap_or(0) as f64, 0),
            by_year: years
                .iter()
                .map(|y| {
                    z.listed
                        .get(&(k.id().to_string(), *y))
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let ending = z
        .ending
        .iter()
        .take(50)
        .map(|e| EndingRow {
            id: e.enterprise_id,
            name: e.name.clone(),
            title: t.tv("qualification", &e.kind),
            valid_to: e.valid_to.to_string(),
            certificate_no: e.certificate_no.clone().unwrap_or_default(),
        })
        .collect();
    let raw = raw.unwrap_or_default();
    let mut steps = vec![("0".to_string(), t.t("tier.kpi.eligible").to_string())];
    for s in 1..=MAX_CHANGES {
        steps.push((s.to_string(), steps_label(&t, s)));
    }
    let page = ZonePage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("tier.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        basis: zone_basis(&t, &z),
        kpis,
        years,
        listed,
        ending,
        rows,
        total_text: t.f("tier.total", &[("n", &grouped(selected.len() as f64, 0))]),
        // The pager keeps the reader at the list, not at the top of the page.
        pager: Pager::with_links(&t, page, pages, |n| {
            format!("{}#candidates", crate::views::pager::with_page(&raw, n))
        }),
        export_query: super::query_without(&raw, &["page", "format"]),
        p,
        parks: parks.iter().map(|p| (p.id, p.name.clone())).collect(),
        steps,
    };
    Ok(page.into_response())
}

/// The candidates of the current filter, every page, as XLSX (or CSV): the shortlist for an
/// application round.
pub async fn export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<CandidateParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let z = crate::zone_figures::tiers(&state, id).await?;
    let parks = zones::parks(&state.db.conn, id).await?;
    let park_names: HashMap<i64, String> = parks.iter().map(|p| (p.id, p.name.clone())).collect();
    let headers = [
        "field.credit_code",
        "field.name",
        "list.park",
        "tier.col.total",
        "tier.col.innovation",
        "tier.col.growth",
        "tier.col.specialisation",
        "tier.col.status",
        "tier.col.needs",
    ]
    .iter()
    .map(|k| t.t(k).to_string())
    .collect();
    let rows = p
        .select(&z)
        .into_iter()
        .map(|c| {
            let pts = c.assessment.points;
            vec![
                Cell::Text(c.credit_code.clone()),
                Cell::Text(c.name.clone()),
                Cell::Text(
                    c.park_id
                        .and_then(|p| park_names.get(&p).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Number(pts.total() as f64),
                Cell::Number(pts.innovation() as f64),
                Cell::Number(pts.growth_group() as f64),
                Cell::Number(pts.specialisation() as f64),
                Cell::Text(status_text(&t, &c.assessment, &c.distance)),
                Cell::Text(needs_text(&t, &c.distance).join("\n")),
            ]
        })
        .collect();
    let table = Table {
        sheet: t.t("tier.candidates").to_string(),
        headers,
        rows,
    };
    let stem = format!(
        "{}-{}-{}",
        zone.name,
        t.t("tier.export_name"),
        devzone_core::calendar::stamp()
    );
    crate::views::download(&table, p.format.as_deref(), "tier-candidates", &stem)
}

/// The self-assessment on an enterprise's page (its officers' and its own account's view).
pub struct OwnTier {
    /// Set when the enterprise holds the title today.
    pub held: Option<String>,
    pub basis: String,
    pub points: String,
    pub status: String,
    pub needs: Vec<String>,
}

pub async fn own_tier(
    t: &Tr,
    db: &devzone_db::Connection,
    zone_id: i64,
    enterprise_id: i64,
) -> Result<OwnTier, PageError> {
    let a = devzone_db::repo::tiers::enterprise(db, zone_id, enterprise_id).await?;
    let p = a.assessment.points;
    Ok(OwnTier {
        held: a
            .held
            .iter()
            .any(|k| k == devzone_db::repo::tiers::TITLE.id())
            .then(|| t.t("tier.own.held").to_string()),
        basis: basis_of(t, devzone_core::calendar::today(), a.year),
        points: t.f(
            "tier.own.points",
            &[
                ("total", &p.total().to_string()),
                ("innovation", &p.innovation().to_string()),
                ("growth", &p.growth_group().to_string()),
                ("specialisation", &p.specialisation().to_string()),
            ],
        ),
        status: status_text(t, &a.assessment, &a.distance),
        needs: needs_text(t, &a.distance),
    })
}

pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/zones/{id}/tiers", get(zone_page))
        .route("/zones/{id}/tiers/export", get(export))
}
