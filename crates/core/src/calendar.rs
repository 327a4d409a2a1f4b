//! The zone's calendar. Every zone devzone serves keeps China Standard Time (UTC+8, no
//! daylight saving), so "today" is the date in Beijing whatever time zone the server's clock
//! is set to: a server on UTC would otherwise still be on yesterday until 08:00.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

/// China Standard Time.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The date in Beijing at the instant `at`.
pub fn date_at(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// Today's date in Beijing.
pub fn today() -> NaiveDate {
    date_at(Utc::now())
}

/// This year in Beijing.
pub fn this_year() -> i32 {
    today().year()
}

/// Today as `YYYYMMDD`, for the names of downloaded files.
pub fn stamp() -> String {
    today().format("%Y%m%d").to_string()
}

/// Working days: Monday to Friday, except public holidays, plus the weekend days made working
/// days in exchange (调休). The holidays are the zone's data (the State Council publishes them
/// each year); an empty calendar knows weekends only.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkCalendar {
    #[serde(default)]
    pub holidays: std::collections::BTreeSet<NaiveDate>,
    /// Weekend days worked (调休).
    #[serde(default)]
    pub working_weekends: std::collections::BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.working_weekends.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        d.weekday().number_from_monday() <= 5
    }

    /// The `n`th working day after `from` (`from` itself not counted): a step received on a
    /// Friday with one working day to answer is due on Monday. `n` = 0 is `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("a date before the end of time");
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_swapped_weekends() {
        let plain = WorkCalendar::default();
        // Friday + 1 → Monday; Thursday + 1 → Friday; Saturday + 1 → Monday.
        assert_eq!(plain.add_working_days(d("2025-09-26"), 1), d("2025-09-29"));
        assert_eq!(plain.add_working_days(d("2025-09-25"), 1), d("2025-09-26"));
        assert_eq!(plain.add_working_days(d("2025-09-27"), 1), d("2025-09-29"));
        assert_eq!(plain.add_working_days(d("2025-09-26"), 0), d("2025-09-26"));
        // National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October
        // worked.
        let cal = WorkCalendar {
            holidays: (1..=8).map(|i| d(&format!("2025-10-{i:02}"))).collect(),
            working_weekends: [d("2025-09-28"), d("2025-10-11")].into(),
        };
        assert_eq!(cal.add_working_days(d("2025-09-27"), 1), d("2025-09-28"));
        assert_eq!(cal.add_working_days(d("2025-09-30"), 1), d("2025-10-09"));
        assert_eq!(cal.add_working_days(d("2025-09-30"), 3), d("2025-10-11"));
        assert_eq!(cal.add_working_days(d("2025-09-30"), 4), d("2025-10-13"));
    }

    #[test]
    fn the_date_turns_at_midnight_in_beijing_not_at_midnight_utc() {
        let before = DateTime::parse_from_rfc3339("2026-12-01T15:59:59Z").unwrap();
        let after = DateTime::parse_from_rfc3339("2026-12-01T16:00:00Z").unwrap();
        assert_eq!(date_at(before.to_utc()).to_string(), "2026-12-01");
        assert_eq!(date_at(after.to_utc()).to_string(), "2026-12-02");
    }
}
