//! The crate's integration tests, linked as one binary (one link instead of one per file).
#![allow(clippy::unwrap_used)]

mod appeals;
mod chains;
mod evaluation;
mod imports;
mod land;
mod memo;
mod projects;
mod storage;
