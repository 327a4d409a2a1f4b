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

/// The longest holiday a line's range may span (the Spring Festival with its weekends).
const MAX_RANGE_DAYS: i64 = 31;

impl WorkCalendar {
    /// Reads the calendar as a zone types it: one day (`2026-10-01`) or range
    /// (`2026-10-01..2026-10-07`, also `~` or `至`) per line of each list; blank lines and
    /// text after `#` are ignored. Every refused line is reported with its number (the
    /// detail): not a day, a range backwards or longer than a month, a swapped working day
    /// that is not a weekend, a day in both lists.
    pub fn parse_lists(
        holidays: &str,
        working_weekends: &str,
    ) -> Result<Self, Vec<crate::validate::FieldError>> {
        use crate::validate::FieldError;
        let mut errs = Vec::new();
        let mut read = |field: &str, text: &str| {
            let mut days = std::collections::BTreeSet::new();
            for (i, raw) in text.lines().enumerate() {
                let line = raw.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let fail = |rule: &str| {
                    FieldError::new(field, rule, line).with_detail((i + 1).to_string())
                };
                let parts: Vec<&str> = line
                    .split("..")
                    .flat_map(|p| p.split(['~', '至']))
                    .map(str::trim)
                    .collect();
                let dates: Option<Vec<NaiveDate>> = parts
                    .iter()
                    .map(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
                    .collect();
                let (from, to) = match dates.as_deref() {
                    Some([d]) => (*d, *d),
                    Some([a, b]) if b >= a && (*b - *a).num_days() < MAX_RANGE_DAYS => (*a, *b),
                    Some([_, _]) => {
                        errs.push(fail("calendar.range"));
                        continue;
                    }
                    _ => {
                        errs.push(fail("calendar.line"));
                        continue;
                    }
                };
                for d in from.iter_days().take_while(|d| *d <= to) {
                    if field == "working_weekends" && d.weekday().number_from_monday() <= 5 {
                        errs.push(fail("calendar.not_weekend"));
                        break;
                    }
                    days.insert(d);
                }
            }
            days
        };
        let holidays = read("holidays", holidays);
        let working_weekends = read("working_weekends", working_weekends);
        for d in holidays.intersection(&working_weekends) {
            errs.push(FieldError::new(
                "working_weekends",
                "calendar.both",
                d.to_string(),
            ));
        }
        if errs.is_empty() {
            Ok(WorkCalendar {
                holidays,
                working_weekends,
            })
        } else {
            Err(errs)
        }
    }

    /// The lists as `parse_lists` reads them: consecutive days as one range per line.
    pub fn to_lists(&self) -> (String, String) {
        fn lines(days: &std::collections::BTreeSet<NaiveDate>) -> String {
            let mut out = Vec::new();
            let mut run: Option<(NaiveDate, NaiveDate)> = None;
            for &d in days {
                run = match run {
                    // A run as long as a line may hold; a longer one goes on the next line.
                    Some((a, b))
                        if b.succ_opt() == Some(d) && (d - a).num_days() < MAX_RANGE_DAYS =>
                    {
                        Some((a, d))
                    }
                    Some((a, b)) => {
                        out.push(if a == b {
                            a.to_string()
                        } else {
                            format!("{a}..{b}")
                        });
                        Some((d, d))
                    }
                    None => Some((d, d)),
                };
            }
            if let Some((a, b)) = run {
                out.push(if a == b {
                    a.to_string()
                } else {
                    format!("{a}..{b}")
                });
            }
            out.join("\n")
        }
        (lines(&self.holidays), lines(&self.working_weekends))
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
    fn a_calendar_is_read_from_lists_and_every_bad_line_is_named() {
        let cal = WorkCalendar::parse_lists(
            "2025-10-01..2025-10-08  # National Day\n\n2026-01-01 至 2026-01-03\n",
            "2025-09-28\n2025-10-11",
        )
        .unwrap();
        assert_eq!(cal.holidays.len(), 11);
        assert!(cal.is_working(d("2025-09-28")));
        let (h, w) = cal.to_lists();
        assert_eq!(h, "2025-10-01..2025-10-08\n2026-01-01..2026-01-03");
        assert_eq!(WorkCalendar::parse_lists(&h, &w), Ok(cal));
        // Two lines that join into more than a line may hold still read back.
        let long = WorkCalendar::parse_lists("2026-01-01..2026-01-31\n2026-02-01..2026-02-05", "")
            .unwrap();
        let (h, _) = long.to_lists();
        assert_eq!(WorkCalendar::parse_lists(&h, ""), Ok(long));
        let e = WorkCalendar::parse_lists(
            "2025-10-01\n2025-13-01\n2025-10-08..2025-10-01\n2025-01-01..2025-03-01",
            "2025-09-29\n2025-10-01",
        )
        .unwrap_err();
        let got: Vec<(&str, &str, Option<&str>)> = e
            .iter()
            .map(|e| (e.field.as_str(), e.rule.as_str(), e.detail.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("holidays", "calendar.line", Some("2")),
                ("holidays", "calendar.range", Some("3")),
                ("holidays", "calendar.range", Some("4")),
                ("working_weekends", "calendar.not_weekend", Some("1")),
                ("working_weekends", "calendar.not_weekend", Some("2")),
            ]
        );
    }

    #[test]
    fn the_date_turns_at_midnight_in_beijing_not_at_midnight_utc() {
        let before = DateTime::parse_from_rfc3339("2026-12-01T15:59:59Z").unwrap();
        let after = DateTime::parse_from_rfc3339("2026-12-01T16:00:00Z").unwrap();
        assert_eq!(date_at(before.to_utc()).to_string(), "2026-12-01");
        assert_eq!(date_at(after.to_utc()).to_string(), "2026-12-02");
    }
}
