//! What the appeal pages and the API both read: the period a metrics request covers, the
//! metrics of that period (overall and by department, category, park and month, and the
//! heat map), kept per period and day until the zone changes, and the labels of the zone's
//! categories and departments in the reader's language.

use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::zone_figures::{self, ZoneAppeals};
use chrono::{Datelike, Months, NaiveDate};
use devzone_core::appeals::AppealRules;
use devzone_core::appeals::metrics::{self, Metrics};
use devzone_core::validate::FieldError;
use devzone_db::DbResult;
use devzone_db::memo::Key;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The metrics of a period, whole and by group.
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub all: Metrics,
    /// By department id (appeals not yet routed are left out).
    pub by_department: BTreeMap<String, Metrics>,
    /// By top-level category id.
    pub by_category: BTreeMap<String, Metrics>,
    /// By park id (none: enterprises outside the parks).
    pub by_park: BTreeMap<Option<i64>, Metrics>,
    /// By month received (`YYYY-MM`).
    pub by_month: BTreeMap<String, Metrics>,
    /// Appeals by (top-level category, park).
    pub heat: BTreeMap<(String, Option<i64>), usize>,
    pub zone: Arc<ZoneAppeals>,
}

/// The period asked for: `from` and `to` as YYYY-MM-DD, by default the twelve months up to
/// today (from the first day of the month eleven months back). A day that does not parse is
/// refused on its field; `blank`: an empty value means the default (a form's empty field)
/// rather than a day that does not parse (the API's). A `to` before `from` is an empty
/// period: nothing was received in it.
pub fn period(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
    blank: bool,
) -> Result<(NaiveDate, NaiveDate), Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut day = |field: &str, v: Option<&str>, default: NaiveDate| match v.map(str::trim) {
        None => default,
        Some("") if blank => default,
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| {
            errs.push(FieldError::new(field, "date.format", s));
            default
        }),
    };
    let start = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(11)))
        .unwrap_or(today);
    let from = day("from", from, start);
    let to = day("to", to, today);
    if errs.is_empty() {
        Ok((from, to))
    } else {
        Err(errs)
    }
}

pub async fn metrics(
    state: &AppState,
    zone_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> DbResult<Arc<Period>> {
    let key = Key::new("appeal_metrics", zone_id)
        .with(from)
        .with(to)
        .with(today);
    state
        .memo
        .get(&state.db.conn, key, || async move {
            let z = zone_figures::appeals(state, zone_id).await?;
            let rows = &z.rows;
            let rules = &z.rules;
            Ok(Period {
                from,
                to,
                all: metrics::metrics(rows, from, to, today),
                by_department: metrics::by(rows, from, to, today, |a| a.department.clone()),
                by_category: metrics::by(rows, from, to, today, |a| {
                    Some(rules.top_of(&a.category).to_string())
                }),
                by_park: metrics::by(rows, from, to, today, |a| Some(a.park_id)),
                by_month: metrics::by(rows, from, to, today, |a| Some(metrics::month_of(a))),
                heat: metrics::heat(rows, rules, from, to),
                zone: z.clone(),
            })
        })
        .await
}

/// One page of the zone's appeals, counted from the zone's kept figures when the query
/// allows (the count of each filter kept too, per day, until the zone changes: counting
/// 100,000 appeals on every request was most of a list's time).
pub async fn list(
    state: &AppState,
    zone_id: i64,
    z: &ZoneAppeals,
    q: &devzone_db::repo::appeals::AppealQuery,
    today: NaiveDate,
) -> DbResult<devzone_db::repo::Page<devzone_db::entities::appeal::Model>> {
    let total = if q.countable() {
        let filter = devzone_db::repo::appeals::AppealQuery {
            page: 0,
            per_page: 0,
            ..q.clone()
        };
        let key = Key::new("appeal_count", zone_id)
            .with(format!("{filter:?}"))
            .with(today);
        let n = state
            .memo
            .get(&state.db.conn, key, || async {
                Ok(z.rows.iter().filter(|a| filter.matches(a, today)).count() as u64)
            })
            .await?;
        Some(*n)
    } else {
        None
    };
    devzone_db::repo::appeals::list(&state.db.conn, zone_id, q, today, total).await
}

/// A category's name in the reader's language (its id when the zone no longer has it).
pub fn category_label(t: &Tr, rules: &AppealRules, id: &str) -> String {
    match rules.category(id) {
        Some(c) => match t.0 {
            Lang::Zh => c.zh.clone(),
            Lang::En => c.en.clone(),
        },
        None => id.to_string(),
    }
}

/// "Parent / child" for a child category, its name for a top-level one.
pub fn category_path(t: &Tr, rules: &AppealRules, id: &str) -> String {
    let top = rules.top_of(id);
    if top == id {
        category_label(t, rules, id)
    } else {
        format!(
            "{} / {}",
            category_label(t, rules, top),
            category_label(t, rules, id)
        )
    }
}

pub fn department_label(t: &Tr, rules: &AppealRules, id: &str) -> String {
    match rules.department(id) {
        Some(d) => match t.0 {
            Lang::Zh => d.zh.clone(),
            Lang::En => d.en.clone(),
        },
        None => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_defaults_to_twelve_months_and_refuses_what_it_cannot_read() {
        let today = d("2026-12-03");
        assert_eq!(
            period(None, None, today, false),
            Ok((d("2026-01-01"), today))
        );
        assert_eq!(
            period(Some("2026-03-01"), Some("2026-03-31"), today, false),
            Ok((d("2026-03-01"), d("2026-03-31")))
        );
        let e = period(Some("2026-13-01"), Some("2026-01-01"), today, false).unwrap_err();
        assert_eq!(e[0].rule, "date.format");
        // A form's empty field is the default; the API's empty value is not a day.
        assert_eq!(
            period(Some(""), None, today, true),
            Ok((d("2026-01-01"), today))
        );
        let e = period(None, Some(" "), today, false).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].rule.as_str()),
            ("to", "date.format")
        );
        // Backwards: an empty period, not an error.
        assert_eq!(
            period(Some("2026-03-01"), Some("2026-02-01"), today, false),
            Ok((d("2026-03-01"), d("2026-02-01")))
        );
    }
}
