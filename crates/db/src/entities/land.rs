//! Land and space: plots, buildings, units, leases, the zone's land rules and revitalisation (盘活) cases.

pub mod plot {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "plots")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub park_id: Option<i64>,
        pub code: String,
        pub name: Option<String>,
        /// GeoJSON Polygon or MultiPolygon.
        pub boundary: Option<String>,
        /// Recorded area, m².
        pub area_m2: f64,
        /// Area computed from the boundary, m².
        pub geometry_m2: Option<f64>,
        pub land_use: String,
        pub tenure: Option<String>,
        pub holder_id: Option<i64>,
        pub transferred_on: Option<Date>,
        pub contracted_start: Option<Date>,
        pub contracted_completion: Option<Date>,
        pub actual_start: Option<Date>,
        pub stopped_on: Option<Date>,
        pub developed_m2: Option<f64>,
        /// Yuan.
        pub planned_investment: Option<f64>,
        pub invested: Option<f64>,
        /// Covenant minimum investment per mu, yuan.
        pub min_intensity: Option<f64>,
        /// Covenant minimum tax per mu, yuan.
        pub min_tax_per_mu: Option<f64>,
        pub min_far: Option<f64>,
    }
    no_relations!();
}

pub mod building {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "buildings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub plot_id: i64,
        pub name: String,
        pub building_type: String,
        pub storeys: Option<i32>,
        pub floor_area_m2: f64,
        pub clear_height_m: Option<f64>,
        pub floor_load_kn: Option<f64>,
        pub power_kva: Option<f64>,
        pub lifts: Option<i32>,
        pub env_max: Option<String>,
        pub hazardous_ok: bool,
        pub year_built: Option<i32>,
    }
    no_relations!();
}

pub mod unit {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub building_id: i64,
        pub name: String,
        pub floor: Option<String>,
        pub area_m2: f64,
        pub status: String,
        /// Yuan per m² per month: the current lease's rent when leased, the asking rent otherwise.
        pub rent: Option<f64>,
        pub last_verified: Option<Date>,
    }
    no_relations!();
}

pub mod lease {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "leases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub unit_id: i64,
        pub tenant_id: Option<i64>,
        pub tenant_name: Option<String>,
        pub start_on: Date,
        pub end_on: Date,
        /// Yuan per m² per month.
        pub rent: f64,
    }
    no_relations!();
}

pub mod land_rules {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "land_rules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        /// `devzone_core::land::idle::LandRules` as JSON.
        pub rules: String,
    }
    no_relations!();
}

pub mod revitalisation_case {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "revitalisation_cases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub title: String,
        pub plot_id: Option<i64>,
        pub building_id: Option<i64>,
        pub plan: String,
        pub stage: String,
        pub reason: Option<String>,
        pub area_m2: Option<f64>,
        /// Shares, 0–1.
        pub occupancy_before: Option<f64>,
        pub occupancy_after: Option<f64>,
        /// Yuan a year.
        pub expected_rent: Option<f64>,
        pub actual_rent: Option<f64>,
        pub handed_over_on: Option<Date>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod revitalisation_step {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "revitalisation_steps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub title: String,
        pub responsible: Option<String>,
        pub due_on: Option<Date>,
        pub done_on: Option<Date>,
    }
    no_relations!();
}

pub mod revitalisation_project {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "revitalisation_projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub case_id: i64,
        pub name: String,
        pub enterprise_id: Option<i64>,
        /// Yuan; output and tax are expected annual figures.
        pub investment: Option<f64>,
        pub output: Option<f64>,
        pub tax: Option<f64>,
    }
    no_relations!();
}
