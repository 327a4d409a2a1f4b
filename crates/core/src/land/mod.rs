//! Land, buildings and space: boundaries, idle and low-efficiency rules, occupancy and rent,
//! and matching space requirements. Pure functions over plain figures; the database and the
//! pages feed them.

pub mod geometry;
pub mod idle;
pub mod matching;
pub mod occupancy;
pub mod sheet;
pub mod validate;
