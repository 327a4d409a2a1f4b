//! The serving part of a zone export: visits, appeals with their events, the enterprise and
//! park each concerns (by credit code and park name), the zone's appeal rules and working
//! calendar. As for projects, a record's key is its place in its file (from 1), an appeal
//! names its visit by that key, and zone ids are written as 0.

use crate::entities::{appeal, appeal_event, appeal_rules, visit, work_calendar};
use crate::{DbError, DbResult};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub(super) const FILES: [&str; 6] = [
    "appeals.csv",
    "appeal_keys.csv",
    "appeal_events.csv",
    "appeal_settings.csv",
    "visits.csv",
    "visit_keys.csv",
];

/// Whom an appeal or a visit concerns: its key (`appeal` in both files), the enterprise's
/// credit code and the park's name.
#[derive(Debug, Serialize, Deserialize)]
struct KeyRow {
    appeal: i64,
    credit_code: String,
    park: Option<String>,
}

/// The zone's appeal rules and calendar, as stored (JSON), one row each.
#[derive(Debug, Serialize, Deserialize)]
struct SettingRow {
    /// `appeal_rules` or `work_calendar`.
    kind: String,
    content: String,
}

pub(super) async fn export<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    park_name: &HashMap<i64, String>,
    code_of: &HashMap<i64, String>,
) -> DbResult<Vec<(&'static str, u64, Vec<u8>)>> {
    use super::csv_bytes;
    let mut visits = visit::Entity::find()
        .filter(visit::Column::ZoneId.eq(zone_id))
        .order_by_asc(visit::Column::Id)
        .all(db)
        .await?;
    let visit_key: HashMap<i64, i64> = visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id, i as i64 + 1))
        .collect();
    let mut visit_keys = Vec::with_capacity(visits.len());
    for v in &mut visits {
        let code = code_of
            .get(&v.enterprise_id)
            .cloned()
            .ok_or_else(|| DbError::Other(format!("visit {}: enterprise not in the zone", v.id)))?;
        visit_keys.push(KeyRow {
            appeal: visit_key[&v.id],
            credit_code: code,
            park: v.park_id.and_then(|p| park_name.get(&p).cloned()),
        });
        (v.id, v.zone_id, v.enterprise_id, v.park_id) = (visit_key[&v.id], 0, 0, None);
    }
    let mut appeals = appeal::Entity::find()
        .filter(appeal::Column::ZoneId.eq(zone_id))
        .order_by_asc(appeal::Column::Id)
        .all(db)
        .await?;
    let key: HashMap<i64, i64> = appeals
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i as i64 + 1))
        .collect();
    let mut keys = Vec::with_capacity(appeals.len());
    for a in &mut appeals {
        let code = code_of.get(&a.enterprise_id).cloned().ok_or_else(|| {
            DbError::Other(format!("appeal {}: enterprise not in the zone", a.id))
        })?;
        keys.push(KeyRow {
            appeal: key[&a.id],
            credit_code: code,
            park: a.park_id.and_then(|p| park_name.get(&p).cloned()),
        });
        (a.id, a.zone_id, a.enterprise_id, a.park_id) = (key[&a.id], 0, 0, None);
        a.visit_id = a.visit_id.and_then(|v| visit_key.get(&v).copied());
    }
    let mut events = appeal_event::Entity::find()
        .filter(appeal_event::Column::ZoneId.eq(zone_id))
        .order_by_asc(appeal_event::Column::Id)
        .all(db)
        .await?;
    for (i, e) in events.iter_mut().enumerate() {
        (e.id, e.zone_id) = (i as i64 + 1, 0);
        e.appeal_id = key[&e.appeal_id];
    }
    let mut settings = Vec::new();
    if let Some(r) = appeal_rules::Entity::find_by_id(zone_id).one(db).await? {
        settings.push(SettingRow {
            kind: "appeal_rules".into(),
            content: r.content,
        });
    }
    if let Some(c) = work_calendar::Entity::find_by_id(zone_id).one(db).await? {
        settings.push(SettingRow {
            kind: "work_calendar".into(),
            content: c.content,
        });
    }
    Ok(vec![
        (FILES[0], appeals.len() as u64, csv_bytes(&appeals)?),
        (FILES[1], keys.len() as u64, csv_bytes(&keys)?),
        (FILES[2], events.len() as u64, csv_bytes(&events)?),
        (FILES[3], settings.len() as u64, csv_bytes(&settings)?),
        (FILES[4], visits.len() as u64, csv_bytes(&visits)?),
        (FILES[5], visit_keys.len() as u64, csv_bytes(&visit_keys)?),
    ])
}

type Files = HashMap<String, Vec<u8>>;

fn get<'a>(files: &'a Files, name: &str) -> &'a [u8] {
    files.get(name).map(Vec::as_slice).unwrap_or(&[])
}

pub(super) fn row_counts(files: &Files) -> DbResult<HashMap<&'static str, usize>> {
    use super::read_csv;
    Ok(HashMap::from([
        (
            FILES[0],
            read_csv::<appeal::Model>(FILES[0], get(files, FILES[0]))?.len(),
        ),
        (
            FILES[1],
            read_csv::<KeyRow>(FILES[1], get(files, FILES[1]))?.len(),
        ),
        (
            FILES[2],
            read_csv::<appeal_event::Model>(FILES[2], get(files, FILES[2]))?.len(),
        ),
        (
            FILES[3],
            read_csv::<SettingRow>(FILES[3], get(files, FILES[3]))?.len(),
        ),
        (
            FILES[4],
            read_csv::<visit::Model>(FILES[4], get(files, FILES[4]))?.len(),
        ),
        (
            FILES[5],
            read_csv::<KeyRow>(FILES[5], get(files, FILES[5]))?.len(),
        ),
    ]))
}

pub(super) async fn import<C: ConnectionTrait>(
    tx: &C,
    zone_id: i64,
    files: &Files,
    park_id: &HashMap<String, i64>,
    id_of: &HashMap<String, i64>,
) -> DbResult<()> {
    use super::read_csv;
    let bad = |file: &str, what: String| DbError::Other(format!("{file}: {what}"));
    let who = |file: &str, key: i64, keys: &HashMap<i64, KeyRow>| -> DbResult<(i64, Option<i64>)> {
        let k = keys
            .get(&key)
            .ok_or_else(|| bad(file, format!("no row for {key}")))?;
        let enterprise = *id_of.get(&k.credit_code).ok_or_else(|| {
            bad(
                file,
                format!("{key}: no enterprise {} in the archive", k.credit_code),
            )
        })?;
        Ok((
            enterprise,
            k.park.as_ref().and_then(|p| park_id.get(p).copied()),
        ))
    };
    let visit_keys: HashMap<i64, KeyRow> = read_csv::<KeyRow>(FILES[5], get(files, FILES[5]))?
        .into_iter()
        .map(|r| (r.appeal, r))
        .collect();
    let mut visit_id: HashMap<i64, i64> = HashMap::new();
    for v in read_csv::<visit::Model>(FILES[4], get(files, FILES[4]))? {
        let key = v.id;
        let (enterprise, park) = who(FILES[5], key, &visit_keys)?;
        let mut m = v.into_active_model();
        m.id = NotSet;
        m.zone_id = Set(zone_id);
        m.enterprise_id = Set(enterprise);
        m.park_id = Set(park);
        visit_id.insert(key, m.insert(tx).await?.id);
    }
    let keys: HashMap<i64, KeyRow> = read_csv::<KeyRow>(FILES[1], get(files, FILES[1]))?
        .into_iter()
        .map(|r| (r.appeal, r))
        .collect();
    let mut new_id: HashMap<i64, i64> = HashMap::new();
    for a in read_csv::<appeal::Model>(FILES[0], get(files, FILES[0]))? {
        let key = a.id;
        let (enterprise, park) = who(FILES[1], key, &keys)?;
        let visit = match a.visit_id {
            Some(v) => Some(*visit_id.get(&v).ok_or_else(|| {
                bad(
                    FILES[0],
                    format!("appeal {key}: no visit {v} in visits.csv"),
                )
            })?),
            None => None,
        };
        let mut m = a.into_active_model();
        m.id = NotSet;
        m.zone_id = Set(zone_id);
        m.enterprise_id = Set(enterprise);
        m.park_id = Set(park);
        m.visit_id = Set(visit);
        let m = m.insert(tx).await?;
        new_id.insert(key, m.id);
    }
    for e in read_csv::<appeal_event::Model>(FILES[2], get(files, FILES[2]))? {
        let appeal_id = new_id.get(&e.appeal_id).copied().ok_or_else(|| {
            bad(
                FILES[2],
                format!("no appeal {} in appeals.csv", e.appeal_id),
            )
        })?;
        let mut a = e.into_active_model();
        a.id = NotSet;
        a.zone_id = Set(zone_id);
        a.appeal_id = Set(appeal_id);
        a.insert(tx).await?;
    }
    for r in read_csv::<SettingRow>(FILES[3], get(files, FILES[3]))? {
        match r.kind.as_str() {
            "appeal_rules" => {
                let rules: devzone_core::appeals::AppealRules = serde_json::from_str(&r.content)
                    .map_err(|_| bad(FILES[3], "the appeal rules do not parse".into()))?;
                if rules.check().is_err() {
                    return Err(bad(
                        FILES[3],
                        "the appeal rules do not pass their check".into(),
                    ));
                }
                appeal_rules::ActiveModel {
                    zone_id: Set(zone_id),
                    content: Set(r.content),
                }
                .insert(tx)
                .await?;
            }
            "work_calendar" => {
                serde_json::from_str::<devzone_core::calendar::WorkCalendar>(&r.content)
                    .map_err(|_| bad(FILES[3], "the calendar does not parse".into()))?;
                work_calendar::ActiveModel {
                    zone_id: Set(zone_id),
                    content: Set(r.content),
                }
                .insert(tx)
                .await?;
            }
            other => return Err(bad(FILES[3], format!("unknown setting {other}"))),
        }
    }
    Ok(())
}
