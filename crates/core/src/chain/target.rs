//! Targets: a metric computed from the zone's data, a value to reach by a deadline, and a
//! baseline; progress is judged against the straight line from the baseline to the target.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a target counts. Track ids name tracks of a taxonomy; an empty list means every track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Metric {
    /// Parks of the zone whose theme contains one of the words.
    ParksWithTheme { words: Vec<String> },
    /// Distinct enterprises confirmed on nodes under the tracks, optionally only those
    /// holding one of the qualifications.
    EnterprisesInTracks {
        taxonomy: String,
        tracks: Vec<String>,
        #[serde(default)]
        qualifications: Vec<String>,
    },
    /// The summed latest revenue (yuan) of the enterprises confirmed under the tracks.
    RevenueInTracks {
        taxonomy: String,
        tracks: Vec<String>,
    },
}

/// Where a target stands on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub current: f64,
    /// Where the straight line from baseline to target says the value should be today.
    pub expected: f64,
    /// Share of the way from baseline to target (can exceed 1 or fall below 0).
    pub achieved: f64,
    pub on_track: bool,
}

/// Progress of `current` on `today` against the line from (`baseline_on`, `baseline`) to
/// (`deadline`, `target`). Before the baseline date the expectation is the baseline; after
/// the deadline, the target. A target below its baseline (a reduction) is on track when the
/// value is at or below the line.
pub fn progress(
    baseline: f64,
    baseline_on: NaiveDate,
    target: f64,
    deadline: NaiveDate,
    current: f64,
    today: NaiveDate,
) -> Progress {
    let span = (deadline - baseline_on).num_days().max(1) as f64;
    let elapsed = ((today - baseline_on).num_days() as f64).clamp(0.0, span);
    let expected = baseline + (target - baseline) * elapsed / span;
    let achieved = if target == baseline {
        1.0
    } else {
        (current - baseline) / (target - baseline)
    };
    let on_track = if target >= baseline {
        current >= expected - 1e-9
    } else {
        current <= expected + 1e-9
    };
    Progress {
        current,
        expected,
        achieved,
        on_track,
    }
}

/// The planned values at the end of each year from the baseline's to the deadline's, for the
/// progress chart.
pub fn plan_by_year(
    baseline: f64,
    baseline_on: NaiveDate,
    target: f64,
    deadline: NaiveDate,
) -> Vec<(i32, f64)> {
    use chrono::Datelike;
    (baseline_on.year()..=deadline.year())
        .map(|y| {
            let end = NaiveDate::from_ymd_opt(y, 12, 31)
                .expect("valid date")
                .min(deadline);
            let p = progress(baseline, baseline_on, target, deadline, 0.0, end);
            (y, p.expected)
        })
        .collect()
}
