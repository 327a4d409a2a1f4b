//! The investment figures a page and the API both show: the year's figures, the 七个一批
//! counts, FDI by year and by country, and what is overdue, from the zone's kept projects
//! (`zone_figures::projects`); and the list's order from its id, which both read. The summary
//! itself is kept too, per year and day, until the
//! zone changes: computing it passes over every project several times (at 10,000 projects a
//! few milliseconds, which under 32 connections was most of a request).

use crate::AppState;
use crate::zone_figures::{self, ZoneProjects};
use chrono::NaiveDate;
use devzone_core::investment::StageGroup;
use devzone_core::investment::figures::{self, YearFigures};
use devzone_core::investment::rules::Overdue;
use devzone_core::validate::FieldError;
use devzone_db::DbResult;
use devzone_db::memo::Key;
use devzone_db::repo::projects::ProjectSort;
use serde::Serialize;
use std::sync::Arc;

/// How many countries the summary lists.
pub const COUNTRIES_SHOWN: usize = 15;
/// How many projects behind a deadline the summary lists.
pub const LATE_SHOWN: usize = 30;

/// A project behind a rule: which, since when, how late.
pub struct Late {
    pub id: i64,
    pub name: String,
    pub overdue: Overdue,
}

/// Counts of the projects behind a rule today.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OverdueCounts {
    /// Large leads not acknowledged within their working day(s).
    pub acknowledge: usize,
    /// Large leads not screened in time.
    pub screen: usize,
    /// Followed projects whose report is late.
    pub report: usize,
    /// Projects without a stage change or activity for the stall days.
    pub stalled: usize,
}

pub struct Summary {
    pub figures: YearFigures,
    pub groups: Vec<(StageGroup, usize)>,
    pub ended: usize,
    /// (year, FDI used, FDI contracted), USD, oldest first.
    pub fdi_by_year: Vec<(i32, f64, f64)>,
    pub countries: Vec<(String, usize, f64)>,
    pub overdue: OverdueCounts,
    /// The projects furthest behind, most days late first.
    pub late: Vec<Late>,
    pub projects: usize,
    pub zone: Arc<ZoneProjects>,
}

pub async fn summary(
    state: &AppState,
    zone_id: i64,
    year: i32,
    today: NaiveDate,
) -> DbResult<Arc<Summary>> {
    let key = Key::new("investment_summary", zone_id)
        .with(year)
        .with(today);
    state
        .memo
        .get(&state.db.conn, key, || compute(state, zone_id, year, today))
        .await
}

async fn compute(state: &AppState, zone_id: i64, year: i32, today: NaiveDate) -> DbResult<Summary> {
    let z = zone_figures::projects(state, zone_id).await?;
    let figures = figures::year_figures(&z.rules, &z.rows, &z.funds, year, today);
    let (groups, ended) = figures::by_group(&z.rows);
    let fdi_by_year = figures::fdi_by_year(&z.rows, &z.funds)
        .into_iter()
        .map(|(y, (used, contracted))| (y, used, contracted))
        .collect();
    let mut countries = figures::by_country(&z.rows, &z.funds, today);
    countries.truncate(COUNTRIES_SHOWN);
    let mut overdue = OverdueCounts::default();
    let mut late = Vec::new();
    for p in &z.rows {
        for o in z.rules.overdue(&p.facts, today) {
            count(&mut overdue, &o);
            late.push(Late {
                id: p.id,
                name: p.name.clone(),
                overdue: o,
            });
        }
    }
    late.sort_by(|a, b| (b.overdue.days_late, a.id).cmp(&(a.overdue.days_late, b.id)));
    late.truncate(LATE_SHOWN);
    Ok(Summary {
        figures,
        groups,
        ended,
        fdi_by_year,
        countries,
        overdue,
        late,
        projects: z.rows.len(),
        zone: z,
    })
}

fn count(c: &mut OverdueCounts, o: &Overdue) {
    match o.kind {
        "acknowledge" => c.acknowledge += 1,
        "screen" => c.screen += 1,
        "report" => c.report += 1,
        _ => c.stalled += 1,
    }
}

/// The list's order from its id; an unknown one is refused on `sort`.
pub fn sort_of(s: Option<&str>) -> Result<ProjectSort, FieldError> {
    Ok(match s.unwrap_or("newest") {
        "newest" => ProjectSort::Newest,
        "investment" => ProjectSort::Investment,
        "last_activity" => ProjectSort::LastActivity,
        "signed" => ProjectSort::Signed,
        other => return Err(FieldError::new("sort", "choice.unknown", other)),
    })
}
