//! The one reader of current figures for computations: evaluation, land, chains and tracks.

use crate::DbResult;
use devzone_core::facts::{Centi, FactField};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// Which year's figures [`current_figures`] reads.
#[derive(Debug, Clone, Copy)]
pub enum Year {
    /// The latest year each enterprise has the field on record.
    Latest,
    /// One given year.
    Of(i32),
}

/// A current figure as computations read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The set that recorded it, for explanations that cite it.
    pub fact_id: i64,
    pub year: i32,
    /// The value in the field's stored unit (yuan, people, 0/1), when numeric.
    pub value: Option<f64>,
    pub text: Option<String>,
}

/// How many enterprise ids one query names: well inside the bind limits of SQLite and
/// PostgreSQL, and large enough that a zone of 100,000 takes ten queries.
pub const IDS_PER_QUERY: usize = 10_000;

/// The current figures of `fields` for the given enterprises in `year`, keyed by enterprise
/// and field: the one reader of "the figures an evaluation, a plot or a chain works with".
/// Figures without a value or text are left out, and with [`Year::Latest`] those without a
/// number.
pub async fn current_figures<C: ConnectionTrait>(
    db: &C,
    enterprise_ids: &[i64],
    fields: &[FactField],
    year_mode: Year,
) -> DbResult<HashMap<(i64, FactField), Figure>> {
    let years = match year_mode {
        Year::Of(y) => Some(vec![y]),
        Year::Latest => None,
    };
    let current = super::packed::current_of(db, enterprise_ids, years.as_deref()).await?;
    let mut out: HashMap<(i64, FactField), Figure> = HashMap::new();
    for ((enterprise_id, year), figures) in current {
        for field in fields {
            let Some((p, set)) = figures.get(field) else {
                continue;
            };
            // The latest year of a figure is the latest year it has a number; a text-only
            // figure (a veto note) says nothing about it.
            if matches!(year_mode, Year::Latest) && p.value().is_none() {
                continue;
            }
            let figure = Figure {
                fact_id: *set,
                year,
                value: p.value().map(|v| Centi(v).to_f64()),
                text: p.text().map(str::to_owned),
            };
            match out.entry((enterprise_id, *field)) {
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    if figure.year > o.get().year {
                        o.insert(figure);
                    }
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(figure);
                }
            }
        }
    }
    Ok(out)
}
