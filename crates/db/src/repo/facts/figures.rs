//! The one reader of current figures for computations: evaluation, land, chains and tracks.

use crate::DbResult;
use crate::entities::fact_value;
use devzone_core::facts::{Centi, FactField};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
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
    /// The fact row, for explanations that cite it.
    pub fact_id: i64,
    pub year: i32,
    /// The value in the field's stored unit (yuan, people, 0/1), when numeric.
    pub value: Option<f64>,
    pub text: Option<String>,
}

/// fact id, enterprise, field, year, value, text: as [`current_figures`] selects them.
pub(super) type FigureRow = (i64, i64, String, i32, Option<i64>, Option<String>);

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
    let names: Vec<&str> = fields.iter().map(|f| f.id()).collect();
    let mut out: HashMap<(i64, FactField), Figure> = HashMap::new();
    for chunk in enterprise_ids.chunks(IDS_PER_QUERY) {
        let mut q = fact_value::Entity::find()
            .select_only()
            .columns([
                fact_value::Column::Id,
                fact_value::Column::EnterpriseId,
                fact_value::Column::Field,
                fact_value::Column::Year,
                fact_value::Column::Value,
                fact_value::Column::TextValue,
            ])
            .filter(fact_value::Column::EnterpriseId.is_in(chunk.to_vec()))
            .filter(fact_value::Column::Current.eq(true))
            .filter(fact_value::Column::Field.is_in(names.clone()));
        if let Year::Of(y) = year_mode {
            q = q.filter(fact_value::Column::Year.eq(y));
        }
        // Tuples decode by position, markedly faster than models by column name.
        let rows: Vec<FigureRow> = q.into_tuple().all(db).await?;
        for (fact_id, enterprise_id, field, year, value, text) in rows {
            let Some(field) = FactField::parse(&field) else {
                continue;
            };
            // The latest year of a figure is the latest year it has a number; a text-only
            // row (a veto note) says nothing about it.
            let skip = match year_mode {
                Year::Latest => value.is_none(),
                Year::Of(_) => value.is_none() && text.is_none(),
            };
            if skip {
                continue;
            }
            let figure = Figure {
                fact_id,
                year,
                value: value.map(|v| Centi(v).to_f64()),
                text,
            };
            match out.entry((enterprise_id, field)) {
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
