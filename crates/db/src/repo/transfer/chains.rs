//! The chain part of a zone export: enterprise → node mappings (by credit code), the zone's
//! own taxonomy versions, gap thresholds, targets, track records and stages, and province
//! totals. Rows are written in a stable order so that a re-export is byte-identical.

use crate::entities::{
    chain_mapping, chain_settings, chain_target, chain_taxonomy, province_total, track_record,
    track_stage,
};
use crate::{DbError, DbResult};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

type Time = chrono::DateTime<chrono::Utc>;

#[derive(Debug, Serialize, Deserialize)]
struct MappingRow {
    credit_code: String,
    taxonomy: String,
    node_id: String,
    state: String,
    origin: String,
    confidence: Option<f64>,
    evidence: String,
    leading: bool,
    updated_by: String,
    updated_at: Time,
}

#[derive(Debug, Serialize, Deserialize)]
struct TaxonomyRow {
    taxonomy: String,
    version: String,
    source: String,
    created_by: String,
    created_at: Time,
}

#[derive(Debug, Serialize, Deserialize)]
struct SettingsRow {
    settings: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct TargetRow {
    name: String,
    metric: String,
    target_value: f64,
    baseline_value: f64,
    baseline_on: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
    created_at: Time,
}

#[derive(Debug, Serialize, Deserialize)]
struct RecordRow {
    taxonomy: String,
    track_id: String,
    kind: String,
    title: String,
    detail: Option<String>,
    on_date: Option<chrono::NaiveDate>,
    amount: Option<f64>,
    created_by: String,
    created_at: Time,
}

#[derive(Debug, Serialize, Deserialize)]
struct StageRow {
    taxonomy: String,
    track_id: String,
    stage: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProvinceRow {
    division: String,
    year: i32,
    employees: Option<f64>,
    revenue: Option<f64>,
}

const FILES: [&str; 7] = [
    "chain_mappings.csv",
    "chain_taxonomies.csv",
    "chain_settings.csv",
    "chain_targets.csv",
    "track_records.csv",
    "track_stages.csv",
    "province_totals.csv",
];

pub(super) async fn export<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    code_of: &HashMap<i64, String>,
) -> DbResult<Vec<(&'static str, u64, Vec<u8>)>> {
    use super::csv_bytes;
    let mut mappings: Vec<MappingRow> = chain_mapping::Entity::find()
        .filter(chain_mapping::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(MappingRow {
                credit_code: code_of.get(&m.enterprise_id)?.clone(),
                taxonomy: m.taxonomy,
                node_id: m.node_id,
                state: m.state,
                origin: m.origin,
                confidence: m.confidence,
                evidence: m.evidence,
                leading: m.leading,
                updated_by: m.updated_by,
                updated_at: m.updated_at,
            })
        })
        .collect();
    mappings.sort_by(|a, b| {
        (&a.credit_code, &a.taxonomy, &a.node_id).cmp(&(&b.credit_code, &b.taxonomy, &b.node_id))
    });
    let taxonomies: Vec<TaxonomyRow> = chain_taxonomy::Entity::find()
        .filter(chain_taxonomy::Column::ZoneId.eq(zone_id))
        .order_by_asc(chain_taxonomy::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TaxonomyRow {
            taxonomy: t.taxonomy,
            version: t.version,
            source: t.source,
            created_by: t.created_by,
            created_at: t.created_at,
        })
        .collect();
    let settings: Vec<SettingsRow> = chain_settings::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .map(|s| SettingsRow {
            settings: s.settings,
        })
        .into_iter()
        .collect();
    let targets: Vec<TargetRow> = chain_target::Entity::find()
        .filter(chain_target::Column::ZoneId.eq(zone_id))
        .order_by_asc(chain_target::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TargetRow {
            name: t.name,
            metric: t.metric,
            target_value: t.target_value,
            baseline_value: t.baseline_value,
            baseline_on: t.baseline_on,
            deadline: t.deadline,
            created_at: t.created_at,
        })
        .collect();
    let records: Vec<RecordRow> = track_record::Entity::find()
        .filter(track_record::Column::ZoneId.eq(zone_id))
        .order_by_asc(track_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RecordRow {
            taxonomy: r.taxonomy,
            track_id: r.track_id,
            kind: r.kind,
            title: r.title,
            detail: r.detail,
            on_date: r.on_date,
            amount: r.amount,
            created_by: r.created_by,
            created_at: r.created_at,
        })
        .collect();
    let stages: Vec<StageRow> = track_stage::Entity::find()
        .filter(track_stage::Column::ZoneId.eq(zone_id))
        .order_by_asc(track_stage::Column::Taxonomy)
        .order_by_asc(track_stage::Column::TrackId)
        .all(db)
        .await?
        .into_iter()
        .map(|s| StageRow {
            taxonomy: s.taxonomy,
            track_id: s.track_id,
            stage: s.stage,
        })
        .collect();
    let province: Vec<ProvinceRow> = province_total::Entity::find()
        .filter(province_total::Column::ZoneId.eq(zone_id))
        .order_by_asc(province_total::Column::Year)
        .order_by_asc(province_total::Column::Division)
        .all(db)
        .await?
        .into_iter()
        .map(|p| ProvinceRow {
            division: p.division,
            year: p.year,
            employees: p.employees,
            revenue: p.revenue,
        })
        .collect();
    Ok(vec![
        (FILES[0], mappings.len() as u64, csv_bytes(&mappings)?),
        (FILES[1], taxonomies.len() as u64, csv_bytes(&taxonomies)?),
        (FILES[2], settings.len() as u64, csv_bytes(&settings)?),
        (FILES[3], targets.len() as u64, csv_bytes(&targets)?),
        (FILES[4], records.len() as u64, csv_bytes(&records)?),
        (FILES[5], stages.len() as u64, csv_bytes(&stages)?),
        (FILES[6], province.len() as u64, csv_bytes(&province)?),
    ])
}

pub(super) fn row_counts(
    files: &HashMap<String, Vec<u8>>,
) -> DbResult<HashMap<&'static str, usize>> {
    use super::read_csv;
    let get = |n: &str| files.get(n).map(Vec::as_slice).unwrap_or(&[]);
    Ok(HashMap::from([
        (
            FILES[0],
            read_csv::<MappingRow>(FILES[0], get(FILES[0]))?.len(),
        ),
        (
            FILES[1],
            read_csv::<TaxonomyRow>(FILES[1], get(FILES[1]))?.len(),
        ),
        (
            FILES[2],
            read_csv::<SettingsRow>(FILES[2], get(FILES[2]))?.len(),
        ),
        (
            FILES[3],
            read_csv::<TargetRow>(FILES[3], get(FILES[3]))?.len(),
        ),
        (
            FILES[4],
            read_csv::<RecordRow>(FILES[4], get(FILES[4]))?.len(),
        ),
        (
            FILES[5],
            read_csv::<StageRow>(FILES[5], get(FILES[5]))?.len(),
        ),
        (
            FILES[6],
            read_csv::<ProvinceRow>(FILES[6], get(FILES[6]))?.len(),
        ),
    ]))
}

pub(super) async fn import<C: ConnectionTrait>(
    tx: &C,
    zone_id: i64,
    files: &HashMap<String, Vec<u8>>,
    id_of: &HashMap<String, i64>,
) -> DbResult<()> {
    use super::read_csv;
    let get = |n: &str| files.get(n).map(Vec::as_slice).unwrap_or(&[]);
    let mappings: Vec<MappingRow> = read_csv(FILES[0], get(FILES[0]))?;
    for chunk in mappings.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|m| {
                let e = id_of.get(&m.credit_code).copied().ok_or_else(|| {
                    DbError::Other(format!(
                        "{}: credit code {} is not in enterprises.csv",
                        FILES[0], m.credit_code
                    ))
                })?;
                Ok(chain_mapping::ActiveModel {
                    zone_id: Set(zone_id),
                    enterprise_id: Set(e),
                    taxonomy: Set(m.taxonomy.clone()),
                    node_id: Set(m.node_id.clone()),
                    state: Set(m.state.clone()),
                    origin: Set(m.origin.clone()),
                    confidence: Set(m.confidence),
                    evidence: Set(m.evidence.clone()),
                    leading: Set(m.leading),
                    updated_by: Set(m.updated_by.clone()),
                    updated_at: Set(m.updated_at),
                    ..Default::default()
                })
            })
            .collect::<DbResult<Vec<_>>>()?;
        if !rows.is_empty() {
            chain_mapping::Entity::insert_many(rows)
                .exec_without_returning(tx)
                .await?;
        }
    }
    for t in read_csv::<TaxonomyRow>(FILES[1], get(FILES[1]))? {
        chain_taxonomy::ActiveModel {
            zone_id: Set(zone_id),
            taxonomy: Set(t.taxonomy),
            version: Set(t.version),
            source: Set(t.source),
            created_by: Set(t.created_by),
            created_at: Set(t.created_at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    for s in read_csv::<SettingsRow>(FILES[2], get(FILES[2]))? {
        chain_settings::ActiveModel {
            zone_id: Set(zone_id),
            settings: Set(s.settings),
        }
        .insert(tx)
        .await?;
    }
    for t in read_csv::<TargetRow>(FILES[3], get(FILES[3]))? {
        chain_target::ActiveModel {
            zone_id: Set(zone_id),
            name: Set(t.name),
            metric: Set(t.metric),
            target_value: Set(t.target_value),
            baseline_value: Set(t.baseline_value),
            baseline_on: Set(t.baseline_on),
            deadline: Set(t.deadline),
            created_at: Set(t.created_at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    for r in read_csv::<RecordRow>(FILES[4], get(FILES[4]))? {
        track_record::ActiveModel {
            zone_id: Set(zone_id),
            taxonomy: Set(r.taxonomy),
            track_id: Set(r.track_id),
            kind: Set(r.kind),
            title: Set(r.title),
            detail: Set(r.detail),
            on_date: Set(r.on_date),
            amount: Set(r.amount),
            created_by: Set(r.created_by),
            created_at: Set(r.created_at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    for s in read_csv::<StageRow>(FILES[5], get(FILES[5]))? {
        track_stage::ActiveModel {
            zone_id: Set(zone_id),
            taxonomy: Set(s.taxonomy),
            track_id: Set(s.track_id),
            stage: Set(s.stage),
        }
        .insert(tx)
        .await?;
    }
    for p in read_csv::<ProvinceRow>(FILES[6], get(FILES[6]))? {
        province_total::ActiveModel {
            zone_id: Set(zone_id),
            division: Set(p.division),
            year: Set(p.year),
            employees: Set(p.employees),
            revenue: Set(p.revenue),
            ..Default::default()
        }
        .insert(tx)
        .await?;
    }
    Ok(())
}
