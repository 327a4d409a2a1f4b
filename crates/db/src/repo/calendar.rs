//! Each zone's working calendar: the holidays and swapped working weekends every deadline in
//! working days reads (appeals, the investment pipeline).

use super::audit;
use crate::entities::work_calendar;
use crate::{Actor, DbError, DbResult};
use devzone_core::calendar::WorkCalendar;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};

/// The zone's calendar, or none (weekends only) when it has not set one.
pub async fn get<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<Option<WorkCalendar>> {
    Ok(work_calendar::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .and_then(|r| serde_json::from_str(&r.content).ok()))
}

pub async fn set(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    cal: &WorkCalendar,
) -> DbResult<()> {
    let text = serde_json::to_string(cal).map_err(|e| DbError::Other(e.to_string()))?;
    let row = |zone_id, content| work_calendar::ActiveModel {
        zone_id: Set(zone_id),
        content: Set(content),
    };
    let text_of = |m: work_calendar::Model| m.content;
    audit::put_zone_text(db, actor, zone_id, "work_calendar", text, row, text_of).await
}
