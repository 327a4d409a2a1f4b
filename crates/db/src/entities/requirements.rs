//! Space requirements (用地用房需求) and their matches.

pub mod requirement {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
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
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod requirement_match {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
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
        pub updated_at: DateTimeUtc,
    }
    no_relations!();
}
