//! Generated sample input written as the bureaus hand it over: an XLSX sheet (figures as
//! numbers) or a UTF-8 CSV, streamed row by row.

use anyhow::Context;
use std::path::Path;
use std::time::Instant;

/// Writes `rows` rows made by `row` under `header` to `out`: XLSX when its name says so
/// (columns for which `is_figure` holds become numbers), CSV otherwise.
pub fn write(
    out: &Path,
    sheet: &str,
    header: &[&str],
    rows: usize,
    row: impl Fn(usize) -> Vec<String>,
    is_figure: impl Fn(usize) -> bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    if devzone_io::read::is_spreadsheet(out) {
        use devzone_io::{Cell, Table};
        let table = Table {
            sheet: sheet.into(),
            headers: header.iter().map(|h| h.to_string()).collect(),
            rows: (0..rows)
                .map(|i| {
                    row(i)
                        .into_iter()
                        .enumerate()
                        .map(|(k, c)| match c.parse::<f64>() {
                            _ if c.is_empty() => Cell::Empty,
                            Ok(v) if is_figure(k) => Cell::Number(v),
                            _ => Cell::Text(c),
                        })
                        .collect()
                })
                .collect(),
        };
        std::fs::write(out, devzone_io::to_xlsx(&table)?)?;
    } else {
        let file =
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
        w.write_record(header)?;
        for i in 0..rows {
            w.write_record(row(i))?;
        }
        w.flush()?;
    }
    eprintln!(
        "wrote {rows} rows to {} in {:.1} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
