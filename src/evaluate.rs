//! `devzone evaluate` (file mode of the per-mu evaluation) and `devzone generate
//! evaluation-input` (its sample input). No database is involved.

use anyhow::{Context, bail};
use devzone_core::evaluation::engine::{Class, Outcome};
use devzone_core::evaluation::output::{RowWriter, header};
use devzone_core::evaluation::table::{Columns, Parsed, Reader, RowParser, map_columns};
use devzone_core::evaluation::{Options, Scheme, evaluate, sample};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

/// A scheme by built-in name or by the path of a TOML file.
pub fn load_scheme(arg: &str) -> anyhow::Result<Scheme> {
    if let Some(s) = Scheme::built_in(arg) {
        return Ok(s);
    }
    let path = Path::new(arg);
    if !path.exists() {
        let names: Vec<&str> = devzone_core::evaluation::scheme::BUILT_IN
            .iter()
            .map(|(n, _)| *n)
            .collect();
        bail!(
            "scheme {arg:?} is neither a built-in scheme ({}) nor a file",
            names.join(", ")
        );
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {arg}"))?;
    Scheme::parse(&text).map_err(|e| anyhow::anyhow!("{arg}: {e}"))
}

/// One row of the input as the parsing thread leaves it.
enum Item {
    Blank,
    Header,
    HeaderError(String),
    Row(Parsed),
}

/// Reads the input file into a `Reader` (valid rows as a dataset, invalid ones with problems).
/// Rows are parsed on the CSV thread; the reader takes them in file order on this one.
pub fn read_input(path: &Path, scheme: &Scheme) -> anyhow::Result<Reader> {
    let mut flags: Vec<String> = scheme.adjustments.iter().map(|a| a.flag.clone()).collect();
    flags.extend(scheme.not_rated.iter().filter_map(|n| n.flag.clone()));
    let parser = RowParser::new(&flags);
    let mut reader = Reader::new(&flags);
    if !devzone_io::read::is_spreadsheet(path) {
        // A data row of the spec's layout takes at least ~64 bytes of CSV.
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        reader.reserve((len / 64) as usize);
    }
    // The header: the first row that is not blank. Set once, by the parsing thread.
    let header: OnceLock<(Vec<String>, Columns)> = OnceLock::new();
    let map = |line: usize, cells: &[&str]| -> Item {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Item::Blank;
        }
        match header.get() {
            Some((names, cols)) => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                Item::Row(parser.parse(cols, &names, line, cells))
            }
            None => match map_columns(cells, &flags) {
                Ok(cols) => {
                    let _ = header.set((cells.iter().map(|c| c.to_string()).collect(), cols));
                    Item::Header
                }
                Err(e) => Item::HeaderError(format!("line {line}: {e}")),
            },
        }
    };
    let mut header_error = None;
    devzone_io::read::visit_rows(path, &map, |item| match item {
        Item::Row(p) if header_error.is_none() => {
            let (names, cols) = header.get().expect("rows come after the header");
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            reader.accept(cols, &names, p);
        }
        Item::HeaderError(e) if header_error.is_none() => header_error = Some(e),
        _ => {}
    })?;
    if let Some(e) = header_error {
        bail!("{}: {e}", path.display());
    }
    let Some((_, cols)) = header.get() else {
        bail!("{}: no header row", path.display());
    };
    reader.finish();
    if !cols.ignored.is_empty() {
        eprintln!("columns ignored: {}", cols.ignored.join(", "));
    }
    Ok(reader)
}

pub fn run_file(
    input: &Path,
    output: &Path,
    scheme_arg: &str,
    year: Option<i32>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let scheme = load_scheme(scheme_arg)?;
    let out_is_xlsx = devzone_io::read::is_spreadsheet(output);
    if !out_is_xlsx
        && !output
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        bail!("{}: the output must end in .csv or .xlsx", output.display());
    }
    let reader = read_input(input, &scheme)?;
    let read_time = started.elapsed();
    let t = Instant::now();
    let ev = evaluate(&scheme, &reader.data, Options { year });
    let eval_time = t.elapsed();
    let t = Instant::now();
    let rows = reader.len();
    if out_is_xlsx {
        write_xlsx(output, &scheme, &reader, &ev)?;
    } else {
        write_csv(output, &scheme, &reader, &ev)?;
    }
    let write_time = t.elapsed();

    // Summary on stderr.
    let mut by_group: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut out_of_scope: BTreeMap<&str, usize> = BTreeMap::new();
    for i in 0..ev.placement.len() {
        match ev.outcome(&scheme, i) {
            Outcome::Placed { group, class, .. } => {
                let class = match class {
                    Class::NotRated => "not rated".to_string(),
                    Class::None => "-".to_string(),
                    Class::Rated { name, .. } => name.to_string(),
                };
                *by_group.entry((group, class)).or_default() += 1;
            }
            Outcome::OutOfScope(why) => *out_of_scope.entry(why.rule()).or_default() += 1,
        }
    }
    let invalid: Vec<_> = reader.invalid().collect();
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "scheme {} v{} ({})",
        scheme.name, scheme.version, scheme.title.en
    )?;
    writeln!(err, "rows read: {rows}")?;
    for (gi, group) in scheme.groups.iter().enumerate() {
        let parts: Vec<String> = by_group
            .iter()
            .filter(|((g, _), _)| *g == gi)
            .map(|((_, c), n)| format!("{c} {n}"))
            .collect();
        let total: usize = by_group
            .iter()
            .filter(|((g, _), _)| *g == gi)
            .map(|(_, n)| n)
            .sum();
        writeln!(
            err,
            "group {}: {total} rows ({})",
            group.id,
            parts.join(", ")
        )?;
    }
    for (rule, n) in &out_of_scope {
        writeln!(err, "out of scope ({rule}): {n}")?;
    }
    writeln!(err, "invalid rows: {}", invalid.len())?;
    for problems in invalid.iter().take(20) {
        for p in problems.iter() {
            writeln!(
                err,
                "  line {}, {} {:?}: {} [{}]",
                p.line, p.column, p.value, p.message, p.rule
            )?;
        }
    }
    if invalid.len() > 20 {
        writeln!(
            err,
            "  … and {} more invalid rows (see the reason column)",
            invalid.len() - 20
        )?;
    }
    writeln!(
        err,
        "time: read {:.2} s, evaluate {:.2} s, write {:.2} s, total {:.2} s",
        read_time.as_secs_f64(),
        eval_time.as_secs_f64(),
        write_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

fn write_csv(
    path: &Path,
    scheme: &Scheme,
    reader: &Reader,
    ev: &devzone_core::evaluation::Evaluation,
) -> anyhow::Result<()> {
    // Formatting numbers is most of the work: two threads format alternate chunks of rows
    // into buffers, which are written in order.
    const CHUNK: usize = 16_384;
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    // A byte-order mark, so that Excel reads the Chinese names.
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(&mut out);
    w.write_record(header(scheme))?;
    w.flush()?;
    drop(w);
    let format = |range: std::ops::Range<usize>, mut buf: Vec<u8>| -> std::io::Result<Vec<u8>> {
        let mut rw = RowWriter::new(scheme, reader, ev);
        for i in range {
            rw.fill(i);
            csv_line(&mut buf, &rw.cells);
        }
        Ok(buf)
    };
    let n = reader.len();
    // A third thread writes finished chunks while the next ones are formatted.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    std::thread::scope(|s| -> anyhow::Result<()> {
        let writer = s.spawn(
            move || -> std::io::Result<std::io::BufWriter<std::fs::File>> {
                for buf in rx {
                    out.write_all(&buf)?;
                }
                Ok(out)
            },
        );
        let mut start = 0;
        while start < n {
            let mid = (start + CHUNK).min(n);
            let end = (mid + CHUNK).min(n);
            let range = mid..end;
            let second = s.spawn(|| format(range, Vec::with_capacity(4 << 20)));
            let first = format(start..mid, Vec::with_capacity(4 << 20))?;
            let second = second.join().expect("formatting thread")?;
            // A send fails only when the writer stopped on an error, reported below.
            if tx.send(first).is_err() || tx.send(second).is_err() {
                break;
            }
            start = end;
        }
        drop(tx);
        let mut out = writer.join().expect("writing thread")?;
        out.flush()?;
        Ok(())
    })?;
    Ok(())
}

/// Appends one CSV line (RFC 4180: a field with a comma, quote or line break is quoted,
/// quotes doubled). Most fields are numbers, for which the check is a short scan.
fn csv_line(out: &mut Vec<u8>, cells: &[String]) {
    for (k, c) in cells.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        csv_field(out, c);
    }
    out.push(b'\n');
}

/// Appends one CSV field, quoted when it must be, and with a leading `'` when a spreadsheet
/// would take it for a formula.
pub fn csv_field(out: &mut Vec<u8>, c: &str) {
    let c = devzone_core::import::cells::formula_safe(c);
    if c.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in c.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(c.as_bytes());
    }
}

fn write_xlsx(
    path: &Path,
    scheme: &Scheme,
    reader: &Reader,
    ev: &devzone_core::evaluation::Evaluation,
) -> anyhow::Result<()> {
    use devzone_io::{Cell, Table};
    const MAX_ROWS: usize = 1_048_575;
    if reader.len() > MAX_ROWS {
        bail!(
            "{} rows do not fit in one Excel sheet ({MAX_ROWS} at most); write a .csv instead",
            reader.len()
        );
    }
    let headers = header(scheme);
    // Text columns stay text; the others are written as numbers where they parse.
    let text_columns = ["credit_code", "name", "year", "group", "class", "reason"];
    let numeric: Vec<bool> = headers
        .iter()
        .map(|h| !text_columns.contains(&h.as_str()) && !h.ends_with("_imputed"))
        .collect();
    let mut rw = RowWriter::new(scheme, reader, ev);
    let mut rows = Vec::with_capacity(reader.len());
    for i in 0..reader.len() {
        rw.fill(i);
        rows.push(
            rw.cells
                .iter()
                .zip(&numeric)
                .map(|(c, &num)| match (c.is_empty(), num, c.parse::<f64>()) {
                    (true, _, _) => Cell::Empty,
                    (false, true, Ok(v)) => Cell::Number(v),
                    _ => Cell::Text(c.clone()),
                })
                .collect(),
        );
    }
    let bytes = devzone_io::to_xlsx(&Table {
        sheet: "evaluation".into(),
        headers,
        rows,
    })?;
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Writes `rows` sample rows for data year `year` to a CSV or XLSX file.
pub fn generate_input(out: &Path, rows: usize, year: i32) -> anyhow::Result<()> {
    let zones = devzone_core::demo::zones();
    crate::sample_file::write(
        out,
        "亩均评价数据",
        &sample::header(),
        rows,
        |i| sample::row(i, year, &zones),
        |k| (4..=13).contains(&k),
    )
}

/// Database mode from the command line: start, execute and report a run.
pub async fn run_db(
    db: &devzone_db::Db,
    zone: i64,
    year: i32,
    scheme: &str,
    publish: bool,
) -> anyhow::Result<()> {
    use devzone_db::repo::evaluation as ev;
    let started = Instant::now();
    let key = if scheme.contains(':') {
        scheme.to_string()
    } else {
        format!("builtin:{scheme}")
    };
    let actor = devzone_db::Actor::system("cli");
    let run = ev::start(&db.conn, &actor, zone, year, &key)
        .await
        .with_context(|| format!("zone {zone} or scheme {key} not found"))?;
    ev::execute(&db.conn, run.id).await?;
    let run = ev::get(&db.conn, run.id).await?.context("run vanished")?;
    let summary = ev::Summary::parse(&run);
    eprintln!(
        "run {} of zone {zone}, {year}, scheme {} v{}",
        run.id, run.scheme_name, run.scheme_version
    );
    eprintln!("enterprises: {}", summary.enterprises);
    for (g, c, n) in &summary.counts {
        eprintln!("group {g} class {c}: {n}");
    }
    for (rule, n) in &summary.out_of_scope {
        eprintln!("out of scope ({rule}): {n}");
    }
    eprintln!("invalid: {}", summary.invalid);
    eprintln!(
        "read inputs {} ms, evaluate {} ms, store results {} ms; run to results stored {:.2} s",
        summary.load_millis,
        summary.millis,
        summary.store_millis,
        started.elapsed().as_secs_f64()
    );
    if publish {
        ev::publish(&db.conn, &actor, run.id).await?;
        eprintln!("published");
    }
    println!("{}", run.id);
    Ok(())
}
