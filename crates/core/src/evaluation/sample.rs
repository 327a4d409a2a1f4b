//! Sample input for file mode, in the spec's layout, written from the demo generator's
//! enterprises: realistic figures, a few percent of blanks, and a sprinkling of the
//! problems real sheets carry (bad check characters, unreadable years, unknown industry
//! codes, text in number cells, negative figures, repeated rows, vetoes, lower-case codes).

use super::measure::Measure;
use crate::demo;

/// The header of the sample file (the spec's canonical column names).
pub fn header() -> Vec<&'static str> {
    let mut h = vec!["credit_code", "name", "year", "industry_code"];
    h.extend(Measure::ALL.iter().map(|m| m.id()));
    h.extend(["above_scale", "veto"]);
    h
}

/// Row `index` of the sample for data year `year`. Rows are independent of each other
/// except that a planted duplicate repeats row `index - 1`'s credit code.
pub fn row(index: usize, year: i32, zones: &[demo::DemoZone]) -> Vec<String> {
    let dup_of = index % 251 == 17 && index > 0;
    let e = demo::enterprise(if dup_of { index - 1 } else { index }, zones);
    let facts = e
        .facts
        .iter()
        .find(|f| f.year == year)
        .or_else(|| e.facts.last())
        .expect("the demo has facts");
    let mut code = e.draft.credit_code.as_str().to_string();
    if index % 211 == 7 {
        // A typo in the last character.
        let last = code.pop().expect("18 characters");
        code.push(if last == '1' { '2' } else { '1' });
    } else if index % 97 == 5 {
        code = code.to_lowercase();
    }
    let mut cells = vec![
        code,
        e.draft.name.clone(),
        if index % 307 == 11 {
            "20x4".into()
        } else {
            year.to_string()
        },
        if index % 401 == 5 {
            "9999".into()
        } else {
            e.draft.industry_code.clone()
        },
    ];
    let mut main_revenue = None;
    for m in Measure::ALL {
        let v = facts
            .values
            .iter()
            .find(|(f, _)| *f == m.fact())
            .map(|(_, c)| c.0 as f64 / 100.0 / m.stored_per_unit());
        if m == Measure::MainRevenue {
            main_revenue = v;
        }
        let text = match v {
            None => String::new(),
            Some(_) if m == Measure::Tax && index % 503 == 3 => "n/a".into(),
            Some(v) if m == Measure::Revenue && index % 601 == 9 => format!("{:.2}", -v),
            Some(v) => match m {
                Measure::Employees => format!("{v:.0}"),
                Measure::EmissionEquiv => format!("{v:.3}"),
                _ => format!("{v:.2}"),
            },
        };
        cells.push(text);
    }
    // About a third leave above_scale blank (derived from main revenue).
    cells.push(match (index % 3, main_revenue) {
        (0, _) | (_, None) => String::new(),
        (_, Some(mr)) => if mr >= 2000.0 { "是" } else { "否" }.into(),
    });
    cells.push(if index % 331 == 19 {
        "重大环境污染事故".into()
    } else {
        String::new()
    });
    cells
}
