//! Land storage tests on the demo's land, on SQLite and (when DEVZONE_TEST_POSTGRES_URL is
//! set) PostgreSQL: the Suining-like park's figures, idle flags, matching, and refusals that
//! leave the data as it was.

use devzone_core::land::demo::today;
use devzone_core::land::matching::CandidateKind;
use devzone_core::land::validate::{LeaseInput, PlotInput, UnitInput};
use devzone_core::model::{BuildingType, MatchStage};
use devzone_db::entities::{lease, unit, zone};
use devzone_db::repo::{demand, land, revitalisation};
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
        let reqs = demand::list(&db.conn, z).await.unwrap();
        let r = reqs.iter().find(|r| r.title.contains("11,000")).unwrap();
        let ranked = demand::candidates(&db.conn, z, &demand::spec(r), today(), 20)
            .await
            .unwrap();
        assert!(!ranked.is_empty(), "{}", t.label);
        assert_eq!(ranked[0].misses, 0, "{} {:?}", t.label, ranked[0]);
        assert_eq!(ranked[0].kind, CandidateKind::Unit);
        let m = demand::set_stage(
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
        let funnel = demand::funnel(&db.conn, z).await.unwrap();
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
