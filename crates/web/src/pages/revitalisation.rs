//! Revitalisation cases (盘活): idle or low-efficiency assets taken up, their plan, steps,
//! hand-over and the projects placed into them, with the zone's totals.

use super::{nonempty, zone_for};
use crate::AppState;
use crate::error::PageError;
use crate::session::{PageViewer, Viewer};
use crate::views::Chrome;
use crate::views::Kpi;
use crate::views::format::{m2, pct, wan_yuan};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::land::validate::{CaseInput, ProjectInput, StepInput};
use devzone_core::model::{CaseStage, RevitalisationPlan};
use devzone_core::validate::FieldError;
use devzone_db::repo::revitalisation;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct CaseForm {
    title: String,
    plot_id: Option<String>,
    plan: String,
    stage: String,
    reason: Option<String>,
    area_m2: Option<String>,
    occupancy_before: Option<String>,
    occupancy_after: Option<String>,
    expected_rent_wan: Option<String>,
    actual_rent_wan: Option<String>,
    handed_over_on: Option<String>,
}

pub struct CaseRow {
    pub id: i64,
    pub title: String,
    pub plan: String,
    pub stage: String,
    pub area: String,
    pub before_after: String,
    pub rent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "revitalisation/list.html")]
pub(super) struct CasesPage {
    c: Chrome,
    zone_id: i64,
    kpis: Vec<Kpi>,
    rows: Vec<CaseRow>,
    f: CaseForm,
    errors: Vec<String>,
    plans: Vec<(String, String)>,
    stages: Vec<(String, String)>,
    plots: Vec<(i64, String)>,
}

pub(super) async fn cases_page(
    state: &AppState,
    v: &Viewer,
    zone_id: i64,
    f: CaseForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let zone = zone_for(state, v, zone_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let cases = revitalisation::list(db, zone_id).await?;
    let projects =
        revitalisation::projects(db, &cases.iter().map(|c| c.id).collect::<Vec<_>>()).await?;
    let tot = revitalisation::totals(&cases, &projects);
    let y = t.t("unit.wan_yuan");
    let kpis = vec![
        Kpi {
            label: t.t("case.kpi.consolidated").into(),
            value: format!("{} / {}", tot.consolidated, tot.cases),
        },
        Kpi {
            label: t.t("case.kpi.revitalised").into(),
            value: m2(tot.revitalised_m2),
        },
        Kpi {
            label: format!("{} ({y})", t.t("case.kpi.rent")),
            value: format!(
                "{} / {}",
                wan_yuan(tot.actual_rent, 1),
                wan_yuan(tot.expected_rent, 1)
            ),
        },
        Kpi {
            label: t.t("case.kpi.projects").into(),
            value: tot.projects.to_string(),
        },
        Kpi {
            label: format!("{} ({y})", t.t("case.kpi.investment")),
            value: wan_yuan(tot.investment, 1),
        },
        Kpi {
            label: format!("{} ({y})", t.t("case.kpi.output")),
            value: wan_yuan(tot.output, 1),
        },
        Kpi {
            label: format!("{} ({y})", t.t("case.kpi.tax")),
            value: wan_yuan(tot.tax, 1),
        },
    ];
    let rows = cases
        .iter()
        .map(|c| CaseRow {
            id: c.id,
            title: c.title.clone(),
            plan: t.tv("plan", &c.plan),
            stage: t.tv("case_stage", &c.stage),
            area: c.area_m2.map(m2).unwrap_or_default(),
            before_after: format!("{} → {}", pct(c.occupancy_before), pct(c.occupancy_after)),
            rent: format!(
                "{} / {}",
                c.actual_rent
                    .map(|v| wan_yuan(v, 1))
                    .unwrap_or_else(|| "—".into()),
                c.expected_rent
                    .map(|v| wan_yuan(v, 1))
                    .unwrap_or_else(|| "—".into())
            ),
        })
        .collect();
    let plots = devzone_db::repo::land::inventory(db, zone_id, None)
        .await?
        .plots
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let page = CasesPage {
        c: Chrome::load(
            db,
            v,
            &format!("{} · {}", t.t("land.cases"), zone.name),
            Some(zone_id),
        )
        .await?,
        zone_id,
        kpis,
        rows,
        f,
        errors: t.field_messages(&errors),
        plans: RevitalisationPlan::ALL
            .iter()
            .map(|p| (p.id().to_string(), t.tv("plan", p.id())))
            .collect(),
        stages: CaseStage::ALL
            .iter()
            .map(|p| (p.id().to_string(), t.tv("case_stage", p.id())))
            .collect(),
        plots,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

pub async fn cases(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    cases_page(&state, &v, id, CaseForm::default(), vec![]).await
}

pub async fn create_case(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<CaseForm>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, id).await?;
    v.require_write()?;
    let s = |v: &Option<String>| v.as_deref().unwrap_or("").into();
    let input = CaseInput {
        title: f.title.clone(),
        plot_id: nonempty(&f.plot_id).and_then(|p| p.parse().ok()),
        building_id: None,
        plan: f.plan.clone(),
        stage: f.stage.clone(),
        reason: f.reason.clone(),
        area_m2: s(&f.area_m2),
        occupancy_before: s(&f.occupancy_before),
        occupancy_after: s(&f.occupancy_after),
        expected_rent_wan: s(&f.expected_rent_wan),
        actual_rent_wan: s(&f.actual_rent_wan),
        handed_over_on: s(&f.handed_over_on),
    };
    let draft = match input.validate() {
        Ok(d) => d,
        Err(errs) => return cases_page(&state, &v, id, f, errs).await,
    };
    match revitalisation::create(&state.db.conn, &v.actor(), id, &draft, &[], &[]).await {
        Ok(c) => Ok(Redirect::to(&format!("/revitalisation/{}", c.id)).into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => cases_page(&state, &v, id, f, errs).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "revitalisation/case.html")]
pub(super) struct CasePage {
    c: Chrome,
    case: devzone_db::entities::revitalisation_case::Model,
    facts: Vec<(String, String)>,
    steps: Vec<(String, String, String, String)>,
    projects: Vec<(String, String, String, String)>,
    stages: Vec<(String, String)>,
    errors: Vec<String>,
}

pub(super) async fn case_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    let db = &state.db.conn;
    let c = revitalisation::get(db, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let t = v.tr();
    let plot_code = match c.plot_id {
        Some(p) => devzone_db::repo::land::plot(db, &v.scope, p)
            .await?
            .map(|p| p.code),
        None => None,
    };
    let facts = vec![
        (t.t("case.plan").to_string(), t.tv("plan", &c.plan)),
        (t.t("case.stage").to_string(), t.tv("case_stage", &c.stage)),
        (t.t("land.plot").to_string(), plot_code.unwrap_or_default()),
        (
            t.t("case.reason").to_string(),
            c.reason.clone().unwrap_or_default(),
        ),
        (
            format!("{} (m²)", t.t("land.area_m2")),
            c.area_m2.map(m2).unwrap_or_default(),
        ),
        (
            t.t("case.occupancy").to_string(),
            format!("{} → {}", pct(c.occupancy_before), pct(c.occupancy_after)),
        ),
        (
            format!("{} ({})", t.t("case.expected_rent"), t.t("unit.wan_yuan")),
            c.expected_rent.map(|v| wan_yuan(v, 1)).unwrap_or_default(),
        ),
        (
            format!("{} ({})", t.t("case.actual_rent"), t.t("unit.wan_yuan")),
            c.actual_rent.map(|v| wan_yuan(v, 1)).unwrap_or_default(),
        ),
        (
            t.t("case.handed_over_on").to_string(),
            c.handed_over_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
    ];
    let steps = revitalisation::steps(db, id)
        .await?
        .into_iter()
        .map(|s| {
            (
                s.title,
                s.responsible.unwrap_or_default(),
                s.due_on.map(|d| d.to_string()).unwrap_or_default(),
                s.done_on.map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let projects = revitalisation::projects(db, &[id])
        .await?
        .into_iter()
        .map(|p| {
            (
                p.name,
                p.investment.map(|v| wan_yuan(v, 1)).unwrap_or_default(),
                p.output.map(|v| wan_yuan(v, 1)).unwrap_or_default(),
                p.tax.map(|v| wan_yuan(v, 1)).unwrap_or_default(),
            )
        })
        .collect();
    let page = CasePage {
        c: Chrome::load(db, v, &c.title, Some(c.zone_id)).await?,
        facts,
        steps,
        projects,
        stages: CaseStage::ALL
            .iter()
            .map(|p| (p.id().to_string(), t.tv("case_stage", p.id())))
            .collect(),
        errors: t.field_messages(&errors),
        case: c,
    };
    Ok(crate::views::form_response(page, !errors.is_empty()))
}

pub async fn case_show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    case_page(&state, &v, id, vec![]).await
}

#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    title: String,
    responsible: Option<String>,
    due_on: Option<String>,
    done_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ProjectForm {
    name: String,
    investment_wan: Option<String>,
    output_wan: Option<String>,
    tax_wan: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CaseStageForm {
    stage: String,
}

pub(super) async fn case_for_write(
    state: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<devzone_db::entities::revitalisation_case::Model, PageError> {
    if v.scope.enterprise.is_some() {
        return Err(PageError::not_found());
    }
    let c = revitalisation::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    v.require_write()?;
    Ok(c)
}

pub async fn add_step(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    let c = case_for_write(&state, &v, id).await?;
    let s = |v: &Option<String>| v.as_deref().unwrap_or("").into();
    let input = StepInput {
        title: f.title,
        responsible: f.responsible,
        due_on: s(&f.due_on),
        done_on: s(&f.done_on),
    };
    match input.validate() {
        Ok(d) => {
            revitalisation::add_step(&state.db.conn, &v.actor(), &c, &d).await?;
            Ok(Redirect::to(&format!("/revitalisation/{id}")).into_response())
        }
        Err(errs) => case_page(&state, &v, id, errs).await,
    }
}

pub async fn add_project(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<ProjectForm>,
) -> Result<Response, PageError> {
    let c = case_for_write(&state, &v, id).await?;
    let s = |v: &Option<String>| v.as_deref().unwrap_or("").into();
    let input = ProjectInput {
        name: f.name,
        enterprise_id: None,
        investment_wan: s(&f.investment_wan),
        output_wan: s(&f.output_wan),
        tax_wan: s(&f.tax_wan),
    };
    match input.validate() {
        Ok(d) => {
            revitalisation::add_project(&state.db.conn, &v.actor(), &c, &d).await?;
            Ok(Redirect::to(&format!("/revitalisation/{id}")).into_response())
        }
        Err(errs) => case_page(&state, &v, id, errs).await,
    }
}

pub async fn set_case_stage(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<i64>,
    Form(f): Form<CaseStageForm>,
) -> Result<Response, PageError> {
    let c = case_for_write(&state, &v, id).await?;
    let stage = CaseStage::parse(&f.stage).ok_or_else(PageError::not_found)?;
    revitalisation::set_stage(&state.db.conn, &v.actor(), &c, stage).await?;
    Ok(Redirect::to(&format!("/revitalisation/{id}")).into_response())
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/zones/{id}/revitalisation", get(cases).post(create_case))
        .route("/revitalisation/{id}", get(case_show))
        .route("/revitalisation/{id}/steps", post(add_step))
        .route("/revitalisation/{id}/projects", post(add_project))
        .route("/revitalisation/{id}/stage", post(set_case_stage))
}
