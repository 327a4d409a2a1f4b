//! Benchmark: one space requirement matched against 100,000 units and 10,000 plots.
//!
//! Prints (1) the ranking alone, in memory, for units and for plots, and (2) the whole
//! `requirements::candidates` call on SQLite, which reads the vacant units of the area band from the
//! database first. Run: `cargo run --release -p devzone-db --example match_bench`.

// A benchmark stops at its first failure, with the failure printed.
#![allow(clippy::unwrap_used)]

use devzone_core::demo::Rng;
use devzone_core::land::matching::{PlotCandidate, Requirement, UnitCandidate, rank};
use devzone_core::model::{BuildingType, EnvCategory, LandUse};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let mut rng = Rng::new(7);
    let types = BuildingType::ALL;
    let units: Vec<UnitCandidate> = (0..100_000)
        .map(|i| UnitCandidate {
            id: i,
            park_id: Some(1 + rng.below(5) as i64),
            building_type: *rng.pick(types),
            area_m2: rng.range(200.0, 30_000.0).round(),
            clear_height_m: Some(rng.range(3.0, 14.0)),
            floor_load_kn: Some(rng.range(3.0, 50.0)),
            power_kva: Some(rng.range(100.0, 4_000.0)),
            env_max: Some(*rng.pick(EnvCategory::ALL)),
            hazardous_ok: rng.chance(0.1),
            rent: Some(rng.range(5.0, 70.0)),
            available_from: None,
        })
        .collect();
    let plots: Vec<PlotCandidate> = (0..10_000)
        .map(|i| PlotCandidate {
            id: i,
            park_id: Some(1 + rng.below(5) as i64),
            area_m2: rng.range(5_000.0, 120_000.0),
            land_use: *rng.pick(LandUse::ALL),
        })
        .collect();
    let r = Requirement {
        area_min_m2: 10_000.0,
        area_max_m2: 12_000.0,
        building_types: vec![BuildingType::StandardFactory],
        min_clear_height_m: Some(8.0),
        min_floor_load_kn: Some(25.0),
        min_power_kva: Some(1_600.0),
        env_category: Some(EnvCategory::General),
        max_rent: Some(20.0),
        parks: vec![2],
        ..Default::default()
    };
    let land = Requirement {
        wants_land: true,
        area_min_m2: 20_000.0,
        area_max_m2: 40_000.0,
        land_use: Some(LandUse::Industrial),
        ..Default::default()
    };
    let time = |f: &dyn Fn() -> usize| {
        median(
            (0..21)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(f());
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        )
    };
    let u = time(&|| rank(&r, &units, &plots, 20).len());
    let p = time(&|| rank(&land, &units, &plots, 20).len());
    println!("rank in memory: 100,000 units {u:.2} ms, 10,000 plots {p:.2} ms (median of 21)");

    // The whole call on SQLite: the demo's first zone filled with 100,000 units.
    let t = devzone_db::testing::sqlite().await;
    devzone_db::demo::load_zones(&t.db, 50, 1, &mut |_, _| {})
        .await
        .unwrap();
    let zone = devzone_db::repo::zones::list(&t.db.conn, &devzone_db::Scope::all())
        .await
        .unwrap()[0]
        .id;
    let inv = devzone_db::repo::land::inventory(&t.db.conn, zone, None)
        .await
        .unwrap();
    let b_ids: Vec<i64> = inv.buildings.iter().map(|b| b.id).collect();
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let have = inv.units.len();
    let mut batch = Vec::new();
    for i in have..100_000 {
        let u = &units[i];
        batch.push(devzone_db::entities::unit::ActiveModel {
            zone_id: Set(zone),
            building_id: Set(b_ids[i % b_ids.len()]),
            name: Set(format!("B-{i}")),
            floor: Set(None),
            area_m2: Set(u.area_m2),
            status: Set(if rng.chance(0.3) { "vacant" } else { "leased" }.into()),
            rent: Set(u.rent),
            last_verified: Set(None),
            ..Default::default()
        });
        if batch.len() == 2_000 {
            devzone_db::entities::unit::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&t.db.conn)
                .await
                .unwrap();
        }
    }
    if !batch.is_empty() {
        devzone_db::entities::unit::Entity::insert_many(batch)
            .exec_without_returning(&t.db.conn)
            .await
            .unwrap();
    }
    let today = devzone_core::demo::land::today();
    // Strict: all eight criteria, so few units fit fully and the whole area band is ranked.
    // Loose: area and type only, so twenty full fits answer from the first query.
    let loose = Requirement {
        area_min_m2: 8_000.0,
        area_max_m2: 14_000.0,
        building_types: vec![BuildingType::StandardFactory],
        ..Default::default()
    };
    for (label, req) in [("strict", &r), ("loose", &loose)] {
        let mut ms = Vec::new();
        let mut out = Vec::new();
        for _ in 0..11 {
            let t0 = Instant::now();
            out = devzone_db::repo::requirements::candidates(&t.db.conn, zone, req, today, 20)
                .await
                .unwrap();
            ms.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        let band = devzone_db::repo::requirements::unit_candidates(&t.db.conn, zone, req)
            .await
            .unwrap()
            .len();
        println!(
            "requirements::candidates on SQLite, 100,000 units in the zone, {label} requirement: {:.1} ms \
             (median of 11; {} returned, {} full fits; {band} vacant units in the area band)",
            median(ms),
            out.len(),
            out.iter().filter(|c| c.misses == 0).count()
        );
    }
}
