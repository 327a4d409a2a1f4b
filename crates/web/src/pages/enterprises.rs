//! Enterprise list, export, page, and the create/edit, facts and qualification forms.

use super::{nonempty, query_without, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::home::field_label;
use crate::session::{PageViewer, Viewer};
use crate::views::{Chrome, Pager, grouped, wan};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::facts::{Centi, FactField, display_grouped, display_unit, from_display};
use devzone_core::model::{FactSource, Ownership, QualificationKind};
use devzone_core::reference::{IndustryEdition, divisions, industries};
use devzone_core::validate::{
    EnterpriseInput, FactsInput, FieldError, QualificationInput, parse_number,
};
use devzone_db::entities::{enterprise, park};
use devzone_db::repo::{Page, enterprises, facts, zones};
use devzone_io::{Cell, Table};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListParams {
    q: Option<String>,
    park: Option<String>,
    industry: Option<String>,
    qualification: Option<String>,
    scale: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<u64>,
    format: Option<String>,
}

impl ListParams {
    fn query(&self, zone_id: i64, per_page: u64) -> enterprises::ListQuery {
        enterprises::ListQuery {
            zone_id: Some(zone_id),
            q: nonempty(&self.q),
            park_id: nonempty(&self.park).and_then(|p| p.parse().ok()),
            industry: nonempty(&self.industry),
            qualification: nonempty(&self.qualification),
            above_scale: match self.scale.as_deref() {
                Some("above") => Some(true),
                Some("below") => Some(false),
                _ => None,
            },
            sort: self
                .sort
                .as_deref()
                .and_then(enterprises::SortKey::parse)
                .unwrap_or_default(),
            descending: self.dir.as_deref() == Some("desc"),
            page: self.page.unwrap_or(1),
            per_page,
        }
    }
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub park: String,
    pub revenue: String,
    pub above_scale: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/enterprises.html")]
struct ListPage {
    c: Chrome,
    zone_id: i64,
    p: ListParams,
    rows: Vec<Row>,
    total_text: String,
    pager: Pager,
    export_query: String,
    parks: Vec<(i64, String)>,
    qualifications: Vec<(String, String)>,
    sorts: Vec<(String, String)>,
}

fn industry_label(code: &str) -> String {
    industries(IndustryEdition::Amended)
        .get(code)
        .map(|e| format!("{code} {}", e.name))
        .unwrap_or_else(|| code.to_string())
}

fn park_names(parks: &[park::Model]) -> BTreeMap<i64, String> {
    parks.iter().map(|p| (p.id, p.name.clone())).collect()
}

fn rows(items: &[enterprise::Model], parks: &BTreeMap<i64, String>) -> Vec<Row> {
    items
        .iter()
        .map(|e| Row {
            id: e.id,
            name: e.name.clone(),
            credit_code: e.credit_code.clone(),
            industry: industry_label(&e.industry_code),
            park: e
                .park_id
                .and_then(|p| parks.get(&p).cloned())
                .unwrap_or_default(),
            revenue: wan(e.latest_revenue),
            above_scale: e.above_scale == Some(true),
        })
        .collect()
}

const PER_PAGE: u64 = 20;
/// Exports stop here; a larger extract is the data-export command's job.
const MAX_EXPORT_ROWS: u64 = 100_000;

pub async fn list(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let page: Page<enterprise::Model> =
        crate::zone_figures::enterprise_page(&state, &v.scope, &p.query(id, PER_PAGE)).await?;
    let parks = zones::parks(db, id).await?;
    let names = park_names(&parks);
    let raw = raw.unwrap_or_default();
    let pages = page.pages();
    let export_query = query_without(&raw, &["page"]);
    let list = ListPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", t.t("list.title"), zone.name),
            Some(id),
        )
        .await?,
        zone_id: id,
        rows: rows(&page.items, &names),
        total_text: t.f("list.total", &[("n", &grouped(page.total as f64, 0))]),
        pager: Pager::new(&t, page.page, pages, &raw),
        export_query,
        parks: parks.iter().map(|p| (p.id, p.name.clone())).collect(),
        qualifications: QualificationKind::ALL
            .iter()
            .map(|k| (k.id().to_string(), t.tv("qualification", k.id())))
            .collect(),
        sorts: [
            "name",
            "credit_code",
            "industry_code",
            "founded_on",
            "registered_capital",
            "revenue",
        ]
        .iter()
        .map(|s| (s.to_string(), t.tv("sort", s)))
        .collect(),
        p,
    };
    Ok(list.into_response())
}

/// The current view of the list (same filters and sort, all pages) as XLSX or CSV.
pub async fn export(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let zone = zone_for(&state, &v, id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let names = park_names(&zones::parks(db, id).await?);
    let mut q = p.query(id, devzone_db::repo::MAX_PER_PAGE);
    let mut out = Vec::new();
    q.page = 1;
    loop {
        let page = enterprises::list(db, &v.scope, &q).await?;
        let done = page.page >= page.pages()
            || out.len() as u64 + page.items.len() as u64 >= MAX_EXPORT_ROWS;
        out.extend(page.items);
        if done {
            break;
        }
        q.page += 1;
    }
    let headers = vec![
        t.t("field.credit_code").to_string(),
        t.t("field.name").to_string(),
        t.t("ent.industry").to_string(),
        t.t("list.park").to_string(),
        t.t("field.ownership").to_string(),
        t.t("field.founded_on").to_string(),
        t.t("field.registered_capital").to_string(),
        format!("{} ({})", t.t("sort.revenue"), t.t("unit.wan_yuan")),
        t.t("list.scale").to_string(),
    ];
    let rows = out
        .iter()
        .map(|e| {
            vec![
                Cell::Text(e.credit_code.clone()),
                Cell::Text(e.name.clone()),
                Cell::Text(industry_label(&e.industry_code)),
                Cell::Text(
                    e.park_id
                        .and_then(|p| names.get(&p).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Text(t.tv("ownership", &e.ownership)),
                e.founded_on
                    .map(|d| Cell::Text(d.to_string()))
                    .unwrap_or(Cell::Empty),
                e.registered_capital
                    .map(|c| Cell::Number(c as f64 / 1_000_000.0))
                    .unwrap_or(Cell::Empty),
                e.latest_revenue
                    .map(|c| Cell::Number(c as f64 / 1_000_000.0))
                    .unwrap_or(Cell::Empty),
                Cell::Text(match e.above_scale {
                    Some(true) => t.t("list.scale.above").into(),
                    Some(false) => t.t("list.scale.below").into(),
                    None => String::new(),
                }),
            ]
        })
        .collect();
    let table = Table {
        sheet: t.t("list.title").to_string(),
        headers,
        rows,
    };
    let stem = format!("{}-{}", zone.name, devzone_core::calendar::stamp());
    crate::views::download(&table, p.format.as_deref(), "enterprises", &stem)
}

pub struct FactRow {
    pub label: String,
    pub unit: String,
    /// One cell per year: (shown value, source label, tooltip with history)
    pub cells: Vec<(String, String, String)>,
}

pub struct QualRow {
    pub kind: String,
    pub from: String,
    pub to: String,
    pub valid: bool,
}

pub struct HistoryRow {
    pub year: i32,
    pub field: String,
    pub value: String,
    pub source: String,
    pub as_of: String,
    pub entered_by: String,
    pub entered_at: String,
    pub current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/enterprise.html")]
struct EnterprisePage {
    c: Chrome,
    e: enterprise::Model,
    profile: Vec<(String, String)>,
    quals: Vec<QualRow>,
    years: Vec<i32>,
    facts: Vec<FactRow>,
    history: Vec<HistoryRow>,
    /// Figures where sources disagree: (year, field, current "value (source)", others).
    disagreements: Vec<(i32, String, String, String)>,
    chart: String,
    fact_fields: Vec<(String, String, String)>,
    sources: Vec<(String, String)>,
    qual_kinds: Vec<(String, String)>,
    next_year: i32,
    errors: Vec<String>,
    /// The latest published per-mu evaluation of the enterprise: (link, text).
    evaluation: Option<(String, String)>,
    /// Chain nodes it is placed on: (link, node, state); none for enterprise accounts.
    chains: Vec<(String, String, String)>,
    tier: super::tiers::OwnTier,
}

fn profile(t: Tr, e: &enterprise::Model, zone: &str, park: Option<&str>) -> Vec<(String, String)> {
    let list = |json: &str| {
        serde_json::from_str::<Vec<String>>(json)
            .unwrap_or_default()
            .join(t.t("list.sep"))
    };
    let division = e
        .division_code
        .as_deref()
        .map(|d| {
            format!(
                "{d} {}",
                divisions().get(d).map(|x| x.name.as_str()).unwrap_or("")
            )
        })
        .unwrap_or_default();
    vec![
        (t.t("field.credit_code").into(), e.credit_code.clone()),
        (t.t("field.former_names").into(), list(&e.former_names)),
        (t.t("ent.industry").into(), industry_label(&e.industry_code)),
        (t.t("ent.zone").into(), zone.to_string()),
        (t.t("list.park").into(), park.unwrap_or("").to_string()),
        (
            t.t("field.address").into(),
            e.address.clone().unwrap_or_default(),
        ),
        (t.t("field.division_code").into(), division),
        (
            t.t("field.business_scope").into(),
            e.business_scope.clone().unwrap_or_default(),
        ),
        (
            t.t("field.main_products").into(),
            e.main_products.clone().unwrap_or_default(),
        ),
        (
            t.t("field.ownership").into(),
            t.tv("ownership", &e.ownership),
        ),
        (
            t.t("field.source_country").into(),
            e.source_country.clone().unwrap_or_default(),
        ),
        (
            t.t("field.fortune500_parent").into(),
            e.fortune500_parent.clone().unwrap_or_default(),
        ),
        (
            t.t("field.founded_on").into(),
            e.founded_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            t.t("field.registered_capital").into(),
            wan(e.registered_capital),
        ),
        (t.t("field.tags").into(), list(&e.tags)),
    ]
}

fn show_value(f: FactField, v: &devzone_db::repo::facts::FactVersion) -> String {
    match (v.value, &v.text_value) {
        (Some(c), _) => display_grouped(f, Centi(c)),
        (None, Some(t)) => t.clone(),
        _ => String::new(),
    }
}

async fn enterprise_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let t = v.tr();
    let e = enterprises::get(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let zone = zones::get(db, &devzone_db::Scope::all(), e.zone_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let park = match e.park_id {
        Some(p) => zones::park(db, &devzone_db::Scope::all(), p).await?,
        None => None,
    };
    let today = devzone_core::calendar::today();
    let quals = enterprises::qualifications(db, id)
        .await?
        .into_iter()
        .map(|q| QualRow {
            kind: t.tv("qualification", &q.kind),
            from: q.valid_from.to_string(),
            to: q.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            valid: q.valid_from <= today && q.valid_to.is_none_or(|d| d >= today),
        })
        .collect();
    let history = facts::history(db, id).await?;
    let mut years: Vec<i32> = history.iter().map(|h| h.year).collect();
    years.sort();
    years.dedup();
    let facts: Vec<FactRow> = FactField::ALL
        .iter()
        .filter(|f| history.iter().any(|h| h.field == f.id()))
        .map(|f| {
            let cells = years
                .iter()
                .map(|y| {
                    let versions: Vec<_> = history
                        .iter()
                        .filter(|h| h.year == *y && h.field == f.id())
                        .collect();
                    match versions.iter().find(|h| h.current) {
                        Some(cur) => {
                            let earlier: Vec<String> = versions
                                .iter()
                                .filter(|h| !h.current)
                                .map(|h| {
                                    format!(
                                        "{} ({}, {})",
                                        show_value(*f, h),
                                        t.tv("source", &h.source),
                                        h.entered_at.format("%Y-%m-%d")
                                    )
                                })
                                .collect();
                            let tip = if earlier.is_empty() {
                                String::new()
                            } else {
                                format!("{}: {}", t.t("ent.earlier"), earlier.join("; "))
                            };
                            (show_value(*f, cur), t.tv("source", &cur.source), tip)
                        }
                        None => (String::new(), String::new(), String::new()),
                    }
                })
                .collect();
            FactRow {
                label: field_label(t, *f),
                unit: t.tv("unit", display_unit(*f)),
                cells,
            }
        })
        .collect();
    let series: Vec<(String, Vec<Option<f64>>)> =
        [FactField::Revenue, FactField::ValueAdded, FactField::Tax]
            .iter()
            .map(|f| {
                let vals = years
                    .iter()
                    .map(|y| {
                        history
                            .iter()
                            .find(|h| h.year == *y && h.field == f.id() && h.current)
                            .and_then(|h| h.value)
                            .map(|c| c as f64 / 1_000_000.0)
                    })
                    .collect();
                (field_label(t, *f), vals)
            })
            .collect();
    let chart = devzone_charts::line_chart(
        t.t("ent.trend"),
        &years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
        &series,
    );
    let history_rows = history
        .iter()
        .rev()
        .take(60)
        .filter_map(|h| {
            let f = FactField::parse(&h.field)?;
            Some(HistoryRow {
                year: h.year,
                field: field_label(t, f),
                value: show_value(f, h),
                source: t.tv("source", &h.source),
                as_of: h.as_of.to_string(),
                entered_by: h.entered_by.clone(),
                entered_at: h.entered_at.format("%Y-%m-%d %H:%M").to_string(),
                current: h.current,
            })
        })
        .collect();
    let disagreements = facts::disagreements(&history)
        .into_iter()
        .filter_map(|(cur, others)| {
            let f = FactField::parse(&cur.field)?;
            let shown = |h: &devzone_db::repo::facts::FactVersion| {
                format!("{} ({})", show_value(f, h), t.tv("source", &h.source))
            };
            Some((
                cur.year,
                field_label(t, f),
                shown(&cur),
                others.iter().map(shown).collect::<Vec<_>>().join("; "),
            ))
        })
        .collect();
    let all_zones = if v.scope.enterprise.is_some() {
        vec![]
    } else {
        zones::list(db, &v.scope).await?
    };
    let evaluation =
        match devzone_db::repo::evaluation::latest_published(db, e.zone_id, None).await? {
            Some(run) => devzone_db::repo::evaluation::result_for(db, run.id, e.id)
                .await?
                .map(|r| {
                    (
                        format!("/evaluations/{}/enterprises/{}", run.id, e.id),
                        t.f(
                            "ent.evaluation_link",
                            &[
                                (
                                    "class",
                                    &crate::views::format::class_label(&t, r.class.as_deref()),
                                ),
                                ("year", &run.year.to_string()),
                                ("scheme", &run.scheme_name),
                            ],
                        ),
                    )
                }),
            None => None,
        };
    let chains = if v.scope.enterprise.is_some() {
        vec![]
    } else {
        let taxonomies = devzone_db::repo::chains::taxonomies(db, e.zone_id).await?;
        devzone_db::repo::chains::of_enterprise(db, e.id)
            .await?
            .into_iter()
            .map(|m| {
                let name = taxonomies
                    .iter()
                    .find(|x| x.id == m.taxonomy)
                    .and_then(|x| x.node(&m.node_id))
                    .map(|n| n.name.clone())
                    .unwrap_or_else(|| format!("{} ({})", m.node_id, t.t("chain.outdated")));
                (
                    format!(
                        "/zones/{}/chains/{}/nodes/{}",
                        e.zone_id, m.taxonomy, m.node_id
                    ),
                    name,
                    t.tv("chain.state", &m.state),
                )
            })
            .collect()
    };
    let tier = super::tiers::own_tier(&t, db, e.zone_id, e.id).await?;
    let page = EnterprisePage {
        tier,
        chains,
        evaluation,
        c: Chrome::new(
            v,
            &e.name,
            &all_zones,
            Some(e.zone_id).filter(|_| v.scope.enterprise.is_none()),
        ),
        profile: profile(t, &e, &zone.name, park.as_ref().map(|p| p.name.as_str())),
        quals,
        next_year: years.last().map(|y| y + 1).unwrap_or(2024),
        years,
        facts,
        history: history_rows,
        disagreements,
        chart,
        fact_fields: FactField::ALL
            .iter()
            .filter(|f| f.is_numeric())
            .map(|f| {
                (
                    f.id().to_string(),
                    field_label(t, *f),
                    t.tv("unit", display_unit(*f)),
                )
            })
            .collect(),
        sources: FactSource::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("source", s.id())))
            .collect(),
        qual_kinds: QualificationKind::ALL
            .iter()
            .map(|k| (k.id().to_string(), t.tv("qualification", k.id())))
            .collect(),
        errors,
        e,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    enterprise_page(&state, &v, id, vec![]).await
}

/// Fact values typed in display units (万元, 亩, 万千瓦时) plus year and source.
pub async fn add_facts(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    v.require_write()?;
    let t = v.tr();
    let mut errors = Vec::new();
    let mut input = FactsInput {
        year: form
            .get("year")
            .and_then(|y| y.trim().parse().ok())
            .unwrap_or(0),
        source: form.get("source").cloned().unwrap_or_default(),
        as_of: form.get("as_of").cloned(),
        veto: form.get("veto").cloned(),
        ..Default::default()
    };
    for f in FactField::ALL.iter().filter(|f| f.is_numeric()) {
        let Some(raw) = form.get(f.id()).filter(|r| !r.trim().is_empty()) else {
            continue;
        };
        match parse_number(raw).and_then(|d| from_display(*f, d)) {
            Some(c) => {
                input
                    .values
                    .insert(f.id().to_string(), Some(c.to_decimal()));
            }
            None => errors.push(format!(
                "{}: {}",
                field_label(t, *f),
                t.field_error(&FieldError::new(f.id(), "number.format", raw))
            )),
        }
    }
    match input.validate(devzone_core::calendar::today()) {
        Ok(d) if errors.is_empty() => {
            facts::record(&state.db.conn, &v.actor(), &v.scope, id, &d).await?;
            Ok(Redirect::to(&format!("/enterprises/{id}#facts")).into_response())
        }
        Ok(_) => enterprise_page(&state, &v, id, errors).await,
        Err(errs) => {
            errors.extend(errs.iter().map(|e| {
                format!(
                    "{}: {}",
                    FactField::parse(&e.field)
                        .map(|f| field_label(t, f))
                        .unwrap_or_else(|| t.t(&format!("field.{}", e.field)).to_string()),
                    t.field_error(e)
                )
            }));
            enterprise_page(&state, &v, id, errors).await
        }
    }
}

pub async fn add_qualification(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(q): Form<QualificationInput>,
) -> Result<Response, PageError> {
    v.require_write()?;
    match q.validate() {
        Ok(d) => {
            enterprises::add_qualification(&state.db.conn, &v.actor(), &v.scope, id, &d).await?;
            Ok(Redirect::to(&format!("/enterprises/{id}")).into_response())
        }
        Err(errs) => {
            let t = v.tr();
            let msgs = errs
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        t.t(&format!("field.{}", e.field)),
                        t.field_error(e)
                    )
                })
                .collect();
            enterprise_page(&state, &v, id, msgs).await
        }
    }
}

/// The enterprise form as typed: strings, registered capital in 万元.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct EnterpriseForm {
    #[serde(default)]
    business_scope: String,
    #[serde(default)]
    main_products: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    former_names: String,
    #[serde(default)]
    industry_code: String,
    #[serde(default)]
    park_id: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    division_code: String,
    #[serde(default)]
    ownership: String,
    #[serde(default)]
    source_country: String,
    #[serde(default)]
    fortune500_parent: String,
    #[serde(default)]
    founded_on: String,
    #[serde(default)]
    registered_capital: String,
    #[serde(default)]
    tags: String,
}

impl EnterpriseForm {
    fn from_model(e: &enterprise::Model) -> Self {
        let list = |json: &str, sep: &str| {
            serde_json::from_str::<Vec<String>>(json)
                .unwrap_or_default()
                .join(sep)
        };
        Self {
            credit_code: e.credit_code.clone(),
            name: e.name.clone(),
            former_names: list(&e.former_names, "\n"),
            industry_code: e.industry_code.clone(),
            park_id: e.park_id.map(|p| p.to_string()).unwrap_or_default(),
            address: e.address.clone().unwrap_or_default(),
            division_code: e.division_code.clone().unwrap_or_default(),
            ownership: e.ownership.clone(),
            source_country: e.source_country.clone().unwrap_or_default(),
            fortune500_parent: e.fortune500_parent.clone().unwrap_or_default(),
            founded_on: e.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            registered_capital: e
                .registered_capital
                .map(|c| {
                    (rust_decimal::Decimal::new(c, 2) / rust_decimal::Decimal::from(10_000))
                        .normalize()
                        .to_string()
                })
                .unwrap_or_default(),
            tags: list(&e.tags, ", "),
            business_scope: e.business_scope.clone().unwrap_or_default(),
            main_products: e.main_products.clone().unwrap_or_default(),
        }
    }

    /// Converts to the API/core input; number and id format problems are reported too.
    /// The checked draft, or every problem of the form (its own and the validation's).
    fn validated(&self) -> Result<devzone_core::validate::EnterpriseDraft, Vec<FieldError>> {
        let (input, mut errs) = self.to_input();
        match input.validate() {
            Ok(d) if errs.is_empty() => Ok(d),
            Ok(_) => Err(errs),
            Err(e) => {
                errs.extend(e);
                Err(errs)
            }
        }
    }

    fn to_input(&self) -> (EnterpriseInput, Vec<FieldError>) {
        let mut errs = Vec::new();
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let registered_capital = match opt(&self.registered_capital) {
            None => None,
            Some(raw) => match parse_number(&raw) {
                Some(d) => d.checked_mul(rust_decimal::Decimal::from(10_000)),
                None => {
                    errs.push(FieldError::new("registered_capital", "number.format", raw));
                    None
                }
            },
        };
        let park_id = opt(&self.park_id).and_then(|p| p.parse().ok());
        let input = EnterpriseInput {
            credit_code: self.credit_code.clone(),
            name: self.name.clone(),
            former_names: self.former_names.lines().map(str::to_string).collect(),
            industry_code: self.industry_code.clone(),
            park_id,
            address: opt(&self.address),
            division_code: opt(&self.division_code),
            ownership: self.ownership.clone(),
            source_country: opt(&self.source_country),
            fortune500_parent: opt(&self.fortune500_parent),
            founded_on: opt(&self.founded_on),
            registered_capital,
            tags: self.tags.split([',', '，']).map(str::to_string).collect(),
            business_scope: opt(&self.business_scope),
            main_products: opt(&self.main_products),
        };
        (input, errs)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/enterprise_form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    cancel: String,
    f: EnterpriseForm,
    /// field → messages
    errors: BTreeMap<String, Vec<String>>,
    error_count: usize,
    parks: Vec<(String, String)>,
    ownerships: Vec<(String, String)>,
}

impl FormPage {
    fn err(&self, field: &str) -> Vec<String> {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn form_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    action: String,
    cancel: String,
    f: EnterpriseForm,
    errs: Vec<FieldError>,
) -> Result<Response, PageError> {
    let t = v.tr();
    let db = &state.db.conn;
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in &errs {
        errors
            .entry(e.field.clone())
            .or_default()
            .push(t.field_error(e));
    }
    let title = if f.name.is_empty() {
        t.t("list.new").to_string()
    } else {
        f.name.clone()
    };
    let page = FormPage {
        c: Chrome::load(db, v, &title, Some(zone_id)).await?,
        action,
        cancel,
        error_count: errs.len(),
        errors,
        parks: zones::parks(db, zone_id)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name))
            .collect(),
        ownerships: Ownership::ALL
            .iter()
            .map(|o| (o.id().to_string(), t.tv("ownership", o.id())))
            .collect(),
        f,
    };
    let status = if errs.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let f = EnterpriseForm {
        ownership: "private".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &v,
        zone_id,
        format!("/zones/{zone_id}/enterprises"),
        format!("/zones/{zone_id}/enterprises"),
        f,
        vec![],
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Form(f): Form<EnterpriseForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let action = format!("/zones/{zone_id}/enterprises");
    let draft = match f.validated() {
        Ok(d) => d,
        Err(errs) => return form_page(&state, &v, zone_id, action.clone(), action, f, errs).await,
    };
    let saved = enterprises::create(&state.db.conn, &v.actor(), zone_id, &draft)
        .await
        .map(|e| e.id);
    after_save(&state, &v, zone_id, action.clone(), action, f, saved).await
}

/// The page after saving the form: the enterprise, or the form again with the database's
/// objection (a credit code already taken, a park of another zone).
async fn after_save(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    action: String,
    cancel: String,
    f: EnterpriseForm,
    saved: Result<i64, devzone_db::DbError>,
) -> Result<Response, PageError> {
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(devzone_db::DbError::Conflict { field, value }) => {
            let errs = vec![FieldError::new(&field, "conflict", value).with_detail(field.clone())];
            form_page(state, v, zone_id, action, cancel, f, errs).await
        }
        Err(devzone_db::DbError::Invalid(errs)) => {
            form_page(state, v, zone_id, action, cancel, f, errs).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let e = enterprises::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    v.require_write()?;
    form_page(
        &state,
        &v,
        e.zone_id,
        format!("/enterprises/{id}"),
        format!("/enterprises/{id}"),
        EnterpriseForm::from_model(&e),
        vec![],
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<EnterpriseForm>,
) -> Result<Response, PageError> {
    let e = enterprises::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    v.require_write()?;
    let action = format!("/enterprises/{id}");
    let draft = match f.validated() {
        Ok(d) => d,
        Err(errs) => {
            return form_page(&state, &v, e.zone_id, action.clone(), action, f, errs).await;
        }
    };
    let saved = enterprises::update(&state.db.conn, &v.actor(), &v.scope, id, &draft)
        .await
        .map(|_| id);
    after_save(&state, &v, e.zone_id, action.clone(), action, f, saved).await
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/enterprises", get(list).post(create))
        .route("/zones/{id}/enterprises/export", get(export))
        .route("/zones/{id}/enterprises/new", get(new_form))
        .route("/enterprises/{id}", get(show).post(update))
        .route("/enterprises/{id}/edit", get(edit_form))
        .route("/enterprises/{id}/facts", post(add_facts))
        .route("/enterprises/{id}/qualifications", post(add_qualification))
}
