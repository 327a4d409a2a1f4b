//! Reading one cell as an official's spreadsheet writes it: numbers kept as text, with
//! thousands separators, full-width digits, percent signs and stray spaces; years written
//! as 2024年; dates as 2019/3/1, 2019年3月1日, 20190301 or an Excel serial number.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// First characters with which a spreadsheet program starts a formula when it opens a
/// CSV file (OWASP's list for CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text written to a CSV cell so that a spreadsheet program shows it instead of running
/// it: text that starts like a formula (and is not a plain number such as -5) gets a
/// leading `'`, which Excel and WPS hide. Every CSV export writes its cells through this.
pub fn formula_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(FORMULA_STARTS) && s.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The text [`formula_safe`] was given, for devzone's own CSV read back (the zone export).
pub fn formula_unsafe(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) && rest.parse::<f64>().is_err() => rest,
        _ => s,
    }
}

/// Why a cell could not be read; the id is the rule reported (`import.rule.<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellError {
    NotANumber,
    ExcelError,
    Percent,
    NotAYear,
    NotADate,
    NotAFlag,
    TooLarge,
}

impl CellError {
    pub fn rule(self) -> &'static str {
        match self {
            CellError::NotANumber => "number.format",
            CellError::ExcelError => "cell.excel_error",
            CellError::Percent => "number.percent",
            CellError::NotAYear => "year.format",
            CellError::NotADate => "date.format",
            CellError::NotAFlag => "flag.format",
            CellError::TooLarge => "number.too_large",
        }
    }
}

/// Maps full-width forms (０-９, ．, －, ，, ％, ＋, （）) to ASCII and drops every kind of
/// space, including the ideographic space and the no-break space Excel exports.
pub fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' => char::from(b'0' + (c as u32 - 0xff10) as u8),
            '．' | '。' => '.',
            '－' | '−' | '–' => '-',
            '，' => ',',
            '％' => '%',
            '＋' => '+',
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// True for Excel's error values, which calamine hands over as their text.
pub fn is_excel_error(s: &str) -> bool {
    matches!(
        s.trim(),
        "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" | "#GETTING_DATA"
    )
}

/// A number cell. Blank is `Ok(None)`. `(1,234)` is the accountants' −1234. A percent
/// sign is read (12.5% = 0.125) but refused unless `percent_ok`, since no stored figure
/// is a ratio and a percent in a money column is a mistake in the sheet.
pub fn number(raw: &str, percent_ok: bool) -> Result<Option<Decimal>, CellError> {
    if is_excel_error(raw) {
        return Err(CellError::ExcelError);
    }
    let mut s = normalise(raw);
    if s.is_empty() || s == "-" || s == "--" {
        return Ok(None);
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() > 2 {
        negative = true;
        s = s[1..s.len() - 1].to_string();
    }
    let percent = s.ends_with('%');
    if percent {
        s.pop();
    }
    let s = thousands(&s).ok_or(CellError::NotANumber)?;
    // Digits that do not fit a decimal are a number too large, not "not a number".
    let too_large = |_| {
        if s.trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        {
            CellError::TooLarge
        } else {
            CellError::NotANumber
        }
    };
    let mut d = if s.contains(['e', 'E']) {
        Decimal::from_scientific(&s).map_err(|_| CellError::NotANumber)?
    } else {
        s.parse::<Decimal>().map_err(too_large)?
    };
    if percent {
        if !percent_ok {
            return Err(CellError::Percent);
        }
        d /= Decimal::from(100);
    }
    if negative {
        d = -d;
    }
    Ok(Some(d))
}

/// Removes thousands separators when they stand in groups of three: `1,234,567.8` → ok,
/// `1,23` → None (a decimal comma or a typo, which must not become 123).
fn thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return Some(s.to_string());
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = int.trim_start_matches(['-', '+']);
    let mut groups = digits.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || groups.clone().any(|g| g.len() != 3) {
        return None;
    }
    let mut out: String = int.chars().filter(|c| *c != ',').collect();
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// A year: 2024, 2024年, 2024.0 (a number cell), within 1990–2100.
pub fn year(raw: &str) -> Result<Option<i32>, CellError> {
    let s = normalise(raw);
    if s.is_empty() {
        return Ok(None);
    }
    let t = s.strip_suffix('年').unwrap_or(&s);
    let t = t.strip_suffix(".0").unwrap_or(t);
    match t.parse::<i32>() {
        Ok(y) if (crate::validate::MIN_YEAR..=crate::validate::MAX_YEAR).contains(&y) => {
            Ok(Some(y))
        }
        _ => Err(CellError::NotAYear),
    }
}

/// A date in any of the forms Chinese sheets use, or an Excel serial day number.
pub fn date(raw: &str) -> Result<Option<NaiveDate>, CellError> {
    // A date-time cell written as "2019-03-01 00:00:00": the date part.
    let first = raw.trim().split([' ', 'T']).next().unwrap_or("");
    let s = normalise(first);
    if s.is_empty() {
        return Ok(None);
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(&s, fmt) {
            return Ok(Some(d));
        }
    }
    // Excel serial numbers (1900 date system) from 1927 to 2119; an eight-digit 20190301
    // was tried above as YYYYMMDD.
    if let Ok(n) = s.trim_end_matches(".0").parse::<i64>()
        && (10_000..=80_000).contains(&n)
    {
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid");
        return Ok(epoch.checked_add_signed(chrono::Duration::days(n)));
    }
    Err(CellError::NotADate)
}

/// A yes/no cell: 是/否, Y/N, true/false, 1/0, √/×.
pub fn flag(raw: &str) -> Result<Option<bool>, CellError> {
    let s = normalise(raw).to_lowercase();
    match s.as_str() {
        "" => Ok(None),
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "规上" => Ok(Some(true)),
        "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "规下" => Ok(Some(false)),
        _ => Err(CellError::NotAFlag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Option<Decimal> {
        Some(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn numbers_as_sheets_write_them() {
        assert_eq!(number(" 1,234,567.89 ", false), Ok(d("1234567.89")));
        assert_eq!(number("１２３．５", false), Ok(d("123.5")));
        assert_eq!(number("１，２３４", false), Ok(d("1234")));
        assert_eq!(number("\u{3000}42\u{a0}", false), Ok(d("42")));
        assert_eq!(number("(1,200)", false), Ok(d("-1200")));
        assert_eq!(number("－5", false), Ok(d("-5")));
        assert_eq!(number("1.5E+3", false), Ok(d("1500")));
        assert_eq!(number("12.5%", true), Ok(d("0.125")));
        assert_eq!(number("12.5%", false), Err(CellError::Percent));
        assert_eq!(number("", false), Ok(None));
        assert_eq!(number("-", false), Ok(None));
        assert_eq!(number("1,23", false), Err(CellError::NotANumber));
        assert_eq!(number(&"9".repeat(40), false), Err(CellError::TooLarge));
        assert_eq!(number("12a", false), Err(CellError::NotANumber));
        assert_eq!(number("#DIV/0!", false), Err(CellError::ExcelError));
        assert_eq!(number("#N/A", false), Err(CellError::ExcelError));
    }

    #[test]
    fn years_and_dates() {
        assert_eq!(year("2024年"), Ok(Some(2024)));
        assert_eq!(year("２０２４"), Ok(Some(2024)));
        assert_eq!(year("2024.0"), Ok(Some(2024)));
        assert_eq!(year("24"), Err(CellError::NotAYear));
        let want = NaiveDate::from_ymd_opt(2019, 3, 1);
        for s in [
            "2019-03-01",
            "2019/3/1",
            "2019年3月1日",
            "20190301",
            "2019.3.1",
            "43525",
            "2019-03-01 00:00:00",
        ] {
            assert_eq!(date(s), Ok(want), "{s}");
        }
        assert_eq!(date("2019-02-30"), Err(CellError::NotADate));
        assert_eq!(date("soon"), Err(CellError::NotADate));
    }

    #[test]
    fn flags() {
        assert_eq!(flag("是"), Ok(Some(true)));
        assert_eq!(flag(" N "), Ok(Some(false)));
        assert_eq!(flag("maybe"), Err(CellError::NotAFlag));
    }
}

#[cfg(test)]
mod formula_tests {
    use super::{formula_safe, formula_unsafe};

    #[test]
    fn formulas_are_shown_not_run_and_read_back_unchanged() {
        for (text, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+86 10 1234", "'+86 10 1234"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-1+2", "'-1+2"),
            ("\t=1", "'\t=1"),
            ("-5", "-5"),
            ("12.5", "12.5"),
            ("华为", "华为"),
            ("", ""),
        ] {
            assert_eq!(formula_safe(text), written);
            assert_eq!(formula_unsafe(written), text);
        }
    }
}
