//! `devzone tiers` (file mode of the tier rules, docs/tiers.md and the tier spec §A): one
//! output row per input row, in input order. No database is involved.

use anyhow::{Context, bail};
use chrono::NaiveDate;
use devzone_core::tiers::file::{Columns, Problem, RowRead, map_columns};
use devzone_core::tiers::innovative_2022::{Assessment, assess};
use devzone_core::tiers::rule_sets;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// The output's columns, in the spec's order.
pub const HEADER: [&str; 14] = [
    "credit_code",
    "eligible",
    "route",
    "total",
    "innovation",
    "growth",
    "specialisation",
    "reason",
    "ip_points",
    "rd_ratio_points",
    "growth_points",
    "debt_points",
    "field_points",
    "main_share_points",
];

/// One row of the input as the parsing thread leaves it.
// Nearly every item is a Row; boxing it would cost an allocation per row for the sake of the
// one header item.
#[allow(clippy::large_enum_variant)]
enum Item {
    Blank,
    Header,
    HeaderError(String),
    Row(usize, RowRead, Option<Assessment>),
}

/// What an output row says: the assessment, or the rule that made the row invalid.
enum Outcome<'a> {
    Assessed(&'a Assessment),
    Invalid(&'a str),
}

/// Where the rows go: a CSV file as they come, or a workbook at the end.
enum Sink {
    Csv(std::io::BufWriter<std::fs::File>, Vec<u8>),
    Xlsx(Vec<Vec<devzone_io::Cell>>),
}

impl Sink {
    fn row(&mut self, code: &str, o: Outcome) -> std::io::Result<()> {
        match self {
            Sink::Csv(out, line) => {
                line.clear();
                crate::evaluate::csv_field(line, code);
                match o {
                    Outcome::Invalid(rule) => {
                        line.extend_from_slice(b",,,,,,,invalid: ");
                        line.extend_from_slice(rule.as_bytes());
                        line.extend_from_slice(b",,,,,,");
                    }
                    Outcome::Assessed(a) => {
                        let p = &a.points;
                        line.extend_from_slice(if a.eligible() { b",true," } else { b",false," });
                        if let Ok(route) = a.outcome {
                            line.extend_from_slice(route.id().as_bytes());
                        }
                        let mut num = itoa::Buffer::new();
                        for v in [
                            p.total(),
                            p.innovation(),
                            p.growth_group(),
                            p.specialisation(),
                        ] {
                            line.push(b',');
                            line.extend_from_slice(num.format(v).as_bytes());
                        }
                        line.push(b',');
                        if let Err(reason) = a.outcome {
                            line.extend_from_slice(reason.id().as_bytes());
                        }
                        for v in [p.ip, p.rd_ratio, p.growth, p.debt, p.field, p.main_share] {
                            line.push(b',');
                            line.extend_from_slice(num.format(v).as_bytes());
                        }
                    }
                }
                line.push(b'\n');
                out.write_all(line)
            }
            Sink::Xlsx(rows) => {
                use devzone_io::Cell;
                let text = |s: String| Cell::Text(s);
                let mut row = vec![text(code.to_string())];
                match o {
                    Outcome::Invalid(rule) => {
                        row.extend((0..6).map(|_| Cell::Empty));
                        row.push(text(format!("invalid: {rule}")));
                        row.extend((0..6).map(|_| Cell::Empty));
                    }
                    Outcome::Assessed(a) => {
                        let p = &a.points;
                        let n = |v: u8| Cell::Number(f64::from(v));
                        row.push(text(a.eligible().to_string()));
                        row.push(a.outcome.map_or(Cell::Empty, |r| text(r.id())));
                        row.extend(
                            [
                                p.total(),
                                p.innovation(),
                                p.growth_group(),
                                p.specialisation(),
                            ]
                            .map(n),
                        );
                        row.push(
                            a.outcome
                                .err()
                                .map_or(Cell::Empty, |r| text(r.id().to_string())),
                        );
                        row.extend(
                            [p.ip, p.rd_ratio, p.growth, p.debt, p.field, p.main_share].map(n),
                        );
                    }
                }
                rows.push(row);
                Ok(())
            }
        }
    }
}

/// Counts for the summary on standard error.
#[derive(Default)]
struct Summary {
    rows: usize,
    routes: BTreeMap<String, usize>,
    reasons: BTreeMap<&'static str, usize>,
    invalid: Vec<(usize, Problem)>,
    invalid_rows: usize,
    ignored: BTreeMap<(String, String), usize>,
}

pub fn run(
    input: &Path,
    output: &Path,
    rules: &str,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let as_of = as_of.unwrap_or_else(devzone_core::calendar::today);
    let set = rule_sets::in_effect(rules, as_of).map_err(anyhow::Error::msg)?;
    let xlsx = devzone_io::read::is_spreadsheet(output);
    if !xlsx
        && !output
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        bail!("{}: the output must end in .csv or .xlsx", output.display());
    }
    // Written beside the output and renamed at the end: a run that fails leaves no half file.
    let partial = PathBuf::from(format!("{}.partial", output.display()));
    let mut sink = if xlsx {
        Sink::Xlsx(Vec::new())
    } else {
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        writeln!(out, "{}", HEADER.join(","))?;
        Sink::Csv(out, Vec::with_capacity(256))
    };
    let result = assess_file(input, &mut sink);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    match sink {
        Sink::Csv(mut out, _) => {
            out.flush()?;
            drop(out);
            std::fs::rename(&partial, output)
                .with_context(|| format!("writing {}", output.display()))?;
        }
        Sink::Xlsx(rows) => {
            const MAX_ROWS: usize = 1_048_575;
            if rows.len() > MAX_ROWS {
                bail!(
                    "{} rows do not fit in one Excel sheet ({MAX_ROWS} at most); write a .csv instead",
                    rows.len()
                );
            }
            let bytes = devzone_io::to_xlsx(&devzone_io::Table {
                sheet: "tiers".into(),
                headers: HEADER.iter().map(|h| h.to_string()).collect(),
                rows,
            })?;
            std::fs::write(output, bytes)
                .with_context(|| format!("writing {}", output.display()))?;
        }
    }
    report(set, as_of, &summary, started)?;
    Ok(())
}

/// Reads, checks and assesses every row, handing each to `sink` in input order.
fn assess_file(input: &Path, sink: &mut Sink) -> anyhow::Result<Summary> {
    let header: OnceLock<Columns> = OnceLock::new();
    // Parsing and assessing a row needs nothing of the rows before it: it runs on the
    // reading thread. The repeat rule and the writing run here, in order.
    let map = |line: usize, cells: &[&str]| -> Item {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Item::Blank;
        }
        match header.get() {
            Some(cols) => {
                let read = cols.read(cells);
                let a = read.input.as_ref().ok().map(assess);
                Item::Row(line, read, a)
            }
            None => match map_columns(cells) {
                Ok(cols) => {
                    let _ = header.set(cols);
                    Item::Header
                }
                Err(e) => Item::HeaderError(format!("line {line}: {e}")),
            },
        }
    };
    let mut s = Summary::default();
    // Verified codes seen, with the line of their first row.
    let mut seen: HashMap<[u8; 18], u32> = HashMap::new();
    let mut header_error = None;
    let mut write_error = None;
    devzone_io::read::visit_rows(input, &map, |item| match item {
        Item::Row(line, read, a) if header_error.is_none() && write_error.is_none() => {
            s.rows += 1;
            let mut problems = read.input.err().unwrap_or_default();
            // An invalid row counts for nothing: it neither holds its code for later rows
            // nor repeats an earlier one.
            let repeats =
                read.key
                    .filter(|_| problems.is_empty())
                    .and_then(|k| match seen.entry(k) {
                        std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(line as u32);
                            None
                        }
                    });
            if let Some(first) = repeats {
                let cols = header.get().expect("rows come after the header");
                problems.push(Problem {
                    column: cols.code_column(),
                    value: read.code.clone(),
                    rule: "credit_code.repeated",
                    message: format!("the credit code repeats the row on line {first}"),
                });
            }
            let written = match (&a, problems.first()) {
                (_, Some(p)) => {
                    s.invalid_rows += 1;
                    let rule = p.rule;
                    let r = sink.row(&read.code, Outcome::Invalid(rule));
                    if s.invalid.len() < 20 {
                        s.invalid.extend(problems.into_iter().map(|p| (line, p)));
                    }
                    r
                }
                (Some(a), None) => {
                    match a.outcome {
                        Ok(route) => *s.routes.entry(route.id()).or_default() += 1,
                        Err(reason) => *s.reasons.entry(reason.id()).or_default() += 1,
                    }
                    sink.row(&read.code, Outcome::Assessed(a))
                }
                (None, None) => unreachable!("a row without problems is assessed"),
            };
            for i in read.ignored {
                *s.ignored.entry(i).or_default() += 1;
            }
            if let Err(e) = written {
                write_error = Some(e);
            }
        }
        Item::HeaderError(e) if header_error.is_none() => header_error = Some(e),
        _ => {}
    })?;
    if let Some(e) = header_error {
        bail!("{}: {e}", input.display());
    }
    if let Some(e) = write_error {
        return Err(e).context("writing the output");
    }
    let Some(cols) = header.get() else {
        bail!("{}: no header row", input.display());
    };
    if !cols.ignored.is_empty() {
        eprintln!("columns ignored: {}", cols.ignored.join(", "));
    }
    Ok(s)
}

fn report(
    set: &rule_sets::RuleSet,
    as_of: NaiveDate,
    s: &Summary,
    started: Instant,
) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "rule set {} ({}), in effect from {}; as of {as_of}",
        set.id, set.title_zh, set.from
    )?;
    writeln!(err, "rows read: {}", s.rows)?;
    // "eligible: 3 (direct:award 1, score 2)"; the parenthesis only when there is something in it.
    let line = |m: &mut dyn Iterator<Item = (String, usize)>| {
        let parts: Vec<_> = m.map(|(k, n)| format!("{k} {n}")).collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    };
    writeln!(
        err,
        "eligible: {}{}",
        s.routes.values().sum::<usize>(),
        line(&mut s.routes.iter().map(|(k, n)| (k.clone(), *n)))
    )?;
    writeln!(
        err,
        "not eligible: {}{}",
        s.reasons.values().sum::<usize>(),
        line(&mut s.reasons.iter().map(|(k, n)| (k.to_string(), *n)))
    )?;
    writeln!(err, "invalid rows: {}", s.invalid_rows)?;
    for (line, p) in &s.invalid {
        writeln!(
            err,
            "  line {line}, {} {:?}: {} [{}]",
            p.column, p.value, p.message, p.rule
        )?;
    }
    if s.invalid_rows > s.invalid.len() {
        writeln!(
            err,
            "  … the reason column names the rule of every invalid row"
        )?;
    }
    for ((column, value), n) in s.ignored.iter().take(20) {
        writeln!(
            err,
            "value that counts for nothing: {column} {value:?} ({n} rows)"
        )?;
    }
    writeln!(err, "time: {:.2} s", started.elapsed().as_secs_f64())?;
    Ok(())
}

/// Writes `rows` sample rows to a CSV or XLSX file.
pub fn generate_input(out: &Path, rows: usize) -> anyhow::Result<()> {
    use devzone_core::tiers::sample;
    crate::sample_file::write(
        out,
        "创新型中小企业",
        &sample::HEADER,
        rows,
        sample::row,
        // employees … ip_class2, and equity_financing_3y.
        |k| (3..=13).contains(&k) || k == 18,
    )
}
