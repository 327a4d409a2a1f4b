//! Tiers from what devzone stores: each enterprise's 2022 innovative-SME assessment and its
//! distance to the title, read from its own latest figures (of the year before the as-of
//! year, or an earlier one when it has not reported yet) and the year before them, its
//! industry and the qualifications it holds on the as-of date; and the zone's titles held,
//! listed by year and ending soon. Each enterprise is read at its own latest year, so that
//! the first reports of a new year do not leave the rest of the zone without figures.
//!
//! What the registry does not record counts as absent, and is said so on every answer
//! (`NOT_RECORDED`): awards, R&D institutions, equity financing, which class-I rights are
//! high-value or self-developed, whether the main product is a strategic emerging one, and
//! the compliance lists. An enterprise may therefore qualify by a direct condition devzone
//! cannot see; a high-tech enterprise title (a qualification) is seen and counts as the
//! honour it is.

use crate::DbResult;
use crate::entities::{enterprise, fact_current, qualification};
use crate::repo::facts::packed::decode_current;
use chrono::{Datelike, NaiveDate};
use devzone_core::FactField;
use devzone_core::model::QualificationKind;
use devzone_core::reference::{IndustryEdition, industries};
use devzone_core::tiers::amount::Amount;
use devzone_core::tiers::distance::{Distance, distance};
use devzone_core::tiers::innovative_2022::{Assessment, Input, assess};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap};

/// The rule set these assessments follow.
pub const RULES: &str = "innovative-sme-2022";

/// The title the rule set gives.
pub const TITLE: QualificationKind = QualificationKind::InnovativeSme;

/// The inputs of the rule set that devzone does not record.
pub const NOT_RECORDED: [&str; 8] = [
    "award_3y",
    "rd_institution",
    "equity_financing_3y",
    "ip_class1_high_value",
    "ip_class1_self",
    "sei_field",
    "honours (other than high_tech)",
    "abnormal_list, dishonest_list, major_accident_3y",
];

/// How many years before the as-of year an enterprise's latest figures may be: older
/// figures say nothing about a title applied for now.
pub const YEARS_BACK: i32 = 3;

/// Titles ending within this many days are listed as ending soon.
pub const ENDING_WITHIN_DAYS: i64 = 180;

/// One enterprise assessed.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
    /// The year of the figures read; None when it has none in the `YEARS_BACK` years.
    pub year: Option<i32>,
    /// Qualification kinds held on the as-of date.
    pub held: Vec<String>,
    pub input: Input,
    pub assessment: Assessment,
    pub distance: Distance,
}

/// A title that ends soon (or has just ended), for the 复核 and renewal list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ending {
    pub enterprise_id: i64,
    pub name: String,
    pub kind: String,
    pub valid_to: NaiveDate,
    pub certificate_no: Option<String>,
}

/// A candidate of the zone: not holding the title, and eligible or at most
/// `distance::MAX_CHANGES` changes away.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub name: String,
    pub park_id: Option<i64>,
    pub year: Option<i32>,
    pub assessment: Assessment,
    pub distance: Distance,
}

/// A zone's tiers on one date.
#[derive(Debug, Clone, Default)]
pub struct ZoneTiers {
    pub as_of: NaiveDate,
    /// Year of the figures read → enterprises read at that year (those with no figures in
    /// the `YEARS_BACK` years before the as-of year are not counted here).
    pub years: BTreeMap<i32, usize>,
    /// Qualification kind → enterprises holding it on the as-of date.
    pub held: BTreeMap<String, i64>,
    /// (kind, year the title was granted) → titles.
    pub listed: BTreeMap<(String, i32), i64>,
    pub ending: Vec<Ending>,
    /// Enterprises assessed, and how many of them by distance in steps (0 = eligible,
    /// `MAX_CHANGES + 1` = blocked or far) among those not holding the title.
    pub assessed: usize,
    pub by_steps: BTreeMap<usize, usize>,
    /// Sorted by steps, then total points (highest first), then name.
    pub candidates: Vec<Candidate>,
}

/// The ids of a zone's enterprises, as a subquery.
pub(crate) fn in_zone(zone_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(enterprise::Column::Id)
        .from(enterprise::Entity)
        .and_where(enterprise::Column::ZoneId.eq(zone_id))
        .take()
}

/// Hundredths of a stored figure as an exact amount.
fn amount(centi: i64) -> Amount {
    Amount::micros(centi as i128 * 10_000)
}

/// Assesses the zone's enterprises (or the one named) on `as_of`, each with its latest
/// figures of the `YEARS_BACK` years before the as-of year and the year before those, in
/// enterprise id order. Reads the zone in ranges of ids, as the evaluation does.
///
/// Each assessment is handed to `each` as it is made: a zone of 100,000 enterprises is
/// never held whole, only what the caller keeps of it.
pub async fn assess_zone<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    only: Option<i64>,
    as_of: NaiveDate,
    mut each: impl FnMut(Assessed),
) -> DbResult<()> {
    let last_year = as_of.year() - 1;
    type Row = (i64, String, String, Option<i64>, String);
    let mut q = enterprise::Entity::find()
        .select_only()
        .columns([
            enterprise::Column::Id,
            enterprise::Column::CreditCode,
            enterprise::Column::Name,
            enterprise::Column::ParkId,
            enterprise::Column::IndustryCode,
        ])
        .filter(enterprise::Column::ZoneId.eq(zone_id));
    if let Some(id) = only {
        q = q.filter(enterprise::Column::Id.eq(id));
    }
    let ents: Vec<Row> = sea_orm::QueryOrder::order_by_asc(q, enterprise::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let table = industries(IndustryEdition::Amended);
    for chunk in ents.chunks(crate::repo::facts::IDS_PER_QUERY) {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let of_chunk = || {
            Query::select()
                .column(enterprise::Column::Id)
                .from(enterprise::Entity)
                .and_where(enterprise::Column::ZoneId.eq(zone_id))
                .and_where(enterprise::Column::Id.between(first.0, last.0))
                .to_owned()
        };
        // Per enterprise and year: the figures of that year, and its main revenue (the
        // growth base of the year after).
        let mut by_year: HashMap<(i64, i32), Input> = HashMap::with_capacity(chunk.len() * 2);
        let mut main_revenue: HashMap<(i64, i32), Amount> = HashMap::new();
        let figures: Vec<(i64, i32, String)> = fact_current::Entity::find()
            .select_only()
            .columns([
                fact_current::Column::EnterpriseId,
                fact_current::Column::Year,
                fact_current::Column::Figures,
            ])
            .filter(fact_current::Column::Year.between(last_year - YEARS_BACK, last_year))
            .filter(fact_current::Column::EnterpriseId.in_subquery(of_chunk()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, fy, packed) in figures {
            let i = by_year.entry((id, fy)).or_default();
            for (field, (p, _)) in decode_current(&packed) {
                let Some(v) = p.value().map(amount) else {
                    continue;
                };
                let slot = match field {
                    FactField::Employees => &mut i.employees,
                    FactField::Revenue => &mut i.revenue,
                    FactField::MainRevenue => {
                        main_revenue.insert((id, fy), v);
                        &mut i.main_revenue
                    }
                    FactField::RdExpense => &mut i.rd_expense,
                    FactField::TotalAssets => &mut i.total_assets,
                    FactField::TotalLiabilities => &mut i.total_liabilities,
                    FactField::IpClass1 => &mut i.ip_class1,
                    FactField::IpClass2 => &mut i.ip_class2,
                    _ => continue,
                };
                *slot = Some(v);
            }
        }
        let quals = crate::repo::enterprises::kinds_valid(db, of_chunk(), as_of, as_of).await?;
        let mut held: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, kind) in quals {
            let h = held.entry(id).or_default();
            if !h.contains(&kind) {
                h.push(kind);
            }
        }
        for (id, credit_code, name, park_id, industry_code) in chunk {
            // Its latest year of those before the as-of year; the oldest year read serves
            // only as a growth base.
            // A year counts when it holds a figure the size test reads (revenue or
            // employees) or main revenue: a row of electricity alone is not a report.
            let year = (last_year - YEARS_BACK + 1..=last_year).rev().find(|y| {
                by_year.get(&(*id, *y)).is_some_and(|i| {
                    i.revenue.is_some() || i.employees.is_some() || i.main_revenue.is_some()
                })
            });
            let mut input = year
                .and_then(|y| by_year.remove(&(*id, y)))
                .unwrap_or_default();
            input.main_revenue_prev = year.and_then(|y| main_revenue.get(&(*id, y - 1)).copied());
            let entry = table.get(industry_code);
            input.section = entry.and_then(|e| e.section.bytes().next());
            input.industry_code = Some(industry_code.clone());
            let mut held = held.remove(id).unwrap_or_default();
            held.sort();
            if held.iter().any(|k| k == QualificationKind::HighTech.id()) {
                // The first honour of the rules: 高新技术企业.
                input.honours |= 1;
            }
            let assessment = assess(&input);
            let distance = distance(&input, &assessment);
            each(Assessed {
                enterprise_id: *id,
                credit_code: credit_code.clone(),
                name: name.clone(),
                park_id: *park_id,
                year,
                held,
                input,
                assessment,
                distance,
            });
        }
    }
    Ok(())
}

/// The zone's tiers on `as_of`: titles held, listed by year and ending soon, and the
/// candidates for the innovative-SME title.
pub async fn zone<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    as_of: NaiveDate,
) -> DbResult<ZoneTiers> {
    let mut z = ZoneTiers {
        as_of,
        ..ZoneTiers::default()
    };
    // Titles of the zone: a few per enterprise at most.
    type QualRow = (i64, String, NaiveDate, Option<NaiveDate>, Option<String>);
    let quals: Vec<QualRow> = qualification::Entity::find()
        .select_only()
        .columns([
            qualification::Column::EnterpriseId,
            qualification::Column::Kind,
            qualification::Column::ValidFrom,
            qualification::Column::ValidTo,
            qualification::Column::CertificateNo,
        ])
        .filter(qualification::Column::EnterpriseId.in_subquery(in_zone(zone_id)))
        .into_tuple()
        .all(db)
        .await?;
    let mut holders: BTreeMap<String, std::collections::BTreeSet<i64>> = BTreeMap::new();
    let mut ending_ids = Vec::new();
    let soon = as_of + chrono::Duration::days(ENDING_WITHIN_DAYS);
    for (id, kind, from, to, cert) in quals {
        *z.listed.entry((kind.clone(), from.year())).or_default() += 1;
        let valid = from <= as_of && to.is_none_or(|t| t >= as_of);
        if valid {
            holders.entry(kind.clone()).or_default().insert(id);
        }
        if let Some(t) = to.filter(|t| *t >= as_of && *t <= soon) {
            ending_ids.push(id);
            z.ending.push(Ending {
                enterprise_id: id,
                name: String::new(),
                kind,
                valid_to: t,
                certificate_no: cert,
            });
        }
    }
    z.held = holders
        .into_iter()
        .map(|(k, ids)| (k, ids.len() as i64))
        .collect();
    if !ending_ids.is_empty() {
        let names: HashMap<i64, String> = enterprise::Entity::find()
            .select_only()
            .columns([enterprise::Column::Id, enterprise::Column::Name])
            .filter(enterprise::Column::Id.is_in(ending_ids))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for e in &mut z.ending {
            e.name = names.get(&e.enterprise_id).cloned().unwrap_or_default();
        }
    }
    z.ending
        .sort_by(|a, b| (a.valid_to, &a.name).cmp(&(b.valid_to, &b.name)));

    let (mut assessed, mut years, mut by_steps, mut candidates) =
        (0, BTreeMap::new(), BTreeMap::new(), Vec::new());
    assess_zone(db, zone_id, None, as_of, |a| {
        assessed += 1;
        if let Some(y) = a.year {
            *years.entry(y).or_default() += 1;
        }
        if a.held.iter().any(|k| k == TITLE.id()) {
            return;
        }
        let steps = a.distance.steps();
        *by_steps.entry(steps).or_default() += 1;
        if steps <= devzone_core::tiers::distance::MAX_CHANGES {
            candidates.push(Candidate {
                enterprise_id: a.enterprise_id,
                credit_code: a.credit_code,
                name: a.name,
                park_id: a.park_id,
                year: a.year,
                assessment: a.assessment,
                distance: a.distance,
            });
        }
    })
    .await?;
    (z.assessed, z.years, z.by_steps, z.candidates) = (assessed, years, by_steps, candidates);
    z.candidates.sort_by(|a, b| {
        (
            a.distance.steps(),
            std::cmp::Reverse(a.assessment.points.total()),
            &a.name,
        )
            .cmp(&(
                b.distance.steps(),
                std::cmp::Reverse(b.assessment.points.total()),
                &b.name,
            ))
    });
    Ok(z)
}

/// The enterprise `id` of the zone assessed as of today (the enterprise page and the API:
/// one enterprise's rows, not the zone's); `NotFound` when it is not in the zone.
pub async fn enterprise<C: ConnectionTrait>(db: &C, zone_id: i64, id: i64) -> DbResult<Assessed> {
    let mut one = None;
    assess_zone(
        db,
        zone_id,
        Some(id),
        devzone_core::calendar::today(),
        |a| one = Some(a),
    )
    .await?;
    one.ok_or(crate::DbError::NotFound)
}
