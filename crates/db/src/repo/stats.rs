//! Aggregates for dashboards: counts by industry and size, and facts totals by year. They
//! read the whole zone; the zone home keeps them in `crate::memo` until the zone changes.

use crate::DbResult;
use crate::entities::{enterprise, fact_current};
use crate::repo::facts::packed::decode_current;
use devzone_core::facts::FactField;
use sea_orm::sea_query::ExprTrait;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

/// Revenue bands (yuan) used for the size chart: the NBS thresholds for industrial
/// enterprises (micro < 3 million, small < 20 million, medium < 400 million, large).
pub const SIZE_BANDS: [(&str, i64); 4] = [
    ("micro", 3_000_000),
    ("small", 20_000_000),
    ("medium", 400_000_000),
    ("large", i64::MAX),
];

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ZoneStats {
    pub enterprises: i64,
    pub above_scale: i64,
    /// (industry class, count)
    pub by_class: Vec<(String, i64)>,
    /// (size band id, count); "unknown" when no revenue has been reported.
    pub by_size: Vec<(String, i64)>,
    /// (year, field, sum in hundredths of the field's unit, enterprises reporting)
    pub totals: Vec<(i32, String, i64, i64)>,
    /// (qualification kind, enterprises holding it)
    pub qualifications: Vec<(String, i64)>,
}

pub async fn zone<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    fields: &[&str],
) -> DbResult<ZoneStats> {
    let mut s = ZoneStats::default();

    let q = Query::select()
        .column(enterprise::Column::IndustryCode)
        .expr_as(Expr::col(enterprise::Column::Id).count(), Alias::new("n"))
        .from(enterprise::Entity)
        .and_where(enterprise::Column::ZoneId.eq(zone_id))
        .group_by_col(enterprise::Column::IndustryCode)
        .take();
    for r in db.query_all(&q).await? {
        s.by_class
            .push((r.try_get("", "industry_code")?, r.try_get("", "n")?));
    }
    // Sorted here: PostgreSQL's grouping returns groups in no fixed order.
    s.by_class.sort();
    s.enterprises = s.by_class.iter().map(|(_, n)| n).sum();

    // Bands are computed in Rust from a grouped query on the band boundaries, which keeps
    // the SQL identical on both databases.
    let mut sizes: Vec<(String, i64)> = Vec::new();
    let mut bands = Query::select();
    bands
        .from(enterprise::Entity)
        .and_where(enterprise::Column::ZoneId.eq(zone_id));
    let mut case = sea_orm::sea_query::CaseStatement::new().case(
        Expr::col(enterprise::Column::LatestRevenue).is_null(),
        "unknown",
    );
    for (band, max) in SIZE_BANDS.iter().take(3) {
        case = case.case(
            Expr::col(enterprise::Column::LatestRevenue).lt(max * 100),
            *band,
        );
    }
    case = case.finally("large");
    bands
        .expr_as(case, Alias::new("band"))
        .expr_as(Expr::col(enterprise::Column::Id).count(), Alias::new("n"))
        .add_group_by([Expr::col(Alias::new("band"))]);
    for r in db.query_all(&bands).await? {
        sizes.push((r.try_get("", "band")?, r.try_get("", "n")?));
    }
    let order = ["micro", "small", "medium", "large", "unknown"];
    sizes.sort_by_key(|(b, _)| order.iter().position(|o| o == b));
    s.by_size = sizes;

    let q = Query::select()
        .expr_as(Expr::col(enterprise::Column::Id).count(), Alias::new("n"))
        .from(enterprise::Entity)
        .and_where(enterprise::Column::ZoneId.eq(zone_id))
        .and_where(enterprise::Column::AboveScale.eq(true))
        .take();
    if let Some(r) = db.query_one(&q).await? {
        s.above_scale = r.try_get("", "n")?;
    }

    // The zone's current figures, one row per enterprise and year, summed here: as a
    // double, exact below 2^53 hundredths (ninety trillion yuan, beyond any zone), so that a
    // hostile sum shows as the largest figure instead of failing the page.
    let in_zone = Query::select()
        .column(enterprise::Column::Id)
        .from(enterprise::Entity)
        .and_where(enterprise::Column::ZoneId.eq(zone_id))
        .take();
    let wanted: Vec<FactField> = fields.iter().filter_map(|f| FactField::parse(f)).collect();
    let rows: Vec<(i32, String)> = fact_current::Entity::find()
        .select_only()
        .columns([fact_current::Column::Year, fact_current::Column::Figures])
        .filter(fact_current::Column::EnterpriseId.in_subquery(in_zone))
        .into_tuple()
        .all(db)
        .await?;
    let mut sums: BTreeMap<(i32, FactField), (f64, i64)> = BTreeMap::new();
    for (year, figures) in rows {
        let cur = decode_current(&figures);
        for f in &wanted {
            if let Some((p, _)) = cur.get(f) {
                let e = sums.entry((year, *f)).or_default();
                e.0 += p.value().unwrap_or(0) as f64;
                e.1 += 1;
            }
        }
    }
    for ((year, f), (total, n)) in sums {
        // `as` saturates.
        s.totals
            .push((year, f.id().to_string(), total.round() as i64, n));
    }
    s.totals.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    s.qualifications = super::enterprises::qualification_counts(db, zone_id).await?;
    s.qualifications.sort();
    Ok(s)
}
