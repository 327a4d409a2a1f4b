//! Enterprise appeals on SQLite and PostgreSQL: the demo's year of appeals read back the way
//! it was played, an appeal's life through routing, answer, "not solved", a second answer,
//! confirmation and rating, refusals that write nothing, due days from the zone calendar,
//! the list's filters, and the zone archive carrying appeals, rules and calendar.

use devzone_core::appeals::AppealRules;
use devzone_core::appeals::metrics::metrics;
use devzone_core::appeals::validate::{ActionInput, AppealInput};
use devzone_core::calendar::WorkCalendar;
use devzone_db::entities::{enterprise, zone};
use devzone_db::repo::appeals::{self, AppealQuery, AppealSort};
use devzone_db::repo::{calendar, transfer};
use devzone_db::testing::all;
use devzone_db::{Actor, DbError};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn an_appeal_lives_through_its_states_and_the_metrics_count_its_reopening() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 60, &mut |_, _| {})
            .await
            .unwrap();
        let z = zone::Entity::find().one(&db.conn).await.unwrap().unwrap();
        // The demo's year: every zone has its appeals and the holiday calendar.
        let rows = appeals::facts_of_zone(&db.conn, z.id).await.unwrap();
        assert_eq!(
            rows.len(),
            devzone_core::demo::appeals::APPEALS_PER_ZONE,
            "{}",
            t.label
        );
        let cal = calendar::get(&db.conn, z.id).await.unwrap().unwrap();
        assert!(cal.holidays.contains(&d("2026-10-01")));
        let today = devzone_core::calendar::today();
        let m = metrics(&rows, today - chrono::Days::new(400), today, today);
        assert!(m.solved.value() < m.closed.value(), "{}", t.label);

        // A new appeal received on Friday 25 September 2026, before National Day: with the
        // zone's calendar its answer is due 5 working days on, after the holiday.
        let e = enterprise::Entity::find()
            .filter(enterprise::Column::ZoneId.eq(z.id))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        let rules = AppealRules::default();
        let officer = Actor::system("officer");
        let input = AppealInput {
            enterprise_id: Some(e.id),
            title: "增容报装".into(),
            description: "新产线需增加用电容量 800 千伏安。".into(),
            category: "power".into(),
            urgency: None,
            channel: Some("phone".into()),
            received_on: "2026-09-25".into(),
        };
        let draft = input.validate(&rules, false, d("2026-12-01")).unwrap();
        let a = appeals::create(&db.conn, &officer, z.id, &rules, &cal, &draft, false)
            .await
            .unwrap();
        // 25 Sep (Fri) + 1 working day: 26 Sep is Saturday, 27 Sunday, 28 Monday.
        assert_eq!(a.acknowledge_due, d("2026-09-28"));
        // 5 working days: 28, 29, 30 Sep, then 1–7 Oct off, 8 and 9 Oct.
        assert_eq!(a.answer_due, d("2026-10-09"));
        assert_eq!(a.park_id, e.park_id);
        let act = |a: &devzone_db::entities::appeal::Model,
                   action: &str,
                   dept: Option<&str>,
                   note: Option<&str>,
                   rating: &str,
                   on: &str,
                   by_enterprise: bool| {
            ActionInput {
                action: action.into(),
                department: dept.map(Into::into),
                note: note.map(Into::into),
                rating: rating.into(),
                on: on.into(),
            }
            .validate(
                &rules,
                by_enterprise,
                a.department.as_deref(),
                // The enterprise acts on the day it acts; an officer may date a record back.
                if by_enterprise {
                    d(on)
                } else {
                    d("2026-12-01")
                },
                Some(a.last_event_on),
            )
            .unwrap()
        };
        let enterprise = Actor::system("enterprise-user");
        // Answering before routing is out of order: refused, nothing written.
        let x = act(&a, "answer", None, Some("已处理"), "", "2026-09-28", false);
        match appeals::act(&db.conn, &officer, &rules, &cal, &a, &x, false).await {
            Err(DbError::Invalid(e)) => assert_eq!(
                (e[0].rule.as_str(), e[0].detail.as_deref()),
                ("appeal.out_of_order", Some("assigned,handling"))
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(appeals::events(&db.conn, a.id).await.unwrap().len(), 1);
        // The enterprise may not route its own appeal.
        let x = act(&a, "assign", Some("economy"), None, "", "2026-09-28", true);
        assert!(matches!(
            appeals::act(&db.conn, &enterprise, &rules, &cal, &a, &x, true).await,
            Err(DbError::Invalid(_))
        ));
        let x = act(&a, "assign", Some("economy"), None, "", "2026-09-28", false);
        let a = appeals::act(&db.conn, &officer, &rules, &cal, &a, &x, false)
            .await
            .unwrap();
        assert_eq!(
            (a.state.as_str(), a.waiting_due),
            ("assigned", Some(d("2026-10-09")))
        );
        let x = act(
            &a,
            "answer",
            None,
            Some("已联系供电公司"),
            "",
            "2026-10-12",
            false,
        );
        let a = appeals::act(&db.conn, &officer, &rules, &cal, &a, &x, false)
            .await
            .unwrap();
        assert_eq!(
            (a.first_answer_on, a.waiting_due),
            (Some(d("2026-10-12")), None)
        );
        let x = act(
            &a,
            "not_solved",
            None,
            Some("仍未排期"),
            "",
            "2026-10-13",
            true,
        );
        let a = appeals::act(&db.conn, &enterprise, &rules, &cal, &a, &x, true)
            .await
            .unwrap();
        // Back with the department, now waiting on closure.
        assert_eq!((a.state.as_str(), a.reopens), ("handling", 1));
        assert_eq!(a.waiting_due, Some(a.resolve_due));
        let x = act(
            &a,
            "answer",
            None,
            Some("已排期 10 月 20 日施工"),
            "",
            "2026-10-14",
            false,
        );
        let a = appeals::act(&db.conn, &officer, &rules, &cal, &a, &x, false)
            .await
            .unwrap();
        let x = act(&a, "solved", None, None, "", "2026-10-21", true);
        let a = appeals::act(&db.conn, &enterprise, &rules, &cal, &a, &x, true)
            .await
            .unwrap();
        assert_eq!(
            (a.state.as_str(), a.resolution.as_deref(), a.closed_on),
            ("closed", Some("solved"), Some(d("2026-10-21")))
        );
        let x = act(&a, "rate", None, Some("响应较快"), "4", "2026-10-21", true);
        let a = appeals::act(&db.conn, &enterprise, &rules, &cal, &a, &x, true)
            .await
            .unwrap();
        assert_eq!(a.rating, Some(4));
        // An act on the appeal as it was before the last one (a second click) is refused, and
        // writes nothing.
        let stale = act(&a, "reopen", None, Some("重复提交"), "", "2026-10-21", true);
        let before_rating = appeals::events(&db.conn, a.id).await.unwrap().len();
        let mut old = a.clone();
        old.rating = None;
        match appeals::act(&db.conn, &enterprise, &rules, &cal, &old, &stale, true).await {
            Err(DbError::Invalid(e)) => assert_eq!(e[0].rule, "appeal.changed"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            appeals::events(&db.conn, a.id).await.unwrap().len(),
            before_rating
        );
        // A second rating is refused.
        let x = act(&a, "rate", None, None, "5", "2026-10-22", true);
        assert!(
            appeals::act(&db.conn, &enterprise, &rules, &cal, &a, &x, true)
                .await
                .is_err()
        );
        let events = appeals::events(&db.conn, a.id).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "created",
                "assign",
                "answer",
                "not_solved",
                "answer",
                "solved",
                "rate"
            ]
        );
        assert!(events[3].by_enterprise && !events[4].by_enterprise);
        // Its own metrics: one closed, solved on the second attempt: 1 ÷ 2.
        let rows = appeals::facts_of_zone(&db.conn, z.id).await.unwrap();
        let mine: Vec<_> = rows.into_iter().filter(|r| r.id == a.id).collect();
        let m = metrics(&mine, d("2026-09-01"), d("2026-09-30"), d("2026-12-01"));
        assert_eq!((m.solved.num, m.solved.den), (1.0, 2.0));
        assert_eq!(
            (m.timely_acknowledged.num, m.timely_handled.num),
            (1.0, 0.0)
        );

        // The list: the enterprise's own, overdue ones, the most urgent first.
        let q = AppealQuery {
            enterprise_id: Some(e.id),
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let page = appeals::list(&db.conn, z.id, &q, today, None)
            .await
            .unwrap();
        assert!(page.items.iter().all(|x| x.enterprise_id == e.id));
        assert!(page.items.iter().any(|x| x.id == a.id));
        let q = AppealQuery {
            overdue: true,
            sort: AppealSort::Due,
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let late = appeals::list(&db.conn, z.id, &q, today, None)
            .await
            .unwrap();
        // Counted from the kept figures, every filter gives the database's count.
        let kept = appeals::facts_of_zone(&db.conn, z.id).await.unwrap();
        for q in [
            q.clone(),
            AppealQuery::default(),
            AppealQuery {
                state: Some(devzone_core::appeals::AppealState::Closed),
                categories: vec!["labour".into(), "recruitment".into()],
                ..Default::default()
            },
            AppealQuery {
                department: Some("planning".into()),
                urgency: Some(devzone_core::appeals::Urgency::Urgent),
                ..Default::default()
            },
        ] {
            let q = AppealQuery {
                page: 1,
                per_page: 10,
                ..q
            };
            let counted = appeals::list(&db.conn, z.id, &q, today, None)
                .await
                .unwrap();
            let n = kept.iter().filter(|a| q.matches(a, today)).count() as u64;
            assert!(q.countable());
            let kept = appeals::list(&db.conn, z.id, &q, today, Some(n))
                .await
                .unwrap();
            assert_eq!(counted.total, kept.total, "{}: {q:?}", t.label);
            assert_eq!(counted.items, kept.items);
        }
        assert!(late.total > 0, "{}", t.label);
        assert!(
            late.items
                .windows(2)
                .all(|w| w[0].waiting_due <= w[1].waiting_due)
        );
        assert!(late.items.iter().all(|x| x.waiting_due.unwrap() < today));

        // Visits: one recorded, coverage counted, an appeal raised from it linked to it.
        use devzone_core::appeals::visits::VisitInput;
        use devzone_db::repo::visits;
        let since = today - chrono::Days::new(365);
        let before = visits::coverage(&db.conn, z.id, since, today)
            .await
            .unwrap();
        assert!(before.all.visited > 0 && before.all.visited < before.all.enterprises);
        let never = visits::not_visited(
            &db.conn,
            z.id,
            since,
            1,
            500,
            before.all.enterprises - before.all.visited,
        )
        .await
        .unwrap();
        assert_eq!(never.total, before.all.enterprises - before.all.visited);
        // Every one listed was not visited since then (the day bound, not the zone, is bound
        // to the query's day parameter), and the pages hold the total.
        let last = visits::last_visits(
            &db.conn,
            &never.items.iter().map(|e| e.id).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
        assert!(last.values().all(|d| *d < since), "{}: {last:?}", t.label);
        assert_eq!(never.items.len() as u64, never.total.min(500));
        let target = never.items[0].clone();
        let v = VisitInput {
            enterprise_id: Some(target.id),
            visited_on: today.to_string().as_str().into(),
            topics: vec!["talent".into()],
            issues: Some("缺少熟练焊工 20 名".into()),
            ..Default::default()
        }
        .validate("走访专员", today)
        .unwrap();
        let made = visits::create(&db.conn, &officer, z.id, &v).await.unwrap();
        assert_eq!(
            (made.park_id, made.topics.as_str()),
            (target.park_id, "talent")
        );
        let after = visits::coverage(&db.conn, z.id, since, today)
            .await
            .unwrap();
        assert_eq!(after.all.visited, before.all.visited + 1, "{}", t.label);
        let park = |c: &visits::CoverageFigures| {
            c.by_park
                .iter()
                .find(|(p, _)| *p == target.park_id)
                .unwrap()
                .1
                .visited
        };
        assert_eq!(park(&after), park(&before) + 1);
        let mut from_visit = AppealInput {
            enterprise_id: Some(target.id),
            title: "缺少熟练焊工".into(),
            description: made.issues.clone().unwrap(),
            category: "recruitment".into(),
            urgency: None,
            channel: Some("visit".into()),
            received_on: today.to_string().as_str().into(),
        }
        .validate(&rules, false, today)
        .unwrap();
        from_visit.visit_id = Some(made.id);
        let linked = appeals::create(&db.conn, &officer, z.id, &rules, &cal, &from_visit, false)
            .await
            .unwrap();
        assert_eq!(linked.visit_id, Some(made.id));
        assert_eq!(appeals::of_visit(&db.conn, made.id).await.unwrap().len(), 1);

        // A zone archive carries the visits, appeals, their events, rules and calendar.
        let rules2 = AppealRules {
            leader: Some("王主任".into()),
            ..Default::default()
        };
        appeals::set_rules(&db.conn, &officer, z.id, &rules2)
            .await
            .unwrap();
        let before_events = devzone_db::entities::appeal_event::Entity::find()
            .filter(devzone_db::entities::appeal_event::Column::ZoneId.eq(z.id))
            .count(&db.conn)
            .await
            .unwrap();
        let mut archive = std::io::Cursor::new(Vec::new());
        transfer::export(&db.conn, z.id, "test", &mut archive)
            .await
            .unwrap();
        let fresh = devzone_db::testing::sqlite().await;
        let copy = transfer::import(
            &fresh.db.conn,
            &officer,
            std::io::Cursor::new(archive.into_inner()),
        )
        .await
        .unwrap();
        let copied = appeals::facts_of_zone(&fresh.db.conn, copy.zone_id)
            .await
            .unwrap();
        assert_eq!(
            copied.len(),
            devzone_core::demo::appeals::APPEALS_PER_ZONE + 2
        );
        let copied_events = devzone_db::entities::appeal_event::Entity::find()
            .filter(devzone_db::entities::appeal_event::Column::ZoneId.eq(copy.zone_id))
            .count(&fresh.db.conn)
            .await
            .unwrap();
        assert_eq!(copied_events, before_events);
        assert_eq!(
            appeals::rules(&fresh.db.conn, copy.zone_id)
                .await
                .unwrap()
                .leader
                .as_deref(),
            Some("王主任")
        );
        let visit_count = |c: &sea_orm::DatabaseConnection, zone: i64| {
            let c = c.clone();
            async move {
                devzone_db::entities::visit::Entity::find()
                    .filter(devzone_db::entities::visit::Column::ZoneId.eq(zone))
                    .count(&c)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            visit_count(&fresh.db.conn, copy.zone_id).await,
            visit_count(&db.conn, z.id).await
        );
        let copied_linked = devzone_db::entities::appeal::Entity::find()
            .filter(devzone_db::entities::appeal::Column::ZoneId.eq(copy.zone_id))
            .filter(devzone_db::entities::appeal::Column::VisitId.is_not_null())
            .count(&fresh.db.conn)
            .await
            .unwrap();
        assert!(
            copied_linked > 1,
            "the demo's visit appeals and the new one keep their visits"
        );
        let copied_cal: WorkCalendar = calendar::get(&fresh.db.conn, copy.zone_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(copied_cal, cal);
    }
}

#[tokio::test]
async fn tianjin_binhai_has_its_ten_monitoring_points_of_three_kinds() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 240, &mut |_, _| {})
            .await
            .unwrap();
        let today = devzone_core::calendar::today();
        // Tianjin Binhai's monitoring station: exactly ten points, 3 state-owned, 4 private,
        // 3 foreign-invested.
        let tianjin = zone::Entity::find()
            .filter(zone::Column::Name.eq("天津滨海高新技术产业开发区"))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        let points = devzone_db::repo::station::points(&db.conn, tianjin.id, today, today)
            .await
            .unwrap();
        assert_eq!(points.len(), 10, "{}", t.label);
        for (k, n) in devzone_core::appeals::station::TIANJIN_POINTS {
            assert_eq!(points.iter().filter(|p| p.kind() == k).count(), n, "{k}");
        }
        let first = zone::Entity::find().one(&db.conn).await.unwrap().unwrap();
        let elsewhere = devzone_db::repo::station::points(&db.conn, first.id, today, today)
            .await
            .unwrap();
        assert!(elsewhere.is_empty());
    }
}
