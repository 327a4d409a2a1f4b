//! One counter per zone that every audited write of the zone raises in its own transaction:
//! the key under which the cockpit pages keep their figures (see `crate::memo`).

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_data_versions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("data_versions")
                .col(big_integer("zone_id").primary_key())
                .col(big_integer("version"))
                .take(),
        )
        .await
    }
}
