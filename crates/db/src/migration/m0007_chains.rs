//! Industry chains: enterprises' business scope and main products (what suggestions
//! read), enterprise → chain-node mappings with their review state and evidence, a zone's
//! own versions of taxonomies, its gap thresholds, targets, track records (the "seven
//! batches") and maturity stages, and the province totals for location quotients.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_chains"
    }
}

/// Industry chains: enterprises' business scope and main products (what suggestions
/// read), enterprise → chain-node mappings with their review state and evidence, a zone's
/// own versions of taxonomies, its gap thresholds, targets, track records (the "seven
/// batches") and maturity stages, and the province totals for location quotients.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.alter_table(
            Table::alter()
                .table("enterprises")
                .add_column(text_null("business_scope"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("enterprises")
                .add_column(text_null("main_products"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("chain_mappings")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(big_integer("enterprise_id"))
                .col(string("taxonomy"))
                .col(string("node_id"))
                .col(string("state"))
                .col(string("origin"))
                .col(double_null("confidence"))
                .col(text("evidence"))
                .col(boolean("leading").default(false))
                .col(string("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("chain_mappings", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("chain_mappings", "enterprise_id"),
                    ("enterprises", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "chain_mappings",
            "chain_mappings_key",
            &["enterprise_id", "taxonomy", "node_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "chain_mappings",
            "chain_mappings_zone_node",
            &["zone_id", "taxonomy", "node_id", "state"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("chain_taxonomies")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("taxonomy"))
                .col(string("version"))
                .col(text("source"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("chain_taxonomies", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("chain_targets")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("name"))
                .col(text("metric"))
                .col(double("target_value"))
                .col(double("baseline_value"))
                .col(date("baseline_on"))
                .col(date("deadline"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("chain_targets", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("track_records")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("taxonomy"))
                .col(string("track_id"))
                .col(string("kind"))
                .col(string("title"))
                .col(text_null("detail"))
                .col(date_null("on_date"))
                .col(double_null("amount"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("track_records", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "track_records",
            "track_records_track",
            &["zone_id", "taxonomy", "track_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("track_stages")
                .col(big_integer("zone_id"))
                .col(string("taxonomy"))
                .col(string("track_id"))
                .col(string("stage"))
                .primary_key(
                    Index::create()
                        .col("zone_id")
                        .col("taxonomy")
                        .col("track_id"),
                )
                .foreign_key(&mut fk(
                    ("track_stages", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("province_totals")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("division"))
                .col(integer("year"))
                .col(double_null("employees"))
                .col(double_null("revenue"))
                .foreign_key(&mut fk(
                    ("province_totals", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "province_totals",
            "province_totals_key",
            &["zone_id", "division", "year"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("chain_settings")
                .col(big_integer("zone_id").primary_key())
                .col(text("settings"))
                .foreign_key(&mut fk(
                    ("chain_settings", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await
    }
}
