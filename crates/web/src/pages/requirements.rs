//! Space requirements (用地用房需求): the list, the form, one requirement with its candidate
//! units and plots (every criterion explained) and the stage of each match.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::session::{PageViewer, Viewer};
use crate::views::Chrome;
use crate::views::format::m2;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::calendar::today;
use devzone_core::land::matching::{CandidateKind, Check, Figure, Outcome, Ranked, Requirement};
use devzone_core::land::validate::RequirementInput;
use devzone_core::model::{BuildingType, EnvCategory, LandUse, MatchStage};
use devzone_core::validate::FieldError;
use devzone_db::entities::{park, requirement};
use devzone_db::repo::{requirements, zones};
use serde::Deserialize;
use std::collections::HashMap;

/// The unit a criterion's figures are in.
pub(super) fn unit_of(criterion: &str) -> &'static str {
    match criterion {
        "area" => "m²",
        "clear_height" => "m",
        "floor_load" => "kN/m²",
        "power" => "kVA",
        "rent" => "元/m²/月",
        "move_in" => "d",
        _ => "",
    }
}

pub(super) fn figure(
    t: &Tr,
    f: &Figure,
    criterion: &str,
    r: &Requirement,
    parks: &HashMap<i64, String>,
) -> String {
    let u = unit_of(criterion);
    let n = |v: f64| {
        if v.fract() == 0.0 || v.abs() >= 100.0 {
            crate::views::grouped(v, 0)
        } else {
            format!("{v:.1}")
        }
    };
    match f {
        Figure::None => t.t("match.unknown").into(),
        Figure::Number(v) => format!("{} {u}", n(*v)),
        Figure::AtLeast(v) => format!("≥ {} {u}", n(*v)),
        Figure::AtMost(v) => format!("≤ {} {u}", n(*v)),
        Figure::Range { min, max } => format!("{}–{} {u}", n(*min), n(*max)),
        Figure::Date(d) => d.to_string(),
        Figure::OnOrBefore(d) => format!("≤ {d}"),
        Figure::Id(id) => match criterion {
            "building_type" => t.tv("building_type", id),
            "env_category" => t.tv("env", id),
            "land_use" => t.tv("land_use", id),
            _ => t.tv("yes_no", id),
        },
        Figure::Park(p) => parks.get(p).cloned().unwrap_or_else(|| p.to_string()),
        Figure::Listed => match criterion {
            "building_type" => r
                .building_types
                .iter()
                .map(|b| t.tv("building_type", b.id()))
                .collect::<Vec<_>>()
                .join(" / "),
            "park" => r
                .parks
                .iter()
                .map(|p| parks.get(p).cloned().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" / "),
            _ => String::new(),
        },
    }
}

pub struct CheckView {
    pub criterion: String,
    pub asked: String,
    pub offered: String,
    pub verdict: String,
    pub fits: bool,
}

pub(super) fn check_view(
    t: &Tr,
    c: &Check,
    r: &Requirement,
    parks: &HashMap<i64, String>,
) -> CheckView {
    let verdict = match &c.outcome {
        Outcome::Fits => t.t("match.fits").to_string(),
        Outcome::Unknown => t.t("match.unknown_figure").to_string(),
        Outcome::Misses { by, share } => {
            let u = unit_of(c.criterion);
            if u.is_empty() {
                t.t("match.misses").to_string()
            } else {
                t.f(
                    "match.misses_by",
                    &[
                        (
                            "by",
                            &format!(
                                "{} {u}",
                                crate::views::grouped(*by, if *by < 100.0 { 1 } else { 0 })
                            ),
                        ),
                        ("pct", &format!("{:.0}", share * 100.0)),
                    ],
                )
            }
        }
    };
    CheckView {
        criterion: t.tv("match.criterion", c.criterion),
        asked: figure(t, &c.asked, c.criterion, r, parks),
        offered: figure(t, &c.offered, c.criterion, r, parks),
        fits: c.outcome == Outcome::Fits,
        verdict,
    }
}

pub struct CandidateView {
    pub kind: String,
    pub id: i64,
    pub label: String,
    pub href: String,
    pub map_href: String,
    pub score: String,
    pub misses: u32,
    pub checks: Vec<CheckView>,
    pub stage: Option<String>,
    /// The stage's id, for the form to start from.
    pub stage_id: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct RequirementForm {
    title: String,
    /// An enterprise of the zone that asks, by credit code.
    enterprise_code: Option<String>,
    prospect: Option<String>,
    wants_land: Option<String>,
    area_min_m2: Option<String>,
    area_max_m2: Option<String>,
    building_type: Option<String>,
    min_clear_height_m: Option<String>,
    min_floor_load_kn: Option<String>,
    min_power_kva: Option<String>,
    env_category: Option<String>,
    hazardous: Option<String>,
    max_rent: Option<String>,
    move_in_by: Option<String>,
    park: Option<String>,
    land_use: Option<String>,
    note: Option<String>,
}

impl RequirementForm {
    fn input(&self) -> RequirementInput {
        let s = |v: &Option<String>| v.as_deref().unwrap_or("").into();
        RequirementInput {
            title: self.title.clone(),
            enterprise_id: None,
            prospect: self.prospect.clone(),
            wants_land: s(&self.wants_land),
            area_min_m2: s(&self.area_min_m2),
            area_max_m2: s(&self.area_max_m2),
            building_types: nonempty(&self.building_type).into_iter().collect(),
            min_clear_height_m: s(&self.min_clear_height_m),
            min_floor_load_kn: s(&self.min_floor_load_kn),
            min_power_kva: s(&self.min_power_kva),
            env_category: nonempty(&self.env_category),
            hazardous: s(&self.hazardous),
            max_rent: s(&self.max_rent),
            move_in_by: s(&self.move_in_by),
            parks: nonempty(&self.park)
                .and_then(|p| p.parse().ok())
                .into_iter()
                .collect(),
            land_use: nonempty(&self.land_use),
            note: self.note.clone(),
        }
    }
}

pub struct RequirementRow {
    pub id: i64,
    pub title: String,
    pub who: String,
    pub asked: String,
    pub status: String,
    pub best: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "requirements/list.html")]
pub(super) struct RequirementsPage {
    c: Chrome,
    zone_id: i64,
    rows: Vec<RequirementRow>,
    unmet: Vec<RequirementRow>,
    funnel: String,
    f: RequirementForm,
    errors: Vec<String>,
    parks: Vec<(i64, String)>,
    building_types: Vec<(String, String)>,
    envs: Vec<(String, String)>,
    land_uses: Vec<(String, String)>,
}

pub(super) fn asked_summary(t: &Tr, r: &Requirement, parks: &HashMap<i64, String>) -> String {
    let mut parts = vec![format!("{}–{} m²", m2(r.area_min_m2), m2(r.area_max_m2))];
    if r.wants_land {
        parts.push(t.t("req.land").into());
    }
    if !r.building_types.is_empty() {
        parts.push(
            r.building_types
                .iter()
                .map(|b| t.tv("building_type", b.id()))
                .collect::<Vec<_>>()
                .join("/"),
        );
    }
    if let Some(h) = r.min_clear_height_m {
        parts.push(format!("{} ≥ {h} m", t.t("match.criterion.clear_height")));
    }
    if let Some(p) = r.min_power_kva {
        parts.push(format!("≥ {p} kVA"));
    }
    if r.hazardous {
        parts.push(t.t("match.criterion.hazardous").into());
    }
    if let Some(d) = r.move_in_by {
        parts.push(format!("{} ≤ {d}", t.t("match.criterion.move_in")));
    }
    for p in &r.parks {
        if let Some(n) = parks.get(p) {
            parts.push(n.clone());
        }
    }
    parts.join(" · ")
}

pub(super) async fn requirements_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    f: RequirementForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let parks = zones::parks(db, zone_id).await?;
    let names: HashMap<i64, String> = parks.iter().map(|p| (p.id, p.name.clone())).collect();
    let mut rows = Vec::new();
    let mut unmet = Vec::new();
    let reqs = requirements::list(db, zone_id).await?;
    let askers = devzone_db::repo::land::enterprise_names(
        db,
        zone_id,
        reqs.iter().filter_map(|r| r.enterprise_id),
    )
    .await?;
    for r in reqs {
        let spec = requirements::spec(&r);
        let best = requirements::candidates(db, zone_id, &spec, today(), 1).await?;
        let best_text = match best.first() {
            None => t.t("req.no_candidates").to_string(),
            Some(b) if b.misses == 0 => t.t("req.full_fit").to_string(),
            Some(b) => t.f("req.best_misses", &[("n", &b.misses.to_string())]),
        };
        let row = RequirementRow {
            id: r.id,
            title: r.title.clone(),
            who: match r.enterprise_id {
                Some(e) => askers.get(&e).cloned().unwrap_or_default(),
                None => r.prospect.clone().unwrap_or_default(),
            },
            asked: asked_summary(&t, &spec, &names),
            status: t.tv("req.status", &r.status),
            best: best_text.clone(),
        };
        if r.status == "open" && best.first().is_none_or(|b| b.misses > 0) {
            unmet.push(RequirementRow {
                best: best_text,
                ..row_clone(&row)
            });
        }
        rows.push(row);
    }
    let funnel = requirements::funnel(db, zone_id).await?;
    let funnel_chart = devzone_charts::bar_chart(
        t.t("req.funnel"),
        &funnel
            .iter()
            .map(|(s, n)| (t.tv("match_stage", s.id()), *n as f64))
            .collect::<Vec<_>>(),
    );
    let opts = |ids: Vec<&str>, prefix: &str| {
        ids.into_iter()
            .map(|i| (i.to_string(), t.tv(prefix, i)))
            .collect()
    };
    let page = RequirementsPage {
        c: Chrome::load(
            db,
            v,
            &format!("{} · {}", t.t("land.requirements"), zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        rows,
        unmet,
        funnel: funnel_chart,
        f,
        errors: t.field_messages(&errors),
        parks: parks.iter().map(|p| (p.id, p.name.clone())).collect(),
        building_types: opts(
            BuildingType::ALL.iter().map(|b| b.id()).collect(),
            "building_type",
        ),
        envs: opts(EnvCategory::ALL.iter().map(|b| b.id()).collect(), "env"),
        land_uses: opts(LandUse::ALL.iter().map(|b| b.id()).collect(), "land_use"),
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

pub(super) fn row_clone(r: &RequirementRow) -> RequirementRow {
    RequirementRow {
        id: r.id,
        title: r.title.clone(),
        who: r.who.clone(),
        asked: r.asked.clone(),
        status: r.status.clone(),
        best: r.best.clone(),
    }
}

pub async fn requirements(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    requirements_page(&state, &v, id, RequirementForm::default(), vec![]).await
}

pub async fn create_requirement(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<RequirementForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let mut input = f.input();
    let mut errs = Vec::new();
    if let Some(code) = nonempty(&f.enterprise_code) {
        let code = code.to_uppercase();
        match devzone_db::repo::enterprises::by_code(&state.db.conn, id, &code).await? {
            Some(e) => input.enterprise_id = Some(e.id),
            None => errs.push(FieldError::new(
                "enterprise_id",
                "land.holder_unknown",
                code,
            )),
        }
    }
    let mut draft = match input.validate() {
        Ok(d) if errs.is_empty() => d,
        Ok(_) => return requirements_page(&state, &v, id, f, errs).await,
        Err(mut e) => {
            e.extend(errs);
            return requirements_page(&state, &v, id, f, e).await;
        }
    };
    let parks: Vec<i64> = zones::parks(&state.db.conn, id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    draft.spec.parks.retain(|p| parks.contains(p));
    let r = requirements::create(&state.db.conn, &v.actor(), id, &draft).await?;
    Ok(Redirect::to(&format!("/requirements/{}", r.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "requirements/requirement.html")]
pub(super) struct RequirementPage {
    c: Chrome,
    r: requirement::Model,
    asked: String,
    candidates: Vec<CandidateView>,
    stages: Vec<(String, String)>,
}

pub(super) async fn requirement_for(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<requirement::Model, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    requirements::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)
}

/// The ranked candidates of a requirement as the page and the API show them.
pub async fn candidate_views(
    state: &AppState,
    t: &Tr,
    r: &requirement::Model,
    limit: usize,
) -> Result<(Vec<Ranked>, Vec<CandidateView>), PageError> {
    let db = &state.db.conn;
    let spec = requirements::spec(r);
    let ranked = requirements::candidates(db, r.zone_id, &spec, today(), limit).await?;
    let parks: HashMap<i64, String> = zones::parks(db, r.zone_id)
        .await?
        .into_iter()
        .map(|p: park::Model| (p.id, p.name))
        .collect();
    let names = requirements::describe(
        db,
        &ranked.iter().map(|c| (c.kind, c.id)).collect::<Vec<_>>(),
    )
    .await?;
    let stages: HashMap<(String, i64), String> = requirements::matches(db, r.id)
        .await?
        .into_iter()
        .map(|m| ((m.candidate_kind, m.candidate_id), m.stage))
        .collect();
    let views = ranked
        .iter()
        .map(|c| {
            let (label, plot, building) = names.get(&(c.kind, c.id)).cloned().unwrap_or_default();
            let kind = match c.kind {
                CandidateKind::Unit => "unit",
                CandidateKind::Plot => "plot",
            };
            CandidateView {
                kind: kind.into(),
                id: c.id,
                label,
                href: match (c.kind, building) {
                    (CandidateKind::Unit, Some(b)) => format!("/buildings/{b}"),
                    _ => format!("/plots/{}", plot.unwrap_or(0)),
                },
                map_href: format!(
                    "/zones/{}/land?plot={}#zone-map",
                    r.zone_id,
                    plot.unwrap_or(0)
                ),
                score: format!("{:.0}", c.score),
                misses: c.misses,
                checks: c
                    .checks
                    .iter()
                    .map(|k| check_view(t, k, &spec, &parks))
                    .collect(),
                stage: stages
                    .get(&(kind.to_string(), c.id))
                    .map(|s| t.tv("match_stage", s)),
                stage_id: stages
                    .get(&(kind.to_string(), c.id))
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok((ranked, views))
}

pub async fn requirement_show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = requirement_for(&state, &v, id).await?;
    let zone = zone_for(&state, &v, r.zone_id).await?;
    let t = v.tr();
    let db = &state.db.conn;
    let (_, candidates) = candidate_views(&state, &t, &r, 20).await?;
    let parks: HashMap<i64, String> = zones::parks(db, r.zone_id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let page = RequirementPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", r.title, zone.name),
            Some(r.zone_id),
        )
        .await?,
        asked: asked_summary(&t, &requirements::spec(&r), &parks),
        candidates,
        stages: MatchStage::ALL
            .iter()
            .map(|s| (s.id().to_string(), t.tv("match_stage", s.id())))
            .collect(),
        r,
    };
    Ok(page.into_response())
}

#[derive(Debug, Deserialize)]
pub struct StageForm {
    kind: String,
    candidate: i64,
    stage: String,
}

pub async fn set_match_stage(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<StageForm>,
) -> Result<Response, PageError> {
    let r = requirement_for(&state, &v, id).await?;
    v.require_write()?;
    let kind = match f.kind.as_str() {
        "plot" => CandidateKind::Plot,
        _ => CandidateKind::Unit,
    };
    let stage = MatchStage::parse(&f.stage).ok_or_else(PageError::not_found)?;
    requirements::set_stage(
        &state.db.conn,
        &v.actor(),
        &r,
        kind,
        f.candidate,
        stage,
        None,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/requirements/{id}#candidate-{}-{}",
        f.kind, f.candidate
    ))
    .into_response())
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/zones/{id}/requirements",
            get(requirements).post(create_requirement),
        )
        .route("/requirements/{id}", get(requirement_show))
        .route("/requirements/{id}/matches", post(set_match_stage))
}
