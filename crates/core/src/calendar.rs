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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_turns_at_midnight_in_beijing_not_at_midnight_utc() {
        let before = DateTime::parse_from_rfc3339("2026-12-01T15:59:59Z").unwrap();
        let after = DateTime::parse_from_rfc3339("2026-12-01T16:00:00Z").unwrap();
        assert_eq!(date_at(before.to_utc()).to_string(), "2026-12-01");
        assert_eq!(date_at(after.to_utc()).to_string(), "2026-12-02");
    }
}
