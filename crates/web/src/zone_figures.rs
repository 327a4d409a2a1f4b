//! Figures read from a whole zone, for the cockpit pages and their API twins, kept in
//! `AppState::memo` until the zone changes (see `devzone_db::memo`). Each function here is
//! the one way to read its figure from a handler.

use crate::AppState;
use devzone_core::chain::target::Metric;
use devzone_core::facts::FactField;
use devzone_core::land::occupancy::Occupancy;
use devzone_core::model::BuildingType;
use devzone_db::DbResult;
use devzone_db::Scope;
use devzone_db::entities::enterprise;
use devzone_db::entities::lease;
use devzone_db::memo::Key;
use devzone_db::repo::chains::Members;
use devzone_db::repo::land::{self, Assessed, Inventory};
use devzone_db::repo::{Page, chains, enterprises, stats, tracks};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The fields the zone home sums by year.
pub const TOTAL_FIELDS: [FactField; 4] = [
    FactField::Revenue,
    FactField::ValueAdded,
    FactField::Tax,
    FactField::RdExpense,
];

/// Counts by industry, size and qualification, and the yearly totals of `TOTAL_FIELDS`.
pub async fn home(state: &AppState, zone_id: i64) -> DbResult<Arc<stats::ZoneStats>> {
    let db = &state.db.conn;
    let ids: Vec<&str> = TOTAL_FIELDS.iter().map(|f| f.id()).collect();
    state
        .memo
        .get(db, Key::new("home", zone_id), || {
            stats::zone(db, zone_id, &ids)
        })
        .await
}

/// A zone's projects as the investment figures read them, with their yearly money and the
/// zone's pipeline rules.
pub struct ZoneProjects {
    pub rules: devzone_core::investment::PipelineRules,
    pub rows: Vec<devzone_core::investment::figures::ProjectRow>,
    pub funds: Vec<devzone_core::investment::figures::YearFunds>,
    /// The officers named on projects, for the list's filter.
    pub officers: Vec<String>,
}

impl ZoneProjects {
    /// Projects now at each stage.
    pub fn stage_counts(&self) -> HashMap<&'static str, usize> {
        let mut out = HashMap::new();
        for p in &self.rows {
            if let Some(s) = p.facts.stage {
                *out.entry(s.id()).or_default() += 1;
            }
        }
        out
    }
}

pub async fn projects(state: &AppState, zone_id: i64) -> DbResult<Arc<ZoneProjects>> {
    let db = &state.db.conn;
    state
        .memo
        .get(db, Key::new("projects", zone_id), || async move {
            let rules = devzone_db::repo::projects::rules(db, zone_id).await?;
            let (rows, funds) = devzone_db::repo::projects::figure_inputs(db, zone_id).await?;
            let officers = devzone_db::repo::projects::officers(db, zone_id).await?;
            Ok(ZoneProjects {
                rules,
                rows,
                funds,
                officers,
            })
        })
        .await
}

/// A zone's land as its pages read it: every plot, building and unit, each plot assessed
/// against the zone's rules as of today, and every lease. Kept per day as well (leases end
/// and rules count days).
pub struct ZoneLand {
    pub inv: Inventory,
    pub assessed: Vec<Assessed>,
    pub leases: Vec<lease::Model>,
    /// The overview's figures drawn from these (each a pass over every unit or lease):
    /// occupancy of the zone, by building type, by park (with its plot count), and at each
    /// of the last 24 month ends.
    pub occupancy: Occupancy,
    pub by_type: Vec<(BuildingType, Occupancy)>,
    pub by_park: HashMap<i64, (usize, Occupancy)>,
    pub trend: Vec<(chrono::NaiveDate, Option<f64>)>,
}

/// Month ends the land overview's occupancy trend covers.
const TREND_MONTHS: u32 = 24;

pub async fn land(state: &AppState, zone_id: i64) -> DbResult<Arc<ZoneLand>> {
    let db = &state.db.conn;
    let today = devzone_core::calendar::today();
    let key = Key::new("land", zone_id).with(today);
    state
        .memo
        .get(db, key, || async move {
            let inv = land::inventory(db, zone_id, None).await?;
            let assessed = land::assess(db, zone_id, &inv, today).await?;
            let leases = land::leases(db, zone_id, None).await?;
            let by_park = devzone_db::repo::zones::parks(db, zone_id)
                .await?
                .iter()
                .map(|pk| {
                    let plots: BTreeSet<i64> = inv
                        .plots
                        .iter()
                        .filter(|x| x.park_id == Some(pk.id))
                        .map(|x| x.id)
                        .collect();
                    let o = inv.occupancy_where(|b| plots.contains(&b.plot_id));
                    (pk.id, (plots.len(), o))
                })
                .collect();
            Ok(ZoneLand {
                occupancy: inv.occupancy(),
                by_type: inv.by_building_type(),
                by_park,
                trend: land::occupancy_trend(&inv, &leases, today, TREND_MONTHS),
                inv,
                assessed,
                leases,
            })
        })
        .await
}

/// A taxonomy's confirmed members per node and its suggestions per node.
pub async fn chain_members(
    state: &AppState,
    zone_id: i64,
    taxonomy: &str,
) -> DbResult<Arc<Members>> {
    let db = &state.db.conn;
    let key = Key::new("chain_members", zone_id).with(taxonomy);
    state
        .memo
        .get(db, key, || chains::members(db, zone_id, taxonomy))
        .await
}

/// The enterprises confirmed under each track of a taxonomy.
pub async fn track_members(
    state: &AppState,
    zone_id: i64,
    taxonomy: &str,
) -> DbResult<Arc<BTreeMap<String, BTreeSet<i64>>>> {
    let db = &state.db.conn;
    let key = Key::new("track_members", zone_id).with(taxonomy);
    state
        .memo
        .get(db, key, || {
            tracks::enterprises_by_root(db, zone_id, taxonomy, &[])
        })
        .await
}

/// A target's metric measured now.
pub async fn measure(state: &AppState, zone_id: i64, metric: &Metric) -> DbResult<f64> {
    let db = &state.db.conn;
    let key = Key::new("measure", zone_id).with(serde_json::to_string(metric).unwrap_or_default());
    Ok(*state
        .memo
        .get(db, key, || tracks::measure(db, zone_id, metric))
        .await?)
}

/// Confirmed placements on nodes that a newer version of their taxonomy no longer has
/// (kept, shown on the chain index): (enterprise name, taxonomy, node).
pub async fn outdated_mappings(
    state: &AppState,
    zone_id: i64,
) -> DbResult<Arc<Vec<(String, String, String)>>> {
    let db = &state.db.conn;
    state
        .memo
        .get(db, Key::new("outdated_mappings", zone_id), || async move {
            let taxonomies = chains::taxonomies(db, zone_id).await?;
            let all = chains::mappings(db, zone_id, None, None, Some(chains::CONFIRMED)).await?;
            let outdated: Vec<_> = all
                .iter()
                .filter(|m| {
                    taxonomies
                        .iter()
                        .find(|x| x.id == m.taxonomy)
                        .is_none_or(|x| x.node(&m.node_id).is_none())
                })
                .collect();
            let names =
                land::enterprise_names(db, zone_id, outdated.iter().map(|m| m.enterprise_id))
                    .await?;
            Ok(outdated
                .iter()
                .map(|m| {
                    (
                        names.get(&m.enterprise_id).cloned().unwrap_or_default(),
                        m.taxonomy.clone(),
                        m.node_id.clone(),
                    )
                })
                .collect())
        })
        .await
}

/// One page of the enterprise list. The total of a zone's filter is kept (counting the
/// above-scale enterprises of 100,000 cost more than reading the page); the page is read.
/// Only totals that do not depend on the viewer are kept: a zone the viewer may see, no
/// enterprise account, no free-text search (whose keys are unbounded), and per day (a
/// qualification filter counts qualifications valid today).
pub async fn enterprise_page(
    state: &AppState,
    scope: &Scope,
    lq: &enterprises::ListQuery,
) -> DbResult<Page<enterprise::Model>> {
    let db = &state.db.conn;
    let searched = lq.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let zone_id = match (lq.zone_id, scope.enterprise, searched) {
        (Some(z), None, false) if scope.allows_zone(z) => z,
        _ => return enterprises::list(db, scope, lq).await,
    };
    let filter = (lq.park_id, &lq.industry, &lq.qualification, lq.above_scale);
    let key = Key::new("enterprise_total", zone_id)
        .with(devzone_core::calendar::today())
        .with(format!("{filter:?}"));
    let total = *state
        .memo
        .get(db, key, || enterprises::total(db, scope, lq))
        .await?;
    enterprises::page_of(db, scope, lq, total).await
}

/// The zone's tiers as of today: titles held, granted and ending, and every enterprise
/// assessed against the innovative-SME rules with its distance. Kept per day as well
/// (titles end and begin with the date).
pub async fn tiers(
    state: &AppState,
    zone_id: i64,
) -> DbResult<Arc<devzone_db::repo::tiers::ZoneTiers>> {
    let db = &state.db.conn;
    let today = devzone_core::calendar::today();
    let key = Key::new("tiers", zone_id).with(today);
    state
        .memo
        .get(db, key, || {
            devzone_db::repo::tiers::zone(db, zone_id, today)
        })
        .await
}

/// A zone target with its metric measured now and its progress against the straight line
/// from baseline to target.
pub struct MeasuredTarget {
    pub target: devzone_db::entities::chain_target::Model,
    pub metric: Metric,
    pub current: f64,
    pub progress: devzone_core::chain::target::Progress,
}

/// The zone's targets, each measured (targets whose metric no longer parses are left out).
pub async fn targets(state: &AppState, zone_id: i64) -> DbResult<Vec<MeasuredTarget>> {
    let today = devzone_core::calendar::today();
    let mut out = Vec::new();
    for m in tracks::targets(&state.db.conn, zone_id).await? {
        let Ok(metric) = serde_json::from_str::<Metric>(&m.metric) else {
            continue;
        };
        let current = measure(state, zone_id, &metric).await?;
        let progress = devzone_core::chain::target::progress(
            m.baseline_value,
            m.baseline_on,
            m.target_value,
            m.deadline,
            current,
            today,
        );
        out.push(MeasuredTarget {
            target: m,
            metric,
            current,
            progress,
        });
    }
    Ok(out)
}

/// A published evaluation run as the home shows it: run id, year, and enterprises by class
/// (A–D, then not rated) over all groups.
pub type PublishedClasses = (i64, i32, Vec<(String, usize)>);

/// What the zone home shows: the registry's counts and totals, and what needs attention
/// today. One figure, so that the home reads the zone's version once.
pub struct Cockpit {
    pub stats: Arc<stats::ZoneStats>,
    /// The latest published evaluation.
    pub evaluation: Option<PublishedClasses>,
    pub plots: usize,
    pub idle: usize,
    pub low_efficiency: usize,
    /// Let share of the lettable floor area; None without space units.
    pub occupancy: Option<f64>,
    pub vacant_m2: f64,
    pub leases_ending: usize,
    pub reviews_waiting: u64,
    pub targets: usize,
    pub targets_behind: usize,
    pub imports_with_rejects: u64,
    pub titles_ending: u64,
    /// Investment projects behind a deadline (response, screening, report), and stalled.
    pub projects_late: usize,
    pub projects_stalled: usize,
    /// Open appeals past the day of the step they wait on.
    pub appeals_overdue: usize,
}

/// A zone's appeals as the metrics read them, with the zone's appeal rules and calendar.
pub struct ZoneAppeals {
    pub rules: devzone_core::appeals::AppealRules,
    pub calendar: devzone_core::calendar::WorkCalendar,
    pub rows: Vec<devzone_core::appeals::metrics::AppealFacts>,
}

pub async fn appeals(state: &AppState, zone_id: i64) -> DbResult<Arc<ZoneAppeals>> {
    let db = &state.db.conn;
    state
        .memo
        .get(db, Key::new("appeals", zone_id), || async move {
            use devzone_db::repo::{appeals, calendar};
            Ok(ZoneAppeals {
                rules: appeals::rules(db, zone_id).await?,
                calendar: calendar::get(db, zone_id).await?.unwrap_or_default(),
                rows: appeals::facts_of_zone(db, zone_id).await?,
            })
        })
        .await
}

/// Leases ending within this many days are counted on the zone home.
pub const LEASES_ENDING_DAYS: i64 = 90;
/// Imports of this many days back are looked at for rows left out.
pub const IMPORTS_LOOKBACK_DAYS: i64 = 90;

/// The zone home's tiles, kept per day (leases and titles end with the date).
pub async fn cockpit(state: &AppState, zone_id: i64) -> DbResult<Arc<Cockpit>> {
    let db = &state.db.conn;
    let today = devzone_core::calendar::today();
    let key = Key::new("cockpit", zone_id).with(today);
    state
        .memo
        .get(db, key, || async move {
            use devzone_db::repo::{cockpit, evaluation};
            let evaluation = evaluation::latest_published(db, zone_id, None)
                .await?
                .map(|run| {
                    let s = evaluation::Summary::parse(&run);
                    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
                    for (_, class, n) in &s.counts {
                        *by_class.entry(class.clone()).or_default() += n;
                    }
                    (run.id, run.year, by_class.into_iter().collect())
                });
            let zl = land(state, zone_id).await?;
            let o = zl.inv.occupancy();
            let ends = |l: &&lease::Model| {
                devzone_core::land::occupancy::ends_within(l.end_on, today, LEASES_ENDING_DAYS)
                    .is_some()
            };
            let measured = targets(state, zone_id).await?;
            let since = chrono::Utc::now() - chrono::Duration::days(IMPORTS_LOOKBACK_DAYS);
            let zp = projects(state, zone_id).await?;
            let (mut projects_late, mut projects_stalled) = (0, 0);
            for p in &zp.rows {
                let behind = zp.rules.overdue(&p.facts, today);
                if behind.iter().any(|o| o.kind == "stalled") {
                    projects_stalled += 1;
                } else if !behind.is_empty() {
                    projects_late += 1;
                }
            }
            let za = appeals(state, zone_id).await?;
            let appeals_overdue = za.rows.iter().filter(|a| a.overdue(today)).count();
            Ok(Cockpit {
                appeals_overdue,
                projects_late,
                projects_stalled,
                stats: home(state, zone_id).await?,
                evaluation,
                plots: zl.assessed.len(),
                idle: zl.assessed.iter().filter(|a| a.idle()).count(),
                low_efficiency: zl.assessed.iter().filter(|a| a.low_efficiency()).count(),
                occupancy: o.rate(),
                vacant_m2: o.vacant_m2 + o.reserved_m2,
                leases_ending: zl.leases.iter().filter(ends).count(),
                reviews_waiting: cockpit::reviews_waiting(db, zone_id).await?,
                targets: measured.len(),
                targets_behind: measured.iter().filter(|m| !m.progress.on_track).count(),
                imports_with_rejects: cockpit::imports_with_rejects(db, zone_id, since).await?,
                titles_ending: cockpit::titles_ending(
                    db,
                    zone_id,
                    today,
                    today + chrono::Duration::days(devzone_db::repo::tiers::ENDING_WITHIN_DAYS),
                )
                .await?,
            })
        })
        .await
}

/// A stored run's cohort of one group (benchmarks and the other enterprises' totals), as
/// the breakdown, what-if and smallest change read it. A run never changes once finished,
/// and rebuilding the cohort reads every total of the group (100,000 at a large zone).
pub async fn cohort(
    state: &AppState,
    zone_id: i64,
    scheme: &devzone_core::evaluation::Scheme,
    run: &devzone_db::entities::evaluation_run::Model,
    group: &str,
) -> DbResult<Arc<Option<devzone_core::evaluation::engine::Cohort>>> {
    let db = &state.db.conn;
    let key = Key::new("cohort", zone_id).with(run.id).with(group);
    state
        .memo
        .get(db, key, || {
            devzone_db::repo::evaluation::cohort_of(db, scheme, run, group)
        })
        .await
}

/// How many of a finished run's rated enterprises scored in each 10-point bin, by group:
/// (group, bin) → count, where bin b holds totals from 10·b up to 10·b + 10. Counted once
/// per run (a run never changes once finished), not from 100,000 totals on every view of
/// its page.
pub async fn run_histogram(
    state: &AppState,
    zone_id: i64,
    run_id: i64,
) -> DbResult<Arc<BTreeMap<(String, i64), u64>>> {
    let db = &state.db.conn;
    let key = Key::new("run_histogram", zone_id).with(run_id);
    state
        .memo
        .get(db, key, || async {
            let mut bins: BTreeMap<(String, i64), u64> = BTreeMap::new();
            for (grp, x) in devzone_db::repo::evaluation::totals(db, run_id).await? {
                *bins.entry((grp, (x / 10.0).floor() as i64)).or_default() += 1;
            }
            Ok(bins)
        })
        .await
}

/// One page of a run's results. For a finished run without free text or an enterprise's
/// own view, the run's order under the query's filters and sort is kept (a finished run
/// never changes), so a page is a slice of it and one read of its rows: sorting 100,000
/// results on every view cost about half a second.
pub async fn run_results(
    state: &AppState,
    run: &devzone_db::entities::evaluation_run::Model,
    f: &devzone_db::repo::evaluation::ResultQuery,
) -> DbResult<Page<devzone_db::entities::evaluation_result::Model>> {
    use devzone_core::model::RunStatus;
    use devzone_db::repo::evaluation as ev;
    let db = &state.db.conn;
    let free_text = f.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    if run.status != RunStatus::Done.id() || free_text || f.enterprise_id.is_some() {
        return ev::results(db, f).await;
    }
    // Debug form: quoted text, so that no two queries share a key.
    let key = Key::new("run_order", run.zone_id)
        .with(run.id)
        .with(format!(
            "{:?}",
            (
                f.sort.id(),
                f.descending,
                &f.group,
                &f.class,
                f.park_id,
                &f.industry
            )
        ));
    let order = state.memo.get(db, key, || ev::result_order(db, f)).await?;
    let (page, per_page) = ev::page_of(f);
    let from = ((page - 1) * per_page).min(order.len() as u64) as usize;
    let to = (from + per_page as usize).min(order.len());
    Ok(Page {
        items: ev::results_by_ids(db, &order[from..to]).await?,
        total: order.len() as u64,
        page,
        per_page,
    })
}
