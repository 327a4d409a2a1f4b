//! API tokens may expire.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_token_expiry"
    }
}

/// API tokens may expire.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("api_tokens")
                .add_column(timestamp_with_time_zone_null("expires_at"))
                .take(),
        )
        .await
    }
}
