//! The crate's integration tests, linked as one binary (one link instead of one per file).
#![allow(clippy::unwrap_used)]

mod chain_taxonomy;
mod hostile_text;
mod import_check;
mod land_rules;
mod permu_properties;
mod permu_rules;
