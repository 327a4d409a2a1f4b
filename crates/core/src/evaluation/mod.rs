//! Per-mu evaluation (亩均论英雄): schemes, the engine, and the file-mode table reader and
//! writer. Binding semantics: docs/per-mu-default.md; scheme format: docs/per-mu-schemes.md.

pub mod engine;
pub mod improve;
pub mod measure;
pub mod output;
pub mod sample;
pub mod scheme;
pub mod table;

pub use engine::{Dataset, Evaluation, Options, Row, evaluate};
pub use measure::Measure;
pub use scheme::Scheme;
