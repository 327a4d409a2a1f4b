//! Evaluation schemes: the weights, indicators, benchmarks and class rules of one county's
//! per-mu evaluation, as a TOML file (format documented in docs/per-mu-schemes.md).
//!
//! Loading goes in two steps: serde reads the file into `raw` structures (syntax and type
//! errors come back with toml's line and column), then `Scheme::from_raw` checks the meaning
//! (weights, class bands, references to measures) and reports the line of the offending
//! table, which it finds through `toml::Spanned`.

use super::measure::Measure;
use serde::Deserialize;
use toml::Spanned;

/// The schemes shipped in the binary: (file name, TOML source).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("schemes/default.toml")),
    ("huangyan-2022", include_str!("schemes/huangyan-2022.toml")),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct SchemeError {
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub zh: String,
    pub en: String,
}

impl Label {
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("zh") {
            &self.zh
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub name: String,
    pub version: u32,
    pub effective_year: i32,
    pub title: Label,
    pub description: String,
    /// GB/T 4754 sections (letters) whose enterprises are evaluated.
    pub sections: Vec<String>,
    /// Main-business revenue (万元) from which a row with a blank above_scale is above scale.
    pub above_scale_main_revenue: f64,
    /// Decimal places of the total.
    pub decimals: u32,
    pub groups: Vec<Group>,
    pub adjustments: Vec<Adjustment>,
    pub not_rated: Option<NotRated>,
    pub measures: Vec<ClassMeasure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Above,
    Below,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchmarkScope {
    /// One aggregate benchmark per group and year.
    Group,
    /// One aggregate benchmark per group, year and GB/T 4754 division (2-digit code).
    Division,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The mean of the indicator scores of the group's rows that have the value.
    GroupMean,
    /// Zero points.
    Zero,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub label: Label,
    pub scale: Scale,
    /// Rows need at least this much land (亩, inclusive); the scope already requires > 0.
    pub min_land_mu: f64,
    pub cap: Option<f64>,
    pub benchmark_scope: BenchmarkScope,
    pub missing: Missing,
    pub indicators: Vec<Indicator>,
    pub classes: Classes,
    /// The class a vetoed row gets (its rank is kept).
    pub veto_class: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub label: Label,
    pub numerator: Measure,
    pub denominator: Measure,
    pub weight: f64,
    /// A fixed, published benchmark; computed from the data when None.
    pub benchmark: Option<f64>,
    /// Unit of the indicator's value, for display (e.g. 万元/亩).
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClassRule {
    /// Class i holds ranks ≤ ceil(share_i × n); the last class takes the rest.
    TopShare(Vec<f64>),
    /// Class i holds totals ≥ min_i; the last class takes the rest.
    MinScore(Vec<f64>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    /// Class names, best first.
    pub names: Vec<String>,
    /// One bound per class except the last.
    pub rule: ClassRule,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub id: String,
    pub label: Label,
    /// The row flag that triggers the item (a qualification kind in database mode, a 0/1
    /// column of that name in file mode).
    pub flag: String,
    /// Points added (negative: deducted) after the weighted sum.
    pub points: f64,
    /// Groups the item applies to; empty means all.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NotRated {
    /// The label of the class (e.g. 暂不评价).
    pub label: Label,
    /// Rows established fewer than this many years before the data year are not rated.
    pub years_since_established: Option<i32>,
    /// A row flag that marks a row not rated.
    pub flag: Option<String>,
}

/// A differentiated measure attached to a class (电价加价 for class D, …).
#[derive(Debug, Clone, PartialEq)]
pub struct ClassMeasure {
    pub class: String,
    pub label: Label,
    pub amount: Option<f64>,
    pub unit: String,
}

mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scheme {
        pub name: String,
        pub version: u32,
        pub effective_year: i32,
        pub title: Label,
        #[serde(default)]
        pub description: String,
        #[serde(default = "default_sections")]
        pub sections: Vec<String>,
        #[serde(default = "default_threshold")]
        pub above_scale_main_revenue: f64,
        #[serde(default = "default_decimals")]
        pub decimals: u32,
        pub group: Vec<Spanned<Group>>,
        #[serde(default)]
        pub adjustment: Vec<Spanned<Adjustment>>,
        pub not_rated: Option<Spanned<NotRated>>,
        #[serde(default)]
        pub measure: Vec<Spanned<ClassMeasure>>,
    }
    fn default_sections() -> Vec<String> {
        vec!["B".into(), "C".into(), "D".into()]
    }
    fn default_threshold() -> f64 {
        2000.0
    }
    fn default_decimals() -> u32 {
        4
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Label {
        pub zh: String,
        pub en: String,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Cap {
        Value(f64),
        Word(String),
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Group {
        pub id: String,
        pub label: Label,
        #[serde(default = "any")]
        pub scale: String,
        #[serde(default)]
        pub min_land_mu: f64,
        pub cap: Cap,
        #[serde(default = "group_word")]
        pub benchmark: String,
        #[serde(default = "group_mean")]
        pub missing: String,
        pub indicator: Vec<Spanned<Indicator>>,
        pub class: Vec<Spanned<Class>>,
        pub veto_class: Option<String>,
    }
    fn any() -> String {
        "any".into()
    }
    fn group_word() -> String {
        "group".into()
    }
    fn group_mean() -> String {
        "group_mean".into()
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Indicator {
        pub id: String,
        pub label: Label,
        pub numerator: String,
        pub denominator: String,
        pub weight: f64,
        pub benchmark: Option<f64>,
        pub unit: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Class {
        pub name: String,
        pub top_share: Option<f64>,
        pub min_score: Option<f64>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Adjustment {
        pub id: String,
        pub label: Label,
        pub flag: String,
        pub points: f64,
        #[serde(default)]
        pub groups: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct NotRated {
        pub label: Label,
        pub years_since_established: Option<i32>,
        pub flag: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ClassMeasure {
        pub class: String,
        pub label: Label,
        pub amount: Option<f64>,
        #[serde(default)]
        pub unit: String,
    }
}

impl From<raw::Label> for Label {
    fn from(l: raw::Label) -> Self {
        Label { zh: l.zh, en: l.en }
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

impl Scheme {
    /// Parses and checks a scheme file.
    pub fn parse(source: &str) -> Result<Self, SchemeError> {
        let raw: raw::Scheme = toml::from_str(source).map_err(|e| SchemeError {
            line: e.span().map(|s| line_of(source, s.start)),
            message: e.message().trim().to_string(),
        })?;
        Self::from_raw(raw, source)
    }

    /// The TOML text of a built-in scheme; empty when there is none of that name.
    pub fn built_in_source(name: &str) -> &'static str {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .unwrap_or("")
    }

    /// A built-in scheme by name.
    pub fn built_in(name: &str) -> Option<Self> {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, src)| Self::parse(src).expect("built-in schemes are valid"))
    }

    pub fn group(&self, id: &str) -> Option<(usize, &Group)> {
        self.groups.iter().enumerate().find(|(_, g)| g.id == id)
    }

    /// Indicator ids over all groups, first appearance first (`tax_per_mu` once even when two
    /// groups use it): the indicator columns of outputs.
    pub fn indicator_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for i in self.groups.iter().flat_map(|g| &g.indicators) {
            if !ids.contains(&i.id.as_str()) {
                ids.push(&i.id);
            }
        }
        ids
    }

    /// The first indicator of that id in any group (for its label and unit).
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.groups
            .iter()
            .flat_map(|g| &g.indicators)
            .find(|i| i.id == id)
    }

    /// Class names over all groups, best first, each once.
    pub fn class_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for c in self.groups.iter().flat_map(|g| &g.classes.names) {
            if !names.contains(&c.as_str()) {
                names.push(c);
            }
        }
        names
    }

    /// The largest number of indicators of any group.
    pub fn max_indicators(&self) -> usize {
        self.groups
            .iter()
            .map(|g| g.indicators.len())
            .max()
            .unwrap_or(0)
    }

    fn from_raw(raw: raw::Scheme, src: &str) -> Result<Self, SchemeError> {
        let err = |span: std::ops::Range<usize>, message: String| SchemeError {
            line: Some(line_of(src, span.start)),
            message,
        };
        let top = |message: String| SchemeError {
            line: None,
            message,
        };
        if raw.name.trim().is_empty()
            || !raw
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c))
        {
            return Err(top(format!(
                "name {:?} must be non-empty letters, digits, '-', '_' or '.'",
                raw.name
            )));
        }
        if !(1900..=2200).contains(&raw.effective_year) {
            return Err(top(format!(
                "effective_year {} is not a plausible year",
                raw.effective_year
            )));
        }
        for s in &raw.sections {
            if s.len() != 1 || !s.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(top(format!(
                    "sections: {s:?} is not a GB/T 4754 section letter"
                )));
            }
        }
        if raw.decimals > 8 {
            return Err(top("decimals must be between 0 and 8".into()));
        }
        if raw.group.is_empty() {
            return Err(top("a scheme needs at least one [[group]]".into()));
        }
        let mut groups = Vec::new();
        for g in raw.group {
            let span = g.span();
            let g = g.into_inner();
            if groups.iter().any(|x: &Group| x.id == g.id) {
                return Err(err(span, format!("group id {:?} appears twice", g.id)));
            }
            let scale = match g.scale.as_str() {
                "above" => Scale::Above,
                "below" => Scale::Below,
                "any" => Scale::Any,
                other => {
                    return Err(err(
                        span,
                        format!("scale {other:?} must be above, below or any"),
                    ));
                }
            };
            let cap = match g.cap {
                raw::Cap::Value(v) if v > 0.0 && v.is_finite() => Some(v),
                raw::Cap::Value(v) => {
                    return Err(err(
                        span,
                        format!("cap {v} must be a positive number or \"none\""),
                    ));
                }
                raw::Cap::Word(w) if w == "none" => None,
                raw::Cap::Word(w) => {
                    return Err(err(
                        span,
                        format!("cap {w:?} must be a positive number or \"none\""),
                    ));
                }
            };
            let benchmark_scope = match g.benchmark.as_str() {
                "group" => BenchmarkScope::Group,
                "division" => BenchmarkScope::Division,
                other => {
                    return Err(err(
                        span,
                        format!("benchmark {other:?} must be group or division"),
                    ));
                }
            };
            let missing = match g.missing.as_str() {
                "group_mean" => Missing::GroupMean,
                "zero" => Missing::Zero,
                other => {
                    return Err(err(
                        span,
                        format!("missing {other:?} must be group_mean or zero"),
                    ));
                }
            };
            if g.min_land_mu < 0.0 {
                return Err(err(span, "min_land_mu must not be negative".into()));
            }
            if g.indicator.is_empty() {
                return Err(err(
                    span,
                    format!("group {:?} has no [[group.indicator]]", g.id),
                ));
            }
            if g.indicator.len() > 16 {
                return Err(err(span, "a group can have at most 16 indicators".into()));
            }
            let mut indicators: Vec<Indicator> = Vec::new();
            for ind in g.indicator {
                let ispan = ind.span();
                let i = ind.into_inner();
                let measure = |name: &str| {
                    Measure::parse(name).ok_or_else(|| {
                        err(
                            ispan.clone(),
                            format!(
                                "{name:?} is not an input column; use one of {}",
                                Measure::ALL.map(|m| m.id()).join(", ")
                            ),
                        )
                    })
                };
                let numerator = measure(&i.numerator)?;
                let denominator = measure(&i.denominator)?;
                if numerator == denominator {
                    return Err(err(
                        ispan,
                        format!("indicator {:?} divides a column by itself", i.id),
                    ));
                }
                if !(i.weight.is_finite() && i.weight >= 0.0) {
                    return Err(err(
                        ispan,
                        format!("weight {} must be a number ≥ 0", i.weight),
                    ));
                }
                if let Some(b) = i.benchmark
                    && !(b.is_finite() && b > 0.0)
                {
                    return Err(err(
                        ispan,
                        format!("benchmark {b} must be a positive number"),
                    ));
                }
                if indicators.iter().any(|x| x.id == i.id) {
                    return Err(err(
                        ispan,
                        format!("indicator id {:?} appears twice in the group", i.id),
                    ));
                }
                indicators.push(Indicator {
                    unit: i
                        .unit
                        .unwrap_or_else(|| format!("{}/{}", numerator.unit(), denominator.unit())),
                    id: i.id,
                    label: i.label.into(),
                    numerator,
                    denominator,
                    weight: i.weight,
                    benchmark: i.benchmark,
                });
            }
            let classes = Self::classes(&g.class, src)?;
            let veto_class = match &g.veto_class {
                None => classes.names.len() - 1,
                Some(name) => classes
                    .names
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| {
                        err(
                            span.clone(),
                            format!("veto_class {name:?} is not one of the group's classes"),
                        )
                    })?,
            };
            groups.push(Group {
                id: g.id,
                label: g.label.into(),
                scale,
                min_land_mu: g.min_land_mu,
                cap,
                benchmark_scope,
                missing,
                indicators,
                classes,
                veto_class,
            });
        }
        let mut adjustments = Vec::new();
        for a in raw.adjustment {
            let span = a.span();
            let a = a.into_inner();
            if !a.points.is_finite() {
                return Err(err(span, "points must be a number".into()));
            }
            if let Some(g) = a
                .groups
                .iter()
                .find(|g| !groups.iter().any(|x| &x.id == *g))
            {
                return Err(err(
                    span,
                    format!("adjustment {:?} names an unknown group {g:?}", a.id),
                ));
            }
            adjustments.push(Adjustment {
                id: a.id,
                label: a.label.into(),
                flag: a.flag,
                points: a.points,
                groups: a.groups,
            });
        }
        let not_rated = match raw.not_rated {
            None => None,
            Some(n) => {
                let span = n.span();
                let n = n.into_inner();
                if n.years_since_established.is_none() && n.flag.is_none() {
                    return Err(err(
                        span,
                        "not_rated needs years_since_established or flag".into(),
                    ));
                }
                if n.years_since_established
                    .is_some_and(|y| !(1..=50).contains(&y))
                {
                    return Err(err(
                        span,
                        "years_since_established must be between 1 and 50".into(),
                    ));
                }
                Some(NotRated {
                    label: n.label.into(),
                    years_since_established: n.years_since_established,
                    flag: n.flag,
                })
            }
        };
        let mut measures = Vec::new();
        for m in raw.measure {
            let span = m.span();
            let m = m.into_inner();
            if !groups.iter().any(|g| g.classes.names.contains(&m.class)) {
                return Err(err(
                    span,
                    format!("measure for class {:?}: no group has that class", m.class),
                ));
            }
            measures.push(ClassMeasure {
                class: m.class,
                label: m.label.into(),
                amount: m.amount,
                unit: m.unit,
            });
        }
        Ok(Scheme {
            name: raw.name,
            version: raw.version,
            effective_year: raw.effective_year,
            title: raw.title.into(),
            description: raw.description,
            sections: raw.sections,
            above_scale_main_revenue: raw.above_scale_main_revenue,
            decimals: raw.decimals,
            groups,
            adjustments,
            not_rated,
            measures,
        })
    }

    fn classes(raw: &[Spanned<raw::Class>], src: &str) -> Result<Classes, SchemeError> {
        let err = |span: std::ops::Range<usize>, message: String| SchemeError {
            line: Some(line_of(src, span.start)),
            message,
        };
        let Some(last) = raw.last() else {
            return Err(SchemeError {
                line: None,
                message: "a group needs at least two [[group.class]] entries".into(),
            });
        };
        if raw.len() < 2 {
            return Err(err(
                last.span(),
                "a group needs at least two classes".into(),
            ));
        }
        if last.get_ref().top_share.is_some() || last.get_ref().min_score.is_some() {
            return Err(err(
                last.span(),
                format!(
                    "the last class {:?} takes the rest and must have no bound",
                    last.get_ref().name
                ),
            ));
        }
        let by_share = raw[0].get_ref().top_share.is_some();
        let mut bounds = Vec::new();
        let mut names = Vec::new();
        for c in raw {
            let span = c.span();
            let c = c.get_ref();
            if names.contains(&c.name) {
                return Err(err(span, format!("class {:?} appears twice", c.name)));
            }
            names.push(c.name.clone());
            if std::ptr::eq(c, last.get_ref()) {
                break;
            }
            let bound = match (by_share, c.top_share, c.min_score) {
                (true, Some(s), None) => {
                    if !(s > 0.0 && s <= 1.0) {
                        return Err(err(span, format!("top_share {s} must be in (0, 1]")));
                    }
                    if bounds.last().is_some_and(|&p| s <= p) {
                        return Err(err(
                            span,
                            format!("top_share {s} must grow from class to class"),
                        ));
                    }
                    s
                }
                (false, None, Some(m)) => {
                    if !m.is_finite() {
                        return Err(err(span, "min_score must be a number".into()));
                    }
                    if bounds.last().is_some_and(|&p| m >= p) {
                        return Err(err(
                            span,
                            format!("min_score {m} must fall from class to class"),
                        ));
                    }
                    m
                }
                _ => {
                    return Err(err(
                        span,
                        format!(
                            "class {:?} needs {} (all classes but the last use the same kind of bound)",
                            c.name,
                            if by_share { "top_share" } else { "min_score" }
                        ),
                    ));
                }
            };
            bounds.push(bound);
        }
        Ok(Classes {
            names,
            rule: if by_share {
                ClassRule::TopShare(bounds)
            } else {
                ClassRule::MinScore(bounds)
            },
        })
    }
}

impl Classes {
    /// The class index of a row with this rank and total in a group of `n` rated rows.
    pub fn classify(&self, rank: u32, total: f64, n: usize) -> usize {
        match &self.rule {
            ClassRule::TopShare(shares) => shares
                .iter()
                .position(|s| f64::from(rank) <= ceil_share(*s, n))
                .unwrap_or(shares.len()),
            ClassRule::MinScore(mins) => {
                mins.iter().position(|m| total >= *m).unwrap_or(mins.len())
            }
        }
    }
}

/// ceil(share × n), computed so that 0.45 × 20 = 9 exactly (not 9.000000000000002 → 10).
pub fn ceil_share(share: f64, n: usize) -> f64 {
    let x = share * n as f64;
    let r = x.round();
    if (x - r).abs() < 1e-9 { r } else { x.ceil() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_schemes_load() {
        for (name, _) in BUILT_IN {
            let s = Scheme::built_in(name).unwrap();
            assert_eq!(&s.name, name);
        }
        let d = Scheme::built_in("default").unwrap();
        assert_eq!(d.groups.len(), 2);
        assert_eq!(
            d.groups[0].indicators.iter().map(|i| i.weight).sum::<f64>(),
            100.0
        );
        assert_eq!(d.groups[1].indicators.len(), 2);
        assert_eq!(d.groups[0].classes.names, ["A", "B", "C", "D"]);
        assert_eq!(d.groups[0].cap, Some(2.0));
    }

    #[test]
    fn errors_name_the_line() {
        let bad = Scheme::built_in_source("default").replace("weight = 20", "weight = -20");
        let e = Scheme::parse(&bad).unwrap_err();
        let line = bad
            .lines()
            .position(|l| l.contains("weight = -20"))
            .unwrap()
            + 1;
        // The line of the [[group.indicator]] table that holds the bad weight.
        assert!(
            e.line.unwrap() <= line && e.line.unwrap() >= line - 8,
            "{e}"
        );
        assert!(e.message.contains("weight -20"), "{e}");

        let bad = Scheme::built_in_source("default")
            .replace("numerator = \"tax\"", "numerator = \"taxes\"");
        let e = Scheme::parse(&bad).unwrap_err();
        assert!(
            e.message.contains("\"taxes\" is not an input column"),
            "{e}"
        );

        let e = Scheme::parse("name = \"x\"\nversion = \"one\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");

        let bad =
            Scheme::built_in_source("default").replace("top_share = 0.45", "top_share = 0.05");
        let e = Scheme::parse(&bad).unwrap_err();
        assert!(e.message.contains("must grow"), "{e}");
    }

    #[test]
    fn ceil_share_is_exact_on_round_products() {
        assert_eq!(ceil_share(0.45, 20), 9.0);
        assert_eq!(ceil_share(0.10, 11), 2.0);
        assert_eq!(ceil_share(0.90, 10), 9.0);
        assert_eq!(ceil_share(0.1, 3), 1.0);
    }
}
