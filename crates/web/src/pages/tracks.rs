//! Future-industry tracks: the overview of stages ("a mature base in 9 of 20 tracks"), one
//! track's page with its records and enterprises, the zone's targets with their progress,
//! and location quotients against the province.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::session::{PageViewer, Viewer};
use crate::views::Kpi;
use crate::views::format::wan_yuan;
use crate::views::{Chrome, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::chain::lq::quotients;
use devzone_core::chain::target::{Metric, plan_by_year};
use devzone_core::chain::taxonomy::Level;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_core::validate::FieldError;
use devzone_db::repo::{chains, tracks};
use serde::Deserialize;

pub struct TrackRow {
    pub taxonomy: String,
    pub id: String,
    pub name: String,
    pub area: String,
    pub stage: String,
    pub stage_key: String,
    pub enterprises: usize,
    pub records: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/tracks.html")]
struct OverviewPage {
    c: Chrome,
    zone_id: i64,
    summary: String,
    chart: String,
    rows: Vec<TrackRow>,
}

pub async fn overview(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let stages = tracks::stages(db, id).await?;
    let records = tracks::records(db, id, None, None).await?;
    let mut rows = Vec::new();
    for tx in chains::taxonomies(db, id).await? {
        let by_track = crate::zone_figures::track_members(&state, id, &tx.id).await?;
        for tr in tx.of_level(Level::Track) {
            // SEI 中类 are not tracks a zone plans for; list them only when staged.
            let stage = stages.get(&(tx.id.clone(), tr.id.clone()));
            if tx.id == "sei2018" && stage.is_none() {
                continue;
            }
            let n = by_track.get(&tr.id).map_or(0, |e| e.len());
            rows.push(TrackRow {
                taxonomy: tx.id.clone(),
                id: tr.id.clone(),
                name: tr.name.clone(),
                area: tr
                    .parent
                    .as_deref()
                    .and_then(|p| tx.node(p))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                stage: stage.map(|s| t.tv("track.stage", s)).unwrap_or_default(),
                stage_key: stage.cloned().unwrap_or_default(),
                enterprises: n,
                records: records
                    .iter()
                    .filter(|r| r.taxonomy == tx.id && r.track_id == tr.id)
                    .count(),
            });
        }
    }
    let staged = rows.iter().filter(|r| !r.stage_key.is_empty()).count();
    let count = |s: &str| rows.iter().filter(|r| r.stage_key == s).count();
    let summary = t.f(
        "track.summary",
        &[
            ("mature", &count("mature").to_string()),
            ("growing", &count("growing").to_string()),
            ("early", &count("early").to_string()),
            ("n", &staged.to_string()),
        ],
    );
    let chart = devzone_charts::donut_chart(
        t.t("track.stages"),
        &tracks::STAGES
            .iter()
            .map(|s| (t.tv("track.stage", s), count(s) as f64))
            .collect::<Vec<_>>(),
    );
    let page = OverviewPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("track.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        summary,
        chart,
        rows,
    };
    Ok(page.into_response())
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct RecordForm {
    kind: String,
    title: String,
    detail: Option<String>,
    on_date: Option<String>,
    amount_wan: Option<String>,
}

pub struct RecordRow {
    pub kind: String,
    pub title: String,
    pub detail: String,
    pub on_date: String,
    pub amount: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/track.html")]
struct TrackPage {
    c: Chrome,
    zone_id: i64,
    taxonomy: String,
    id: String,
    name: String,
    area: String,
    stage: String,
    counts: Vec<(String, usize)>,
    records: Vec<RecordRow>,
    leaders: Vec<(i64, String, String)>,
    chains: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    stages: Vec<(String, String)>,
    f: RecordForm,
    errors: Vec<String>,
}

async fn track_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    taxonomy: String,
    track: String,
    f: RecordForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let tx = chains::taxonomy(db, zone_id, &taxonomy)
        .await?
        .ok_or_else(PageError::not_found)?;
    let tr = tx
        .node(&track)
        .filter(|n| n.level == Level::Track)
        .ok_or_else(PageError::not_found)?;
    let stage = tracks::stages(db, zone_id)
        .await?
        .remove(&(taxonomy.clone(), track.clone()))
        .unwrap_or_default();
    let records = tracks::records(db, zone_id, Some(&taxonomy), Some(&track)).await?;
    let ids: Vec<i64> =
        tracks::enterprises_in_tracks(db, zone_id, &taxonomy, std::slice::from_ref(&track))
            .await?
            .into_iter()
            .collect();
    // Leading enterprises: the largest by latest revenue.
    let mut leaders = Vec::new();
    for e_id in &ids {
        if let Some(e) = devzone_db::repo::enterprises::get(db, &v.scope, *e_id).await? {
            leaders.push((e.id, e.name, e.latest_revenue.unwrap_or(0)));
        }
    }
    leaders.sort_by_key(|l| std::cmp::Reverse(l.2));
    let mut counts: Vec<(String, usize)> = tracks::RECORD_KINDS
        .iter()
        .map(|k| {
            (
                t.tv("track.kind", k),
                records.iter().filter(|r| r.kind == *k).count(),
            )
        })
        .collect();
    counts.insert(3, (t.t("track.leading").to_string(), ids.len()));
    let page = TrackPage {
        c: Chrome::load(
            db,
            v,
            &format!("{} · {}", tr.name, zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        area: tr
            .parent
            .as_deref()
            .and_then(|p| tx.node(p))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        name: tr.name.clone(),
        stage,
        counts,
        records: records
            .iter()
            .map(|r| RecordRow {
                kind: t.tv("track.kind", &r.kind),
                title: r.title.clone(),
                detail: r.detail.clone().unwrap_or_default(),
                on_date: r.on_date.map(|d| d.to_string()).unwrap_or_default(),
                amount: r.amount.map(|a| wan_yuan(a, 0)).unwrap_or_default(),
            })
            .collect(),
        leaders: leaders
            .into_iter()
            .take(10)
            .map(|(id, name, rev)| (id, name, wan_yuan(rev as f64 / 100.0, 0)))
            .collect(),
        chains: tx
            .children(&track)
            .filter(|n| n.level == Level::Chain)
            .map(|n| (n.id.clone(), n.name.clone()))
            .collect(),
        kinds: tracks::RECORD_KINDS
            .iter()
            .map(|k| (k.to_string(), t.tv("track.kind", k)))
            .collect(),
        stages: tracks::STAGES
            .iter()
            .map(|k| (k.to_string(), t.tv("track.stage", k)))
            .collect(),
        f,
        errors: t.field_messages(&errors),
        taxonomy,
        id: track,
    };
    let failed = !page.errors.is_empty();
    Ok(crate::views::form_response(page, failed))
}

pub async fn track(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, track)): Path<(i64, String, String)>,
) -> Result<Response, PageError> {
    track_page(&state, &v, id, tax, track, RecordForm::default(), vec![]).await
}

pub async fn add_record(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, track)): Path<(i64, String, String)>,
    Form(f): Form<RecordForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    chains::taxonomy(&state.db.conn, id, &tax)
        .await?
        .filter(|t| t.node(&track).is_some_and(|n| n.level == Level::Track))
        .ok_or_else(PageError::not_found)?;
    let mut errs = Vec::new();
    let on_date = match nonempty(&f.on_date) {
        None => None,
        Some(s) => match chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(FieldError::new("on_date", "date.format", s));
                None
            }
        },
    };
    let amount = match nonempty(&f.amount_wan) {
        None => None,
        Some(s) => match s.replace([',', '，'], "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x * 10_000.0),
            _ => {
                errs.push(FieldError::new("amount", "number.format", s));
                None
            }
        },
    };
    if !errs.is_empty() {
        return track_page(&state, &v, id, tax, track, f, errs).await;
    }
    let input = tracks::RecordInput {
        kind: f.kind.clone(),
        title: f.title.clone(),
        detail: f.detail.clone(),
        on_date,
        amount,
    };
    match tracks::add_record(&state.db.conn, &v.actor(), id, &tax, &track, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/zones/{id}/tracks/{tax}/{track}")).into_response()),
        Err(devzone_db::DbError::Invalid(e)) => track_page(&state, &v, id, tax, track, f, e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct StageForm {
    stage: String,
}

pub async fn set_stage(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, track)): Path<(i64, String, String)>,
    Form(f): Form<StageForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    tracks::set_stage(&state.db.conn, &v.actor(), id, &tax, &track, &f.stage).await?;
    Ok(Redirect::to(&format!("/zones/{id}/tracks/{tax}/{track}")).into_response())
}

pub struct TargetRow {
    pub name: String,
    pub metric: String,
    pub baseline: String,
    pub current: String,
    pub expected: String,
    pub target: String,
    pub deadline: String,
    pub achieved: String,
    pub on_track: bool,
    pub chart: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/targets.html")]
struct TargetsPage {
    c: Chrome,
    zone_id: i64,
    f: TargetForm,
    errors: Vec<String>,
    qualifications: Vec<(String, String)>,
    /// The tracks to pick from, by taxonomy: (taxonomy name, its tracks).
    track_choices: Vec<(String, Vec<TrackChoice>)>,
    kpis: Vec<Kpi>,
    rows: Vec<TargetRow>,
}

/// A track on the target form: "taxonomy/track", its name, and whether it is picked.
type TrackChoice = (String, String, bool);

fn metric_label(t: &crate::i18n::Tr, m: &Metric) -> String {
    match m {
        Metric::ParksWithTheme { words } => {
            // Each word once, in the order given.
            let mut unique: Vec<&str> = Vec::new();
            for w in words {
                if !unique.contains(&w.as_str()) {
                    unique.push(w);
                }
            }
            t.f(
                "target.metric.parks",
                &[("words", &unique.join(t.t("list.sep")))],
            )
        }
        Metric::EnterprisesInTracks { qualifications, .. } if !qualifications.is_empty() => t.f(
            "target.metric.enterprises_q",
            &[(
                "q",
                &qualifications
                    .iter()
                    .map(|q| t.tv("qualification", q))
                    .collect::<Vec<_>>()
                    .join(t.t("list.sep")),
            )],
        ),
        Metric::EnterprisesInTracks { .. } => t.t("target.metric.enterprises").to_string(),
        Metric::RevenueInTracks { .. } => t.t("target.metric.revenue").to_string(),
    }
}

pub async fn targets(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    targets_page(&state, &v, id, TargetForm::default(), vec![]).await
}

async fn targets_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    f: TargetForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let today = devzone_core::calendar::today();
    let mut rows = Vec::new();
    for mt in crate::zone_figures::targets(state, id).await?.iter() {
        let (m, metric, current, p) = (&mt.target, &mt.metric, mt.current, &mt.progress);
        let money = matches!(metric, Metric::RevenueInTracks { .. });
        let fmt = |x: f64| {
            if money {
                crate::views::format::large_yuan(&t, x)
            } else {
                grouped(x, 0)
            }
        };
        let plan = plan_by_year(m.baseline_value, m.baseline_on, m.target_value, m.deadline);
        use chrono::Datelike;
        let scale = if money { 100_000_000.0 } else { 1.0 };
        let chart = devzone_charts::line_chart(
            &m.name,
            &plan.iter().map(|(y, _)| y.to_string()).collect::<Vec<_>>(),
            &[
                (
                    t.t("target.plan").to_string(),
                    plan.iter().map(|(_, x)| Some(x / scale)).collect(),
                ),
                (
                    t.t("target.actual").to_string(),
                    plan.iter()
                        .map(|(y, _)| {
                            (*y == m.baseline_on.year())
                                .then_some(m.baseline_value / scale)
                                .or((*y == today.year()).then_some(current / scale))
                        })
                        .collect(),
                ),
            ],
        );
        rows.push(TargetRow {
            name: m.name.clone(),
            metric: metric_label(&t, metric),
            baseline: format!("{} ({})", fmt(m.baseline_value), m.baseline_on),
            current: fmt(current),
            expected: fmt(p.expected),
            target: fmt(m.target_value),
            deadline: m.deadline.to_string(),
            achieved: format!("{:.1}%", p.achieved * 100.0),
            on_track: p.on_track,
            chart,
        });
    }
    let behind = rows.iter().filter(|r| !r.on_track).count();
    let kpis = vec![
        Kpi {
            label: t.t("target.count").into(),
            value: rows.len().to_string(),
        },
        Kpi {
            label: t.t("target.on_track").into(),
            value: (rows.len() - behind).to_string(),
        },
        Kpi {
            label: t.t("target.behind").into(),
            value: behind.to_string(),
        },
    ];
    let failed = !errors.is_empty();
    let mut track_choices = Vec::new();
    for tx in chains::taxonomies(db, id).await? {
        // The 2018 SEI classes are industries, not tracks a zone sets targets on.
        if tx.id == "sei2018" {
            continue;
        }
        let picks: Vec<TrackChoice> = tx
            .of_level(Level::Track)
            .map(|tr| {
                let value = format!("{}/{}", tx.id, tr.id);
                let picked = f.tracks.contains(&value);
                (value, tr.name.clone(), picked)
            })
            .collect();
        if !picks.is_empty() {
            track_choices.push((tx.name.clone(), picks));
        }
    }
    let page = TargetsPage {
        zone_id: id,
        track_choices,
        f,
        errors: t.field_messages(&errors),
        qualifications: devzone_core::model::QualificationKind::ALL
            .iter()
            .map(|q| (q.id().to_string(), t.tv("qualification", q.id())))
            .collect(),
        c: Chrome::load(
            db,
            v,
            &format!("{} · {}", t.t("target.title"), zone.name),
            Some(id),
        )
        .await?,
        kpis,
        rows,
    };
    Ok(crate::views::form_response(page, failed))
}

#[derive(Debug, Default, Deserialize)]
pub struct LqParams {
    year: Option<i32>,
    basis: Option<String>,
}

pub struct LqRow {
    pub division: String,
    pub zone: String,
    pub zone_share: String,
    pub province: String,
    pub province_share: String,
    pub lq: String,
    pub high: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/lq.html")]
struct LqPage {
    c: Chrome,
    zone_id: i64,
    years: Vec<(i32, bool)>,
    basis: String,
    rows: Vec<LqRow>,
    chart: String,
    errors: Vec<String>,
    loaded: Option<usize>,
}

async fn lq_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    p: LqParams,
    errors: Vec<String>,
    loaded: Option<usize>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let years = tracks::province_years(db, zone_id).await?;
    let year = p.year.or(years.first().copied());
    let basis = if p.basis.as_deref() == Some("revenue") {
        "revenue"
    } else {
        "employees"
    };
    let mut rows = Vec::new();
    let mut chart = String::new();
    if let Some(y) = year {
        let (z, pr) = tracks::division_figures(db, zone_id, y, basis).await?;
        let q = quotients(&z, &pr);
        let names = industries(IndustryEdition::Amended);
        let label = |d: &str| {
            names
                .get(d)
                .map(|e| format!("{d} {}", e.name))
                .unwrap_or_else(|| d.to_string())
        };
        chart = devzone_charts::bar_chart(
            t.t("lq.chart"),
            &q.iter()
                .take(15)
                .map(|x| (label(&x.division), x.lq * 100.0))
                .collect::<Vec<_>>(),
        );
        let fmt = |x: f64| {
            if basis == "revenue" {
                wan_yuan(x, 0)
            } else {
                grouped(x, 0)
            }
        };
        rows = q
            .iter()
            .map(|x| LqRow {
                division: label(&x.division),
                zone: fmt(x.zone),
                zone_share: format!("{:.1}%", x.zone_share * 100.0),
                province: fmt(x.province),
                province_share: format!("{:.1}%", x.province_share * 100.0),
                lq: format!("{:.2}", x.lq),
                high: x.lq >= 1.0,
            })
            .collect();
    }
    let page = LqPage {
        c: Chrome::load(
            db,
            v,
            &format!("{} · {}", t.t("lq.title"), zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        years: years.iter().map(|y| (*y, Some(*y) == year)).collect(),
        basis: basis.into(),
        rows,
        chart,
        errors,
        loaded,
    };
    Ok(page.into_response())
}

pub async fn lq(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<LqParams>,
) -> Result<Response, PageError> {
    lq_page(&state, &v, id, p, vec![], None).await
}

/// The sheet the province's totals are uploaded in: every division of GB/T 4754-2017 with
/// its name, the last complete year, and the two figures left blank to fill in.
pub async fn lq_template(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    use chrono::Datelike;
    use devzone_io::{Cell, Table};
    let year = devzone_core::calendar::today().year() - 1;
    let table = Table {
        sheet: "全省分行业合计".into(),
        headers: ["行业大类代码", "名称", "年份", "从业人员", "营业收入(万元)"]
            .map(String::from)
            .to_vec(),
        rows: industries(IndustryEdition::Amended)
            .divisions()
            .map(|d| {
                vec![
                    Cell::Text(d.code.clone()),
                    Cell::Text(d.name.clone()),
                    Cell::Number(year as f64),
                    Cell::Empty,
                    Cell::Empty,
                ]
            })
            .collect(),
    };
    crate::views::download(
        &table,
        None,
        "province-totals-template",
        "全省分行业合计模板",
    )
}

/// Province totals from a CSV or spreadsheet: division, year, employees, revenue (万元).
pub async fn upload_province(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let t = v.tr();
    let Ok((Some((name, bytes)), _)) = crate::upload::read_multipart(&mut form).await else {
        return Ok(Redirect::to(&format!("/zones/{id}/location-quotient")).into_response());
    };
    let read = match crate::upload::read_grid(name, bytes).await? {
        Ok(r) => r,
        Err(e) => {
            return lq_page(
                &state,
                &v,
                id,
                LqParams::default(),
                vec![crate::upload::read_error(&t, &e)],
                None,
            )
            .await;
        }
    };
    let rows = match devzone_core::chain::province::parse(&read.grid) {
        Ok(rows) => rows,
        Err(problems) => {
            let errors = problems.iter().map(|p| province_problem(&t, p)).collect();
            return lq_page(&state, &v, id, LqParams::default(), errors, None).await;
        }
    };
    let rows: Vec<_> = rows
        .into_iter()
        .map(|r| (r.division, r.year, r.employees, r.revenue))
        .collect();
    let n = match tracks::set_province_totals(&state.db.conn, &v.actor(), id, &rows).await {
        Ok(n) => n,
        Err(devzone_db::DbError::Conflict { value, .. }) => {
            let msg = t.f("lq.repeated", &[("value", &value)]);
            return lq_page(&state, &v, id, LqParams::default(), vec![msg], None).await;
        }
        Err(e) => return Err(e.into()),
    };
    lq_page(&state, &v, id, LqParams::default(), vec![], Some(n)).await
}

/// A refused line of the province's sheet, in the viewer's language.
fn province_problem(
    t: &crate::i18n::Tr,
    p: &devzone_core::chain::province::ProvinceProblem,
) -> String {
    use devzone_core::chain::province::ProvinceProblem as P;
    match p {
        P::Header => t.t("lq.header").to_string(),
        P::BadDivision { line, value } => t.f(
            "lq.bad_division",
            &[("line", &line.to_string()), ("value", value)],
        ),
        P::BadYear { line, value } => t.f(
            "lq.bad_year",
            &[("line", &line.to_string()), ("value", value)],
        ),
        P::BadNumber { line } => t.f("lq.bad_number", &[("line", &line.to_string())]),
    }
}

/// The target form: the metric chosen by kind, its parameters as text.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct TargetForm {
    name: String,
    kind: String,
    /// Theme words separated by commas (or, from scripts, track ids with `taxonomy`).
    items: Option<String>,
    taxonomy: Option<String>,
    /// Tracks picked by name, each "taxonomy/track".
    #[serde(skip)]
    tracks: Vec<String>,
    qualification: Option<String>,
    target_value: Option<String>,
    baseline: Option<String>,
    baseline_on: Option<String>,
    deadline: Option<String>,
}

impl TargetForm {
    /// The form from its fields, the picked tracks being repeated `tracks` fields.
    fn from_pairs(pairs: &[(String, String)]) -> TargetForm {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        TargetForm {
            name: get("name").unwrap_or_default(),
            kind: get("kind").unwrap_or_default(),
            items: get("items"),
            taxonomy: get("taxonomy"),
            tracks: pairs
                .iter()
                .filter(|(k, v)| k == "tracks" && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect(),
            qualification: get("qualification"),
            target_value: get("target_value"),
            baseline: get("baseline"),
            baseline_on: get("baseline_on"),
            deadline: get("deadline"),
        }
    }

    /// The taxonomy and track ids picked: from the track list, else from typed ids.
    fn picked_tracks(
        &self,
        items: &[String],
        errs: &mut Vec<FieldError>,
    ) -> Option<(String, Vec<String>)> {
        if self.tracks.is_empty() {
            if items.is_empty() {
                errs.push(FieldError::new("tracks", "required", ""));
                return None;
            }
            let taxonomy = nonempty(&self.taxonomy).unwrap_or_else(|| "beijing-future".into());
            return Some((taxonomy, items.to_vec()));
        }
        let mut taxonomy: Option<&str> = None;
        let mut ids = Vec::new();
        for v in &self.tracks {
            let (tx, id) = v.split_once('/').unwrap_or(("", v.as_str()));
            match taxonomy {
                Some(first) if first != tx => {
                    errs.push(FieldError::new("tracks", "target.one_taxonomy", v.clone()));
                    return None;
                }
                _ => taxonomy = Some(tx),
            }
            ids.push(id.to_string());
        }
        Some((taxonomy.unwrap_or_default().to_string(), ids))
    }

    fn metric(&self, errs: &mut Vec<FieldError>) -> Option<Metric> {
        let items: Vec<String> = self
            .items
            .as_deref()
            .unwrap_or("")
            .split([',', '，', '、'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        match self.kind.as_str() {
            "parks_with_theme" if items.is_empty() => {
                errs.push(FieldError::new("items", "required", ""));
                None
            }
            "parks_with_theme" => Some(Metric::ParksWithTheme { words: items }),
            "enterprises_in_tracks" => {
                let (taxonomy, tracks) = self.picked_tracks(&items, errs)?;
                Some(Metric::EnterprisesInTracks {
                    taxonomy,
                    tracks,
                    qualifications: nonempty(&self.qualification).into_iter().collect(),
                })
            }
            "revenue_in_tracks" => {
                let (taxonomy, tracks) = self.picked_tracks(&items, errs)?;
                Some(Metric::RevenueInTracks { taxonomy, tracks })
            }
            other => {
                errs.push(FieldError::new("kind", "choice.unknown", other));
                None
            }
        }
    }
}

/// Adds a target from the form; the baseline is measured now unless one is given. Money is
/// entered in 亿元 for the revenue metric.
pub async fn add_target(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let f = TargetForm::from_pairs(&pairs);
    let mut errs = Vec::new();
    let metric = f.metric(&mut errs);
    // Tracks named must exist in the taxonomy.
    if let Some(
        Metric::EnterprisesInTracks {
            taxonomy, tracks, ..
        }
        | Metric::RevenueInTracks { taxonomy, tracks },
    ) = &metric
    {
        match chains::taxonomy(&state.db.conn, id, taxonomy).await? {
            None => errs.push(FieldError::new(
                "taxonomy",
                "choice.unknown",
                taxonomy.clone(),
            )),
            Some(t) => {
                for tr in tracks {
                    if t.node(tr).is_none_or(|n| n.level != Level::Track) {
                        errs.push(FieldError::new("tracks", "choice.unknown", tr.clone()));
                    }
                }
            }
        }
    }
    let scale = if matches!(metric, Some(Metric::RevenueInTracks { .. })) {
        100_000_000.0
    } else {
        1.0
    };
    let number = |field: &str, v: &Option<String>, errs: &mut Vec<FieldError>| -> Option<f64> {
        let s = nonempty(v)?;
        match s.replace([',', '，'], "").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x * scale),
            _ => {
                errs.push(FieldError::new(field, "number.format", s));
                None
            }
        }
    };
    let target_value = number("target_value", &f.target_value, &mut errs);
    if target_value.is_none() && nonempty(&f.target_value).is_none() {
        errs.push(FieldError::new("target_value", "required", ""));
    }
    let baseline = number("baseline", &f.baseline, &mut errs);
    let date = |field: &str,
                v: &Option<String>,
                errs: &mut Vec<FieldError>|
     -> Option<chrono::NaiveDate> {
        let s = nonempty(v);
        match s
            .as_deref()
            .map(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        {
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                errs.push(FieldError::new(field, "date.format", s.unwrap_or_default()));
                None
            }
            None => {
                errs.push(FieldError::new(field, "required", ""));
                None
            }
        }
    };
    let baseline_on = date("baseline_on", &f.baseline_on, &mut errs);
    let deadline = date("deadline", &f.deadline, &mut errs);
    if !errs.is_empty() {
        return targets_page(&state, &v, id, f, errs).await;
    }
    let (Some(metric), Some(tv), Some(b_on), Some(dl)) =
        (metric, target_value, baseline_on, deadline)
    else {
        return targets_page(&state, &v, id, f, errs).await;
    };
    match tracks::add_target(
        &state.db.conn,
        &v.actor(),
        id,
        &f.name,
        &metric,
        tv,
        baseline,
        b_on,
        dl,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/zones/{id}/targets")).into_response()),
        Err(devzone_db::DbError::Invalid(e)) => targets_page(&state, &v, id, f, e).await,
        Err(e) => Err(e.into()),
    }
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/tracks", get(overview))
        .route("/zones/{id}/tracks/{tax}/{track}", get(track))
        .route("/zones/{id}/tracks/{tax}/{track}/records", post(add_record))
        .route("/zones/{id}/tracks/{tax}/{track}/stage", post(set_stage))
        .route("/zones/{id}/targets", get(targets).post(add_target))
        .route(
            "/zones/{id}/location-quotient/template.xlsx",
            get(lq_template),
        )
        .route(
            "/zones/{id}/location-quotient",
            get(lq)
                .post(upload_province)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::pages::imports::MAX_UPLOAD_BYTES,
                )),
        )
}
