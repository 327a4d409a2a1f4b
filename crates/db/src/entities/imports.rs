//! Spreadsheet imports: the record of each import and what it touched, header mappings and uploads.

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

pub mod job {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// Long work (an import commit, …) and its progress; see `repo::jobs`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "jobs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `import` (a spreadsheet import's commit).
        pub kind: String,
        pub zone_id: Option<i64>,
        pub username: String,
        /// What the job works on (for `import`: the upload).
        pub subject_id: Option<i64>,
        /// `running`, `done`, `failed` or `cancelled`.
        pub state: String,
        pub done: i64,
        pub total: i64,
        /// What the job made (for `import`: the import; None when nothing changed).
        pub result_id: Option<i64>,
        /// JSON object of counts the job reports at its end.
        pub counts: Option<String>,
        pub error: Option<String>,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }
    no_relations!();
}
