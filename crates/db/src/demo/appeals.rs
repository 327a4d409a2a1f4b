//! Loads the demo's appeals (`devzone_core::demo::appeals`) in bulk: each zone's holiday
//! calendar, a year of appeals with their events.

use crate::entities::{appeal, appeal_event as event, enterprise, work_calendar};
use crate::repo::appeals::set_progress;
use crate::{Db, DbResult};
use devzone_core::appeals::AppealRules;
use devzone_core::demo;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

const BATCH: usize = 500;

pub(super) async fn load(db: &Db, zone_index: usize, zone_id: i64, count: usize) -> DbResult<()> {
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
    for chunk in all.chunks(BATCH) {
        let tx = db.conn.begin().await?;
        let rows: Vec<appeal::ActiveModel> = chunk
            .iter()
            .map(|a| {
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
