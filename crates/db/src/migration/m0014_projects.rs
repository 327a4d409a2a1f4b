//! Investment attraction: projects with their investor, money and milestone dates, their
//! dated events (stage changes, reports, activities), the money they brought in each year,
//! and each zone's pipeline rules.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_projects"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table("projects")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("name"))
                .col(big_integer_null("enterprise_id"))
                .col(string_null("investor"))
                .col(string_null("country"))
                .col(string_null("parent_group"))
                .col(boolean("fortune_global_500"))
                .col(boolean("china_500"))
                .col(boolean("private_500"))
                .col(string_null("industry_code"))
                .col(string_null("chain_node"))
                .col(double_null("total_yuan"))
                .col(double_null("fixed_yuan"))
                .col(string("currency"))
                .col(double_null("contracted_fdi_usd"))
                .col(double_null("output_yuan"))
                .col(double_null("tax_yuan"))
                .col(big_integer_null("jobs"))
                .col(double_null("land_mu"))
                .col(double_null("space_m2"))
                .col(string_null("source"))
                .col(string_null("officer"))
                .col(boolean("confidential"))
                .col(string("stage"))
                .col(date("stage_on"))
                .col(date("received_on"))
                .col(date_null("acknowledged_on"))
                .col(date_null("screened_on"))
                .col(date_null("signed_on"))
                .col(date_null("registered_on"))
                .col(date_null("started_on"))
                .col(date_null("completed_on"))
                .col(date_null("producing_on"))
                .col(date("last_activity_on"))
                .col(date_null("last_report_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(("projects", "zone_id"), ("zones", "id"), Cascade))
                .foreign_key(&mut fk(
                    ("projects", "enterprise_id"),
                    ("enterprises", "id"),
                    SetNull,
                ))
                .take(),
        )
        .await?;
        // One index per order the list offers, each led by the zone (and by the stage for
        // the board's columns and the stage filter), so that a page reads its rows in order
        // instead of sorting the zone's projects.
        for (name, cols) in [
            ("projects_zone", &["zone_id", "id"][..]),
            ("projects_zone_stage", &["zone_id", "stage", "id"][..]),
            (
                "projects_zone_stage_activity",
                &["zone_id", "stage", "last_activity_on", "id"][..],
            ),
            (
                "projects_zone_activity",
                &["zone_id", "last_activity_on", "id"][..],
            ),
            ("projects_zone_officer", &["zone_id", "officer"][..]),
        ] {
            m.create_index(index("projects", name, cols, false)).await?;
        }
        // Largest (latest) first with the unknown last: PostgreSQL sorts NULL above every
        // value and SQLite below, so each gets the index its `DESC NULLS LAST` can walk.
        let nulls_last = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => " NULLS LAST",
            _ => "",
        };
        for (name, col) in [
            ("projects_zone_total", "total_yuan"),
            ("projects_zone_signed", "signed_on"),
        ] {
            m.get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX {name} ON projects (zone_id, {col} DESC{nulls_last}, id DESC)"
                ))
                .await?;
        }
        m.create_table(
            Table::create()
                .table("project_events")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(big_integer("zone_id"))
                .col(date("on"))
                .col(string("kind"))
                .col(string_null("from_stage"))
                .col(string_null("to_stage"))
                .col(text_null("note"))
                .col(text_null("exception"))
                .col(string("username"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    ("project_events", "project_id"),
                    ("projects", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("project_events", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "project_events",
            "project_events_project",
            &["project_id", "id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("project_funds")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(big_integer("zone_id"))
                .col(integer("year"))
                .col(double("received_yuan"))
                .col(double("fdi_used_usd"))
                .foreign_key(&mut fk(
                    ("project_funds", "project_id"),
                    ("projects", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("project_funds", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "project_funds",
            "project_funds_year",
            &["project_id", "year"],
            true,
        ))
        .await?;
        m.create_index(index(
            "project_funds",
            "project_funds_zone",
            &["zone_id", "year"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("investment_rules")
                .col(big_integer("zone_id").primary_key())
                .col(text("rules"))
                .foreign_key(&mut fk(
                    ("investment_rules", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await
    }
}
