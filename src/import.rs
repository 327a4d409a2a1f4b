//! `devzone import`: a spreadsheet or CSV file of enterprises or annual facts into a zone,
//! or a zone export (ZIP) into an empty installation.

use anyhow::{Context, bail};
use devzone_core::import::{Kind, Mapping, Severity, message_en};
use devzone_core::model::FactSource;
use devzone_db::repo::imports::{self, Request};
use devzone_db::{Actor, Db};
use std::io::{IsTerminal, Write};
use std::path::Path;

pub struct Options {
    pub kind: Kind,
    pub zone: i64,
    pub year: Option<i32>,
    /// None: the source saved with the file's column layout.
    pub source: Option<FactSource>,
    pub dry_run: bool,
    pub report: Option<std::path::PathBuf>,
}

/// Shows what is happening: a redrawn bar on a terminal, plain lines in a file or a pipe.
struct Progress {
    on: bool,
    started: std::time::Instant,
}

impl Progress {
    fn phase(&self, what: &str) {
        let at = self.started.elapsed().as_secs_f64();
        if self.on {
            eprint!("\r\x1b[K{what} ({at:.1} s)");
            let _ = std::io::stderr().flush();
        } else {
            // Not a terminal (a log, a pipe): plain lines, no redrawing.
            eprintln!("{what} ({at:.1} s)");
        }
    }
    fn bar(&self, what: &str, done: usize, total: usize) {
        if !self.on {
            // A line at each tenth, for logs.
            let step = (total / 10).max(1);
            if done == total || done.is_multiple_of(step) {
                eprintln!("{what} {done}/{total}");
            }
            return;
        }
        {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!(
                "\r\x1b[K{what} [{}{}] {done}/{total}",
                "#".repeat(filled),
                "-".repeat(width - filled)
            );
            let _ = std::io::stderr().flush();
        }
    }
    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}

/// Returns the process exit status: 0 when something could be imported (or nothing
/// needed to be), 1 when nothing could.
pub async fn run(db: &Db, file: &Path, o: Options, actor: &Actor) -> anyhow::Result<i32> {
    let p = Progress {
        on: std::io::stderr().is_terminal(),
        started: std::time::Instant::now(),
    };
    devzone_db::repo::zones::get(&db.conn, &devzone_db::Scope::all(), o.zone)
        .await?
        .with_context(|| format!("zone {} does not exist", o.zone))?;
    p.phase("reading");
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("import")
        .to_string();
    let prepared = match devzone_io::import::prepare(&name, &bytes) {
        Ok(p) => p,
        Err(e) => {
            p.done();
            eprintln!("{}: {e}", file.display());
            return Ok(1);
        }
    };
    let read_s = p.started.elapsed().as_secs_f64();
    let (mapping, saved_source) =
        match imports::saved_mapping(&db.conn, o.zone, &prepared.signature).await? {
            Some((m, source, _)) => (m, Some(source)),
            None => (prepared.recognised(), None),
        };
    let hinted = prepared.source_hint();
    let Some(source) = o
        .source
        .or_else(|| saved_source.as_deref().and_then(FactSource::parse))
        .or_else(|| {
            let h = hinted?;
            eprintln!(
                "source: {} (named in the file; --source to choose another)",
                h.id()
            );
            Some(h)
        })
    else {
        p.done();
        bail!(
            "which source is this file from? give --source ({}); it is remembered for files with the same columns",
            source_ids()
        );
    };
    p.phase("checking");
    let checked = prepared.check(&mapping, o.kind, o.year);
    let check_s = p.started.elapsed().as_secs_f64();
    let request = Request {
        zone_id: o.zone,
        kind: o.kind,
        source,
        as_of: devzone_core::calendar::today(),
        year: o.year,
        file_name: name.clone(),
        file_sha256: prepared.sha256.clone(),
        sheet: prepared.read.sheet.clone(),
        mapping: mapping.clone(),
        signature: prepared.signature.clone(),
    };
    p.phase("comparing with the database");
    let plan = imports::plan(&db.conn, request, checked).await?;
    let plan_s = p.started.elapsed().as_secs_f64();
    let committed = if o.dry_run || plan.refused() {
        None
    } else {
        let mut report = |done, total| {
            p.bar("committing", done, total);
            true
        };
        Some(imports::commit(&db.conn, actor, &plan, &mut report, None).await?)
    };
    let total_s = p.started.elapsed().as_secs_f64();
    p.done();

    print_mapping(&mapping, saved_source.as_deref());
    print_problems(&plan.problems);
    let c = &plan.counts;
    println!(
        "{name}: {} rows read, {} inserted, {} updated, {} unchanged, {} rejected",
        c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected
    );
    println!(
        "  enterprises: {} created, {} updated; {} new values kept as history (a source of higher precedence is current); {} warnings",
        c.enterprises_created, c.enterprises_updated, c.not_current, c.warnings
    );
    println!(
        "  time: read {read_s:.2} s, check {:.2} s, compare {:.2} s, commit {:.2} s, total {total_s:.2} s",
        check_s - read_s,
        plan_s - check_s,
        total_s - plan_s
    );
    if let Some(path) = &o.report {
        let xlsx = prepared.report_xlsx(
            &plan.problems,
            &message_en,
            ["line", "column", "header", "value", "rule", "message"],
        )?;
        std::fs::write(path, xlsx)?;
        println!("  report with highlighted cells: {}", path.display());
    }
    match committed {
        _ if plan.refused() => {
            println!("nothing imported: the file was refused");
            Ok(1)
        }
        _ if !importable(&plan) => {
            println!("nothing imported: every row has an error");
            Ok(1)
        }
        None => {
            println!("dry run: nothing written");
            Ok(0)
        }
        Some(None) => {
            println!("nothing changed: every value is already stored");
            Ok(0)
        }
        Some(Some(id)) => {
            println!("committed as import #{id} (revert: devzone import --revert {id})");
            Ok(0)
        }
    }
}

/// Whether any row got through the check and the comparison.
fn importable(plan: &imports::Plan) -> bool {
    plan.counts.rows_read > plan.counts.rejected
}

fn print_mapping(m: &Mapping, saved_source: Option<&str>) {
    match saved_source {
        Some(s) => println!("columns (the mapping saved for this layout, source {s}):"),
        None => println!("columns:"),
    }
    for (i, c) in m.columns.iter().enumerate() {
        let to = match (c.target, &c.unit) {
            (Some(t), Some(u)) => format!("{} ({u})", t.id()),
            (Some(t), None) => t.id().to_string(),
            (None, _) => "(ignored)".into(),
        };
        println!(
            "  {:<3} {:<24} → {to}",
            devzone_core::import::column_letter(i),
            c.header
        );
    }
}

const SHOWN: usize = 50;

fn print_problems(problems: &[devzone_core::import::Problem]) {
    for (i, p) in problems.iter().enumerate() {
        if i == SHOWN {
            println!(
                "  … {} more (--report FILE.xlsx writes them all)",
                problems.len() - SHOWN
            );
            break;
        }
        let sev = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        };
        let at = if p.line == 0 {
            "file".to_string()
        } else {
            format!(
                "line {}{}",
                p.line,
                p.column
                    .map(|_| format!(" col {}", p.column_letter()))
                    .unwrap_or_default()
            )
        };
        let value = if p.value.is_empty() {
            String::new()
        } else {
            format!(" {:?}", p.value)
        };
        println!("  {sev:<7} {at}{value}: {} [{}]", message_en(p), p.rule);
    }
}

/// Undoes a committed import.
pub async fn revert(db: &Db, id: i64, actor: &Actor) -> anyhow::Result<()> {
    let r = imports::revert(&db.conn, actor, id)
        .await
        .map_err(|e| match e {
            devzone_db::DbError::NotFound => anyhow::anyhow!("import {id} does not exist"),
            devzone_db::DbError::Conflict { value, .. } => {
                anyhow::anyhow!("import {id} is {value}")
            }
            other => other.into(),
        })?;
    println!(
        "import #{id} reverted: {} values removed, {} enterprises removed, {} restored",
        r.facts_removed, r.enterprises_removed, r.enterprises_restored
    );
    if !r.enterprises_kept.is_empty() {
        println!(
            "  kept (later records use them): {}",
            r.enterprises_kept.join(", ")
        );
    }
    Ok(())
}

/// The source ids, for messages.
fn source_ids() -> String {
    FactSource::ALL
        .iter()
        .map(|s| s.id())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn parse_source(s: &str) -> anyhow::Result<FactSource> {
    FactSource::parse(s).with_context(|| format!("unknown source {s:?}; one of: {}", source_ids()))
}

pub fn parse_kind(s: &str) -> anyhow::Result<Kind> {
    match Kind::parse(s) {
        Some(k) => Ok(k),
        None => bail!("unknown kind {s:?}; enterprises, facts or units"),
    }
}

/// Writes the sample import files of a demo zone into `dir`.
pub fn write_samples(dir: &Path, zone_index: usize, rows: usize, year: i32) -> anyhow::Result<()> {
    use devzone_core::import::templates;
    let zones = devzone_core::demo::zones();
    let zone = zones
        .get(zone_index)
        .with_context(|| format!("there are {} demo zones", zones.len()))?;
    std::fs::create_dir_all(dir)?;
    let es = templates::demo_enterprises(zone_index, rows);
    for s in templates::samples(zone.name, year, &es) {
        let path = dir.join(&s.file_name);
        std::fs::write(&path, devzone_io::import::write_sample(&s)?)?;
        println!(
            "{} ({} rows, source {})",
            path.display(),
            s.rows.len(),
            s.source.id()
        );
    }
    Ok(())
}

/// Reads a zone export (ZIP) into this installation.
pub async fn zone_export(db: &Db, file: &Path, actor: &Actor) -> anyhow::Result<()> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let l = devzone_db::repo::transfer::import(&db.conn, actor, std::io::BufReader::new(f))
        .await
        .map_err(|e| match e {
            devzone_db::DbError::Conflict { value, .. } => {
                anyhow::anyhow!("a zone named {value} exists already; nothing was imported")
            }
            other => anyhow::anyhow!("{other}; nothing was imported"),
        })?;
    println!(
        "zone #{} created: {} parks, {} enterprises, {} qualifications, {} fact versions",
        l.zone_id, l.parks, l.enterprises, l.qualifications, l.facts
    );
    Ok(())
}

/// The benchmark sheet: every demo enterprise's 2024 figures in 16 columns.
pub fn write_bench_sheet(out: &Path, rows: usize, register: Option<&Path>) -> anyhow::Result<()> {
    use devzone_core::FactField as F;
    use devzone_io::{Cell, Table};
    let zones = devzone_core::demo::zones();
    // (header, field, stored units per header unit)
    let figures: [(&str, F, f64); 12] = [
        ("用地面积(亩)", F::LandArea, 10_000.0 / 15.0),
        ("营业收入(万元)", F::Revenue, 10_000.0),
        ("主营业务收入(万元)", F::MainRevenue, 10_000.0),
        ("工业增加值(万元)", F::ValueAdded, 10_000.0),
        ("实缴税金(万元)", F::Tax, 10_000.0),
        ("研发经费支出(万元)", F::RdExpense, 10_000.0),
        ("年平均从业人员(人)", F::Employees, 1.0),
        ("综合能耗(吨标准煤)", F::EnergyTce, 1.0),
        ("用电量(万千瓦时)", F::Electricity, 10_000.0),
        ("主要污染物排放当量(吨)", F::EmissionEquiv, 1.0),
        ("资产总计(万元)", F::TotalAssets, 10_000.0),
        ("负债总计(万元)", F::TotalLiabilities, 10_000.0),
    ];
    let mut headers: Vec<String> = ["统一社会信用代码", "企业名称", "行业代码", "年度"]
        .into_iter()
        .map(String::from)
        .collect();
    headers.extend(figures.iter().map(|f| f.0.to_string()));
    let table = Table {
        sheet: "规上工业企业".into(),
        headers,
        rows: (0..rows)
            .map(|i| {
                let e = devzone_core::demo::enterprise(i, &zones);
                let last = e.facts.last().expect("demo facts");
                let mut row = vec![
                    Cell::Text(e.draft.credit_code.to_string()),
                    Cell::Text(e.draft.name.clone()),
                    Cell::Text(e.draft.industry_code.clone()),
                    Cell::Number(last.year as f64),
                ];
                for (_, f, per) in &figures {
                    row.push(match last.values.iter().find(|(k, _)| k == f) {
                        Some((_, v)) => Cell::Number((v.to_f64() / per * 100.0).round() / 100.0),
                        None => Cell::Empty,
                    });
                }
                row
            })
            .collect(),
    };
    let bytes = if devzone_io::read::is_spreadsheet(out) {
        devzone_io::to_xlsx(&table)?
    } else {
        devzone_io::to_csv(&table)?
    };
    std::fs::write(out, bytes)?;
    println!("{} rows written to {}", rows, out.display());
    if let Some(path) = register {
        let reg = Table {
            sheet: "企业名录".into(),
            headers: table.headers[..3].to_vec(),
            rows: table.rows.iter().map(|r| r[..3].to_vec()).collect(),
        };
        std::fs::write(path, devzone_io::to_csv(&reg)?)?;
        println!(
            "register of the same enterprises written to {}",
            path.display()
        );
    }
    Ok(())
}

/// `devzone import FILE --kind units`: a unit register (房源台账) into a zone. Prints every
/// problem and the counts; exits 1 when no row could be imported.
pub async fn unit_register(
    db: &Db,
    file: &Path,
    zone: i64,
    dry_run: bool,
    actor: &Actor,
) -> anyhow::Result<i32> {
    use devzone_core::land::sheet;
    devzone_db::repo::zones::get(&db.conn, &devzone_db::Scope::all(), zone)
        .await?
        .with_context(|| format!("zone {zone} does not exist"))?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("register")
        .to_string();
    let prepared = match devzone_io::import::prepare_with(&name, &bytes, sheet::detect) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return Ok(1);
        }
    };
    let Some(layout) = prepared.layout.clone() else {
        eprintln!(
            "{}: no header with a plot-number column (宗地编号) in the first 30 rows",
            file.display()
        );
        return Ok(1);
    };
    let checked = sheet::check(&prepared.read.grid, &layout);
    let today = devzone_core::calendar::today();
    let shown = Progress {
        on: std::io::stderr().is_terminal(),
        started: std::time::Instant::now(),
    };
    let what = if dry_run { "checking" } else { "writing" };
    let (counts, db_problems) = devzone_db::repo::land::import_units(
        &db.conn,
        actor,
        zone,
        &checked.rows,
        today,
        dry_run,
        &mut |done, total| {
            shown.bar(what, done, total);
            true
        },
    )
    .await?;
    shown.done();
    let counts = counts.after_check(checked.rows_read, checked.rows.len());
    let mut problems = prepared.notices.clone();
    problems.extend(checked.problems);
    problems.extend(db_problems);
    problems.sort_by_key(|p| (p.line, p.column));
    for p in problems.iter().take(50) {
        let at = match (p.line, p.column) {
            (0, _) => String::new(),
            (l, Some(_)) => format!("line {l}, column {}: ", p.column_letter()),
            (l, None) => format!("line {l}: "),
        };
        let tag = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        };
        println!("{tag}: {at}{}", message_en(p));
    }
    if problems.len() > 50 {
        println!("… and {} more", problems.len() - 50);
    }
    println!(
        "{}rows read {}, rejected {}, buildings created {}, units added {}, updated {}, unchanged {}, leases added {}",
        if dry_run { "dry run: " } else { "" },
        counts.rows_read,
        counts.rejected,
        counts.buildings_created,
        counts.units_inserted,
        counts.units_updated,
        counts.unchanged,
        counts.leases_inserted
    );
    Ok(
        if counts.rows_read > 0 && counts.rejected == counts.rows_read {
            1
        } else {
            0
        },
    )
}
