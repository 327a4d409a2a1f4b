//! Enterprise appeals (企业诉求): what an enterprise asks of the zone, routed to a department
//! with deadlines in working days, answered, and closed as solved only on the enterprise's
//! word; the metrics that tell closure from resolution. Pure: the database layer stores
//! appeals and their events and hands them here.

pub mod metrics;
pub mod progress;
pub mod rules;
pub mod states;
pub mod station;
pub mod validate;
pub mod visits;

pub use rules::AppealRules;
pub use states::{AppealAction, AppealState, Channel, Resolution, Urgency};
