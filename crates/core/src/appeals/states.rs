//! The life of an appeal: its states, what may be done to it in each, and by whom.
//!
//! 受理 (received) → 分派 (assigned) → 办理中 (handling) → 已答复 (answered) → 企业确认 →
//! 办结 (closed). Resolution is the enterprise's word: only its confirmation closes an appeal
//! as solved; its "not solved" sends the appeal back to the department as a reopening, and so
//! does a reopening after closure within the zone's reopen days. An officer may close an
//! answered appeal the enterprise has left unconfirmed for the zone's wait: it is then closed
//! but not solved, which is the difference between 办结率 and 解决率.

use crate::model::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where an appeal stands.
    AppealState {
        Received = "received",
        Assigned = "assigned",
        Handling = "handling",
        Answered = "answered",
        Closed = "closed",
    }
);

vocabulary!(
    /// How urgent the enterprise or the officer says it is; urgent appeals have shorter
    /// deadlines.
    Urgency {
        Normal = "normal",
        Urgent = "urgent",
    }
);

vocabulary!(
    /// How the appeal reached the zone.
    Channel {
        Portal = "portal",
        Phone = "phone",
        Visit = "visit",
        Symposium = "symposium",
        Hotline = "hotline_12345",
    }
);

vocabulary!(
    /// How a closed appeal ended: solved (the enterprise confirmed it) or closed without the
    /// enterprise's confirmation.
    Resolution {
        Solved = "solved",
        Unconfirmed = "unconfirmed",
    }
);

vocabulary!(
    /// What can be done to an appeal. `solved`, `not_solved`, `reopen` and `rate` are the
    /// enterprise's word: its own account, or an officer recording what it said on a call
    /// back (回访), with a note.
    AppealAction {
        Assign = "assign",
        Reassign = "reassign",
        Accept = "accept",
        Answer = "answer",
        Solved = "solved",
        NotSolved = "not_solved",
        Close = "close",
        Reopen = "reopen",
        Rate = "rate",
    }
);

impl AppealAction {
    /// An act of the enterprise (or recorded on its word).
    pub fn is_enterprise_word(self) -> bool {
        matches!(
            self,
            AppealAction::Solved
                | AppealAction::NotSolved
                | AppealAction::Reopen
                | AppealAction::Rate
        )
    }

    /// Officers' acts (never an enterprise account's).
    pub fn is_officer_only(self) -> bool {
        !self.is_enterprise_word()
    }
}

/// What an action needs to know of the appeal beside its state.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ActionContext {
    /// Closed on this day (for a reopening).
    pub closed_on: Option<chrono::NaiveDate>,
    /// Last answered on this day (for a close without confirmation).
    pub answered_on: Option<chrono::NaiveDate>,
    pub rated: bool,
    /// The day of the action.
    pub on: Option<chrono::NaiveDate>,
    /// Calendar days a closed appeal may be reopened.
    pub reopen_days: u32,
    /// The first day an officer may close an answered appeal without the enterprise's word
    /// (the answer plus the zone's confirmation wait in working days).
    pub close_from: Option<chrono::NaiveDate>,
}

/// Why an action is refused: a rule id under `appeal.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRefused {
    /// Not in this state: the states it may be taken in are the detail.
    OutOfOrder,
    /// An enterprise account may not do this.
    OfficersOnly,
    /// The reopen days after closure have passed.
    ReopenExpired,
    /// The enterprise still has time to confirm.
    ConfirmWait,
    /// Rated already.
    AlreadyRated,
}

impl ActionRefused {
    pub fn rule(self) -> &'static str {
        match self {
            ActionRefused::OutOfOrder => "appeal.out_of_order",
            ActionRefused::OfficersOnly => "appeal.officers_only",
            ActionRefused::ReopenExpired => "appeal.reopen_expired",
            ActionRefused::ConfirmWait => "appeal.confirm_wait",
            ActionRefused::AlreadyRated => "appeal.already_rated",
        }
    }
}

/// The states an action may be taken in.
pub fn allowed_from(a: AppealAction) -> &'static [AppealState] {
    use AppealState::*;
    match a {
        AppealAction::Assign => &[Received],
        AppealAction::Reassign => &[Assigned, Handling],
        AppealAction::Accept => &[Assigned],
        AppealAction::Answer => &[Assigned, Handling],
        AppealAction::Solved | AppealAction::NotSolved | AppealAction::Close => &[Answered],
        AppealAction::Reopen | AppealAction::Rate => &[Closed],
    }
}

/// The state an action leads to from `from`, or why it is refused. `by_enterprise`: taken by
/// the enterprise's own account.
pub fn next_state(
    from: AppealState,
    a: AppealAction,
    by_enterprise: bool,
    cx: &ActionContext,
) -> Result<AppealState, ActionRefused> {
    use AppealState::*;
    if by_enterprise && a.is_officer_only() {
        return Err(ActionRefused::OfficersOnly);
    }
    if !allowed_from(a).contains(&from) {
        return Err(ActionRefused::OutOfOrder);
    }
    Ok(match a {
        AppealAction::Assign | AppealAction::Reassign => {
            if from == Received {
                Assigned
            } else {
                from
            }
        }
        AppealAction::Accept => Handling,
        AppealAction::Answer => Answered,
        AppealAction::Solved => Closed,
        AppealAction::NotSolved => Handling,
        AppealAction::Close => {
            if let (Some(on), Some(from_day)) = (cx.on, cx.close_from)
                && on < from_day
            {
                return Err(ActionRefused::ConfirmWait);
            }
            Closed
        }
        AppealAction::Reopen => {
            if let (Some(on), Some(closed)) = (cx.on, cx.closed_on)
                && (on - closed).num_days() > cx.reopen_days as i64
            {
                return Err(ActionRefused::ReopenExpired);
            }
            Handling
        }
        AppealAction::Rate => {
            if cx.rated {
                return Err(ActionRefused::AlreadyRated);
            }
            Closed
        }
    })
}

#[cfg(test)]
mod tests {
    use super::AppealAction::*;
    use super::AppealState::*;
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_path_of_an_appeal_and_its_reopening() {
        let cx = ActionContext::default();
        assert_eq!(next_state(Received, Assign, false, &cx), Ok(Assigned));
        assert_eq!(next_state(Assigned, Reassign, false, &cx), Ok(Assigned));
        assert_eq!(next_state(Handling, Reassign, false, &cx), Ok(Handling));
        assert_eq!(next_state(Assigned, Accept, false, &cx), Ok(Handling));
        assert_eq!(next_state(Handling, Answer, false, &cx), Ok(Answered));
        // Answering without accepting first is allowed: small matters are answered at once.
        assert_eq!(next_state(Assigned, Answer, false, &cx), Ok(Answered));
        assert_eq!(next_state(Answered, NotSolved, true, &cx), Ok(Handling));
        assert_eq!(next_state(Answered, Solved, true, &cx), Ok(Closed));
        assert_eq!(next_state(Closed, Rate, true, &cx), Ok(Closed));
        assert_eq!(next_state(Closed, Reopen, true, &cx), Ok(Handling));
    }

    #[test]
    fn out_of_order_and_by_the_wrong_party_is_refused() {
        let cx = ActionContext::default();
        assert_eq!(
            next_state(Received, Answer, false, &cx),
            Err(ActionRefused::OutOfOrder)
        );
        assert_eq!(
            next_state(Handling, Solved, true, &cx),
            Err(ActionRefused::OutOfOrder)
        );
        assert_eq!(
            next_state(Closed, Assign, false, &cx),
            Err(ActionRefused::OutOfOrder)
        );
        assert_eq!(
            next_state(Received, Assign, true, &cx),
            Err(ActionRefused::OfficersOnly)
        );
        assert_eq!(
            next_state(Answered, Close, true, &cx),
            Err(ActionRefused::OfficersOnly)
        );
        // An officer may record the enterprise's word.
        assert_eq!(next_state(Answered, Solved, false, &cx), Ok(Closed));
    }

    #[test]
    fn reopening_closing_unconfirmed_and_rating_have_their_limits() {
        let mut cx = ActionContext {
            closed_on: Some(d("2026-03-02")),
            reopen_days: 15,
            on: Some(d("2026-03-17")),
            ..Default::default()
        };
        assert_eq!(next_state(Closed, Reopen, true, &cx), Ok(Handling));
        cx.on = Some(d("2026-03-18"));
        assert_eq!(
            next_state(Closed, Reopen, true, &cx),
            Err(ActionRefused::ReopenExpired)
        );
        let cx = ActionContext {
            close_from: Some(d("2026-03-09")),
            on: Some(d("2026-03-06")),
            ..Default::default()
        };
        assert_eq!(
            next_state(Answered, Close, false, &cx),
            Err(ActionRefused::ConfirmWait)
        );
        let cx = ActionContext {
            on: Some(d("2026-03-09")),
            ..cx
        };
        assert_eq!(next_state(Answered, Close, false, &cx), Ok(Closed));
        let cx = ActionContext {
            rated: true,
            ..Default::default()
        };
        assert_eq!(
            next_state(Closed, Rate, true, &cx),
            Err(ActionRefused::AlreadyRated)
        );
    }
}
