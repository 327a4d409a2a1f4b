//! SeaORM entities: one module per table, grouped in one file per aggregate. Only this crate
//! names them.
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

mod accounts;
mod appeals;
mod chains;
mod evaluation;
mod imports;
mod investment;
mod land;
mod reference;
mod registry;
mod requirements;

pub use accounts::{api_token, audit, session, user, user_zone};
pub use appeals::{appeal, appeal_event, appeal_rules, visit, work_calendar};
pub use chains::{
    chain_mapping, chain_settings, chain_target, chain_taxonomy, province_total, track_record,
    track_stage,
};
pub use evaluation::{evaluation_result, evaluation_run, evaluation_scheme};
pub use imports::{import, import_enterprise, import_mapping, import_upload, job};
pub use investment::{investment_rules, project, project_event, project_funds};
pub use land::{
    building, land_rules, lease, plot, revitalisation_case, revitalisation_project,
    revitalisation_step, unit,
};
pub use reference::{division, industry_code, listed_zone, meta};
pub use registry::{
    enterprise, fact_current, fact_precedence, fact_set, park, qualification, zone,
};
pub use requirements::{requirement, requirement_match};
