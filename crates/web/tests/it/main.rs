//! The crate's integration tests, linked as one binary (one link instead of one per file).
#![allow(clippy::unwrap_used)]

mod appeals_api;
mod http;
mod imports_api;
mod investment_api;
mod tiers_api;
