//! Schema metadata and the embedded reference tables.

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
