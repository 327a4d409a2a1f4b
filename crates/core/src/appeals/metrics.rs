//! The appeal metrics, each a share with its parts so that a page can show the formula:
//!
//! - 及时受理率 (timely acknowledgement) = routed by the acknowledge day ÷ appeals routed or
//!   past that day;
//! - 及时处办率 (timely handling) = first answered by the answer day ÷ appeals answered or past
//!   that day;
//! - 办结率 (closure) = closed ÷ received;
//! - 解决率 (resolution) = closed as solved by the enterprise's word ÷ (closed + the times those
//!   closed appeals were sent back as not solved or reopened): an appeal solved at the second
//!   attempt counts one success in two, so a department cannot close its way to a good figure;
//! - 满意率 (satisfaction) = ratings of 4 or 5 ÷ ratings given.
//!
//! Appeals are counted in the period they were received.

use super::rules::{AppealRules, Dues, waiting_step};
use super::states::{AppealState, Resolution};
use crate::investment::figures::Ratio;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the metrics read of an appeal.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealFacts {
    pub id: i64,
    pub received_on: NaiveDate,
    pub category: String,
    pub urgency: super::states::Urgency,
    pub department: Option<String>,
    pub park_id: Option<i64>,
    pub state: AppealState,
    pub dues: Dues,
    pub assigned_on: Option<NaiveDate>,
    pub first_answer_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub resolution: Option<Resolution>,
    /// Times sent back as not solved or reopened after closure.
    pub reopens: u32,
    pub rating: Option<u8>,
}

impl AppealFacts {
    /// Open and past the due day of the step it waits on, as of `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        waiting_step(self.state, self.first_answer_on, &self.dues)
            .is_some_and(|(_, due)| today > due)
    }
}

/// The metrics of a set of appeals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub received: usize,
    pub timely_acknowledged: Ratio,
    pub timely_handled: Ratio,
    pub closed: Ratio,
    pub solved: Ratio,
    pub satisfied: Ratio,
    /// The sum of the ratings given (1–5), for their mean.
    pub rating_sum: u64,
    /// Appeals reopened at least once.
    pub reopened: usize,
    /// Open appeals past the day of the step they wait on (today).
    pub overdue: usize,
}

/// A rating counts as satisfied from this up (4 of 5: 满意 and 比较满意).
pub const SATISFIED_FROM: u8 = 4;

impl Metrics {
    /// The mean rating (1–5), when any was given.
    pub fn mean_rating(&self) -> Option<f64> {
        (self.satisfied.den > 0.0).then(|| self.rating_sum as f64 / self.satisfied.den)
    }

    fn add(&mut self, a: &AppealFacts, today: NaiveDate) {
        self.received += 1;
        let on_time = |done: Option<NaiveDate>, due: NaiveDate, r: &mut Ratio| {
            if done.is_some() || today > due {
                r.den += 1.0;
                if done.is_some_and(|d| d <= due) {
                    r.num += 1.0;
                }
            }
        };
        on_time(
            a.assigned_on,
            a.dues.acknowledge,
            &mut self.timely_acknowledged,
        );
        on_time(a.first_answer_on, a.dues.answer, &mut self.timely_handled);
        self.closed.den += 1.0;
        if a.state == AppealState::Closed {
            self.closed.num += 1.0;
            self.solved.den += 1.0 + a.reopens as f64;
            if a.resolution == Some(Resolution::Solved) {
                self.solved.num += 1.0;
            }
        }
        if let Some(r) = a.rating {
            self.satisfied.den += 1.0;
            if r >= SATISFIED_FROM {
                self.satisfied.num += 1.0;
            }
            self.rating_sum += r as u64;
        }
        if a.reopens > 0 {
            self.reopened += 1;
        }
        if a.overdue(today) {
            self.overdue += 1;
        }
    }
}

/// The metrics of the appeals received in `from..=to`, as of `today`.
pub fn metrics<'a>(
    rows: impl IntoIterator<Item = &'a AppealFacts>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Metrics {
    let mut m = Metrics::default();
    for a in rows {
        if (from..=to).contains(&a.received_on) {
            m.add(a, today);
        }
    }
    m
}

/// The same metrics per group: the key of each appeal received in `from..=to` (an appeal
/// without one is left out).
pub fn by<'a, K: Ord>(
    rows: impl IntoIterator<Item = &'a AppealFacts>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    key: impl Fn(&AppealFacts) -> Option<K>,
) -> BTreeMap<K, Metrics> {
    let mut out: BTreeMap<K, Metrics> = BTreeMap::new();
    for a in rows {
        if !(from..=to).contains(&a.received_on) {
            continue;
        }
        if let Some(k) = key(a) {
            out.entry(k).or_default().add(a, today);
        }
    }
    out
}

/// The month an appeal was received in, as `YYYY-MM`.
pub fn month_of(a: &AppealFacts) -> String {
    format!("{}-{:02}", a.received_on.year(), a.received_on.month())
}

/// Appeals received in `from..=to` by top-level category and park: the heat map.
pub fn heat<'a>(
    rows: impl IntoIterator<Item = &'a AppealFacts>,
    rules: &AppealRules,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<(String, Option<i64>), usize> {
    let mut out = BTreeMap::new();
    for a in rows {
        if (from..=to).contains(&a.received_on) {
            *out.entry((rules.top_of(&a.category).to_string(), a.park_id))
                .or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn appeal(id: i64, state: AppealState) -> AppealFacts {
        AppealFacts {
            id,
            received_on: d("2026-03-02"),
            category: "labour".into(),
            urgency: super::super::states::Urgency::Normal,
            department: Some("hr".into()),
            park_id: Some(1),
            state,
            dues: Dues {
                acknowledge: d("2026-03-03"),
                answer: d("2026-03-09"),
                resolve: d("2026-03-23"),
            },
            assigned_on: None,
            first_answer_on: None,
            closed_on: None,
            resolution: None,
            reopens: 0,
            rating: None,
        }
    }

    /// Six appeals, worked by hand:
    /// 1 routed on time, answered on time, solved, rated 5;
    /// 2 routed late, answered late, sent back once, then solved, rated 3;
    /// 3 routed on time, answered on time, closed without the enterprise's word;
    /// 4 routed on time, answered on time, reopened twice after closure, solved, rated 4;
    /// 5 received, not yet routed, its acknowledge day past (overdue);
    /// 6 received in April: outside March.
    #[test]
    fn every_formula_by_hand_with_reopened_and_unconfirmed_appeals() {
        use AppealState::*;
        let rules = AppealRules::default();
        let today = d("2026-04-10");
        let mut a1 = appeal(1, Closed);
        a1.assigned_on = Some(d("2026-03-03"));
        a1.first_answer_on = Some(d("2026-03-06"));
        a1.closed_on = Some(d("2026-03-08"));
        a1.resolution = Some(Resolution::Solved);
        a1.rating = Some(5);
        let mut a2 = appeal(2, Closed);
        a2.assigned_on = Some(d("2026-03-05"));
        a2.first_answer_on = Some(d("2026-03-12"));
        a2.closed_on = Some(d("2026-03-20"));
        a2.resolution = Some(Resolution::Solved);
        a2.reopens = 1;
        a2.rating = Some(3);
        let mut a3 = appeal(3, Closed);
        a3.assigned_on = Some(d("2026-03-02"));
        a3.first_answer_on = Some(d("2026-03-09"));
        a3.closed_on = Some(d("2026-03-18"));
        a3.resolution = Some(Resolution::Unconfirmed);
        let mut a4 = appeal(4, Closed);
        a4.assigned_on = Some(d("2026-03-02"));
        a4.first_answer_on = Some(d("2026-03-04"));
        a4.closed_on = Some(d("2026-03-30"));
        a4.resolution = Some(Resolution::Solved);
        a4.reopens = 2;
        a4.rating = Some(4);
        let a5 = appeal(5, Received);
        let mut a6 = appeal(6, Received);
        a6.received_on = d("2026-04-01");
        let rows = [a1, a2, a3, a4, a5, a6];
        let m = metrics(&rows, d("2026-03-01"), d("2026-03-31"), today);
        assert_eq!(m.received, 5);
        // Acknowledged: 1, 3, 4 on time; 2 late; 5 past its day: 3 of 5.
        assert_eq!(m.timely_acknowledged, Ratio { num: 3.0, den: 5.0 });
        // Answered: 1, 3, 4 on time; 2 late; 5 past its day: 3 of 5.
        assert_eq!(m.timely_handled, Ratio { num: 3.0, den: 5.0 });
        // Closed: 4 of 5.
        assert_eq!(m.closed, Ratio { num: 4.0, den: 5.0 });
        // Solved: 1, 2, 4 = 3, over 4 closed + 1 + 2 reopenings = 7. Counting closures only
        // would say 4 ÷ 5 = 80 %; counting confirmations without reopenings 3 ÷ 4 = 75 %.
        assert_eq!(m.solved, Ratio { num: 3.0, den: 7.0 });
        // Satisfied: 5 and 4 of 5, 3, 4: 2 of 3; the mean 4.
        assert_eq!(m.satisfied, Ratio { num: 2.0, den: 3.0 });
        assert_eq!(m.mean_rating(), Some(4.0));
        assert_eq!(m.reopened, 2);
        assert_eq!(m.overdue, 1);
        // Before its acknowledge day has passed, an appeal not yet routed is not counted late.
        let m = metrics(
            &rows[4..5],
            d("2026-03-01"),
            d("2026-03-31"),
            d("2026-03-03"),
        );
        assert_eq!(m.timely_acknowledged, Ratio { num: 0.0, den: 0.0 });
        assert_eq!(m.timely_acknowledged.value(), None);
        assert_eq!(m.overdue, 0);
        // By department and by month.
        let by_month = by(&rows, d("2026-01-01"), d("2026-12-31"), today, |a| {
            Some(month_of(a))
        });
        assert_eq!(by_month["2026-03"].received, 5);
        assert_eq!(by_month["2026-04"].received, 1);
        let heat = heat(&rows, &rules, d("2026-03-01"), d("2026-03-31"));
        assert_eq!(heat[&("labour".to_string(), Some(1))], 5);
    }
}
