//! Backup and restore.
//!
//! * SQLite → `VACUUM INTO` a new file: a consistent, compact copy taken while the server runs.
//! * Any database → a portable export: JSON lines, one row per line, read inside one
//!   repeatable-read transaction so that it is a consistent snapshot. PostgreSQL uses it.
//!
//! `restore` reads either form (an SQLite file is recognised by its header) into an empty
//! database of either kind, so backups also move installations between SQLite and PostgreSQL.
//! Reference tables are not exported: migrations load them from the binary.

use crate::entities::*;
use crate::{Db, DbError, DbResult};
use sea_orm::{
    AccessMode, ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    IsolationLevel, PaginatorTrait, QueryOrder, Statement, TransactionTrait,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};
use std::path::Path;

pub const FORMAT: &str = "devzone-export";
/// 2: every table, each followed by a line with its row count and checksum.
/// 3: facts as sets and current figures (`fact_sets`, `fact_current`) instead of one row
/// per value (`fact_values`); restore still reads the older form.
pub const FORMAT_VERSION: u32 = 3;

/// The facts table of exports before format 3.
const LEGACY_FACTS: &str = "fact_values";
const CHUNK: u64 = 5_000;

/// Declares the tables a backup carries, once: the list, the export and the insert all
/// come from it, and the storage test fails when the schema holds a table that is neither
/// here nor in [`NOT_BACKED_UP`].
macro_rules! backed_up {
    ($($name:literal => $module:ident),* $(,)?) => {
        /// Every table, in an order that satisfies their foreign keys (the order the
        /// migrations create them in).
        pub const TABLES: &[&str] = &[$($name),*];

        async fn export_one<C: ConnectionTrait>(
            db: &C,
            table: &str,
            out: &mut dyn Write,
        ) -> DbResult<TableSum> {
            match table {
                $($name => export_table::<$module::Entity, _>(db, table, out).await,)*
                other => Err(DbError::Other(format!("no table {other:?}"))),
            }
        }

        async fn insert_table<C: ConnectionTrait>(
            db: &C,
            table: &str,
            rows: Vec<serde_json::Value>,
        ) -> DbResult<u64> {
            match table {
                $($name => insert_rows::<$module::Entity, _>(db, rows).await,)*
                other => Err(DbError::Other(format!("unknown table {other:?} in the export"))),
            }
        }
    };
}

backed_up! {
    "zones" => zone,
    "parks" => park,
    "enterprises" => enterprise,
    "qualifications" => qualification,
    "fact_sets" => fact_set,
    "fact_current" => fact_current,
    "users" => user,
    "user_zones" => user_zone,
    "sessions" => session,
    "api_tokens" => api_token,
    "audit_log" => audit,
    "meta" => meta,
    "evaluation_schemes" => evaluation_scheme,
    "evaluation_runs" => evaluation_run,
    "evaluation_results" => evaluation_result,
    "imports" => import,
    "import_enterprises" => import_enterprise,
    "import_mappings" => import_mapping,
    "import_uploads" => import_upload,
    "fact_precedence" => fact_precedence,
    "plots" => plot,
    "buildings" => building,
    "units" => unit,
    "leases" => lease,
    "requirements" => requirement,
    "requirement_matches" => requirement_match,
    "revitalisation_cases" => revitalisation_case,
    "revitalisation_steps" => revitalisation_step,
    "revitalisation_projects" => revitalisation_project,
    "land_rules" => land_rules,
    "chain_mappings" => chain_mapping,
    "chain_taxonomies" => chain_taxonomy,
    "chain_settings" => chain_settings,
    "chain_targets" => chain_target,
    "track_records" => track_record,
    "track_stages" => track_stage,
    "province_totals" => province_total,
    "projects" => project,
    "project_events" => project_event,
    "project_funds" => project_funds,
    "investment_rules" => investment_rules,
    "visits" => visit,
    "appeals" => appeal,
    "appeal_events" => appeal_event,
    "appeal_rules" => appeal_rules,
    "work_calendars" => work_calendar,
}

/// Tables a backup leaves out, each because the restored installation recreates it or
/// has no use for it: the reference tables (migrations load them from the binary), the
/// migration log, the zones' data versions (they key figures kept in a server's memory, and
/// a restored installation has none kept) and the jobs (progress records of work; what the
/// work made, imports and runs, is backed up).
pub const NOT_BACKED_UP: &[&str] = &[
    "industry_codes",
    "divisions",
    "listed_zones",
    "seaql_migrations",
    "data_versions",
    "jobs",
];

/// A table's rows in an export: how many, and the SHA-256 of their lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TableSum {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

/// The line that closes a table's rows in an export (format 2).
#[derive(Serialize, serde::Deserialize)]
struct End {
    end: String,
    rows: u64,
    sha256: String,
}

#[derive(Debug, Serialize, serde::Deserialize)]
struct Header {
    format: String,
    version: u32,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// The line an export writes for a row.
fn row_line(table: &str, row: &serde_json::Value) -> String {
    serde_json::json!({ "table": table, "row": row }).to_string()
}

async fn export_table<E, C>(db: &C, name: &str, out: &mut dyn Write) -> DbResult<TableSum>
where
    E: EntityTrait,
    E::Model: Serialize + Sync,
    C: ConnectionTrait,
{
    let mut q = E::find();
    for col in <E::PrimaryKey as sea_orm::Iterable>::iter() {
        q = q.order_by_asc(sea_orm::PrimaryKeyToColumn::into_column(col));
    }
    let pages = q.paginate(db, CHUNK);
    let count = pages.num_pages().await?;
    let io = |e: std::io::Error| DbError::Other(e.to_string());
    let mut sum = Summer::new(name);
    for p in 0..count {
        for row in pages.fetch_page(p).await? {
            let row = serde_json::to_value(&row).map_err(|e| DbError::Other(e.to_string()))?;
            let line = row_line(name, &row);
            sum.add(&line);
            writeln!(out, "{line}").map_err(io)?;
        }
    }
    let sum = sum.finish();
    let end = End {
        end: sum.table.clone(),
        rows: sum.rows,
        sha256: sum.sha256.clone(),
    };
    let end = serde_json::to_string(&end).map_err(|e| DbError::Other(e.to_string()))?;
    writeln!(out, "{end}").map_err(io)?;
    Ok(sum)
}

/// Row count and checksum of a table's lines, as they are written.
struct Summer {
    table: String,
    rows: u64,
    hash: Sha256,
}

impl Summer {
    fn new(table: &str) -> Self {
        Summer {
            table: table.to_string(),
            rows: 0,
            hash: Sha256::new(),
        }
    }

    fn add(&mut self, line: &str) {
        self.rows += 1;
        self.hash.update(line.as_bytes());
        self.hash.update(b"\n");
    }

    fn finish(self) -> TableSum {
        TableSum {
            table: self.table,
            rows: self.rows,
            sha256: self
                .hash
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }
}

/// Writes a portable export of every table; returns each table's row count and checksum.
pub async fn export(db: &Db, out: &mut dyn Write) -> DbResult<Vec<TableSum>> {
    let header = Header {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        created_at: chrono::Utc::now(),
    };
    let header = serde_json::to_string(&header).map_err(|e| DbError::Other(e.to_string()))?;
    writeln!(out, "{header}").map_err(|e| DbError::Other(e.to_string()))?;
    let tx = db
        .conn
        .begin_with_config(isolation(db), Some(AccessMode::ReadOnly))
        .await?;
    let mut sums = Vec::new();
    for t in TABLES {
        sums.push(export_one(&tx, t, out).await?);
    }
    tx.commit().await?;
    Ok(sums)
}

/// The tables of the connected database's schema, reference tables included.
pub async fn schema_tables(db: &Db) -> DbResult<Vec<String>> {
    let sql = match db.backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let rows = db
        .conn
        .query_all_raw(Statement::from_string(db.backend(), sql))
        .await?;
    let mut names = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<Vec<_>, _>>()?;
    names.sort();
    Ok(names)
}

fn isolation(db: &Db) -> Option<IsolationLevel> {
    // SQLite transactions are already serializable snapshots; it rejects the SQL for levels.
    (db.backend() == DbBackend::Postgres).then_some(IsolationLevel::RepeatableRead)
}

/// SQLite only: a consistent copy of the live database in a new file.
pub async fn vacuum_into(db: &Db, path: &Path) -> DbResult<()> {
    if db.backend() != DbBackend::Sqlite {
        return Err(DbError::Other(
            "VACUUM INTO needs SQLite; use the portable export".into(),
        ));
    }
    if path.exists() {
        return Err(DbError::Other(format!(
            "{} exists already; backups never overwrite",
            path.display()
        )));
    }
    let p = path.to_string_lossy().replace('\'', "''");
    db.conn
        .execute_unprepared(&format!("VACUUM INTO '{p}'"))
        .await?;
    Ok(())
}

async fn insert_rows<E, C>(db: &C, rows: Vec<serde_json::Value>) -> DbResult<u64>
where
    E: EntityTrait,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let n = rows.len() as u64;
    let mut batch = Vec::with_capacity(500);
    for r in rows {
        let m: E::Model = serde_json::from_value(r)
            .map_err(|e| DbError::Other(format!("unreadable row: {e}")))?;
        // Mark every column, the id included, for insertion.
        let am = m.into_active_model().reset_all();
        batch.push(am);
        if batch.len() == 500 {
            E::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !batch.is_empty() {
        E::insert_many(batch).exec_without_returning(db).await?;
    }
    Ok(n)
}

/// True when no table a backup carries holds a row.
pub async fn is_empty(db: &Db) -> DbResult<bool> {
    for t in TABLES {
        let sql = format!("SELECT 1 AS one FROM {t} LIMIT 1");
        let row = db
            .conn
            .query_one_raw(Statement::from_string(db.backend(), sql))
            .await?;
        if row.is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Restores an export or an SQLite backup file into an empty database, in one
/// transaction. The whole file is read and every table's checksum verified (an SQLite
/// file: its integrity check) before anything is written.
pub async fn restore(db: &Db, path: &Path) -> DbResult<Vec<TableSum>> {
    if !is_empty(db).await? {
        return Err(DbError::Other(
            "the target database is not empty; restore only into a new database".into(),
        ));
    }
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path)
            .map_err(|e| DbError::Other(format!("{}: {e}", path.display())))?;
        let _ = f
            .read(&mut head)
            .map_err(|e| DbError::Other(e.to_string()))?;
    }
    let source_is_sqlite = &head == b"SQLite format 3\0";
    let mut by_table: Vec<(String, Vec<serde_json::Value>)> = TABLES
        .iter()
        .chain([&LEGACY_FACTS])
        .map(|t| (t.to_string(), Vec::new()))
        .collect();
    let sums = if source_is_sqlite {
        // The file's own integrity first, through a read-only connection.
        let url = format!("sqlite://{}?mode=ro", path.display());
        let src = Db {
            conn: sea_orm::Database::connect(url).await?,
        };
        let check = src
            .conn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?
            .map(|r| r.try_get_by_index::<String>(0))
            .transpose()?;
        if check.as_deref() != Some("ok") {
            return Err(DbError::Other(format!(
                "{}: the SQLite file is damaged ({}); nothing was restored",
                path.display(),
                check.unwrap_or_default()
            )));
        }
        drop(src);
        // A backup taken by an earlier version has that version's schema: a copy of it is
        // brought up to date by the migrations, then read through the portable export.
        let dir = tempfile::tempdir().map_err(|e| DbError::Other(e.to_string()))?;
        let copy = dir.path().join("backup.sqlite");
        std::fs::copy(path, &copy)
            .map_err(|e| DbError::Other(format!("{}: {e}", path.display())))?;
        let src = Db::connect(&format!("sqlite://{}", copy.display())).await?;
        let mut buf = Vec::new();
        export(&src, &mut buf).await?;
        src.conn.close().await?;
        read_lines(&buf[..], &mut by_table)?
    } else {
        let f = std::fs::File::open(path).map_err(|e| DbError::Other(e.to_string()))?;
        read_lines(std::io::BufReader::new(f), &mut by_table)?
    };
    pack_legacy_facts(&mut by_table)?;
    let tx = db.conn.begin().await?;
    for (t, rows) in by_table {
        insert_table(&tx, &t, rows).await?;
    }
    if db.backend() == DbBackend::Postgres {
        // Explicit ids bypass the sequences; move each past the largest id restored.
        let serial = tx
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT table_name AS name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND column_name = 'id' \
                 AND column_default LIKE 'nextval%'",
            ))
            .await?;
        for r in serial {
            let t: String = r.try_get("", "name")?;
            if !TABLES.contains(&t.as_str()) {
                continue;
            }
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
            );
            tx.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await?;
        }
    }
    tx.commit().await?;
    Ok(sums)
}

/// Facts of an export before format 3, one row per value, packed into the rows of
/// `fact_sets` and `fact_current` as the migration to format 3 packs a database's.
fn pack_legacy_facts(by_table: &mut Vec<(String, Vec<serde_json::Value>)>) -> DbResult<()> {
    use crate::repo::facts::packed::{FactVersion, pack_legacy};
    let Some(at) = by_table.iter().position(|(t, _)| t == LEGACY_FACTS) else {
        return Ok(());
    };
    let (_, mut rows) = by_table.remove(at);
    if rows.is_empty() {
        return Ok(());
    }
    // Entry order: the old rows' ids.
    rows.sort_by_key(|r| r.get("id").and_then(|v| v.as_i64()).unwrap_or(0));
    let values = rows
        .into_iter()
        .map(serde_json::from_value::<FactVersion>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DbError::Other(format!("{LEGACY_FACTS}: {e}")))?;
    let mut last = 0;
    let (sets, current) = pack_legacy(values, &mut || {
        last += 1;
        last
    });
    let json = |v: Result<serde_json::Value, serde_json::Error>| {
        v.map_err(|e| DbError::Other(e.to_string()))
    };
    for (table, rows) in [
        (
            "fact_sets",
            sets.iter()
                .map(|s| json(serde_json::to_value(s)))
                .collect::<DbResult<Vec<_>>>()?,
        ),
        (
            "fact_current",
            current
                .iter()
                .map(|c| json(serde_json::to_value(c)))
                .collect::<DbResult<Vec<_>>>()?,
        ),
    ] {
        if let Some((_, slot)) = by_table.iter_mut().find(|(t, _)| t == table) {
            slot.extend(rows);
        }
    }
    Ok(())
}

/// Reads an export into rows by table, verifying (format 2) each table's row count and
/// checksum against the line that closes it; any difference refuses the whole file.
/// Returns each table's count and checksum, in the order of `by_table`.
fn read_lines(
    r: impl BufRead,
    by_table: &mut [(String, Vec<serde_json::Value>)],
) -> DbResult<Vec<TableSum>> {
    let bad = |m: String| DbError::Other(m);
    let mut lines = r.lines();
    let first = lines
        .next()
        .ok_or_else(|| bad("the export is empty".into()))?
        .map_err(|e| bad(e.to_string()))?;
    let header: Header = serde_json::from_str(&first)
        .map_err(|_| bad("not a devzone export (no header line)".into()))?;
    if header.format != FORMAT || header.version > FORMAT_VERSION {
        return Err(bad(format!(
            "unsupported export: {} version {}",
            header.format, header.version
        )));
    }
    let checked = header.version >= 2;
    let mut sums: std::collections::HashMap<String, Summer> = Default::default();
    let mut closed: std::collections::HashMap<String, TableSum> = Default::default();
    for (i, line) in lines.enumerate() {
        let at = i + 2;
        let line = line.map_err(|e| bad(e.to_string()))?;
        if checked && line.starts_with("{\"end\"") {
            let end: End =
                serde_json::from_str(&line).map_err(|e| bad(format!("line {at}: {e}")))?;
            let sum = sums
                .remove(&end.end)
                .unwrap_or_else(|| Summer::new(&end.end))
                .finish();
            if sum.rows != end.rows || sum.sha256 != end.sha256 {
                return Err(bad(format!(
                    "line {at}: table {} does not match its checksum ({} rows read, {} written); the file was changed or damaged, nothing was restored",
                    end.end, sum.rows, end.rows
                )));
            }
            closed.insert(end.end, sum);
            continue;
        }
        let mut v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {at}: {e}")))?;
        let table = v
            .get("table")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string();
        let slot = by_table
            .iter_mut()
            .find(|(t, _)| *t == table)
            .ok_or_else(|| bad(format!("line {at}: unknown table {table:?}")))?;
        if closed.contains_key(&table) {
            return Err(bad(format!(
                "line {at}: a row of {table} after its checksum line"
            )));
        }
        sums.entry(table.clone())
            .or_insert_with(|| Summer::new(&table))
            .add(&line);
        slot.1.push(v["row"].take());
    }
    // The facts table of older formats is absent from newer ones.
    let expected = |t: &str| t != LEGACY_FACTS || header.version < 3;
    if checked
        && let Some((t, _)) = by_table
            .iter()
            .find(|(t, _)| expected(t) && !closed.contains_key(t))
    {
        return Err(bad(format!(
            "table {t} has no checksum line: the export is cut short; nothing was restored"
        )));
    }
    // Format 1 has no checksum lines: its sums are those of the lines read.
    Ok(by_table
        .iter()
        .filter(|(t, _)| expected(t))
        .map(|(t, _)| match closed.remove(t) {
            Some(sum) => sum,
            None => sums.remove(t).unwrap_or_else(|| Summer::new(t)).finish(),
        })
        .collect())
}
