//! Spreadsheet imports: their history (for revert), the enterprises they created or
//! changed, saved column mappings, staged uploads, and the per-field source precedence.

use super::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_imports"
    }
}

/// Spreadsheet imports: their history (for revert), the enterprises they created or
/// changed, saved column mappings, staged uploads, and the per-field source precedence.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table("imports")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("kind"))
                .col(string("source"))
                .col(integer_null("year"))
                .col(string("file_name"))
                .col(string("file_sha256"))
                .col(string("sheet"))
                .col(string("status"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("rows_read"))
                .col(integer("rejected"))
                .col(integer("warnings"))
                .col(integer("inserted"))
                .col(integer("updated"))
                .col(integer("unchanged"))
                .col(integer("not_current"))
                .col(integer("enterprises_created"))
                .col(integer("enterprises_updated"))
                .col(text("report"))
                .col(string_null("reverted_by"))
                .col(timestamp_with_time_zone_null("reverted_at"))
                .foreign_key(&mut fk(("imports", "zone_id"), ("zones", "id"), Cascade))
                .take(),
        )
        .await?;
        m.create_index(index("imports", "imports_zone", &["zone_id", "id"], false))
            .await?;
        m.alter_table(
            Table::alter()
                .table("fact_values")
                .add_column(big_integer_null("import_id"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "fact_values",
            "fact_values_import",
            &["import_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("import_enterprises")
                .col(big_pk_auto("id"))
                .col(big_integer("import_id"))
                .col(big_integer("enterprise_id"))
                .col(text_null("before"))
                .col(text("after"))
                .foreign_key(&mut fk(
                    ("import_enterprises", "import_id"),
                    ("imports", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "import_enterprises",
            "import_enterprises_import",
            &["import_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("import_mappings")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(string("signature"))
                .col(string("source"))
                .col(string("kind"))
                .col(text("mapping"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    ("import_mappings", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "import_mappings",
            "import_mappings_zone_signature",
            &["zone_id", "signature"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("import_uploads")
                .col(big_pk_auto("id"))
                .col(big_integer("zone_id"))
                .col(big_integer_null("user_id"))
                .col(string("file_name"))
                .col(blob("bytes"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    ("import_uploads", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("import_uploads", "user_id"),
                    ("users", "id"),
                    SetNull,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("fact_precedence")
                .col(big_integer("zone_id"))
                .col(string("field"))
                .col(string("sources"))
                .primary_key(Index::create().col("zone_id").col("field"))
                .foreign_key(&mut fk(
                    ("fact_precedence", "zone_id"),
                    ("zones", "id"),
                    Cascade,
                ))
                .take(),
        )
        .await
    }
}
