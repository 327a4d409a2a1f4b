//! Persistence for devzone: entities, migrations and repository functions.
//!
//! This is the only crate that knows the database. SQLite and PostgreSQL share one code path
//! (SeaORM over sqlx); the few places where they differ (backup, sequence reset, pragmas) are
//! marked. Handlers call the functions in [`repo`]; they never build queries themselves.

pub mod demo;
pub mod entities;
pub mod memo;
pub mod migration;
pub mod repo;
#[cfg(feature = "testing")]
pub mod testing;

use devzone_core::validate::FieldError;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

pub use sea_orm::DatabaseConnection as Connection;
pub use sea_orm::DbBackend as Backend;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A unique key is already taken: the field that collides, and its value.
    #[error("{field} {value} already exists")]
    Conflict { field: String, value: String },
    /// The request names a record that does not exist or is outside the caller's scope.
    #[error("not found")]
    NotFound,
    #[error("invalid input: {}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error("the database URL {0:?} is not supported: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// Long work stopped at a user's request (its transaction rolled back).
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Other(String),
}

pub type DbResult<T> = Result<T, DbError>;

/// "password password.short (…); …" for messages on the command line and in logs.
fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| match &e.detail {
            Some(d) => format!("{} {} ({d})", e.field, e.rule),
            None => format!("{} {}", e.field, e.rule),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A connected, migrated database.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

impl Db {
    /// Connects and applies pending migrations. SQLite files are created when missing;
    /// any scheme other than `sqlite:` and `postgres(ql)://` is refused before anything
    /// touches the disk.
    pub async fn connect(url: &str) -> DbResult<Self> {
        let is_sqlite = url.starts_with("sqlite:");
        let is_pg = url.starts_with("postgres://") || url.starts_with("postgresql://");
        if !is_sqlite && !is_pg {
            return Err(DbError::UnsupportedUrl(redact(url)));
        }
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(30));
        if is_sqlite {
            // WAL lets readers run beside the one writer; the busy timeout makes a second
            // writer wait instead of failing; foreign keys are off by default in SQLite.
            opts.max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                        // Rows cross from SQLite's thread in larger batches, and pages are
                        // read through a memory map instead of a copy per page: together
                        // they halve reading a zone's figures at 100,000 enterprises.
                        .row_buffer_size(4096)
                        .pragma("mmap_size", "1073741824")
                });
        } else {
            opts.max_connections(32).min_connections(2);
        }
        let conn = Database::connect(opts).await?;
        migration::Migrator::up(&conn, None).await?;
        if is_sqlite {
            // Statistics for every table that has none (a database from before they were
            // kept, or a fresh one), so the planner picks the selective indexes.
            use sea_orm::ConnectionTrait;
            conn.execute_unprepared("PRAGMA optimize=0x10002").await?;
        }
        Ok(Self { conn })
    }

    /// Refreshes the query planner's statistics. Without them SQLite reads a page of plots
    /// through the index on the fact's field instead of the one on the enterprise, reading
    /// every tax figure of the database (measured at 20,000 enterprises: 107 ms without
    /// statistics, 9 ms with). Run after bulk loads; PostgreSQL's autovacuum keeps its own.
    pub async fn analyze(&self) -> DbResult<()> {
        use sea_orm::ConnectionTrait;
        self.conn.execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

/// Which records a caller may see: `zones = None` means every zone (administrators);
/// `enterprise = Some(id)` narrows an enterprise user to their own enterprise.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub zones: Option<Vec<i64>>,
    pub enterprise: Option<i64>,
}

impl Scope {
    pub fn all() -> Self {
        Self {
            zones: None,
            enterprise: None,
        }
    }
    pub fn allows_zone(&self, zone_id: i64) -> bool {
        self.zones.as_ref().is_none_or(|z| z.contains(&zone_id))
    }
}

/// Who is making a change, for provenance and the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Self {
            user_id: None,
            username: name.to_string(),
            request_id: None,
        }
    }
}

/// Maps a unique-constraint violation to `Conflict`, leaving other errors alone.
pub(crate) fn conflict_or(e: DbErr, field: &str, value: &str) -> DbError {
    let msg = e.to_string().to_lowercase();
    if msg.contains("unique") || msg.contains("duplicate") {
        DbError::Conflict {
            field: field.into(),
            value: value.into(),
        }
    } else {
        DbError::Db(e)
    }
}
