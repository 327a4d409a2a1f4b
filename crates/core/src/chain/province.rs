//! The province's totals by industry division, read from the statistics bureau's sheet, for
//! location quotients. One header row names the columns: 行业大类代码 / division, 年份 /
//! year, 从业人员 / employees and 营业收入(万元) / revenue; each cell is read with the same
//! rules as every imported figure (`import::cells`).

use crate::import::Grid;
use crate::import::cells;
use crate::import::headers::key;
use crate::reference::{IndustryEdition, industries};
use rust_decimal::prelude::ToPrimitive;

/// One division's totals for one year.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceRow {
    /// The two-digit GB/T 4754-2017 division.
    pub division: String,
    pub year: i32,
    pub employees: Option<f64>,
    /// Yuan (the sheet gives 万元).
    pub revenue: Option<f64>,
}

/// Why a sheet or a row of it was refused; `line` is the sheet's row number.
#[derive(Debug, Clone, PartialEq)]
pub enum ProvinceProblem {
    /// No division or no year column in the first row.
    Header,
    BadDivision {
        line: usize,
        value: String,
    },
    BadYear {
        line: usize,
        value: String,
    },
    /// A figure that is not a non-negative number.
    BadNumber {
        line: usize,
    },
}

/// Every row with a division, or every problem found; rows without a division are skipped.
pub fn parse(g: &Grid) -> Result<Vec<ProvinceRow>, Vec<ProvinceProblem>> {
    let head: Vec<String> = g.row(0).iter().map(|h| key(h)).collect();
    let col = |names: &[&str]| {
        head.iter()
            .position(|h| names.iter().any(|n| h.starts_with(n)))
    };
    let (Some(dc), Some(yc)) = (
        col(&["行业大类", "大类代码", "division"]),
        col(&["年份", "年度", "year"]),
    ) else {
        return Err(vec![ProvinceProblem::Header]);
    };
    let ec = col(&["从业人员", "employees"]);
    let rc = col(&["营业收入", "revenue"]);
    let names = industries(IndustryEdition::Amended);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for r in 1..g.len() {
        let cells = g.row(r);
        let line = g.line(r);
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).map(|s| s.trim()).unwrap_or("");
        let d = get(Some(dc));
        if d.is_empty() {
            continue;
        }
        if d.len() != 2 || names.get(d).is_none() {
            problems.push(ProvinceProblem::BadDivision {
                line,
                value: d.to_string(),
            });
            continue;
        }
        let Ok(Some(year)) = cells::year(get(Some(yc))) else {
            problems.push(ProvinceProblem::BadYear {
                line,
                value: get(Some(yc)).to_string(),
            });
            continue;
        };
        match (figure(get(ec)), figure(get(rc))) {
            // A division of the template left unfilled.
            (Ok(None), Ok(None)) => continue,
            (Ok(employees), Ok(revenue_wan)) => rows.push(ProvinceRow {
                division: d.to_string(),
                year,
                employees,
                revenue: revenue_wan.map(|x| x * 10_000.0),
            }),
            _ => problems.push(ProvinceProblem::BadNumber { line }),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A non-negative figure, blank being none.
fn figure(raw: &str) -> Result<Option<f64>, ()> {
    match cells::number(raw, false) {
        Ok(None) => Ok(None),
        Ok(Some(d)) if !d.is_sign_negative() => d.to_f64().map(Some).ok_or(()),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        let mut g = Grid::default();
        for (i, r) in rows.iter().enumerate() {
            g.push_row(i + 1, r);
        }
        g
    }

    #[test]
    fn revenue_in_wan_becomes_yuan_and_blank_rows_are_skipped() {
        let g = grid(&[
            &["行业大类代码", "年份", "从业人员", "营业收入(万元)"],
            &["39", "2024年", "1,200", "35.5"],
            &["", "", "", ""],
            &["27", "2024", "", "1,000"],
            // A division of the downloaded template, left unfilled.
            &["13", "2024", "", ""],
        ]);
        let rows = parse(&g).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].division, "39");
        assert_eq!(rows[0].year, 2024);
        assert_eq!(rows[0].employees, Some(1200.0));
        assert_eq!(rows[0].revenue, Some(355_000.0));
        assert_eq!(rows[1].employees, None);
    }

    #[test]
    fn each_bad_row_is_named_by_its_line() {
        let g = grid(&[
            &["division", "year", "employees", "revenue"],
            &["99", "2024", "1", "1"],
            &["39", "20x4", "1", "1"],
            &["39", "2024", "-5", "1"],
        ]);
        assert_eq!(
            parse(&g).unwrap_err(),
            vec![
                ProvinceProblem::BadDivision {
                    line: 2,
                    value: "99".into()
                },
                ProvinceProblem::BadYear {
                    line: 3,
                    value: "20x4".into()
                },
                ProvinceProblem::BadNumber { line: 4 },
            ]
        );
        assert_eq!(
            parse(&grid(&[&["名称", "数值"]])).unwrap_err(),
            vec![ProvinceProblem::Header]
        );
    }
}
