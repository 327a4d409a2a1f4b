//! The year's figures of a zone's pipeline and of its opening-up, each with the parts of its
//! formula so that a page can show how it was reached.
//!
//! Pipeline figures count only projects at or above the fixed-asset floor (the rules'
//! `min_fixed_yuan`); opening-up figures (foreign-invested projects, FDI, Fortune Global 500
//! investors) count every foreign-invested project, as the commerce statistics do.

use super::rules::{PipelineRules, ProjectFacts, YearTarget};
use super::stages::{Stage, StageGroup};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A project as the figures read it.
#[derive(Debug, Clone, Default)]
pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub facts: ProjectFacts,
    pub completed_on: Option<NaiveDate>,
    /// Country or region of the investor; None or 中国 for a domestic one.
    pub country: Option<String>,
    pub fortune_global_500: bool,
    pub parent_group: Option<String>,
    pub contracted_fdi_usd: Option<f64>,
}

impl ProjectRow {
    pub fn foreign(&self) -> bool {
        self.country.as_deref().is_some_and(is_foreign)
    }
}

/// Whether a country or region names a foreign investor (Hong Kong, Macao and Taiwan count
/// as foreign investment in China's statistics).
pub fn is_foreign(country: &str) -> bool {
    !matches!(
        country.trim(),
        "" | "中国" | "中国大陆" | "中华人民共和国" | "CN" | "cn" | "China"
    )
}

/// Money a project brought in one year: funds received (到位资金, yuan) and foreign direct
/// investment actually used (实际使用外资, USD).
#[derive(Debug, Clone, Default)]
pub struct YearFunds {
    pub project_id: i64,
    pub year: i32,
    pub received_yuan: f64,
    pub fdi_used_usd: f64,
}

/// A share with its parts: `num ÷ den`; none when nothing is counted below the line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Ratio {
    pub num: f64,
    pub den: f64,
}

impl Ratio {
    pub fn value(&self) -> Option<f64> {
        (self.den > 0.0).then(|| self.num / self.den)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearFigures {
    pub year: i32,
    /// Projects signed in the year and counted, and their total investment (yuan).
    pub signed: usize,
    pub signed_yuan: f64,
    /// Signed in the year but under the fixed-asset floor (or with none recorded).
    pub signed_not_counted: usize,
    pub target: Option<YearTarget>,
    /// Signed in the year at or above 1 亿元 (the rules' lead threshold).
    pub signed_major: usize,
    /// Signed in the year by a Fortune Global 500 investor.
    pub signed_fortune_500: usize,
    /// Funds received in the year, from every project.
    pub received_yuan: f64,
    /// Funds received to date by the projects signed in the year ÷ their total investment.
    pub funds_rate: Ratio,
    /// Projects signed in the year that have started works ÷ those signed.
    pub start_rate: Ratio,
    /// Of those started, the ones completed ÷ those started.
    pub completion_rate: Ratio,
    /// Successes (引进成功) whose day falls in the year.
    pub successes: usize,
    /// FDI contracted by the foreign projects signed in the year (USD).
    pub fdi_contracted_usd: f64,
    /// FDI actually used in the year, and in every year up to it (USD).
    pub fdi_used_usd: f64,
    pub fdi_used_to_date_usd: f64,
    /// Foreign-invested projects signed up to the year's end.
    pub foreign_projects: usize,
    /// Fortune Global 500 groups among their investors, and their projects.
    pub fortune_500_investors: usize,
    pub fortune_500_projects: usize,
}

/// A zone's figures for `year`, as of `today` (rates count what happened up to today).
pub fn year_figures(
    rules: &PipelineRules,
    projects: &[ProjectRow],
    funds: &[YearFunds],
    year: i32,
    today: NaiveDate,
) -> YearFigures {
    let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year);
    let by_end = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() <= year && d <= today);
    let mut f = YearFigures {
        year,
        target: rules.targets.get(&year).cloned(),
        ..Default::default()
    };
    let mut cohort = HashSet::new();
    let mut cohort_total = 0.0;
    let mut groups = HashSet::new();
    for p in projects {
        let signed_in_year = in_year(p.facts.signed_on);
        if signed_in_year {
            if rules.counted(&p.facts) {
                let total = p.facts.total_yuan.unwrap_or(0.0);
                f.signed += 1;
                f.signed_yuan += total;
                cohort.insert(p.id);
                cohort_total += total;
                if total >= rules.deadline_lead_yuan {
                    f.signed_major += 1;
                }
                if p.fortune_global_500 {
                    f.signed_fortune_500 += 1;
                }
                f.start_rate.den += 1.0;
                if p.facts.started_on.is_some_and(|d| d <= today) {
                    f.start_rate.num += 1.0;
                    f.completion_rate.den += 1.0;
                    if p.completed_on.is_some_and(|d| d <= today) {
                        f.completion_rate.num += 1.0;
                    }
                }
            } else {
                f.signed_not_counted += 1;
            }
            if p.foreign() {
                f.fdi_contracted_usd += p.contracted_fdi_usd.unwrap_or(0.0);
            }
        }
        if in_year(rules.success_on(&p.facts)) {
            f.successes += 1;
        }
        if p.foreign() && by_end(p.facts.signed_on) {
            f.foreign_projects += 1;
            if p.fortune_global_500 {
                f.fortune_500_projects += 1;
                if let Some(g) = p.parent_group.as_deref() {
                    groups.insert(g.trim());
                }
            }
        }
    }
    f.fortune_500_investors = groups.len();
    let foreign: HashSet<i64> = projects
        .iter()
        .filter(|p| p.foreign())
        .map(|p| p.id)
        .collect();
    for m in funds {
        if m.year == year {
            f.received_yuan += m.received_yuan;
        }
        if cohort.contains(&m.project_id) && m.year >= year {
            f.funds_rate.num += m.received_yuan;
        }
        if foreign.contains(&m.project_id) {
            if m.year == year {
                f.fdi_used_usd += m.fdi_used_usd;
            }
            if m.year <= year {
                f.fdi_used_to_date_usd += m.fdi_used_usd;
            }
        }
    }
    f.funds_rate.den = cohort_total;
    f
}

/// Projects now in each group of the 七个一批, in the groups' order, and how many have ended.
pub fn by_group(projects: &[ProjectRow]) -> (Vec<(StageGroup, usize)>, usize) {
    let mut counts: HashMap<StageGroup, usize> = HashMap::new();
    let mut ended = 0;
    for p in projects {
        match p.facts.stage.and_then(Stage::group) {
            Some(g) => *counts.entry(g).or_default() += 1,
            None => ended += 1,
        }
    }
    let groups = StageGroup::ALL
        .iter()
        .map(|g| (*g, counts.get(g).copied().unwrap_or(0)))
        .collect();
    (groups, ended)
}

/// FDI actually used and contracted, by year (USD), over the foreign projects.
pub fn fdi_by_year(projects: &[ProjectRow], funds: &[YearFunds]) -> BTreeMap<i32, (f64, f64)> {
    let mut out: BTreeMap<i32, (f64, f64)> = BTreeMap::new();
    let foreign: HashSet<i64> = projects
        .iter()
        .filter(|p| p.foreign())
        .map(|p| p.id)
        .collect();
    for m in funds.iter().filter(|m| foreign.contains(&m.project_id)) {
        out.entry(m.year).or_default().0 += m.fdi_used_usd;
    }
    for p in projects.iter().filter(|p| p.foreign()) {
        if let Some(d) = p.facts.signed_on {
            out.entry(d.year()).or_default().1 += p.contracted_fdi_usd.unwrap_or(0.0);
        }
    }
    out
}

/// Foreign-invested projects signed by `today`, by country or region: (country, projects,
/// FDI used to date in USD), most projects first.
pub fn by_country(
    projects: &[ProjectRow],
    funds: &[YearFunds],
    today: NaiveDate,
) -> Vec<(String, usize, f64)> {
    let mut used: HashMap<i64, f64> = HashMap::new();
    for m in funds {
        *used.entry(m.project_id).or_default() += m.fdi_used_usd;
    }
    let mut rows: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for p in projects {
        if !p.foreign() || p.facts.signed_on.is_none_or(|d| d > today) {
            continue;
        }
        let e = rows
            .entry(p.country.clone().unwrap_or_default().trim().to_string())
            .or_default();
        e.0 += 1;
        e.1 += used.get(&p.id).copied().unwrap_or(0.0);
    }
    let mut out: Vec<_> = rows.into_iter().map(|(c, (n, u))| (c, n, u)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn project(id: i64, total: f64, fixed: f64, signed: &str) -> ProjectRow {
        ProjectRow {
            id,
            facts: ProjectFacts {
                stage: Some(Stage::Signed),
                total_yuan: Some(total),
                fixed_yuan: Some(fixed),
                signed_on: Some(d(signed)),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Four projects signed in 2025 and one in 2024, worked by hand.
    #[test]
    fn the_year_figures_follow_their_formulas() {
        let mut rules = PipelineRules::default();
        rules.targets.insert(
            2025,
            YearTarget {
                signed_count: Some(4),
                signed_yuan: Some(5e8),
            },
        );
        let today = d("2025-12-31");
        // 1: 2 亿, started and completed, registered: a success in 2025.
        let mut a = project(1, 2e8, 1.5e8, "2025-02-01");
        a.facts.registered_on = Some(d("2025-03-01"));
        a.facts.started_on = Some(d("2025-04-01"));
        a.completed_on = Some(d("2025-11-01"));
        // 2: 5,000 万, foreign (美国), Fortune 500, started, not completed.
        let mut b = project(2, 5e7, 3e7, "2025-05-01");
        b.facts.started_on = Some(d("2025-09-01"));
        b.country = Some("美国".into());
        b.fortune_global_500 = true;
        b.parent_group = Some("G1".into());
        b.contracted_fdi_usd = Some(7e6);
        // 3: 1 亿 exactly, not started.
        let c = project(3, 1e8, 2e7, "2025-08-01");
        // 4: under the floor (900 万 fixed): not counted.
        let e = project(4, 3e7, 9e6, "2025-09-01");
        // 5: 2024, foreign (德国), Fortune 500 of the same group G1.
        let mut g = project(5, 4e8, 4e8, "2024-06-01");
        g.country = Some("德国".into());
        g.fortune_global_500 = true;
        g.parent_group = Some("G1".into());
        let funds = vec![
            YearFunds {
                project_id: 1,
                year: 2025,
                received_yuan: 8e7,
                fdi_used_usd: 0.0,
            },
            YearFunds {
                project_id: 2,
                year: 2025,
                received_yuan: 2e7,
                fdi_used_usd: 3e6,
            },
            YearFunds {
                project_id: 5,
                year: 2024,
                received_yuan: 1e8,
                fdi_used_usd: 1.5e7,
            },
            YearFunds {
                project_id: 5,
                year: 2025,
                received_yuan: 5e7,
                fdi_used_usd: 5e6,
            },
        ];
        let all = [a, b, c, e, g];
        let f = year_figures(&rules, &all, &funds, 2025, today);
        assert_eq!((f.signed, f.signed_not_counted), (3, 1));
        assert_eq!(f.signed_yuan, 3.5e8);
        assert_eq!(f.target.unwrap().signed_count, Some(4));
        assert_eq!(f.signed_major, 2, "2 亿 and exactly 1 亿");
        assert_eq!(f.signed_fortune_500, 1);
        assert_eq!(f.received_yuan, 8e7 + 2e7 + 5e7);
        // Funds of the 2025 cohort (1, 2, 3) ÷ their 3.5 亿.
        assert_eq!(
            f.funds_rate,
            Ratio {
                num: 1e8,
                den: 3.5e8
            }
        );
        assert_eq!(f.start_rate, Ratio { num: 2.0, den: 3.0 });
        assert_eq!(f.completion_rate, Ratio { num: 1.0, den: 2.0 });
        assert_eq!(f.successes, 1);
        assert_eq!(f.fdi_contracted_usd, 7e6);
        assert_eq!(f.fdi_used_usd, 3e6 + 5e6);
        assert_eq!(f.fdi_used_to_date_usd, 3e6 + 5e6 + 1.5e7);
        assert_eq!(f.foreign_projects, 2);
        assert_eq!((f.fortune_500_investors, f.fortune_500_projects), (1, 2));
        // In 2024 only project 5 was signed.
        let f24 = year_figures(&rules, &all, &funds, 2024, today);
        assert_eq!(
            (f24.signed, f24.foreign_projects, f24.fdi_used_to_date_usd),
            (1, 1, 1.5e7)
        );
        assert_eq!(f24.start_rate.value(), Some(0.0));
        let countries = by_country(&all, &funds, today);
        assert_eq!(
            countries,
            vec![("德国".to_string(), 1, 2e7), ("美国".to_string(), 1, 3e6)]
        );
        let years = fdi_by_year(&all, &funds);
        assert_eq!(years[&2024], (1.5e7, 0.0));
        assert_eq!(years[&2025], (8e6, 7e6));
        let (groups, ended) = by_group(&all);
        assert_eq!(ended, 0);
        assert_eq!(groups[2], (StageGroup::Signing, 5));
    }

    #[test]
    fn domestic_investors_are_not_foreign() {
        for c in ["中国", " 中国大陆 ", "CN", ""] {
            assert!(!is_foreign(c), "{c}");
        }
        for c in ["香港", "美国", "德国"] {
            assert!(is_foreign(c), "{c}");
        }
    }
}
