//! Plots assessed under the zone's land rules: idle and low-efficiency flags with the figures
//! they rest on.

use super::*;
use crate::DbResult;
use crate::entities::{building, plot};
use crate::repo::facts::Year;
use chrono::NaiveDate;
use devzone_core::facts::FactField;
use devzone_core::land::idle::{Flag, PlotFigures, flags};
use devzone_core::land::occupancy::{Occupancy, UnitLine, occupancy};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// A plot with what the pages show about it: its buildings' floor area and occupancy, and the
/// flags the zone's rules raise.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub plot: plot::Model,
    pub buildings: usize,
    pub built_floor_m2: f64,
    pub occupancy: Occupancy,
    pub holder_class: Option<String>,
    pub flags: Vec<Flag>,
}

impl Assessed {
    pub fn idle(&self) -> bool {
        self.flags
            .iter()
            .any(|f| f.kind == devzone_core::land::idle::FlagKind::Idle)
    }
    pub fn low_efficiency(&self) -> bool {
        self.flags
            .iter()
            .any(|f| f.kind == devzone_core::land::idle::FlagKind::LowEfficiency)
    }
    /// The map colour key: idle, low-efficiency, vacant (no holder, nothing built), leased
    /// (occupancy ≥ the rest) or held.
    pub fn status(&self) -> &'static str {
        if self.idle() {
            "idle"
        } else if self.low_efficiency() {
            "low_efficiency"
        } else if self.plot.holder_id.is_none() && self.buildings == 0 {
            "vacant"
        } else if self.occupancy.lettable_m2 > 0.0 {
            "leased"
        } else {
            "held"
        }
    }
}

/// The latest current tax figure (yuan) of each given enterprise.
pub(super) async fn latest_tax<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> DbResult<HashMap<i64, f64>> {
    let figures =
        crate::repo::facts::current_figures(db, ids, &[FactField::Tax], Year::Latest).await?;
    Ok(figures
        .into_iter()
        .filter_map(|((id, _), f)| f.value.map(|v| (id, v)))
        .collect())
}

/// Every plot of the inventory assessed under the zone's rules on `today`.
pub async fn assess<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    inv: &Inventory,
    today: NaiveDate,
) -> DbResult<Vec<Assessed>> {
    let rules = rules(db, zone_id).await?;
    let holders: Vec<i64> = inv.plots.iter().filter_map(|p| p.holder_id).collect();
    let classes = crate::repo::evaluation::published_classes(db, zone_id, &holders).await?;
    let taxes = latest_tax(db, &holders).await?;
    let mut by_plot: HashMap<i64, Vec<&building::Model>> = HashMap::new();
    for b in &inv.buildings {
        by_plot.entry(b.plot_id).or_default().push(b);
    }
    let mut units_by_building: HashMap<i64, Vec<UnitLine>> = HashMap::new();
    for u in &inv.units {
        units_by_building
            .entry(u.building_id)
            .or_default()
            .push(unit_line(u));
    }
    Ok(inv
        .plots
        .iter()
        .map(|p| {
            let bs = by_plot.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            let lines: Vec<UnitLine> = bs
                .iter()
                .flat_map(|b| units_by_building.get(&b.id).cloned().unwrap_or_default())
                .collect();
            let occ = occupancy(&lines);
            let built: f64 = bs.iter().map(|b| b.floor_area_m2).sum();
            let class = p.holder_id.and_then(|h| classes.get(&h).cloned());
            let figures = PlotFigures {
                area_m2: p.area_m2,
                contracted_start: p.contracted_start,
                contracted_completion: p.contracted_completion,
                actual_start: p.actual_start,
                stopped_on: p.stopped_on,
                developed_m2: p.developed_m2,
                planned_investment: p.planned_investment,
                invested: p.invested,
                built_floor_m2: built,
                min_far: p.min_far,
                min_intensity: p.min_intensity,
                min_tax_per_mu: p.min_tax_per_mu,
                holder_tax: p.holder_id.and_then(|h| taxes.get(&h).copied()),
                holder_class: class.clone(),
                vacancy: occ.vacancy(),
            };
            Assessed {
                plot: p.clone(),
                buildings: bs.len(),
                built_floor_m2: built,
                occupancy: occ,
                holder_class: class,
                flags: flags(&figures, &rules, today),
            }
        })
        .collect())
}
