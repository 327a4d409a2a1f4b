//! The tiers API: a zone's titles and candidate counts, its candidates for a rule set by
//! distance (paged), and one enterprise's assessment with its distance. Amounts in yuan.

use super::paging::Paging;
use crate::AppState;
use crate::api::{ApiResult, ErrorEnvelope, zone_in_scope};
use crate::error::ApiError;
use crate::session::ApiViewer;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use devzone_core::tiers::distance::{Change, Distance, MAX_CHANGES, Need, unknown_inputs};
use devzone_core::tiers::innovative_2022::Assessment;
use devzone_core::validate::FieldError;
use devzone_db::repo::enterprises;
use devzone_db::repo::tiers::{self, ENDING_WITHIN_DAYS, Ending, NOT_RECORDED, RULES};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zones/{id}/tiers/summary", get(summary))
        .route("/zones/{id}/tiers/candidates", get(candidates))
        .route("/enterprises/{id}/tiers", get(enterprise_tiers))
}

#[derive(OpenApi)]
#[openapi(
    paths(summary, candidates, enterprise_tiers),
    components(schemas(
        TierSummary,
        YearCount,
        HeldCount,
        ListedCount,
        EndingOut,
        StepCount,
        CandidateList,
        CandidateOut,
        PointsOut,
        ChangeOut,
        EnterpriseTiers,
        AssessmentOut,
        RuleSetId
    ))
)]
pub struct TierDoc;

/// Enterprises whose figures of a year were read.
#[derive(Serialize, ToSchema)]
pub struct YearCount {
    pub year: i32,
    pub enterprises: usize,
}

/// Enterprises holding a title on the date.
#[derive(Serialize, ToSchema)]
pub struct HeldCount {
    /// Qualification kind (`innovative_sme`, `srdi_sme`, `little_giant`, `high_tech`, …).
    pub kind: String,
    pub enterprises: i64,
}

/// Titles granted in a year (by the first day of validity).
#[derive(Serialize, ToSchema)]
pub struct ListedCount {
    pub kind: String,
    pub year: i32,
    pub titles: i64,
}

#[derive(Serialize, ToSchema)]
pub struct EndingOut {
    pub enterprise_id: i64,
    pub name: String,
    pub kind: String,
    pub valid_to: String,
    pub certificate_no: Option<String>,
}

impl From<&Ending> for EndingOut {
    fn from(e: &Ending) -> Self {
        EndingOut {
            enterprise_id: e.enterprise_id,
            name: e.name.clone(),
            kind: e.kind.clone(),
            valid_to: e.valid_to.to_string(),
            certificate_no: e.certificate_no.clone(),
        }
    }
}

/// Enterprises without the title at a distance: 0 = eligible, 1–3 = changes away, 4 =
/// further away, blocked (not an SME, on a list) or missing figures.
#[derive(Serialize, ToSchema)]
pub struct StepCount {
    pub steps: usize,
    pub enterprises: usize,
}

/// A zone's tiers on a date.
#[derive(Serialize, ToSchema)]
pub struct TierSummary {
    /// The rule set candidates are assessed by (`innovative-sme-2022`).
    pub rules: String,
    pub as_of: String,
    /// Enterprises by the year of the figures read: each at its latest of the three years
    /// before the as-of year.
    pub years: Vec<YearCount>,
    pub held: Vec<HeldCount>,
    pub listed: Vec<ListedCount>,
    pub ending_within_days: i64,
    /// Titles ending within `ending_within_days`, soonest first (at most 200).
    pub ending: Vec<EndingOut>,
    /// Enterprises assessed (the whole zone).
    pub assessed: usize,
    /// Enterprises without the title by distance.
    pub candidates: Vec<StepCount>,
    /// Inputs of the rules that devzone does not record; they count as absent.
    pub not_recorded: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/tiers/summary", params(("id" = i64, Path)), responses((status = 200, body = TierSummary), (status = 404, body = ErrorEnvelope)))]
async fn summary(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<TierSummary>> {
    zone_in_scope(&s, &v, id).await?;
    let z = crate::zone_figures::tiers(&s, id).await?;
    Ok(Json(TierSummary {
        rules: RULES.into(),
        as_of: z.as_of.to_string(),
        years: z
            .years
            .iter()
            .map(|(y, n)| YearCount {
                year: *y,
                enterprises: *n,
            })
            .collect(),
        held: z
            .held
            .iter()
            .map(|(k, n)| HeldCount {
                kind: k.clone(),
                enterprises: *n,
            })
            .collect(),
        listed: z
            .listed
            .iter()
            .map(|((k, y), n)| ListedCount {
                kind: k.clone(),
                year: *y,
                titles: *n,
            })
            .collect(),
        ending_within_days: ENDING_WITHIN_DAYS,
        ending: z.ending.iter().take(200).map(EndingOut::from).collect(),
        assessed: z.assessed,
        candidates: z
            .by_steps
            .iter()
            .map(|(s, n)| StepCount {
                steps: *s,
                enterprises: *n,
            })
            .collect(),
        not_recorded: NOT_RECORDED.iter().map(|s| s.to_string()).collect(),
    }))
}

/// Points of the six indicators and the three groups.
#[derive(Serialize, ToSchema)]
pub struct PointsOut {
    pub total: u8,
    pub innovation: u8,
    pub growth_group: u8,
    pub specialisation: u8,
    pub ip: u8,
    pub rd_ratio: u8,
    pub growth: u8,
    pub debt: u8,
    pub field: u8,
    pub main_share: u8,
}

/// One change of a distance: an indicator raised from `from` to `to` points, and what it
/// asks. `need` is `raise` (an input raised by `by` to `to_value`, `percent` % of `of`),
/// `lower` (liabilities lowered by `by` to `to_value`, `percent` % of total assets), `hold`
/// (one IP right of the class named by `input`) or `sei_field`.
#[derive(Serialize, ToSchema)]
pub struct ChangeOut {
    pub indicator: String,
    pub from: u8,
    pub to: u8,
    pub need: String,
    pub input: Option<String>,
    /// Yuan.
    pub by: Option<f64>,
    /// Yuan.
    pub to_value: Option<f64>,
    pub percent: Option<i64>,
    pub of: Option<String>,
}

impl From<&Change> for ChangeOut {
    fn from(c: &Change) -> Self {
        let mut out = ChangeOut {
            indicator: c.indicator.id().into(),
            from: c.from,
            to: c.to,
            need: String::new(),
            input: None,
            by: None,
            to_value: None,
            percent: None,
            of: None,
        };
        match &c.need {
            Need::Raise {
                input,
                by,
                to,
                percent,
                of,
            } => {
                out.need = "raise".into();
                out.input = Some(input.to_string());
                out.by = Some(*by);
                out.to_value = Some(*to);
                out.percent = Some(*percent);
                out.of = Some(of.to_string());
            }
            Need::Lower {
                input,
                by,
                to,
                percent,
            } => {
                out.need = "lower".into();
                out.input = Some(input.to_string());
                out.by = Some(*by);
                out.to_value = Some(*to);
                out.percent = Some(*percent);
                out.of = Some("total_assets".into());
            }
            Need::Hold { input } => {
                out.need = "hold".into();
                out.input = Some(input.to_string());
            }
            Need::SeiField => {
                out.need = "sei_field".into();
                out.input = Some("sei_field".into());
            }
        }
        out
    }
}

/// The outcome and distance of one enterprise under a rule set.
#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    pub rules: String,
    /// The year of the figures assessed (the enterprise's latest of the three years before
    /// the as-of date); null when it has none.
    pub year: Option<i32>,
    pub eligible: bool,
    /// `direct:award`, `direct:honour`, `direct:institution`, `direct:equity` or `score`.
    pub route: Option<String>,
    /// `not_sme`, `non_compliant` or `score_below`.
    pub reason: Option<String>,
    pub points: PointsOut,
    /// `eligible`, `changes`, `blocked` or `far`.
    pub status: String,
    /// 0 eligible, 1–3 changes, 4 further.
    pub steps: usize,
    /// The fewest changes that make the score pass, when `status` is `changes`.
    pub changes: Vec<ChangeOut>,
}

fn assessment_out(year: Option<i32>, a: &Assessment, d: &Distance) -> AssessmentOut {
    let p = a.points;
    AssessmentOut {
        rules: RULES.into(),
        year,
        eligible: a.eligible(),
        route: a.outcome.ok().map(|r| r.id()),
        reason: a.outcome.err().map(|r| r.id().to_string()),
        points: PointsOut {
            total: p.total(),
            innovation: p.innovation(),
            growth_group: p.growth_group(),
            specialisation: p.specialisation(),
            ip: p.ip,
            rd_ratio: p.rd_ratio,
            growth: p.growth,
            debt: p.debt,
            field: p.field,
            main_share: p.main_share,
        },
        status: match d {
            Distance::Eligible => "eligible",
            Distance::Changes { .. } => "changes",
            Distance::Blocked(_) => "blocked",
            Distance::Far => "far",
        }
        .into(),
        steps: d.steps(),
        changes: match d {
            Distance::Changes { changes, .. } => changes.iter().map(ChangeOut::from).collect(),
            _ => Vec::new(),
        },
    }
}

#[derive(Serialize, ToSchema)]
pub struct CandidateOut {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
    pub assessment: AssessmentOut,
}

/// One page of candidates, nearest first.
#[derive(Serialize, ToSchema)]
pub struct CandidateList {
    pub items: Vec<CandidateOut>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub as_of: String,
}

/// The rule sets assessed from stored figures.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum RuleSetId {
    #[serde(rename = "innovative-sme-2022")]
    InnovativeSme2022,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// Rule set id (default `innovative-sme-2022`, the one assessed from stored figures);
    /// another value is refused with 400.
    pub rules: Option<RuleSetId>,
    /// Only candidates this many changes away (0 = eligible, up to 3).
    #[param(minimum = 0, maximum = 3)]
    pub steps: Option<usize>,
    pub park_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/zones/{id}/tiers/candidates", params(("id" = i64, Path), CandidateQuery, Paging), responses((status = 200, body = CandidateList), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
async fn candidates(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<CandidateQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<CandidateList>> {
    zone_in_scope(&s, &v, id).await?;
    // One rule set so far (an unknown id does not parse); a second one is a new arm here.
    match q.rules {
        None | Some(RuleSetId::InnovativeSme2022) => {}
    }
    if let Some(n) = q.steps.filter(|n| *n > MAX_CHANGES) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "steps",
            "number.out_of_range",
            n.to_string(),
        )]));
    }
    let (page, per_page) = paging.checked()?;
    let z = crate::zone_figures::tiers(&s, id).await?;
    let selected: Vec<_> = z
        .candidates
        .iter()
        .filter(|c| q.steps.is_none_or(|n| c.distance.steps() == n))
        .filter(|c| q.park_id.is_none_or(|p| c.park_id == Some(p)))
        .collect();
    Ok(Json(CandidateList {
        total: selected.len() as u64,
        items: selected
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .map(|c| CandidateOut {
                enterprise_id: c.enterprise_id,
                credit_code: c.credit_code.clone(),
                name: c.name.clone(),
                park_id: c.park_id,
                assessment: assessment_out(c.year, &c.assessment, &c.distance),
            })
            .collect(),
        page,
        per_page,
        as_of: z.as_of.to_string(),
    }))
}

/// One enterprise under every rule set assessed from stored figures.
#[derive(Serialize, ToSchema)]
pub struct EnterpriseTiers {
    pub enterprise_id: i64,
    pub as_of: String,
    /// Qualification kinds held on the date.
    pub held: Vec<String>,
    pub assessments: Vec<AssessmentOut>,
    /// Inputs of the rules with no figure for this enterprise.
    pub unknown: Vec<String>,
    /// Inputs of the rules that devzone does not record; they count as absent.
    pub not_recorded: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}/tiers", params(("id" = i64, Path)), responses((status = 200, body = EnterpriseTiers), (status = 404, body = ErrorEnvelope)))]
async fn enterprise_tiers(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<EnterpriseTiers>> {
    let e = enterprises::get(&s.db.conn, &v.scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let a = tiers::enterprise(&s.db.conn, e.zone_id, id).await?;
    Ok(Json(EnterpriseTiers {
        enterprise_id: id,
        as_of: devzone_core::calendar::today().to_string(),
        held: a.held.clone(),
        assessments: vec![assessment_out(a.year, &a.assessment, &a.distance)],
        unknown: unknown_inputs(&a.input)
            .into_iter()
            .map(String::from)
            .collect(),
        not_recorded: NOT_RECORDED.iter().map(|s| s.to_string()).collect(),
    }))
}
