//! Land, buildings and space: plots, buildings, space units and their leases; space
//! requirements and the candidates proposed for them; revitalisation cases with their
//! steps and placed projects; each zone's land rules. Areas are m² and money yuan, as
//! floating point: they are measured and estimated figures, not accounts.

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
