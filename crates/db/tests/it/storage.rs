//! Storage tests: each runs on SQLite and, when DEVZONE_TEST_POSTGRES_URL is set, on PostgreSQL.

use devzone_core::model::Role;
use devzone_core::validate::{
    EnterpriseInput, FactsInput, ParkInput, QualificationInput, ZoneInput,
};
use devzone_db::repo::{audit, backup, enterprises, facts, stats, users, zones};
use devzone_db::testing::{TempDir, all};
use devzone_db::{Actor, Db, DbError, Scope};
use rust_decimal::Decimal;

fn actor() -> Actor {
    Actor::system("test")
}

async fn zone(db: &Db) -> i64 {
    let d = ZoneInput {
        name: "测试经开区".into(),
        kind: "national_etdz".into(),
        gbt37028_code: Some("11101001".into()),
        province_code: "110000".into(),
        city_code: "110000".into(),
    }
    .validate()
    .unwrap();
    zones::create(&db.conn, &actor(), &d).await.unwrap().id
}

fn ent(code: &str, name: &str) -> EnterpriseInput {
    EnterpriseInput {
        credit_code: code.into(),
        name: name.into(),
        industry_code: "3491".into(),
        ownership: "private".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn enterprises_round_trip_and_conflict() {
    for t in all().await {
        let db = &t.db;
        let z = zone(db).await;
        let p = zones::create_park(
            &db.conn,
            &actor(),
            z,
            &ParkInput {
                name: "机器人产业园".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
        let mut input = ent("914403001922038216", "华为技术有限公司");
        input.park_id = Some(p.id);
        input.registered_capital = Some(Decimal::new(123_456, 2));
        let e = enterprises::create(&db.conn, &actor(), z, &input.validate().unwrap())
            .await
            .unwrap();
        assert_eq!(e.registered_capital, Some(123_456), "{}", t.label);
        // Same code, other case and spaces: the normalised code collides.
        let dup = ent(" 9144 0300 1922 0382 16", "别名公司")
            .validate()
            .unwrap();
        let err = enterprises::create(&db.conn, &actor(), z, &dup)
            .await
            .unwrap_err();
        assert!(
            matches!(err, DbError::Conflict { ref field, .. } if field == "credit_code"),
            "{}: {err:?}",
            t.label
        );
        // A park of another zone is refused.
        let z2 = zone(db).await;
        let mut other = ent("9144030071526726XG", "腾讯科技（深圳）有限公司")
            .validate()
            .unwrap();
        other.park_id = Some(p.id);
        assert!(matches!(
            enterprises::create(&db.conn, &actor(), z2, &other)
                .await
                .unwrap_err(),
            DbError::Invalid(_)
        ));
        // The audit log has the creation with the after-image.
        let log = audit::list(
            &db.conn,
            &audit::AuditFilter {
                entity: Some("enterprise".into()),
                per_page: 10,
                page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(log.total, 1, "{}", t.label);
        assert!(log.items[0].after.as_ref().unwrap().contains("华为"));
    }
}

#[tokio::test]
async fn list_filters_search_sort_and_scope() {
    for t in all().await {
        let db = &t.db;
        let z = zone(db).await;
        for (code, name) in [
            ("914403001922038216", "华为技术有限公司"),
            ("9144030071526726XG", "腾讯科技（深圳）有限公司"),
            ("91440300192317458F", "比亚迪股份有限公司"),
        ] {
            enterprises::create(&db.conn, &actor(), z, &ent(code, name).validate().unwrap())
                .await
                .unwrap();
        }
        let q = |s: &str| enterprises::ListQuery {
            q: Some(s.into()),
            per_page: 20,
            page: 1,
            ..Default::default()
        };
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &q("华"))
                .await
                .unwrap()
                .total,
            1,
            "{}: one CJK character",
            t.label
        );
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &q("有限"))
                .await
                .unwrap()
                .total,
            3
        );
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &q("9144030071"))
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &q("100%"))
                .await
                .unwrap()
                .total,
            0,
            "LIKE wildcards are literal"
        );
        let sorted = enterprises::list(
            &db.conn,
            &Scope::all(),
            &enterprises::ListQuery {
                sort: enterprises::SortKey::CreditCode,
                descending: true,
                per_page: 2,
                page: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((sorted.total, sorted.items.len()), (3, 1));
        assert_eq!(sorted.items[0].credit_code, "914403001922038216"); // descending: …XG, …8F, …16
        let none = Scope {
            zones: Some(vec![z + 100]),
            enterprise: None,
        };
        assert_eq!(
            enterprises::list(&db.conn, &none, &q(""))
                .await
                .unwrap()
                .total,
            0
        );
        let industry = enterprises::ListQuery {
            industry: Some("C".into()),
            per_page: 20,
            page: 1,
            ..Default::default()
        };
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &industry)
                .await
                .unwrap()
                .total,
            3
        );
    }
}

#[tokio::test]
async fn facts_keep_history_and_are_idempotent() {
    for t in all().await {
        let db = &t.db;
        let z = zone(db).await;
        let e = enterprises::create(
            &db.conn,
            &actor(),
            z,
            &ent("914403001922038216", "华为技术有限公司")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let mut f = FactsInput {
            year: 2024,
            source: "statistics_bureau".into(),
            ..Default::default()
        };
        f.values
            .insert("revenue".into(), Some(Decimal::from(30_000_000)));
        f.values
            .insert("main_revenue".into(), Some(Decimal::from(25_000_000)));
        let d = f.validate(today).unwrap();
        let o = facts::record(&db.conn, &actor(), &Scope::all(), e.id, &d)
            .await
            .unwrap();
        assert_eq!(
            o,
            facts::Outcome {
                inserted: 2,
                updated: 0,
                unchanged: 0,
                not_current: 0
            }
        );
        let o = facts::record(&db.conn, &actor(), &Scope::all(), e.id, &d)
            .await
            .unwrap();
        assert_eq!(
            o,
            facts::Outcome {
                inserted: 0,
                updated: 0,
                unchanged: 2,
                not_current: 0
            },
            "{}",
            t.label
        );
        f.values
            .insert("revenue".into(), Some(Decimal::from(31_000_000)));
        let o = facts::record(
            &db.conn,
            &actor(),
            &Scope::all(),
            e.id,
            &f.validate(today).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(
            o,
            facts::Outcome {
                inserted: 0,
                updated: 1,
                unchanged: 1,
                not_current: 0
            }
        );
        let h = facts::history(&db.conn, e.id).await.unwrap();
        let revenue: Vec<_> = h
            .iter()
            .filter(|v| v.field == "revenue")
            .map(|v| (v.value, v.current))
            .collect();
        assert_eq!(
            revenue,
            vec![(Some(3_100_000_000), true), (Some(3_000_000_000), false)]
        );
        let e = enterprises::get(&db.conn, &Scope::all(), e.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (e.latest_revenue, e.above_scale, e.latest_year),
            (Some(3_100_000_000), Some(true), Some(2024))
        );
        let s = stats::zone(&db.conn, z, &["revenue"]).await.unwrap();
        assert_eq!(
            s.totals,
            vec![(2024, "revenue".to_string(), 3_100_000_000, 1)],
            "{}",
            t.label
        );
        assert_eq!(s.by_size, vec![("medium".to_string(), 1)]);
    }
}

#[tokio::test]
async fn login_throttles_after_ten_failures() {
    for t in all().await {
        let db = &t.db;
        ana(db).await;
        for _ in 0..9 {
            assert_eq!(
                users::authenticate(&db.conn, "ana", "wrong")
                    .await
                    .unwrap()
                    .unwrap_err(),
                users::LoginError::BadCredentials
            );
        }
        assert!(matches!(
            users::authenticate(&db.conn, "ana", "wrong")
                .await
                .unwrap()
                .unwrap_err(),
            users::LoginError::Locked { .. }
        ));
        // Even the right password is refused while locked.
        assert!(matches!(
            users::authenticate(&db.conn, "ana", "long enough pw")
                .await
                .unwrap()
                .unwrap_err(),
            users::LoginError::Locked { .. }
        ));
        let (token, _) = users::create_token(&db.conn, &actor(), "ana", "script", None)
            .await
            .unwrap();
        assert_eq!(
            users::token_user(&db.conn, &token)
                .await
                .unwrap()
                .unwrap()
                .username,
            "ana"
        );
        users::set_disabled(&db.conn, &actor(), "ana", true)
            .await
            .unwrap();
        assert!(
            users::token_user(&db.conn, &token).await.unwrap().is_none(),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn the_last_enabled_administrator_cannot_be_disabled() {
    for t in all().await {
        let db = &t.db;
        let admin = |name: &'static str| users::NewUser {
            username: name,
            display_name: name,
            password: "long enough pw",
            role: Role::Admin,
            enterprise_id: None,
            zones: &[],
        };
        users::create(&db.conn, &actor(), &admin("root"))
            .await
            .unwrap();
        let e = users::set_disabled(&db.conn, &actor(), "root", true)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, devzone_db::DbError::Invalid(v) if v[0].rule == "user.last_admin"),
            "{e:?} ({})",
            t.label
        );
        // With a second administrator either may go, and then the other is the last.
        users::create(&db.conn, &actor(), &admin("second"))
            .await
            .unwrap();
        users::set_disabled(&db.conn, &actor(), "root", true)
            .await
            .unwrap();
        assert!(
            users::set_disabled(&db.conn, &actor(), "second", true)
                .await
                .is_err()
        );
        // Disabling an analyst is never refused.
        ana(db).await;
        users::set_disabled(&db.conn, &actor(), "ana", true)
            .await
            .unwrap();
    }
}

async fn ana(db: &Db) {
    users::create(
        &db.conn,
        &actor(),
        &users::NewUser {
            username: "ana",
            display_name: "Ana",
            password: "long enough pw",
            role: Role::Analyst,
            enterprise_id: None,
            zones: &[],
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn forty_wrong_passwords_at_once_lock_the_account() {
    for t in all().await {
        let db = &t.db;
        ana(db).await;
        let attempts = (0..40).map(|_| users::authenticate(&db.conn, "ana", "wrong"));
        let results = futures_join_all(attempts).await;
        let locked = results
            .iter()
            .filter(|r| matches!(r.as_ref().unwrap(), Err(users::LoginError::Locked { .. })))
            .count();
        assert!(locked >= 30, "{}: {locked} of 40 answered locked", t.label);
        assert!(
            matches!(
                users::authenticate(&db.conn, "ana", "long enough pw")
                    .await
                    .unwrap(),
                Err(users::LoginError::Locked { .. })
            ),
            "{}: the right password is refused after the parallel guesses",
            t.label
        );
    }
}

/// Runs the futures concurrently on this task (no extra dependency for `join_all`).
async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.map(Box::pin).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    out.extend(
        results
            .into_iter()
            .map(|r| r.expect("every future finished")),
    );
    out
}

#[tokio::test]
async fn tokens_end_with_a_new_password_expire_and_record_their_use() {
    for t in all().await {
        let db = &t.db;
        ana(db).await;
        let (token, m) = users::create_token(&db.conn, &actor(), "ana", "script", None)
            .await
            .unwrap();
        assert!(m.last_used_at.is_none());
        assert!(users::token_user(&db.conn, &token).await.unwrap().is_some());
        let used = users::tokens(&db.conn).await.unwrap();
        assert!(
            used[0].last_used_at.is_some(),
            "{}: last use recorded",
            t.label
        );
        users::set_password(&db.conn, &actor(), "ana", "another long pw")
            .await
            .unwrap();
        assert!(
            users::token_user(&db.conn, &token).await.unwrap().is_none(),
            "{}: a new password revokes the token",
            t.label
        );
        let past = chrono::Utc::now() - chrono::Duration::minutes(1);
        let (expired, _) = users::create_token(&db.conn, &actor(), "ana", "old", Some(past))
            .await
            .unwrap();
        assert!(
            users::token_user(&db.conn, &expired)
                .await
                .unwrap()
                .is_none()
        );
        let future = chrono::Utc::now() + chrono::Duration::days(1);
        let (fresh, _) = users::create_token(&db.conn, &actor(), "ana", "new", Some(future))
            .await
            .unwrap();
        assert!(users::token_user(&db.conn, &fresh).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn qualifications_filter_by_validity() {
    for t in all().await {
        let db = &t.db;
        let z = zone(db).await;
        let e = enterprises::create(
            &db.conn,
            &actor(),
            z,
            &ent("914403001922038216", "华为技术有限公司")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
        let q = QualificationInput {
            kind: "high_tech".into(),
            valid_from: "2020-01-01".into(),
            valid_to: Some("2099-12-31".into()),
            certificate_no: None,
        };
        enterprises::add_qualification(
            &db.conn,
            &actor(),
            &Scope::all(),
            e.id,
            &q.validate().unwrap(),
        )
        .await
        .unwrap();
        let expired = QualificationInput {
            kind: "srdi_sme".into(),
            valid_from: "2019-01-01".into(),
            valid_to: Some("2020-12-31".into()),
            certificate_no: None,
        };
        enterprises::add_qualification(
            &db.conn,
            &actor(),
            &Scope::all(),
            e.id,
            &expired.validate().unwrap(),
        )
        .await
        .unwrap();
        let lq = |k: &str| enterprises::ListQuery {
            qualification: Some(k.into()),
            per_page: 10,
            page: 1,
            ..Default::default()
        };
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &lq("high_tech"))
                .await
                .unwrap()
                .total,
            1,
            "{}",
            t.label
        );
        assert_eq!(
            enterprises::list(&db.conn, &Scope::all(), &lq("srdi_sme"))
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            enterprises::qualification_counts(&db.conn, z)
                .await
                .unwrap(),
            vec![("high_tech".to_string(), 1)]
        );
    }
}

/// The portable export of a database, with each table's row count and checksum.
async fn sums(db: &Db) -> Vec<backup::TableSum> {
    backup::export(db, &mut std::io::sink()).await.unwrap()
}

#[tokio::test]
async fn backup_covers_every_table_of_the_schema() {
    for t in all().await {
        let schema = backup::schema_tables(&t.db).await.unwrap();
        let mut covered: Vec<String> = backup::TABLES
            .iter()
            .chain(backup::NOT_BACKED_UP)
            .map(|s| s.to_string())
            .collect();
        covered.sort();
        assert_eq!(
            schema, covered,
            "{}: every table of the schema is in backup::TABLES or backup::NOT_BACKED_UP",
            t.label
        );
    }
}

#[tokio::test]
async fn demo_then_export_restores_into_an_empty_database() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 300, &mut |_, _| {})
            .await
            .unwrap();
        assert_eq!(devzone_db::demo::loaded(db).await.unwrap(), Some(300));
        devzone_db::demo::evaluate(db).await.unwrap();
        let before = sums(db).await;
        for table in [
            "plots",
            "units",
            "leases",
            "evaluation_results",
            "chain_mappings",
            "track_records",
        ] {
            let n = before.iter().find(|s| s.table == table).unwrap().rows;
            assert!(n > 0, "{}: the demo fills {table}", t.label);
        }
        let dir = TempDir::new("devzone-backup");
        let path = dir.0.join("export.jsonl");
        let mut f = std::fs::File::create(&path).unwrap();
        let counts = backup::export(db, &mut f).await.unwrap();
        drop(f);
        assert_eq!(counts, before);
        // Into SQLite and into a new database of the same kind: every table comes back
        // with the same rows, compared by count and checksum of its export.
        let mut targets = vec![devzone_db::testing::sqlite().await];
        if t.label != "sqlite" {
            targets.extend(devzone_db::testing::postgres().await);
        }
        for target in &targets {
            let restored = backup::restore(&target.db, &path).await.unwrap();
            assert_eq!(restored, before, "{} → {}", t.label, target.label);
            assert_eq!(
                sums(&target.db).await,
                before,
                "{} → {}",
                t.label,
                target.label
            );
            assert!(
                backup::restore(&target.db, &path).await.is_err(),
                "restore refuses a non-empty database"
            );
        }
        let a = enterprises::list(
            &db.conn,
            &Scope::all(),
            &enterprises::ListQuery {
                per_page: 50,
                page: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let b = enterprises::list(
            &targets[0].db.conn,
            &Scope::all(),
            &enterprises::ListQuery {
                per_page: 50,
                page: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(a.items, b.items);
        if t.label == "sqlite" {
            let file = dir.0.join("copy.db");
            backup::vacuum_into(db, &file).await.unwrap();
            let again = devzone_db::testing::sqlite().await;
            assert_eq!(backup::restore(&again.db, &file).await.unwrap(), before);
            assert_eq!(sums(&again.db).await, before);
        }
    }
}

#[tokio::test]
async fn restore_refuses_a_changed_or_cut_export_and_writes_nothing() {
    let t = devzone_db::testing::sqlite().await;
    devzone_db::demo::load(&t.db, 50, &mut |_, _| {})
        .await
        .unwrap();
    let mut buf = Vec::new();
    backup::export(&t.db, &mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    let dir = TempDir::new("devzone-backup-bad");
    // A row of plots changed; and the file cut after its first two tables' rows.
    let changed = {
        let at = text.rfind("\"table\":\"plots\"").unwrap();
        let line_start = text[..at].rfind('\n').unwrap() + 1;
        let mut s = text.clone();
        let line_end = line_start + s[line_start..].find('\n').unwrap();
        let line = s[line_start..line_end].replacen("\"row\":{", "\"row\":{\"x\":0,", 1);
        s.replace_range(line_start..line_end, &line);
        s
    };
    assert_ne!(changed, text);
    let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    for (name, body) in [("changed.jsonl", changed), ("cut.jsonl", cut)] {
        let path = dir.0.join(name);
        std::fs::write(&path, body).unwrap();
        let target = devzone_db::testing::sqlite().await;
        let err = backup::restore(&target.db, &path)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("nothing was restored"), "{name}: {err}");
        assert!(backup::is_empty(&target.db).await.unwrap(), "{name}");
    }
}

#[tokio::test]
async fn unknown_url_scheme_is_refused_without_creating_files() {
    let err = Db::connect("mysql://localhost/devzone").await.unwrap_err();
    assert!(matches!(err, DbError::UnsupportedUrl(_)));
    assert!(err.to_string().contains("sqlite://"));
}

/// A lock that has run out gives the tries back: the right password works again.
#[tokio::test]
async fn an_expired_lock_gives_the_tries_back() {
    use devzone_db::entities::user;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    for t in all().await {
        let db = &t.db;
        ana(db).await;
        let u = user::Entity::find().one(&db.conn).await.unwrap().unwrap();
        let mut am: user::ActiveModel = u.into();
        am.failed_logins = Set(users::MAX_FAILED_LOGINS);
        am.locked_until = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
        am.update(&db.conn).await.unwrap();
        assert!(
            users::authenticate(&db.conn, "ana", "long enough pw")
                .await
                .unwrap()
                .is_ok(),
            "{}: the right password after the lock ran out",
            t.label
        );
        let back = user::Entity::find().one(&db.conn).await.unwrap().unwrap();
        assert_eq!(
            (back.failed_logins, back.locked_until),
            (0, None),
            "{}",
            t.label
        );
    }
}

/// A database from before facts were packed: its versions, one row per value, become sets
/// and current figures, with the same history, the same current values and the same
/// derived figures, on both databases.
#[tokio::test]
async fn facts_stored_one_row_per_value_are_packed_by_the_migration() {
    use devzone_db::migration::Migrator;
    use sea_orm::ConnectionTrait;
    use sea_orm_migration::MigratorTrait;
    let mut urls = vec![devzone_db::testing::sqlite_url()];
    let pg = devzone_db::testing::postgres_url().await;
    let (sqlite_url, _dir) = urls.remove(0);
    for url in [Some(sqlite_url), pg].into_iter().flatten() {
        // Created and migrated only up to the last schema with one row per value.
        let raw = if url.starts_with("sqlite:") {
            format!("{url}?mode=rwc")
        } else {
            url.clone()
        };
        let conn = sea_orm::Database::connect(&raw).await.unwrap();
        Migrator::up(&conn, Some(12)).await.unwrap();
        let old = Db { conn };
        let z = zone(&old).await;
        let e = enterprises::create(
            &old.conn,
            &actor(),
            z,
            &ent("914403001922038216", "甲公司").validate().unwrap(),
        )
        .await
        .unwrap();
        let f = |id: i64,
                 year: i32,
                 field: &str,
                 value: &str,
                 source: &str,
                 at: &str,
                 current: bool| {
            format!(
                "INSERT INTO fact_values (id, enterprise_id, year, field, value, text_value, source, \
                 as_of, entered_by, entered_at, current, import_id) VALUES ({id}, {}, {year}, \
                 '{field}', {value}, NULL, '{source}', '2025-06-30', 'officer', '{at}', {current}, NULL)",
                e.id
            )
        };
        // 2024 from the statistics bureau, then the tax bureau's tax (current), then a
        // self-declared revenue that the statistics bureau's outranks (history only).
        for sql in [
            f(
                1,
                2024,
                "revenue",
                "3000000000",
                "statistics_bureau",
                "2025-01-01T00:00:00Z",
                true,
            ),
            f(
                2,
                2024,
                "tax",
                "100000000",
                "statistics_bureau",
                "2025-01-01T00:00:00Z",
                false,
            ),
            f(
                3,
                2024,
                "tax",
                "120000000",
                "tax_bureau",
                "2025-02-01T00:00:00Z",
                true,
            ),
            f(
                4,
                2024,
                "revenue",
                "3500000000",
                "self_declared",
                "2025-03-01T00:00:00Z",
                false,
            ),
            f(
                5,
                2023,
                "revenue",
                "2000000000",
                "statistics_bureau",
                "2024-01-01T00:00:00Z",
                true,
            ),
        ] {
            old.conn.execute_unprepared(&sql).await.unwrap();
        }
        old.conn.close().await.unwrap();

        let db = Db::connect(&url).await.unwrap();
        let h = facts::history(&db.conn, e.id).await.unwrap();
        let shown: Vec<(i32, &str, Option<i64>, &str, bool)> = h
            .iter()
            .map(|v| {
                (
                    v.year,
                    v.field.as_str(),
                    v.value,
                    v.source.as_str(),
                    v.current,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    2023,
                    "revenue",
                    Some(2_000_000_000),
                    "statistics_bureau",
                    true
                ),
                (2024, "revenue", Some(3_500_000_000), "self_declared", false),
                (
                    2024,
                    "revenue",
                    Some(3_000_000_000),
                    "statistics_bureau",
                    true
                ),
                (2024, "tax", Some(120_000_000), "tax_bureau", true),
                (2024, "tax", Some(100_000_000), "statistics_bureau", false),
            ],
            "{url}"
        );
        // One set per entry: the statistics bureau's two 2024 figures share one.
        let stats_sets: std::collections::BTreeSet<i64> = h
            .iter()
            .filter(|v| v.year == 2024 && v.source == "statistics_bureau")
            .map(|v| v.id)
            .collect();
        assert_eq!(stats_sets.len(), 1);
        // A new value after the migration takes the next set id and becomes current.
        let mut input = FactsInput {
            year: 2024,
            source: "tax_bureau".into(),
            ..Default::default()
        };
        input
            .values
            .insert("tax".into(), Some(Decimal::from(1_300_000)));
        let d = input.validate(chrono::Utc::now().date_naive()).unwrap();
        facts::record(&db.conn, &actor(), &Scope::all(), e.id, &d)
            .await
            .unwrap();
        let h = facts::history(&db.conn, e.id).await.unwrap();
        let tax: Vec<(i64, Option<i64>, bool)> = h
            .iter()
            .filter(|v| v.year == 2024 && v.field == "tax")
            .map(|v| (v.id, v.value, v.current))
            .collect();
        assert_eq!(tax.len(), 3);
        assert_eq!((tax[0].1, tax[0].2), (Some(130_000_000), true));
        assert!(
            tax[0].0
                > h.iter()
                    .filter(|v| v.field != "tax" || v.value != Some(130_000_000))
                    .map(|v| v.id)
                    .max()
                    .unwrap()
        );
        assert!(!tax[1].2 && !tax[2].2);
    }
}
