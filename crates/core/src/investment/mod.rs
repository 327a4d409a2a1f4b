//! Investment attraction (招商引资): the project pipeline from lead to full output, the rules
//! that keep it honest (response and screening deadlines, follow-up reports, stalls, what
//! counts as a success), and the year's figures with their formulas. Pure: the database
//! layer reads projects and their events and hands them here.

pub mod figures;
pub mod rules;
pub mod stages;
pub mod validate;

pub use rules::PipelineRules;
pub use stages::{Stage, StageGroup};
