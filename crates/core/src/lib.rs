//! devzone's domain: checked value types, reference tables, vocabularies, validation and the
//! demo generator. Pure: no IO beyond the embedded tables, no async, no database.

pub mod appeals;
pub mod calendar;
pub mod chain;
pub mod credit_code;
pub mod demo;
pub mod evaluation;
pub mod facts;
pub mod import;
pub mod investment;
pub mod land;
pub mod model;
pub mod reference;
pub mod secret;
pub mod tiers;
pub mod validate;

pub use credit_code::CreditCode;
pub use facts::{Centi, FactField};
