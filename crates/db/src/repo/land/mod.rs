//! Land, buildings and space units: the inventory, leases, occupancy and rent, and the idle
//! and low-efficiency assessment of plots (rules in `devzone_core::land`).

mod assess;
mod buildings;
mod leases;
mod plots;
mod register;

use super::audit;
use crate::entities::{building, enterprise, land_rules, park, plot, unit};
use crate::{Actor, DbError, DbResult};
pub use assess::*;
pub use buildings::*;
use devzone_core::land::idle::LandRules;
use devzone_core::land::occupancy::{Occupancy, UnitLine, occupancy};
use devzone_core::model::{BuildingType, UnitStatus};
pub use leases::*;
pub use plots::*;
pub use register::*;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::collections::HashMap;

pub async fn rules<C: ConnectionTrait>(db: &C, zone_id: i64) -> DbResult<LandRules> {
    Ok(land_rules::Entity::find_by_id(zone_id)
        .one(db)
        .await?
        .and_then(|r| serde_json::from_str(&r.rules).ok())
        .unwrap_or_default())
}

pub async fn set_rules(
    db: &DatabaseConnection,
    actor: &Actor,
    zone_id: i64,
    rules: &LandRules,
) -> DbResult<()> {
    let text = serde_json::to_string(rules).map_err(|e| DbError::Other(e.to_string()))?;
    let row = |zone_id, rules| land_rules::ActiveModel {
        zone_id: Set(zone_id),
        rules: Set(rules),
    };
    let text_of = |m: land_rules::Model| m.rules;
    audit::put_zone_text(db, actor, zone_id, "land_rules", text, row, text_of).await
}

/// A zone's (or one park's) plots, buildings and units.
#[derive(Debug, Default)]
pub struct Inventory {
    pub plots: Vec<plot::Model>,
    pub buildings: Vec<building::Model>,
    pub units: Vec<unit::Model>,
}

pub async fn inventory<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    park_id: Option<i64>,
) -> DbResult<Inventory> {
    let mut q = plot::Entity::find().filter(plot::Column::ZoneId.eq(zone_id));
    if let Some(p) = park_id {
        q = q.filter(plot::Column::ParkId.eq(p));
    }
    let plots = q.order_by_asc(plot::Column::Code).all(db).await?;
    let mut buildings = building::Entity::find()
        .filter(building::Column::ZoneId.eq(zone_id))
        .order_by_asc(building::Column::Id)
        .all(db)
        .await?;
    let mut units = unit::Entity::find()
        .filter(unit::Column::ZoneId.eq(zone_id))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    if park_id.is_some() {
        let ids: std::collections::HashSet<i64> = plots.iter().map(|p| p.id).collect();
        buildings.retain(|b| ids.contains(&b.plot_id));
        let b: std::collections::HashSet<i64> = buildings.iter().map(|b| b.id).collect();
        units.retain(|u| b.contains(&u.building_id));
    }
    Ok(Inventory {
        plots,
        buildings,
        units,
    })
}

pub fn unit_line(u: &unit::Model) -> UnitLine {
    UnitLine {
        area_m2: u.area_m2,
        status: UnitStatus::parse(&u.status).unwrap_or(UnitStatus::Vacant),
        rent: u.rent,
    }
}

/// One page of a zone's plots (by number), buildings or units (by id): the API's lists.
pub async fn plots_page<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    page: u64,
    per_page: u64,
) -> DbResult<crate::repo::Page<plot::Model>> {
    let q = plot::Entity::find()
        .filter(plot::Column::ZoneId.eq(zone_id))
        .order_by_asc(plot::Column::Code)
        .order_by_asc(plot::Column::Id);
    crate::repo::paged(db, q, page, per_page).await
}

pub async fn buildings_page<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    page: u64,
    per_page: u64,
) -> DbResult<crate::repo::Page<building::Model>> {
    let q = building::Entity::find()
        .filter(building::Column::ZoneId.eq(zone_id))
        .order_by_asc(building::Column::Id);
    crate::repo::paged(db, q, page, per_page).await
}

pub async fn units_page<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    page: u64,
    per_page: u64,
) -> DbResult<crate::repo::Page<unit::Model>> {
    let q = unit::Entity::find()
        .filter(unit::Column::ZoneId.eq(zone_id))
        .order_by_asc(unit::Column::Id);
    crate::repo::paged(db, q, page, per_page).await
}

/// The buildings and units standing on the given plots: what assessing just those plots needs.
pub async fn inventory_of<C: ConnectionTrait>(
    db: &C,
    plots: Vec<plot::Model>,
) -> DbResult<Inventory> {
    let plot_ids: Vec<i64> = plots.iter().map(|p| p.id).collect();
    let buildings = building::Entity::find()
        .filter(building::Column::PlotId.is_in(plot_ids))
        .order_by_asc(building::Column::Id)
        .all(db)
        .await?;
    let building_ids: Vec<i64> = buildings.iter().map(|b| b.id).collect();
    let units = unit::Entity::find()
        .filter(unit::Column::BuildingId.is_in(building_ids))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    Ok(Inventory {
        plots,
        buildings,
        units,
    })
}

impl Inventory {
    /// Occupancy of the units that `keep` selects by their building.
    pub fn occupancy_where(&self, keep: impl Fn(&building::Model) -> bool) -> Occupancy {
        let ids: std::collections::HashSet<i64> = self
            .buildings
            .iter()
            .filter(|b| keep(b))
            .map(|b| b.id)
            .collect();
        let lines: Vec<UnitLine> = self
            .units
            .iter()
            .filter(|u| ids.contains(&u.building_id))
            .map(unit_line)
            .collect();
        occupancy(&lines)
    }

    pub fn occupancy(&self) -> Occupancy {
        occupancy(&self.units.iter().map(unit_line).collect::<Vec<_>>())
    }

    /// Occupancy by building type, in the vocabulary's order, types without units left out.
    pub fn by_building_type(&self) -> Vec<(BuildingType, Occupancy)> {
        BuildingType::ALL
            .iter()
            .map(|t| (*t, self.occupancy_where(|b| b.building_type == t.id())))
            .filter(|(_, o)| o.total_m2 > 0.0)
            .collect()
    }
}

pub async fn parks_by_id<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
) -> DbResult<HashMap<i64, park::Model>> {
    Ok(super::zones::parks(db, zone_id)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Names of the given enterprises.
/// Names of the zone's enterprises among `ids` (ids of another zone get no name).
pub async fn enterprise_names<C: ConnectionTrait>(
    db: &C,
    zone_id: i64,
    ids: impl IntoIterator<Item = i64>,
) -> DbResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for e in enterprise::Entity::find()
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .filter(enterprise::Column::ZoneId.eq(zone_id))
            .all(db)
            .await?
        {
            out.insert(e.id, e.name);
        }
    }
    Ok(out)
}
