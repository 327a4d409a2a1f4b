//! The appeals part of a zone export: appeals with their events, the enterprise and park each
//! concerns (by credit code and park name), the zone's appeal rules and working calendar.
//! As for projects, an appeal's key is its place in appeals.csv (from 1) and zone ids are
//! written as 0.

use crate::entities::{appeal, appeal_event, appeal_rules, work_calendar};
use crate::{DbError, DbResult};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub(super) const FILES: [&str; 4] = [
    "appeals.csv",
    "appeal_keys.csv",
    "appeal_events.csv",
    "appeal_settings.csv",
];

/// Whom an appeal concerns: its key, the enterprise's credit code and the park's name.
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
    let keys: HashMap<i64, KeyRow> = read_csv::<KeyRow>(FILES[1], get(files, FILES[1]))?
        .into_iter()
        .map(|r| (r.appeal, r))
        .collect();
    let mut new_id: HashMap<i64, i64> = HashMap::new();
    for a in read_csv::<appeal::Model>(FILES[0], get(files, FILES[0]))? {
        let key = a.id;
        let k = keys
            .get(&key)
            .ok_or_else(|| bad(FILES[1], format!("no row for appeal {key}")))?;
        let enterprise = *id_of.get(&k.credit_code).ok_or_else(|| {
            bad(
                FILES[1],
                format!(
                    "appeal {key}: no enterprise {} in the archive",
                    k.credit_code
                ),
            )
        })?;
        let mut m = a.into_active_model();
        m.id = NotSet;
        m.zone_id = Set(zone_id);
        m.enterprise_id = Set(enterprise);
        m.park_id = Set(k.park.as_ref().and_then(|p| park_id.get(p).copied()));
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
