//! Zones, parks, the enterprise registry and its facts.

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

pub mod fact_set {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// The figures one entry recorded for one enterprise and year from one source: a form
    /// saved, a row of an import. Every figure in it is a version of that figure; sets are
    /// never updated, so earlier versions stay as history. `figures` is a JSON object of
    /// field id to hundredths (a number) or text (see `repo::facts::packed`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "fact_sets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enterprise_id: i64,
        pub year: i32,
        pub source: String,
        pub as_of: Date,
        pub entered_by: String,
        pub entered_at: DateTimeUtc,
        /// The import that brought this set, if one did (for revert).
        pub import_id: Option<i64>,
        pub figures: String,
    }
    no_relations!();
}

pub mod fact_current {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// The current version of every figure of an enterprise and year, derived from its
    /// sets by source precedence and kept in the same transaction as every write:
    /// `figures` is a JSON object of field id to [value, set id].
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "fact_current")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub enterprise_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        pub figures: String,
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
