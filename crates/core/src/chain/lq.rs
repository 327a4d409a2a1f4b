//! Location quotients: how concentrated an industry division is in the zone compared with
//! its province. LQ = (zone's division ÷ zone's total) ÷ (province's division ÷ province's
//! total); above 1 the zone is more specialised in it than the province.

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quotient {
    pub division: String,
    pub zone: f64,
    pub zone_share: f64,
    pub province: f64,
    pub province_share: f64,
    pub lq: f64,
}

/// The quotients of the divisions both sides report, largest first. Totals are the sums over
/// all divisions each side reports.
pub fn quotients(zone: &BTreeMap<String, f64>, province: &BTreeMap<String, f64>) -> Vec<Quotient> {
    let zt: f64 = zone.values().sum();
    let pt: f64 = province.values().sum();
    if zt <= 0.0 || pt <= 0.0 {
        return Vec::new();
    }
    let mut out: Vec<Quotient> = zone
        .iter()
        .filter_map(|(d, &z)| {
            let p = *province.get(d)?;
            if p <= 0.0 {
                return None;
            }
            let (zs, ps) = (z / zt, p / pt);
            Some(Quotient {
                division: d.clone(),
                zone: z,
                zone_share: zs,
                province: p,
                province_share: ps,
                lq: zs / ps,
            })
        })
        .collect();
    out.sort_by(|a, b| b.lq.total_cmp(&a.lq).then(a.division.cmp(&b.division)));
    out
}
