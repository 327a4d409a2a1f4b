//! Visits (走访): an officer's planned or made visit to an enterprise, with a short record —
//! the topics talked about, the issues raised (which become appeals in one step), the
//! policies explained and the next step — and the coverage figures (enterprises visited in the
//! last twelve months, of all and of each group).

use crate::land::validate::{Lenient, Reader};
use crate::model::vocabulary;
use crate::validate::{FieldError, MAX_NAME_CHARS, MAX_TEXT_CHARS};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What a visit was about.
    VisitTopic {
        Operations = "operations",
        Policy = "policy",
        Financing = "financing",
        Talent = "talent",
        Space = "space",
        Expansion = "expansion",
        Safety = "safety",
        Other = "other",
    }
);

/// How far ahead a visit may be planned.
const MAX_PLAN_DAYS: i64 = 366;
/// How far back a visit made may be recorded.
const MAX_BACK_DAYS: i64 = 400;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitInput {
    /// The enterprise visited (same zone).
    pub enterprise_id: Option<i64>,
    /// Who visits (default the signed-in officer's name).
    pub officer: Option<String>,
    /// The day planned (YYYY-MM-DD), for a visit not yet made.
    #[serde(default)]
    pub planned_on: Lenient,
    /// The day it was made (YYYY-MM-DD, not in the future); one of the two days is required.
    #[serde(default)]
    pub visited_on: Lenient,
    /// Topic ids: `operations`, `policy`, `financing`, `talent`, `space`, `expansion`,
    /// `safety`, `other`.
    #[serde(default)]
    pub topics: Vec<String>,
    /// The difficulties the enterprise raised.
    pub issues: Option<String>,
    /// The policies explained.
    pub policies: Option<String>,
    pub next_step: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VisitDraft {
    pub enterprise_id: Option<i64>,
    pub officer: String,
    pub planned_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub topics: Vec<VisitTopic>,
    pub issues: Option<String>,
    pub policies: Option<String>,
    pub next_step: Option<String>,
}

impl VisitDraft {
    /// The topics as stored: their ids joined by commas.
    pub fn topic_ids(&self) -> String {
        self.topics
            .iter()
            .map(|t| t.id())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl VisitInput {
    /// `officer`: the name used when none is given.
    pub fn validate(&self, officer: &str, today: NaiveDate) -> Result<VisitDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        if self.enterprise_id.is_none() {
            r.fail("enterprise_id", "required", "");
        }
        let who = r
            .text("officer", &self.officer, MAX_NAME_CHARS)
            .unwrap_or_else(|| officer.to_string());
        let planned_on = r.date("planned_on", &self.planned_on);
        let visited_on = r.date("visited_on", &self.visited_on);
        if let Some(p) = planned_on
            && ((p - today).num_days() > MAX_PLAN_DAYS || (today - p).num_days() > MAX_BACK_DAYS)
        {
            r.fail("planned_on", "date.out_of_range", &p.to_string());
        }
        match visited_on {
            Some(v) if v > today => r.fail("visited_on", "date.future", &v.to_string()),
            Some(v) if (today - v).num_days() > MAX_BACK_DAYS => {
                r.fail("visited_on", "date.too_old", &v.to_string())
            }
            None if planned_on.is_none()
                && self.planned_on.text().is_none()
                && self.visited_on.text().is_none() =>
            {
                r.fail("visited_on", "visit.day_required", "")
            }
            _ => {}
        }
        let mut topics = Vec::new();
        for t in &self.topics {
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            match VisitTopic::parse(t) {
                Some(x) if !topics.contains(&x) => topics.push(x),
                Some(_) => {}
                None => r.fail("topics", "choice.unknown", t),
            }
        }
        let draft = VisitDraft {
            enterprise_id: self.enterprise_id,
            officer: who,
            planned_on,
            visited_on,
            topics,
            issues: r.text("issues", &self.issues, MAX_TEXT_CHARS),
            policies: r.text("policies", &self.policies, MAX_TEXT_CHARS),
            next_step: r.text("next_step", &self.next_step, MAX_TEXT_CHARS),
        };
        r.done(draft)
    }
}

/// Visited ÷ enterprises of a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coverage {
    pub enterprises: u64,
    pub visited: u64,
}

impl Coverage {
    pub fn rate(&self) -> Option<f64> {
        (self.enterprises > 0).then(|| self.visited as f64 / self.enterprises as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_needs_a_day_and_known_topics() {
        let today: NaiveDate = "2026-12-01".parse().unwrap();
        let ok = VisitInput {
            enterprise_id: Some(3),
            planned_on: "2026-12-10".into(),
            topics: vec!["policy".into(), "policy".into(), " ".into()],
            issues: Some("用工缺口 40 人".into()),
            ..Default::default()
        };
        let d = ok.validate("王科长", today).unwrap();
        assert_eq!(
            (d.officer.as_str(), d.topic_ids().as_str()),
            ("王科长", "policy")
        );
        let bad = VisitInput {
            enterprise_id: None,
            visited_on: "2026-12-02".into(),
            topics: vec!["gossip".into()],
            ..Default::default()
        };
        let e = bad.validate("x", today).unwrap_err();
        let got: Vec<(&str, &str)> = e
            .iter()
            .map(|e| (e.field.as_str(), e.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("enterprise_id", "required"),
                ("visited_on", "date.future"),
                ("topics", "choice.unknown")
            ]
        );
        let none = VisitInput {
            enterprise_id: Some(1),
            ..Default::default()
        };
        let e = none.validate("x", today).unwrap_err();
        assert_eq!(e[0].rule, "visit.day_required");
        assert_eq!(
            Coverage {
                enterprises: 4,
                visited: 1
            }
            .rate(),
            Some(0.25)
        );
    }
}
