//! The demo's investment projects.
//!
//! - Suzhou Industrial Park's opening-up, reproduced from the figures the seed quotes
//!   ("累计实际利用外资超400亿美元，集聚外商投资项目5100多个，104家世界500强企业投资项目174个"):
//!   5,137 foreign-invested projects signed from 1994 to 2024 that used 40.31 billion USD in
//!   all, 174 of them by 104 Fortune Global 500 groups (synthetic names).
//! - A live pipeline in every zone, dated back from the day the demo is loaded so that its
//!   deadlines and stalls mean something on that day: leads, screening, talks, signed and
//!   building projects, some late on their deadlines, some stalled. Beijing's projects fill
//!   nodes of its humanoid-robot chain; Suining's four revitalisation projects (1.48 billion
//!   yuan, output 710 million, tax 30.5 million) are among its pipeline.

use super::land::SUINING_PROJECTS;
use super::{DemoZone, Rng};
use crate::investment::Stage;
use crate::investment::validate::ProjectDraft;
use chrono::{Days, NaiveDate};

/// Suzhou's foreign-invested projects, its FDI actually used (USD), and its Fortune Global
/// 500 investors and their projects.
pub const SUZHOU_FOREIGN_PROJECTS: usize = 5_137;
pub const SUZHOU_FDI_USED_USD: f64 = 40_310_000_000.0;
pub const SUZHOU_FORTUNE_500_GROUPS: usize = 104;
pub const SUZHOU_FORTUNE_500_PROJECTS: usize = 174;

/// A demo project: its record, the stages it went through (with their days), its follow-up
/// reports, and the money it brought in by year (year, received yuan, FDI used USD).
pub struct DemoPipelineProject {
    pub draft: ProjectDraft,
    pub moves: Vec<(Stage, NaiveDate)>,
    pub reports: Vec<NaiveDate>,
    pub acknowledged: bool,
    pub funds: Vec<(i32, f64, f64)>,
}

const OFFICERS: &[&str] = &["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆"];
const SOURCES: &[&str] = &[
    "以商招商",
    "驻点招商",
    "产业链招商",
    "基金招商",
    "展会洽谈",
    "中介推荐",
    "企业自荐",
];
const COUNTRIES: &[(&str, u32)] = &[
    ("香港", 30),
    ("新加坡", 12),
    ("美国", 12),
    ("日本", 10),
    ("德国", 8),
    ("韩国", 8),
    ("台湾", 8),
    ("英国", 4),
    ("法国", 4),
    ("荷兰", 4),
];
const GROUP_HEADS: &[&str] = &[
    "Aster", "Borel", "Calden", "Dorian", "Elvar", "Fennick", "Galder", "Horvath", "Istra",
    "Jorvik", "Kessel", "Lumen", "Marven",
];
const GROUP_TAILS: &[(&str, &str)] = &[
    ("Holdings", "美国"),
    ("Group", "法国"),
    ("AG", "瑞士"),
    ("SE", "德国"),
    ("Corporation", "美国"),
    ("plc", "英国"),
    ("N.V.", "荷兰"),
    ("K.K.", "日本"),
];

/// The Fortune Global 500 group `i` (0–103) of Suzhou's story: a synthetic name and its home.
fn fortune_group(i: usize) -> (String, &'static str) {
    let (tail, country) = GROUP_TAILS[i / GROUP_HEADS.len()];
    (
        format!("{} {tail}", GROUP_HEADS[i % GROUP_HEADS.len()]),
        country,
    )
}

fn after(d: NaiveDate, days: u64) -> NaiveDate {
    d + Days::new(days)
}

fn before(d: NaiveDate, days: u64) -> NaiveDate {
    d - Days::new(days)
}

/// The stages of the default path up to `last`, the optional ones skipped as most projects
/// skip them (研判 and 供地/租赁 kept only for some).
fn walk(last: Stage, rng: &mut Rng) -> Vec<Stage> {
    use Stage::*;
    let path = [
        Lead,
        Screening,
        Negotiating,
        Signed,
        Registered,
        SiteSecured,
        Started,
        Building,
        Completed,
        Producing,
        FullOutput,
    ];
    let mut out = Vec::new();
    if last == Lead {
        return out;
    }
    for s in path.into_iter().skip(1) {
        let optional = matches!(s, Screening | SiteSecured | Building | Completed);
        if s == last || !optional || rng.chance(0.6) {
            out.push(s);
        }
        if s == last {
            break;
        }
    }
    out
}

fn draft(name: String, received_on: NaiveDate, rng: &mut Rng) -> ProjectDraft {
    ProjectDraft {
        name,
        currency: "CNY".into(),
        officer: Some(rng.pick(OFFICERS).to_string()),
        source: Some(rng.pick(SOURCES).to_string()),
        received_on,
        country: Some("中国".into()),
        ..Default::default()
    }
}

/// Suzhou's foreign-invested projects since 1994. Their FDI sums to exactly
/// [`SUZHOU_FDI_USED_USD`]: draws in whole 万美元, the remainder on the last.
pub fn suzhou_history(zone_index: usize, today: NaiveDate) -> Vec<DemoPipelineProject> {
    let mut rng = Rng::new(0x5A_0000 + zone_index as u64);
    let classes = [
        "3973", "3562", "2761", "3581", "3911", "3670", "3976", "2770",
    ];
    let mut used: Vec<f64> = (0..SUZHOU_FOREIGN_PROJECTS)
        .map(|_| (rng.range(200.0, 1_370.0)).round() * 1e4)
        .collect();
    let drawn: f64 = used[..used.len() - 1].iter().sum();
    *used.last_mut().expect("projects") = SUZHOU_FDI_USED_USD - drawn;
    // FDI is used up to the last full year before the load day.
    let last_year = chrono::Datelike::year(&today) - 1;
    (0..SUZHOU_FOREIGN_PROJECTS)
        .map(|i| {
            // 174 Fortune 500 projects: groups 0–69 have two, 70–103 one.
            let fortune = (i < SUZHOU_FORTUNE_500_PROJECTS).then(|| {
                let g = if i < 140 { i / 2 } else { i - 70 };
                fortune_group(g)
            });
            let signed = NaiveDate::from_ymd_opt(
                1994 + (i % 32) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )
            .expect("date");
            let received = before(signed, 30 + rng.below(150) as u64);
            let (investor_country, group) = match &fortune {
                Some((g, c)) => (c.to_string(), Some(g.clone())),
                None => (
                    super::Rng::new(i as u64).weighted(COUNTRIES).to_string(),
                    None,
                ),
            };
            let fdi = used[i];
            let total = fdi * rng.range(7.0, 7.3) * 1.25;
            let mut d = draft(
                format!("{}外资项目（{}）", super::serial_word(i), investor_country),
                received,
                &mut rng,
            );
            d.investor = Some(match &group {
                Some(g) => format!("{g} 苏州子公司"),
                None => format!("{}{}有限公司", super::serial_word(i + 9_000), "（外资）"),
            });
            d.country = Some(investor_country);
            d.fortune_global_500 = group.is_some();
            d.parent_group = group;
            d.industry_code = Some(rng.pick(&classes).to_string());
            d.total_yuan = Some(total.round());
            d.fixed_yuan = Some((total * 0.7).round());
            d.currency = "USD".into();
            d.contracted_fdi_usd = Some((fdi * 1.1).round());
            d.jobs = Some(50 + rng.below(800) as i64);
            let mut moves = vec![
                (Stage::Negotiating, after(received, 15)),
                (Stage::Signed, signed),
            ];
            let registered = after(signed, 30 + rng.below(60) as u64);
            let started = after(registered, 30 + rng.below(150) as u64);
            let completed = after(started, 300 + rng.below(300) as u64);
            let producing = after(completed, 30 + rng.below(60) as u64);
            let full = after(producing, 365);
            for (s, on) in [
                (Stage::Registered, registered),
                (Stage::Started, started),
                (Stage::Completed, completed),
                (Stage::Producing, producing),
                (Stage::FullOutput, full),
            ] {
                if on <= today {
                    moves.push((s, on));
                }
            }
            // A few left the park after some years.
            let gone = after(moves.last().expect("moves").1, 400);
            if i % 37 == 5 && gone <= today {
                moves.push((Stage::MovedOut, gone));
            }
            let years = 1 + i % 3;
            let y0 = chrono::Datelike::year(&signed).min(last_year);
            let funds = (0..years)
                .map(|k| {
                    let share = fdi / years as f64;
                    // The last year takes the remainder, so the project's FDI adds up exactly.
                    let fdi_k = if k + 1 == years {
                        fdi - share.floor() * (years - 1) as f64
                    } else {
                        share.floor()
                    };
                    ((y0 + k as i32).min(last_year), fdi_k * 7.0, fdi_k)
                })
                .fold(Vec::<(i32, f64, f64)>::new(), |mut acc, (y, r, u)| {
                    // Years capped onto the same one add up.
                    match acc.last_mut() {
                        Some(last) if last.0 == y => {
                            last.1 += r;
                            last.2 += u;
                        }
                        _ => acc.push((y, r, u)),
                    }
                    acc
                });
            // A project still building is followed: a visit in the last weeks.
            let ongoing = !matches!(
                moves.last().map(|m| m.0),
                Some(Stage::FullOutput | Stage::MovedOut)
            );
            let reports = if ongoing {
                let last_move = moves.last().map_or(received, |m| m.1);
                vec![Ord::max(before(today, 3 + rng.below(40) as u64), last_move)]
            } else {
                vec![]
            };
            DemoPipelineProject {
                draft: d,
                moves,
                reports,
                acknowledged: true,
                funds,
            }
        })
        .collect()
}

/// Projects in a zone's pipeline by default.
pub const PIPELINE_PROJECTS: usize = 48;

/// A zone's live pipeline of about `count` projects as of `today`. `chain_nodes`: (node id
/// as `taxonomy/node`, its first industry class) that the zone's projects should fill, when
/// it has any.
pub fn pipeline(
    zone: &DemoZone,
    zone_index: usize,
    today: NaiveDate,
    chain_nodes: &[(String, String)],
    count: usize,
) -> Vec<DemoPipelineProject> {
    use Stage::*;
    let mut rng = Rng::new(0x7070 + zone_index as u64);
    // (last stage, how many)
    let plan: [(Stage, usize); 12] = [
        (Lead, 8),
        (Screening, 6),
        (Negotiating, 8),
        (Signed, 5),
        (Registered, 3),
        (SiteSecured, 2),
        (Started, 4),
        (Building, 4),
        (Completed, 2),
        (Producing, 3),
        (FullOutput, 1),
        (Halted, 2),
    ];
    let suining = zone.name.starts_with("遂宁");
    let classes: Vec<&str> = zone.industries.iter().map(|(c, _)| *c).collect();
    let mut out = Vec::new();
    let mut n = 0usize;
    for (last, k) in plan {
        for _ in 0..(k * count).div_ceil(PIPELINE_PROJECTS) {
            n += 1;
            let steps = if last == Halted {
                vec![Screening, Halted]
            } else {
                walk(last, &mut rng)
            };
            // Later stages began longer ago: about 40 days a step, spread.
            let span = 20 + steps.len() as u64 * (25 + rng.below(30) as u64);
            let received = before(today, span);
            let mut on = received;
            let mut moves = Vec::new();
            for s in &steps {
                on = after(on, 5 + rng.below(35) as u64).min(today);
                moves.push((*s, on));
            }
            // One in six has gone quiet: its last step long ago.
            let quiet = n.is_multiple_of(6);
            if quiet {
                let shift = 100 + rng.below(60) as u64;
                for m in &mut moves {
                    m.1 = before(m.1, shift);
                }
            }
            let received = if quiet {
                before(received, 100 + rng.below(60) as u64)
                    .min(moves.first().map_or(received, |m| m.1))
            } else {
                received
            };
            let node = (!chain_nodes.is_empty()).then(|| &chain_nodes[n % chain_nodes.len()]);
            let class = node
                .map(|(_, c)| c.as_str())
                .unwrap_or_else(|| classes[n % classes.len()]);
            let word = super::enterprises::industry_word(class);
            let mut d = draft(
                format!(
                    "{}{}项目",
                    super::serial_word(n + 20_000 * zone_index),
                    word
                ),
                received,
                &mut rng,
            );
            d.investor = Some(format!(
                "{}{}{}",
                super::serial_word(n + 30_000 + 97 * zone_index),
                word,
                "集团有限公司"
            ));
            d.industry_code = Some(class.to_string());
            d.chain_node = node.map(|(id, _)| id.clone());
            // 3,000 万 to 30 亿, most between 1 and 10 亿.
            let total = (10f64.powf(rng.range(7.5, 9.5)) / 1e4).round() * 1e4;
            d.total_yuan = Some(total);
            d.fixed_yuan = Some((total * rng.range(0.55, 0.9) / 1e4).round() * 1e4);
            if n.is_multiple_of(13) {
                // Small: under the 1,000 万 floor, not counted.
                d.total_yuan = Some(1.2e7);
                d.fixed_yuan = Some(8e6);
            }
            if n % 4 == 1 {
                let country = rng.weighted(COUNTRIES).to_string();
                d.country = Some(country);
                d.currency = "USD".into();
                d.contracted_fdi_usd = Some((total / 7.1 * 0.6 / 1e4).round() * 1e4);
            }
            d.output_yuan = Some((total * rng.range(0.8, 2.0) / 1e4).round() * 1e4);
            d.tax_yuan = Some((total * rng.range(0.03, 0.08) / 1e4).round() * 1e4);
            d.jobs = Some(30 + rng.below(600) as i64);
            d.land_mu = rng.chance(0.6).then(|| (rng.range(20.0, 200.0)).round());
            d.confidential = n.is_multiple_of(11);
            let signed = moves.iter().find(|m| m.0 == Signed).map(|m| m.1);
            let funds = match signed {
                Some(s) => vec![(
                    chrono::Datelike::year(&s),
                    (total * rng.range(0.1, 0.6) / 1e4).round() * 1e4,
                    d.contracted_fdi_usd
                        .map_or(0.0, |f| (f * 0.5 / 1e4).round() * 1e4),
                )],
                None => vec![],
            };
            let following = matches!(last, Screening | Negotiating);
            let last_move = moves.last().map_or(received, |m| m.1);
            let mut reports = Vec::new();
            if following && !quiet {
                // Most report on time; every third is a week late.
                let gap = if n.is_multiple_of(3) { 21 } else { 7 };
                reports.push(Ord::max(before(today, gap), last_move));
            } else if let (Some(s), false) = (signed, quiet || last == Halted) {
                // A signed project is served: a visit a month, the last within the month.
                let mut on = after(s, 30);
                while on < today {
                    reports.push(Ord::max(on, last_move));
                    on = after(on, 30);
                }
                reports.dedup();
            }
            out.push(DemoPipelineProject {
                draft: d,
                moves,
                reports,
                // Every fifth lead has not been answered.
                acknowledged: !(last == Lead && n.is_multiple_of(5)),
                funds,
            });
        }
    }
    if suining {
        let stages = [Producing, Producing, Started, Signed];
        for (i, (p, last)) in SUINING_PROJECTS.iter().zip(stages).enumerate() {
            let received = NaiveDate::from_ymd_opt(2024, 9, 1 + i as u32).expect("date");
            let mut d = draft(p.name.to_string(), received, &mut rng);
            d.investor = Some(format!(
                "{}{}",
                super::serial_word(40_000 + i),
                "新材料有限公司"
            ));
            d.total_yuan = Some(p.investment);
            d.fixed_yuan = Some((p.investment * 0.8).round());
            d.output_yuan = Some(p.output);
            d.tax_yuan = Some(p.tax);
            d.industry_code = Some(["3982", "3841", "3849", "3983"][i].to_string());
            d.source = Some("闲置厂房盘活".into());
            let mut moves = Vec::new();
            let mut on = received;
            for s in walk(last, &mut Rng::new(900 + i as u64)) {
                on = after(on, 45);
                moves.push((s, on));
            }
            out.push(DemoPipelineProject {
                draft: d,
                moves,
                reports: vec![],
                acknowledged: true,
                funds: vec![(2025, (p.investment * 0.5).round(), 0.0)],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::investment::PipelineRules;
    use crate::investment::figures::{ProjectRow, YearFunds, year_figures};
    use crate::investment::rules::ProjectFacts;
    use crate::investment::stages::{check_move, default_path};

    fn rows(projects: &[DemoPipelineProject]) -> (Vec<ProjectRow>, Vec<YearFunds>) {
        let mut funds = Vec::new();
        let rows = projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                for (year, received, used) in &p.funds {
                    funds.push(YearFunds {
                        project_id: i as i64,
                        year: *year,
                        received_yuan: *received,
                        fdi_used_usd: *used,
                    });
                }
                let on = |s: Stage| p.moves.iter().find(|m| m.0 == s).map(|m| m.1);
                ProjectRow {
                    id: i as i64,
                    name: p.draft.name.clone(),
                    facts: ProjectFacts {
                        stage: p.moves.last().map(|m| m.0),
                        total_yuan: p.draft.total_yuan,
                        fixed_yuan: p.draft.fixed_yuan,
                        signed_on: on(Stage::Signed),
                        registered_on: on(Stage::Registered),
                        started_on: on(Stage::Started),
                        ..Default::default()
                    },
                    completed_on: on(Stage::Completed),
                    country: p.draft.country.clone(),
                    fortune_global_500: p.draft.fortune_global_500,
                    parent_group: p.draft.parent_group.clone(),
                    contracted_fdi_usd: p.draft.contracted_fdi_usd,
                }
            })
            .collect();
        (rows, funds)
    }

    #[test]
    fn suzhou_reproduces_the_seed_figures() {
        let history = suzhou_history(2, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        let (rows, funds) = rows(&history);
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let f = year_figures(&PipelineRules::default(), &rows, &funds, 2026, today);
        assert_eq!(f.foreign_projects, SUZHOU_FOREIGN_PROJECTS);
        assert_eq!(f.fdi_used_to_date_usd, SUZHOU_FDI_USED_USD);
        assert_eq!(f.fortune_500_investors, SUZHOU_FORTUNE_500_GROUPS);
        assert_eq!(f.fortune_500_projects, SUZHOU_FORTUNE_500_PROJECTS);
    }

    #[test]
    fn every_demo_move_is_one_the_default_path_allows() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let path = default_path();
        let mut all = suzhou_history(2, today);
        for (i, z) in crate::demo::zones().iter().enumerate() {
            all.extend(pipeline(z, i, today, &[], PIPELINE_PROJECTS));
        }
        for p in &all {
            let mut at = Stage::Lead;
            let mut day = p.draft.received_on;
            let mut registered = false;
            for (s, on) in &p.moves {
                assert_eq!(
                    check_move(&path, at, *s, registered),
                    Ok(()),
                    "{} {at} → {s}",
                    p.draft.name
                );
                assert!(*on >= day && *on <= today, "{} {on}", p.draft.name);
                registered |= *s == Stage::Registered;
                at = *s;
                day = *on;
            }
        }
    }
}
