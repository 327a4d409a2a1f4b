//! Investment attraction: projects, their events and yearly funds, and each zone's pipeline
//! rules. Money in yuan (FDI in USD), as `f64` like the land tables.

pub mod project {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub name: String,
        pub enterprise_id: Option<i64>,
        pub investor: Option<String>,
        pub country: Option<String>,
        pub parent_group: Option<String>,
        pub fortune_global_500: bool,
        pub china_500: bool,
        pub private_500: bool,
        pub industry_code: Option<String>,
        pub chain_node: Option<String>,
        pub total_yuan: Option<f64>,
        pub fixed_yuan: Option<f64>,
        pub currency: String,
        pub contracted_fdi_usd: Option<f64>,
        pub output_yuan: Option<f64>,
        pub tax_yuan: Option<f64>,
        pub jobs: Option<i64>,
        pub land_mu: Option<f64>,
        pub space_m2: Option<f64>,
        pub source: Option<String>,
        pub officer: Option<String>,
        pub confidential: bool,
        /// `devzone_core::investment::Stage` id, and since when.
        pub stage: String,
        pub stage_on: Date,
        pub received_on: Date,
        pub acknowledged_on: Option<Date>,
        pub screened_on: Option<Date>,
        pub signed_on: Option<Date>,
        pub registered_on: Option<Date>,
        pub started_on: Option<Date>,
        pub completed_on: Option<Date>,
        pub producing_on: Option<Date>,
        pub last_activity_on: Date,
        pub last_report_on: Option<Date>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod project_event {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A dated event of a project: created, a stage change, a follow-up report, an activity,
    /// the lead acknowledged.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "project_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub zone_id: i64,
        pub on: Date,
        /// `created`, `stage`, `report`, `activity` or `acknowledged`.
        pub kind: String,
        pub from_stage: Option<String>,
        pub to_stage: Option<String>,
        pub note: Option<String>,
        /// Why a change the rules refuse was made anyway.
        pub exception: Option<String>,
        pub username: String,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

pub mod project_funds {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// What a project brought in one year: funds received (到位资金, yuan) and FDI actually
    /// used (实际使用外资, USD).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "project_funds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub project_id: i64,
        pub zone_id: i64,
        pub year: i32,
        pub received_yuan: f64,
        pub fdi_used_usd: f64,
    }
    no_relations!();
}

pub mod investment_rules {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "investment_rules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        /// `devzone_core::investment::PipelineRules` as JSON.
        pub rules: String,
    }
    no_relations!();
}
