//! Checking the data rows of a mapped sheet: each cell read by its column's rule, every
//! problem reported at its line and column; rows with errors are kept out, the rest
//! become [`Record`]s for the database to compare and commit.

use super::cells::{self, CellError};
use super::headers::{Attr, Mapping, Target, to_base};
use super::{Grid, Kind, Layout, Problem, Severity};
use crate::CreditCode;
use crate::facts::{Centi, FactField};
use crate::model::Ownership;
use crate::reference::{IndustryEdition, divisions, industries};
use crate::validate::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use chrono::NaiveDate;
use std::collections::HashMap;

/// The enterprise attributes a row gives (None: the column is absent or the cell blank).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs {
    pub industry_code: Option<String>,
    pub park: Option<String>,
    pub address: Option<String>,
    pub division_code: Option<String>,
    pub ownership: Option<Ownership>,
    pub founded_on: Option<NaiveDate>,
    pub registered_capital: Option<Centi>,
    pub business_scope: Option<String>,
    pub main_products: Option<String>,
}

/// A stored figure: a quantity, or the text of a text field (the veto reason).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FactValue {
    Number(Centi),
    Text(String),
}

/// One checked row.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: usize,
    pub code: CreditCode,
    pub name: Option<String>,
    pub year: Option<i32>,
    pub attrs: Attrs,
    pub facts: Vec<(FactField, FactValue)>,
}

/// A row being read, before its code is known to be valid.
struct Partial {
    line: usize,
    name: Option<String>,
    year: Option<i32>,
    attrs: Attrs,
    facts: Vec<(FactField, FactValue)>,
}

/// The outcome of checking a sheet.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub records: Vec<Record>,
    /// Errors, warnings and notices, in line order (file-level ones first).
    pub problems: Vec<Problem>,
    /// Data rows read (not counting header, titles, totals, notes and blanks).
    pub rows_read: usize,
    /// Rows kept out by errors.
    pub rejected: usize,
}

impl Checked {
    /// True when the file as a whole was refused (a problem at line 0 that is an error).
    pub fn refused(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.line == 0 && p.severity == Severity::Error)
    }
    pub fn count(&self, s: Severity) -> usize {
        self.problems.iter().filter(|p| p.severity == s).count()
    }
}

/// Reads an ownership cell: the id, or the Chinese name of a registration type.
pub fn ownership(raw: &str) -> Option<Ownership> {
    let s = cells::normalise(raw).to_lowercase();
    if let Some(o) = Ownership::parse(&s) {
        return Some(o);
    }
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    // Order matters: 港澳台 before 外资, 国有 before 有限.
    if has(&["港", "澳", "台"]) {
        Some(Ownership::HkMacaoTaiwan)
    } else if has(&["外商", "外资", "中外", "外国", "独资(外"]) {
        Some(Ownership::ForeignInvested)
    } else if has(&["国有", "国企", "央企"]) {
        Some(Ownership::StateOwned)
    } else if has(&["集体"]) {
        Some(Ownership::Collective)
    } else if has(&["民营", "私营", "个人独资", "自然人", "个体"]) {
        Some(Ownership::Private)
    } else if has(&["其他", "其它"]) {
        Some(Ownership::Other)
    } else {
        None
    }
}

/// Checks every data row. `default_year` applies to rows without a year column.
pub fn check(
    grid: &Grid,
    layout: &Layout,
    mapping: &Mapping,
    kind: Kind,
    default_year: Option<i32>,
) -> Checked {
    let mut out = Checked {
        problems: layout.notices.clone(),
        ..Default::default()
    };
    if !file_checks(mapping, kind, default_year, &mut out.problems) {
        out.rows_read = layout.data_rows.len();
        out.rejected = out.rows_read;
        return out;
    }
    if layout.data_rows.is_empty() {
        out.problems.push(Problem::error(0, "file.no_data", ""));
        return out;
    }
    let cols: Vec<(usize, Target, (i64, i64))> = mapping
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.target?, c.factor().ok()?)))
        .collect();
    let industry = industries(IndustryEdition::Amended);
    let today = crate::calendar::today();
    let mut rows: Vec<(Option<Record>, Vec<Problem>)> = Vec::with_capacity(layout.data_rows.len());
    for &r in &layout.data_rows {
        let cells = grid.row(r);
        let line = grid.line(r);
        let mut probs = Vec::new();
        let mut code: Option<CreditCode> = None;
        let mut rec = Partial {
            line,
            name: None,
            year: default_year,
            attrs: Attrs::default(),
            facts: Vec::new(),
        };
        for &(col, target, factor) in &cols {
            let raw = cells.get(col).copied().unwrap_or("");
            let header = &mapping.columns[col].header;
            let err = |rule: &'static str| Problem::error(line, rule, raw).at(col, header);
            if grid.cut_length(r, col).is_some() {
                probs.push(err("text.too_long").with_detail(MAX_TEXT_CHARS.to_string()));
                continue;
            }
            let text = raw.trim();
            let cell = |e: CellError| Problem::error(line, e.rule(), raw).at(col, header);
            match target {
                Target::Attr(Attr::CreditCode) => {
                    let mut errs = crate::validate::Errors::default();
                    if let Some(c) = crate::validate::parse_credit_code(header, raw, &mut errs) {
                        if c.as_str() != text {
                            probs.push(
                                Problem::warning(line, "credit_code.normalised", raw)
                                    .at(col, header)
                                    .with_detail(c.as_str()),
                            );
                        }
                        code = Some(c);
                    }
                    for e in errs.0 {
                        let mut p = Problem::error(line, &e.rule, raw).at(col, header);
                        p.detail = e.detail;
                        probs.push(p);
                    }
                }
                Target::Attr(Attr::Name) => {
                    if text.chars().count() > MAX_NAME_CHARS {
                        probs.push(err("text.too_long").with_detail(MAX_NAME_CHARS.to_string()));
                    } else if !text.is_empty() {
                        rec.name = Some(text.to_string());
                    }
                }
                Target::Attr(Attr::Year) => match cells::year(raw) {
                    Ok(Some(y)) => rec.year = Some(y),
                    Ok(None) => {}
                    Err(e) => probs.push(cell(e)),
                },
                Target::Attr(Attr::IndustryCode) => {
                    // Lists often write the section letter in front: C3484.
                    let c = cells::normalise(raw);
                    let c = c.trim_start_matches(|ch: char| ch.is_ascii_alphabetic());
                    if c.is_empty() {
                    } else if industry.is_class(c) {
                        rec.attrs.industry_code = Some(c.to_string());
                    } else {
                        probs.push(err("industry_code.unknown"));
                    }
                }
                Target::Attr(Attr::DivisionCode) => {
                    let c = cells::normalise(raw);
                    if c.is_empty() {
                    } else if divisions().get(&c).is_some() {
                        rec.attrs.division_code = Some(c);
                    } else {
                        probs.push(err("division_code.unknown"));
                    }
                }
                Target::Attr(Attr::Ownership) => {
                    if !text.is_empty() {
                        match ownership(text) {
                            Some(o) => rec.attrs.ownership = Some(o),
                            None => probs.push(err("ownership.unknown")),
                        }
                    }
                }
                Target::Attr(Attr::Park) => {
                    rec.attrs.park = Some(text.to_string()).filter(|t| !t.is_empty());
                }
                Target::Attr(a @ (Attr::Address | Attr::BusinessScope | Attr::MainProducts)) => {
                    if text.chars().count() > MAX_TEXT_CHARS {
                        probs.push(err("text.too_long").with_detail(MAX_TEXT_CHARS.to_string()));
                    } else {
                        let v = Some(text.to_string()).filter(|t| !t.is_empty());
                        match a {
                            Attr::Address => rec.attrs.address = v,
                            Attr::BusinessScope => rec.attrs.business_scope = v,
                            _ => rec.attrs.main_products = v,
                        }
                    }
                }
                Target::Attr(Attr::FoundedOn) => match cells::date(raw) {
                    Ok(Some(d)) if d > today => probs.push(err("date.future")),
                    Ok(d) => rec.attrs.founded_on = d,
                    Err(e) => probs.push(cell(e)),
                },
                Target::Attr(Attr::RegisteredCapital) => match quantity(raw, factor, false) {
                    Ok(v) => rec.attrs.registered_capital = v,
                    Err(rule) => probs.push(err(rule)),
                },
                Target::Fact(FactField::Veto) => {
                    if text.chars().count() > MAX_TEXT_CHARS {
                        probs.push(err("text.too_long").with_detail(MAX_TEXT_CHARS.to_string()));
                    } else if !text.is_empty() && cells::flag(text) != Ok(Some(false)) {
                        rec.facts
                            .push((FactField::Veto, FactValue::Text(text.to_string())));
                    }
                }
                Target::Fact(FactField::AboveScale) => match cells::flag(raw) {
                    Ok(Some(b)) => rec.facts.push((
                        FactField::AboveScale,
                        FactValue::Number(Centi(if b { 100 } else { 0 })),
                    )),
                    Ok(None) => {}
                    Err(e) => probs.push(cell(e)),
                },
                Target::Fact(f) => match quantity(raw, factor, f.allows_negative()) {
                    Ok(Some(v)) => rec.facts.push((f, FactValue::Number(v))),
                    Ok(None) => {}
                    Err(rule) => probs.push(err(rule)),
                },
            }
        }
        let code_ok = code.is_some();
        if code_ok && rec.year.is_none() && !rec.facts.is_empty() {
            probs.push(Problem::error(line, "year.required", ""));
        }
        if code_ok && kind == Kind::Facts && rec.facts.is_empty() && probs.is_empty() {
            probs.push(Problem::warning(line, "row.empty", ""));
        }
        if !code_ok
            && !probs
                .iter()
                .any(|p| p.column == mapping.column_of(Target::Attr(Attr::CreditCode)))
        {
            probs.push(
                Problem::error(line, "required", "").at(
                    mapping
                        .column_of(Target::Attr(Attr::CreditCode))
                        .unwrap_or(0),
                    "credit_code",
                ),
            );
        }
        let rec = code.map(|code| Record {
            line: rec.line,
            code,
            name: rec.name,
            year: rec.year,
            attrs: rec.attrs,
            facts: rec.facts,
        });
        rows.push((rec, probs));
    }
    out.rows_read = rows.len();
    repeated_rows(&mut rows, kind);
    for (rec, probs) in rows {
        let bad = probs.iter().any(|p| p.severity == Severity::Error);
        let dropped = probs.iter().any(|p| p.rule == "row.duplicate");
        out.problems.extend(probs);
        match rec {
            Some(rec) if !bad => {
                if !dropped {
                    out.records.push(rec);
                }
            }
            _ => out.rejected += 1,
        }
    }
    out
}

/// A quantity cell converted to stored hundredths of the base unit.
fn quantity(
    raw: &str,
    factor: (i64, i64),
    negative_ok: bool,
) -> Result<Option<Centi>, &'static str> {
    let Some(v) = cells::number(raw, false).map_err(CellError::rule)? else {
        return Ok(None);
    };
    if v.is_sign_negative() && !v.is_zero() && !negative_ok {
        return Err("number.negative");
    }
    to_base(v, factor)
        .and_then(Centi::from_decimal)
        .map(Some)
        .ok_or("number.too_large")
}

/// Columns the kind needs; false when the file must be refused.
fn file_checks(
    mapping: &Mapping,
    kind: Kind,
    default_year: Option<i32>,
    problems: &mut Vec<Problem>,
) -> bool {
    let before = problems.len();
    let has = |a: Attr| mapping.column_of(Target::Attr(a)).is_some();
    let mut need = vec![Attr::CreditCode];
    if kind == Kind::Enterprises {
        need.extend([Attr::Name, Attr::IndustryCode]);
    }
    for a in need {
        if !has(a) {
            problems
                .push(Problem::error(0, "column.missing", "").with_detail(Target::Attr(a).id()));
        }
    }
    let facts = mapping
        .columns
        .iter()
        .any(|c| matches!(c.target, Some(Target::Fact(_))));
    if kind == Kind::Facts && !facts {
        problems.push(Problem::error(0, "column.no_figures", ""));
    }
    if facts && !has(Attr::Year) && default_year.is_none() {
        problems.push(Problem::error(0, "year.required", ""));
    }
    for (i, c) in mapping.columns.iter().enumerate() {
        if let Err(unit) = c.factor() {
            problems.push(
                Problem::error(0, "unit.mismatch", c.header.clone())
                    .at(i, &c.header)
                    .with_detail(unit),
            );
        }
    }
    problems.len() == before
}

/// The same enterprise (and year) twice in one file: an identical repeat is dropped with a
/// warning; different figures keep both rows out, since nobody can tell which is right;
/// one code under two names is an error on the later rows.
fn repeated_rows(rows: &mut [(Option<Record>, Vec<Problem>)], kind: Kind) {
    let mut first_by_key: HashMap<(CreditCode, Option<i32>), usize> = HashMap::new();
    let mut name_of: HashMap<CreditCode, (String, usize)> = HashMap::new();
    let mut conflicted = Vec::new();
    for i in 0..rows.len() {
        let (Some(rec), probs) = &rows[i] else {
            continue;
        };
        if probs.iter().any(|p| p.severity == Severity::Error) {
            continue;
        }
        let (code, line) = (rec.code.clone(), rec.line);
        if let Some(n) = &rec.name {
            match name_of.get(&code) {
                Some((other, at)) if other != n => {
                    let d = format!("{at} ({other})");
                    rows[i].1.push(
                        Problem::error(line, "credit_code.two_names", n.clone()).with_detail(d),
                    );
                    continue;
                }
                Some(_) => {}
                None => {
                    name_of.insert(code.clone(), (n.clone(), line));
                }
            }
        }
        let year = if kind == Kind::Facts || !rec.facts.is_empty() {
            rec.year
        } else {
            None
        };
        match first_by_key.get(&(code.clone(), year)) {
            None => {
                first_by_key.insert((code, year), i);
            }
            Some(&j) => {
                let (Some(a), Some(b)) = (&rows[j].0, &rows[i].0) else {
                    continue;
                };
                let same = a.name == b.name && a.attrs == b.attrs && a.facts == b.facts;
                let first_line = a.line;
                if same {
                    rows[i].1.push(
                        Problem::warning(line, "row.duplicate", code.as_str())
                            .with_detail(first_line.to_string()),
                    );
                } else {
                    rows[i].1.push(
                        Problem::error(line, "row.conflict", code.as_str())
                            .with_detail(first_line.to_string()),
                    );
                    conflicted.push((j, line));
                }
            }
        }
    }
    for (j, other) in conflicted {
        let (Some(rec), probs) = &mut rows[j] else {
            continue;
        };
        if !probs.iter().any(|p| p.rule == "row.conflict") {
            probs.push(
                Problem::error(rec.line, "row.conflict", rec.code.as_str())
                    .with_detail(other.to_string()),
            );
        }
    }
}
