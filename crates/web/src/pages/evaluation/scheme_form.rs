//! The evaluation scheme as a form: weights, benchmarks, the cap, class shares or minimum
//! scores, the veto class and the adjustment points of an existing scheme, with every value
//! checked at its field, a preview of how many enterprises would change class on the latest
//! run's figures, and saving as a new version. The TOML editor stays as the expert's view;
//! the form writes the same file (`docs/per-mu-schemes.md`).

use super::{result_of_zone_run, scheme_message};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{nonempty, zone_for};
use crate::session::{PageViewer, Viewer};
use crate::views::Chrome;
use crate::views::format::plain;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::evaluation::Scheme;
use devzone_core::evaluation::scheme::ClassRule;
use devzone_db::repo::evaluation::{self as ev};
use serde::Deserialize;
use std::collections::HashMap;

pub struct IndicatorField {
    pub label: String,
    pub formula: String,
    pub weight_name: String,
    pub weight: String,
    pub benchmark_name: String,
    pub benchmark: String,
    pub unit: String,
}

pub struct ClassField {
    pub class: String,
    /// The input's name; empty for the last class, which takes the rest.
    pub name: String,
    pub value: String,
}

pub struct GroupField {
    pub label: String,
    pub cap_name: String,
    pub cap: String,
    /// Classes by the share of the ranking each holds (%), else by minimum score.
    pub by_share: bool,
    pub classes: Vec<ClassField>,
    pub veto_name: String,
    pub veto: String,
    pub class_names: Vec<String>,
    pub indicators: Vec<IndicatorField>,
}

/// The preview: a summary line and, per group and class, the count now and with the
/// changes.
type PreviewView = (String, Vec<(String, String, usize, usize)>);

#[derive(Template, WebTemplate)]
#[template(path = "evaluation/scheme_form.html")]
struct SchemeFormPage {
    c: Chrome,
    zone_id: i64,
    from: String,
    name: String,
    version: String,
    effective_year: String,
    title_zh: String,
    title_en: String,
    groups: Vec<GroupField>,
    /// (input name, label, points)
    adjustments: Vec<(String, String, String)>,
    errors: Vec<String>,
    /// Per-field messages, by input name.
    field_errors: HashMap<String, String>,
    preview: Option<PreviewView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FormParams {
    from: Option<String>,
}

/// The base scheme: a zone scheme or a built-in one, by its key (default: the built-in).
async fn base(state: &AppState, zone_id: i64, key: &str) -> Result<(Scheme, String), PageError> {
    Ok(ev::scheme_by_key(&state.db.conn, zone_id, key).await?)
}

pub async fn form(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Query(p): Query<FormParams>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let from = nonempty(&p.from).unwrap_or_else(|| "builtin:default".into());
    let (scheme, _) = base(&state, zone_id, &from).await?;
    let values = values_of(&scheme);
    let filled = Filled {
        zone_id,
        from: &from,
        scheme: &scheme,
        values: &values,
    };
    render(&state, &v, &filled, vec![], HashMap::new(), None).await
}

/// The form's values as they stand in a scheme, by input name.
fn values_of(s: &Scheme) -> HashMap<String, String> {
    let mut m = HashMap::new();
    m.insert("name".into(), s.name.clone());
    m.insert("version".into(), (s.version + 1).to_string());
    m.insert("effective_year".into(), s.effective_year.to_string());
    m.insert("title_zh".into(), s.title.zh.clone());
    m.insert("title_en".into(), s.title.en.clone());
    for (gi, g) in s.groups.iter().enumerate() {
        m.insert(
            format!("g{gi}.cap"),
            g.cap.map(|c| plain(c, 4)).unwrap_or_default(),
        );
        match &g.classes.rule {
            // Stored as the share of the ranking down to each class; shown as each class's
            // own share.
            ClassRule::TopShare(cum) => {
                let mut before = 0.0;
                for (ci, c) in cum.iter().enumerate() {
                    m.insert(format!("g{gi}.class{ci}"), plain((c - before) * 100.0, 4));
                    before = *c;
                }
            }
            ClassRule::MinScore(mins) => {
                for (ci, x) in mins.iter().enumerate() {
                    m.insert(format!("g{gi}.class{ci}"), plain(*x, 4));
                }
            }
        }
        m.insert(format!("g{gi}.veto"), g.classes.names[g.veto_class].clone());
        for (ki, ind) in g.indicators.iter().enumerate() {
            m.insert(format!("g{gi}.w{ki}"), plain(ind.weight, 4));
            m.insert(
                format!("g{gi}.b{ki}"),
                ind.benchmark.map(|b| plain(b, 6)).unwrap_or_default(),
            );
        }
    }
    for (ai, a) in s.adjustments.iter().enumerate() {
        m.insert(format!("a{ai}.points"), plain(a.points, 4));
    }
    m
}

/// The scheme file the form describes: the base file with the form's values written in.
/// Every value is checked at its field first; the file is then checked as any scheme file.
fn build(
    t: &Tr,
    base_source: &str,
    base: &Scheme,
    f: &HashMap<String, String>,
) -> Result<(String, Scheme), HashMap<String, String>> {
    let mut errs: HashMap<String, String> = HashMap::new();
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut number = |k: &str, min: f64, max: f64, blank_ok: bool| -> Option<f64> {
        let s = get(k);
        if s.is_empty() {
            if !blank_ok {
                errs.insert(k.into(), t.t("rule.required").into());
            }
            return None;
        }
        match s.replace(',', "").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= min && x <= max => Some(x),
            Ok(_) => {
                errs.insert(
                    k.into(),
                    t.f(
                        "eval.form.range",
                        &[("min", &plain(min, 4)), ("max", &plain(max, 4))],
                    ),
                );
                None
            }
            Err(_) => {
                errs.insert(k.into(), t.t("eval.whatif_nan").into());
                None
            }
        }
    };
    let mut doc: toml::Table = match base_source.parse() {
        Ok(d) => d,
        Err(_) => {
            let mut e = HashMap::new();
            e.insert("name".into(), t.t("eval.form.base_unreadable").into());
            return Err(e);
        }
    };
    let version = number("version", 1.0, 1e6, false);
    let year = number("effective_year", 1990.0, 2100.0, false);
    let mut groups_out = Vec::new();
    for (gi, g) in base.groups.iter().enumerate() {
        let cap = number(&format!("g{gi}.cap"), 1e-9, 100.0, true);
        let n = g.classes.names.len();
        let mut bounds = Vec::new();
        let by_share = matches!(g.classes.rule, ClassRule::TopShare(_));
        for ci in 0..n.saturating_sub(1) {
            let key = format!("g{gi}.class{ci}");
            let x = if by_share {
                number(&key, 1e-9, 100.0, false)
            } else {
                number(&key, 0.0, 1e9, false)
            };
            bounds.push((key, x));
        }
        let mut weights = Vec::new();
        let mut benchmarks = Vec::new();
        for ki in 0..g.indicators.len() {
            weights.push(number(&format!("g{gi}.w{ki}"), 0.0, 1000.0, false));
            benchmarks.push(number(&format!("g{gi}.b{ki}"), 1e-12, 1e12, true));
        }
        groups_out.push((cap, bounds, weights, benchmarks, by_share));
    }
    let mut points = Vec::new();
    for ai in 0..base.adjustments.len() {
        points.push(number(&format!("a{ai}.points"), -1000.0, 1000.0, false));
    }
    // Class bounds: shares add up to less than the whole; minimum scores fall class by class.
    for (gi, (_, bounds, _, _, by_share)) in groups_out.iter().enumerate() {
        let values: Vec<f64> = bounds.iter().filter_map(|(_, x)| *x).collect();
        if values.len() != bounds.len() {
            continue;
        }
        if *by_share && values.iter().sum::<f64>() >= 100.0 {
            errs.insert(
                bounds.last().map(|(k, _)| k.clone()).unwrap_or_default(),
                t.t("eval.form.shares_total").into(),
            );
        }
        if !*by_share && values.windows(2).any(|w| w[1] >= w[0]) {
            errs.insert(
                bounds.last().map(|(k, _)| k.clone()).unwrap_or_default(),
                t.t("eval.form.scores_fall").into(),
            );
        }
        let veto = get(&format!("g{gi}.veto"));
        if !base.groups[gi].classes.names.contains(&veto) {
            errs.insert(format!("g{gi}.veto"), t.t("rule.choice.unknown").into());
        }
    }
    let name = get("name");
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    {
        errs.insert("name".into(), t.t("eval.form.name_rule").into());
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    use toml::Value;
    doc.insert("name".into(), Value::String(name));
    doc.insert(
        "version".into(),
        Value::Integer(version.unwrap_or(1.0) as i64),
    );
    doc.insert(
        "effective_year".into(),
        Value::Integer(year.unwrap_or(2024.0) as i64),
    );
    let mut title = toml::Table::new();
    title.insert("zh".into(), Value::String(get("title_zh")));
    title.insert("en".into(), Value::String(get("title_en")));
    doc.insert("title".into(), Value::Table(title));
    if let Some(Value::Array(groups)) = doc.get_mut("group") {
        for (gi, (cap, bounds, weights, benchmarks, by_share)) in groups_out.iter().enumerate() {
            let Some(Value::Table(g)) = groups.get_mut(gi) else {
                continue;
            };
            g.insert(
                "cap".into(),
                match cap {
                    Some(c) => Value::Float(*c),
                    None => Value::String("none".into()),
                },
            );
            g.insert(
                "veto_class".into(),
                Value::String(get(&format!("g{gi}.veto"))),
            );
            if let Some(Value::Array(inds)) = g.get_mut("indicator") {
                for (ki, ind) in inds.iter_mut().enumerate() {
                    if let Value::Table(ind) = ind {
                        ind.insert("weight".into(), Value::Float(weights[ki].unwrap_or(0.0)));
                        match benchmarks[ki] {
                            Some(b) => ind.insert("benchmark".into(), Value::Float(b)),
                            None => ind.remove("benchmark"),
                        };
                    }
                }
            }
            if let Some(Value::Array(classes)) = g.get_mut("class") {
                let mut running = 0.0;
                for (ci, class) in classes.iter_mut().enumerate() {
                    let Value::Table(class) = class else { continue };
                    class.remove("top_share");
                    class.remove("min_score");
                    let Some((_, Some(x))) = bounds.get(ci) else {
                        continue;
                    };
                    if *by_share {
                        running += x / 100.0;
                        // Shares typed as percentages: kept to the hundredth of a percent.
                        let cum = (running * 1e6).round() / 1e6;
                        class.insert("top_share".into(), Value::Float(cum));
                    } else {
                        class.insert("min_score".into(), Value::Float(*x));
                    }
                }
            }
        }
    }
    if let Some(Value::Array(adjs)) = doc.get_mut("adjustment") {
        for (ai, a) in adjs.iter_mut().enumerate() {
            if let (Value::Table(a), Some(Some(p))) = (a, points.get(ai)) {
                a.insert("points".into(), Value::Float(*p));
            }
        }
    }
    let source = toml::to_string(&doc).unwrap_or_default();
    match Scheme::parse(&source) {
        Ok(s) => Ok((source, s)),
        Err(e) => {
            let mut m = HashMap::new();
            m.insert(String::new(), scheme_message(t, &e));
            Err(m)
        }
    }
}

pub async fn submit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(zone_id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    zone_for(&state, &v, zone_id).await?;
    v.require_write()?;
    let t = v.tr();
    let values: HashMap<String, String> = pairs.into_iter().collect();
    let from = values
        .get("from")
        .cloned()
        .unwrap_or_else(|| "builtin:default".into());
    let (scheme, source) = base(&state, zone_id, &from).await?;
    let built = build(&t, &source, &scheme, &values);
    let filled = Filled {
        zone_id,
        from: &from,
        scheme: &scheme,
        values: &values,
    };
    let preview_asked = values.get("action").map(String::as_str) == Some("preview");
    let (new_source, new_scheme) = match built {
        Ok(x) => x,
        Err(field_errors) => {
            let errors = field_errors.get("").cloned().into_iter().collect();
            return render(&state, &v, &filled, errors, field_errors, None).await;
        }
    };
    if preview_asked {
        let preview = match result_of_zone_run(&state, zone_id).await? {
            Some(run) => {
                let p = ev::preview(&state.db.conn, run.id, &new_scheme).await?;
                let mut rows = Vec::new();
                for g in &new_scheme.groups {
                    for c in &g.classes.names {
                        let count = |v: &[(String, String, usize)]| {
                            v.iter()
                                .filter(|(gg, cc, _)| gg == &g.id && cc == c)
                                .map(|x| x.2)
                                .sum::<usize>()
                        };
                        rows.push((
                            g.label.get(t.lang()).to_string(),
                            c.clone(),
                            count(&p.before),
                            count(&p.after),
                        ));
                    }
                }
                Some((
                    t.f(
                        "eval.form.preview_summary",
                        &[
                            ("run", &run.id.to_string()),
                            ("year", &run.year.to_string()),
                            ("n", &p.enterprises.to_string()),
                            ("up", &p.up.to_string()),
                            ("down", &p.down.to_string()),
                            ("other", &p.other.to_string()),
                        ],
                    ),
                    rows,
                ))
            }
            None => Some((t.t("eval.form.no_run").to_string(), Vec::new())),
        };
        return render(&state, &v, &filled, vec![], HashMap::new(), preview).await;
    }
    match ev::add_scheme(&state.db.conn, &v.actor(), zone_id, &new_source).await {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/zones/{zone_id}/evaluations")).into_response()),
        Ok(Err(e)) => {
            let errors = vec![scheme_message(&t, &e)];
            render(&state, &v, &filled, errors, HashMap::new(), None).await
        }
        Err(devzone_db::DbError::Conflict { value, .. }) => {
            let mut fe = HashMap::new();
            fe.insert(
                "version".to_string(),
                t.f("eval.scheme_exists", &[("scheme", &value)]),
            );
            render(&state, &v, &filled, vec![], fe, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form as it stands: the zone, the base scheme (by key and parsed) and the values.
struct Filled<'a> {
    zone_id: i64,
    from: &'a str,
    scheme: &'a Scheme,
    values: &'a HashMap<String, String>,
}

/// The page; a refusal (any error) answers 422.
async fn render(
    state: &AppState,
    v: &Viewer,
    filled: &Filled<'_>,
    errors: Vec<String>,
    field_errors: HashMap<String, String>,
    preview: Option<PreviewView>,
) -> Result<Response, PageError> {
    let Filled {
        zone_id,
        from,
        scheme: s,
        values,
    } = *filled;
    let t = v.tr();
    let lang = t.lang();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let groups = s
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let n = g.classes.names.len();
            GroupField {
                label: g.label.get(lang).to_string(),
                cap_name: format!("g{gi}.cap"),
                cap: get(&format!("g{gi}.cap")),
                by_share: matches!(g.classes.rule, ClassRule::TopShare(_)),
                classes: g
                    .classes
                    .names
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| ClassField {
                        class: c.clone(),
                        name: if ci + 1 < n {
                            format!("g{gi}.class{ci}")
                        } else {
                            String::new()
                        },
                        value: get(&format!("g{gi}.class{ci}")),
                    })
                    .collect(),
                veto_name: format!("g{gi}.veto"),
                veto: get(&format!("g{gi}.veto")),
                class_names: g.classes.names.clone(),
                indicators: g
                    .indicators
                    .iter()
                    .enumerate()
                    .map(|(ki, ind)| IndicatorField {
                        label: ind.label.get(lang).to_string(),
                        formula: format!(
                            "{} ÷ {}",
                            crate::pages::home::field_label(t, ind.numerator.fact()),
                            crate::pages::home::field_label(t, ind.denominator.fact())
                        ),
                        weight_name: format!("g{gi}.w{ki}"),
                        weight: get(&format!("g{gi}.w{ki}")),
                        benchmark_name: format!("g{gi}.b{ki}"),
                        benchmark: get(&format!("g{gi}.b{ki}")),
                        unit: crate::views::format::unit_text(&t, &ind.unit),
                    })
                    .collect(),
            }
        })
        .collect();
    let adjustments = s
        .adjustments
        .iter()
        .enumerate()
        .map(|(ai, a)| {
            (
                format!("a{ai}.points"),
                a.label.get(lang).to_string(),
                get(&format!("a{ai}.points")),
            )
        })
        .collect();
    let c = Chrome::load(&state.db.conn, v, t.t("eval.form.title"), Some(zone_id)).await?;
    let refused = !errors.is_empty() || !field_errors.is_empty();
    let page = SchemeFormPage {
        c,
        zone_id,
        from: from.to_string(),
        name: get("name"),
        version: get("version"),
        effective_year: get("effective_year"),
        title_zh: get("title_zh"),
        title_en: get("title_en"),
        groups,
        adjustments,
        errors,
        field_errors,
        preview,
    };
    Ok(crate::views::form_response(page, refused))
}
