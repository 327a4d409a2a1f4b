//! Investment projects on SQLite and PostgreSQL: the demo's Suzhou figures read back from the
//! database, stage changes refused with their rule (nothing written) or made as an exception
//! with the reason kept, activities, funds, and the list's filters.

use devzone_core::investment::figures::year_figures;
use devzone_core::investment::stages::ActivityKind;
use devzone_core::investment::validate::{ProjectInput, StageChangeInput};
use devzone_core::investment::{PipelineRules, Stage};
use devzone_db::entities::zone;
use devzone_db::repo::projects::{self, ProjectQuery, ProjectSort};
use devzone_db::testing::all;
use devzone_db::{Actor, DbError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn zone_named(db: &devzone_db::Db, name: &str) -> i64 {
    zone::Entity::find()
        .filter(zone::Column::Name.eq(name))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_demo_reproduces_suzhou_and_stage_changes_keep_to_the_path() {
    use devzone_core::demo::projects::*;
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 60, &mut |_, _| {})
            .await
            .unwrap();
        let suzhou = zone_named(db, "苏州工业园区").await;
        let (rows, funds) = projects::figure_inputs(&db.conn, suzhou).await.unwrap();
        let today = devzone_core::calendar::today();
        let rules = projects::rules(&db.conn, suzhou).await.unwrap();
        let f = year_figures(&rules, &rows, &funds, 2026, today);
        assert_eq!(
            (
                f.foreign_projects >= SUZHOU_FOREIGN_PROJECTS,
                f.fortune_500_investors,
                f.fortune_500_projects
            ),
            (true, SUZHOU_FORTUNE_500_GROUPS, SUZHOU_FORTUNE_500_PROJECTS),
            "{}",
            t.label
        );
        // The live pipeline adds foreign projects and FDI of its own on top of the history.
        assert!(f.fdi_used_to_date_usd > 4e10, "{}", t.label);
        let history: f64 = suzhou_history(0, today)
            .iter()
            .flat_map(|p| p.funds.iter().map(|f| f.2))
            .sum();
        assert_eq!(history, SUZHOU_FDI_USED_USD);

        // A new lead in Beijing, moved along its path.
        let beijing = zone_named(db, "北京经济技术开发区").await;
        let actor = Actor::system("test");
        let input = ProjectInput {
            name: "谐波减速器扩产".into(),
            investor: Some("某精密传动有限公司".into()),
            total_wan: "120000".into(),
            fixed_wan: "90000".into(),
            received_on: "2026-01-05".into(),
            officer: Some("测试专员".into()),
            ..Default::default()
        };
        let draft = input.validate(d("2026-12-01")).unwrap();
        let p = projects::create(&db.conn, &actor, beijing, &draft)
            .await
            .unwrap();
        assert_eq!(p.stage, "lead");
        let move_to = |to: &str, on: &str, reason: Option<&str>| StageChangeInput {
            to: to.into(),
            on: on.into(),
            note: None,
            exception_reason: reason.map(Into::into),
        };
        let last = projects::last_event_on(&db.conn, p.id).await.unwrap();
        assert_eq!(last, Some(d("2026-01-05")));
        // 投产 before 签约 is refused with the stage it skips, and nothing changes.
        let c = move_to("producing", "2026-02-01", None)
            .validate(d("2026-12-01"), last)
            .unwrap();
        let refused = projects::change_stage(&db.conn, &actor, &rules, &p, &c).await;
        match refused {
            Err(DbError::Invalid(e)) => assert_eq!(
                (e[0].rule.as_str(), e[0].detail.as_deref()),
                ("project.stage_skips", Some("signed"))
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(projects::events(&db.conn, p.id).await.unwrap().len(), 1);
        // To talks, then signed.
        let c = move_to("negotiating", "2026-01-20", None)
            .validate(d("2026-12-01"), last)
            .unwrap();
        let p = projects::change_stage(&db.conn, &actor, &rules, &p, &c)
            .await
            .unwrap();
        assert_eq!(
            (p.acknowledged_on, p.screened_on, p.last_report_on),
            (
                Some(d("2026-01-20")),
                Some(d("2026-01-20")),
                Some(d("2026-01-20"))
            )
        );
        let p = projects::record_activity(
            &db.conn,
            &actor,
            &p,
            ActivityKind::Report,
            d("2026-02-01"),
            Some("双周报告".into()),
        )
        .await
        .unwrap();
        assert_eq!(p.last_report_on, Some(d("2026-02-01")));
        let c = move_to("signed", "2026-03-01", None)
            .validate(d("2026-12-01"), Some(d("2026-02-01")))
            .unwrap();
        let p = projects::change_stage(&db.conn, &actor, &rules, &p, &c)
            .await
            .unwrap();
        assert_eq!(p.signed_on, Some(d("2026-03-01")));
        // Skipping registration as an exception: made, the reason kept, no registration day.
        let c = move_to("started", "2026-04-01", Some("先行开工，注册手续并行办理"))
            .validate(d("2026-12-01"), Some(d("2026-03-01")))
            .unwrap();
        let p = projects::change_stage(&db.conn, &actor, &rules, &p, &c)
            .await
            .unwrap();
        assert_eq!(
            (p.stage.as_str(), p.started_on, p.registered_on),
            ("started", Some(d("2026-04-01")), None)
        );
        let events = projects::events(&db.conn, p.id).await.unwrap();
        let last = events.last().unwrap();
        assert_eq!(
            last.exception.as_deref(),
            Some("project.stage_skips: 先行开工，注册手续并行办理")
        );
        assert_eq!(events.len(), 5, "created, talks, report, signed, started");
        // Funds of a year replace the earlier figure for that year.
        projects::set_funds(&db.conn, &actor, &p, 2026, 3e8, 0.0)
            .await
            .unwrap();
        projects::set_funds(&db.conn, &actor, &p, 2026, 4e8, 0.0)
            .await
            .unwrap();
        let money = projects::funds_of(&db.conn, p.id).await.unwrap();
        assert_eq!(
            money.iter().map(|m| m.received_yuan).collect::<Vec<_>>(),
            [4e8]
        );

        // The list: by stage, by officer, by text, stalled.
        let rules = PipelineRules::default();
        let page = |f: ProjectQuery| {
            let conn = db.conn.clone();
            let rules = rules.clone();
            async move {
                let q = ProjectQuery {
                    sort: ProjectSort::Newest,
                    page: 1,
                    per_page: 50,
                    ..f
                };
                projects::list(&conn, beijing, &q, &rules, today)
                    .await
                    .unwrap()
            }
        };
        let started = page(ProjectQuery {
            stage: Some(Stage::Started),
            ..Default::default()
        })
        .await;
        assert!(started.items.iter().all(|x| x.stage == "started"));
        assert!(started.items.iter().any(|x| x.id == p.id));
        let mine = page(ProjectQuery {
            officer: Some("测试专员".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(mine.total, 1);
        let text = page(ProjectQuery {
            q: Some("精密传动".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(text.items[0].id, p.id);
        // A wildcard is taken literally, on both databases.
        let percent = page(ProjectQuery {
            q: Some("%".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(percent.total, 0, "{}: % is not a wildcard", t.label);
        let stalled = page(ProjectQuery {
            stalled: true,
            ..Default::default()
        })
        .await;
        assert!(
            stalled.total > 0,
            "{}: the demo has quiet projects",
            t.label
        );
        let since = today - chrono::Days::new(rules.stall_days as u64);
        assert!(stalled.items.iter().all(|x| x.last_activity_on < since
            && !["halted", "moved_out", "full_output"].contains(&x.stage.as_str())));
    }
}
