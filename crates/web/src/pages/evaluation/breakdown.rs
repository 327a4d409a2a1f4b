//! "Why this class": one enterprise's result in a run, indicator by indicator, the smallest
//! change of each indicator that alone lifts it one class, and a what-if panel that scores
//! changed figures against the run's own benchmarks and the other enterprises' totals.
//! Enterprise users reach their own page of published runs; they see the benchmarks, not
//! other enterprises.

use super::{class_label, group_label, num, result_of, run_for, scheme_of};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::home::field_label;
use crate::session::PageViewer;
use crate::views::format::unit_text;
use crate::views::{Chrome, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use devzone_core::evaluation::Measure;
use devzone_core::evaluation::Row;
use devzone_core::evaluation::engine::{WhatIf, lifts, what_if};
use devzone_core::evaluation::improve::{Fixed, Plan, smallest_change};
use devzone_core::evaluation::scheme::{ClassRule, Group, Indicator};
use devzone_db::repo::evaluation::{self as ev, Inputs, StoredIndicator};
use std::collections::HashMap;

pub struct IndicatorRow {
    pub label: String,
    pub formula: String,
    pub value: String,
    pub unit: String,
    pub benchmark: String,
    pub ratio: String,
    pub weight: String,
    pub score: String,
    pub imputed: bool,
    /// What-if column.
    pub new_score: String,
}

/// The smallest combination of raises, as the page states it.
pub struct PlanView {
    /// "To reach B the total must reach 62.35 (now 55.12, 7.23 short)."
    pub target: String,
    /// One line per figure raised: "实缴税金 +38.00 万元（120.00 → 158.00）".
    pub steps: Vec<String>,
    /// The plan scored by the rules, or why no plan reaches the class.
    pub outcome: String,
    pub reachable: bool,
    /// Where the cap binds, and the indicators no raise can move, with the reason.
    pub notes: Vec<String>,
    /// The what-if form filled with the plan's figures.
    pub try_link: String,
}

pub struct LiftRow {
    pub label: String,
    pub current: String,
    pub required: String,
    pub change: String,
}

pub struct FieldRow {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/breakdown.html")]
struct BreakdownPage {
    c: Chrome,
    run_id: i64,
    enterprise_id: i64,
    is_enterprise: bool,
    name: String,
    credit_code: String,
    year: i32,
    group: String,
    total: String,
    rank: String,
    class: String,
    reason: String,
    out_of_scope: bool,
    indicators: Vec<IndicatorRow>,
    adjustments: Vec<String>,
    boundaries: String,
    lifts: Vec<LiftRow>,
    lift_target: String,
    plan: Option<PlanView>,
    fields: Vec<FieldRow>,
    /// Total, rank, class, and "better"/"worse"/"" against the stored class.
    what_if: Option<(String, String, String, &'static str)>,
    /// Why a changed figure moved nothing, or how far the new total is from the next class.
    what_if_notes: Vec<String>,
    published: bool,
}

pub async fn show(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path((run_id, enterprise_id)): Path<(i64, i64)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if v.scope.enterprise.is_some_and(|e| e != enterprise_id) {
        return Err(PageError::not_found());
    }
    let (run, zone) = run_for(&state, &v, run_id).await?;
    let db = &state.db.conn;
    let t = v.tr();
    let scheme = scheme_of(&run)?;
    let r = result_of(&state, run_id, enterprise_id).await?;
    let inputs: Inputs = serde_json::from_str(&r.inputs).unwrap_or_default();
    let trace: Vec<StoredIndicator> = serde_json::from_str(&r.trace).unwrap_or_default();
    let lang = t.lang();
    let group = scheme.group(&r.grp);
    let mut page = BreakdownPage {
        c: Chrome::load(
            db,
            &v,
            &format!("{} · {}", r.name, t.t("eval.breakdown")),
            Some(zone.id),
        )
        .await?,
        run_id,
        enterprise_id,
        is_enterprise: v.scope.enterprise.is_some(),
        name: r.name.clone(),
        credit_code: r.credit_code.clone(),
        year: run.year,
        group: group_label(&t, &scheme, &r.grp),
        total: num(r.total, 2),
        rank: r
            .rank
            .map(|x| format!("{x} / {}", r.group_size.unwrap_or(0)))
            .unwrap_or_default(),
        class: class_label(&t, r.class.as_deref()),
        reason: super::reason_text(&t, r.reason.as_deref()),
        out_of_scope: group.is_none(),
        indicators: Vec::new(),
        adjustments: Vec::new(),
        boundaries: String::new(),
        lifts: Vec::new(),
        lift_target: String::new(),
        plan: None,
        fields: Vec::new(),
        what_if: None,
        what_if_notes: Vec::new(),
        published: run.published_at.is_some(),
    };
    let Some((_, g)) = group else {
        return Ok(page.into_response());
    };
    let flag_names = ev::flag_names();
    let Some(row) = inputs.row(run.year, &flag_names) else {
        return Ok(page.into_response());
    };
    let cohort = crate::zone_figures::cohort(&state, zone.id, &scheme, &run, &r.grp).await?;
    let cohort = cohort.as_ref().as_ref().ok_or_else(PageError::not_found)?;
    // The measures the group's indicators read, land first.
    let mut used: Vec<Measure> = vec![Measure::LandMu];
    for i in &g.indicators {
        for m in [i.numerator, i.denominator] {
            if !used.contains(&m) {
                used.push(m);
            }
        }
    }
    // What-if: figures from the query string replace the stored ones.
    let mut changed = row.clone();
    let mut any_change = false;
    let mut fields = Vec::new();
    for m in &used {
        let stored = inputs.values.get(m.id());
        let given = params.get(m.id()).map(|s| s.trim().to_string());
        let mut error = None;
        if let Some(text) = &given {
            match devzone_core::evaluation::table::parse_number(text) {
                Ok(x) if x < 0.0 && *m != Measure::ValueAdded => {
                    error = Some(t.t("eval.whatif_negative").to_string())
                }
                Ok(x) => {
                    let before = changed.values[m.index()];
                    changed.values[m.index()] = x;
                    any_change |= !(before == x || (before.is_nan() && x.is_nan()));
                }
                Err(()) => error = Some(t.t("eval.whatif_nan").to_string()),
            }
        }
        fields.push(FieldRow {
            id: m.id().to_string(),
            label: field_label(t, m.fact()),
            unit: unit_text(&t, m.unit()),
            value: given.unwrap_or_else(|| {
                stored
                    .map(|u| crate::views::format::plain(u.v, 4))
                    .unwrap_or_default()
            }),
            error,
        });
    }
    let has_errors = fields.iter().any(|f| f.error.is_some());
    let total = r.total.unwrap_or(0.0);
    let wi = (any_change && !has_errors && r.class.as_deref() != Some("not_rated"))
        .then(|| what_if(&scheme, &flag_names, cohort, total, &changed));
    page.indicators = g
        .indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let tr = trace.get(k);
            let share = is_share(ind);
            IndicatorRow {
                label: ind.label.get(lang).to_string(),
                formula: format!(
                    "{} ÷ {}",
                    field_label(t, ind.numerator.fact()),
                    field_label(t, ind.denominator.fact())
                ),
                value: indicator_value(tr.and_then(|x| x.value), share),
                unit: if share {
                    String::new()
                } else {
                    unit_text(&t, &ind.unit)
                },
                benchmark: indicator_value(tr.and_then(|x| x.benchmark), share),
                ratio: num(tr.and_then(|x| x.ratio), 2),
                weight: grouped(ind.weight, 0),
                score: num(tr.map(|x| x.score), 2),
                imputed: tr.is_some_and(|x| x.imputed),
                new_score: wi
                    .as_ref()
                    .map(|w| num(Some(w.indicators[k].score), 2))
                    .unwrap_or_default(),
            }
        })
        .collect();
    page.adjustments = scheme
        .adjustments
        .iter()
        .filter(|a| {
            (a.groups.is_empty() || a.groups.contains(&g.id)) && inputs.flags.contains(&a.flag)
        })
        .map(|a| format!("{} {:+}", a.label.get(lang), a.points))
        .collect();
    page.boundaries = match &g.classes.rule {
        ClassRule::TopShare(shares) => g
            .classes
            .names
            .iter()
            .zip(shares)
            .map(|(c, s)| {
                let k = devzone_core::evaluation::scheme::ceil_share(*s, cohort.size);
                t.f(
                    "eval.boundary_rank",
                    &[
                        ("class", c),
                        ("share", &format!("{:.0}", s * 100.0)),
                        ("k", &format!("{k:.0}")),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join(t.t("list.sep_clause")),
        ClassRule::MinScore(mins) => g
            .classes
            .names
            .iter()
            .zip(mins)
            .map(|(c, m)| {
                t.f(
                    "eval.boundary_score",
                    &[("class", c), ("min", &grouped(*m, 2))],
                )
            })
            .collect::<Vec<_>>()
            .join(t.t("list.sep_clause")),
    };
    let class_index = r
        .class
        .as_deref()
        .and_then(|c| g.classes.names.iter().position(|n| n == c));
    if let Some(ci) = class_index {
        let scores: Vec<f64> = trace.iter().map(|x| x.score).collect();
        let ls = lifts(&scheme, cohort, &row, total, ci, &scores);
        if let Some(first) = ls.first() {
            page.lift_target = t.f(
                "eval.lift_target",
                &[
                    ("class", &g.classes.names[first.class]),
                    ("total", &num(Some(first.target_total.max(0.0)), 2)),
                ],
            );
        }
        page.lifts = ls
            .iter()
            .map(|l| {
                let ind = &g.indicators[l.index];
                let share = is_share(ind);
                LiftRow {
                    label: ind.label.get(lang).to_string(),
                    current: indicator_value(trace.get(l.index).and_then(|x| x.value), share),
                    required: l
                        .required_value
                        .map(|x| format!("≥ {}", indicator_value(Some(x), share)))
                        .unwrap_or_else(|| match g.cap {
                            Some(cap) => t.f(
                                "eval.lift_capped",
                                &[
                                    ("cap", &grouped(cap, 1)),
                                    ("max", &grouped(ind.weight * cap, 2)),
                                ],
                            ),
                            None => t.t("eval.lift_impossible").to_string(),
                        }),
                    change: l
                        .numerator_change
                        .map(|c| {
                            format!(
                                "{} +{} {}",
                                field_label(t, ind.numerator.fact()),
                                grouped(c, 2),
                                unit_text(&t, ind.numerator.unit())
                            )
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        page.plan = smallest_change(&scheme, &flag_names, cohort, &row, total, ci)
            .map(|p| plan_view(t, lang, g, &p));
    }
    if let Some(w) = &wi {
        page.what_if_notes = what_if_notes(t, lang, g, &trace, &row, &changed, w, total);
    }
    page.what_if = wi.map(|w| {
        let new_class = g.classes.names[w.class].clone();
        let direction = match class_index {
            Some(ci) if w.class < ci => "better",
            Some(ci) if w.class > ci => "worse",
            _ => "",
        };
        (
            num(Some(w.total), 2),
            format!("{} / {}", w.rank, cohort.size),
            new_class,
            direction,
        )
    });
    page.fields = fields;
    Ok(page.into_response())
}

/// An indicator whose numerator and denominator are both amounts of money (R&D ÷ main
/// revenue) is a share, shown as a percentage.
fn is_share(ind: &Indicator) -> bool {
    ind.numerator.unit() == "万元" && ind.denominator.unit() == "万元"
}

fn indicator_value(v: Option<f64>, share: bool) -> String {
    match v {
        Some(x) if share => format!("{:.2}%", x * 100.0),
        v => num(v, 2),
    }
}

/// The plan in words: the bound, the raises, the check, the caps and the fixed indicators.
fn plan_view(t: Tr, lang: &str, g: &Group, p: &Plan) -> PlanView {
    let class = &g.classes.names[p.class];
    let names = |ks: &[usize]| {
        ks.iter()
            .map(|k| g.indicators[*k].label.get(lang).to_string())
            .collect::<Vec<_>>()
            .join(t.t("list.sep"))
    };
    let target = t.f(
        "eval.plan_target",
        &[
            ("class", class),
            ("target", &grouped(p.target_total.max(0.0), 2)),
            ("total", &grouped(p.total, 2)),
            ("gap", &grouped((p.target_total - p.total).max(0.0), 2)),
        ],
    );
    let steps = p
        .increases
        .iter()
        .map(|i| {
            t.f(
                "eval.plan_step",
                &[
                    ("field", &field_label(t, i.measure.fact())),
                    ("amount", &grouped(i.amount, 2)),
                    ("from", &grouped(i.from, 2)),
                    ("to", &grouped(i.to, 2)),
                ],
            )
        })
        .collect();
    let outcome = match (&p.check, p.reachable) {
        (Some(w), true) => t.f(
            "eval.plan_check",
            &[
                ("total", &grouped(w.total, 2)),
                ("class", &g.classes.names[w.class]),
            ],
        ),
        _ => t.f(
            "eval.plan_unreachable",
            &[
                ("max", &grouped(p.max_total, 2)),
                ("target", &grouped(p.target_total, 2)),
                ("class", class),
            ],
        ),
    };
    let mut notes = Vec::new();
    if let (Some(cap), false) = (g.cap, p.capped.is_empty()) {
        notes.push(t.f(
            "eval.plan_capped",
            &[("names", &names(&p.capped)), ("cap", &grouped(cap, 1))],
        ));
    }
    for (why, key) in [
        (Fixed::Missing, "eval.fixed.missing"),
        (Fixed::NoBenchmark, "eval.fixed.no_benchmark"),
        (Fixed::NotMoney, "eval.fixed.not_money"),
        (Fixed::NoDenominator, "eval.fixed.no_denominator"),
        (Fixed::Negative, "eval.fixed.negative"),
    ] {
        let ks: Vec<usize> = p.fixed.iter().filter(|f| f.1 == why).map(|f| f.0).collect();
        if !ks.is_empty() {
            notes.push(t.f(key, &[("names", &names(&ks))]));
        }
    }
    let try_link = {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for i in &p.increases {
            pairs.push((
                i.measure.id().to_string(),
                crate::views::format::plain(i.to, 4),
            ));
        }
        format!(
            "?{}#whatif",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    PlanView {
        target,
        steps,
        outcome,
        reachable: p.reachable,
        notes,
        try_link: if p.reachable { try_link } else { String::new() },
    }
}

/// Why the what-if came out as it did: each indicator whose figures changed but whose score
/// did not, with the reason; and, when the class stays, how far the next one is.
#[allow(clippy::too_many_arguments)]
fn what_if_notes(
    t: Tr,
    lang: &str,
    g: &Group,
    trace: &[StoredIndicator],
    row: &Row,
    changed: &Row,
    w: &WhatIf,
    total: f64,
) -> Vec<String> {
    let mut out = Vec::new();
    let moved = |m: Measure| {
        let (a, b) = (row.values[m.index()], changed.values[m.index()]);
        !(a == b || (a.is_nan() && b.is_nan()))
    };
    for (k, ind) in g.indicators.iter().enumerate() {
        if !(moved(ind.numerator) || moved(ind.denominator)) {
            continue;
        }
        let before = trace.get(k).map_or(0.0, |x| x.score);
        let after = w.indicators[k].score;
        if (after - before).abs() > 1e-9 {
            continue;
        }
        let label = ind.label.get(lang);
        let note = if w.indicators[k].imputed {
            t.f("eval.whatif_note.missing", &[("name", label)])
        } else if w.indicators[k].benchmark.is_none_or(|b| b <= 0.0) {
            t.f("eval.whatif_note.no_benchmark", &[("name", label)])
        } else if let Some(cap) = g.cap.filter(|c| after >= ind.weight * c - 1e-9) {
            t.f(
                "eval.whatif_note.cap",
                &[
                    ("name", label),
                    ("cap", &grouped(cap, 1)),
                    ("max", &grouped(ind.weight * cap, 2)),
                ],
            )
        } else {
            t.f("eval.whatif_note.zero", &[("name", label)])
        };
        out.push(note);
    }
    if (w.total - total).abs() > 1e-9 {
        out.push(t.f(
            "eval.whatif_note.change",
            &[("delta", &format!("{:+.2}", w.total - total))],
        ));
    }
    out
}
