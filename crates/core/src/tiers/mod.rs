//! Tiered cultivation (梯度培育): the rule sets that say which tier of SME an enterprise
//! qualifies for, read exactly (`amount`), effective-dated (`rule_sets`), the file mode's
//! rows (`file`), and how far an enterprise is from a title (`distance`). The research notes
//! behind them are in docs/tiers.md.

pub mod amount;
pub mod distance;
pub mod file;
pub mod innovative_2022;
pub mod rule_sets;
pub mod sample;
pub mod sme_size;
