//! Test support shared by the crates' integration tests: a fresh database per test, on
//! SQLite and, when `DEVZONE_TEST_POSTGRES_URL` is set, on PostgreSQL.

use crate::Db;

/// A fresh, migrated database and whatever must stay alive while it is used.
pub struct TestDb {
    pub db: Db,
    pub label: &'static str,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop (no extra dependency for one small need).
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "{prefix}-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn sqlite() -> TestDb {
    let (url, dir) = sqlite_url();
    TestDb {
        db: Db::connect(&url).await.expect("sqlite test db"),
        label: "sqlite",
        _dir: Some(dir),
    }
}

/// The URL of a new SQLite file, not yet created, in a directory removed on drop.
pub fn sqlite_url() -> (String, TempDir) {
    let dir = TempDir::new("devzone-test");
    (format!("sqlite://{}/test.db", dir.0.display()), dir)
}

/// A new PostgreSQL database on the server named by `DEVZONE_TEST_POSTGRES_URL`.
pub async fn postgres() -> Option<TestDb> {
    let url = postgres_url().await?;
    Some(TestDb {
        db: Db::connect(&url).await.expect("postgres test db"),
        label: "postgres",
        _dir: None,
    })
}

/// The URL of a new, empty PostgreSQL database on the server named by
/// `DEVZONE_TEST_POSTGRES_URL`, when it is set.
pub async fn postgres_url() -> Option<String> {
    use sea_orm::ConnectionTrait;
    let base = std::env::var("DEVZONE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())?;
    let name = format!("devzone_test_{:016x}", rand::random::<u64>());
    let admin = sea_orm::Database::connect(&base)
        .await
        .expect("connect to DEVZONE_TEST_POSTGRES_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let (head, _) = base.rsplit_once('/').expect("URL with a database name");
    Some(format!("{head}/{name}"))
}

/// Every backend available for this run.
pub async fn all() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        v.push(pg);
    }
    v
}
