//! Loads the demo's investment projects (`devzone_core::demo::projects`) in bulk: projects,
//! their events and their yearly funds.

use crate::entities::{project, project_event as event, project_funds as funds};
use crate::{Db, DbResult};
use devzone_core::demo::projects::DemoPipelineProject;
use devzone_core::demo::{self, DemoZone};
use devzone_core::investment::Stage;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

const BATCH: usize = 500;

/// Beijing's projects fill the nodes of its humanoid-robot chain: (taxonomy/node, a class).
fn humanoid_nodes() -> Vec<(String, String)> {
    devzone_core::chain::shipped::get("beijing-future")
        .map(|t| {
            t.nodes
                .iter()
                .filter(|n| n.parent.as_deref() == Some("humanoid-chain"))
                .filter_map(|n| {
                    let class = n.industry_codes.first()?;
                    Some((format!("{}/{}", t.id, n.id), class.clone()))
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(super) async fn load(
    db: &Db,
    zone_index: usize,
    z: &DemoZone,
    zone_id: i64,
    count: usize,
) -> DbResult<()> {
    let today = devzone_core::calendar::today();
    let nodes = if z.name == "北京经济技术开发区" {
        humanoid_nodes()
    } else {
        Vec::new()
    };
    let mut all = demo::projects::pipeline(z, zone_index, today, &nodes, count);
    if z.name == "苏州工业园区" {
        all.extend(demo::projects::suzhou_history(zone_index, today));
    }
    for chunk in all.chunks(BATCH) {
        let tx = db.conn.begin().await?;
        let rows: Vec<project::ActiveModel> = chunk.iter().map(|p| row(zone_id, p)).collect();
        project::Entity::insert_many(rows)
            .exec_without_returning(&tx)
            .await?;
        let names: Vec<&str> = chunk.iter().map(|p| p.draft.name.as_str()).collect();
        let ids: HashMap<String, i64> = project::Entity::find()
            .select_only()
            .columns([project::Column::Name, project::Column::Id])
            .filter(project::Column::ZoneId.eq(zone_id))
            .filter(project::Column::Name.is_in(names))
            .into_tuple::<(String, i64)>()
            .all(&tx)
            .await?
            .into_iter()
            .collect();
        let mut events = Vec::new();
        let mut money = Vec::new();
        for p in chunk {
            let id = ids[&p.draft.name];
            let ev = |on, kind: &str, stages: Option<(Stage, Stage)>| event::ActiveModel {
                project_id: Set(id),
                zone_id: Set(zone_id),
                on: Set(on),
                kind: Set(kind.into()),
                from_stage: Set(stages.map(|s| s.0.id().into())),
                to_stage: Set(stages.map(|s| s.1.id().into())),
                note: Set(None),
                exception: Set(None),
                username: Set("demo".into()),
                at: Set(chrono::Utc::now()),
                ..Default::default()
            };
            events.push(ev(p.draft.received_on, "created", None));
            let mut at = Stage::Lead;
            for (s, on) in &p.moves {
                events.push(ev(*on, "stage", Some((at, *s))));
                at = *s;
            }
            for on in &p.reports {
                events.push(ev(*on, "report", None));
            }
            for (year, received, used) in &p.funds {
                money.push(funds::ActiveModel {
                    project_id: Set(id),
                    zone_id: Set(zone_id),
                    year: Set(*year),
                    received_yuan: Set(*received),
                    fdi_used_usd: Set(*used),
                    ..Default::default()
                });
            }
        }
        for part in events.chunks(BATCH * 2) {
            event::Entity::insert_many(part.to_vec())
                .exec_without_returning(&tx)
                .await?;
        }
        if !money.is_empty() {
            funds::Entity::insert_many(money)
                .exec_without_returning(&tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// A demo project's row: its stage and milestone dates from its moves.
fn row(zone_id: i64, p: &DemoPipelineProject) -> project::ActiveModel {
    let d = &p.draft;
    let on = |s: Stage| p.moves.iter().find(|m| m.0 == s).map(|m| m.1);
    let (stage, stage_on) = p
        .moves
        .last()
        .copied()
        .unwrap_or((Stage::Lead, d.received_on));
    let screened = p
        .moves
        .iter()
        .find(|m| !matches!(m.0, Stage::Lead | Stage::Screening))
        .map(|m| m.1);
    let following = p
        .moves
        .iter()
        .rev()
        .find(|m| matches!(m.0, Stage::Screening | Stage::Negotiating))
        .map(|m| m.1);
    let last_report = p.reports.last().copied().or(following);
    let last_activity = [
        Some(stage_on),
        p.reports.last().copied(),
        Some(d.received_on),
    ]
    .into_iter()
    .flatten()
    .max()
    .expect("the received day");
    project::ActiveModel {
        zone_id: Set(zone_id),
        name: Set(d.name.clone()),
        enterprise_id: Set(None),
        investor: Set(d.investor.clone()),
        country: Set(d.country.clone()),
        parent_group: Set(d.parent_group.clone()),
        fortune_global_500: Set(d.fortune_global_500),
        china_500: Set(d.china_500),
        private_500: Set(d.private_500),
        industry_code: Set(d.industry_code.clone()),
        chain_node: Set(d.chain_node.clone()),
        total_yuan: Set(d.total_yuan),
        fixed_yuan: Set(d.fixed_yuan),
        currency: Set(d.currency.clone()),
        contracted_fdi_usd: Set(d.contracted_fdi_usd),
        output_yuan: Set(d.output_yuan),
        tax_yuan: Set(d.tax_yuan),
        jobs: Set(d.jobs),
        land_mu: Set(d.land_mu),
        space_m2: Set(d.space_m2),
        source: Set(d.source.clone()),
        officer: Set(d.officer.clone()),
        confidential: Set(d.confidential),
        stage: Set(stage.id().into()),
        stage_on: Set(stage_on),
        received_on: Set(d.received_on),
        acknowledged_on: Set(p
            .acknowledged
            .then(|| p.moves.first().map_or(d.received_on, |m| m.1))),
        screened_on: Set(screened),
        signed_on: Set(on(Stage::Signed)),
        registered_on: Set(on(Stage::Registered)),
        started_on: Set(on(Stage::Started)),
        completed_on: Set(on(Stage::Completed)),
        producing_on: Set(on(Stage::Producing)),
        last_activity_on: Set(last_activity),
        last_report_on: Set(last_report),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
}
