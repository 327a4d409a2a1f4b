//! Idle and low-efficiency land.
//!
//! Idle land follows the state rules on idle land (闲置土地处置办法, Ministry of Land and
//! Resources order 53, art. 2): construction not started one full year after the contracted
//! start date; or started, with the developed land under one third of the total or the
//! investment under one quarter of the total, and stopped for one full year. Low-efficiency
//! land follows rules each zone switches on and tunes ([`LandRules`]). Every flag carries the
//! figures that raised it.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A zone's land rules: which low-efficiency tests apply, their thresholds, and when a space
/// unit's status counts as stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LandRules {
    /// Class D in the latest published per-mu evaluation of the plot's holder.
    pub per_mu_class_d: bool,
    /// Built floor-area ratio below the covenant's minimum, once the completion date has passed.
    pub far_below_covenant: bool,
    /// Investment per mu below the covenant's minimum, once the completion date has passed.
    pub intensity_below_covenant: bool,
    /// The holder's tax per mu below the covenant's minimum.
    pub tax_below_covenant: bool,
    /// Vacancy of the plot's buildings above this share (0–1); `None` switches the test off.
    pub vacancy_above: Option<f64>,
    /// A unit whose status was last verified longer ago than this many days is stale.
    pub stale_after_days: u32,
}

impl Default for LandRules {
    fn default() -> Self {
        LandRules {
            per_mu_class_d: true,
            far_below_covenant: true,
            intensity_below_covenant: true,
            tax_below_covenant: true,
            vacancy_above: Some(0.5),
            stale_after_days: 180,
        }
    }
}

/// What the rules read about one plot.
#[derive(Debug, Clone, Default)]
pub struct PlotFigures {
    pub area_m2: f64,
    pub contracted_start: Option<NaiveDate>,
    pub contracted_completion: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    /// Land area developed so far (开发建设用地面积), m².
    pub developed_m2: Option<f64>,
    pub planned_investment: Option<f64>,
    pub invested: Option<f64>,
    /// Gross floor area of the buildings on the plot, m².
    pub built_floor_m2: f64,
    pub min_far: Option<f64>,
    /// Covenant minimum investment per mu, yuan.
    pub min_intensity: Option<f64>,
    /// Covenant minimum tax per mu, yuan.
    pub min_tax_per_mu: Option<f64>,
    /// The holder's latest annual tax, yuan.
    pub holder_tax: Option<f64>,
    /// The holder's class in the latest published per-mu evaluation.
    pub holder_class: Option<String>,
    /// Vacant share of the lettable area of the plot's buildings (0–1), when it has units.
    pub vacancy: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    Idle,
    LowEfficiency,
}

/// One raised flag: the rule (a locale key under `land.rule.`) and the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    pub kind: FlagKind,
    pub rule: &'static str,
    /// (figure name, value as shown); names are locale keys under `land.figure.`.
    pub figures: Vec<(&'static str, String)>,
}

fn one_year_after(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(Months::new(12)).unwrap_or(d)
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The idle-land flags of a plot on `as_of`.
pub fn idle_flags(p: &PlotFigures, as_of: NaiveDate) -> Vec<Flag> {
    let mut out = Vec::new();
    match (p.actual_start, p.contracted_start) {
        (None, Some(start)) if as_of >= one_year_after(start) => out.push(Flag {
            kind: FlagKind::Idle,
            rule: "idle_not_started",
            figures: vec![
                ("contracted_start", start.to_string()),
                ("days_late", (as_of - start).num_days().to_string()),
            ],
        }),
        (Some(_), _) => {
            let stopped_a_year = p.stopped_on.is_some_and(|s| as_of >= one_year_after(s));
            let developed = p
                .developed_m2
                .filter(|_| p.area_m2 > 0.0)
                .map(|d| d / p.area_m2);
            let invested = match (p.invested, p.planned_investment) {
                (Some(i), Some(t)) if t > 0.0 => Some(i / t),
                _ => None,
            };
            let little_done =
                developed.is_some_and(|d| d < 1.0 / 3.0) || invested.is_some_and(|i| i < 0.25);
            if stopped_a_year && little_done {
                let mut figures = vec![(
                    "stopped_on",
                    p.stopped_on.map(|d| d.to_string()).unwrap_or_default(),
                )];
                if let Some(d) = developed {
                    figures.push(("developed_share", pct(d)));
                }
                if let Some(i) = invested {
                    figures.push(("invested_share", pct(i)));
                }
                out.push(Flag {
                    kind: FlagKind::Idle,
                    rule: "idle_stopped",
                    figures,
                });
            }
        }
        _ => {}
    }
    out
}

/// The low-efficiency flags of a plot on `as_of` under a zone's rules.
pub fn low_efficiency_flags(p: &PlotFigures, rules: &LandRules, as_of: NaiveDate) -> Vec<Flag> {
    let mut out = Vec::new();
    let flag = |rule, figures| Flag {
        kind: FlagKind::LowEfficiency,
        rule,
        figures,
    };
    if rules.per_mu_class_d && p.holder_class.as_deref() == Some("D") {
        out.push(flag("low_class_d", vec![("class", "D".into())]));
    }
    let completed = p.contracted_completion.is_some_and(|c| as_of > c);
    let mu = p.area_m2 / super::geometry::M2_PER_MU;
    if rules.far_below_covenant
        && completed
        && p.area_m2 > 0.0
        && let Some(min) = p.min_far
        && p.built_floor_m2 / p.area_m2 < min
    {
        let far = p.built_floor_m2 / p.area_m2;
        out.push(flag(
            "low_far",
            vec![("far", num(far)), ("min_far", num(min))],
        ));
    }
    if rules.intensity_below_covenant
        && completed
        && mu > 0.0
        && let (Some(min), Some(inv)) = (p.min_intensity, p.invested)
    {
        let intensity = inv / mu;
        {
            if intensity < min {
                out.push(flag(
                    "low_intensity",
                    vec![
                        ("intensity_wan_per_mu", num(intensity / 10_000.0)),
                        ("min_intensity_wan_per_mu", num(min / 10_000.0)),
                    ],
                ));
            }
        }
    }
    if rules.tax_below_covenant
        && mu > 0.0
        && let (Some(min), Some(tax)) = (p.min_tax_per_mu, p.holder_tax)
    {
        let per_mu = tax / mu;
        {
            if per_mu < min {
                out.push(flag(
                    "low_tax",
                    vec![
                        ("tax_wan_per_mu", num(per_mu / 10_000.0)),
                        ("min_tax_wan_per_mu", num(min / 10_000.0)),
                    ],
                ));
            }
        }
    }
    if let (Some(limit), Some(v)) = (rules.vacancy_above, p.vacancy)
        && v > limit
    {
        out.push(flag(
            "low_vacancy",
            vec![("vacancy", pct(v)), ("vacancy_limit", pct(limit))],
        ));
    }
    out
}

/// Every flag of a plot: idle first, then low efficiency.
pub fn flags(p: &PlotFigures, rules: &LandRules, as_of: NaiveDate) -> Vec<Flag> {
    let mut f = idle_flags(p, as_of);
    f.extend(low_efficiency_flags(p, rules, as_of));
    f
}
