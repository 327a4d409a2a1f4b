//! Occupancy, rent and lease arithmetic over space units.
//!
//! Lettable area is every unit but the unusable ones; occupied area is the leased and
//! self-used units. Annual rent now is what the leased units pay; at full occupancy the vacant
//! and reserved units add their asking rent (or, without one, the mean rent the leased units
//! of the same set pay per m²).

use crate::model::UnitStatus;
use chrono::NaiveDate;
use serde::Serialize;

/// What the arithmetic reads about one unit.
#[derive(Debug, Clone, Copy)]
pub struct UnitLine {
    pub area_m2: f64,
    pub status: UnitStatus,
    /// yuan per m² per month: the lease's rent when leased, the asking rent otherwise.
    pub rent: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occupancy {
    pub total_m2: f64,
    pub lettable_m2: f64,
    pub occupied_m2: f64,
    pub vacant_m2: f64,
    pub reserved_m2: f64,
    pub unusable_m2: f64,
    /// Yuan a year from the leased units.
    pub annual_rent: f64,
    /// Yuan a year with every lettable unit let.
    pub annual_rent_full: f64,
}

impl Occupancy {
    /// Occupied share of the lettable area; `None` when nothing is lettable.
    pub fn rate(&self) -> Option<f64> {
        (self.lettable_m2 > 0.0).then(|| self.occupied_m2 / self.lettable_m2)
    }

    pub fn vacancy(&self) -> Option<f64> {
        self.rate().map(|r| 1.0 - r)
    }
}

pub fn occupancy(units: &[UnitLine]) -> Occupancy {
    let mut o = Occupancy::default();
    let (mut paid_m2, mut paid) = (0.0, 0.0);
    for u in units {
        o.total_m2 += u.area_m2;
        match u.status {
            UnitStatus::Unusable => o.unusable_m2 += u.area_m2,
            UnitStatus::Leased => {
                o.occupied_m2 += u.area_m2;
                if let Some(r) = u.rent {
                    paid_m2 += u.area_m2;
                    paid += u.area_m2 * r;
                }
            }
            UnitStatus::SelfUsed => o.occupied_m2 += u.area_m2,
            UnitStatus::Vacant => o.vacant_m2 += u.area_m2,
            UnitStatus::Reserved => o.reserved_m2 += u.area_m2,
        }
    }
    o.lettable_m2 = o.total_m2 - o.unusable_m2;
    o.annual_rent = paid * 12.0;
    let mean = (paid_m2 > 0.0).then(|| paid / paid_m2);
    let empty: f64 = units
        .iter()
        .filter(|u| matches!(u.status, UnitStatus::Vacant | UnitStatus::Reserved))
        .map(|u| u.area_m2 * u.rent.or(mean).unwrap_or(0.0))
        .sum();
    o.annual_rent_full = o.annual_rent + empty * 12.0;
    o
}

/// A lease of one unit; dates inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeaseTerm {
    pub id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl LeaseTerm {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn overlaps(&self, o: &LeaseTerm) -> bool {
        self.start <= o.end && o.start <= self.end
    }
}

/// The first existing lease of the same unit that a new term overlaps.
pub fn overlapping<'a>(existing: &'a [LeaseTerm], new: &LeaseTerm) -> Option<&'a LeaseTerm> {
    existing.iter().find(|e| e.id != new.id && e.overlaps(new))
}

/// Days from `today` to a lease's end, when it ends within `days` (0 = ends today).
pub fn ends_within(end: NaiveDate, today: NaiveDate, days: i64) -> Option<i64> {
    let left = (end - today).num_days();
    (0..=days).contains(&left).then_some(left)
}

/// Whether a unit's status is stale: never verified, or verified more than `max_days` ago.
pub fn is_stale(last_verified: Option<NaiveDate>, today: NaiveDate, max_days: u32) -> bool {
    last_verified.is_none_or(|d| (today - d).num_days() > i64::from(max_days))
}

/// The last day of each of the `n` months up to and including `today`'s month (the current
/// month ends at `today`), oldest first: the points of an occupancy trend.
pub fn month_ends(today: NaiveDate, n: u32) -> Vec<NaiveDate> {
    use chrono::Datelike;
    let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).expect("valid month");
    let mut out = vec![today];
    let (mut y, mut m) = (today.year(), today.month());
    for _ in 1..n {
        // the day before the first of (y, m) is the end of the previous month
        let end = first(y, m).pred_opt().expect("date in range");
        out.push(end);
        (y, m) = (end.year(), end.month());
    }
    out.reverse();
    out
}
