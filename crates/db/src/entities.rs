//! SeaORM entities: one module per table. Only this crate names them.
//!
//! Conventions: quantities are `i64` hundredths of the stored unit (see
//! `devzone_core::facts::Centi`); lists (former names, tags) are JSON arrays in a text column;
//! vocabularies are their snake_case ids; timestamps are UTC.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod zone {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "zones")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub kind: String,
        pub gbt37028_code: Option<String>,
        pub province_code: String,
        pub city_code: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod park {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "parks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub name: String,
        pub theme: Option<String>,
        /// GeoJSON Polygon or MultiPolygon geometry.
        pub boundary: Option<String>,
    }
    no_relations!();
}

pub mod enterprise {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "enterprises")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub park_id: Option<i64>,
        pub credit_code: String,
        pub name: String,
        /// JSON array of earlier names.
        pub former_names: String,
        pub industry_code: String,
        pub address: Option<String>,
        pub division_code: Option<String>,
        pub ownership: String,
        pub source_country: Option<String>,
        pub fortune500_parent: Option<String>,
        pub founded_on: Option<Date>,
        /// Yuan, hundredths.
        pub registered_capital: Option<i64>,
        /// JSON array of free tags.
        pub tags: String,
        /// Derived from the latest year's current facts, for filtering and sorting lists.
        pub above_scale: Option<bool>,
        pub latest_revenue: Option<i64>,
        pub latest_year: Option<i32>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// 经营范围 and 主要产品: what the chain suggestions read.
        pub business_scope: Option<String>,
        pub main_products: Option<String>,
    }
    no_relations!();
}

pub mod qualification {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "qualifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enterprise_id: i64,
        pub kind: String,
        pub valid_from: Date,
        pub valid_to: Option<Date>,
        pub certificate_no: Option<String>,
    }
    no_relations!();
}

pub mod fact_value {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// One version of one figure. The current version of (enterprise, year, field) has
    /// `current = true`; earlier versions stay as history and are never updated again.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "fact_values")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enterprise_id: i64,
        pub year: i32,
        pub field: String,
        /// Hundredths of the field's stored unit; None for text fields.
        pub value: Option<i64>,
        pub text_value: Option<String>,
        pub source: String,
        pub as_of: Date,
        pub entered_by: String,
        pub entered_at: DateTimeUtc,
        pub current: bool,
        /// The import that brought this version, if one did (for revert).
        pub import_id: Option<i64>,
    }
    no_relations!();
}

pub mod user {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub role: String,
        pub enterprise_id: Option<i64>,
        pub disabled: bool,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub locale: Option<String>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod user_zone {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "user_zones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// SHA-256 of the cookie value.
        pub token_digest: String,
        pub user_id: i64,
        pub csrf_token: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub name: String,
        pub token_digest: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        pub last_used_at: Option<DateTimeUtc>,
        /// None: valid until revoked.
        pub expires_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod audit {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub user_id: Option<i64>,
        pub username: String,
        /// create / update / delete / login / …
        pub action: String,
        pub entity: String,
        pub entity_id: Option<i64>,
        pub zone_id: Option<i64>,
        /// JSON of the record before and after the change.
        pub before: Option<String>,
        pub after: Option<String>,
        pub request_id: Option<String>,
    }
    no_relations!();
}

pub mod meta {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "meta")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }
    no_relations!();
}

pub mod industry_code {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "industry_codes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub edition: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub level: String,
        pub name: String,
        pub parent_code: String,
        pub section: String,
        pub division: String,
    }
    no_relations!();
}

pub mod division {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "divisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name: String,
        pub level: String,
        pub parent_code: String,
        pub province_code: String,
    }
    no_relations!();
}

pub mod listed_zone {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "listed_zones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name: String,
        pub province_code: String,
        pub type_code: String,
        pub type_name: String,
        pub prefecture_code: String,
    }
    no_relations!();
}

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

pub mod import {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// One committed spreadsheet import, with its counts and report.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "imports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub kind: String,
        pub source: String,
        pub year: Option<i32>,
        pub file_name: String,
        pub file_sha256: String,
        pub sheet: String,
        /// `committed` or `reverted`.
        pub status: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub rows_read: i32,
        pub rejected: i32,
        pub warnings: i32,
        pub inserted: i32,
        pub updated: i32,
        pub unchanged: i32,
        /// New versions kept as history because a source of higher precedence is current.
        pub not_current: i32,
        pub enterprises_created: i32,
        pub enterprises_updated: i32,
        /// JSON array of the check's problems (capped).
        pub report: String,
        pub reverted_by: Option<String>,
        pub reverted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod import_enterprise {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// An enterprise an import created (`before` is None) or changed.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "import_enterprises")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub import_id: i64,
        pub enterprise_id: i64,
        pub before: Option<String>,
        pub after: String,
    }
    no_relations!();
}

pub mod import_mapping {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// The column mapping last used for a header layout, so that it arrives mapped.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "import_mappings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub signature: String,
        pub source: String,
        pub kind: String,
        pub mapping: String,
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod import_upload {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A file uploaded in the browser, kept between the mapping and commit steps.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "import_uploads")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub user_id: Option<i64>,
        pub file_name: String,
        pub bytes: Vec<u8>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod fact_precedence {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A zone's order of sources for one field, best first (comma-separated ids).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "fact_precedence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub field: String,
        pub sources: String,
    }
    no_relations!();
}

pub mod plot {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = Plot)]
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

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = Building)]
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

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = Unit)]
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

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = Lease)]
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

pub mod requirement {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = Requirement)]
    #[sea_orm(table_name = "requirements")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub title: String,
        pub enterprise_id: Option<i64>,
        pub prospect: Option<String>,
        /// The matching criteria (`devzone_core::land::matching::Requirement`) as JSON.
        pub spec: String,
        pub note: Option<String>,
        /// open, met or closed.
        pub status: String,
        pub created_by: String,
        #[schema(value_type = String)]
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod requirement_match {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = RequirementMatch)]
    #[sea_orm(table_name = "requirement_matches")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub requirement_id: i64,
        /// unit or plot.
        pub candidate_kind: String,
        pub candidate_id: i64,
        pub stage: String,
        pub note: Option<String>,
        #[schema(value_type = String)]
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod revitalisation_case {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = RevitalisationCase)]
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
        #[schema(value_type = String)]
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod revitalisation_step {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = RevitalisationStep)]
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

    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = RevitalisationProject)]
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

pub mod chain_mapping {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// An enterprise placed on a chain node: suggested by the rules, confirmed or rejected by
    /// an officer, or added by hand.
    #[derive(
        Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize, utoipa::ToSchema,
    )]
    #[schema(as = ChainMapping)]
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
        #[schema(value_type = String)]
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
