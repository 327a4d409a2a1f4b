//! Industry chains: taxonomies, placements of enterprises, targets, tracks and province totals.

pub mod chain_mapping {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// An enterprise placed on a chain node: suggested by the rules, confirmed or rejected by
    /// an officer, or added by hand.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "chain_mappings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub enterprise_id: i64,
        pub taxonomy: String,
        pub node_id: String,
        /// suggested, confirmed or rejected.
        pub state: String,
        /// rule or manual.
        pub origin: String,
        pub confidence: Option<f64>,
        /// JSON list of `devzone_core::chain::suggest::Evidence`.
        pub evidence: String,
        /// Flagged by an officer as a leading enterprise of the node, whatever its revenue.
        pub leading: bool,
        pub updated_by: String,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod chain_taxonomy {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A zone's own version of a taxonomy (TOML); the newest one replaces the shipped file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "chain_taxonomies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub taxonomy: String,
        pub version: String,
        pub source: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod chain_settings {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "chain_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        /// `devzone_core::chain::gap::Thresholds` as JSON.
        pub settings: String,
    }
    no_relations!();
}

pub mod chain_target {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "chain_targets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub name: String,
        /// `devzone_core::chain::target::Metric` as JSON.
        pub metric: String,
        pub target_value: f64,
        pub baseline_value: f64,
        pub baseline_on: Date,
        pub deadline: Date,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod track_record {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// One item of a track's "seven batches": a plan, policy, park, key project, fund,
    /// frontier technology or achievement.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "track_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub taxonomy: String,
        pub track_id: String,
        pub kind: String,
        pub title: String,
        pub detail: Option<String>,
        pub on_date: Option<Date>,
        /// Yuan (a fund's size, a project's investment).
        pub amount: Option<f64>,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod track_stage {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "track_stages")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub taxonomy: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub track_id: String,
        /// early, growing or mature.
        pub stage: String,
    }
    no_relations!();
}

pub mod province_total {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A province's total for one industry division and year, for location quotients.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "province_totals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        /// GB/T 4754 division (two digits).
        pub division: String,
        pub year: i32,
        pub employees: Option<f64>,
        /// Yuan.
        pub revenue: Option<f64>,
    }
    no_relations!();
}
