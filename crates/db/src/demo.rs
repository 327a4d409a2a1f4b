//! Loads the demo dataset of `devzone_core::demo` into a database, in batches.

use crate::entities::{enterprise, park, qualification, zone};
use crate::repo::facts::{self, packed};
use crate::repo::{enterprises, meta};
use crate::{Db, DbResult};
use devzone_core::demo;
use devzone_core::facts::FactField;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};

mod appeals;
mod projects;

pub const META_KEY: &str = "demo";
const BATCH: usize = 1_000;

/// Fills an empty database with the demo; calls `progress(done, total)` as it goes.
pub async fn load(
    db: &Db,
    n_enterprises: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> DbResult<()> {
    load_zones(db, n_enterprises, usize::MAX, progress).await?;
    db.analyze().await
}

/// As `load`, with only the first `zone_count` demo zones (all enterprises go to them).
/// One zone holding every enterprise is how the per-zone benchmarks reach 100,000.
pub async fn load_zones(
    db: &Db,
    n_enterprises: usize,
    zone_count: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> DbResult<()> {
    load_sized(db, n_enterprises, zone_count, Sizes::default(), progress).await
}

/// How much of the per-zone demo data each zone gets.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Investment projects in each zone's pipeline.
    pub projects: usize,
    /// Appeals each zone received in its year.
    pub appeals: usize,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            projects: demo::projects::PIPELINE_PROJECTS,
            appeals: demo::appeals::APPEALS_PER_ZONE,
        }
    }
}

/// As `load_zones`, with the per-zone data of `sizes`.
pub async fn load_sized(
    db: &Db,
    n_enterprises: usize,
    zone_count: usize,
    sizes: Sizes,
    progress: &mut dyn FnMut(usize, usize),
) -> DbResult<()> {
    let mut zones = demo::zones();
    zones.truncate(zone_count.max(1));
    let tx = db.conn.begin().await?;
    let mut zone_ids = Vec::new();
    let mut park_ids: Vec<Vec<i64>> = Vec::new();
    for (zi, z) in zones.iter().enumerate() {
        let m = zone::ActiveModel {
            name: Set(z.name.into()),
            kind: Set(z.kind.id().into()),
            gbt37028_code: Set(z.gbt37028_code.map(Into::into)),
            province_code: Set(z.province_code.into()),
            city_code: Set(z.city_code.into()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        zone_ids.push(m.id);
        let mut ids = Vec::new();
        for (pi, p) in z.parks.iter().enumerate() {
            let pm = park::ActiveModel {
                zone_id: Set(m.id),
                name: Set(p.name.into()),
                theme: Set(Some(p.theme.into())),
                boundary: Set(Some(demo::park_boundary(zi, pi, p))),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            ids.push(pm.id);
        }
        park_ids.push(ids);
    }
    tx.commit().await?;

    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date");
    let mut start = 0;
    while start < n_enterprises {
        let end = (start + BATCH).min(n_enterprises);
        let batch: Vec<demo::DemoEnterprise> =
            (start..end).map(|i| demo::enterprise(i, &zones)).collect();
        let tx = db.conn.begin().await?;
        if db.backend() == sea_orm::DbBackend::Sqlite {
            // The register's eight indexes take keys in random order: with SQLite's default
            // 2 MB page cache every batch read index pages back from the file, slower as
            // they grew (100,000 enterprises: 39 s → 24 s). The pool keeps connections, so
            // later batches on the same one find it set already.
            tx.execute_unprepared("PRAGMA cache_size = -131072").await?;
        }
        let rows: Vec<enterprise::ActiveModel> = batch
            .iter()
            .map(|e| {
                let mut d = e.draft.clone();
                d.park_id = e.park_index.map(|p| park_ids[e.zone_index][p]);
                let mut am = enterprises::new_active(zone_ids[e.zone_index], &d);
                // Derived list columns, computed here rather than re-read per enterprise.
                let last = e.facts.last().expect("three years");
                let get =
                    |f: FactField| last.values.iter().find(|(k, _)| *k == f).map(|(_, v)| v.0);
                am.latest_year = Set(Some(last.year));
                am.latest_revenue = Set(get(FactField::Revenue));
                am.above_scale = Set(facts::derive_above_scale(
                    get(FactField::AboveScale),
                    get(FactField::MainRevenue),
                ));
                am
            })
            .collect();
        enterprise::Entity::insert_many(rows)
            .exec_without_returning(&tx)
            .await?;
        // Ids of the rows just inserted, by credit code (unique within a zone; demo codes are
        // unique overall).
        let codes: Vec<String> = batch
            .iter()
            .map(|e| e.draft.credit_code.to_string())
            .collect();
        let ids: std::collections::HashMap<String, i64> = enterprise::Entity::find()
            .filter(enterprise::Column::CreditCode.is_in(codes))
            .all(&tx)
            .await?
            .into_iter()
            .map(|m| (m.credit_code, m.id))
            .collect();
        let mut quals = Vec::new();
        let now = chrono::Utc::now();
        let n_sets: usize = batch.iter().map(|e| e.facts.len()).sum();
        let mut set_ids = facts::reserve_ids(&tx, n_sets).await?.into_iter();
        let mut sets = Vec::with_capacity(n_sets);
        let mut current = Vec::with_capacity(n_sets);
        for e in &batch {
            let id = ids[e.draft.credit_code.as_str()];
            quals.extend(
                e.qualifications
                    .iter()
                    .map(|q| enterprises::new_qualification(id, q)),
            );
            // One source per year: every figure of a year is current.
            for f in &e.facts {
                let set = set_ids.next().expect("an id reserved per set");
                let figures: packed::SetFigures = f
                    .values
                    .iter()
                    .map(|(k, v)| (*k, packed::Packed::Number(v.0)))
                    .collect();
                let cur: packed::CurrentFigures = figures
                    .iter()
                    .map(|(k, v)| (*k, (v.clone(), set)))
                    .collect();
                sets.push(facts::NewSet {
                    id: set,
                    enterprise_id: id,
                    year: f.year,
                    source: f.source.id(),
                    as_of,
                    entered_by: "demo",
                    entered_at: now,
                    import_id: None,
                    figures: packed::encode_set(&figures),
                });
                current.push((id, f.year, cur));
            }
        }
        for chunk in quals.chunks(2_000) {
            qualification::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&tx)
                .await?;
        }
        facts::insert_sets(&tx, &sets).await?;
        let rows: Vec<(i64, i32, &packed::CurrentFigures)> =
            current.iter().map(|(e, y, c)| (*e, *y, c)).collect();
        facts::put_current(&tx, &rows).await?;
        tx.commit().await?;
        start = end;
        progress(start, n_enterprises);
    }
    for (zi, z) in zones.iter().enumerate() {
        load_land(db, zi, z, zone_ids[zi], &park_ids[zi]).await?;
        chain_mappings(db, zone_ids[zi]).await?;
        if z.name == "北京经济技术开发区" {
            future_tracks(db, zone_ids[zi]).await?;
        }
        if z.name == "苏州工业园区" {
            ivd_cluster(db, zone_ids[zi]).await?;
        }
        self::projects::load(db, zi, z, zone_ids[zi], sizes.projects).await?;
        self::appeals::load(db, zi, z, zone_ids[zi], sizes.appeals).await?;
    }
    meta::set(&db.conn, META_KEY, &n_enterprises.to_string()).await?;
    // The demo writes in bulk, outside the audit log: cached figures of its zones go stale.
    for z in &zone_ids {
        crate::repo::versions::bump(&db.conn, *z).await?;
    }
    Ok(())
}

/// Runs the chain suggestions for a demo zone and confirms about two thirds of the confident
/// ones, so that the chain pages show confirmed members and a review queue both.
async fn chain_mappings(db: &Db, zone_id: i64) -> DbResult<()> {
    use crate::repo::chains;
    let actor = crate::Actor::system("demo");
    chains::suggest(&db.conn, &actor, zone_id).await?;
    let ids: Vec<i64> = chains::mappings(&db.conn, zone_id, None, None, Some(chains::SUGGESTED))
        .await?
        .into_iter()
        .filter(|m| m.confidence.unwrap_or(0.0) >= 0.5 && m.enterprise_id % 3 != 0)
        .map(|m| m.id)
        .collect();
    chains::review(&db.conn, &actor, zone_id, &ids, chains::CONFIRMED).await?;
    Ok(())
}

/// Beijing E-Town's future-industry tracks: maturity stages (a relatively mature base in 9
/// of the 20 tracks), records of the "seven batches" for some tracks, and the 2030 targets
/// (30 future-industry parks, 300 quality enterprises, 200 billion yuan), all from public
/// reporting (../shared/specs/demo-data.md).
async fn future_tracks(db: &Db, zone_id: i64) -> DbResult<()> {
    use crate::repo::tracks::{self, RecordInput};
    use devzone_core::chain::target::Metric;
    let actor = crate::Actor::system("demo");
    let mature = [
        "agi",
        "optoelectronics",
        "gene",
        "cell-therapy",
        "humanoid",
        "smart-mobility",
        "hydrogen",
        "commercial-space",
        "energy-storage",
    ];
    let growing = [
        "6g",
        "metaverse",
        "bci",
        "synbio",
        "biomaterials",
        "satellite-network",
    ];
    let t = devzone_core::chain::shipped::get("beijing-future").expect("shipped");
    for tr in t.of_level(devzone_core::chain::taxonomy::Level::Track) {
        let stage = if mature.contains(&tr.id.as_str()) {
            "mature"
        } else if growing.contains(&tr.id.as_str()) {
            "growing"
        } else {
            "early"
        };
        tracks::set_stage(&db.conn, &actor, zone_id, "beijing-future", &tr.id, stage).await?;
    }
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    // (track, kind, title, date, amount in yuan)
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<chrono::NaiveDate>,
        Option<f64>,
    );
    let records: [Row; 9] = [
        ("commercial-space", "park", "火箭大街产业园", None, None),
        (
            "commercial-space",
            "achievement",
            "国内超过 75% 的整箭商业发射企业集聚（火箭大街）",
            day(2024, 12, 31),
            None,
        ),
        (
            "commercial-space",
            "plan",
            "商业航天创新发展行动方案（示例）",
            day(2024, 1, 15),
            None,
        ),
        (
            "hydrogen",
            "policy",
            "氢能产业发展支持措施",
            day(2024, 11, 15),
            None,
        ),
        (
            "hydrogen",
            "project",
            "燃料电池重卡示范运营项目（示例）",
            day(2024, 6, 1),
            Some(300_000_000.0),
        ),
        ("humanoid", "park", "机器人产业园", None, None),
        (
            "humanoid",
            "technology",
            "具身智能大模型与全身运动控制",
            None,
            None,
        ),
        (
            "humanoid",
            "fund",
            "机器人产业发展基金（示例）",
            day(2024, 3, 1),
            Some(10_000_000_000.0),
        ),
        (
            "agi",
            "policy",
            "通用人工智能产业创新伙伴计划（示例）",
            day(2023, 9, 1),
            None,
        ),
    ];
    for (track, kind, title, on_date, amount) in records {
        tracks::add_record(
            &db.conn,
            &actor,
            zone_id,
            "beijing-future",
            track,
            &RecordInput {
                kind: kind.into(),
                title: title.into(),
                detail: None,
                on_date,
                amount,
            },
        )
        .await?;
    }
    let base = day(2024, 12, 31).expect("valid date");
    let deadline = day(2030, 12, 31).expect("valid date");
    let targets = [
        (
            "未来产业园区 30 个",
            Metric::ParksWithTheme {
                words: ["航天", "机器人", "生物", "新能源", "信息", "未来"]
                    .map(String::from)
                    .to_vec(),
            },
            30.0,
        ),
        (
            "优质未来产业企业 300 家",
            Metric::EnterprisesInTracks {
                taxonomy: "beijing-future".into(),
                tracks: vec![],
                qualifications: ["high_tech", "srdi_sme", "little_giant"]
                    .map(String::from)
                    .to_vec(),
            },
            300.0,
        ),
        (
            "未来产业规模 2000 亿元",
            Metric::RevenueInTracks {
                taxonomy: "beijing-future".into(),
                tracks: vec![],
            },
            200_000_000_000.0,
        ),
    ];
    for (name, metric, value) in targets {
        tracks::add_target(
            &db.conn, &actor, zone_id, name, &metric, value, None, base, deadline,
        )
        .await?;
    }
    Ok(())
}

/// Suzhou's in-vitro-diagnostics cluster: a mature track and a target echoing the public
/// "100+ firms" (../shared/specs/demo-data.md).
async fn ivd_cluster(db: &Db, zone_id: i64) -> DbResult<()> {
    use crate::repo::tracks;
    use devzone_core::chain::target::Metric;
    let actor = crate::Actor::system("demo");
    tracks::set_stage(&db.conn, &actor, zone_id, "suzhou-ivd", "ivd", "mature").await?;
    let metric = Metric::EnterprisesInTracks {
        taxonomy: "suzhou-ivd".into(),
        tracks: vec!["ivd".into()],
        qualifications: vec![],
    };
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    tracks::add_target(
        &db.conn,
        &actor,
        zone_id,
        "体外诊断企业 120 家",
        &metric,
        120.0,
        None,
        day(2024, 12, 31),
        day(2027, 12, 31),
    )
    .await?;
    Ok(())
}

/// The zone's demo plots, buildings, units, leases, requirements and revitalisation cases.
/// Holders and tenants are drawn from the zone's enterprises (of the plot's park when it has
/// any).
async fn load_land(
    db: &Db,
    zone_index: usize,
    z: &demo::DemoZone,
    zone_id: i64,
    park_ids: &[i64],
) -> DbResult<()> {
    use crate::entities::{
        building, lease, plot, requirement, requirement_match, revitalisation_case as case,
        revitalisation_project as project, revitalisation_step as step, unit,
    };
    use devzone_core::demo::land;
    use devzone_core::land::geometry::Boundary;
    let outlines: Vec<Boundary> = z
        .parks
        .iter()
        .enumerate()
        .map(|(pi, p)| Boundary::parse(&demo::park_boundary(zone_index, pi, p)))
        .collect::<Result<_, _>>()
        .map_err(|e| crate::DbError::Other(format!("demo park boundary: {e}")))?;
    let data = land::zone_land(zone_index, z.name, &z.parks, &outlines);
    let tx = db.conn.begin().await?;
    let ents = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .all(&tx)
        .await?;
    let all_ids: Vec<i64> = ents.iter().map(|e| e.id).collect();
    let mut by_park: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for e in &ents {
        if let Some(p) = e.park_id {
            by_park.entry(p).or_default().push(e.id);
        }
    }
    let mut rng = demo::Rng::new(0x484F_4C44 ^ zone_index as u64);
    let mut plot_ids = Vec::new();
    for p in &data.plots {
        let park_id = park_ids[p.park_index];
        let pool = by_park
            .get(&park_id)
            .filter(|v| !v.is_empty())
            .unwrap_or(&all_ids);
        let holder = (p.held && !pool.is_empty()).then(|| *rng.pick(pool));
        let pm = plot::ActiveModel {
            zone_id: Set(zone_id),
            park_id: Set(Some(park_id)),
            code: Set(p.code.clone()),
            name: Set(None),
            boundary: Set(Some(p.boundary.to_geojson())),
            area_m2: Set(p.area_m2),
            geometry_m2: Set(Some(p.boundary.area_m2())),
            land_use: Set(p.land_use.id().into()),
            tenure: Set(Some(p.tenure.id().into())),
            holder_id: Set(holder),
            transferred_on: Set(p.transferred_on),
            contracted_start: Set(p.contracted_start),
            contracted_completion: Set(p.contracted_completion),
            actual_start: Set(p.actual_start),
            stopped_on: Set(p.stopped_on),
            developed_m2: Set(p.developed_m2),
            planned_investment: Set(p.planned_investment),
            invested: Set(p.invested),
            min_intensity: Set(p.min_intensity),
            min_tax_per_mu: Set(p.min_tax_per_mu),
            min_far: Set(p.min_far),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        plot_ids.push(pm.id);
        for b in &p.buildings {
            let bm = building::ActiveModel {
                zone_id: Set(zone_id),
                plot_id: Set(pm.id),
                name: Set(b.name.clone()),
                building_type: Set(b.building_type.id().into()),
                storeys: Set(Some(b.storeys)),
                floor_area_m2: Set(b.floor_area_m2),
                clear_height_m: Set(Some(b.clear_height_m)),
                floor_load_kn: Set(Some(b.floor_load_kn)),
                power_kva: Set(Some(b.power_kva)),
                lifts: Set(Some(b.lifts)),
                env_max: Set(Some(b.env_max.id().into())),
                hazardous_ok: Set(b.hazardous_ok),
                year_built: Set(Some(b.year_built)),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            let mut leases = Vec::new();
            for u in &b.units {
                let um = unit::ActiveModel {
                    zone_id: Set(zone_id),
                    building_id: Set(bm.id),
                    name: Set(u.name.clone()),
                    floor: Set(Some(u.floor.clone())),
                    area_m2: Set(u.area_m2),
                    status: Set(u.status.id().into()),
                    rent: Set(u.rent),
                    last_verified: Set(Some(u.last_verified)),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                for l in &u.leases {
                    let tenant = match &l.tenant_name {
                        Some(_) => None,
                        None if !pool.is_empty() => Some(*rng.pick(pool)),
                        None => None,
                    };
                    leases.push(lease::ActiveModel {
                        zone_id: Set(zone_id),
                        unit_id: Set(um.id),
                        tenant_id: Set(tenant),
                        tenant_name: Set(l
                            .tenant_name
                            .clone()
                            .or_else(|| tenant.is_none().then(|| "（未登记承租人）".to_string()))),
                        start_on: Set(l.start),
                        end_on: Set(l.end),
                        rent: Set(l.rent),
                        ..Default::default()
                    });
                }
            }
            if !leases.is_empty() {
                lease::Entity::insert_many(leases)
                    .exec_without_returning(&tx)
                    .await?;
            }
        }
    }
    let now = chrono::Utc::now();
    for r in &data.requirements {
        let mut spec = r.spec.clone();
        spec.parks = r
            .park_indexes
            .iter()
            .filter_map(|i| park_ids.get(*i).copied())
            .collect();
        let rm = requirement::ActiveModel {
            zone_id: Set(zone_id),
            title: Set(r.title.into()),
            enterprise_id: Set(None),
            prospect: Set(Some(r.prospect.into())),
            spec: Set(serde_json::to_string(&spec).unwrap_or_default()),
            note: Set(None),
            status: Set("open".into()),
            created_by: Set("demo".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        // The land requirement has its first plot visited, to show the funnel.
        if spec.wants_land
            && let Some(&p) = plot_ids.first()
        {
            requirement_match::ActiveModel {
                requirement_id: Set(rm.id),
                candidate_kind: Set("plot".into()),
                candidate_id: Set(p),
                stage: Set("visited".into()),
                note: Set(None),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
    }
    for c in &data.cases {
        let cm = case::ActiveModel {
            zone_id: Set(zone_id),
            title: Set(c.title.into()),
            plot_id: Set(plot_ids.get(c.plot_index).copied()),
            building_id: Set(None),
            plan: Set(c.plan.id().into()),
            stage: Set(c.stage.id().into()),
            reason: Set(Some(c.reason.into())),
            area_m2: Set(Some(c.area_m2)),
            occupancy_before: Set(c.occupancy_before),
            occupancy_after: Set(c.occupancy_after),
            expected_rent: Set(c.expected_rent),
            actual_rent: Set(c.actual_rent),
            handed_over_on: Set(c.handed_over_on),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        for (title, who, due, done) in &c.steps {
            step::ActiveModel {
                case_id: Set(cm.id),
                title: Set((*title).into()),
                responsible: Set(Some((*who).into())),
                due_on: Set(Some(*due)),
                done_on: Set(*done),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
        for p in &c.projects {
            project::ActiveModel {
                case_id: Set(cm.id),
                name: Set(p.name.into()),
                enterprise_id: Set(None),
                investment: Set(Some(p.investment)),
                output: Set(Some(p.output)),
                tax: Set(Some(p.tax)),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The number of demo enterprises loaded, if this database holds the demo.
pub async fn loaded(db: &Db) -> DbResult<Option<usize>> {
    Ok(meta::get(&db.conn, META_KEY)
        .await?
        .and_then(|v| v.parse().ok()))
}

/// Evaluates every demo zone's latest year with the default scheme and publishes the
/// result, so that a newcomer finds the per-mu pages filled.
pub async fn evaluate(db: &Db) -> DbResult<usize> {
    use crate::repo::evaluation;
    let actor = crate::Actor::system("demo");
    let year = *demo::YEARS.last().expect("demo years");
    let zones = zone::Entity::find().all(&db.conn).await?;
    for z in &zones {
        let run = evaluation::start(&db.conn, &actor, z.id, year, "builtin:default").await?;
        evaluation::execute(&db.conn, run.id).await?;
        evaluation::publish(&db.conn, &actor, run.id).await?;
    }
    Ok(zones.len())
}
