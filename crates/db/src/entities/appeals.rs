//! Serving enterprises: visits, appeals and their events, each zone's appeal rules and each
//! zone's working calendar.

pub mod appeal {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "appeals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub enterprise_id: i64,
        /// The enterprise's park when the appeal was received.
        pub park_id: Option<i64>,
        pub title: String,
        pub description: String,
        /// A category id of the zone's rules.
        pub category: String,
        /// `devzone_core::appeals::Urgency`, `Channel`, `AppealState` ids.
        pub urgency: String,
        pub channel: String,
        pub state: String,
        /// A department id of the zone's rules.
        pub department: Option<String>,
        pub received_on: Date,
        pub acknowledge_due: Date,
        pub answer_due: Date,
        pub resolve_due: Date,
        pub waiting_due: Option<Date>,
        pub assigned_on: Option<Date>,
        pub first_answer_on: Option<Date>,
        pub answered_on: Option<Date>,
        pub closed_on: Option<Date>,
        /// `devzone_core::appeals::Resolution` id, once closed.
        pub resolution: Option<String>,
        pub reopens: i32,
        pub rating: Option<i16>,
        pub rating_comment: Option<String>,
        pub raised_by: String,
        pub visit_id: Option<i64>,
        pub last_event_on: Date,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod appeal_event {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A dated event of an appeal: `created` or an action.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "appeal_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub appeal_id: i64,
        pub zone_id: i64,
        pub on: Date,
        pub action: String,
        pub from_state: Option<String>,
        pub to_state: String,
        pub department: Option<String>,
        pub note: Option<String>,
        pub rating: Option<i16>,
        /// Taken by the enterprise's own account (else by an officer, on the enterprise's
        /// word for its acts).
        pub by_enterprise: bool,
        pub username: String,
        pub at: DateTimeUtc,
    }
    no_relations!();
}

pub mod appeal_rules {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "appeal_rules")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        /// `devzone_core::appeals::AppealRules` as JSON.
        pub content: String,
    }
    no_relations!();
}

pub mod work_calendar {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "work_calendars")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub zone_id: i64,
        /// `devzone_core::calendar::WorkCalendar` as JSON.
        pub content: String,
    }
    no_relations!();
}

pub mod visit {
    use sea_orm::entity::prelude::*;
    use serde::{Deserialize, Serialize};

    /// A visit to an enterprise, planned (`visited_on` empty) or made.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
    #[sea_orm(table_name = "visits")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub zone_id: i64,
        pub enterprise_id: i64,
        /// The enterprise's park when the visit was recorded.
        pub park_id: Option<i64>,
        pub officer: String,
        pub planned_on: Option<Date>,
        pub visited_on: Option<Date>,
        /// `devzone_core::appeals::visits::VisitTopic` ids, comma-separated.
        pub topics: String,
        pub issues: Option<String>,
        pub policies: Option<String>,
        pub next_step: Option<String>,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}
