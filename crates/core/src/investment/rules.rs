//! The rules that keep a pipeline honest, with the defaults of real zone rules; each zone may
//! set its own. Deadlines are in working days of the zone's calendar.

use super::stages::{PathStage, Stage, default_path, position};
use crate::calendar::WorkCalendar;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A zone's pipeline rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PipelineRules {
    pub path: Vec<PathStage>,
    /// A lead at or above this total investment (yuan) has response and screening
    /// deadlines: 1 亿元.
    pub deadline_lead_yuan: f64,
    /// Working days to acknowledge such a lead: 1.
    pub acknowledge_days: u32,
    /// Working days to screen it: 3.
    pub screen_days: u32,
    /// A major project (重大项目) at or above this total investment (yuan): 10 亿元.
    pub major_yuan: f64,
    /// Working days to screen a major project: 5 (one week).
    pub screen_major_days: u32,
    /// Calendar days between two follow-up reports on a project being followed (研判 and
    /// 在谈): 14.
    pub report_days: u32,
    /// Calendar days without a stage change or an activity after which a project is stalled:
    /// 90.
    pub stall_days: u32,
    /// A success (引进成功) needs registration and the start of works within this many years
    /// of signing: 2.
    pub success_years: u32,
    /// Projects under this fixed-asset investment (yuan) are not counted: 1,000 万元.
    pub min_fixed_yuan: f64,
    /// The year's targets.
    pub targets: BTreeMap<i32, YearTarget>,
    pub calendar: WorkCalendar,
}

/// What a zone aims to sign in a year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct YearTarget {
    pub signed_count: Option<u32>,
    /// Yuan.
    pub signed_yuan: Option<f64>,
}

impl Default for PipelineRules {
    fn default() -> Self {
        PipelineRules {
            path: default_path(),
            deadline_lead_yuan: 1e8,
            acknowledge_days: 1,
            screen_days: 3,
            major_yuan: 1e9,
            screen_major_days: 5,
            report_days: 14,
            stall_days: 90,
            success_years: 2,
            min_fixed_yuan: 1e7,
            targets: BTreeMap::new(),
            calendar: WorkCalendar::default(),
        }
    }
}

/// What the rules need to know of a project.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFacts {
    pub stage: Option<Stage>,
    pub total_yuan: Option<f64>,
    pub fixed_yuan: Option<f64>,
    pub received_on: Option<NaiveDate>,
    pub acknowledged_on: Option<NaiveDate>,
    pub screened_on: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub registered_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    /// The last stage change or activity.
    pub last_activity_on: Option<NaiveDate>,
    /// The last follow-up report (or, without one, when following began).
    pub last_report_on: Option<NaiveDate>,
}

/// A rule a project is behind on, with the day it was due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overdue {
    /// `acknowledge`, `screen`, `report` or `stalled`.
    pub kind: &'static str,
    pub due: NaiveDate,
    pub days_late: i64,
}

impl PipelineRules {
    /// Whether a project is counted at all (fixed-asset investment at or above the floor;
    /// unknown is not counted).
    pub fn counted(&self, p: &ProjectFacts) -> bool {
        p.fixed_yuan.is_some_and(|f| f >= self.min_fixed_yuan)
    }

    /// The deadlines a lead of its size has: (acknowledge by, screen by), from the day it was
    /// received.
    pub fn lead_deadlines(&self, p: &ProjectFacts) -> Option<(NaiveDate, NaiveDate)> {
        let received = p.received_on?;
        let total = p.total_yuan?;
        if total < self.deadline_lead_yuan {
            return None;
        }
        let screen = if total >= self.major_yuan {
            self.screen_major_days
        } else {
            self.screen_days
        };
        Some((
            self.calendar
                .add_working_days(received, self.acknowledge_days),
            self.calendar.add_working_days(received, screen),
        ))
    }

    /// Every rule the project is behind on as of `today`. A step done late is history, not an
    /// alert: it shows on the project's page, not on the lists.
    pub fn overdue(&self, p: &ProjectFacts, today: NaiveDate) -> Vec<Overdue> {
        let mut out = Vec::new();
        let Some(stage) = p.stage else {
            return out;
        };
        if stage.is_terminal() || stage == Stage::FullOutput {
            return out;
        }
        let late = |kind, due: NaiveDate| Overdue {
            kind,
            due,
            days_late: (today - due).num_days(),
        };
        if let Some((ack, screen)) = self.lead_deadlines(p) {
            if p.acknowledged_on.is_none() && today > ack {
                out.push(late("acknowledge", ack));
            }
            if p.screened_on.is_none() && today > screen {
                out.push(late("screen", screen));
            }
        }
        if matches!(stage, Stage::Screening | Stage::Negotiating)
            && let Some(last) = p.last_report_on
        {
            let due = last + chrono::Days::new(self.report_days as u64);
            if today > due {
                out.push(late("report", due));
            }
        }
        if let Some(last) = p.last_activity_on {
            let due = last + chrono::Days::new(self.stall_days as u64);
            if today > due {
                out.push(late("stalled", due));
            }
        }
        out
    }

    /// The day a project became a success (引进成功): signed, registered and works started,
    /// registration and start both at most `success_years` after signing, and counted. None
    /// when it is not (yet) one. A project succeeds once: on this day.
    pub fn success_on(&self, p: &ProjectFacts) -> Option<NaiveDate> {
        if !self.counted(p) {
            return None;
        }
        let (signed, registered, started) = (p.signed_on?, p.registered_on?, p.started_on?);
        let limit = add_years(signed, self.success_years);
        let last = registered.max(started);
        (last <= limit).then_some(last)
    }

    /// Whether the project has reached `s` (or a later stage on the path) by its stage now.
    pub fn reached(&self, stage: Stage, s: Stage) -> bool {
        match (position(&self.path, stage), position(&self.path, s)) {
            (Some(a), Some(b)) => a >= b,
            _ => false,
        }
    }

    /// Checks the numbers and the path: refused values named by their field.
    pub fn check(&self) -> Result<(), (String, String)> {
        super::stages::check_path(&self.path).map_err(|e| ("path".to_string(), e))?;
        for (field, v) in [
            ("deadline_lead_yuan", self.deadline_lead_yuan),
            ("major_yuan", self.major_yuan),
            ("min_fixed_yuan", self.min_fixed_yuan),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err((field.into(), v.to_string()));
            }
        }
        if self.success_years == 0 || self.stall_days == 0 || self.report_days == 0 {
            return Err(("days".into(), "0".into()));
        }
        Ok(())
    }
}

/// The same day `years` later (29 February → 28 February in a common year).
pub fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    let y = d.year() + years as i32;
    d.with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .expect("a valid date")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn lead(total: f64, received: &str) -> ProjectFacts {
        ProjectFacts {
            stage: Some(Stage::Lead),
            total_yuan: Some(total),
            fixed_yuan: Some(total),
            received_on: Some(d(received)),
            last_activity_on: Some(d(received)),
            ..Default::default()
        }
    }

    #[test]
    fn a_large_lead_is_acknowledged_in_one_working_day_and_screened_in_three() {
        let r = PipelineRules::default();
        // Received Thursday 2025-06-05: acknowledge by Friday, screen by Tuesday.
        let p = lead(1e8, "2025-06-05");
        assert_eq!(
            r.lead_deadlines(&p),
            Some((d("2025-06-06"), d("2025-06-10")))
        );
        assert!(r.overdue(&p, d("2025-06-06")).is_empty(), "due that day");
        let late = r.overdue(&p, d("2025-06-09"));
        assert_eq!(late.len(), 1);
        assert_eq!((late[0].kind, late[0].days_late), ("acknowledge", 3));
        let kinds: Vec<_> = r
            .overdue(&p, d("2025-06-11"))
            .iter()
            .map(|o| o.kind)
            .collect();
        assert_eq!(kinds, ["acknowledge", "screen"]);
        // Just under 1 亿元: no deadlines.
        assert_eq!(r.lead_deadlines(&lead(99_999_999.0, "2025-06-05")), None);
        // A major project has a week to be screened.
        assert_eq!(
            r.lead_deadlines(&lead(1e9, "2025-06-05")).unwrap().1,
            d("2025-06-12")
        );
        // Done on time: nothing overdue.
        let mut done = p.clone();
        done.acknowledged_on = Some(d("2025-06-06"));
        done.screened_on = Some(d("2025-06-10"));
        assert!(r.overdue(&done, d("2025-06-20")).is_empty());
    }

    #[test]
    fn reports_every_two_weeks_and_stalls_after_ninety_days() {
        let r = PipelineRules::default();
        let p = ProjectFacts {
            stage: Some(Stage::Negotiating),
            last_report_on: Some(d("2025-03-01")),
            last_activity_on: Some(d("2025-03-01")),
            ..Default::default()
        };
        assert!(r.overdue(&p, d("2025-03-15")).is_empty(), "day 14");
        assert_eq!(r.overdue(&p, d("2025-03-16"))[0].kind, "report");
        let kinds: Vec<_> = r
            .overdue(&p, d("2025-05-30"))
            .iter()
            .map(|o| o.kind)
            .collect();
        assert_eq!(kinds, ["report"], "day 90 is not yet stalled");
        let kinds: Vec<_> = r
            .overdue(&p, d("2025-05-31"))
            .iter()
            .map(|o| o.kind)
            .collect();
        assert_eq!(kinds, ["report", "stalled"]);
        // A signed project is not followed by reports, and an ended one has no alerts.
        let signed = ProjectFacts {
            stage: Some(Stage::Signed),
            ..p.clone()
        };
        assert_eq!(r.overdue(&signed, d("2025-03-20")), vec![]);
        let halted = ProjectFacts {
            stage: Some(Stage::Halted),
            ..p
        };
        assert_eq!(r.overdue(&halted, d("2026-01-01")), vec![]);
    }

    #[test]
    fn a_success_needs_all_three_within_two_years_and_the_investment_floor() {
        let r = PipelineRules::default();
        let p = ProjectFacts {
            fixed_yuan: Some(1e7),
            signed_on: Some(d("2023-03-10")),
            registered_on: Some(d("2023-05-01")),
            started_on: Some(d("2025-03-10")),
            ..Default::default()
        };
        assert_eq!(r.success_on(&p), Some(d("2025-03-10")), "on the day");
        let late = ProjectFacts {
            started_on: Some(d("2025-03-11")),
            ..p.clone()
        };
        assert_eq!(r.success_on(&late), None, "a day after two years");
        let small = ProjectFacts {
            fixed_yuan: Some(9_999_999.0),
            ..p.clone()
        };
        assert_eq!(r.success_on(&small), None, "under 1,000 万元");
        let unknown = ProjectFacts {
            fixed_yuan: None,
            ..p.clone()
        };
        assert_eq!(r.success_on(&unknown), None);
        let unregistered = ProjectFacts {
            registered_on: None,
            ..p.clone()
        };
        assert_eq!(r.success_on(&unregistered), None);
        // Registered after the start: the later of the two is the day.
        let reg_late = ProjectFacts {
            registered_on: Some(d("2025-01-02")),
            started_on: Some(d("2024-06-01")),
            ..p
        };
        assert_eq!(r.success_on(&reg_late), Some(d("2025-01-02")));
        assert_eq!(add_years(d("2024-02-29"), 2), d("2026-02-28"));
    }
}
