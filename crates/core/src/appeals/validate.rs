//! An appeal and an action on it as entered: parsed and checked against the zone's rules,
//! every problem named by its field.

use super::rules::AppealRules;
use super::states::{AppealAction, Channel, Urgency};
use crate::land::validate::{Lenient, Reader};
use crate::validate::{FieldError, MAX_TEXT_CHARS};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How far back an appeal's day of receipt may be entered (a 12345 sheet of last year).
const MAX_BACKDATE_DAYS: i64 = 400;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealInput {
    /// The enterprise it concerns (same zone). An enterprise account raises for its own and
    /// may leave this out.
    pub enterprise_id: Option<i64>,
    pub title: String,
    pub description: String,
    /// A category id of the zone's tree.
    pub category: String,
    /// `normal` (default) or `urgent`.
    pub urgency: Option<String>,
    /// `portal`, `phone`, `visit`, `symposium` or `hotline_12345`; an enterprise account's
    /// appeal is always `portal`.
    pub channel: Option<String>,
    /// The day it was received (YYYY-MM-DD, default today; officers may enter an earlier day
    /// for an appeal taken on the phone or from a hotline sheet).
    #[serde(default)]
    pub received_on: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppealDraft {
    pub enterprise_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub category: String,
    pub urgency: Urgency,
    pub channel: Channel,
    pub received_on: NaiveDate,
    /// The visit whose record it comes from (set by the caller, never from input).
    pub visit_id: Option<i64>,
}

impl AppealInput {
    /// `by_enterprise`: raised by the enterprise's own account (portal, today).
    pub fn validate(
        &self,
        rules: &AppealRules,
        by_enterprise: bool,
        today: NaiveDate,
    ) -> Result<AppealDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let title = r.name("title", &self.title);
        let description = r
            .text(
                "description",
                &Some(self.description.clone()),
                MAX_TEXT_CHARS,
            )
            .unwrap_or_default();
        if self.description.trim().is_empty() {
            r.fail("description", "required", "");
        }
        let category = self.category.trim().to_string();
        if category.is_empty() {
            r.fail("category", "required", "");
        } else if rules.category(&category).is_none() {
            r.fail("category", "choice.unknown", &category);
        }
        let urgency = r
            .id("urgency", &self.urgency, Urgency::parse)
            .unwrap_or(Urgency::Normal);
        let channel = if by_enterprise {
            Channel::Portal
        } else {
            r.id("channel", &self.channel, Channel::parse)
                .unwrap_or(Channel::Phone)
        };
        let received_on = if by_enterprise {
            today
        } else {
            let on = r.date("received_on", &self.received_on).unwrap_or(today);
            if on > today {
                r.fail("received_on", "date.future", &on.to_string());
            } else if (today - on).num_days() > MAX_BACKDATE_DAYS {
                r.fail("received_on", "date.too_old", &on.to_string());
            }
            on
        };
        if !by_enterprise && self.enterprise_id.is_none() {
            r.fail("enterprise_id", "required", "");
        }
        let d = AppealDraft {
            enterprise_id: self.enterprise_id,
            title,
            description,
            category,
            urgency,
            channel,
            received_on,
            visit_id: None,
        };
        r.done(d)
    }
}

/// An action as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionInput {
    /// `assign`, `reassign`, `accept`, `answer`, `solved`, `not_solved`, `close`, `reopen`
    /// or `rate`.
    pub action: String,
    /// The department, for `assign` and `reassign`.
    pub department: Option<String>,
    /// The answer (`answer`), the reason (`reassign`, `not_solved`, `reopen`), the comment
    /// (`rate`), or what the enterprise said when an officer records its word.
    pub note: Option<String>,
    /// 1–5, for `rate`.
    #[serde(default)]
    pub rating: Lenient,
    /// The day (YYYY-MM-DD, default today): not in the future, not before the last event.
    #[serde(default)]
    pub on: Lenient,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionDraft {
    pub action: AppealAction,
    pub department: Option<String>,
    pub note: Option<String>,
    pub rating: Option<u8>,
    pub on: NaiveDate,
}

impl ActionInput {
    /// `by_enterprise`: taken by the enterprise's own account; an officer recording the
    /// enterprise's word must say what it said (`note`). `current`: the appeal's department.
    pub fn validate(
        &self,
        rules: &AppealRules,
        by_enterprise: bool,
        current: Option<&str>,
        today: NaiveDate,
        last: Option<NaiveDate>,
    ) -> Result<ActionDraft, Vec<FieldError>> {
        let mut r = Reader::new();
        let raw = self.action.trim();
        let action = AppealAction::parse(raw);
        if action.is_none() {
            r.fail("action", "choice.unknown", raw);
        }
        // The enterprise's own acts are dated the day it takes them: a day of its choosing
        // could reopen an appeal after the reopen days or move its figures. An officer may
        // date what was done on an earlier day (a call back yesterday); the log keeps when
        // it was entered.
        let on = if by_enterprise {
            today
        } else {
            r.event_day(&self.on, today, last, "appeal.date_before_last")
        };
        let note = r.text("note", &self.note, MAX_TEXT_CHARS);
        let mut department = None;
        let mut rating = None;
        if let Some(a) = action {
            let needs_note = match a {
                AppealAction::Reassign
                | AppealAction::Answer
                | AppealAction::NotSolved
                | AppealAction::Reopen => true,
                _ => a.is_enterprise_word() && !by_enterprise,
            };
            if needs_note
                && note.is_none()
                && self.note.as_deref().is_none_or(|n| n.trim().is_empty())
            {
                r.fail("note", "required", "");
            }
            if matches!(a, AppealAction::Assign | AppealAction::Reassign) {
                match self
                    .department
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    None => r.fail("department", "required", ""),
                    Some(d) if rules.department(d).is_none() => {
                        r.fail("department", "choice.unknown", d)
                    }
                    Some(d) if a == AppealAction::Reassign && current == Some(d) => {
                        r.fail("department", "appeal.same_department", d)
                    }
                    Some(d) => department = Some(d.to_string()),
                }
            }
            if a == AppealAction::Rate {
                let n = r.integer("rating", &self.rating, 1..=5);
                rating = r.required("rating", n, &self.rating).map(|n| n as u8);
            }
        }
        let d = ActionDraft {
            action: action.unwrap_or(AppealAction::Accept),
            department,
            note,
            rating,
            on,
        };
        r.done(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rules_of(e: &[FieldError]) -> Vec<(&str, &str)> {
        e.iter()
            .map(|e| (e.field.as_str(), e.rule.as_str()))
            .collect()
    }

    #[test]
    fn an_appeal_is_checked_field_by_field() {
        let rules = AppealRules::default();
        let today = d("2026-03-10");
        let ok = AppealInput {
            enterprise_id: Some(4),
            title: "厂房漏水".into(),
            description: "二号厂房屋顶漏水，影响生产。".into(),
            category: "plant_lease".into(),
            urgency: Some("urgent".into()),
            channel: Some("hotline_12345".into()),
            received_on: "2026-03-02".into(),
        };
        let dr = ok.validate(&rules, false, today).unwrap();
        assert_eq!(dr.channel, Channel::Hotline);
        assert_eq!(dr.received_on, d("2026-03-02"));
        // The enterprise's own: the portal, today, whatever it sent.
        let dr = ok.validate(&rules, true, today).unwrap();
        assert_eq!((dr.channel, dr.received_on), (Channel::Portal, today));
        let bad = AppealInput {
            enterprise_id: None,
            title: " ".into(),
            description: String::new(),
            category: "weather".into(),
            urgency: Some("very".into()),
            channel: Some("fax".into()),
            received_on: "2026-03-11".into(),
        };
        let e = bad.validate(&rules, false, today).unwrap_err();
        assert_eq!(
            rules_of(&e),
            vec![
                ("title", "required"),
                ("description", "required"),
                ("category", "choice.unknown"),
                ("urgency", "choice.unknown"),
                ("channel", "choice.unknown"),
                ("received_on", "date.future"),
                ("enterprise_id", "required"),
            ]
        );
    }

    #[test]
    fn an_action_needs_what_it_acts_with() {
        let rules = AppealRules::default();
        let today = d("2026-03-10");
        let act =
            |action: &str, dept: Option<&str>, note: Option<&str>, rating: &str| ActionInput {
                action: action.into(),
                department: dept.map(Into::into),
                note: note.map(Into::into),
                rating: rating.into(),
                on: Lenient::default(),
            };
        let ok = act("assign", Some("hr"), None, "")
            .validate(&rules, false, None, today, None)
            .unwrap();
        assert_eq!(ok.department.as_deref(), Some("hr"));
        let e = act("assign", Some("weather"), None, "")
            .validate(&rules, false, None, today, None)
            .unwrap_err();
        assert_eq!(rules_of(&e), vec![("department", "choice.unknown")]);
        let e = act("reassign", Some("hr"), None, "")
            .validate(&rules, false, Some("hr"), today, None)
            .unwrap_err();
        assert_eq!(
            rules_of(&e),
            vec![
                ("note", "required"),
                ("department", "appeal.same_department")
            ]
        );
        let e = act("answer", None, Some("  "), "")
            .validate(&rules, false, None, today, None)
            .unwrap_err();
        assert_eq!(rules_of(&e), vec![("note", "required")]);
        // The enterprise confirms without a word; an officer recording it must write one.
        assert!(
            act("solved", None, None, "")
                .validate(&rules, true, None, today, None)
                .is_ok()
        );
        let e = act("solved", None, None, "")
            .validate(&rules, false, None, today, None)
            .unwrap_err();
        assert_eq!(rules_of(&e), vec![("note", "required")]);
        let e = act("rate", None, None, "6")
            .validate(&rules, true, None, today, None)
            .unwrap_err();
        assert_eq!(rules_of(&e), vec![("rating", "number.out_of_range")]);
        let e = act("rate", None, None, "")
            .validate(&rules, true, None, today, None)
            .unwrap_err();
        assert_eq!(rules_of(&e), vec![("rating", "required")]);
        let e = act("teleport", None, None, "")
            .validate(&rules, false, None, today, Some(d("2026-03-11")))
            .unwrap_err();
        assert_eq!(
            rules_of(&e),
            vec![
                ("action", "choice.unknown"),
                ("on", "appeal.date_before_last")
            ]
        );
        // The enterprise's act is dated today whatever day it sends.
        let mut reopen = act("reopen", None, Some("又漏了"), "");
        reopen.on = "2026-03-03".into();
        assert_eq!(
            reopen.validate(&rules, true, None, today, None).unwrap().on,
            today
        );
    }
}
