//! Schema migrations: one set for SQLite and PostgreSQL, applied at every start.
//!
//! Migrations describe tables with sea-query, not by deriving them from the entities, so an
//! old migration keeps meaning what it meant when it first ran.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_reference_data::Migration),
            Box::new(m0003_list_indexes::Migration),
            Box::new(m0004_evaluation::Migration),
            Box::new(m0005_imports::Migration),
            Box::new(m0006_land::Migration),
            Box::new(m0007_chains::Migration),
            Box::new(m0008_token_expiry::Migration),
        ]
    }
}

fn fk(
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .take()
}

fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.take()
}

mod m0001_initial {
    use super::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0001_initial"
        }
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
            use ForeignKeyAction::{Cascade, Restrict, SetNull};
            let tables = vec![
                Table::create()
                    .table("meta")
                    .col(string("key").primary_key())
                    .col(text("value"))
                    .take(),
                Table::create()
                    .table("industry_codes")
                    .col(string("edition"))
                    .col(string("code"))
                    .col(string("level"))
                    .col(string("name"))
                    .col(string("parent_code"))
                    .col(string("section"))
                    .col(string("division"))
                    .primary_key(Index::create().col("edition").col("code"))
                    .take(),
                Table::create()
                    .table("divisions")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .col(string("level"))
                    .col(string("parent_code"))
                    .col(string("province_code"))
                    .take(),
                Table::create()
                    .table("listed_zones")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .col(string("province_code"))
                    .col(string("type_code"))
                    .col(string("type_name"))
                    .col(string("prefecture_code"))
                    .take(),
                Table::create()
                    .table("zones")
                    .col(big_pk_auto("id"))
                    .col(string("name"))
                    .col(string("kind"))
                    .col(string_null("gbt37028_code"))
                    .col(string("province_code"))
                    .col(string("city_code"))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
                Table::create()
                    .table("parks")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(string("name"))
                    .col(string_null("theme"))
                    .col(text_null("boundary"))
                    .foreign_key(&mut fk(("parks", "zone_id"), ("zones", "id"), Cascade))
                    .take(),
                Table::create()
                    .table("enterprises")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(big_integer_null("park_id"))
                    .col(string("credit_code"))
                    .col(string("name"))
                    .col(text("former_names"))
                    .col(string("industry_code"))
                    .col(text_null("address"))
                    .col(string_null("division_code"))
                    .col(string("ownership"))
                    .col(string_null("source_country"))
                    .col(string_null("fortune500_parent"))
                    .col(date_null("founded_on"))
                    .col(big_integer_null("registered_capital"))
                    .col(text("tags"))
                    .col(boolean_null("above_scale"))
                    .col(big_integer_null("latest_revenue"))
                    .col(integer_null("latest_year"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        ("enterprises", "zone_id"),
                        ("zones", "id"),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ("enterprises", "park_id"),
                        ("parks", "id"),
                        SetNull,
                    ))
                    .take(),
                Table::create()
                    .table("qualifications")
                    .col(big_pk_auto("id"))
                    .col(big_integer("enterprise_id"))
                    .col(string("kind"))
                    .col(date("valid_from"))
                    .col(date_null("valid_to"))
                    .col(string_null("certificate_no"))
                    .foreign_key(&mut fk(
                        ("qualifications", "enterprise_id"),
                        ("enterprises", "id"),
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("fact_values")
                    .col(big_pk_auto("id"))
                    .col(big_integer("enterprise_id"))
                    .col(integer("year"))
                    .col(string("field"))
                    .col(big_integer_null("value"))
                    .col(text_null("text_value"))
                    .col(string("source"))
                    .col(date("as_of"))
                    .col(string("entered_by"))
                    .col(timestamp_with_time_zone("entered_at"))
                    .col(boolean("current"))
                    .foreign_key(&mut fk(
                        ("fact_values", "enterprise_id"),
                        ("enterprises", "id"),
                        Cascade,
                    ))
                    .take(),
                Table::create()
                    .table("users")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("username"))
                    .col(string("display_name"))
                    .col(string("password_hash"))
                    .col(string("role"))
                    .col(big_integer_null("enterprise_id"))
                    .col(boolean("disabled"))
                    .col(integer("failed_logins"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(string_null("locale"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        ("users", "enterprise_id"),
                        ("enterprises", "id"),
                        SetNull,
                    ))
                    .take(),
                Table::create()
                    .table("user_zones")
                    .col(big_integer("user_id"))
                    .col(big_integer("zone_id"))
                    .primary_key(Index::create().col("user_id").col("zone_id"))
                    .foreign_key(&mut fk(("user_zones", "user_id"), ("users", "id"), Cascade))
                    .foreign_key(&mut fk(("user_zones", "zone_id"), ("zones", "id"), Cascade))
                    .take(),
                Table::create()
                    .table("sessions")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("token_digest"))
                    .col(big_integer("user_id"))
                    .col(string("csrf_token"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut fk(("sessions", "user_id"), ("users", "id"), Cascade))
                    .take(),
                Table::create()
                    .table("api_tokens")
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(string("name"))
                    .col(string_uniq("token_digest"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .foreign_key(&mut fk(("api_tokens", "user_id"), ("users", "id"), Cascade))
                    .take(),
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(big_integer_null("user_id"))
                    .col(string("username"))
                    .col(string("action"))
                    .col(string("entity"))
                    .col(big_integer_null("entity_id"))
                    .col(big_integer_null("zone_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(string_null("request_id"))
                    .take(),
            ];
            for t in tables {
                m.create_table(t).await?;
            }
            let indexes = [
                index("parks", "parks_zone_name", &["zone_id", "name"], true),
                index(
                    "enterprises",
                    "enterprises_zone_code",
                    &["zone_id", "credit_code"],
                    true,
                ),
                index(
                    "enterprises",
                    "enterprises_zone_name",
                    &["zone_id", "name"],
                    false,
                ),
                index(
                    "enterprises",
                    "enterprises_zone_industry",
                    &["zone_id", "industry_code"],
                    false,
                ),
                index(
                    "enterprises",
                    "enterprises_zone_park",
                    &["zone_id", "park_id", "name"],
                    false,
                ),
                index(
                    "enterprises",
                    "enterprises_zone_revenue",
                    &["zone_id", "latest_revenue"],
                    false,
                ),
                index("enterprises", "enterprises_code", &["credit_code"], false),
                index(
                    "qualifications",
                    "qualifications_enterprise",
                    &["enterprise_id", "kind"],
                    false,
                ),
                index(
                    "qualifications",
                    "qualifications_kind",
                    &["kind", "enterprise_id"],
                    false,
                ),
                index(
                    "fact_values",
                    "fact_values_lookup",
                    &["enterprise_id", "year", "field", "current"],
                    false,
                ),
                index(
                    "fact_values",
                    "fact_values_totals",
                    &["field", "year", "current"],
                    false,
                ),
                index("audit_log", "audit_log_at", &["at"], false),
                index(
                    "audit_log",
                    "audit_log_entity",
                    &["entity", "entity_id"],
                    false,
                ),
                index("api_tokens", "api_tokens_user", &["user_id"], false),
                index("sessions", "sessions_user", &["user_id"], false),
            ];
            for i in indexes {
                m.create_index(i).await?;
            }
            Ok(())
        }
    }
}

mod m0002_reference_data {
    use super::*;
    use crate::entities::{division, industry_code, listed_zone};
    use devzone_core::reference::{IndustryEdition, divisions, industries, listed_zones};
    use sea_orm::{ActiveValue::Set, EntityTrait};

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0002_reference_data"
        }
    }

    /// Loads the embedded reference tables (GB/T 4754-2017 in both editions, GB/T 2260
    /// divisions, GB/T 37028 zones) so that SQL can join on them.
    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
            let db = m.get_connection();
            for edition in [IndustryEdition::Original, IndustryEdition::Amended] {
                let rows: Vec<industry_code::ActiveModel> = industries(edition)
                    .entries
                    .iter()
                    .map(|e| industry_code::ActiveModel {
                        edition: Set(edition.id().to_string()),
                        code: Set(e.code.clone()),
                        level: Set(e.level.clone()),
                        name: Set(e.name.clone()),
                        parent_code: Set(e.parent_code.clone()),
                        section: Set(e.section.clone()),
                        division: Set(e.division.clone()),
                    })
                    .collect();
                for chunk in rows.chunks(500) {
                    industry_code::Entity::insert_many(chunk.to_vec())
                        .exec(db)
                        .await?;
                }
            }
            let rows: Vec<division::ActiveModel> = divisions()
                .entries
                .iter()
                .map(|d| division::ActiveModel {
                    code: Set(d.code.clone()),
                    name: Set(d.name.clone()),
                    level: Set(d.level.clone()),
                    parent_code: Set(d.parent_code.clone()),
                    province_code: Set(d.province_code.clone()),
                })
                .collect();
            for chunk in rows.chunks(500) {
                division::Entity::insert_many(chunk.to_vec())
                    .exec(db)
                    .await?;
            }
            let rows: Vec<listed_zone::ActiveModel> = listed_zones()
                .iter()
                .map(|z| listed_zone::ActiveModel {
                    code: Set(z.code.clone()),
                    name: Set(z.name.clone()),
                    province_code: Set(z.province_code.clone()),
                    type_code: Set(z.type_code.clone()),
                    type_name: Set(z.type_name.clone()),
                    prefecture_code: Set(z.prefecture_code.clone()),
                })
                .collect();
            for chunk in rows.chunks(500) {
                listed_zone::Entity::insert_many(chunk.to_vec())
                    .exec(db)
                    .await?;
            }
            Ok(())
        }
    }
}

mod m0003_list_indexes {
    use super::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0003_list_indexes"
        }
    }

    /// Indexes for the enterprise list filtered by size class and sorted by revenue or name,
    /// the views officials use most (measured by bench/list-latency.sh).
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
}

mod m0004_evaluation {
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
}

mod m0005_imports {
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
}

mod m0006_land {
    use super::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0006_land"
        }
    }

    /// Land, buildings and space: plots, buildings, space units and their leases; space
    /// requirements and the candidates proposed for them; revitalisation cases with their
    /// steps and placed projects; each zone's land rules. Areas are m² and money yuan, as
    /// floating point: they are measured and estimated figures, not accounts.
    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
            use ForeignKeyAction::{Cascade, SetNull};
            m.create_table(
                Table::create()
                    .table("plots")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(big_integer_null("park_id"))
                    .col(string("code"))
                    .col(string_null("name"))
                    .col(text_null("boundary"))
                    .col(double("area_m2"))
                    .col(double_null("geometry_m2"))
                    .col(string("land_use"))
                    .col(string_null("tenure"))
                    .col(big_integer_null("holder_id"))
                    .col(date_null("transferred_on"))
                    .col(date_null("contracted_start"))
                    .col(date_null("contracted_completion"))
                    .col(date_null("actual_start"))
                    .col(date_null("stopped_on"))
                    .col(double_null("developed_m2"))
                    .col(double_null("planned_investment"))
                    .col(double_null("invested"))
                    .col(double_null("min_intensity"))
                    .col(double_null("min_tax_per_mu"))
                    .col(double_null("min_far"))
                    .foreign_key(&mut fk(("plots", "zone_id"), ("zones", "id"), Cascade))
                    .foreign_key(&mut fk(("plots", "park_id"), ("parks", "id"), SetNull))
                    .foreign_key(&mut fk(
                        ("plots", "holder_id"),
                        ("enterprises", "id"),
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
            m.create_index(index(
                "plots",
                "plots_zone_code",
                &["zone_id", "code"],
                true,
            ))
            .await?;
            m.create_table(
                Table::create()
                    .table("buildings")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(big_integer("plot_id"))
                    .col(string("name"))
                    .col(string("building_type"))
                    .col(integer_null("storeys"))
                    .col(double("floor_area_m2"))
                    .col(double_null("clear_height_m"))
                    .col(double_null("floor_load_kn"))
                    .col(double_null("power_kva"))
                    .col(integer_null("lifts"))
                    .col(string_null("env_max"))
                    .col(boolean("hazardous_ok"))
                    .col(integer_null("year_built"))
                    .foreign_key(&mut fk(("buildings", "zone_id"), ("zones", "id"), Cascade))
                    .foreign_key(&mut fk(("buildings", "plot_id"), ("plots", "id"), Cascade))
                    .take(),
            )
            .await?;
            m.create_index(index("buildings", "buildings_plot", &["plot_id"], false))
                .await?;
            m.create_table(
                Table::create()
                    .table("units")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(big_integer("building_id"))
                    .col(string("name"))
                    .col(string_null("floor"))
                    .col(double("area_m2"))
                    .col(string("status"))
                    .col(double_null("rent"))
                    .col(date_null("last_verified"))
                    .foreign_key(&mut fk(("units", "zone_id"), ("zones", "id"), Cascade))
                    .foreign_key(&mut fk(
                        ("units", "building_id"),
                        ("buildings", "id"),
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
            m.create_index(index("units", "units_building", &["building_id"], false))
                .await?;
            // Matching reads the vacant units of an area band.
            m.create_index(index(
                "units",
                "units_zone_status_area",
                &["zone_id", "status", "area_m2"],
                false,
            ))
            .await?;
            m.create_table(
                Table::create()
                    .table("leases")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(big_integer("unit_id"))
                    .col(big_integer_null("tenant_id"))
                    .col(string_null("tenant_name"))
                    .col(date("start_on"))
                    .col(date("end_on"))
                    .col(double("rent"))
                    .foreign_key(&mut fk(("leases", "zone_id"), ("zones", "id"), Cascade))
                    .foreign_key(&mut fk(("leases", "unit_id"), ("units", "id"), Cascade))
                    .foreign_key(&mut fk(
                        ("leases", "tenant_id"),
                        ("enterprises", "id"),
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
            m.create_index(index(
                "leases",
                "leases_unit",
                &["unit_id", "start_on"],
                false,
            ))
            .await?;
            m.create_index(index(
                "leases",
                "leases_zone_end",
                &["zone_id", "end_on"],
                false,
            ))
            .await?;
            m.create_table(
                Table::create()
                    .table("requirements")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(string("title"))
                    .col(big_integer_null("enterprise_id"))
                    .col(string_null("prospect"))
                    .col(text("spec"))
                    .col(text_null("note"))
                    .col(string("status"))
                    .col(string("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        ("requirements", "zone_id"),
                        ("zones", "id"),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ("requirements", "enterprise_id"),
                        ("enterprises", "id"),
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
            m.create_table(
                Table::create()
                    .table("requirement_matches")
                    .col(big_pk_auto("id"))
                    .col(big_integer("requirement_id"))
                    .col(string("candidate_kind"))
                    .col(big_integer("candidate_id"))
                    .col(string("stage"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        ("requirement_matches", "requirement_id"),
                        ("requirements", "id"),
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
            m.create_index(index(
                "requirement_matches",
                "requirement_matches_candidate",
                &["requirement_id", "candidate_kind", "candidate_id"],
                true,
            ))
            .await?;
            m.create_table(
                Table::create()
                    .table("revitalisation_cases")
                    .col(big_pk_auto("id"))
                    .col(big_integer("zone_id"))
                    .col(string("title"))
                    .col(big_integer_null("plot_id"))
                    .col(big_integer_null("building_id"))
                    .col(string("plan"))
                    .col(string("stage"))
                    .col(text_null("reason"))
                    .col(double_null("area_m2"))
                    .col(double_null("occupancy_before"))
                    .col(double_null("occupancy_after"))
                    .col(double_null("expected_rent"))
                    .col(double_null("actual_rent"))
                    .col(date_null("handed_over_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        ("revitalisation_cases", "zone_id"),
                        ("zones", "id"),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ("revitalisation_cases", "plot_id"),
                        ("plots", "id"),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        ("revitalisation_cases", "building_id"),
                        ("buildings", "id"),
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
            m.create_table(
                Table::create()
                    .table("revitalisation_steps")
                    .col(big_pk_auto("id"))
                    .col(big_integer("case_id"))
                    .col(string("title"))
                    .col(string_null("responsible"))
                    .col(date_null("due_on"))
                    .col(date_null("done_on"))
                    .foreign_key(&mut fk(
                        ("revitalisation_steps", "case_id"),
                        ("revitalisation_cases", "id"),
                        Cascade,
                    ))
                    .take(),
            )
            .await?;
            m.create_table(
                Table::create()
                    .table("revitalisation_projects")
                    .col(big_pk_auto("id"))
                    .col(big_integer("case_id"))
                    .col(string("name"))
                    .col(big_integer_null("enterprise_id"))
                    .col(double_null("investment"))
                    .col(double_null("output"))
                    .col(double_null("tax"))
                    .foreign_key(&mut fk(
                        ("revitalisation_projects", "case_id"),
                        ("revitalisation_cases", "id"),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ("revitalisation_projects", "enterprise_id"),
                        ("enterprises", "id"),
                        SetNull,
                    ))
                    .take(),
            )
            .await?;
            m.create_table(
                Table::create()
                    .table("land_rules")
                    .col(big_integer("zone_id").primary_key())
                    .col(text("rules"))
                    .foreign_key(&mut fk(("land_rules", "zone_id"), ("zones", "id"), Cascade))
                    .take(),
            )
            .await
        }
    }
}

mod m0007_chains {
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
}

mod m0008_token_expiry {
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
}
