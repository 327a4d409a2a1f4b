//! The crate's integration tests, linked as one binary (one link instead of one per file).
#![allow(clippy::unwrap_used)]

mod chain_taxonomy;
mod evaluation_properties;
mod evaluation_rules;
mod hostile_text;
mod import_check;
mod land_rules;
mod tier_distance;
mod tier_rules;
