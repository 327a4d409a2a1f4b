//! Database-mode per-mu evaluation, on SQLite and (when configured) PostgreSQL: a run over
//! the demo, its reproduction from what it stored, immutability against later fact
//! corrections, comparison of runs, publication and what-if on a rebuilt cohort.

use devzone_core::evaluation::Scheme;
use devzone_core::evaluation::engine::what_if;
use devzone_core::validate::FactsInput;
use devzone_db::entities::enterprise;
use devzone_db::repo::evaluation::{self as ev, Inputs, ResultQuery};
use devzone_db::repo::facts;
use devzone_db::testing::all;
use devzone_db::{Actor, Scope};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn a_run_stores_reproduces_and_stays_immutable() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 400, &mut |_, _| {})
            .await
            .unwrap();
        // The zone with the most enterprises.
        let ents = enterprise::Entity::find().all(&db.conn).await.unwrap();
        let mut per_zone = std::collections::BTreeMap::<i64, usize>::new();
        for e in &ents {
            *per_zone.entry(e.zone_id).or_default() += 1;
        }
        let (&zone, &n) = per_zone.iter().max_by_key(|(_, n)| **n).unwrap();
        let actor = Actor::system("test");

        let run = ev::start(&db.conn, &actor, zone, 2024, "builtin:default")
            .await
            .unwrap();
        assert_eq!(run.status, "running");
        ev::execute(&db.conn, run.id).await.unwrap();
        let run = ev::get(&db.conn, run.id).await.unwrap().unwrap();
        assert_eq!(
            (run.status.as_str(), run.progress),
            ("done", 100),
            "{}",
            t.label
        );
        let summary = ev::Summary::parse(&run);
        assert_eq!(summary.enterprises, n);
        let stored = devzone_db::entities::evaluation_result::Entity::find()
            .filter(devzone_db::entities::evaluation_result::Column::RunId.eq(run.id))
            .count(&db.conn)
            .await
            .unwrap();
        assert_eq!(stored as usize, n, "{}: one result per enterprise", t.label);
        let rated: usize = summary.counts.iter().map(|(_, _, k)| k).sum();
        assert!(
            rated > n / 2,
            "{}: most demo enterprises are industrial ({rated} of {n})",
            t.label
        );

        // Recomputing from the stored scheme text and inputs gives the stored results.
        let v = ev::verify(&db.conn, run.id).await.unwrap();
        assert!(
            v.differences.is_empty() && v.digest_matches,
            "{}: {v:?}",
            t.label
        );

        // A ranked enterprise: its stored inputs name the fact versions they came from.
        let page = ev::results(
            &db.conn,
            &ResultQuery {
                run_id: run.id,
                group: Some("above".into()),
                per_page: 5,
                page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let top = &page.items[0];
        assert_eq!(top.rank, Some(1), "{}", t.label);
        let inputs: Inputs = serde_json::from_str(&top.inputs).unwrap();
        assert!(inputs.values["tax"].fact > 0);

        // What-if with unchanged figures reproduces the stored total, rank and class.
        let scheme = Scheme::parse(&run.scheme_source).unwrap();
        let cohort = ev::cohort_of(&db.conn, &scheme, &run, "above")
            .await
            .unwrap()
            .unwrap();
        for r in &page.items {
            let inp: Inputs = serde_json::from_str(&r.inputs).unwrap();
            let row = inp.row(2024, &ev::flag_names()).unwrap();
            let w = what_if(&scheme, &ev::flag_names(), &cohort, r.total.unwrap(), &row);
            assert_eq!(Some(w.total), r.total, "{}", t.label);
            assert_eq!(Some(w.rank as i32), r.rank, "{}", t.label);
            assert_eq!(
                Some(scheme.groups[0].classes.names[w.class].clone()),
                r.class
            );
        }

        // Correct the top enterprise's tax to zero: a new fact version.
        let mut f = FactsInput {
            year: 2024,
            source: "tax_bureau".into(),
            ..Default::default()
        };
        f.values.insert("tax".into(), Some(Decimal::ZERO));
        let d = f
            .validate(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
            .unwrap();
        facts::record(&db.conn, &actor, &Scope::all(), top.enterprise_id, &d)
            .await
            .unwrap();
        // The finished run does not change and still reproduces.
        let v = ev::verify(&db.conn, run.id).await.unwrap();
        assert!(v.differences.is_empty(), "{}: {v:?}", t.label);
        // A new run reads the new version; comparing shows the enterprise moving, driven by tax.
        let run2 = ev::start(&db.conn, &actor, zone, 2024, "builtin:default")
            .await
            .unwrap();
        ev::execute(&db.conn, run2.id).await.unwrap();
        let after = ev::result_for(&db.conn, run2.id, top.enterprise_id)
            .await
            .unwrap()
            .unwrap();
        let inputs2: Inputs = serde_json::from_str(&after.inputs).unwrap();
        assert_ne!(inputs2.values["tax"].fact, inputs.values["tax"].fact);
        assert_eq!(inputs2.values["tax"].v, 0.0);
        let moves = ev::compare(&db.conn, run.id, run2.id).await.unwrap();
        let m = moves
            .iter()
            .find(|m| m.enterprise_id == top.enterprise_id)
            .expect("the top enterprise moved");
        assert_eq!(m.class_before.as_deref(), Some("A"));
        assert_eq!(m.drivers[0].0, "tax_per_mu", "{}: {:?}", t.label, m.drivers);

        // Publication.
        assert!(
            ev::latest_published(&db.conn, zone, Some(2024))
                .await
                .unwrap()
                .is_none()
        );
        ev::publish(&db.conn, &actor, run.id).await.unwrap();
        let p = ev::latest_published(&db.conn, zone, Some(2024))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.id, run.id);
    }
}

#[tokio::test]
async fn zone_schemes_are_validated_and_versioned() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 10, &mut |_, _| {})
            .await
            .unwrap();
        let zone = enterprise::Entity::find()
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap()
            .zone_id;
        let actor = Actor::system("test");
        let src = Scheme::built_in_source("default")
            .replace("name = \"default\"", "name = \"county-2025\"");
        let saved = ev::add_scheme(&db.conn, &actor, zone, &src)
            .await
            .unwrap()
            .unwrap();
        // The same name and version again is refused: stored versions never change.
        assert!(ev::add_scheme(&db.conn, &actor, zone, &src).await.is_err());
        // A broken file is reported with its line, and nothing is stored.
        let broken = src.replace("weight = 30", "weight = \"thirty\"");
        let e = ev::add_scheme(&db.conn, &actor, zone, &broken)
            .await
            .unwrap()
            .unwrap_err();
        assert!(e.line.is_some(), "{e}");
        let v2 = src.replace("version = 1", "version = 2");
        ev::add_scheme(&db.conn, &actor, zone, &v2)
            .await
            .unwrap()
            .unwrap();
        let list = ev::schemes(&db.conn, zone).await.unwrap();
        let keys: Vec<(String, u32)> = list
            .iter()
            .filter(|s| !s.built_in)
            .map(|s| (s.name.clone(), s.version))
            .collect();
        assert_eq!(
            keys,
            [
                ("county-2025".to_string(), 2),
                ("county-2025".to_string(), 1)
            ],
            "{}",
            t.label
        );
        let (s, _) = ev::scheme_by_key(&db.conn, zone, &format!("zone:{}", saved.id))
            .await
            .unwrap();
        assert_eq!(s.version, 1);
    }
}
