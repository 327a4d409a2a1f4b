//! The evaluation engine: scope, groups, benchmarks, scores, ranks and classes, exactly as
//! docs/per-mu-default.md defines them, for any scheme.
//!
//! Results are kept column-wise (one vector per field, scores in a flat matrix) so that a
//! million rows fit in well under a hundred megabytes; the per-indicator trace that the spec
//! asks for is rebuilt on demand by [`Evaluation::trace`] from the row, the cohort's
//! benchmarks and the stored scores.
//!
//! Sums are accumulated in fixed point ([`ExactSum`]), so benchmarks and imputation means do
//! not depend on the order of the rows: shuffling the input cannot change any result.

use super::measure::Measure;
use super::scheme::{BenchmarkScope, Group, Missing, Scale, Scheme};
use std::collections::HashMap;

/// A missing numeric input.
pub const MISSING: f64 = f64::NAN;

/// One enterprise-year, in evaluation units (亩, 万元, 万千瓦时 …). Text (credit code, name,
/// veto reason) stays with the caller; rows are matched to results by index.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub year: i32,
    /// GB/T 4754 section letter (b'C').
    pub section: u8,
    /// GB/T 4754 division number (the first two digits of the class).
    pub division: u8,
    /// Indexed by [`Measure::index`]; NaN when blank.
    pub values: [f64; 10],
    /// As given; None derives it from main revenue.
    pub above_scale: Option<bool>,
    pub vetoed: bool,
    /// Bit i set when the row carries flag `Dataset::flag_names[i]`.
    pub flags: u64,
    /// Year of establishment, for the not-rated rule.
    pub established: Option<i32>,
}

impl Row {
    pub fn value(&self, m: Measure) -> Option<f64> {
        let v = self.values[m.index()];
        (!v.is_nan()).then_some(v)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub rows: Vec<Row>,
    /// Names of the flags that rows can carry (at most 64).
    pub flag_names: Vec<String>,
}

impl Dataset {
    /// The bit of a flag, adding the name when it is new. None when 64 flags exist already.
    pub fn flag_bit(&mut self, name: &str) -> Option<u64> {
        let i = match self.flag_names.iter().position(|n| n == name) {
            Some(i) => i,
            None if self.flag_names.len() < 64 => {
                self.flag_names.push(name.to_string());
                self.flag_names.len() - 1
            }
            None => return None,
        };
        Some(1 << i)
    }
}

fn bit_of(flag_names: &[String], name: &str) -> u64 {
    flag_names
        .iter()
        .position(|n| n == name)
        .map_or(0, |i| 1 << i)
}

/// Why a row was not evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfScope {
    /// The year was not selected for this run.
    Year,
    /// Its industry section is not one the scheme evaluates.
    Section(u8),
    /// No land, or land ≤ 0.
    NoLand,
    /// Land below every group's minimum for its scale.
    NoGroup,
}

impl OutOfScope {
    pub fn rule(self) -> &'static str {
        match self {
            Self::Year => "out_of_scope.year",
            Self::Section(_) => "out_of_scope.section",
            Self::NoLand => "out_of_scope.no_land",
            Self::NoGroup => "out_of_scope.no_group",
        }
    }
    /// English explanation, used in file mode's `reason` column.
    pub fn describe(self, scheme: &Scheme) -> String {
        match self {
            Self::Year => "year not selected for this evaluation".into(),
            Self::Section(s) => format!(
                "industry section {} is outside the evaluated sections {}",
                s as char,
                scheme.sections.join(", ")
            ),
            Self::NoLand => "land_mu is blank or not above 0".into(),
            Self::NoGroup => {
                let mins: Vec<String> = scheme
                    .groups
                    .iter()
                    .filter(|g| g.min_land_mu > 0.0)
                    .map(|g| format!("{} needs land_mu ≥ {}", g.id, g.min_land_mu))
                    .collect();
                format!("no group takes this row ({})", mins.join("; "))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Group(usize),
    OutOfScope(OutOfScope),
}

/// The rows of one group in one year, with what was computed for them as a whole.
#[derive(Debug, Clone)]
pub struct Cohort {
    pub year: i32,
    pub group: usize,
    /// Rated rows (the n of the class rule).
    pub size: usize,
    /// Benchmark per indicator; NaN when absent.
    pub benchmarks: Vec<f64>,
    /// Per-division benchmarks when the group's benchmark scope is the division.
    pub division_benchmarks: HashMap<u8, Vec<f64>>,
    /// The score given to a row missing the indicator.
    pub imputed_score: Vec<f64>,
    /// Totals of the rated rows, highest first.
    pub totals_desc: Vec<f64>,
}

impl Cohort {
    pub fn benchmark(&self, k: usize, division: u8) -> f64 {
        match self.division_benchmarks.get(&division) {
            Some(b) => b[k],
            None if !self.division_benchmarks.is_empty() => MISSING,
            None => self.benchmarks[k],
        }
    }
}

/// A class index meaning "not rated" (暂不评价).
pub const NOT_RATED: u8 = 254;
/// No class: out of scope.
pub const NO_CLASS: u8 = 255;

/// What a row's evaluation comes to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'s> {
    OutOfScope(OutOfScope),
    /// Placed in group `group` (an index into the scheme's groups) with this total.
    Placed {
        group: usize,
        total: f64,
        class: Class<'s>,
    },
}

/// The class of a placed row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Class<'s> {
    /// Too new, too small or without the figures the scheme rates.
    NotRated,
    /// Placed, but the group's rule gives no class.
    None,
    Rated {
        name: &'s str,
        rank: u32,
        group_size: usize,
    },
}

/// One indicator of one row, as the spec's trace requires.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTrace {
    pub index: usize,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// numerator ÷ denominator, None when either is blank or the denominator is 0.
    pub value: Option<f64>,
    pub benchmark: Option<f64>,
    /// None when the score was imputed or the benchmark is absent.
    pub ratio: Option<f64>,
    pub score: f64,
    pub imputed: bool,
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub placement: Vec<Placement>,
    /// Index into `cohorts`, u32::MAX when out of scope.
    pub cohort: Vec<u32>,
    /// Rounded total; NaN when out of scope.
    pub total: Vec<f64>,
    /// 0 when not ranked.
    pub rank: Vec<u32>,
    /// Class index in the group's class list, NOT_RATED or NO_CLASS.
    pub class: Vec<u8>,
    /// Points from bonus and deduction items.
    pub adjustment: Vec<f64>,
    /// Row-major: `stride` scores per row.
    pub scores: Vec<f64>,
    pub imputed: Vec<u16>,
    pub stride: usize,
    pub cohorts: Vec<Cohort>,
}

/// Fixed-point accumulator (1e-9 resolution): integer addition is associative, so the sum
/// is the same in every order, on every machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactSum(i128);

const SCALE: f64 = 1e9;

impl ExactSum {
    pub fn add(&mut self, v: f64) {
        let x = (v * SCALE).round();
        // Converting through i64 uses the hardware instruction; f64 → i128 is a slow
        // library call. Both give the same integer wherever i64 suffices.
        self.0 += if x.abs() < 9.0e18 {
            x as i64 as i128
        } else {
            x as i128
        };
    }
    pub fn value(self) -> f64 {
        self.0 as f64 / SCALE
    }
}

pub fn round_half_away(x: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Only this data year is evaluated; other rows are out of scope.
    pub year: Option<i32>,
}

/// Where a row belongs and whether it is rated, before any scoring.
pub fn place(scheme: &Scheme, row: &Row, year: Option<i32>) -> Placement {
    if year.is_some_and(|y| y != row.year) {
        return Placement::OutOfScope(OutOfScope::Year);
    }
    if !scheme
        .sections
        .iter()
        .any(|s| s.as_bytes()[0] == row.section)
    {
        return Placement::OutOfScope(OutOfScope::Section(row.section));
    }
    let land = row.values[Measure::LandMu.index()];
    if land.is_nan() || land <= 0.0 {
        return Placement::OutOfScope(OutOfScope::NoLand);
    }
    let above = is_above_scale(scheme, row);
    scheme
        .groups
        .iter()
        .position(|g| {
            let scale_ok = match g.scale {
                Scale::Above => above,
                Scale::Below => !above,
                Scale::Any => true,
            };
            scale_ok && land >= g.min_land_mu
        })
        .map_or(Placement::OutOfScope(OutOfScope::NoGroup), Placement::Group)
}

pub fn is_above_scale(scheme: &Scheme, row: &Row) -> bool {
    row.above_scale.unwrap_or_else(|| {
        let mr = row.values[Measure::MainRevenue.index()];
        !mr.is_nan() && mr >= scheme.above_scale_main_revenue
    })
}

fn not_rated(scheme: &Scheme, data: &Dataset, row: &Row) -> bool {
    let Some(nr) = &scheme.not_rated else {
        return false;
    };
    let by_flag = nr
        .flag
        .as_deref()
        .is_some_and(|f| row.flags & bit_of(&data.flag_names, f) != 0);
    let by_age = match (nr.years_since_established, row.established) {
        (Some(years), Some(est)) => row.year - est < years,
        _ => false,
    };
    by_flag || by_age
}

/// The un-imputed score of indicator `k` for `row`, or None when the value is missing.
fn raw_score(group: &Group, k: usize, row: &Row, benchmark: f64) -> Option<f64> {
    let ind = &group.indicators[k];
    let num = row.values[ind.numerator.index()];
    let den = row.values[ind.denominator.index()];
    if num.is_nan() || den.is_nan() {
        return None;
    }
    if benchmark.is_nan() || benchmark <= 0.0 {
        return Some(0.0);
    }
    let ratio = if den == 0.0 {
        match group.cap {
            Some(cap) if num > 0.0 => cap,
            Some(_) => 0.0,
            // Without a cap a zero denominator has no finite ratio: treated as missing.
            None => return None,
        }
    } else {
        let r = (num / den) / benchmark;
        r.clamp(0.0, group.cap.unwrap_or(f64::INFINITY))
    };
    Some(ind.weight * ratio)
}

fn adjustment_points(scheme: &Scheme, flag_names: &[String], group: &Group, row: &Row) -> f64 {
    scheme
        .adjustments
        .iter()
        .filter(|a| a.groups.is_empty() || a.groups.contains(&group.id))
        .filter(|a| row.flags & bit_of(flag_names, &a.flag) != 0)
        .map(|a| a.points)
        .sum()
}

pub fn evaluate(scheme: &Scheme, data: &Dataset, options: Options) -> Evaluation {
    let n = data.rows.len();
    let stride = scheme.max_indicators();
    let mut ev = Evaluation {
        placement: Vec::with_capacity(n),
        cohort: vec![u32::MAX; n],
        total: vec![f64::NAN; n],
        rank: vec![0; n],
        class: vec![NO_CLASS; n],
        adjustment: vec![0.0; n],
        scores: vec![0.0; n * stride],
        imputed: vec![0; n],
        stride,
        cohorts: Vec::new(),
    };
    // 1. Placement and cohorts (group × year).
    // Few cohorts (years × groups): a short list searched linearly beats hashing.
    let mut cohort_keys: Vec<(i32, usize)> = Vec::new();
    let mut rated = vec![false; n];
    for (i, row) in data.rows.iter().enumerate() {
        let p = place(scheme, row, options.year);
        if let Placement::Group(g) = p {
            let c = match cohort_keys.iter().position(|k| *k == (row.year, g)) {
                Some(c) => c as u32,
                None => {
                    cohort_keys.push((row.year, g));
                    ev.cohorts.push(Cohort {
                        year: row.year,
                        group: g,
                        size: 0,
                        benchmarks: Vec::new(),
                        division_benchmarks: HashMap::new(),
                        imputed_score: Vec::new(),
                        totals_desc: Vec::new(),
                    });
                    (ev.cohorts.len() - 1) as u32
                }
            };
            ev.cohort[i] = c;
            rated[i] = !not_rated(scheme, data, row);
            if rated[i] {
                ev.cohorts[c as usize].size += 1;
            }
        }
        ev.placement.push(p);
    }
    // 2. Benchmarks: Σ numerator ÷ Σ denominator over rated rows with both present and a
    //    denominator > 0, per cohort (and per division when the scheme says so).
    let nc = ev.cohorts.len();
    let mut sums: Vec<Vec<(ExactSum, ExactSum)>> = ev
        .cohorts
        .iter()
        .map(|c| vec![Default::default(); scheme.groups[c.group].indicators.len()])
        .collect();
    let mut div_sums: HashMap<(u32, u8), Vec<(ExactSum, ExactSum)>> = HashMap::new();
    for (i, row) in data.rows.iter().enumerate() {
        let c = ev.cohort[i];
        if c == u32::MAX || !rated[i] {
            continue;
        }
        let group = &scheme.groups[ev.cohorts[c as usize].group];
        let by_division = group.benchmark_scope == BenchmarkScope::Division;
        for (k, ind) in group.indicators.iter().enumerate() {
            let num = row.values[ind.numerator.index()];
            let den = row.values[ind.denominator.index()];
            if num.is_nan() || den.is_nan() || den <= 0.0 {
                continue;
            }
            let s = &mut sums[c as usize][k];
            s.0.add(num);
            s.1.add(den);
            if by_division {
                let d = div_sums
                    .entry((c, row.division))
                    .or_insert_with(|| vec![Default::default(); group.indicators.len()]);
                d[k].0.add(num);
                d[k].1.add(den);
            }
        }
    }
    let ratio_of = |(num, den): &(ExactSum, ExactSum)| {
        let d = den.value();
        if d > 0.0 { num.value() / d } else { MISSING }
    };
    for (c, cohort) in ev.cohorts.iter_mut().enumerate() {
        let group = &scheme.groups[cohort.group];
        cohort.benchmarks = group
            .indicators
            .iter()
            .zip(&sums[c])
            .map(|(ind, s)| ind.benchmark.unwrap_or_else(|| ratio_of(s)))
            .collect();
    }
    for ((c, division), s) in div_sums {
        let cohort = &mut ev.cohorts[c as usize];
        let group = &scheme.groups[cohort.group];
        let b = group
            .indicators
            .iter()
            .zip(&s)
            .map(|(ind, s)| ind.benchmark.unwrap_or_else(|| ratio_of(s)))
            .collect();
        cohort.division_benchmarks.insert(division, b);
    }
    // 3. Scores of rows that have the value; means for imputation.
    let mut mean_sums: Vec<Vec<(ExactSum, u64)>> = ev
        .cohorts
        .iter()
        .map(|c| vec![Default::default(); scheme.groups[c.group].indicators.len()])
        .collect();
    for (i, row) in data.rows.iter().enumerate() {
        let c = ev.cohort[i];
        if c == u32::MAX {
            continue;
        }
        let cohort = &ev.cohorts[c as usize];
        let group = &scheme.groups[cohort.group];
        // k indexes the indicator, its score slot and its imputation bit together.
        #[allow(clippy::needless_range_loop)]
        for k in 0..group.indicators.len() {
            match raw_score(group, k, row, cohort.benchmark(k, row.division)) {
                Some(s) => {
                    ev.scores[i * stride + k] = s;
                    if rated[i] {
                        let m = &mut mean_sums[c as usize][k];
                        m.0.add(s);
                        m.1 += 1;
                    }
                }
                None => ev.imputed[i] |= 1 << k,
            }
        }
    }
    for (cohort, sums) in ev.cohorts.iter_mut().zip(&mean_sums) {
        let group = &scheme.groups[cohort.group];
        cohort.imputed_score = sums
            .iter()
            .map(|(s, count)| match group.missing {
                Missing::GroupMean if *count > 0 => s.value() / *count as f64,
                _ => 0.0,
            })
            .collect();
    }
    // 4. Imputation, adjustments, totals.
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); nc];
    for (i, row) in data.rows.iter().enumerate() {
        let c = ev.cohort[i];
        if c == u32::MAX {
            continue;
        }
        let cohort = &ev.cohorts[c as usize];
        let group = &scheme.groups[cohort.group];
        let mut sum = 0.0;
        for k in 0..group.indicators.len() {
            if ev.imputed[i] & (1 << k) != 0 {
                ev.scores[i * stride + k] = cohort.imputed_score[k];
            }
            sum += ev.scores[i * stride + k];
        }
        let adj = adjustment_points(scheme, &data.flag_names, group, row);
        ev.adjustment[i] = adj;
        ev.total[i] = round_half_away(sum + adj, scheme.decimals);
        if rated[i] {
            members[c as usize].push(i as u32);
        } else {
            ev.class[i] = NOT_RATED;
        }
    }
    // 5. Ranks (equal totals share the lowest rank: 1, 2, 2, 4) and classes.
    for (c, mut idx) in members.into_iter().enumerate() {
        idx.sort_unstable_by(|&a, &b| ev.total[b as usize].total_cmp(&ev.total[a as usize]));
        let cohort = &mut ev.cohorts[c];
        let group = &scheme.groups[cohort.group];
        let size = idx.len();
        let mut rank = 0u32;
        let mut prev = f64::NAN;
        for (pos, &i) in idx.iter().enumerate() {
            let i = i as usize;
            if ev.total[i] != prev {
                rank = pos as u32 + 1;
                prev = ev.total[i];
            }
            ev.rank[i] = rank;
            let class = if data.rows[i].vetoed {
                group.veto_class
            } else {
                group.classes.classify(rank, ev.total[i], size)
            };
            ev.class[i] = class as u8;
        }
        cohort.totals_desc = idx.iter().map(|&i| ev.total[i as usize]).collect();
    }
    ev
}

impl Evaluation {
    pub fn scores(&self, i: usize) -> &[f64] {
        &self.scores[i * self.stride..(i + 1) * self.stride]
    }

    pub fn cohort_of(&self, i: usize) -> Option<&Cohort> {
        self.cohorts.get(self.cohort[i] as usize)
    }

    /// What row `i` comes to: the one reading of placement, class, rank and group size that
    /// file mode's output and the stored results of database mode share.
    pub fn outcome<'s>(&self, scheme: &'s Scheme, i: usize) -> Outcome<'s> {
        let g = match self.placement[i] {
            Placement::OutOfScope(why) => return Outcome::OutOfScope(why),
            Placement::Group(g) => g,
        };
        let group = &scheme.groups[g];
        let class = match self.class[i] {
            NOT_RATED => Class::NotRated,
            NO_CLASS => Class::None,
            c => Class::Rated {
                name: &group.classes.names[c as usize],
                rank: self.rank[i],
                group_size: self.cohort_of(i).map_or(0, |c| c.size),
            },
        };
        Outcome::Placed {
            group: g,
            total: self.total[i],
            class,
        }
    }

    /// The spec's per-indicator trace of row `i`; empty when out of scope.
    pub fn trace(&self, scheme: &Scheme, row: &Row, i: usize) -> Vec<IndicatorTrace> {
        let Some(cohort) = self.cohort_of(i) else {
            return Vec::new();
        };
        let group = &scheme.groups[cohort.group];
        trace_with(group, cohort, row, self.scores(i), self.imputed[i])
    }
}

fn trace_with(
    group: &Group,
    cohort: &Cohort,
    row: &Row,
    scores: &[f64],
    imputed: u16,
) -> Vec<IndicatorTrace> {
    group
        .indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let num = row.value(ind.numerator);
            let den = row.value(ind.denominator);
            let value = match (num, den) {
                (Some(n), Some(d)) if d != 0.0 => Some(n / d),
                _ => None,
            };
            let b = cohort.benchmark(k, row.division);
            let benchmark = (!b.is_nan()).then_some(b);
            let is_imputed = imputed & (1 << k) != 0;
            let ratio = match benchmark {
                Some(b) if b > 0.0 && !is_imputed && ind.weight > 0.0 => {
                    Some(scores[k] / ind.weight)
                }
                Some(b) if b > 0.0 && !is_imputed => {
                    value.map(|v| (v / b).clamp(0.0, group.cap.unwrap_or(f64::INFINITY)))
                }
                _ => None,
            };
            IndicatorTrace {
                index: k,
                numerator: num,
                denominator: den,
                value,
                benchmark,
                ratio,
                score: scores[k],
                imputed: is_imputed,
            }
        })
        .collect()
}

/// The result of changing a row's figures against a finished evaluation's benchmarks,
/// imputation scores and the other rows' totals.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub total: f64,
    pub rank: u32,
    pub class: usize,
    pub indicators: Vec<IndicatorTrace>,
}

/// The smallest change of one indicator that alone lifts the row one class.
#[derive(Debug, Clone, PartialEq)]
pub struct Lift {
    pub index: usize,
    /// The class that would be reached.
    pub class: usize,
    /// The total the row must reach.
    pub target_total: f64,
    /// The indicator value needed; None when the indicator alone cannot do it (cap).
    pub required_value: Option<f64>,
    /// How much the numerator must grow at the same denominator, when it is known.
    pub numerator_change: Option<f64>,
}

/// What a stored run keeps of a cohort (JSON-friendly: absent benchmarks are None).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CohortSnapshot {
    pub year: i32,
    pub group: String,
    pub size: usize,
    pub benchmarks: Vec<Option<f64>>,
    #[serde(default)]
    pub division_benchmarks: std::collections::BTreeMap<u8, Vec<Option<f64>>>,
    pub imputed_score: Vec<f64>,
}

fn opt(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

impl Cohort {
    pub fn snapshot(&self, scheme: &Scheme) -> CohortSnapshot {
        CohortSnapshot {
            year: self.year,
            group: scheme.groups[self.group].id.clone(),
            size: self.size,
            benchmarks: self.benchmarks.iter().copied().map(opt).collect(),
            division_benchmarks: self
                .division_benchmarks
                .iter()
                .map(|(d, b)| (*d, b.iter().copied().map(opt).collect()))
                .collect(),
            imputed_score: self.imputed_score.clone(),
        }
    }

    /// Rebuilds a cohort from its snapshot and the stored totals of its rated rows.
    pub fn from_snapshot(
        scheme: &Scheme,
        s: &CohortSnapshot,
        mut totals_desc: Vec<f64>,
    ) -> Option<Self> {
        let (group, _) = scheme.group(&s.group)?;
        totals_desc.sort_unstable_by(|a, b| b.total_cmp(a));
        let un =
            |v: &Vec<Option<f64>>| v.iter().map(|b| b.unwrap_or(MISSING)).collect::<Vec<f64>>();
        Some(Cohort {
            year: s.year,
            group,
            size: s.size,
            benchmarks: un(&s.benchmarks),
            division_benchmarks: s
                .division_benchmarks
                .iter()
                .map(|(d, b)| (*d, un(b)))
                .collect(),
            imputed_score: s.imputed_score.clone(),
            totals_desc,
        })
    }

    /// Rank of a total `new` among the cohort's totals with one occurrence of `own` removed.
    fn rank_among_others(&self, own: f64, new: f64) -> u32 {
        let higher = self.totals_desc.partition_point(|&t| t > new);
        (higher - usize::from(own > new)) as u32 + 1
    }
}

/// Scores `row` (a row's figures, changed) against a finished cohort's benchmarks,
/// imputation scores and the other rows' totals. `own_total` is the row's stored total.
pub fn what_if(
    scheme: &Scheme,
    flag_names: &[String],
    cohort: &Cohort,
    own_total: f64,
    row: &Row,
) -> WhatIf {
    let group = &scheme.groups[cohort.group];
    let mut scores = vec![0.0; group.indicators.len()];
    let mut imputed = 0u16;
    for (k, s) in scores.iter_mut().enumerate() {
        *s = match raw_score(group, k, row, cohort.benchmark(k, row.division)) {
            Some(s) => s,
            None => {
                imputed |= 1 << k;
                cohort.imputed_score[k]
            }
        };
    }
    let total = round_half_away(
        scores.iter().sum::<f64>() + adjustment_points(scheme, flag_names, group, row),
        scheme.decimals,
    );
    let rank = cohort.rank_among_others(own_total, total);
    let class = if row.vetoed {
        group.veto_class
    } else {
        group.classes.classify(rank, total, cohort.size)
    };
    WhatIf {
        total,
        rank,
        class,
        indicators: trace_with(group, cohort, row, &scores, imputed),
    }
}

/// The total a row now at `total` must reach to be placed in `target_class`: the class's
/// minimum score, or (classes by rank share) the k-th highest total of the other rows.
pub(crate) fn target_total(group: &Group, cohort: &Cohort, total: f64, target_class: usize) -> f64 {
    match &group.classes.rule {
        super::scheme::ClassRule::MinScore(mins) => mins[target_class],
        super::scheme::ClassRule::TopShare(shares) => {
            let k = super::scheme::ceil_share(shares[target_class], cohort.size) as usize;
            // Rank ≤ k needs a total at least the k-th highest of the *other* rows.
            let own_at = cohort.totals_desc.partition_point(|&t| t > total);
            cohort
                .totals_desc
                .iter()
                .enumerate()
                .filter(|&(p, _)| p != own_at)
                .map(|(_, t)| *t)
                .nth(k.saturating_sub(1))
                .unwrap_or(f64::NEG_INFINITY)
        }
    }
}

/// For each indicator of the row's group, the smallest change that alone lifts the row
/// from `class` to the next better class. Empty in the best class or when vetoed.
pub fn lifts(
    scheme: &Scheme,
    cohort: &Cohort,
    row: &Row,
    total: f64,
    class: usize,
    scores: &[f64],
) -> Vec<Lift> {
    if class == 0 || row.vetoed {
        return Vec::new();
    }
    let group = &scheme.groups[cohort.group];
    let target_class = class - 1;
    let target_total = target_total(group, cohort, total, target_class);
    let gap = (target_total - total).max(0.0);
    group
        .indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let bench = cohort.benchmark(k, row.division);
            // A hair above the gap, so that rounding the new total cannot fall short.
            let needed = scores[k] + gap + 1e-6;
            let max = group.cap.map_or(f64::INFINITY, |c| ind.weight * c);
            let required_value = (ind.weight > 0.0 && bench > 0.0 && needed <= max)
                .then(|| needed / ind.weight * bench);
            let numerator_change = required_value.and_then(|v| {
                let den = row.value(ind.denominator).filter(|d| *d > 0.0)?;
                let num = row.value(ind.numerator).unwrap_or(0.0);
                Some((v * den - num).max(0.0))
            });
            Lift {
                index: k,
                class: target_class,
                target_total,
                required_value,
                numerator_change,
            }
        })
        .collect()
}

impl Evaluation {
    /// `what_if` for row `i` of this evaluation; None when out of scope or not rated.
    pub fn what_if(&self, scheme: &Scheme, data: &Dataset, i: usize, row: &Row) -> Option<WhatIf> {
        let cohort = self.cohort_of(i)?;
        (self.class[i] != NOT_RATED)
            .then(|| what_if(scheme, &data.flag_names, cohort, self.total[i], row))
    }

    /// `lifts` for row `i` of this evaluation.
    pub fn lifts(&self, scheme: &Scheme, data: &Dataset, i: usize) -> Vec<Lift> {
        match self.cohort_of(i) {
            Some(cohort) if self.class[i] < NOT_RATED => lifts(
                scheme,
                cohort,
                &data.rows[i],
                self.total[i],
                self.class[i] as usize,
                self.scores(i),
            ),
            _ => Vec::new(),
        }
    }
}
