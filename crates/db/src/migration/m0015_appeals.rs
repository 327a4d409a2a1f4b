//! Enterprise appeals and visits: each visit with its record; each appeal with its routing, the due days fixed when it was received
//! and the milestones the metrics count, its dated events, each zone's appeal rules, and
//! each zone's working calendar (holidays and swapped working weekends).

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_appeals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table("visits")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("park_id"))
                .col(string("officer"))
                .col(date_null("planned_on"))
                .col(date_null("visited_on"))
                .col(string("topics"))
                .col(text_null("issues"))
                .col(text_null("policies"))
                .col(text_null("next_step"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("visits", "zone_id"), ("zones", "id"), Cascade))
                .foreign_key(&mut fk(
                    ("visits", "enterprise_id"),
                    ("enterprises", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(("visits", "park_id"), ("parks", "id"), SetNull))
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("visits_zone", &["zone_id", "id"][..]),
            ("visits_zone_visited", &["zone_id", "visited_on"][..]),
            ("visits_enterprise", &["enterprise_id", "visited_on"][..]),
        ] {
            m.create_index(index("visits", name, cols, false)).await?;
        }
        m.create_table(
            Table::create()
                .table("appeals")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("park_id"))
                .col(string("title"))
                .col(text("description"))
                .col(string("category"))
                .col(string("urgency"))
                .col(string("channel"))
                .col(string("state"))
                .col(string_null("department"))
                .col(date("received_on"))
                .col(date("acknowledge_due"))
                .col(date("answer_due"))
                .col(date("resolve_due"))
                // The due day of the step it waits on (none once answered or closed), so that
                // the overdue filter and the "most urgent first" order read an index.
                .col(date_null("waiting_due"))
                .col(date_null("assigned_on"))
                .col(date_null("first_answer_on"))
                .col(date_null("answered_on"))
                .col(date_null("closed_on"))
                .col(string_null("resolution"))
                .col(integer("reopens"))
                .col(small_integer_null("rating"))
                .col(text_null("rating_comment"))
                .col(string("raised_by"))
                // The visit whose record it came from.
                .col(big_integer_null("visit_id"))
                .col(date("last_event_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("appeals", "zone_id"), ("zones", "id"), Cascade))
                .foreign_key(&mut fk(
                    ("appeals", "enterprise_id"),
                    ("enterprises", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(("appeals", "park_id"), ("parks", "id"), SetNull))
                .foreign_key(&mut fk(("appeals", "visit_id"), ("visits", "id"), SetNull))
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("appeals_zone", &["zone_id", "id"][..]),
            ("appeals_zone_state", &["zone_id", "state", "id"][..]),
            (
                "appeals_zone_department",
                &["zone_id", "department", "id"][..],
            ),
            ("appeals_zone_category", &["zone_id", "category", "id"][..]),
            (
                "appeals_zone_waiting",
                &["zone_id", "waiting_due", "id"][..],
            ),
            ("appeals_enterprise", &["enterprise_id", "id"][..]),
        ] {
            m.create_index(index("appeals", name, cols, false)).await?;
        }
        m.create_table(
            Table::create()
                .table("appeal_events")
                .col(big_pk_auto("id"))
                .col(big_integer("appeal_id"))
                .col(big_integer("zone_id"))
                .col(date("on"))
                .col(string("action"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(string_null("department"))
                .col(text_null("note"))
                .col(small_integer_null("rating"))
                .col(boolean("by_enterprise"))
                .col(string("username"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    ("appeal_events", "appeal_id"),
                    ("appeals", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("appeal_events", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "appeal_events",
            "appeal_events_appeal",
            &["appeal_id", "id"],
            false,
        ))
        .await?;
        for table in ["appeal_rules", "work_calendars"] {
            m.create_table(
                Table::create()
                    .table(table)
                    .col(big_integer("zone_id").primary_key())
                    .col(text("content"))
                    .foreign_key(&mut fk((table, "zone_id"), ("zones", "id"), Cascade))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
