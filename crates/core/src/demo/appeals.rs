//! The demo's enterprise appeals: a year of them in every zone, each played through the
//! appeal states (`appeals::progress`) from the day it was received up to the day the demo
//! is loaded. Departments work at different speeds, so some deadlines are met and some
//! missed; some answers are sent back as not solved, some closed without the enterprise's
//! word, some reopened, some rated low, so that 办结率, 解决率 and 满意率 differ as they do in
//! life. Visits to about two in five enterprises, and one for each appeal raised on a visit.
//! Also the State Council's holiday calendar for 2025 and 2026, which every demo zone keeps.

use super::Rng;
use crate::appeals::progress::Progress;
use crate::appeals::rules::{AppealRules, Dues};
use crate::appeals::states::{AppealAction, AppealState, Channel, Urgency};
use crate::appeals::validate::{ActionDraft, AppealDraft};
use crate::appeals::visits::VisitDraft;
use crate::calendar::WorkCalendar;
use chrono::{Days, NaiveDate};

/// Appeals a demo zone receives in its year (`devzone demo --appeals`).
pub const APPEALS_PER_ZONE: usize = 300;

/// A demo appeal: whose (an index into the zone's enterprises, oldest first), as received,
/// its due days, its events, and where it stands.
pub struct DemoAppeal {
    pub enterprise_index: usize,
    pub draft: AppealDraft,
    pub dues: Dues,
    pub events: Vec<DemoEvent>,
    pub progress: Progress,
}

pub struct DemoEvent {
    pub action: AppealAction,
    pub draft: ActionDraft,
    pub from: AppealState,
    pub to: AppealState,
    pub by_enterprise: bool,
}

/// Holidays and swapped working weekends of 2025 and 2026, from the State Council's notices
/// (国办发明电〔2024〕12号 and 国办发明电〔2025〕7号).
pub fn holidays() -> WorkCalendar {
    let holidays = "2025-01-01\n2025-01-28..2025-02-04\n2025-04-04..2025-04-06\n\
        2025-05-01..2025-05-05\n2025-05-31..2025-06-02\n2025-10-01..2025-10-08\n\
        2026-01-01..2026-01-03\n2026-02-15..2026-02-23\n2026-04-04..2026-04-06\n\
        2026-05-01..2026-05-05\n2026-06-19..2026-06-21\n2026-09-25..2026-09-27\n\
        2026-10-01..2026-10-07";
    let working = "2025-01-26\n2025-02-08\n2025-04-27\n2025-09-28\n2025-10-11\n\
        2026-01-04\n2026-02-14\n2026-02-28\n2026-05-09\n2026-09-20\n2026-10-10";
    WorkCalendar::parse_lists(holidays, working).unwrap_or_default()
}

/// (category, weight, title stems).
const CATEGORIES: &[(&str, u32, &[&str])] = &[
    (
        "plant_lease",
        8,
        &["标准厂房租金减免申请", "厂房屋面漏水维修", "扩产需增租厂房"],
    ),
    (
        "land_supply",
        6,
        &["二期项目用地指标", "工业用地容积率调整", "土地证办理进度"],
    ),
    (
        "recruitment",
        10,
        &["一线操作工招工难", "技术工人缺口", "校企合作招聘对接"],
    ),
    (
        "talent_housing",
        6,
        &["人才公寓申请", "高层次人才子女入学", "人才补贴申报"],
    ),
    (
        "finance",
        12,
        &["流动资金贷款对接", "设备融资租赁", "应急转贷资金申请"],
    ),
    (
        "policy",
        15,
        &[
            "研发费用补助兑现",
            "技改补贴拨付进度",
            "稳岗补贴申领",
            "首台套奖励申报",
        ],
    ),
    (
        "approval",
        10,
        &["施工许可办理", "消防验收预约", "环评批复进度"],
    ),
    (
        "power",
        7,
        &["增容报装", "频繁停电影响生产", "峰谷电价咨询"],
    ),
    ("water_gas", 4, &["天然气管道接入", "工业用水压力不足"]),
    (
        "logistics",
        6,
        &["园区道路拥堵", "货车通行证办理", "公交线路延伸"],
    ),
    (
        "legal_ip",
        5,
        &["商标侵权维权", "合同纠纷调解", "专利申请指导"],
    ),
    (
        "environment_safety",
        5,
        &["危废处置渠道", "排污许可变更", "安全生产检查整改"],
    ),
    (
        "other",
        6,
        &["企业更名变更", "周边噪声扰民", "食堂证照办理"],
    ),
];

const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Portal, 40),
    (Channel::Phone, 22),
    (Channel::Visit, 15),
    (Channel::Symposium, 6),
    (Channel::Hotline, 17),
];

const ANSWERS: &[&str] = &[
    "已会同相关部门现场核查，并向企业书面答复处理方案。",
    "已协调办理，相关手续于本周内完成。",
    "已按政策口径答复企业，并提供申报指引。",
    "已对接相关单位，明确了办理时限和联系人。",
];

/// Working days a department takes beyond its deadline, as a factor: the planning and
/// approval bureaus are slow in the demo, the service centre quick.
fn slowness(department: &str) -> f64 {
    match department {
        "planning" => 1.6,
        "approval" => 1.4,
        "finance" => 1.2,
        "service" => 0.6,
        "hr" => 0.8,
        _ => 1.0,
    }
}

/// `count` appeals of one zone with `enterprises` enterprises, received over the year before
/// `today`.
pub fn year(
    zone_index: usize,
    enterprises: usize,
    today: NaiveDate,
    count: usize,
    rules: &AppealRules,
    cal: &WorkCalendar,
) -> Vec<DemoAppeal> {
    let mut rng = Rng::new(0xA99E + zone_index as u64);
    let weighted: Vec<(usize, u32)> = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.1))
        .collect();
    let mut out = Vec::with_capacity(count);
    if enterprises == 0 {
        return out;
    }
    for n in 0..count {
        let ci = *rng.weighted(&weighted);
        let (category, _, stems) = CATEGORIES[ci];
        let received = today - Days::new(rng.below(365) as u64);
        let urgency = if rng.chance(0.1) {
            Urgency::Urgent
        } else {
            Urgency::Normal
        };
        let channel = *rng.weighted(CHANNELS);
        let stem = *rng.pick(stems);
        let draft = AppealDraft {
            enterprise_id: None,
            title: stem.to_string(),
            description: format!(
                "{stem}：企业反映相关问题已影响正常生产经营，希望管委会协调解决。（演示数据 {}）",
                n + 1
            ),
            category: category.to_string(),
            urgency,
            channel,
            received_on: received,
            visit_id: None,
        };
        let dues = rules.dues(cal, received, category, urgency);
        let mut life = Life {
            rules,
            cal,
            today,
            dues,
            progress: Progress::new(received, &dues),
            events: Vec::new(),
            portal: channel == Channel::Portal,
        };
        play(&mut life, &mut rng, category, urgency);
        out.push(DemoAppeal {
            enterprise_index: rng.below(enterprises),
            draft,
            dues,
            events: life.events,
            progress: life.progress,
        });
    }
    // Ids follow the day received, as they would have been recorded.
    out.sort_by_key(|a| a.draft.received_on);
    out
}

struct Life<'a> {
    rules: &'a AppealRules,
    cal: &'a WorkCalendar,
    today: NaiveDate,
    dues: Dues,
    progress: Progress,
    events: Vec<DemoEvent>,
    /// Raised in the portal: the enterprise answers there; else an officer records its word
    /// from a call back.
    portal: bool,
}

impl Life<'_> {
    /// Takes `action` `days` working days after the last event; false (and nothing done) when
    /// that day has not come yet, or the states refuse it.
    fn act(
        &mut self,
        days: u32,
        action: AppealAction,
        department: Option<&str>,
        note: Option<&str>,
        rating: Option<u8>,
    ) -> bool {
        let on = self.cal.add_working_days(self.progress.last_event_on, days);
        if on > self.today {
            return false;
        }
        let by_enterprise = action.is_enterprise_word() && self.portal;
        let note = match note {
            Some(n) => Some(n.to_string()),
            None if action.is_enterprise_word() && !self.portal => {
                Some("电话回访记录企业意见。".to_string())
            }
            None => None,
        };
        let draft = ActionDraft {
            action,
            department: department.map(Into::into),
            note,
            rating,
            on,
        };
        let from = self.progress.state;
        let Ok(to) = self
            .progress
            .next(action, by_enterprise, self.rules, self.cal, on)
        else {
            return false;
        };
        self.progress.apply(to, &draft, &self.dues);
        self.events.push(DemoEvent {
            action,
            draft,
            from,
            to,
            by_enterprise,
        });
        true
    }
}

fn play(l: &mut Life, rng: &mut Rng, category: &str, urgency: Urgency) {
    use AppealAction::*;
    let Some(dept) = l.rules.route(category).map(str::to_string) else {
        return;
    };
    let limits = l.rules.limits(category, urgency);
    let slow = slowness(&dept);
    let late = |rng: &mut Rng, limit: u32| -> u32 {
        // Most steps in time; a slow department's more often late, by a few days.
        if rng.chance(0.12 * slow) {
            limit + 1 + rng.below(4) as u32
        } else {
            (rng.unit() * limit as f64 * 0.9) as u32
        }
    };
    let ack = late(rng, limits.acknowledge);
    if !l.act(ack, Assign, Some(&dept), None, None) {
        return;
    }
    if rng.chance(0.05) {
        let other = l.rules.departments[rng.below(l.rules.departments.len())]
            .id
            .clone();
        if other != dept {
            l.act(
                1,
                Reassign,
                Some(&other),
                Some("职能不符，改派责任部门。"),
                None,
            );
        }
    }
    // A few are left with the department: the overdue ones of the cockpit.
    if rng.chance(0.03) {
        l.act(1, Accept, None, None, None);
        return;
    }
    if !l.act(rng.below(2) as u32, Accept, None, None, None) {
        return;
    }
    let answer_in = late(rng, limits.answer.saturating_sub(ack)).max(1);
    if !l.act(answer_in, Answer, None, Some(*rng.pick(ANSWERS)), None) {
        return;
    }
    let r = rng.unit();
    let solved_after_reopen = if r < 0.68 {
        false
    } else if r < 0.82 {
        // Sent back as not solved, answered again.
        if !l.act(
            1 + rng.below(3) as u32,
            NotSolved,
            None,
            Some("答复未解决实际问题，请继续协调。"),
            None,
        ) {
            return;
        }
        if !l.act(
            2 + (rng.unit() * 4.0 * slow) as u32,
            Answer,
            None,
            Some(*rng.pick(ANSWERS)),
            None,
        ) {
            return;
        }
        if rng.chance(0.25) {
            let wait = l.rules.confirm_days + rng.below(3) as u32;
            l.act(wait, Close, None, None, None);
            return;
        }
        true
    } else if r < 0.93 {
        // No word from the enterprise: closed without it after the wait.
        let wait = l.rules.confirm_days + rng.below(4) as u32;
        l.act(wait, Close, None, None, None);
        return;
    } else {
        false
    };
    if !l.act(1 + rng.below(3) as u32, Solved, None, None, None) {
        return;
    }
    if rng.chance(0.7) {
        let base = [
            5u8, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3, 3, 2, 1,
        ];
        let mut rating = *rng.pick(&base);
        if solved_after_reopen || l.progress.first_answer_on > Some(l.dues.answer) {
            rating = rating.saturating_sub(1).max(1);
        }
        let comment = (rating <= 2).then_some("办理时间过长。");
        l.act(rng.below(3) as u32, Rate, None, comment, Some(rating));
    }
    if rng.chance(0.03) {
        l.act(
            2 + rng.below(5) as u32,
            Reopen,
            None,
            Some("问题再次出现，申请重新办理。"),
            None,
        );
    }
}

/// A demo visit: to which enterprise (an index into the zone's enterprises), as recorded.
pub struct DemoVisit {
    pub enterprise_index: usize,
    pub draft: VisitDraft,
}

const OFFICERS: &[&str] = &["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆"];

/// A year of visits for a zone of `enterprises`: about two in five enterprises visited in
/// the last twelve months (the larger parks' more often), some twice, and a few visits
/// planned for the coming weeks; and one visit for each appeal raised on a visit (`appeals`:
/// the zone's appeals), on its day, whose issues it carried — `visit_of[i]` is the index of
/// appeal `i`'s visit in the list returned.
pub fn visits(
    zone_index: usize,
    enterprises: usize,
    today: NaiveDate,
    appeals: &[DemoAppeal],
) -> (Vec<DemoVisit>, Vec<Option<usize>>) {
    use crate::appeals::visits::VisitTopic::*;
    let mut rng = Rng::new(0x5151 + zone_index as u64);
    let mut out = Vec::new();
    let topics = [
        Operations, Policy, Financing, Talent, Space, Expansion, Safety,
    ];
    let draft =
        |rng: &mut Rng, planned: Option<NaiveDate>, visited: Option<NaiveDate>| VisitDraft {
            enterprise_id: None,
            officer: rng.pick(OFFICERS).to_string(),
            planned_on: planned,
            visited_on: visited,
            topics: vec![*rng.pick(&topics), Policy],
            issues: None,
            policies: Some("宣讲稳岗补贴、研发费用加计扣除等惠企政策。".into()),
            next_step: Some("持续跟踪企业经营情况。".into()),
        };
    for e in 0..enterprises {
        if rng.chance(0.4) {
            let times = 1 + usize::from(rng.chance(0.3));
            for _ in 0..times {
                let day = today - Days::new(rng.below(365) as u64);
                let mut d = draft(&mut rng, Some(day), Some(day));
                d.topics.dedup();
                out.push(DemoVisit {
                    enterprise_index: e,
                    draft: d,
                });
            }
        } else if rng.chance(0.05) {
            let day = today + Days::new(1 + rng.below(30) as u64);
            out.push(DemoVisit {
                enterprise_index: e,
                draft: draft(&mut rng, Some(day), None),
            });
        }
    }
    let mut visit_of = vec![None; appeals.len()];
    for (i, a) in appeals.iter().enumerate() {
        if a.draft.channel == Channel::Visit {
            let mut d = draft(&mut rng, None, Some(a.draft.received_on));
            d.issues = Some(a.draft.description.clone());
            d.topics = vec![Operations];
            visit_of[i] = Some(out.len());
            out.push(DemoVisit {
                enterprise_index: a.enterprise_index,
                draft: d,
            });
        }
    }
    (out, visit_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appeals::metrics::{AppealFacts, metrics};

    #[test]
    fn a_demo_year_makes_metrics_that_differ_and_every_event_follows_the_states() {
        let rules = AppealRules::default();
        let cal = holidays();
        let today: NaiveDate = "2026-12-01".parse().unwrap();
        let year = year(0, 200, today, 600, &rules, &cal);
        assert_eq!(year.len(), 600);
        let facts: Vec<AppealFacts> = year
            .iter()
            .enumerate()
            .map(|(i, a)| AppealFacts {
                id: i as i64,
                received_on: a.draft.received_on,
                category: a.draft.category.clone(),
                urgency: a.draft.urgency,
                department: a.progress.department.clone(),
                park_id: None,
                state: a.progress.state,
                dues: a.dues,
                assigned_on: a.progress.assigned_on,
                first_answer_on: a.progress.first_answer_on,
                closed_on: a.progress.closed_on,
                resolution: a.progress.resolution,
                reopens: a.progress.reopens,
                rating: a.progress.rating,
            })
            .collect();
        let from = today - Days::new(365);
        let m = metrics(&facts, from, today, today);
        let (ack, handled, closed, solved, satisfied) = (
            m.timely_acknowledged.value().unwrap(),
            m.timely_handled.value().unwrap(),
            m.closed.value().unwrap(),
            m.solved.value().unwrap(),
            m.satisfied.value().unwrap(),
        );
        // Like life: most in time, most closed, fewer solved than closed.
        assert!((0.8..0.99).contains(&ack), "{ack}");
        assert!((0.6..0.99).contains(&handled), "{handled}");
        assert!((0.75..0.99).contains(&closed), "{closed}");
        assert!(solved < closed - 0.05, "{solved} {closed}");
        assert!((0.6..0.95).contains(&satisfied), "{satisfied}");
        assert!(m.reopened > 0 && m.overdue > 0);
        for a in &year {
            assert!(a.events.iter().all(|e| e.draft.on <= today));
            assert!(a.events.windows(2).all(|w| w[0].to == w[1].from));
        }
    }
}
