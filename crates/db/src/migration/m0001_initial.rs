//! Migration m0001_initial: the first schema.

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
