//! What an appeal's actions leave on its record: its state, department, milestone days,
//! resolution, reopenings and rating. The repository applies an action through this, and the
//! demo plays an appeal's life through it, so both store the same record for the same acts.

use super::rules::{AppealRules, Dues, waiting_step};
use super::states::{
    ActionContext, ActionRefused, AppealAction, AppealState, Resolution, next_state,
};
use super::validate::ActionDraft;
use crate::calendar::WorkCalendar;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub state: AppealState,
    pub department: Option<String>,
    pub assigned_on: Option<NaiveDate>,
    pub first_answer_on: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub resolution: Option<Resolution>,
    pub reopens: u32,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
    pub last_event_on: NaiveDate,
    /// The due day of the step it waits on (`rules::waiting_step`).
    pub waiting_due: Option<NaiveDate>,
}

impl Progress {
    /// A new appeal, received on `received`.
    pub fn new(received: NaiveDate, dues: &Dues) -> Self {
        Progress {
            state: AppealState::Received,
            department: None,
            assigned_on: None,
            first_answer_on: None,
            answered_on: None,
            closed_on: None,
            resolution: None,
            reopens: 0,
            rating: None,
            rating_comment: None,
            last_event_on: received,
            waiting_due: Some(dues.acknowledge),
        }
    }

    /// The state `action` leads to from this record on day `on`, or why it is refused:
    /// `states::next_state` with the reopen and confirmation windows of the zone's rules.
    pub fn next(
        &self,
        action: AppealAction,
        by_enterprise: bool,
        rules: &AppealRules,
        cal: &WorkCalendar,
        on: NaiveDate,
    ) -> Result<AppealState, ActionRefused> {
        let cx = ActionContext {
            closed_on: self.closed_on,
            answered_on: self.answered_on,
            rated: self.rating.is_some(),
            on: Some(on),
            reopen_days: rules.reopen_days,
            close_from: self.answered_on.map(|a| rules.close_from(cal, a)),
        };
        next_state(self.state, action, by_enterprise, &cx)
    }

    /// Applies an action already allowed by `next`, which led to `to`.
    pub fn apply(&mut self, to: AppealState, d: &ActionDraft, dues: &Dues) {
        self.state = to;
        self.last_event_on = self.last_event_on.max(d.on);
        match d.action {
            AppealAction::Assign => {
                self.department = d.department.clone();
                self.assigned_on = Some(self.assigned_on.unwrap_or(d.on));
            }
            AppealAction::Reassign => self.department = d.department.clone(),
            AppealAction::Accept => {}
            AppealAction::Answer => {
                self.answered_on = Some(d.on);
                self.first_answer_on = Some(self.first_answer_on.unwrap_or(d.on));
            }
            AppealAction::Solved | AppealAction::Close => {
                self.closed_on = Some(d.on);
                self.resolution = Some(if d.action == AppealAction::Solved {
                    Resolution::Solved
                } else {
                    Resolution::Unconfirmed
                });
            }
            AppealAction::NotSolved | AppealAction::Reopen => {
                self.reopens += 1;
                self.closed_on = None;
                self.resolution = None;
                // A rating belongs to the closure it was given for.
                self.rating = None;
                self.rating_comment = None;
            }
            AppealAction::Rate => {
                self.rating = d.rating;
                self.rating_comment = d.note.clone();
            }
        }
        self.waiting_due = waiting_step(to, self.first_answer_on, dues).map(|(_, due)| due);
    }
}
