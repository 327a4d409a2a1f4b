//! The crate's integration tests, linked as one binary (one link instead of one per file).
#![allow(clippy::unwrap_used)]

mod browser;
mod evaluate_cli;
mod import_cli;
mod tiers_cli;
