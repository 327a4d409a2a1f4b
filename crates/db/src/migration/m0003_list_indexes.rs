//! Indexes for the enterprise list filtered by size class and sorted by revenue or name,
//! the views officials use most (measured by bench/pages.sh).

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_list_indexes"
    }
}

/// Indexes for the enterprise list filtered by size class and sorted by revenue or name,
/// the views officials use most (measured by bench/pages.sh).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "enterprises",
            "enterprises_zone_scale_revenue",
            &["zone_id", "above_scale", "latest_revenue"],
            false,
        ))
        .await?;
        m.create_index(index(
            "enterprises",
            "enterprises_zone_scale_name",
            &["zone_id", "above_scale", "name"],
            false,
        ))
        .await
    }
}
