//! Future-industry tracks in a zone: their records (the "seven batches": plans, policies,
//! parks, key projects, funds, frontier technologies, achievements; leading enterprises come
//! from the confirmed chain mappings), their maturity stage, the zone's targets with the
//! metrics they are measured by, and province totals for location quotients.

use super::audit;
use super::chains;
use super::facts::Year;
use crate::entities::{
    chain_target, enterprise, park, province_total, qualification, track_record, track_stage,
};
use crate::{Actor, DbError, DbResult};
use chrono::NaiveDate;
use devzone_core::chain::target::Metric;
use devzone_core::facts::FactField;
use devzone_core::validate::FieldError;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const STAGES: [&str; 3] = ["early", "growing", "mature"];
pub const RECORD_KINDS: [&str; 7] = [
    "plan",
    "policy",
    "park",
    "project",
    "fund",
    "technology",
    "achievement",
];

pub async fn records<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: Option<&str>,
    track: Option<&str>,
) -> DbResult<Vec<track_record::Model>> {
    let mut q = track_record::Entity::find().filter(track_record::Column::ZoneId.eq(zone_id));
    if let Some(t) = taxonomy {
        q = q.filter(track_record::Column::Taxonomy.eq(t));
    }
    if let Some(t) = track {
        q = q.filter(track_record::Column::TrackId.eq(t));
    }
    Ok(q.order_by_asc(track_record::Column::Kind)
        .order_by_desc(track_record::Column::OnDate)
        .order_by_asc(track_record::Column::Id)
        .all(db)
        .await?)
}

/// A record as entered; checked here.
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    pub kind: String,
    pub title: String,
    pub detail: Option<String>,
    pub on_date: Option<NaiveDate>,
    pub amount: Option<f64>,
}

pub async fn add_record(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    taxonomy: &str,
    track: &str,
    r: &RecordInput,
) -> DbResult<track_record::Model> {
    let mut errs = Vec::new();
    if !RECORD_KINDS.contains(&r.kind.as_str()) {
        errs.push(FieldError::new("kind", "choice.unknown", r.kind.clone()));
    }
    let title = r.title.trim();
    if title.is_empty() {
        errs.push(FieldError::new("title", "required", ""));
    } else if title.chars().count() > 200 {
        errs.push(FieldError::new(
            "title",
            "text.too_long",
            title.chars().take(40).collect::<String>(),
        ));
    }
    if r.amount.is_some_and(|a| a < 0.0 || !a.is_finite()) {
        errs.push(FieldError::new(
            "amount",
            "number.negative",
            r.amount.unwrap_or(0.0).to_string(),
        ));
    }
    if !errs.is_empty() {
        return Err(DbError::Invalid(errs));
    }
    let tx = db.begin().await?;
    let m = track_record::ActiveModel {
        zone_id: Set(zone_id),
        taxonomy: Set(taxonomy.into()),
        track_id: Set(track.into()),
        kind: Set(r.kind.clone()),
        title: Set(title.into()),
        detail: Set(r.detail.clone().filter(|d| !d.trim().is_empty())),
        on_date: Set(r.on_date),
        amount: Set(r.amount),
        created_by: Set(actor.username.clone()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Stage of each (taxonomy, track) the zone has set.
pub async fn stages<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<HashMap<(String, String), String>> {
    Ok(track_stage::Entity::find()
        .filter(track_stage::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| ((s.taxonomy, s.track_id), s.stage))
        .collect())
}

pub async fn set_stage(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    taxonomy: &str,
    track: &str,
    stage: &str,
) -> DbResult<()> {
    if !STAGES.contains(&stage) {
        return Err(DbError::Invalid(vec![FieldError::new(
            "stage",
            "choice.unknown",
            stage,
        )]));
    }
    let tx = db.begin().await?;
    let before =
        track_stage::Entity::find_by_id((zone_id, taxonomy.to_string(), track.to_string()))
            .one(&tx)
            .await?;
    let m = track_stage::ActiveModel {
        zone_id: Set(zone_id),
        taxonomy: Set(taxonomy.into()),
        track_id: Set(track.into()),
        stage: Set(stage.into()),
    };
    if before.is_some() {
        m.update(&tx).await?;
    } else {
        m.insert(&tx).await?;
    }
    audit::record(
        &tx,
        actor,
        audit::Change::new("update", "track_stage")
            .zone(zone_id)
            .before(before.map(|b| b.stage))
            .after(Some(format!("{taxonomy}/{track}: {stage}"))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The enterprises confirmed on each root node (every track of the taxonomy when no root is
/// named) or below it, from one read of the zone's mappings.
pub async fn enterprises_by_root<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: &str,
    roots: &[String],
) -> DbResult<BTreeMap<String, BTreeSet<i64>>> {
    let Some(t) = chains::taxonomy(db, zone_id, taxonomy).await? else {
        return Ok(BTreeMap::new());
    };
    let roots: Vec<String> = if roots.is_empty() {
        t.of_level(devzone_core::chain::taxonomy::Level::Track)
            .map(|n| n.id.clone())
            .collect()
    } else {
        roots.to_vec()
    };
    // Each node with the roots it lies under (itself included).
    let mut under: HashMap<String, Vec<&str>> = HashMap::new();
    for r in &roots {
        under.entry(r.clone()).or_default().push(r);
        for n in t.descendants(r) {
            under.entry(n.id.clone()).or_default().push(r);
        }
    }
    let mut out: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for m in chains::mappings(db, zone_id, Some(taxonomy), None, Some(chains::CONFIRMED)).await? {
        for r in under.get(&m.node_id).map(Vec::as_slice).unwrap_or(&[]) {
            out.entry(r.to_string())
                .or_default()
                .insert(m.enterprise_id);
        }
    }
    Ok(out)
}

/// The enterprises confirmed on the tracks (every track of the taxonomy when none is named)
/// or below them.
pub async fn enterprises_in_tracks<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    taxonomy: &str,
    tracks: &[String],
) -> DbResult<BTreeSet<i64>> {
    Ok(enterprises_by_root(db, zone_id, taxonomy, tracks)
        .await?
        .into_values()
        .flatten()
        .collect())
}

/// The current value of a metric in a zone.
pub async fn measure<C: ConnectionTrait>(db: &C, zone_id: i64, metric: &Metric) -> DbResult<f64> {
    Ok(match metric {
        Metric::ParksWithTheme { words } => super::zones::parks(db, zone_id)
            .await?
            .iter()
            .filter(|p: &&park::Model| {
                let text = format!("{} {}", p.name, p.theme.as_deref().unwrap_or(""));
                words.iter().any(|w| text.contains(w.as_str()))
            })
            .count() as f64,
        Metric::EnterprisesInTracks {
            taxonomy,
            tracks,
            qualifications,
        } => {
            let ids = enterprises_in_tracks(db, zone_id, taxonomy, tracks).await?;
            if qualifications.is_empty() {
                ids.len() as f64
            } else {
                let list: Vec<i64> = ids.into_iter().collect();
                let mut with = BTreeSet::new();
                for chunk in list.chunks(500) {
                    for q in qualification::Entity::find()
                        .filter(qualification::Column::EnterpriseId.is_in(chunk.to_vec()))
                        .filter(qualification::Column::Kind.is_in(qualifications.clone()))
                        .all(db)
                        .await?
                    {
                        with.insert(q.enterprise_id);
                    }
                }
                with.len() as f64
            }
        }
        Metric::RevenueInTracks { taxonomy, tracks } => {
            let list: Vec<i64> = enterprises_in_tracks(db, zone_id, taxonomy, tracks)
                .await?
                .into_iter()
                .collect();
            let mut sum = 0.0;
            for chunk in list.chunks(500) {
                for e in enterprise::Entity::find()
                    .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
                    .all(db)
                    .await?
                {
                    sum += e.latest_revenue.unwrap_or(0) as f64 / 100.0;
                }
            }
            sum
        }
    })
}

pub async fn targets<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<Vec<chain_target::Model>> {
    Ok(chain_target::Entity::find()
        .filter(chain_target::Column::ZoneId.eq(zone_id))
        .order_by_asc(chain_target::Column::Deadline)
        .order_by_asc(chain_target::Column::Id)
        .all(db)
        .await?)
}

/// Adds a target; its baseline is the metric's value today unless one is given.
#[allow(clippy::too_many_arguments)]
pub async fn add_target(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    name: &str,
    metric: &Metric,
    target_value: f64,
    baseline: Option<f64>,
    baseline_on: NaiveDate,
    deadline: NaiveDate,
) -> DbResult<chain_target::Model> {
    let mut errs = Vec::new();
    if name.trim().is_empty() {
        errs.push(FieldError::new("name", "required", ""));
    }
    if deadline <= baseline_on {
        errs.push(
            FieldError::new("deadline", "date.before_start", deadline.to_string())
                .with_detail(baseline_on.to_string()),
        );
    }
    if !target_value.is_finite() || target_value < 0.0 {
        errs.push(FieldError::new(
            "target_value",
            "number.negative",
            target_value.to_string(),
        ));
    }
    if !errs.is_empty() {
        return Err(DbError::Invalid(errs));
    }
    let baseline_value = match baseline {
        Some(b) => b,
        None => measure(db, zone_id, metric).await?,
    };
    let tx = db.begin().await?;
    let m = chain_target::ActiveModel {
        zone_id: Set(zone_id),
        name: Set(name.trim().into()),
        metric: Set(serde_json::to_string(metric).map_err(|e| DbError::Other(e.to_string()))?),
        target_value: Set(target_value),
        baseline_value: Set(baseline_value),
        baseline_on: Set(baseline_on),
        deadline: Set(deadline),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::created(&tx, actor, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Replaces the province totals of the years given, in one transaction.
pub async fn set_province_totals(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rows: &[(String, i32, Option<f64>, Option<f64>)],
) -> DbResult<usize> {
    let tx = db.begin().await?;
    let years: BTreeSet<i32> = rows.iter().map(|r| r.1).collect();
    province_total::Entity::delete_many()
        .filter(province_total::Column::ZoneId.eq(zone_id))
        .filter(province_total::Column::Year.is_in(years.iter().copied().collect::<Vec<_>>()))
        .exec(&tx)
        .await?;
    for (division, year, employees, revenue) in rows {
        province_total::ActiveModel {
            zone_id: Set(zone_id),
            division: Set(division.clone()),
            year: Set(*year),
            employees: Set(*employees),
            revenue: Set(*revenue),
            ..Default::default()
        }
        .insert(&tx)
        .await
        .map_err(|e| crate::conflict_or(e, "division", &format!("{division} {year}")))?;
    }
    audit::record(
        &tx,
        actor,
        audit::Change::new("import", "province_totals")
            .zone(zone_id)
            .after(Some(format!("{} rows, years {years:?}", rows.len()))),
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

pub async fn province_years<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Vec<i32>> {
    let mut y: Vec<i32> = province_total::Entity::find()
        .filter(province_total::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    y.reverse();
    Ok(y)
}

/// The zone's and the province's figures by division for a year: employees or revenue
/// (`field`), the zone's summed from its enterprises' current facts.
pub async fn division_figures<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    year: i32,
    field: &str,
) -> DbResult<(BTreeMap<String, f64>, BTreeMap<String, f64>)> {
    let ents = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .all(db)
        .await?;
    let division: HashMap<i64, String> = ents
        .iter()
        .map(|e| (e.id, e.industry_code.chars().take(2).collect()))
        .collect();
    let ids: Vec<i64> = ents.iter().map(|e| e.id).collect();
    let mut zone: BTreeMap<String, f64> = BTreeMap::new();
    let fact = FactField::parse(field).ok_or(DbError::NotFound)?;
    // Summed in enterprise order, so that the same figures give the same total to the last
    // digit on every request.
    let figures: BTreeMap<i64, f64> =
        super::facts::current_figures(db, &ids, &[fact], Year::Of(year))
            .await?
            .into_iter()
            .filter_map(|((id, _), f)| f.value.map(|v| (id, v)))
            .collect();
    for (id, x) in figures {
        if let Some(d) = division.get(&id) {
            *zone.entry(d.clone()).or_default() += x;
        }
    }
    let province = province_total::Entity::find()
        .filter(province_total::Column::ZoneId.eq(zone_id))
        .filter(province_total::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| {
            let v = if field == "employees" {
                p.employees
            } else {
                p.revenue
            };
            v.map(|v| (p.division, v))
        })
        .collect();
    Ok((zone, province))
}
