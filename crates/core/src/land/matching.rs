//! Matching a space requirement against vacant units and idle plots.
//!
//! Every candidate is scored on every criterion the requirement states; nothing is filtered
//! out, so a near miss (10,500 m² for an 11,000 m² need) still shows, below the full fits,
//! with what it misses and by how much. Ranking: fewer misses first, then the higher score,
//! then the smaller id. Checks hold figures, not text, so one requirement against 100,000 units
//! is a single pass over plain numbers; pages and the API write the explanations out.

use crate::model::{BuildingType, EnvCategory, LandUse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an enterprise or investor asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// The stored requirement is `Requirement` in the API; these are its criteria.
#[cfg_attr(feature = "openapi", schema(as = RequirementSpec))]
pub struct Requirement {
    /// Land rather than floor space: matched against idle and unheld plots.
    #[serde(default)]
    pub wants_land: bool,
    pub area_min_m2: f64,
    pub area_max_m2: f64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub building_types: Vec<BuildingType>,
    pub min_clear_height_m: Option<f64>,
    pub min_floor_load_kn: Option<f64>,
    pub min_power_kva: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub env_category: Option<EnvCategory>,
    #[serde(default)]
    pub hazardous: bool,
    /// Most yuan per m² per month.
    pub max_rent: Option<f64>,
    pub move_in_by: Option<NaiveDate>,
    #[serde(default)]
    pub parks: Vec<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub land_use: Option<LandUse>,
}

/// A vacant unit with its building's properties.
#[derive(Debug, Clone)]
pub struct UnitCandidate {
    pub id: i64,
    pub park_id: Option<i64>,
    pub building_type: BuildingType,
    pub area_m2: f64,
    pub clear_height_m: Option<f64>,
    pub floor_load_kn: Option<f64>,
    pub power_kva: Option<f64>,
    /// The heaviest environmental category the building admits.
    pub env_max: Option<EnvCategory>,
    pub hazardous_ok: bool,
    pub rent: Option<f64>,
    /// When it can be moved into: the day after the current lease or reservation ends.
    pub available_from: Option<NaiveDate>,
}

/// An idle or unheld plot.
#[derive(Debug, Clone)]
pub struct PlotCandidate {
    pub id: i64,
    pub park_id: Option<i64>,
    pub area_m2: f64,
    pub land_use: LandUse,
}

/// How one criterion came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Fits,
    /// Misses; `by` is the shortfall or excess in the criterion's unit, `share` relative to
    /// what was asked.
    Misses {
        by: f64,
        share: f64,
    },
    /// The candidate's record lacks the figure.
    Unknown,
}

/// A figure in a check, kept as a value so that ranking allocates no text; pages and the API
/// render it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Figure {
    /// The candidate's record lacks it.
    None,
    Number(f64),
    AtLeast(f64),
    AtMost(f64),
    Range {
        min: f64,
        max: f64,
    },
    Date(NaiveDate),
    OnOrBefore(NaiveDate),
    /// A vocabulary id (building type, environmental category, land use, yes / no).
    Id(&'static str),
    Park(i64),
    /// One of the values the requirement lists (building types, parks).
    Listed,
}

/// One criterion of one candidate: a locale key under `match.criterion.`, what was asked,
/// what the candidate has, and the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub criterion: &'static str,
    pub asked: Figure,
    pub offered: Figure,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CandidateKind {
    Unit,
    Plot,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub kind: CandidateKind,
    pub id: i64,
    pub misses: u32,
    /// 0–100: the weighted share of criteria met, misses counted by how far they miss.
    pub score: f64,
    pub checks: Vec<Check>,
}

/// A miss's cost: its relative size, capped at one whole criterion.
fn miss(by: f64, asked: f64) -> Outcome {
    let share = if asked > 0.0 { by / asked } else { 1.0 };
    Outcome::Misses { by, share }
}

fn at_least(criterion: &'static str, asked: Option<f64>, has: Option<f64>) -> Option<Check> {
    let asked = asked?;
    let outcome = match has {
        None => Outcome::Unknown,
        Some(h) if h >= asked => Outcome::Fits,
        Some(h) => miss(asked - h, asked),
    };
    Some(Check {
        criterion,
        asked: Figure::AtLeast(asked),
        offered: has.map(Figure::Number).unwrap_or(Figure::None),
        outcome,
    })
}

fn area(r: &Requirement, a: f64) -> Check {
    let outcome = if a < r.area_min_m2 {
        miss(r.area_min_m2 - a, r.area_min_m2)
    } else if a > r.area_max_m2 {
        miss(a - r.area_max_m2, r.area_max_m2)
    } else {
        Outcome::Fits
    };
    Check {
        criterion: "area",
        asked: Figure::Range {
            min: r.area_min_m2,
            max: r.area_max_m2,
        },
        offered: Figure::Number(a),
        outcome,
    }
}

fn park(r: &Requirement, p: Option<i64>) -> Option<Check> {
    if r.parks.is_empty() {
        return None;
    }
    let fits = p.is_some_and(|p| r.parks.contains(&p));
    Some(Check {
        criterion: "park",
        asked: Figure::Listed,
        offered: p.map(Figure::Park).unwrap_or(Figure::None),
        outcome: if fits {
            Outcome::Fits
        } else {
            Outcome::Misses {
                by: 1.0,
                share: 1.0,
            }
        },
    })
}

fn yes_no(criterion: &'static str, asked: Figure, offered: Figure, fits: bool) -> Check {
    Check {
        criterion,
        asked,
        offered,
        outcome: if fits {
            Outcome::Fits
        } else {
            Outcome::Misses {
                by: 1.0,
                share: 1.0,
            }
        },
    }
}

fn env_rank(e: EnvCategory) -> u8 {
    match e {
        EnvCategory::Light => 0,
        EnvCategory::General => 1,
        EnvCategory::Heavy => 2,
    }
}

/// Every check of a unit against a requirement.
pub fn unit_checks(r: &Requirement, u: &UnitCandidate) -> Vec<Check> {
    let mut c = Vec::new();
    unit_checks_into(r, u, &mut c);
    c
}

/// As [`unit_checks`], into a buffer that the caller reuses (ranking allocates nothing per
/// candidate).
fn unit_checks_into(r: &Requirement, u: &UnitCandidate, c: &mut Vec<Check>) {
    c.clear();
    c.push(area(r, u.area_m2));
    if !r.building_types.is_empty() {
        c.push(yes_no(
            "building_type",
            Figure::Listed,
            Figure::Id(u.building_type.id()),
            r.building_types.contains(&u.building_type),
        ));
    }
    c.extend(at_least(
        "clear_height",
        r.min_clear_height_m,
        u.clear_height_m,
    ));
    c.extend(at_least("floor_load", r.min_floor_load_kn, u.floor_load_kn));
    c.extend(at_least("power", r.min_power_kva, u.power_kva));
    if let Some(e) = r.env_category {
        c.push(match u.env_max {
            None => Check {
                criterion: "env_category",
                asked: Figure::Id(e.id()),
                offered: Figure::None,
                outcome: Outcome::Unknown,
            },
            Some(m) => yes_no(
                "env_category",
                Figure::Id(e.id()),
                Figure::Id(m.id()),
                env_rank(m) >= env_rank(e),
            ),
        });
    }
    if r.hazardous {
        c.push(yes_no(
            "hazardous",
            Figure::Id("yes"),
            Figure::Id(if u.hazardous_ok { "yes" } else { "no" }),
            u.hazardous_ok,
        ));
    }
    if let Some(max) = r.max_rent {
        c.push(Check {
            criterion: "rent",
            asked: Figure::AtMost(max),
            offered: u.rent.map(Figure::Number).unwrap_or(Figure::None),
            outcome: match u.rent {
                None => Outcome::Unknown,
                Some(x) if x <= max => Outcome::Fits,
                Some(x) => miss(x - max, max),
            },
        });
    }
    if let Some(by) = r.move_in_by {
        c.push(Check {
            criterion: "move_in",
            asked: Figure::OnOrBefore(by),
            offered: u.available_from.map(Figure::Date).unwrap_or(Figure::None),
            outcome: match u.available_from {
                Some(d) if d > by => {
                    let days = (d - by).num_days() as f64;
                    Outcome::Misses {
                        by: days,
                        share: (days / 90.0).min(1.0),
                    }
                }
                _ => Outcome::Fits,
            },
        });
    }
    c.extend(park(r, u.park_id));
}

/// Every check of a plot against a requirement.
pub fn plot_checks(r: &Requirement, p: &PlotCandidate) -> Vec<Check> {
    let mut c = Vec::new();
    plot_checks_into(r, p, &mut c);
    c
}

fn plot_checks_into(r: &Requirement, p: &PlotCandidate, c: &mut Vec<Check>) {
    c.clear();
    c.push(area(r, p.area_m2));
    if let Some(want) = r.land_use {
        c.push(yes_no(
            "land_use",
            Figure::Id(want.id()),
            Figure::Id(p.land_use.id()),
            want == p.land_use,
        ));
    }
    c.extend(park(r, p.park_id));
}

/// Misses and score of a list of checks.
pub fn grade(checks: &[Check]) -> (u32, f64) {
    let mut misses = 0;
    let mut got = 0.0;
    for c in checks {
        got += match c.outcome {
            Outcome::Fits => 1.0,
            Outcome::Unknown => 0.5,
            Outcome::Misses { share, .. } => {
                misses += 1;
                (1.0 - share).clamp(0.0, 1.0) * 0.5
            }
        };
    }
    let score = if checks.is_empty() {
        100.0
    } else {
        100.0 * got / checks.len() as f64
    };
    (misses, score)
}

/// The best `limit` candidates for a requirement, ranked, with their explanations. Units are
/// candidates for a space requirement and plots for a land requirement. Every candidate is
/// graded in one reused buffer; only the best keep their checks.
pub fn rank(
    r: &Requirement,
    units: &[UnitCandidate],
    plots: &[PlotCandidate],
    limit: usize,
) -> Vec<Ranked> {
    let mut buf = Vec::with_capacity(12);
    // (misses, score, index, id)
    let mut graded: Vec<(u32, f64, usize, i64)> = if r.wants_land {
        plots
            .iter()
            .enumerate()
            .map(|(i, p)| {
                plot_checks_into(r, p, &mut buf);
                let (m, s) = grade(&buf);
                (m, s, i, p.id)
            })
            .collect()
    } else {
        units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                unit_checks_into(r, u, &mut buf);
                let (m, s) = grade(&buf);
                (m, s, i, u.id)
            })
            .collect()
    };
    let order = |a: &(u32, f64, usize, i64), b: &(u32, f64, usize, i64)| {
        a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.3.cmp(&b.3))
    };
    if graded.len() > limit && limit > 0 {
        graded.select_nth_unstable_by(limit - 1, order);
        graded.truncate(limit);
    }
    graded.sort_by(order);
    graded
        .into_iter()
        .map(|(misses, score, i, id)| {
            let (kind, checks) = if r.wants_land {
                (CandidateKind::Plot, plot_checks(r, &plots[i]))
            } else {
                (CandidateKind::Unit, unit_checks(r, &units[i]))
            };
            Ranked {
                kind,
                id,
                misses,
                score,
                checks,
            }
        })
        .collect()
}
