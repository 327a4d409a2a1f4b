//! A zone's appeal rules: the category tree, the departments, which department a category
//! goes to, the deadlines in working days per urgency (and per category where a zone sets
//! its own), the reopen and confirmation windows, and when a missed deadline goes up to the
//! zone leader. Edited as a TOML text by the zone; every refusal names the entry.

use super::states::{AppealState, Urgency};
use crate::calendar::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One category of the tree: a top-level one, or a child of one (two levels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub zh: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// A department appeals are routed to, and its head (who a missed deadline goes to).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub zh: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
}

/// Working days from receipt to each step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// To route it to a department (受理): 0 is the same day.
    pub acknowledge: u32,
    /// To the first answer.
    pub answer: u32,
    /// To closure.
    pub resolve: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UrgencyLimits {
    pub normal: Limits,
    pub urgent: Limits,
}

impl UrgencyLimits {
    pub fn of(&self, u: Urgency) -> Limits {
        match u {
            Urgency::Normal => self.normal,
            Urgency::Urgent => self.urgent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppealRules {
    /// The zone leader a deadline missed by `leader_after_days` goes to.
    pub leader: Option<String>,
    /// Working days after a missed deadline before it goes to the zone leader.
    pub leader_after_days: u32,
    /// Calendar days after closure in which the enterprise may reopen.
    pub reopen_days: u32,
    /// Working days the enterprise has to confirm an answer before an officer may close the
    /// appeal without its word.
    pub confirm_days: u32,
    pub deadlines: UrgencyLimits,
    /// A category's own deadlines (a child without its own takes its parent's).
    pub category_deadlines: BTreeMap<String, UrgencyLimits>,
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    /// Category id → department id (a child without its own goes where its parent goes).
    pub routes: BTreeMap<String, String>,
}

fn cat(id: &str, zh: &str, en: &str, parent: Option<&str>) -> Category {
    Category {
        id: id.into(),
        zh: zh.into(),
        en: en.into(),
        parent: parent.map(Into::into),
    }
}

fn dept(id: &str, zh: &str, en: &str) -> Department {
    Department {
        id: id.into(),
        zh: zh.into(),
        en: en.into(),
        head: None,
    }
}

const fn limits(acknowledge: u32, answer: u32, resolve: u32) -> Limits {
    Limits {
        acknowledge,
        answer,
        resolve,
    }
}

impl Default for AppealRules {
    /// The categories the issue names, the departments a management committee commonly has,
    /// and deadlines in the range of the 12345 hotline rules (1 working day to route, 5 to
    /// answer, 15 to close; urgent matters the same day, 2 and 5).
    fn default() -> Self {
        let top = [
            ("land_space", "用地与厂房", "Land and premises"),
            ("labour", "用工与人才", "Workforce and talent"),
            ("finance", "融资", "Financing"),
            ("policy", "政策兑现", "Policy benefits"),
            ("approval", "审批与证照", "Approvals and licences"),
            ("utilities", "水电气网", "Water, power, gas and network"),
            ("logistics", "物流与交通", "Logistics and transport"),
            ("legal_ip", "法律与知识产权", "Law and IP"),
            ("environment_safety", "环保与安全", "Environment and safety"),
            ("other", "其他", "Other"),
        ];
        let children = [
            ("plant_lease", "厂房租赁", "Factory leases", "land_space"),
            ("land_supply", "土地供应", "Land supply", "land_space"),
            ("recruitment", "招工", "Recruitment", "labour"),
            ("talent_housing", "人才住房", "Talent housing", "labour"),
            ("power", "用电", "Power", "utilities"),
            ("water_gas", "用水用气", "Water and gas", "utilities"),
        ];
        let mut categories: Vec<Category> =
            top.iter().map(|(i, z, e)| cat(i, z, e, None)).collect();
        categories.extend(children.iter().map(|(i, z, e, p)| cat(i, z, e, Some(p))));
        let departments = vec![
            dept("economy", "经济发展局", "Economic Development Bureau"),
            dept("planning", "规划建设局", "Planning and Construction Bureau"),
            dept("investment", "投资促进局", "Investment Promotion Bureau"),
            dept("hr", "人力资源和社会保障局", "Human Resources Bureau"),
            dept("finance", "财政金融局", "Finance Bureau"),
            dept("approval", "行政审批局", "Administrative Approval Bureau"),
            dept(
                "environment",
                "生态环境局",
                "Ecology and Environment Bureau",
            ),
            dept("enforcement", "综合执法局", "Law Enforcement Bureau"),
            dept("service", "企业服务中心", "Enterprise Service Centre"),
        ];
        let routes = [
            ("land_space", "planning"),
            ("labour", "hr"),
            ("finance", "finance"),
            ("policy", "economy"),
            ("approval", "approval"),
            ("utilities", "economy"),
            ("logistics", "planning"),
            ("legal_ip", "enforcement"),
            ("environment_safety", "environment"),
            ("other", "service"),
        ]
        .iter()
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .collect();
        let normal = limits(1, 5, 15);
        AppealRules {
            leader: None,
            leader_after_days: 3,
            reopen_days: 15,
            confirm_days: 5,
            deadlines: UrgencyLimits {
                normal,
                urgent: limits(0, 2, 5),
            },
            // Benefits wait on the finance bureau's payment round.
            category_deadlines: [(
                "policy".to_string(),
                UrgencyLimits {
                    normal: limits(1, 5, 20),
                    urgent: limits(0, 3, 10),
                },
            )]
            .into(),
            categories,
            departments,
            routes,
        }
    }
}

/// The three due days of an appeal, fixed when it is received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dues {
    pub acknowledge: NaiveDate,
    pub answer: NaiveDate,
    pub resolve: NaiveDate,
}

/// Who a missed deadline has gone up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Escalation {
    DepartmentHead,
    Leader,
}

/// The step an open appeal is waiting on, its due day and how it stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// `acknowledge`, `answer` or `resolve`.
    pub step: &'static str,
    pub due: NaiveDate,
    /// Days past due (calendar days), when late.
    pub days_late: Option<i64>,
    pub escalation: Option<Escalation>,
}

/// The step an appeal waits on and its due day: routing while received; the first answer
/// until there is one; then closure. An answered appeal waits on the enterprise, and a closed
/// one on nothing.
pub fn waiting_step(
    state: AppealState,
    first_answer_on: Option<NaiveDate>,
    dues: &Dues,
) -> Option<(&'static str, NaiveDate)> {
    Some(match state {
        AppealState::Received => ("acknowledge", dues.acknowledge),
        AppealState::Assigned | AppealState::Handling if first_answer_on.is_none() => {
            ("answer", dues.answer)
        }
        AppealState::Assigned | AppealState::Handling => ("resolve", dues.resolve),
        AppealState::Answered | AppealState::Closed => return None,
    })
}

/// A refused rules file: where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesError {
    pub line: Option<usize>,
    /// The entry the problem is in (`routes.policy`, `categories[3]`), when it is not a
    /// syntax error.
    pub entry: Option<String>,
    pub message: String,
}

impl AppealRules {
    /// The category `id`.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// The top-level category of `id` (itself when it is one).
    pub fn top_of<'a>(&'a self, id: &'a str) -> &'a str {
        match self.category(id).and_then(|c| c.parent.as_deref()) {
            Some(p) => p,
            None => id,
        }
    }

    /// The department a category goes to: its own route, else its parent's.
    pub fn route(&self, category: &str) -> Option<&str> {
        self.routes
            .get(category)
            .or_else(|| self.routes.get(self.top_of(category)))
            .map(String::as_str)
    }

    /// The limits for a category and urgency: the category's own, its parent's, or the
    /// zone's.
    pub fn limits(&self, category: &str, u: Urgency) -> Limits {
        self.category_deadlines
            .get(category)
            .or_else(|| self.category_deadlines.get(self.top_of(category)))
            .unwrap_or(&self.deadlines)
            .of(u)
    }

    /// The due days of an appeal received on `received` (the day itself not counted: an
    /// appeal received on Friday with one working day is due on Monday).
    pub fn dues(
        &self,
        cal: &WorkCalendar,
        received: NaiveDate,
        category: &str,
        u: Urgency,
    ) -> Dues {
        let l = self.limits(category, u);
        Dues {
            acknowledge: cal.add_working_days(received, l.acknowledge),
            answer: cal.add_working_days(received, l.answer),
            resolve: cal.add_working_days(received, l.resolve),
        }
    }

    /// The first day an officer may close an answered appeal without the enterprise's word.
    pub fn close_from(&self, cal: &WorkCalendar, answered: NaiveDate) -> NaiveDate {
        cal.add_working_days(answered, self.confirm_days)
    }

    /// What an open appeal waits on today (`waiting_step`), how late it is and who it has
    /// gone up to.
    pub fn waiting(
        &self,
        cal: &WorkCalendar,
        state: AppealState,
        first_answer_on: Option<NaiveDate>,
        dues: &Dues,
        today: NaiveDate,
    ) -> Option<Waiting> {
        let (step, due) = waiting_step(state, first_answer_on, dues)?;
        let late = today > due;
        let escalation = late.then(|| {
            if today > cal.add_working_days(due, self.leader_after_days) {
                Escalation::Leader
            } else {
                Escalation::DepartmentHead
            }
        });
        Some(Waiting {
            step,
            due,
            days_late: late.then(|| (today - due).num_days()),
            escalation,
        })
    }

    /// Reads and checks a rules text (TOML).
    pub fn parse(source: &str) -> Result<Self, Vec<RulesError>> {
        let rules: AppealRules = toml::from_str(source).map_err(|e| {
            vec![RulesError {
                line: e
                    .span()
                    .map(|s| source[..s.start.min(source.len())].matches('\n').count() + 1),
                entry: None,
                message: e.message().trim().to_string(),
            }]
        })?;
        rules.check().map(|_| rules)
    }

    /// The rules as the TOML text a zone edits.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Every problem: ids unique and not empty, children of top-level categories only,
    /// routes and deadlines of known categories to known departments, each step's limit no
    /// shorter than the one before, and windows of at least a day.
    pub fn check(&self) -> Result<(), Vec<RulesError>> {
        let mut errs = Vec::new();
        let mut fail = |entry: String, message: String| {
            errs.push(RulesError {
                line: None,
                entry: Some(entry),
                message,
            })
        };
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.categories.iter().enumerate() {
            let at = format!("categories[{}]", i + 1);
            if c.id.trim().is_empty() || c.zh.trim().is_empty() || c.en.trim().is_empty() {
                fail(at.clone(), "id, zh and en may not be empty".into());
            }
            if !seen.insert(c.id.as_str()) {
                fail(at.clone(), format!("the id {} is used twice", c.id));
            }
            if let Some(p) = &c.parent {
                match self.category(p) {
                    None => fail(at, format!("the parent {p} is not a category")),
                    Some(pc) if pc.parent.is_some() => fail(
                        at,
                        format!("the parent {p} is itself a child: two levels only"),
                    ),
                    _ => {}
                }
            }
        }
        if self.categories.is_empty() {
            fail("categories".into(), "at least one category".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (i, d) in self.departments.iter().enumerate() {
            let at = format!("departments[{}]", i + 1);
            if d.id.trim().is_empty() || d.zh.trim().is_empty() || d.en.trim().is_empty() {
                fail(at.clone(), "id, zh and en may not be empty".into());
            }
            if !seen.insert(d.id.as_str()) {
                fail(at, format!("the id {} is used twice", d.id));
            }
        }
        for (c, d) in &self.routes {
            let at = format!("routes.{c}");
            if self.category(c).is_none() {
                fail(at.clone(), format!("{c} is not a category"));
            }
            if self.department(d).is_none() {
                fail(at, format!("{d} is not a department"));
            }
        }
        let mut check_limits = |at: String, l: &UrgencyLimits| {
            for (u, x) in [("normal", l.normal), ("urgent", l.urgent)] {
                if !(x.acknowledge <= x.answer && x.answer <= x.resolve) {
                    fail(format!("{at}.{u}"), "acknowledge ≤ answer ≤ resolve".into());
                }
                if x.resolve > 250 {
                    fail(format!("{at}.{u}"), "at most 250 working days".into());
                }
            }
        };
        check_limits("deadlines".into(), &self.deadlines);
        for (c, l) in &self.category_deadlines {
            check_limits(format!("category_deadlines.{c}"), l);
        }
        for c in self.category_deadlines.keys() {
            if self.category(c).is_none() {
                fail(
                    format!("category_deadlines.{c}"),
                    format!("{c} is not a category"),
                );
            }
        }
        for (name, v) in [
            ("reopen_days", self.reopen_days),
            ("confirm_days", self.confirm_days),
        ] {
            if v == 0 || v > 365 {
                fail(name.into(), "between 1 and 365".into());
            }
        }
        if self.leader_after_days > 250 {
            fail(
                "leader_after_days".into(),
                "at most 250 working days".into(),
            );
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// National Day 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
    fn national_day_2025() -> WorkCalendar {
        WorkCalendar {
            holidays: (1..=8).map(|i| d(&format!("2025-10-{i:02}"))).collect(),
            working_weekends: [d("2025-09-28"), d("2025-10-11")].into(),
        }
    }

    #[test]
    fn the_default_rules_pass_their_own_check_and_route_every_top_category() {
        let r = AppealRules::default();
        assert_eq!(r.check(), Ok(()));
        for c in r.categories.iter() {
            assert!(r.route(&c.id).is_some(), "{}", c.id);
        }
        // A child goes where its parent goes.
        assert_eq!(r.route("power"), Some("economy"));
        assert_eq!(r.route("plant_lease"), Some("planning"));
        // And round-trips through the text a zone edits.
        assert_eq!(AppealRules::parse(&r.to_toml()), Ok(r));
    }

    #[test]
    fn deadlines_count_working_days_across_weekends_holidays_and_swapped_weekends() {
        let r = AppealRules::default();
        let cal = national_day_2025();
        // Friday 26 September, normal: route by Sunday 28 (a working Sunday), answer 5
        // working days on: 28, 29, 30 September, 9, 10 October → 10 October; close 15: +11
        // (Sat, worked), 13–17, 20–23 → 23 October.
        let dues = r.dues(&cal, d("2025-09-26"), "labour", Urgency::Normal);
        assert_eq!(dues.acknowledge, d("2025-09-28"));
        assert_eq!(dues.answer, d("2025-10-10"));
        assert_eq!(dues.resolve, d("2025-10-23"));
        // Urgent: the same day to route, 2 working days to answer.
        let dues = r.dues(&cal, d("2025-09-30"), "labour", Urgency::Urgent);
        assert_eq!(dues.acknowledge, d("2025-09-30"));
        assert_eq!(dues.answer, d("2025-10-10"));
        // A benefits appeal has 20 days to close; its child category takes them too.
        assert_eq!(r.limits("policy", Urgency::Normal).resolve, 20);
        assert_eq!(r.limits("power", Urgency::Normal).resolve, 15);
        // Without the holidays: a plain week.
        let plain = WorkCalendar::default();
        let dues = r.dues(&plain, d("2025-09-26"), "labour", Urgency::Normal);
        assert_eq!(dues.acknowledge, d("2025-09-29"));
        assert_eq!(dues.answer, d("2025-10-03"));
    }

    #[test]
    fn a_missed_deadline_goes_to_the_head_then_to_the_leader() {
        let r = AppealRules {
            leader_after_days: 3,
            ..Default::default()
        };
        let cal = WorkCalendar::default();
        let dues = Dues {
            acknowledge: d("2026-03-02"),
            answer: d("2026-03-06"),
            resolve: d("2026-03-20"),
        };
        let w = |s, first, today| r.waiting(&cal, s, first, &dues, d(today));
        let on_time = w(AppealState::Received, None, "2026-03-02").unwrap();
        assert_eq!((on_time.step, on_time.escalation), ("acknowledge", None));
        let late = w(AppealState::Received, None, "2026-03-03").unwrap();
        assert_eq!(late.escalation, Some(Escalation::DepartmentHead));
        assert_eq!(late.days_late, Some(1));
        // Due Friday 6 March; 3 working days on is Wednesday 11: the leader from Thursday.
        let w1 = w(AppealState::Handling, None, "2026-03-11").unwrap();
        assert_eq!(
            (w1.step, w1.escalation),
            ("answer", Some(Escalation::DepartmentHead))
        );
        let w2 = w(AppealState::Handling, None, "2026-03-12").unwrap();
        assert_eq!(w2.escalation, Some(Escalation::Leader));
        // Reopened after an answer: it waits on closure.
        let w3 = w(AppealState::Handling, Some(d("2026-03-05")), "2026-03-12").unwrap();
        assert_eq!((w3.step, w3.escalation), ("resolve", None));
        assert_eq!(w(AppealState::Answered, None, "2026-04-30"), None);
    }

    #[test]
    fn a_rules_text_is_refused_with_the_entry_or_the_line() {
        let e = AppealRules::parse("reopen_days = 15\nconfirm_days = \"x\"\n").unwrap_err();
        assert_eq!(e[0].line, Some(2));
        let mut r = AppealRules::default();
        r.routes.insert("policy".into(), "nobody".into());
        r.categories
            .push(cat("power", "用电", "Power", Some("utilities")));
        r.categories
            .push(cat("meter", "电表", "Meters", Some("power")));
        r.deadlines.normal.answer = 0;
        r.reopen_days = 0;
        r.leader_after_days = 4_000_000_000;
        let errs = AppealRules::parse(&r.to_toml()).unwrap_err();
        let entries: Vec<String> = errs.iter().filter_map(|e| e.entry.clone()).collect();
        for want in [
            "routes.policy",
            "categories[17]",
            "categories[18]",
            "deadlines.normal",
            "reopen_days",
            "leader_after_days",
        ] {
            assert!(entries.iter().any(|e| e == want), "{want} in {entries:?}");
        }
    }
}
