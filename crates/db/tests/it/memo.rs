//! The kept whole-zone figures (`devzone_db::memo`: zone home, chain members, tiers) never
//! outlive a write: after random writes and imports, each figure read through the memo
//! equals a full recomputation; and
//! the current figures kept beside the fact sets equal those decided again from the sets.

use crate::imports::{bytes, demo, run, sample};
use devzone_core::import::Kind;
use devzone_core::model::FactSource;
use devzone_core::validate::{FactsInput, QualificationInput};
use devzone_db::memo::{Key, Memo};
use devzone_db::repo::{chains, enterprises, facts, imports, stats, tiers};
use devzone_db::testing::all;
use devzone_db::{Actor, Db, Scope};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const FIELDS: [&str; 3] = ["revenue", "tax", "employees"];

/// The figures through the memo and recomputed, as text (the figure types hold floats).
async fn both(db: &Db, memo: &Memo) -> (String, String) {
    let kept = memo
        .get(&db.conn, Key::new("home", 1), || {
            stats::zone(&db.conn, 1, &FIELDS)
        })
        .await
        .unwrap();
    let members = memo
        .get(
            &db.conn,
            Key::new("members", 1).with("beijing-future"),
            || chains::members(&db.conn, 1, "beijing-future"),
        )
        .await
        .unwrap();
    let today = devzone_core::calendar::today();
    let tiers_kept = memo
        .get(&db.conn, Key::new("tiers", 1).with(today), || {
            tiers::zone(&db.conn, 1, today)
        })
        .await
        .unwrap();
    let fresh = stats::zone(&db.conn, 1, &FIELDS).await.unwrap();
    let fresh_members = chains::members(&db.conn, 1, "beijing-future")
        .await
        .unwrap();
    let fresh_tiers = tiers::zone(&db.conn, 1, today).await.unwrap();
    (
        format!("{kept:?} {members:?} {tiers_kept:?}"),
        format!("{fresh:?} {fresh_members:?} {fresh_tiers:?}"),
    )
}

type Current = BTreeMap<(i64, i32), facts::packed::CurrentFigures>;

async fn stored_current(db: &Db, ids: &[i64]) -> Current {
    facts::packed::current_of(&db.conn, ids, None)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Every enterprise-year's current figures decided again from all its sets by precedence.
async fn settled_current(db: &Db, ids: &[i64]) -> Current {
    let prec = facts::precedence(&db.conn, 1).await.unwrap();
    let sets = facts::packed::sets_of(&db.conn, ids, None).await.unwrap();
    let mut by_key: BTreeMap<(i64, i32), Vec<&devzone_db::entities::fact_set::Model>> =
        BTreeMap::new();
    for s in &sets {
        by_key.entry((s.enterprise_id, s.year)).or_default().push(s);
    }
    by_key
        .into_iter()
        .map(|(k, v)| (k, facts::packed::settle_current(&v, &prec)))
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

#[tokio::test]
async fn kept_figures_equal_a_full_recomputation_after_random_writes_and_imports() {
    for t in all().await {
        let db = &t.db;
        let (samples, year) = demo(db).await;
        let ids: Vec<i64> = enterprises::list(
            &db.conn,
            &Scope::all(),
            &enterprises::ListQuery {
                zone_id: Some(1),
                per_page: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.id)
        .collect();
        let memo = Memo::default();
        let actor = Actor::system("test");
        let mut rng = StdRng::seed_from_u64(20261202);
        let mut imported: Vec<i64> = Vec::new();
        let mut recomputed = 0;
        for step in 0..24 {
            // Fill the memo, then write, then compare.
            let (before, _) = both(db, &memo).await;
            let id = ids[rng.random_range(0..ids.len())];
            let what = rng.random_range(0..5);
            match what {
                0 => {
                    let source = ["statistics_bureau", "tax_bureau", "self_reported"]
                        [rng.random_range(0..3)];
                    let mut f = FactsInput {
                        year,
                        source: source.into(),
                        ..Default::default()
                    };
                    f.values.insert(
                        "revenue".into(),
                        Some(Decimal::from(rng.random_range(1..90_000_000_i64))),
                    );
                    let d = f.validate(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
                    devzone_db::repo::facts::record(
                        &db.conn,
                        &actor,
                        &Scope::all(),
                        id,
                        &d.unwrap(),
                    )
                    .await
                    .unwrap();
                }
                1 => {
                    let (id, source) = *[
                        ("tax_bureau", FactSource::TaxBureau),
                        ("self_reported", FactSource::SelfReported),
                        ("statistics_bureau", FactSource::StatisticsBureau),
                    ]
                    .get(rng.random_range(0..3))
                    .unwrap();
                    let s = sample(&samples, id);
                    if let (_, _, Some(i)) = run(
                        db,
                        1,
                        Kind::Facts,
                        source,
                        &format!("{id}-{step}.xlsx"),
                        &bytes(s),
                    )
                    .await
                    {
                        imported.push(i);
                    }
                }
                2 => {
                    if let Some(i) = imported.pop() {
                        imports::revert(&db.conn, &actor, i).await.unwrap();
                    }
                }
                3 => {
                    let q = QualificationInput {
                        kind: "high_tech".into(),
                        valid_from: "2025-01-01".into(),
                        valid_to: None,
                        certificate_no: None,
                    }
                    .validate()
                    .unwrap();
                    enterprises::add_qualification(&db.conn, &actor, &Scope::all(), id, &q)
                        .await
                        .unwrap();
                }
                _ => {
                    chains::suggest(&db.conn, &actor, 1).await.unwrap();
                }
            }
            let (kept, fresh) = both(db, &memo).await;
            assert_eq!(kept, fresh, "{} step {step} (write {what})", t.label);
            // The maintained current figures equal those settled again from every set.
            assert_eq!(
                stored_current(db, &ids).await,
                settled_current(db, &ids).await,
                "{} step {step} (write {what})",
                t.label
            );
            if kept != before {
                recomputed += 1;
            }
            // A second read is served from the memo and is still right.
            let (again, fresh) = both(db, &memo).await;
            assert_eq!(again, fresh, "{} step {step}", t.label);
        }
        // The writes did change the figures, so the memo was really put to the test.
        assert!(
            recomputed >= 10,
            "{}: {recomputed} steps changed the figures",
            t.label
        );
    }
}

#[tokio::test]
async fn a_figure_is_computed_once_per_version_and_again_after_a_write() {
    for t in all().await {
        let db = &t.db;
        demo(db).await;
        let memo = Memo::default();
        let runs = &std::sync::atomic::AtomicUsize::new(0);
        let count = || async move {
            runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            stats::zone(&db.conn, 1, &FIELDS).await
        };
        // Four readers at once: one computation.
        let key = || Key::new("home", 1);
        let (a, b, c, d) = tokio::join!(
            memo.get(&db.conn, key(), count),
            memo.get(&db.conn, key(), count),
            memo.get(&db.conn, key(), count),
            memo.get(&db.conn, key(), count)
        );
        for r in [a, b, c, d] {
            r.unwrap();
        }
        assert_eq!(
            runs.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{}",
            t.label
        );
        let q = QualificationInput {
            kind: "srdi_sme".into(),
            valid_from: "2025-01-01".into(),
            valid_to: None,
            certificate_no: None,
        }
        .validate()
        .unwrap();
        let e = enterprises::list(
            &db.conn,
            &Scope::all(),
            &enterprises::ListQuery {
                zone_id: Some(1),
                per_page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0]
            .id;
        enterprises::add_qualification(&db.conn, &Actor::system("test"), &Scope::all(), e, &q)
            .await
            .unwrap();
        memo.get(&db.conn, Key::new("home", 1), count)
            .await
            .unwrap();
        memo.get(&db.conn, Key::new("home", 1), count)
            .await
            .unwrap();
        assert_eq!(
            runs.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "{}",
            t.label
        );
    }
}
