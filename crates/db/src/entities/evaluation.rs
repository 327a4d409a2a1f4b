//! The per-mu evaluation (亩均评价): schemes, runs and results.

pub mod evaluation_scheme {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A per-mu evaluation scheme a zone added (the built-in ones live in the binary).
    /// Rows are never updated: a change is a new version.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "evaluation_schemes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub name: String,
        pub version: i32,
        pub effective_year: i32,
        /// The TOML text, exactly as validated.
        pub source: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod evaluation_run {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// One evaluation of a zone's enterprises for one data year. Immutable once done: it
    /// keeps the scheme text it used and, in its results, the input values and their
    /// fact-version ids, so it can be recomputed and checked at any later time.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "evaluation_runs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub year: i32,
        pub scheme_name: String,
        pub scheme_version: i32,
        pub scheme_source: String,
        /// running, done or failed.
        pub status: String,
        /// 0–100.
        pub progress: i32,
        pub error: Option<String>,
        /// JSON: counts per group and class, cohorts with benchmarks and imputed scores.
        pub summary: Option<String>,
        /// SHA-256 over the inputs, in enterprise order.
        pub inputs_digest: Option<String>,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        pub published_by: Option<String>,
        pub published_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod evaluation_result {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// One enterprise's result in a run.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "evaluation_results")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub run_id: i64,
        pub enterprise_id: i64,
        pub credit_code: String,
        pub name: String,
        pub park_id: Option<i64>,
        pub industry_code: String,
        /// The group id, or out_of_scope / invalid.
        pub grp: String,
        pub total: Option<f64>,
        pub rank: Option<i32>,
        pub group_size: Option<i32>,
        /// Class name, "not_rated", or None when out of scope or invalid.
        pub class: Option<String>,
        /// Rule id and explanation when out of scope or invalid; the veto reason.
        pub reason: Option<String>,
        /// Inputs used, in evaluation units, for rankings by park and division.
        pub land_mu: Option<f64>,
        pub tax: Option<f64>,
        pub value_added: Option<f64>,
        /// JSON: every input value with the id of the fact version it came from.
        pub inputs: String,
        /// JSON: per indicator value, benchmark, ratio, score, imputed.
        pub trace: String,
    }
    no_relations!();
}
