//! The investment part of a zone export: projects, their events and yearly funds, the
//! enterprise a project's investor is (by credit code), and the zone's pipeline rules. Rows
//! carry no database ids: a project's key is its place in projects.csv (from 1), events and
//! funds name their project by it, and zone ids are written as 0, so that a re-export after an
//! import gives the same files.

use crate::entities::{investment_rules, project, project_event, project_funds};
use crate::{DbError, DbResult};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub(super) const FILES: [&str; 5] = [
    "projects.csv",
    "project_investors.csv",
    "project_events.csv",
    "project_funds.csv",
    "investment_rules.csv",
];

/// A project whose investor is an enterprise of the zone: the project's key and the
/// enterprise's credit code.
#[derive(Debug, Serialize, Deserialize)]
struct InvestorRow {
    project: i64,
    credit_code: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct RulesRow {
    rules: String,
}

pub(super) async fn export<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    code_of: &HashMap<i64, String>,
) -> DbResult<Vec<(&'static str, u64, Vec<u8>)>> {
    use super::csv_bytes;
    let mut projects = project::Entity::find()
        .filter(project::Column::ZoneId.eq(zone_id))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let key: HashMap<i64, i64> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i as i64 + 1))
        .collect();
    let investors: Vec<InvestorRow> = projects
        .iter()
        .filter_map(|p| {
            Some(InvestorRow {
                project: key[&p.id],
                credit_code: code_of.get(&p.enterprise_id?)?.clone(),
            })
        })
        .collect();
    for p in &mut projects {
        p.id = key[&p.id];
        p.zone_id = 0;
        p.enterprise_id = None;
    }
    let mut events = project_event::Entity::find()
        .filter(project_event::Column::ZoneId.eq(zone_id))
        .order_by_asc(project_event::Column::Id)
        .all(db)
        .await?;
    for (i, e) in events.iter_mut().enumerate() {
        (e.id, e.zone_id) = (i as i64 + 1, 0);
        e.project_id = key[&e.project_id];
    }
    let mut funds = project_funds::Entity::find()
        .filter(project_funds::Column::ZoneId.eq(zone_id))
        .order_by_asc(project_funds::Column::Id)
        .all(db)
        .await?;
    for (i, f) in funds.iter_mut().enumerate() {
        (f.id, f.zone_id) = (i as i64 + 1, 0);
        f.project_id = key[&f.project_id];
    }
    let rules: Vec<RulesRow> = investment_rules::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .map(|r| RulesRow { rules: r.rules })
        .into_iter()
        .collect();
    Ok(vec![
        (FILES[0], projects.len() as u64, csv_bytes(&projects)?),
        (FILES[1], investors.len() as u64, csv_bytes(&investors)?),
        (FILES[2], events.len() as u64, csv_bytes(&events)?),
        (FILES[3], funds.len() as u64, csv_bytes(&funds)?),
        (FILES[4], rules.len() as u64, csv_bytes(&rules)?),
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
            read_csv::<project::Model>(FILES[0], get(files, FILES[0]))?.len(),
        ),
        (
            FILES[1],
            read_csv::<InvestorRow>(FILES[1], get(files, FILES[1]))?.len(),
        ),
        (
            FILES[2],
            read_csv::<project_event::Model>(FILES[2], get(files, FILES[2]))?.len(),
        ),
        (
            FILES[3],
            read_csv::<project_funds::Model>(FILES[3], get(files, FILES[3]))?.len(),
        ),
        (
            FILES[4],
            read_csv::<RulesRow>(FILES[4], get(files, FILES[4]))?.len(),
        ),
    ]))
}

pub(super) async fn import<C: ConnectionTrait>(
    tx: &C,
    zone_id: i64,
    files: &Files,
    id_of: &HashMap<String, i64>,
) -> DbResult<()> {
    use super::read_csv;
    let bad = |file: &str, what: String| DbError::Other(format!("{file}: {what}"));
    let investors: HashMap<i64, String> = read_csv::<InvestorRow>(FILES[1], get(files, FILES[1]))?
        .into_iter()
        .map(|r| (r.project, r.credit_code))
        .collect();
    let mut new_id: HashMap<i64, i64> = HashMap::new();
    for p in read_csv::<project::Model>(FILES[0], get(files, FILES[0]))? {
        let key = p.id;
        let enterprise = match investors.get(&key) {
            Some(code) => Some(*id_of.get(code).ok_or_else(|| {
                bad(
                    FILES[1],
                    format!("project {key}: no enterprise {code} in the archive"),
                )
            })?),
            None => None,
        };
        let mut a = p.into_active_model();
        a.id = NotSet;
        a.zone_id = Set(zone_id);
        a.enterprise_id = Set(enterprise);
        let m = a.insert(tx).await?;
        new_id.insert(key, m.id);
    }
    let project_of = |file: &str, key: i64| {
        new_id
            .get(&key)
            .copied()
            .ok_or_else(|| bad(file, format!("no project {key} in projects.csv")))
    };
    for e in read_csv::<project_event::Model>(FILES[2], get(files, FILES[2]))? {
        let project_id = project_of(FILES[2], e.project_id)?;
        let mut a = e.into_active_model();
        a.id = NotSet;
        a.zone_id = Set(zone_id);
        a.project_id = Set(project_id);
        a.insert(tx).await?;
    }
    for f in read_csv::<project_funds::Model>(FILES[3], get(files, FILES[3]))? {
        let project_id = project_of(FILES[3], f.project_id)?;
        let mut a = f.into_active_model();
        a.id = NotSet;
        a.zone_id = Set(zone_id);
        a.project_id = Set(project_id);
        a.insert(tx).await?;
    }
    for r in read_csv::<RulesRow>(FILES[4], get(files, FILES[4]))? {
        if serde_json::from_str::<devzone_core::investment::PipelineRules>(&r.rules).is_err() {
            return Err(bad(FILES[4], "the rules do not parse".into()));
        }
        investment_rules::ActiveModel {
            zone_id: Set(zone_id),
            rules: Set(r.rules),
        }
        .insert(tx)
        .await?;
    }
    Ok(())
}
