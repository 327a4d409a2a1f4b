//! Long work as persisted jobs: what runs, for whom, how far it got and how it ended, so that
//! a page or a script can leave and come back, and a job whose process died is marked failed
//! at the next start.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_jobs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("jobs")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(big_integer_null("zone_id"))
                .col(string("username"))
                .col(big_integer_null("subject_id"))
                .col(string("state"))
                .col(big_integer("done"))
                .col(big_integer("total"))
                .col(big_integer_null("result_id"))
                .col(text_null("counts"))
                .col(text_null("error"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .foreign_key(&mut fk(
                    ("jobs", "zone_id"),
                    ("zones", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index("jobs", "jobs_zone", &["zone_id", "id"], false))
            .await?;
        m.create_index(index(
            "jobs",
            "jobs_subject",
            &["kind", "subject_id"],
            false,
        ))
        .await?;
        m.create_index(index("jobs", "jobs_state", &["state"], false))
            .await?;
        // One running job of a kind per zone, kept by the database itself: two requests that
        // both found none running cannot both start one (the second insert is refused).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX jobs_one_running ON jobs (kind, zone_id) \
                 WHERE state = 'running'",
            )
            .await?;
        Ok(())
    }
}
