//! Industry chains: taxonomies as data, the shipped taxonomies, and rule-based suggestions
//! of which chain nodes an enterprise belongs to, with their evidence.

pub mod gap;
pub mod lq;
pub mod province;
pub mod shipped;
pub mod suggest;
pub mod target;
pub mod taxonomy;
