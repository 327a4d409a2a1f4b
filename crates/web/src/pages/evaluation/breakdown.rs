//! "Why this class": one enterprise's result in a run, indicator by indicator, the smallest
//! change of each indicator that alone lifts it one class, and a what-if panel that scores
//! changed figures against the run's own benchmarks and the other enterprises' totals.
//! Enterprise users reach their own page of published runs; they see the benchmarks, not
//! other enterprises.

use super::{class_label, group_label, num, result_of, run_for, scheme_of};
use crate::AppState;
use crate::error::PageError;
use crate::pages::home::field_label;
use crate::session::PageViewer;
use crate::views::{Chrome, grouped};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use devzone_core::evaluation::Measure;
use devzone_core::evaluation::engine::{lifts, what_if};
use devzone_core::evaluation::scheme::ClassRule;
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
    pub fact_id: String,
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
    fields: Vec<FieldRow>,
    what_if: Option<(String, String, String, bool)>,
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
        total: num(r.total, 4),
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
        fields: Vec::new(),
        what_if: None,
        published: run.published_at.is_some(),
    };
    let Some((_, g)) = group else {
        return Ok(page.into_response());
    };
    let flag_names = ev::flag_names();
    let Some(row) = inputs.row(run.year, &flag_names) else {
        return Ok(page.into_response());
    };
    let cohort = ev::cohort_of(db, &scheme, &run, &r.grp)
        .await?
        .ok_or_else(PageError::not_found)?;
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
            unit: m.unit().to_string(),
            value: given.unwrap_or_else(|| stored.map(|u| trim_num(u.v)).unwrap_or_default()),
            error,
            fact_id: stored.map(|u| u.fact.to_string()).unwrap_or_default(),
        });
    }
    let has_errors = fields.iter().any(|f| f.error.is_some());
    let total = r.total.unwrap_or(0.0);
    let wi = (any_change && !has_errors && r.class.as_deref() != Some("not_rated"))
        .then(|| what_if(&scheme, &flag_names, &cohort, total, &changed));
    page.indicators = g
        .indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let tr = trace.get(k);
            IndicatorRow {
                label: ind.label.get(lang).to_string(),
                formula: format!(
                    "{} ÷ {}",
                    field_label(t, ind.numerator.fact()),
                    field_label(t, ind.denominator.fact())
                ),
                value: num(tr.and_then(|x| x.value), 4),
                unit: ind.unit.clone(),
                benchmark: num(tr.and_then(|x| x.benchmark), 4),
                ratio: num(tr.and_then(|x| x.ratio), 4),
                weight: grouped(ind.weight, 0),
                score: num(tr.map(|x| x.score), 4),
                imputed: tr.is_some_and(|x| x.imputed),
                new_score: wi
                    .as_ref()
                    .map(|w| num(Some(w.indicators[k].score), 4))
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
            .join("；"),
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
            .join("；"),
    };
    let class_index = r
        .class
        .as_deref()
        .and_then(|c| g.classes.names.iter().position(|n| n == c));
    if let Some(ci) = class_index {
        let scores: Vec<f64> = trace.iter().map(|x| x.score).collect();
        let ls = lifts(&scheme, &cohort, &row, total, ci, &scores);
        if let Some(first) = ls.first() {
            page.lift_target = t.f(
                "eval.lift_target",
                &[
                    ("class", &g.classes.names[first.class]),
                    ("total", &num(Some(first.target_total.max(0.0)), 4)),
                ],
            );
        }
        page.lifts = ls
            .iter()
            .map(|l| {
                let ind = &g.indicators[l.index];
                LiftRow {
                    label: ind.label.get(lang).to_string(),
                    current: num(trace.get(l.index).and_then(|x| x.value), 4),
                    required: l
                        .required_value
                        .map(|x| format!("≥ {}", grouped(x, 4)))
                        .unwrap_or_else(|| t.t("eval.lift_impossible").to_string()),
                    change: l
                        .numerator_change
                        .map(|c| {
                            format!(
                                "{} +{} {}",
                                field_label(t, ind.numerator.fact()),
                                grouped(c, 2),
                                ind.numerator.unit()
                            )
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
    }
    page.what_if = wi.map(|w| {
        let new_class = g.classes.names[w.class].clone();
        let moved = Some(w.class) != class_index;
        (
            num(Some(w.total), 4),
            format!("{} / {}", w.rank, cohort.size),
            new_class,
            moved,
        )
    });
    page.fields = fields;
    Ok(page.into_response())
}

/// A figure for an input box: up to 4 decimals, no trailing zeros.
fn trim_num(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
