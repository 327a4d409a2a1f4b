//! Loads the demo's appeals (`devzone_core::demo::appeals`) in bulk: each zone's holiday
//! calendar, a year of visits, and a year of appeals with their events.

use crate::entities::{
    appeal, appeal_event as event, enterprise, qualification, visit, work_calendar,
};
use crate::repo::appeals::set_progress;
use crate::{Db, DbResult};
use devzone_core::appeals::AppealRules;
use devzone_core::demo;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

const BATCH: usize = 500;

pub(super) async fn load(
    db: &Db,
    zone_index: usize,
    z: &demo::DemoZone,
    zone_id: i64,
    count: usize,
) -> DbResult<()> {
    if z.name == "天津滨海高新技术产业开发区" {
        station(db, zone_id).await?;
    }
    let today = devzone_core::calendar::today();
    let cal = demo::appeals::holidays();
    let rules = AppealRules::default();
    work_calendar::Entity::insert(work_calendar::ActiveModel {
        zone_id: Set(zone_id),
        content: Set(serde_json::to_string(&cal).unwrap_or_default()),
    })
    .exec_without_returning(&db.conn)
    .await?;
    let enterprises: Vec<(i64, Option<i64>)> = enterprise::Entity::find()
        .select_only()
        .columns([enterprise::Column::Id, enterprise::Column::ParkId])
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .order_by_asc(enterprise::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let all = demo::appeals::year(zone_index, enterprises.len(), today, count, &rules, &cal);
    let now = chrono::Utc::now();
    let (visits, visit_of) = demo::appeals::visits(zone_index, enterprises.len(), today, &all);
    let mut visit_ids = Vec::with_capacity(visits.len());
    for chunk in visits.chunks(BATCH) {
        let rows: Vec<visit::ActiveModel> = chunk
            .iter()
            .map(|x| {
                let (enterprise_id, park_id) = enterprises[x.enterprise_index];
                let d = &x.draft;
                visit::ActiveModel {
                    zone_id: Set(zone_id),
                    enterprise_id: Set(enterprise_id),
                    park_id: Set(park_id),
                    officer: Set(d.officer.clone()),
                    planned_on: Set(d.planned_on),
                    visited_on: Set(d.visited_on),
                    topics: Set(d.topic_ids()),
                    issues: Set(d.issues.clone()),
                    policies: Set(d.policies.clone()),
                    next_step: Set(d.next_step.clone()),
                    created_by: Set("demo".into()),
                    created_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        visit_ids.extend(
            visit::Entity::insert_many(rows)
                .exec_with_returning_keys(&db.conn)
                .await?,
        );
    }
    for (start, chunk) in (0..).step_by(BATCH).zip(all.chunks(BATCH)) {
        let tx = db.conn.begin().await?;
        let rows: Vec<appeal::ActiveModel> = chunk
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (enterprise_id, park_id) = enterprises[a.enterprise_index];
                let d = &a.draft;
                let mut m = appeal::ActiveModel {
                    zone_id: Set(zone_id),
                    enterprise_id: Set(enterprise_id),
                    park_id: Set(park_id),
                    title: Set(d.title.clone()),
                    description: Set(d.description.clone()),
                    category: Set(d.category.clone()),
                    urgency: Set(d.urgency.id().into()),
                    channel: Set(d.channel.id().into()),
                    received_on: Set(d.received_on),
                    acknowledge_due: Set(a.dues.acknowledge),
                    answer_due: Set(a.dues.answer),
                    resolve_due: Set(a.dues.resolve),
                    raised_by: Set("demo".into()),
                    created_at: Set(now),
                    ..Default::default()
                };
                set_progress(&mut m, &a.progress);
                m.visit_id = Set(visit_of[start + i].map(|v| visit_ids[v]));
                m
            })
            .collect();
        let ids = appeal::Entity::insert_many(rows)
            .exec_with_returning_keys(&tx)
            .await?;
        let mut events = Vec::new();
        for (a, id) in chunk.iter().zip(ids) {
            let row = |on, action: &str, from: Option<&str>, to: &str| event::ActiveModel {
                appeal_id: Set(id),
                zone_id: Set(zone_id),
                on: Set(on),
                action: Set(action.into()),
                from_state: Set(from.map(Into::into)),
                to_state: Set(to.into()),
                department: Set(None),
                note: Set(None),
                rating: Set(None),
                by_enterprise: Set(false),
                username: Set("demo".into()),
                at: Set(now),
                ..Default::default()
            };
            events.push(row(a.draft.received_on, "created", None, "received"));
            let mut department = None;
            for e in &a.events {
                if e.draft.department.is_some() {
                    department = e.draft.department.clone();
                }
                let mut r = row(e.draft.on, e.action.id(), Some(e.from.id()), e.to.id());
                r.department = Set(department.clone());
                r.note = Set(e.draft.note.clone());
                r.rating = Set(e.draft.rating.map(i16::from));
                r.by_enterprise = Set(e.by_enterprise);
                events.push(r);
            }
        }
        for part in events.chunks(BATCH * 2) {
            event::Entity::insert_many(part.to_vec())
                .exec_without_returning(&tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Tianjin Binhai's monitoring station: ten enterprises of the zone, three state-owned, four
/// private and three foreign-invested (`TIANJIN_POINTS`), the first of each kind in the
/// registry. A small demo short of a kind gives that kind to enterprises of no other point, so
/// that the station always hears all three.
async fn station(db: &Db, zone_id: i64) -> DbResult<()> {
    use devzone_core::appeals::station::{PointKind, TIANJIN_POINTS};
    use devzone_core::model::{Ownership, QualificationKind};
    let all: Vec<(i64, String)> = enterprise::Entity::find()
        .select_only()
        .columns([enterprise::Column::Id, enterprise::Column::Ownership])
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .order_by_asc(enterprise::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let kind_of = |o: &str| PointKind::of(Ownership::parse(o).unwrap_or(Ownership::Other));
    let mut chosen: Vec<i64> = Vec::new();
    let mut retyped: Vec<(i64, Ownership)> = Vec::new();
    for (kind, n) in TIANJIN_POINTS {
        let mut of_kind: Vec<i64> = all
            .iter()
            .filter(|(id, o)| kind_of(o) == kind && !chosen.contains(id))
            .map(|(id, _)| *id)
            .take(n)
            .collect();
        let short = n - of_kind.len();
        // Short of a kind: enterprises of no point kind first, then of another kind.
        let free = |id: &i64| !chosen.contains(id) && !of_kind.contains(id);
        let mut spare: Vec<i64> = all
            .iter()
            .filter(|(id, o)| free(id) && kind_of(o) == PointKind::Other)
            .chain(
                all.iter()
                    .filter(|(id, o)| free(id) && kind_of(o) != PointKind::Other),
            )
            .map(|(id, _)| *id)
            .collect();
        spare.truncate(short);
        let ownership = match kind {
            PointKind::StateOwned => Ownership::StateOwned,
            PointKind::Private => Ownership::Private,
            _ => Ownership::ForeignInvested,
        };
        retyped.extend(spare.iter().map(|id| (*id, ownership)));
        of_kind.extend(spare);
        chosen.extend(of_kind);
    }
    for (id, o) in retyped {
        enterprise::Entity::update_many()
            .col_expr(
                enterprise::Column::Ownership,
                sea_orm::sea_query::Expr::value(o.id()),
            )
            .filter(enterprise::Column::Id.eq(id))
            .exec(&db.conn)
            .await?;
    }
    let since = chrono::NaiveDate::from_ymd_opt(2024, 9, 1).expect("a valid date");
    let rows: Vec<qualification::ActiveModel> = chosen
        .iter()
        .map(|id| qualification::ActiveModel {
            enterprise_id: Set(*id),
            kind: Set(QualificationKind::MonitoringPoint.id().into()),
            valid_from: Set(since),
            valid_to: Set(None),
            certificate_no: Set(Some("营商环境监测点".into())),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        qualification::Entity::insert_many(rows)
            .exec_without_returning(&db.conn)
            .await?;
    }
    Ok(())
}
