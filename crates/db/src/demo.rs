//! Loads the demo dataset of `devzone_core::demo` into a database, in batches.

use crate::entities::{enterprise, fact_value, park, qualification, zone};
use crate::repo::{enterprises, facts, meta};
use crate::{Db, DbResult};
use devzone_core::demo;
use devzone_core::facts::FactField;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};

pub const META_KEY: &str = "demo";
const BATCH: usize = 1_000;

/// Fills an empty database with the demo; calls `progress(done, total)` as it goes.
pub async fn load(
    db: &Db,
    n_enterprises: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> DbResult<()> {
    load_zones(db, n_enterprises, usize::MAX, progress).await
}

/// As `load`, with only the first `zone_count` demo zones (all enterprises go to them).
/// One zone holding every enterprise is how the per-zone benchmarks reach 100,000.
pub async fn load_zones(
    db: &Db,
    n_enterprises: usize,
    zone_count: usize,
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
        let mut values = Vec::new();
        for e in &batch {
            let id = ids[e.draft.credit_code.as_str()];
            quals.extend(
                e.qualifications
                    .iter()
                    .map(|q| enterprises::new_qualification(id, q)),
            );
            for f in &e.facts {
                for (field, v) in &f.values {
                    values.push(facts::new_value(
                        id,
                        f.year,
                        *field,
                        Some(*v),
                        None,
                        f.source.id(),
                        as_of,
                        "demo",
                    ));
                }
            }
        }
        for chunk in quals.chunks(2_000) {
            qualification::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&tx)
                .await?;
        }
        for chunk in values.chunks(2_500) {
            fact_value::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&tx)
                .await?;
        }
        tx.commit().await?;
        start = end;
        progress(start, n_enterprises);
    }
    meta::set(&db.conn, META_KEY, &n_enterprises.to_string()).await?;
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
