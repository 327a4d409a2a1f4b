//! Industry chains: the zone's taxonomies and chains with their status, a chain's diagram,
//! node table and target list, a node's page with its enterprises and evidence, and the
//! review queue of suggestions.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::format::wan_yuan;
use crate::views::{Chrome, Pager, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_charts::chain::{Box as ChainBox, chain_diagram};
use devzone_core::chain::gap::{NodeGap, Status, Target, Thresholds, analyse, targets};
use devzone_core::chain::suggest::Evidence;
use devzone_core::chain::taxonomy::{Level, Stream, Taxonomy};
use devzone_core::model::{JobKind, JobState};
use devzone_core::validate::FieldError;
use devzone_db::repo::{chains, land};
use devzone_io::{Cell, Table};
use serde::Deserialize;

pub const STATUS_COLOURS: [(&str, &str); 3] = [
    ("strong", "#3a9a6b"),
    ("weak", "#e0a339"),
    ("missing", "#c0504d"),
];

fn colour(status: Status) -> &'static str {
    STATUS_COLOURS
        .iter()
        .find(|(k, _)| *k == status.id())
        .map(|(_, c)| *c)
        .unwrap_or("#9aa5b1")
}

async fn taxonomy_for(state: &AppState, zone_id: i64, id: &str) -> Result<Taxonomy, PageError> {
    chains::taxonomy(&state.db.conn, zone_id, id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn gaps(
    state: &AppState,
    zone_id: i64,
    t: &Taxonomy,
    chain: &str,
) -> Result<Vec<NodeGap>, PageError> {
    let db = &state.db.conn;
    let th = chains::thresholds(db, zone_id).await?;
    let m = crate::zone_figures::chain_members(state, zone_id, &t.id).await?;
    Ok(analyse(t, chain, &m.0, &m.1, &th))
}

#[derive(Clone)]
pub struct ChainRow {
    pub taxonomy: String,
    pub id: String,
    pub name: String,
    pub track: String,
    pub strong: usize,
    pub weak: usize,
    pub missing: usize,
    pub confirmed: usize,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ThresholdForm {
    strong_min_enterprises: Option<String>,
    leading_revenue_yi: Option<String>,
    weak_min_enterprises: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/list.html")]
struct IndexPage {
    c: Chrome,
    zone_id: i64,
    rows: Vec<ChainRow>,
    taxonomies: Vec<(String, String, String, usize)>,
    pending: u64,
    outdated: Vec<(String, String, String)>,
    f: ThresholdForm,
    errors: Vec<String>,
    notice: Option<String>,
    /// A suggestion job is running: the page reloads until it has ended.
    running: bool,
}

/// Each chain of each taxonomy with its node counts by status.
async fn chain_rows(
    state: &AppState,
    zone_id: i64,
    taxonomies: &[Taxonomy],
    th: &Thresholds,
) -> devzone_db::DbResult<Vec<ChainRow>> {
    let mut rows = Vec::new();
    for tx in taxonomies {
        if tx.of_level(Level::Chain).next().is_none() {
            continue;
        }
        let m = crate::zone_figures::chain_members(state, zone_id, &tx.id).await?;
        for ch in tx.of_level(Level::Chain) {
            let g = analyse(tx, &ch.id, &m.0, &m.1, th);
            let count = |s: Status| g.iter().filter(|x| x.status == s).count();
            rows.push(ChainRow {
                taxonomy: tx.id.clone(),
                id: ch.id.clone(),
                name: ch.name.clone(),
                track: ch
                    .parent
                    .as_deref()
                    .and_then(|p| tx.node(p))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                strong: count(Status::Strong),
                weak: count(Status::Weak),
                missing: count(Status::Missing),
                confirmed: g.iter().map(|x| x.confirmed).sum(),
            });
        }
    }
    Ok(rows)
}

async fn index_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    f: Option<ThresholdForm>,
    errors: Vec<FieldError>,
    notice: Option<String>,
    running: bool,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let taxonomies = chains::taxonomies(db, zone_id).await?;
    let th = chains::thresholds(db, zone_id).await?;
    // The gap analysis of every chain reads every member of the zone, and the suggestions
    // waiting for review are counted among hundreds of thousands: kept until the zone changes.
    // Taxonomies and thresholds are read again inside: the figure must hold what the zone
    // held at the version it is kept under, not what the page read before.
    let index = state
        .memo
        .get(
            db,
            devzone_db::memo::Key::new("chain_index", zone_id),
            || async {
                let taxonomies = chains::taxonomies(db, zone_id).await?;
                let th = chains::thresholds(db, zone_id).await?;
                let rows = chain_rows(state, zone_id, &taxonomies, &th).await?;
                let pending = chains::review_queue(db, zone_id, None, 1, 1).await?.total;
                Ok((rows, pending))
            },
        )
        .await?;
    let (rows, pending) = (&index.0, index.1);
    let outdated = crate::zone_figures::outdated_mappings(state, zone_id).await?;
    let outdated = (*outdated).clone();
    let page = IndexPage {
        c: Chrome::load(
            db,
            v,
            &format!("{} · {}", t.t("chain.title"), zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        rows: rows.to_vec(),
        taxonomies: taxonomies
            .iter()
            .map(|x| {
                (
                    x.id.clone(),
                    x.name.clone(),
                    x.version.clone(),
                    x.nodes.len(),
                )
            })
            .collect(),
        pending,
        outdated,
        f: f.unwrap_or(ThresholdForm {
            strong_min_enterprises: Some(th.strong_min_enterprises.to_string()),
            leading_revenue_yi: Some(format!("{}", th.leading_revenue / 100_000_000.0)),
            weak_min_enterprises: Some(th.weak_min_enterprises.to_string()),
        }),
        errors: t.field_messages(&errors),
        notice,
        running,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

#[derive(Debug, Default, Deserialize)]
pub struct IndexParams {
    /// A suggestion job started from this page: its state is shown until it has ended.
    job: Option<i64>,
}

pub async fn index(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<IndexParams>,
) -> Result<Response, PageError> {
    let mut notice = None;
    let mut running = false;
    if let Some(j) = p.job {
        zone_for(&state, &v, id).await?;
        let job = devzone_db::repo::jobs::get(&state.db.conn, j)
            .await?
            .filter(|x| x.zone_id == Some(id) && x.kind == JobKind::ChainSuggestions.id())
            .ok_or_else(PageError::not_found)?;
        let t = v.tr();
        notice = Some(match JobState::parse(&job.state) {
            Some(JobState::Running) => {
                running = true;
                t.t("chain.suggesting").to_string()
            }
            Some(JobState::Done) => {
                let counts: serde_json::Value =
                    serde_json::from_str(job.counts.as_deref().unwrap_or("{}")).unwrap_or_default();
                let n = |k: &str| counts[k].as_u64().unwrap_or(0).to_string();
                t.f(
                    "chain.suggested",
                    &[
                        ("n", &n("suggested")),
                        ("e", &n("enterprises")),
                        ("kept", &n("already_reviewed")),
                    ],
                )
            }
            _ => format!(
                "{}: {}",
                t.t("chain.suggest_failed"),
                job.error.unwrap_or_default()
            ),
        });
    }
    index_page(&state, &v, id, None, vec![], notice, running).await
}

pub async fn set_thresholds(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ThresholdForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let mut errs = Vec::new();
    let int = |field: &str, v: &Option<String>, errs: &mut Vec<FieldError>| -> u32 {
        let s = nonempty(v).unwrap_or_default();
        match s.parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                errs.push(FieldError::new(field, "number.out_of_range", s));
                1
            }
        }
    };
    let strong = int(
        "strong_min_enterprises",
        &f.strong_min_enterprises,
        &mut errs,
    );
    let weak = int("weak_min_enterprises", &f.weak_min_enterprises, &mut errs);
    let lead = nonempty(&f.leading_revenue_yi).unwrap_or_default();
    let leading = match lead.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => x * 100_000_000.0,
        _ => {
            errs.push(FieldError::new(
                "leading_revenue_yi",
                "number.positive",
                lead,
            ));
            0.0
        }
    };
    if errs.is_empty() && weak > strong {
        errs.push(FieldError::new(
            "weak_min_enterprises",
            "chain.weak_above_strong",
            weak.to_string(),
        ));
    }
    if !errs.is_empty() {
        return index_page(&state, &v, id, Some(f), errs, None, false).await;
    }
    let th = Thresholds {
        strong_min_enterprises: strong,
        leading_revenue: leading,
        weak_min_enterprises: weak,
    };
    chains::set_thresholds(&state.db.conn, &v.actor(), id, &th).await?;
    Ok(Redirect::to(&format!("/zones/{id}/chains")).into_response())
}

pub async fn run_suggestions(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    // A run already under way in the zone is shown instead of a second one.
    let job = match crate::jobs::start_suggestions(&state, &v.actor(), id).await {
        Ok(j) => j,
        Err(crate::jobs::Refused::Busy(j)) => j,
        Err(crate::jobs::Refused::Db(e)) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/zones/{id}/chains?job={}", job.id)).into_response())
}

pub struct GapRow {
    pub id: String,
    pub name: String,
    pub stream: String,
    pub status: String,
    pub status_key: String,
    pub confirmed: usize,
    pub suggested: usize,
    pub leaders: String,
    pub revenue: String,
    pub tax: String,
    pub employees: String,
    pub qualifications: String,
}

pub struct TargetRow {
    pub id: String,
    pub name: String,
    pub stream: String,
    pub status: String,
    pub why: String,
    pub attract: String,
    pub codes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/chain.html")]
struct ChainPage {
    c: Chrome,
    zone_id: i64,
    taxonomy: String,
    chain: String,
    title: String,
    track: String,
    diagram: String,
    legend: Vec<(String, &'static str)>,
    rows: Vec<GapRow>,
    targets: Vec<TargetRow>,
}

fn stream_label(t: &Tr, s: Option<Stream>) -> String {
    s.map(|s| t.tv("chain.stream", s.id())).unwrap_or_default()
}

fn target_rows(t: &Tr, list: &[Target]) -> Vec<TargetRow> {
    list.iter()
        .map(|x| {
            let mut why = Vec::new();
            if !x.supplies.is_empty() {
                why.push(t.f(
                    "chain.why_supplies",
                    &[("nodes", &x.supplies.join(t.t("list.sep")))],
                ));
            }
            if !x.supplied_by.is_empty() {
                why.push(t.f(
                    "chain.why_supplied_by",
                    &[("nodes", &x.supplied_by.join(t.t("list.sep")))],
                ));
            }
            if why.is_empty() {
                why.push(x.description.clone());
            }
            TargetRow {
                id: x.node_id.clone(),
                name: x.name.clone(),
                stream: stream_label(t, x.stream),
                status: t.tv("chain.status", x.status.id()),
                why: why.join(t.t("list.sep_clause")),
                attract: {
                    // Products and technologies often name the same thing: each once.
                    let mut seen: Vec<&str> = Vec::new();
                    for a in &x.attract {
                        if !seen.contains(&a.as_str()) {
                            seen.push(a);
                        }
                    }
                    seen.join(t.t("list.sep"))
                },
                codes: x.industry_codes.join(t.t("list.sep")),
            }
        })
        .collect()
}

pub async fn chain(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, chain)): Path<(i64, String, String)>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let tx = taxonomy_for(&state, id, &tax).await?;
    let ch = tx
        .node(&chain)
        .filter(|n| n.level == Level::Chain)
        .ok_or_else(PageError::not_found)?;
    let g = gaps(&state, id, &tx, &chain).await?;
    let col = |s: Stream| -> Vec<ChainBox> {
        g.iter()
            .filter(|x| x.stream == Some(s))
            .map(|x| ChainBox {
                id: x.node_id.clone(),
                label: x.name.clone(),
                count: x.confirmed,
                status: x.status.id().into(),
                fill: colour(x.status).into(),
                href: format!("/zones/{id}/chains/{tax}/nodes/{}", x.node_id),
            })
            .collect()
    };
    let columns = vec![
        (t.tv("chain.stream", "upstream"), col(Stream::Upstream)),
        (t.tv("chain.stream", "midstream"), col(Stream::Midstream)),
        (t.tv("chain.stream", "downstream"), col(Stream::Downstream)),
    ];
    let edges: Vec<(String, String)> = tx
        .descendants(&chain)
        .iter()
        .flat_map(|n| n.supplies.iter().map(|s| (n.id.clone(), s.clone())))
        .collect();
    let diagram = chain_diagram(&ch.name, &columns, &edges);
    let rows = g
        .iter()
        .map(|x| GapRow {
            id: x.node_id.clone(),
            name: x.name.clone(),
            stream: stream_label(&t, x.stream),
            status: t.tv("chain.status", x.status.id()),
            status_key: x.status.id().into(),
            confirmed: x.confirmed,
            suggested: x.suggested,
            leaders: x
                .leaders
                .iter()
                .take(3)
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
                .join(t.t("list.sep")),
            revenue: wan_yuan(x.revenue, 0),
            tax: wan_yuan(x.tax, 0),
            employees: grouped(x.employees, 0),
            qualifications: x
                .qualifications
                .iter()
                .map(|(k, n)| format!("{} {n}", t.tv("qualification", k)))
                .collect::<Vec<_>>()
                .join(t.t("list.sep")),
        })
        .collect();
    let page = ChainPage {
        c: Chrome::load(db, &v, &format!("{} · {}", ch.name, zone.name), Some(id)).await?,
        zone_id: id,
        taxonomy: tax.clone(),
        chain: chain.clone(),
        title: ch.name.clone(),
        track: ch
            .parent
            .as_deref()
            .and_then(|p| tx.node(p))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        diagram,
        legend: STATUS_COLOURS
            .iter()
            .map(|(k, c)| (t.tv("chain.status", k), *c))
            .collect(),
        rows,
        targets: target_rows(&t, &targets(&tx, &g)),
    };
    Ok(page.into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    format: Option<String>,
}

/// The target list of a chain as XLSX or CSV.
pub async fn targets_export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, chain)): Path<(i64, String, String)>,
    Query(p): Query<ExportParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let t = v.tr();
    let tx = taxonomy_for(&state, id, &tax).await?;
    let ch = tx
        .node(&chain)
        .filter(|n| n.level == Level::Chain)
        .ok_or_else(PageError::not_found)?;
    let g = gaps(&state, id, &tx, &chain).await?;
    let rows = target_rows(&t, &targets(&tx, &g));
    let table = Table {
        sheet: t.t("chain.targets").to_string(),
        headers: [
            "chain.node",
            "chain.stream_label",
            "chain.status_label",
            "chain.why",
            "chain.attract",
            "chain.codes",
        ]
        .iter()
        .map(|k| t.t(k).to_string())
        .collect(),
        rows: rows
            .into_iter()
            .map(|r| {
                [r.name, r.stream, r.status, r.why, r.attract, r.codes]
                    .into_iter()
                    .map(Cell::Text)
                    .collect()
            })
            .collect(),
    };
    let stem = format!("{}-{}-{}", zone.name, ch.name, t.t("chain.targets"));
    crate::views::download(&table, p.format.as_deref(), "chain-targets", &stem)
}

pub struct MappingRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub node: String,
    pub node_id: String,
    pub taxonomy: String,
    pub confidence: String,
    pub evidence: String,
    pub origin: String,
    pub leading: bool,
}

fn evidence_text(t: &Tr, json: &str) -> String {
    serde_json::from_str::<Vec<Evidence>>(json)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let src = match e.source {
                devzone_core::chain::suggest::Source::Scope => "scope",
                devzone_core::chain::suggest::Source::Products => "products",
                devzone_core::chain::suggest::Source::Name => "name",
                devzone_core::chain::suggest::Source::IndustryCode => "industry_code",
            };
            format!("{}「{}」", t.tv("chain.source", src), e.term)
        })
        .collect::<Vec<_>>()
        .join(t.t("list.sep"))
}

async fn mapping_rows(
    state: &AppState,
    t: &Tr,
    taxonomies: &[Taxonomy],
    ms: &[devzone_db::entities::chain_mapping::Model],
) -> Result<Vec<MappingRow>, PageError> {
    let zone_id = ms.first().map_or(0, |m| m.zone_id);
    let names =
        land::enterprise_names(&state.db.conn, zone_id, ms.iter().map(|m| m.enterprise_id)).await?;
    Ok(ms
        .iter()
        .map(|m| MappingRow {
            id: m.id,
            enterprise_id: m.enterprise_id,
            enterprise: names.get(&m.enterprise_id).cloned().unwrap_or_default(),
            node: taxonomies
                .iter()
                .find(|x| x.id == m.taxonomy)
                .and_then(|x| x.node(&m.node_id))
                .map(|n| n.name.clone())
                .unwrap_or_else(|| format!("{} ({})", m.node_id, t.t("chain.outdated"))),
            node_id: m.node_id.clone(),
            taxonomy: m.taxonomy.clone(),
            confidence: m
                .confidence
                .map(|c| format!("{:.0}%", c * 100.0))
                .unwrap_or_default(),
            evidence: evidence_text(t, &m.evidence),
            origin: t.tv("chain.origin", &m.origin),
            leading: m.leading,
        })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/node.html")]
struct NodePage {
    c: Chrome,
    error: Option<String>,
    node_id: String,
    zone_id: i64,
    taxonomy: String,
    chain: Option<(String, String)>,
    name: String,
    facts: Vec<(String, String)>,
    status: String,
    confirmed: Vec<MappingRow>,
    suggested: Vec<MappingRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NodeParams {
    error: Option<String>,
}

pub async fn node(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, node)): Path<(i64, String, String)>,
    Query(p): Query<NodeParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let taxonomies = chains::taxonomies(db, id).await?;
    let tx = taxonomies
        .iter()
        .find(|x| x.id == tax)
        .ok_or_else(PageError::not_found)?;
    let n = tx.node(&node).ok_or_else(PageError::not_found)?;
    // The chain above the node, for the way back and its status.
    let mut chain = None;
    let mut at = n;
    while let Some(p) = at.parent.as_deref().and_then(|p| tx.node(p)) {
        if p.level == Level::Chain {
            chain = Some((p.id.clone(), p.name.clone()));
            break;
        }
        at = p;
    }
    let status = match &chain {
        Some((cid, _)) => gaps(&state, id, tx, cid)
            .await?
            .into_iter()
            .find(|g| g.node_id == node)
            .map(|g| t.tv("chain.status", g.status.id()))
            .unwrap_or_default(),
        None => String::new(),
    };
    let ms = chains::mappings(db, id, Some(&tax), Some(&node), None).await?;
    let confirmed: Vec<_> = ms
        .iter()
        .filter(|m| m.state == chains::CONFIRMED)
        .cloned()
        .collect();
    let suggested: Vec<_> = ms
        .iter()
        .filter(|m| m.state == chains::SUGGESTED)
        .cloned()
        .collect();
    let supplies: Vec<String> = n
        .supplies
        .iter()
        .filter_map(|s| tx.node(s))
        .map(|x| x.name.clone())
        .collect();
    let facts = vec![
        (
            t.t("chain.stream_label").to_string(),
            stream_label(&t, n.stream),
        ),
        (t.t("chain.description").to_string(), n.description.clone()),
        (
            t.t("chain.products").to_string(),
            n.products.join(t.t("list.sep")),
        ),
        (
            t.t("chain.keywords").to_string(),
            n.keywords.join(t.t("list.sep")),
        ),
        (
            t.t("chain.codes").to_string(),
            n.industry_codes.join(t.t("list.sep")),
        ),
        (
            t.t("chain.supplies").to_string(),
            supplies.join(t.t("list.sep")),
        ),
    ];
    let page = NodePage {
        error: nonempty(&p.error),
        node_id: node.clone(),
        c: Chrome::load(db, &v, &format!("{} · {}", n.name, zone.name), Some(id)).await?,
        zone_id: id,
        taxonomy: tax.clone(),
        chain,
        name: n.name.clone(),
        facts,
        status,
        confirmed: mapping_rows(&state, &t, &taxonomies, &confirmed).await?,
        suggested: mapping_rows(&state, &t, &taxonomies, &suggested).await?,
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/review.html")]
struct ReviewPage {
    c: Chrome,
    zone_id: i64,
    rows: Vec<MappingRow>,
    total_text: String,
    pager: Pager,
    back: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewParams {
    taxonomy: Option<String>,
    page: Option<u64>,
}

pub async fn review_queue(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<ReviewParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let taxonomies = chains::taxonomies(db, id).await?;
    let tax = nonempty(&p.taxonomy);
    let page = chains::review_queue(db, id, tax.as_deref(), p.page.unwrap_or(1).max(1), 50).await?;
    let raw = raw.unwrap_or_default();
    let pages = page.pages();
    let view = ReviewPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("chain.review"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        rows: mapping_rows(&state, &t, &taxonomies, &page.items).await?,
        total_text: t.f("chain.review_total", &[("n", &page.total.to_string())]),
        pager: Pager::new(&t, page.page, pages, &raw),
        back: format!("/zones/{id}/chains/review?{raw}"),
    };
    Ok(view.into_response())
}

/// Confirms or rejects the mappings ticked (`id` repeated) and returns to `back`.
pub async fn review(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let state_id = get("state").unwrap_or_default();
    chains::review(&state.db.conn, &v.actor(), id, &ids, &state_id).await?;
    let back = get("back")
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| format!("/zones/{id}/chains/review"));
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "chains/taxonomy.html")]
struct TaxonomyPage {
    c: Chrome,
    zone_id: i64,
    id: String,
    source: String,
    error: Option<String>,
}

async fn taxonomy_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    id: String,
    source: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let t = v.tr();
    let failed = error.is_some();
    let page = TaxonomyPage {
        c: Chrome::load(
            &state.db.conn,
            v,
            &format!("{} {id} · {}", t.t("chain.taxonomy"), zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        id,
        source,
        error,
    };
    Ok(crate::views::form_response(page, failed))
}

/// A taxonomy's TOML, editable: a saved version applies to this zone only.
pub async fn taxonomy_source(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    let source = chains::source(&state.db.conn, id, &tax)
        .await?
        .ok_or_else(PageError::not_found)?;
    taxonomy_page(&state, &v, id, tax, source, None).await
}

#[derive(Debug, Deserialize)]
pub struct SourceForm {
    source: String,
}

pub async fn save_taxonomy(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax)): Path<(i64, String)>,
    axum::Form(f): axum::Form<SourceForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let t = v.tr();
    // The text must load, and keep the taxonomy's id: it is a new version, not a new one.
    let parsed = Taxonomy::parse(&f.source).map_err(|e| {
        let line = e
            .line
            .map(|l| t.f("chain.at_line", &[("line", &l.to_string())]))
            .unwrap_or_default();
        format!("{line}{}", e.message)
    });
    let parsed = match parsed {
        Ok(p) if p.id == tax => p,
        Ok(p) => {
            let msg = t.f("chain.id_changed", &[("id", &p.id), ("was", &tax)]);
            return taxonomy_page(&state, &v, id, tax, f.source, Some(msg)).await;
        }
        Err(msg) => return taxonomy_page(&state, &v, id, tax, f.source, Some(msg)).await,
    };
    chains::save_taxonomy(&state.db.conn, &v.actor(), id, &parsed, &f.source).await?;
    Ok(Redirect::to(&format!("/zones/{id}/chains")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ManualForm {
    credit_code: String,
}

/// Places an enterprise of the zone on a node by hand, by its credit code.
pub async fn add_manual(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, tax, node)): Path<(i64, String, String)>,
    axum::Form(f): axum::Form<ManualForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let db = &state.db.conn;
    let t = taxonomy_for(&state, id, &tax).await?;
    t.node(&node).ok_or_else(PageError::not_found)?;
    let code = f.credit_code.trim().to_uppercase();
    let back = format!("/zones/{id}/chains/{tax}/nodes/{node}");
    match devzone_db::repo::enterprises::by_code(db, id, &code).await? {
        Some(e) => {
            chains::add_manual(db, &v.actor(), id, e.id, &tax, &node).await?;
            Ok(Redirect::to(&back).into_response())
        }
        None => {
            let tr = v.tr();
            let msg = tr.f("rule.land.holder_unknown", &[("value", &code)]);
            Ok(
                Redirect::to(&format!("{back}?error={}", crate::session::urlencode(&msg)))
                    .into_response(),
            )
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct LeadingForm {
    leading: String,
    back: Option<String>,
}

/// Flags a confirmed enterprise as leading on its node (or takes the flag off).
pub async fn set_leading(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((id, mapping)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<LeadingForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let m =
        chains::set_leading(&state.db.conn, &v.actor(), id, mapping, f.leading == "true").await?;
    let back = f
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| format!("/zones/{id}/chains/{}/nodes/{}", m.taxonomy, m.node_id));
    Ok(Redirect::to(&back).into_response())
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/chains", get(index))
        .route(
            "/zones/{id}/chain-taxonomies/{tax}",
            get(taxonomy_source).post(save_taxonomy),
        )
        .route("/zones/{id}/chains/suggest", post(run_suggestions))
        .route("/zones/{id}/chains/thresholds", post(set_thresholds))
        .route("/zones/{id}/chains/review", get(review_queue).post(review))
        .route("/zones/{id}/chains/{tax}/nodes/{node}", get(node))
        .route(
            "/zones/{id}/chains/mappings/{mapping}/leading",
            post(set_leading),
        )
        .route(
            "/zones/{id}/chains/{tax}/nodes/{node}/enterprises",
            post(add_manual),
        )
        .route("/zones/{id}/chains/{tax}/{chain}", get(chain))
        .route(
            "/zones/{id}/chains/{tax}/{chain}/targets",
            get(targets_export),
        )
}
