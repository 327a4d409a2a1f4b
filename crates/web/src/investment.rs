//! The investment figures a page and the API both show: the year's figures, the 七个一批
//! counts, FDI by year and by country, and what is overdue, from the zone's kept projects
//! (`zone_figures::projects`).

use crate::AppState;
use crate::zone_figures::{self, ZoneProjects};
use chrono::NaiveDate;
use devzone_core::investment::StageGroup;
use devzone_core::investment::figures::{self, YearFigures};
use devzone_core::investment::rules::Overdue;
use devzone_db::DbResult;
use serde::Serialize;
use std::sync::Arc;

/// How many countries the summary lists.
pub const COUNTRIES_SHOWN: usize = 15;

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
    pub projects: usize,
    pub zone: Arc<ZoneProjects>,
}

pub async fn summary(
    state: &AppState,
    zone_id: i64,
    year: i32,
    today: NaiveDate,
) -> DbResult<Summary> {
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
    for p in &z.rows {
        for o in z.rules.overdue(&p.facts, today) {
            count(&mut overdue, &o);
        }
    }
    Ok(Summary {
        figures,
        groups,
        ended,
        fdi_by_year,
        countries,
        overdue,
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
