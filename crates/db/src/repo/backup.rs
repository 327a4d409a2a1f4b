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
use std::io::{BufRead, Write};
use std::path::Path;

pub const FORMAT: &str = "devzone-export";
pub const FORMAT_VERSION: u32 = 1;
const CHUNK: u64 = 5_000;

/// Tables in an order that satisfies their foreign keys.
pub const TABLES: &[&str] = &[
    "zones",
    "parks",
    "enterprises",
    "qualifications",
    "fact_values",
    "users",
    "user_zones",
    "api_tokens",
    "audit_log",
    "meta",
];

#[derive(Debug, Serialize, serde::Deserialize)]
struct Header {
    format: String,
    version: u32,
    created_at: chrono::DateTime<chrono::Utc>,
}

async fn export_table<E, C>(db: &C, name: &str, out: &mut dyn Write) -> DbResult<u64>
where
    E: EntityTrait,
    E::Model: Serialize + Sync,
    C: ConnectionTrait,
{
    let mut n = 0;
    let mut q = E::find();
    for col in <E::PrimaryKey as sea_orm::Iterable>::iter() {
        q = q.order_by_asc(sea_orm::PrimaryKeyToColumn::into_column(col));
    }
    let pages = q.paginate(db, CHUNK);
    let count = pages.num_pages().await?;
    for p in 0..count {
        for row in pages.fetch_page(p).await? {
            let line = serde_json::json!({ "table": name, "row": row });
            writeln!(out, "{line}").map_err(|e| DbError::Other(e.to_string()))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Writes a portable export of every table; returns rows written per table.
pub async fn export(db: &Db, out: &mut dyn Write) -> DbResult<Vec<(String, u64)>> {
    let header = Header {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        created_at: chrono::Utc::now(),
    };
    writeln!(
        out,
        "{}",
        serde_json::to_string(&header).expect("header serialises")
    )
    .map_err(|e| DbError::Other(e.to_string()))?;
    let tx = db
        .conn
        .begin_with_config(isolation(db), Some(AccessMode::ReadOnly))
        .await?;
    let mut counts = Vec::new();
    for t in TABLES {
        let n = match *t {
            "zones" => export_table::<zone::Entity, _>(&tx, t, out).await?,
            "parks" => export_table::<park::Entity, _>(&tx, t, out).await?,
            "enterprises" => export_table::<enterprise::Entity, _>(&tx, t, out).await?,
            "qualifications" => export_table::<qualification::Entity, _>(&tx, t, out).await?,
            "fact_values" => export_table::<fact_value::Entity, _>(&tx, t, out).await?,
            "users" => export_table::<user::Entity, _>(&tx, t, out).await?,
            "user_zones" => export_table::<user_zone::Entity, _>(&tx, t, out).await?,
            "api_tokens" => export_table::<api_token::Entity, _>(&tx, t, out).await?,
            "audit_log" => export_table::<audit::Entity, _>(&tx, t, out).await?,
            "meta" => export_table::<meta::Entity, _>(&tx, t, out).await?,
            _ => unreachable!("every table is listed"),
        };
        counts.push((t.to_string(), n));
    }
    tx.commit().await?;
    Ok(counts)
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

async fn insert_table<C: ConnectionTrait>(
    db: &C,
    table: &str,
    rows: Vec<serde_json::Value>,
) -> DbResult<u64> {
    match table {
        "zones" => insert_rows::<zone::Entity, _>(db, rows).await,
        "parks" => insert_rows::<park::Entity, _>(db, rows).await,
        "enterprises" => insert_rows::<enterprise::Entity, _>(db, rows).await,
        "qualifications" => insert_rows::<qualification::Entity, _>(db, rows).await,
        "fact_values" => insert_rows::<fact_value::Entity, _>(db, rows).await,
        "users" => insert_rows::<user::Entity, _>(db, rows).await,
        "user_zones" => insert_rows::<user_zone::Entity, _>(db, rows).await,
        "api_tokens" => insert_rows::<api_token::Entity, _>(db, rows).await,
        "audit_log" => insert_rows::<audit::Entity, _>(db, rows).await,
        "meta" => insert_rows::<meta::Entity, _>(db, rows).await,
        other => Err(DbError::Other(format!(
            "unknown table {other:?} in the export"
        ))),
    }
}

/// True when the database holds no zones, users or enterprises.
pub async fn is_empty(db: &Db) -> DbResult<bool> {
    Ok(zone::Entity::find().count(&db.conn).await? == 0
        && user::Entity::find().count(&db.conn).await? == 0)
}

/// Restores an export or an SQLite backup file into an empty database, in one transaction.
pub async fn restore(db: &Db, path: &Path) -> DbResult<Vec<(String, u64)>> {
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
    let mut by_table: Vec<(String, Vec<serde_json::Value>)> =
        TABLES.iter().map(|t| (t.to_string(), Vec::new())).collect();
    if source_is_sqlite {
        // Read the backup through a second, read-only connection and the portable export.
        let url = format!("sqlite://{}?mode=ro", path.display());
        let src = Db {
            conn: sea_orm::Database::connect(url).await?,
        };
        let mut buf = Vec::new();
        export(&src, &mut buf).await?;
        read_lines(&buf[..], &mut by_table)?;
    } else {
        let f = std::fs::File::open(path).map_err(|e| DbError::Other(e.to_string()))?;
        read_lines(std::io::BufReader::new(f), &mut by_table)?;
    }
    let tx = db.conn.begin().await?;
    let mut counts = Vec::new();
    for (t, rows) in by_table {
        let n = insert_table(&tx, &t, rows).await?;
        counts.push((t, n));
    }
    if db.backend() == DbBackend::Postgres {
        // Explicit ids bypass the sequences; move each past the largest id restored.
        for t in [
            "zones",
            "parks",
            "enterprises",
            "qualifications",
            "fact_values",
            "users",
            "api_tokens",
            "audit_log",
        ] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
            );
            tx.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await?;
        }
    }
    tx.commit().await?;
    Ok(counts)
}

fn read_lines(r: impl BufRead, by_table: &mut [(String, Vec<serde_json::Value>)]) -> DbResult<()> {
    let mut lines = r.lines();
    let first = lines
        .next()
        .ok_or_else(|| DbError::Other("the export is empty".into()))?
        .map_err(|e| DbError::Other(e.to_string()))?;
    let header: Header = serde_json::from_str(&first)
        .map_err(|_| DbError::Other("not a devzone export (no header line)".into()))?;
    if header.format != FORMAT || header.version > FORMAT_VERSION {
        return Err(DbError::Other(format!(
            "unsupported export: {} version {}",
            header.format, header.version
        )));
    }
    for (i, line) in lines.enumerate() {
        let line = line.map_err(|e| DbError::Other(e.to_string()))?;
        let mut v: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| DbError::Other(format!("line {}: {e}", i + 2)))?;
        let table = v
            .get("table")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string();
        let slot = by_table
            .iter_mut()
            .find(|(t, _)| *t == table)
            .ok_or_else(|| DbError::Other(format!("line {}: unknown table {table:?}", i + 2)))?;
        slot.1.push(v["row"].take());
    }
    Ok(())
}
