//! What an evaluation reads for each enterprise: its current figures of the year, its
//! qualifications and industry, each value with the fact it came from.

use crate::entities::{enterprise, fact_current};
use crate::repo::facts::packed::decode_current;
use crate::{DbError, DbResult};
use devzone_core::FactField;
use devzone_core::evaluation::engine::{IndicatorTrace, MISSING};
use devzone_core::evaluation::{Measure, Row, Scheme};
use devzone_core::facts::Centi;
use devzone_core::model::QualificationKind;
use devzone_core::reference::{IndustryEdition, industries};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One input value and the fact version it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Used<T> {
    pub v: T,
    /// fact_values.id
    pub fact: i64,
}

/// The inputs of one enterprise, as stored with its result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Inputs {
    pub industry_code: String,
    /// Measure id → value in evaluation units.
    pub values: BTreeMap<String, Used<f64>>,
    pub above_scale: Option<Used<bool>>,
    pub veto: Option<Used<String>>,
    /// Qualification kinds held during the year.
    pub flags: Vec<String>,
    pub established: Option<i32>,
}

/// The flags a database-mode row can carry: qualification kinds.
pub fn flag_names() -> Vec<String> {
    QualificationKind::ALL
        .iter()
        .map(|k| k.id().to_string())
        .collect()
}

impl Inputs {
    /// The engine row; None when the industry code is not a GB/T 4754-2017 class.
    pub fn row(&self, year: i32, flag_names: &[String]) -> Option<Row> {
        let e = industries(IndustryEdition::Amended)
            .get(&self.industry_code)
            .filter(|e| e.level == "小类")?;
        let mut values = [MISSING; 10];
        for m in Measure::ALL {
            if let Some(u) = self.values.get(m.id()) {
                values[m.index()] = u.v;
            }
        }
        let flags = self
            .flags
            .iter()
            .filter_map(|f| flag_names.iter().position(|n| n == f))
            .fold(0u64, |acc, i| acc | 1 << i);
        Some(Row {
            year,
            section: e.section.as_bytes()[0],
            division: e.division.parse().unwrap_or(0),
            values,
            above_scale: self.above_scale.as_ref().map(|u| u.v),
            vetoed: self.veto.is_some(),
            flags,
            established: self.established,
        })
    }
}

/// The per-indicator trace as stored (JSON-friendly).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredIndicator {
    pub id: String,
    pub value: Option<f64>,
    pub benchmark: Option<f64>,
    pub ratio: Option<f64>,
    pub score: f64,
    pub imputed: bool,
}

pub fn store_trace(s: &Scheme, group: usize, t: &[IndicatorTrace]) -> Vec<StoredIndicator> {
    t.iter()
        .map(|x| StoredIndicator {
            id: s.groups[group].indicators[x.index].id.clone(),
            value: x.value,
            benchmark: x.benchmark,
            ratio: x.ratio,
            score: x.score,
            imputed: x.imputed,
        })
        .collect()
}

/// A slim enterprise row: what a run reads and stores of each enterprise.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Subject {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
    pub industry_code: String,
    pub founded_on: Option<chrono::NaiveDate>,
}

/// Reads the inputs of every enterprise of the zone for the year, in enterprise id order.
/// Each query covers a range of the zone's enterprises (subqueries by zone and id range,
/// not lists of ids) and decodes rows by position, because at 100,000 enterprises the
/// driver's cost per row and per named column is most of the time; memory stays bounded by
/// the inputs, not by the driver's rows.
pub async fn load_inputs<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    year: i32,
) -> DbResult<Vec<(Subject, Inputs)>> {
    type SubjectRow = (
        i64,
        String,
        String,
        Option<i64>,
        String,
        Option<chrono::NaiveDate>,
    );
    let ents: Vec<SubjectRow> = enterprise::Entity::find()
        .select_only()
        .columns([
            enterprise::Column::Id,
            enterprise::Column::CreditCode,
            enterprise::Column::Name,
            enterprise::Column::ParkId,
            enterprise::Column::IndustryCode,
            enterprise::Column::FoundedOn,
        ])
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .order_by_asc(enterprise::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let by_fact: HashMap<FactField, Measure> =
        Measure::ALL.iter().map(|m| (m.fact(), *m)).collect();
    let year_start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).ok_or(DbError::NotFound)?;
    let year_end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or(DbError::NotFound)?;
    let mut out = Vec::with_capacity(ents.len());
    for chunk in ents.chunks(crate::repo::facts::IDS_PER_QUERY) {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let of_chunk = || {
            sea_orm::sea_query::Query::select()
                .column(enterprise::Column::Id)
                .from(enterprise::Entity)
                .and_where(enterprise::Column::ZoneId.eq(zone_id))
                .and_where(enterprise::Column::Id.between(first.0, last.0))
                .to_owned()
        };
        let figures: Vec<(i64, String)> = fact_current::Entity::find()
            .select_only()
            .columns([
                fact_current::Column::EnterpriseId,
                fact_current::Column::Figures,
            ])
            .filter(fact_current::Column::Year.eq(year))
            .filter(fact_current::Column::EnterpriseId.in_subquery(of_chunk()))
            .into_tuple()
            .all(db)
            .await?;
        let quals =
            crate::repo::enterprises::kinds_valid(db, of_chunk(), year_start, year_end).await?;
        let mut by_ent: HashMap<i64, Inputs> = HashMap::with_capacity(chunk.len());
        for (enterprise_id, packed) in figures {
            let inp = by_ent.entry(enterprise_id).or_default();
            for (field, (p, set)) in decode_current(&packed) {
                if let Some(m) = by_fact.get(&field) {
                    if let Some(v) = p.value() {
                        inp.values.insert(
                            m.id().to_string(),
                            Used {
                                v: Centi(v).to_f64() / m.stored_per_unit(),
                                fact: set,
                            },
                        );
                    }
                } else if field == FactField::AboveScale {
                    inp.above_scale = p.value().map(|v| Used {
                        v: v != 0,
                        fact: set,
                    });
                } else if field == FactField::Veto {
                    inp.veto = p.text().filter(|t| !t.trim().is_empty()).map(|t| Used {
                        v: t.to_string(),
                        fact: set,
                    });
                }
            }
        }
        for (enterprise_id, kind) in quals {
            let flags = &mut by_ent.entry(enterprise_id).or_default().flags;
            if !flags.contains(&kind) {
                flags.push(kind);
            }
        }
        for (id, credit_code, name, park_id, industry_code, founded_on) in chunk {
            let mut inp = by_ent.remove(id).unwrap_or_default();
            inp.industry_code = industry_code.clone();
            inp.flags.sort();
            inp.established = founded_on.map(|d| chrono::Datelike::year(&d));
            let subject = Subject {
                id: *id,
                credit_code: credit_code.clone(),
                name: name.clone(),
                park_id: *park_id,
                industry_code: industry_code.clone(),
                founded_on: *founded_on,
            };
            out.push((subject, inp));
        }
    }
    Ok(out)
}
