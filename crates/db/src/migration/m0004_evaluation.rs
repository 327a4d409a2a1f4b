//! Per-mu evaluation: zone schemes, runs and their results.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_evaluation"
    }
}

/// Per-mu evaluation: zone schemes, runs and their results.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table("evaluation_schemes")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("name"))
                .col(integer("version"))
                .col(integer("effective_year"))
                .col(text("source"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("evaluation_schemes", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_schemes",
            "evaluation_schemes_zone_name_version",
            &["zone_id", "name", "version"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("evaluation_runs")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(integer("year"))
                .col(string("scheme_name"))
                .col(integer("scheme_version"))
                .col(text("scheme_source"))
                .col(string("status"))
                .col(integer("progress"))
                .col(text_null("error"))
                .col(text_null("summary"))
                .col(string_null("inputs_digest"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(string_null("published_by"))
                .col(timestamp_with_time_zone_null("published_at"))
                .foreign_key(&mut fk(
                    ("evaluation_runs", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_runs",
            "evaluation_runs_zone_year",
            &["zone_id", "year"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("evaluation_results")
                .col(big_pk_auto("id"))
                .col(big_integer("run_id"))
                .col(big_integer("enterprise_id"))
                .col(string("credit_code"))
                .col(string("name"))
                .col(big_integer_null("park_id"))
                .col(string("industry_code"))
                .col(string("grp"))
                .col(double_null("total"))
                .col(integer_null("rank"))
                .col(integer_null("group_size"))
                .col(string_null("class"))
                .col(text_null("reason"))
                .col(double_null("land_mu"))
                .col(double_null("tax"))
                .col(double_null("value_added"))
                .col(text("inputs"))
                .col(text("trace"))
                .foreign_key(&mut fk(
                    ("evaluation_results", "run_id"),
                    ("evaluation_runs", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_results",
            "evaluation_results_run_enterprise",
            &["run_id", "enterprise_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "evaluation_results",
            "evaluation_results_run_group_rank",
            &["run_id", "grp", "rank"],
            false,
        ))
        .await
    }
}
