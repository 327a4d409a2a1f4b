//! The smallest combination of changes that lifts an enterprise one class: the money figures
//! (tax, value added, R&D, revenue: the numerators of the indicators) raised by the least
//! total amount, in 万元, that brings the total score to the next class's bound, respecting
//! the cap on each indicator's ratio.
//!
//! Each indicator scores weight × min(ratio, cap), ratio = numerator ÷ denominator ÷
//! benchmark, so raising a figure adds points at a fixed rate per 万元 (the sum of
//! weight ÷ (denominator × benchmark) over the indicators it feeds) until one of them reaches
//! its cap, where the rate falls. Points bought per 万元 only fall as a figure grows, so
//! buying the dearest point last is optimal: always raise the figure that buys the most
//! points per 万元 now, up to its next cap, until the gap is closed. The plan is then scored
//! by the rules (`what_if`) before it is offered.

use super::engine::{Cohort, Row, WhatIf, round_half_away, target_total, what_if};
use super::measure::Measure;
use super::scheme::Scheme;

/// Why an indicator takes no part in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    /// Its ratio is at the cap: more of its figure adds nothing.
    AtCap,
    /// A figure it reads is missing (it scores the group's imputed points).
    Missing,
    /// The cohort has no positive benchmark for it.
    NoBenchmark,
    /// Its numerator is not an amount of money (raises are counted in 万元).
    NotMoney,
    /// Its denominator is zero or negative.
    NoDenominator,
    /// Its numerator is negative (no points until it is positive again).
    Negative,
}

/// One figure raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Increase {
    pub measure: Measure,
    /// 万元, rounded up to the 0.01 万元 (100 元) shown.
    pub amount: f64,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The class aimed at (one better than now).
    pub class: usize,
    pub target_total: f64,
    pub total: f64,
    /// The raises, largest first; empty when the class cannot be reached.
    pub increases: Vec<Increase>,
    pub reachable: bool,
    /// The highest total raising the money figures can give (every indicator they feed at
    /// its cap); infinite without a cap.
    pub max_total: f64,
    /// Indicators at the cap once the plan is carried out (or, unreachable, at the best):
    /// where the cap binds.
    pub capped: Vec<usize>,
    /// Indicators no raise can move, with the reason.
    pub fixed: Vec<(usize, Fixed)>,
    /// The plan scored by the rules.
    pub check: Option<WhatIf>,
}

/// An indicator a money figure moves: points per 万元 of that figure, and how many 万元 of it
/// bring the ratio to the cap (infinite without one).
struct Lever {
    index: usize,
    measure: Measure,
    slope: f64,
    room: f64,
    /// Points it still can add.
    headroom: f64,
}

/// The plan for a row in `class` (0 = best) with stored `total`; None in the best class or
/// when the row is vetoed (a veto is not lifted by figures).
pub fn smallest_change(
    scheme: &Scheme,
    flag_names: &[String],
    cohort: &Cohort,
    row: &Row,
    total: f64,
    class: usize,
) -> Option<Plan> {
    if class == 0 || row.vetoed {
        return None;
    }
    let group = &scheme.groups[cohort.group];
    let target_class = class - 1;
    let target = target_total(group, cohort, total, target_class);
    let mut levers = Vec::new();
    let mut fixed = Vec::new();
    for (k, ind) in group.indicators.iter().enumerate() {
        if ind.weight <= 0.0 {
            continue;
        }
        let b = cohort.benchmark(k, row.division);
        let reason = match (row.value(ind.numerator), row.value(ind.denominator)) {
            _ if ind.numerator.unit() != "万元" => Err(Fixed::NotMoney),
            _ if b.is_nan() || b <= 0.0 => Err(Fixed::NoBenchmark),
            (None, _) | (_, None) => Err(Fixed::Missing),
            (_, Some(d)) if d <= 0.0 => Err(Fixed::NoDenominator),
            (Some(n), _) if n < 0.0 => Err(Fixed::Negative),
            (Some(n), Some(d)) => Ok((n, d)),
        };
        match reason {
            Err(r) => fixed.push((k, r)),
            Ok((n, d)) => {
                let ratio = n / d / b;
                match group.cap {
                    Some(cap) if ratio >= cap => fixed.push((k, Fixed::AtCap)),
                    cap => levers.push(Lever {
                        index: k,
                        measure: ind.numerator,
                        slope: ind.weight / (d * b),
                        room: cap.map_or(f64::INFINITY, |c| c * d * b - n),
                        headroom: cap.map_or(f64::INFINITY, |c| ind.weight * (c - ratio)),
                    }),
                }
            }
        }
    }
    let max_total = total + levers.iter().map(|l| l.headroom).sum::<f64>();
    let at_cap = |fixed: &[(usize, Fixed)]| -> Vec<usize> {
        fixed
            .iter()
            .filter(|(_, r)| *r == Fixed::AtCap)
            .map(|(k, _)| *k)
            .collect()
    };
    let mut plan = Plan {
        class: target_class,
        target_total: target,
        total,
        increases: Vec::new(),
        reachable: false,
        max_total,
        capped: at_cap(&fixed),
        fixed,
        check: None,
    };
    // A hair over the bound, so that rounding the new total cannot fall short of it.
    let margin = 0.5 * 10f64.powi(-(scheme.decimals as i32));
    let gap = target - total + margin;
    if max_total < target {
        plan.capped.extend(levers.iter().map(|l| l.index));
        plan.capped.sort_unstable();
        return Some(plan);
    }
    let raises = fill(&levers, gap);
    let mut changed = row.clone();
    for (m, amount) in &raises {
        let from = row.values[m.index()];
        // Up to the 0.01 万元 shown, so that the amounts read off the page are enough.
        let amount = (amount * 100.0 - 1e-9).ceil() / 100.0;
        changed.values[m.index()] = from + amount;
        plan.increases.push(Increase {
            measure: *m,
            amount,
            from,
            to: from + amount,
        });
    }
    plan.increases.sort_by(|a, b| b.amount.total_cmp(&a.amount));
    for l in &levers {
        let raised = changed.values[l.measure.index()] - row.values[l.measure.index()];
        if raised >= l.room - 1e-9 {
            plan.capped.push(l.index);
        }
    }
    plan.capped.sort_unstable();
    let check = what_if(scheme, flag_names, cohort, total, &changed);
    plan.reachable = check.class <= target_class
        && round_half_away(check.total, scheme.decimals)
            >= round_half_away(target, scheme.decimals);
    plan.check = Some(check);
    Some(plan)
}

/// The raise of each figure, in 万元, that adds `gap` points at the least total amount:
/// the figure buying the most points per 万元 first, each up to its next cap.
fn fill(levers: &[Lever], gap: f64) -> Vec<(Measure, f64)> {
    let mut raised: Vec<(Measure, f64)> = Vec::new();
    let mut left = gap;
    let amount_of = |raised: &[(Measure, f64)], m: Measure| {
        raised
            .iter()
            .find(|(x, _)| *x == m)
            .map_or(0.0, |(_, a)| *a)
    };
    while left > 0.0 {
        // Points per 万元 of each figure now, and how far that rate holds.
        let mut best: Option<(Measure, f64, f64)> = None;
        for l in levers {
            let at = amount_of(&raised, l.measure);
            if l.room - at <= 1e-12 {
                continue;
            }
            let (rate, reach) = levers
                .iter()
                .filter(|o| o.measure == l.measure && o.room - at > 1e-12)
                .fold((0.0, f64::INFINITY), |(r, d), o| {
                    (r + o.slope, d.min(o.room - at))
                });
            if best.is_none_or(|(_, r, _)| rate > r) {
                best = Some((l.measure, rate, reach));
            }
        }
        let Some((m, rate, reach)) = best else {
            break;
        };
        let step = (left / rate).min(reach);
        match raised.iter_mut().find(|(x, _)| *x == m) {
            Some((_, a)) => *a += step,
            None => raised.push((m, step)),
        }
        left -= step * rate;
        if step < reach {
            break;
        }
    }
    raised
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::engine::Cohort;

    /// Two indicators on tax (per mu, per 万千瓦时 of electricity), one on value added per mu;
    /// A from 120 points, B from 80, cap 2.
    const SCHEME: &str = r#"
name = "t"
version = 1
effective_year = 2024
title = { zh = "测试", en = "test" }
decimals = 2

[[group]]
id = "g"
label = { zh = "组", en = "group" }
cap = 2.0

[[group.indicator]]
id = "tax_mu"
label = { zh = "亩均税收", en = "Tax per mu" }
numerator = "tax"
denominator = "land_mu"
weight = 40

[[group.indicator]]
id = "tax_kwh"
label = { zh = "单位电耗税收", en = "Tax per kWh" }
numerator = "tax"
denominator = "electricity"
weight = 20

[[group.indicator]]
id = "va_mu"
label = { zh = "亩均增加值", en = "Value added per mu" }
numerator = "value_added"
denominator = "land_mu"
weight = 40

[[group.class]]
name = "A"
min_score = 120

[[group.class]]
name = "B"
min_score = 80

[[group.class]]
name = "C"
"#;

    fn row(tax: f64, va: f64) -> Row {
        let mut values = [f64::NAN; 10];
        values[Measure::LandMu.index()] = 10.0;
        values[Measure::Tax.index()] = tax;
        values[Measure::Electricity.index()] = 100.0;
        values[Measure::ValueAdded.index()] = va;
        Row {
            year: 2024,
            section: b'C',
            division: 13,
            values,
            above_scale: Some(true),
            vetoed: false,
            flags: 0,
            established: None,
        }
    }

    /// Benchmarks: tax 10 万元/亩, tax 1 万元 per 万千瓦时, value added 50 万元/亩.
    fn cohort() -> Cohort {
        Cohort {
            year: 2024,
            group: 0,
            size: 10,
            benchmarks: vec![10.0, 1.0, 50.0],
            division_benchmarks: Default::default(),
            imputed_score: vec![0.0; 3],
            totals_desc: vec![],
        }
    }

    fn total_of(r: &Row) -> f64 {
        let s = Scheme::parse(SCHEME).unwrap();
        what_if(&s, &[], &cohort(), 0.0, r).total
    }

    #[test]
    fn the_figure_buying_most_points_per_wan_goes_first() {
        let s = Scheme::parse(SCHEME).unwrap();
        // Tax 50 on 10 亩 and 100 万千瓦时: 40 × 0.5 + 20 × 0.5 = 30; value added 250:
        // 40 × 0.5 = 20. Total 50, class C; B needs 80, a gap of 30 points.
        let r = row(50.0, 250.0);
        assert_eq!(total_of(&r), 50.0);
        let p = smallest_change(&s, &[], &cohort(), &r, 50.0, 2).unwrap();
        // Tax buys 40/(10 × 10) + 20/(100 × 1) = 0.6 points per 万元; value added buys
        // 40/(10 × 50) = 0.08. Tax first: 30 points ÷ 0.6 = 50 万元 (its caps are at tax
        // 200 and 200, far off). The margin of half a hundredth of a point adds
        // 0.005 ÷ 0.6 = 0.0083 万元, rounded up to the 0.01 shown: +50.01.
        assert!(p.reachable);
        assert_eq!(p.increases.len(), 1);
        assert_eq!(p.increases[0].measure, Measure::Tax);
        assert!(
            (p.increases[0].amount - 50.01).abs() < 1e-9,
            "{:?}",
            p.increases
        );
        assert_eq!(p.check.as_ref().unwrap().class, 1);
        assert!(p.capped.is_empty());
    }

    #[test]
    fn where_the_cap_binds_the_next_figure_takes_over() {
        let s = Scheme::parse(SCHEME).unwrap();
        // Tax 150: tax_mu 40 × 1.5 = 60, tax_kwh 20 × 1.5 = 30; value added 250: 20.
        // Total 110, class B; A needs 120: 10 points more.
        let r = row(150.0, 250.0);
        let p = smallest_change(&s, &[], &cohort(), &r, 110.0, 1).unwrap();
        // Tax buys 0.6 per 万元 up to 200 (both caps at ratio 2: 2 × 10 × 10 = 200 and
        // 2 × 100 × 1 = 200): +50 万元 gives 30 points, more than 10: tax alone, 10 ÷ 0.6 =
        // 16.67, plus the margin → 16.68.
        assert!(
            (p.increases[0].amount - 16.68).abs() < 1e-9,
            "{:?}",
            p.increases
        );
        // Tax at its cap on land (200 on 10 亩 at a benchmark of 10 is a ratio of 2), with
        // more electricity: tax_kwh 200 ÷ 400 = 0.5 → 10.
        let mut r = row(200.0, 0.0);
        r.values[Measure::Electricity.index()] = 400.0; // tax_kwh 20 × 0.5 = 10
        // tax_mu at cap 80, tax_kwh 10, va 0: 90, B. Tax buys only 20/(400 × 1) = 0.05 per
        // 万元 (tax_mu is capped); value added 0.08: value added first. 30 points ÷ 0.08 =
        // 375 万元 + margin (0.005 ÷ 0.08 = 0.0625) → 375.07.
        let p = smallest_change(&s, &[], &cohort(), &r, 90.0, 1).unwrap();
        assert_eq!(p.capped, vec![0], "tax per mu is at its cap");
        assert!(p.fixed.contains(&(0, Fixed::AtCap)));
        assert_eq!(p.increases[0].measure, Measure::ValueAdded);
        assert!(
            (p.increases[0].amount - 375.07).abs() < 1e-9,
            "{:?}",
            p.increases
        );
        assert!(p.reachable);
    }

    #[test]
    fn two_figures_when_one_reaches_its_cap_first() {
        let s = Scheme::parse(SCHEME).unwrap();
        // Tax 180: 72 + 36 = 108; value added 0: 0. Total 108, B; A needs 12 more.
        // Tax: +20 万元 to its caps at 0.6 per 万元 = 12 points exactly; with the margin a
        // hundredth of a point more is wanted: tax to the cap (+20), then value added
        // 0.005 ÷ 0.08 = 0.0625 → 0.07.
        let r = row(180.0, 0.0);
        let p = smallest_change(&s, &[], &cohort(), &r, 108.0, 1).unwrap();
        let by = |m: Measure| {
            p.increases
                .iter()
                .find(|i| i.measure == m)
                .map(|i| i.amount)
        };
        assert!(
            (by(Measure::Tax).unwrap() - 20.0).abs() < 1e-9,
            "{:?}",
            p.increases
        );
        assert!((by(Measure::ValueAdded).unwrap() - 0.07).abs() < 1e-9);
        assert_eq!(p.capped, vec![0, 1], "both tax indicators end at the cap");
        assert!(p.reachable);
        assert_eq!(p.check.unwrap().total, 120.01);
    }

    #[test]
    fn a_class_reached_exactly_at_the_cap_and_one_out_of_reach() {
        let s = Scheme::parse(SCHEME).unwrap();
        // Value added and electricity missing: their indicators score the imputed 0 and
        // cannot move. Tax 100 on 10 亩: 40 × 1 = 40, class C; B needs 80.
        let mut r = row(100.0, f64::NAN);
        r.values[Measure::Electricity.index()] = f64::NAN;
        let p = smallest_change(&s, &[], &cohort(), &r, 40.0, 2).unwrap();
        // Tax per mu to its cap (tax 200, +100 万元) gives 80: exactly B's bound, enough.
        assert!(p.reachable);
        assert_eq!(p.max_total, 80.0);
        assert_eq!(p.increases[0].amount, 100.0);
        assert_eq!(p.capped, vec![0]);
        assert!(p.fixed.contains(&(1, Fixed::Missing)) && p.fixed.contains(&(2, Fixed::Missing)));
        // At the cap already, in B with 80: A needs 120, and no raise adds a point.
        let mut r = row(200.0, f64::NAN);
        r.values[Measure::Electricity.index()] = f64::NAN;
        let p = smallest_change(&s, &[], &cohort(), &r, 80.0, 1).unwrap();
        assert!(!p.reachable);
        assert!(p.increases.is_empty());
        assert_eq!((p.max_total, p.target_total), (80.0, 120.0));
        assert_eq!(p.capped, vec![0]);
        assert!(p.fixed.contains(&(0, Fixed::AtCap)));
    }

    #[test]
    fn the_best_class_and_a_veto_have_no_plan() {
        let s = Scheme::parse(SCHEME).unwrap();
        let r = row(200.0, 500.0);
        assert!(smallest_change(&s, &[], &cohort(), &r, 160.0, 0).is_none());
        let mut v = row(10.0, 10.0);
        v.vetoed = true;
        assert!(smallest_change(&s, &[], &cohort(), &v, 10.0, 2).is_none());
    }
}
