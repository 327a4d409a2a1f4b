//! Land storage tests on the demo's land, on SQLite and (when DEVZONE_TEST_POSTGRES_URL is
//! set) PostgreSQL: the Suining-like park's figures, idle flags, matching, and refusals that
//! leave the data as it was.

use devzone_core::demo::land::today;
use devzone_core::land::matching::CandidateKind;
use devzone_core::land::validate::{LeaseInput, PlotInput, UnitInput};
use devzone_core::model::{BuildingType, MatchStage};
use devzone_db::entities::{lease, unit, zone};
use devzone_db::repo::{land, requirements, revitalisation};
use devzone_db::testing::all;
use devzone_db::{Actor, DbError, Scope};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn suining(db: &devzone_db::Db) -> i64 {
    zone::Entity::find()
        .filter(zone::Column::Name.eq("遂宁高新技术产业开发区"))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn demo_land_reproduces_the_suining_figures_and_flags_idle_plots() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 400, &mut |_, _| {})
            .await
            .unwrap();
        let z = suining(db).await;
        let parks = devzone_db::repo::zones::parks(&db.conn, z).await.unwrap();
        let logistics = parks.iter().find(|p| p.name == "现代物流园").unwrap();
        let inv = land::inventory(&db.conn, z, Some(logistics.id))
            .await
            .unwrap();
        let mu: f64 = inv.plots.iter().map(|p| p.area_m2).sum::<f64>() / (10_000.0 / 15.0);
        assert!((mu - 495.0).abs() < 0.01, "{} {mu}", t.label);
        let floor: f64 = inv.buildings.iter().map(|b| b.floor_area_m2).sum();
        assert_eq!(floor, 343_000.0, "{}", t.label);
        let warehouses = inv.occupancy_where(|b| b.building_type == BuildingType::Warehouse.id());
        assert_eq!(warehouses.lettable_m2, 227_000.0, "{}", t.label);
        let rate = warehouses.rate().unwrap();
        assert!((0.59..=0.63).contains(&rate), "{} {rate}", t.label);
        let full = warehouses.annual_rent_full;
        assert!(
            (15_000_000.0..=16_000_000.0).contains(&full),
            "{} {full}",
            t.label
        );

        // Idle plots exist in the demo, each flag with its rule and figures.
        let all_inv = land::inventory(&db.conn, z, None).await.unwrap();
        let assessed = land::assess(&db.conn, z, &all_inv, today()).await.unwrap();
        let idle: Vec<_> = assessed.iter().filter(|a| a.idle()).collect();
        assert!(!idle.is_empty(), "{}", t.label);
        assert!(
            idle.iter()
                .all(|a| a.flags.iter().all(|f| !f.figures.is_empty()))
        );

        // The 11,000 m² requirement finds full fits among the vacant factories.
        let reqs = requirements::list(&db.conn, z).await.unwrap();
        let r = reqs.iter().find(|r| r.title.contains("11,000")).unwrap();
        let ranked = requirements::candidates(&db.conn, z, &requirements::spec(r), today(), 20)
            .await
            .unwrap();
        assert!(!ranked.is_empty(), "{}", t.label);
        assert_eq!(ranked[0].misses, 0, "{} {:?}", t.label, ranked[0]);
        assert_eq!(ranked[0].kind, CandidateKind::Unit);
        // Two full fits answer from the database's first query: the same two as the full
        // ranking of every candidate in the area band.
        let spec = requirements::spec(r);
        let fast = requirements::candidates(&db.conn, z, &spec, today(), 2)
            .await
            .unwrap();
        let band = requirements::unit_candidates(&db.conn, z, &spec)
            .await
            .unwrap();
        let slow = devzone_core::land::matching::rank(&spec, &band, &[], 2);
        assert_eq!(fast, slow, "{}", t.label);
        let m = requirements::set_stage(
            &db.conn,
            &Actor::system("test"),
            r,
            CandidateKind::Unit,
            ranked[0].id,
            MatchStage::Visited,
            None,
        )
        .await
        .unwrap();
        assert_eq!(m.stage, "visited");
        let funnel = requirements::funnel(&db.conn, z).await.unwrap();
        assert_eq!(funnel[1], (MatchStage::Visited, 2), "{}", t.label);

        // Revitalisation totals: four projects, 1.48 billion yuan invested.
        let cases = revitalisation::list(&db.conn, z).await.unwrap();
        let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
        let projects = revitalisation::projects(&db.conn, &ids).await.unwrap();
        let tot = revitalisation::totals(&cases, &projects);
        assert_eq!(tot.projects, 4);
        assert_eq!(tot.investment, 1_480_000_000.0);
        assert!(tot.output > 700_000_000.0 && tot.tax > 30_000_000.0);
        assert_eq!(tot.consolidated, 4);
    }
}

#[tokio::test]
async fn refused_inventory_changes_leave_the_data_as_it_was() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 100, &mut |_, _| {})
            .await
            .unwrap();
        let z = suining(db).await;
        let actor = Actor::system("test");
        let scope = Scope::all();
        let inv = land::inventory(&db.conn, z, None).await.unwrap();
        let b = inv
            .buildings
            .iter()
            .find(|b| b.building_type == "warehouse")
            .unwrap();
        let units_before = unit::Entity::find().count(&db.conn).await.unwrap();
        let too_big = UnitInput {
            building_id: b.id,
            name: "X".into(),
            area_m2: "30000".into(),
            status: "vacant".into(),
            ..Default::default()
        };
        match land::create_unit(&db.conn, &actor, &scope, &too_big, today()).await {
            Err(DbError::Invalid(e)) => assert_eq!(e[0].rule, "land.unit_above_building"),
            other => panic!("{}: {other:?}", t.label),
        }
        // The warehouse is fully divided: even a small extra unit exceeds its floor area.
        let extra = UnitInput {
            area_m2: "100".into(),
            ..too_big.clone()
        };
        match land::create_unit(&db.conn, &actor, &scope, &extra, today()).await {
            Err(DbError::Invalid(e)) => assert_eq!(e[0].rule, "land.units_above_building"),
            other => panic!("{}: {other:?}", t.label),
        }
        assert_eq!(
            unit::Entity::find().count(&db.conn).await.unwrap(),
            units_before
        );

        // A lease overlapping the unit's current lease is refused, nothing saved.
        let leased = inv.units.iter().find(|u| u.status == "leased").unwrap();
        let leases_before = lease::Entity::find().count(&db.conn).await.unwrap();
        let overlap = LeaseInput {
            unit_id: leased.id,
            tenant_name: Some("新承租人".into()),
            start: today().to_string().as_str().into(),
            end: "2030-01-01".into(),
            rent: "6".into(),
            ..Default::default()
        };
        match land::add_lease(&db.conn, &actor, &scope, &overlap, today()).await {
            Err(DbError::Invalid(e)) => assert_eq!(e[0].rule, "land.lease_overlap"),
            other => panic!("{}: {other:?}", t.label),
        }
        assert_eq!(
            lease::Entity::find().count(&db.conn).await.unwrap(),
            leases_before
        );

        // A lease of a vacant unit that runs today makes it leased.
        let vacant = inv.units.iter().find(|u| u.status == "vacant").unwrap();
        let ok = LeaseInput {
            unit_id: vacant.id,
            tenant_name: Some("新承租人".into()),
            start: today().to_string().as_str().into(),
            end: "2029-12-31".into(),
            rent: "6.2".into(),
            ..Default::default()
        };
        land::add_lease(&db.conn, &actor, &scope, &ok, today())
            .await
            .unwrap();
        let u = unit::Entity::find_by_id(vacant.id)
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((u.status.as_str(), u.rent), ("leased", Some(6.2)));

        // The same unit given up: its lease ends yesterday and it is vacant, verified today.
        let freed = UnitInput {
            building_id: u.building_id,
            name: u.name.clone(),
            area_m2: u.area_m2.to_string().as_str().into(),
            status: "vacant".into(),
            rent: "6.5".into(),
            last_verified: today().to_string().as_str().into(),
            ..Default::default()
        };
        let after = land::update_unit(&db.conn, &actor, &scope, u.id, &freed, today())
            .await
            .unwrap();
        assert_eq!(
            (after.status.as_str(), after.last_verified),
            ("vacant", Some(today()))
        );
        let ls = land::leases_of(&db.conn, u.id).await.unwrap();
        assert_eq!(ls[0].end_on, today().pred_opt().unwrap(), "{}", t.label);

        // A duplicate plot code is a conflict; a plot outside China is invalid.
        let dup = PlotInput {
            code: inv.plots[0].code.clone(),
            land_use: "industrial".into(),
            area_m2: "1000".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert!(matches!(
            land::create_plot(&db.conn, &actor, z, &dup).await,
            Err(DbError::Conflict { .. })
        ));
        let abroad = PlotInput {
            code: "NEW-1".into(),
            land_use: "industrial".into(),
            boundary: Some(r#"{"type":"Polygon","coordinates":[[[2.3,48.8],[2.4,48.8],[2.4,48.9],[2.3,48.8]]]}"#.into()),
            ..Default::default()
        };
        let e = abroad.validate().unwrap_err();
        assert_eq!(e[0].rule, "geojson.outside_china");
    }
}

/// A unit register: checked by the sheet rules, planned against the database (unknown plot,
/// a new building without its type, an overlapping lease are refused at their lines), written
/// in one transaction; the same sheet again changes nothing.
#[tokio::test]
async fn unit_register_imports_once_and_reports_what_it_refuses() {
    use devzone_core::import::Grid;
    use devzone_core::land::sheet;
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 100, &mut |_, _| {})
            .await
            .unwrap();
        let z = suining(db).await;
        let actor = Actor::system("test");
        let inv = land::inventory(&db.conn, z, None).await.unwrap();
        let plot = inv.plots.iter().find(|p| p.code == "SN-WL-01").unwrap();
        let leased = inv
            .units
            .iter()
            .find(|u| {
                u.status == "leased"
                    && inv
                        .buildings
                        .iter()
                        .any(|b| b.id == u.building_id && b.plot_id == plot.id)
            })
            .unwrap();
        let b = inv
            .buildings
            .iter()
            .find(|b| b.id == leased.building_id)
            .unwrap();
        let mut g = Grid::default();
        g.push_row(1, &["遂宁高新区房源台账（2026 年 11 月）"]);
        g.push_row(
            2,
            &[
                "宗地编号",
                "楼宇",
                "建筑类型",
                "楼宇建筑面积(平方米)",
                "单元",
                "单元面积(平方米)",
                "状态",
                "租金(元/平方米/月)",
                "承租人",
                "起租日",
                "到期日",
            ],
        );
        g.push_row(
            3,
            &[
                "SN-WL-01",
                "新建冷库",
                "仓库",
                "5000",
                "A",
                "2,000",
                "空置",
                "8.5",
                "",
                "",
                "",
            ],
        );
        g.push_row(
            4,
            &[
                "SN-WL-01",
                "新建冷库",
                "仓库",
                "5000",
                "B",
                "3000",
                "已出租",
                "8.0",
                "川运冷链",
                "2026-12-01",
                "2029-11-30",
            ],
        );
        g.push_row(
            5,
            &[
                "NO-SUCH", "1号楼", "", "", "X", "100", "空置", "", "", "", "",
            ],
        );
        g.push_row(
            6,
            &[
                "SN-WL-01",
                "没有类型的楼",
                "",
                "",
                "C",
                "100",
                "空置",
                "",
                "",
                "",
                "",
            ],
        );
        g.push_row(
            7,
            &[
                "SN-WL-01",
                &b.name,
                "",
                "",
                &leased.name,
                &leased.area_m2.to_string(),
                "已出租",
                "6",
                "另一家",
                &today().to_string(),
                "2031-01-01",
            ],
        );
        g.push_row(
            8,
            &[
                "SN-WL-01",
                "新建冷库",
                "仓库",
                "5000",
                "D",
                "-5",
                "闲置",
                "",
                "",
                "",
                "",
            ],
        );
        g.push_row(9, &["合计", "", "", "", "", "5000", "", "", "", "", ""]);
        let layout = sheet::detect(&g).expect("the header on line 2");
        assert_eq!(layout.header_rows, vec![1]);
        let checked = sheet::check(&g, &layout);
        // Line 8 fails the sheet rules (negative area); the total row is skipped.
        assert!(
            checked
                .problems
                .iter()
                .any(|p| p.line == 8 && p.rule == "number.negative")
        );
        assert!(
            checked
                .problems
                .iter()
                .any(|p| p.line == 9 && p.rule == "row.total")
        );
        assert_eq!(checked.rows.len(), 5);
        let units_before = unit::Entity::find().count(&db.conn).await.unwrap();
        // A dry run reports and writes nothing.
        let (dry, problems) = land::import_units(
            &db.conn,
            &actor,
            z,
            &checked.rows,
            today(),
            true,
            &mut |_, _| true,
        )
        .await
        .unwrap();
        assert_eq!(
            (
                dry.units_inserted,
                dry.buildings_created,
                dry.leases_inserted
            ),
            (2, 1, 1),
            "{}",
            t.label
        );
        assert_eq!(
            unit::Entity::find().count(&db.conn).await.unwrap(),
            units_before
        );
        let rules: Vec<(usize, &str)> =
            problems.iter().map(|p| (p.line, p.rule.as_str())).collect();
        assert_eq!(
            rules,
            [
                (5, "land.plot_unknown"),
                (6, "land.building_new_needs"),
                (7, "land.lease_overlap")
            ],
            "{}",
            t.label
        );
        // Stopped by its progress callback, the import writes nothing.
        let stopped = land::import_units(
            &db.conn,
            &actor,
            z,
            &checked.rows,
            today(),
            false,
            &mut |_, _| false,
        )
        .await;
        assert!(
            matches!(stopped, Err(devzone_db::DbError::Cancelled)),
            "{}",
            t.label
        );
        assert_eq!(
            unit::Entity::find().count(&db.conn).await.unwrap(),
            units_before
        );
        let (done, _) = land::import_units(
            &db.conn,
            &actor,
            z,
            &checked.rows,
            today(),
            false,
            &mut |_, _| true,
        )
        .await
        .unwrap();
        assert_eq!(done.units_inserted, 2);
        assert_eq!(
            unit::Entity::find().count(&db.conn).await.unwrap(),
            units_before + 2
        );
        // Again: nothing changes.
        let (again, _) = land::import_units(
            &db.conn,
            &actor,
            z,
            &checked.rows,
            today(),
            false,
            &mut |_, _| true,
        )
        .await
        .unwrap();
        assert_eq!(
            (
                again.units_inserted,
                again.units_updated,
                again.leases_inserted,
                again.buildings_created,
                again.unchanged
            ),
            (0, 0, 0, 0, 2),
            "{}",
            t.label
        );
    }
}
