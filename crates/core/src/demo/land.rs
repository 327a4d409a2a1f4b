//! The demo's land: plots laid out on a grid inside each park's boundary, buildings on them,
//! space units with their lease histories, space requirements and revitalisation cases.
//!
//! Deterministic like the rest of the demo. Suining's logistics park follows the public
//! figures of ../shared/specs/demo-data.md: 495 mu of land, 343,000 m² of buildings of which
//! 227,000 m² warehouses, 60 % let to some 200 logistics firms, 15–16 million yuan a year
//! when full; revitalisation cases with four high-tech projects placed (1.48 billion yuan
//! invested, over 700 million yuan output and over 30 million yuan tax a year).

use crate::demo::{DemoPark, Rng};
use crate::land::geometry::{Boundary, contains};
use crate::model::{
    BuildingType, CaseStage, EnvCategory, LandUse, RevitalisationPlan, Tenure, UnitStatus,
};
use chrono::NaiveDate;

/// The day the demo's land data describes.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).expect("valid date")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub struct DemoLease {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub rent: f64,
    /// A zone enterprise (picked by the loader) or a named outside tenant.
    pub tenant_name: Option<String>,
}

pub struct DemoUnit {
    pub name: String,
    pub floor: String,
    pub area_m2: f64,
    pub status: UnitStatus,
    pub rent: Option<f64>,
    pub last_verified: NaiveDate,
    pub leases: Vec<DemoLease>,
}

pub struct DemoBuilding {
    pub name: String,
    pub building_type: BuildingType,
    pub storeys: i32,
    pub floor_area_m2: f64,
    pub clear_height_m: f64,
    pub floor_load_kn: f64,
    pub power_kva: f64,
    pub lifts: i32,
    pub env_max: EnvCategory,
    pub hazardous_ok: bool,
    pub year_built: i32,
    pub units: Vec<DemoUnit>,
}

pub struct DemoPlot {
    pub park_index: usize,
    pub code: String,
    pub boundary: Boundary,
    pub area_m2: f64,
    pub land_use: LandUse,
    pub tenure: Tenure,
    /// Whether the loader gives it a holder from the park's enterprises.
    pub held: bool,
    pub transferred_on: Option<NaiveDate>,
    pub contracted_start: Option<NaiveDate>,
    pub contracted_completion: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    pub developed_m2: Option<f64>,
    pub planned_investment: Option<f64>,
    pub invested: Option<f64>,
    pub min_intensity: Option<f64>,
    pub min_tax_per_mu: Option<f64>,
    pub min_far: Option<f64>,
    pub buildings: Vec<DemoBuilding>,
}

pub struct DemoRequirement {
    pub title: &'static str,
    pub prospect: &'static str,
    pub spec: crate::land::matching::Requirement,
    /// Park indexes preferred (turned into ids by the loader).
    pub park_indexes: Vec<usize>,
}

#[derive(Debug, Clone, Copy)]
pub struct DemoProject {
    pub name: &'static str,
    pub investment: f64,
    pub output: f64,
    pub tax: f64,
}

/// Suining's four projects placed in revitalised plants: 1.48 billion yuan invested, output
/// 710 million and tax 30.5 million a year (the seed's figures). They are also pipeline
/// projects of the zone (`demo::projects`).
pub const SUINING_PROJECTS: [DemoProject; 4] = [
    DemoProject {
        name: "高端电子元件生产线",
        investment: 520_000_000.0,
        output: 260_000_000.0,
        tax: 11_000_000.0,
    },
    DemoProject {
        name: "锂电负极材料 8,000 吨",
        investment: 410_000_000.0,
        output: 190_000_000.0,
        tax: 8_000_000.0,
    },
    DemoProject {
        name: "储能电池结构件项目",
        investment: 330_000_000.0,
        output: 150_000_000.0,
        tax: 7_000_000.0,
    },
    DemoProject {
        name: "智能传感器项目",
        investment: 220_000_000.0,
        output: 110_000_000.0,
        tax: 4_500_000.0,
    },
];

pub struct DemoCase {
    pub title: &'static str,
    /// The plot (index into the zone's plots) the case is about.
    pub plot_index: usize,
    pub plan: RevitalisationPlan,
    pub stage: CaseStage,
    pub reason: &'static str,
    pub area_m2: f64,
    pub occupancy_before: Option<f64>,
    pub occupancy_after: Option<f64>,
    pub expected_rent: Option<f64>,
    pub actual_rent: Option<f64>,
    pub handed_over_on: Option<NaiveDate>,
    pub steps: Vec<(&'static str, &'static str, NaiveDate, Option<NaiveDate>)>,
    pub projects: Vec<DemoProject>,
}

pub struct DemoLand {
    pub plots: Vec<DemoPlot>,
    pub requirements: Vec<DemoRequirement>,
    pub cases: Vec<DemoCase>,
}

const TENANT_HEADS: &[&str] = &[
    "顺达",
    "安运",
    "速通",
    "恒通",
    "川运",
    "捷达",
    "宏远",
    "众邦",
    "吉安",
    "德邦盛",
    "远航",
    "汇通",
    "骏驰",
    "鑫运",
    "通宇",
    "荣达",
];
const TENANT_TAILS: &[&str] = &["物流", "供应链", "仓储", "货运", "快运", "配送"];

fn tenant(rng: &mut Rng, n: usize) -> String {
    format!(
        "遂宁{}{}有限公司（{}号）",
        rng.pick(TENANT_HEADS),
        rng.pick(TENANT_TAILS),
        n
    )
}

/// The unit's lease history: a current lease for occupied units and, for some, an earlier
/// one, so that the occupancy trend moves.
fn leases_for(
    rng: &mut Rng,
    status: UnitStatus,
    rent: f64,
    outside: Option<String>,
) -> Vec<DemoLease> {
    let t = today();
    let mut out = Vec::new();
    if status == UnitStatus::Leased {
        let start = t - chrono::Days::new(rng.below(1_000) as u64 + 1);
        let end = t + chrono::Days::new(rng.below(900) as u64 + 5);
        if rng.chance(0.4) {
            let prev_end = start - chrono::Days::new(rng.below(120) as u64 + 1);
            out.push(DemoLease {
                start: prev_end - chrono::Days::new(730),
                end: prev_end,
                rent: (rent * 0.92 * 10.0).round() / 10.0,
                tenant_name: outside.clone(),
            });
        }
        out.push(DemoLease {
            start,
            end,
            rent,
            tenant_name: outside,
        });
    } else if status == UnitStatus::Vacant && rng.chance(0.3) {
        // Let until recently: the vacancy grew in the last year or two.
        let end = t - chrono::Days::new(rng.below(600) as u64 + 30);
        out.push(DemoLease {
            start: end - chrono::Days::new(1_095),
            end,
            rent,
            tenant_name: outside,
        });
    }
    out
}

// The arguments are the unit plan of one building; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn split_units(
    rng: &mut Rng,
    prefix: &str,
    total: f64,
    count: usize,
    storeys: i32,
    rent: f64,
    let_share: f64,
    outside_tenants: bool,
    serial: &mut usize,
) -> Vec<DemoUnit> {
    let each = (total / count as f64).floor();
    (0..count)
        .map(|i| {
            let area = if i + 1 == count {
                total - each * (count - 1) as f64
            } else {
                each
            };
            let x = rng.unit();
            let status = if x < let_share {
                UnitStatus::Leased
            } else if x < let_share + 0.04 {
                UnitStatus::Reserved
            } else if x < let_share + 0.06 {
                UnitStatus::Unusable
            } else {
                UnitStatus::Vacant
            };
            let unit_rent = (rent * rng.range(0.93, 1.07) * 10.0).round() / 10.0;
            *serial += 1;
            let outside = outside_tenants.then(|| tenant(rng, *serial));
            let leases = leases_for(rng, status, unit_rent, outside);
            let span = if rng.chance(0.1) { 500 } else { 150 };
            let verified = today() - chrono::Days::new(rng.below(span) as u64);
            DemoUnit {
                name: format!("{prefix}-{:02}", i + 1),
                floor: format!("{}F", 1 + i as i32 % storeys.max(1)),
                area_m2: area,
                status,
                rent: (status != UnitStatus::Unusable).then_some(unit_rent),
                last_verified: verified,
                leases,
            }
        })
        .collect()
}

/// A rectangle of about `area_m2` whose south-west corner is at (lon, lat).
fn rect(lon: f64, lat: f64, w_m: f64, h_m: f64) -> Boundary {
    let k = 111_195.0;
    let dlat = h_m / k;
    let dlon = w_m / (k * lat.to_radians().cos());
    Boundary::rectangle(lon, lat, lon + dlon, lat + dlat)
}

fn suining_logistics(park: &DemoPark, rng: &mut Rng, serial: &mut usize) -> Vec<DemoPlot> {
    // Ten plots of 49.5 mu (33,000 m²): 495 mu. Each carries a 22,700 m² warehouse split into
    // 35 units (227,000 m² in all, 60 % let at about 5.7 yuan/m²/month) and 11,600 m² of
    // offices, dormitories and sorting halls (116,000 m²): 343,000 m² of buildings.
    let side = 33_000f64.sqrt();
    let (cx, cy) = park.centre;
    (0..10)
        .map(|i| {
            let (col, row) = (i % 5, i / 5);
            let lon = cx - 0.0055 + col as f64 * 0.0021;
            let lat = cy - 0.0017 + row as f64 * 0.0018;
            let boundary = rect(lon, lat, side, side);
            let mut units = split_units(
                rng,
                &format!("W{}", i + 1),
                22_700.0,
                35,
                1,
                5.7,
                0.6,
                true,
                serial,
            );
            // Keep the let share at 60 % of the lettable area in every warehouse: the demo
            // reproduces the public figure rather than a random draw around it.
            let lettable: f64 = units.iter().map(|u| u.area_m2).sum();
            let mut let_m2: f64 = units
                .iter()
                .filter(|u| u.status == UnitStatus::Leased)
                .map(|u| u.area_m2)
                .sum();
            for u in units.iter_mut() {
                if let_m2 / lettable < 0.6 && u.status != UnitStatus::Leased {
                    u.status = UnitStatus::Leased;
                    *serial += 1;
                    let name = tenant(rng, *serial);
                    u.leases =
                        leases_for(rng, UnitStatus::Leased, u.rent.unwrap_or(5.7), Some(name));
                    u.rent = u.rent.or(Some(5.7));
                    let_m2 += u.area_m2;
                } else if let_m2 / lettable > 0.62 && u.status == UnitStatus::Leased {
                    u.status = UnitStatus::Vacant;
                    u.leases.retain(|l| l.end < today());
                    let_m2 -= u.area_m2;
                } else if matches!(u.status, UnitStatus::Reserved | UnitStatus::Unusable) {
                    u.status = UnitStatus::Vacant;
                    u.rent = Some(5.7);
                }
            }
            let other_type = [
                BuildingType::Office,
                BuildingType::Dormitory,
                BuildingType::Other,
            ][i % 3];
            let other_units = split_units(
                rng,
                &format!("S{}", i + 1),
                11_600.0,
                4,
                4,
                22.0,
                0.7,
                true,
                serial,
            );
            DemoPlot {
                park_index: 0,
                code: format!("SN-WL-{:02}", i + 1),
                area_m2: 33_000.0,
                boundary,
                land_use: LandUse::Warehousing,
                tenure: Tenure::Transferred,
                held: false,
                transferred_on: Some(day(2014, 5, 20)),
                contracted_start: Some(day(2014, 9, 1)),
                contracted_completion: Some(day(2016, 12, 31)),
                actual_start: Some(day(2014, 10, 8)),
                stopped_on: None,
                developed_m2: Some(33_000.0),
                planned_investment: Some(90_000_000.0),
                invested: Some(86_000_000.0),
                min_intensity: Some(1_500_000.0),
                min_tax_per_mu: None,
                min_far: Some(0.8),
                buildings: vec![
                    DemoBuilding {
                        name: format!("{}号仓库", i + 1),
                        building_type: BuildingType::Warehouse,
                        storeys: 1,
                        floor_area_m2: 22_700.0,
                        clear_height_m: 11.0,
                        floor_load_kn: 30.0,
                        power_kva: 630.0,
                        lifts: 0,
                        env_max: EnvCategory::General,
                        hazardous_ok: i == 9,
                        year_built: 2016,
                        units,
                    },
                    DemoBuilding {
                        name: format!("{}号综合楼", i + 1),
                        building_type: other_type,
                        storeys: 4,
                        floor_area_m2: 11_600.0,
                        clear_height_m: 3.6,
                        floor_load_kn: 5.0,
                        power_kva: 400.0,
                        lifts: 2,
                        env_max: EnvCategory::Light,
                        hazardous_ok: false,
                        year_built: 2016,
                        units: other_units,
                    },
                ],
            }
        })
        .collect()
}

/// Grid plots inside a park's boundary, with buildings and units by the zone's character.
fn park_plots(
    zone_index: usize,
    park_index: usize,
    park: &DemoPark,
    outline: &Boundary,
    rng: &mut Rng,
    serial: &mut usize,
    max: usize,
) -> Vec<DemoPlot> {
    let ring = &outline.polygons[0][0];
    let e = outline.extent();
    let (w_m, h_m) = (rng.range(150.0, 230.0), rng.range(140.0, 210.0));
    let k = 111_195.0;
    let dlat = (h_m + 40.0) / k;
    let dlon = (w_m + 40.0) / (k * park.centre.1.to_radians().cos());
    let mut cells = Vec::new();
    let mut lat = e.min_lat + dlat * 0.5;
    while lat + dlat < e.max_lat {
        let mut lon = e.min_lon + dlon * 0.5;
        while lon + dlon < e.max_lon {
            let b = rect(lon, lat, w_m, h_m);
            if b.polygons[0][0].iter().all(|p| contains(ring, *p)) {
                cells.push(b);
            }
            lon += dlon;
        }
        lat += dlat;
    }
    // Every k-th cell, so that the plots spread over the whole park.
    let step = cells.len().div_ceil(max).max(1);
    cells
        .into_iter()
        .step_by(step)
        .enumerate()
        .map(|(n, b)| generic_plot(zone_index, park_index, n, b, rng, serial))
        .collect()
}

fn generic_plot(
    zone_index: usize,
    park_index: usize,
    n: usize,
    boundary: Boundary,
    rng: &mut Rng,
    serial: &mut usize,
) -> DemoPlot {
    let geometry = boundary.area_m2();
    // A few recorded areas disagree with the drawn boundary, for the warning to show.
    let area_m2 = if rng.chance(0.04) {
        (geometry * rng.range(1.07, 1.15)).round()
    } else {
        geometry.round()
    };
    let year = 2012 + rng.below(12) as i32;
    let contracted_start = day(year, 1 + rng.below(12) as u32, 1);
    let completion = day(year + 2, 12, 31);
    let mu = area_m2 / crate::land::geometry::M2_PER_MU;
    let intensity = rng.range(2_000_000.0, 5_000_000.0);
    let planned = (intensity * mu).round();
    let x = rng.unit();
    // Most plots are built; a few were never started, a few stopped half-way, some are free.
    let (held, actual_start, stopped_on, developed, invested) = if x < 0.05 {
        (true, None, None, None, Some(planned * 0.03))
    } else if x < 0.09 {
        let s = contracted_start + chrono::Days::new(60);
        let stop = day(2024, 1 + rng.below(6) as u32, 15);
        (
            true,
            Some(s),
            Some(stop),
            Some(area_m2 * rng.range(0.1, 0.3)),
            Some(planned * rng.range(0.1, 0.2)),
        )
    } else if x < 0.16 {
        (false, None, None, None, None)
    } else {
        let inv = planned
            * if rng.chance(0.1) {
                rng.range(0.6, 0.85)
            } else {
                rng.range(0.95, 1.3)
            };
        (
            true,
            Some(contracted_start + chrono::Days::new(rng.below(200) as u64)),
            None,
            Some(area_m2),
            Some(inv),
        )
    };
    let free = !held;
    let mut buildings = Vec::new();
    if held && actual_start.is_some() && stopped_on.is_none() {
        let count = 1 + rng.below(3);
        // Most plots meet their floor-area covenant (1.0); a few fall short.
        let far = if rng.chance(0.12) {
            rng.range(0.6, 0.95)
        } else {
            rng.range(1.0, 1.9)
        };
        let per = (area_m2 * far / count as f64 / 100.0).round() * 100.0;
        for b in 0..count {
            let t = if b == 0 {
                *rng.pick(&[
                    BuildingType::StandardFactory,
                    BuildingType::StandardFactory,
                    BuildingType::Warehouse,
                    BuildingType::RandD,
                ])
            } else {
                *rng.pick(&[
                    BuildingType::Office,
                    BuildingType::StandardFactory,
                    BuildingType::Dormitory,
                    BuildingType::RandD,
                ])
            };
            let (storeys, height, load, rent) = match t {
                BuildingType::StandardFactory => (
                    1 + rng.below(4) as i32,
                    rng.range(6.0, 12.0),
                    rng.range(10.0, 40.0),
                    rng.range(12.0, 28.0),
                ),
                BuildingType::Warehouse => (
                    1,
                    rng.range(8.0, 12.0),
                    rng.range(25.0, 50.0),
                    rng.range(8.0, 16.0),
                ),
                BuildingType::RandD => (
                    4 + rng.below(8) as i32,
                    rng.range(3.8, 5.0),
                    rng.range(5.0, 10.0),
                    rng.range(35.0, 70.0),
                ),
                _ => (
                    3 + rng.below(6) as i32,
                    rng.range(3.0, 4.0),
                    rng.range(2.5, 5.0),
                    rng.range(25.0, 50.0),
                ),
            };
            let units_n = match t {
                BuildingType::StandardFactory | BuildingType::Warehouse => 1 + rng.below(4),
                _ => 3 + rng.below(8),
            };
            let let_share = rng.range(0.6, 0.95);
            let name = format!("{}号楼", b + 1);
            let units = split_units(
                rng,
                &format!("{}-{}", n + 1, b + 1),
                per,
                units_n,
                storeys,
                (rent * 10.0).round() / 10.0,
                let_share,
                false,
                serial,
            );
            buildings.push(DemoBuilding {
                name,
                building_type: t,
                storeys,
                floor_area_m2: per,
                clear_height_m: (height * 10.0).round() / 10.0,
                floor_load_kn: load.round(),
                power_kva: (rng.range(200.0, 2_500.0) / 10.0).round() * 10.0,
                lifts: if storeys > 1 {
                    1 + rng.below(3) as i32
                } else {
                    0
                },
                env_max: *rng.pick(&[
                    EnvCategory::Light,
                    EnvCategory::General,
                    EnvCategory::General,
                    EnvCategory::Heavy,
                ]),
                hazardous_ok: rng.chance(0.1),
                year_built: (year + 2).min(2025),
                units,
            });
        }
    }
    DemoPlot {
        park_index,
        code: format!(
            "{}{}-{:03}",
            ["BJ", "SN", "SZ", "TJ", "ZS", "LN"]
                .get(zone_index)
                .unwrap_or(&"Z"),
            park_index + 1,
            n + 1
        ),
        boundary,
        area_m2,
        land_use: if rng.chance(0.85) {
            LandUse::Industrial
        } else {
            *rng.pick(&[LandUse::Warehousing, LandUse::Commercial])
        },
        tenure: if free {
            Tenure::Allocated
        } else {
            Tenure::Transferred
        },
        held,
        transferred_on: (!free).then(|| contracted_start - chrono::Days::new(90)),
        contracted_start: (!free).then_some(contracted_start),
        contracted_completion: (!free).then_some(completion),
        actual_start,
        stopped_on,
        developed_m2: developed,
        planned_investment: (!free).then_some(planned),
        invested,
        min_intensity: (!free).then(|| (intensity * 0.9 / 100_000.0).round() * 100_000.0),
        // Tax covenants are recent: only some contracts carry one.
        min_tax_per_mu: (!free && year >= 2019).then(|| *rng.pick(&[20_000.0, 30_000.0, 50_000.0])),
        min_far: (!free).then_some(1.0),
        buildings,
    }
}

/// A zone's demo land.
pub fn zone_land(
    zone_index: usize,
    zone_name: &str,
    parks: &[DemoPark],
    outlines: &[Boundary],
) -> DemoLand {
    let mut rng = Rng::new(0x4C41_4E44 ^ zone_index as u64);
    let mut serial = 0;
    let suining = zone_name.starts_with("遂宁");
    let mut plots = Vec::new();
    for (pi, park) in parks.iter().enumerate() {
        if suining && pi == 0 {
            plots.extend(suining_logistics(park, &mut rng, &mut serial));
        } else {
            plots.extend(park_plots(
                zone_index,
                pi,
                park,
                &outlines[pi],
                &mut rng,
                &mut serial,
                30,
            ));
        }
    }
    if suining {
        // The two idle factories each filled with a manufacturer's 11,000 m² project: vacant
        // standard factories of that size wait in the lithium park for the next one.
        for (i, p) in plots
            .iter_mut()
            .filter(|p| p.park_index == 1 && !p.buildings.is_empty())
            .take(3)
            .enumerate()
        {
            let b = &mut p.buildings[0];
            b.building_type = BuildingType::StandardFactory;
            b.floor_area_m2 = 11_000.0 + 500.0 * i as f64;
            b.clear_height_m = 9.0;
            b.floor_load_kn = 30.0;
            b.power_kva = 2_000.0;
            b.units = split_units(
                &mut rng,
                &format!("F{}", i + 1),
                b.floor_area_m2,
                1,
                1,
                16.0,
                0.0,
                false,
                &mut serial,
            );
            b.units[0].status = UnitStatus::Vacant;
        }
    }
    let requirements = demo_requirements(suining, parks.len());
    let cases = demo_cases(suining, &plots);
    DemoLand {
        plots,
        requirements,
        cases,
    }
}

fn demo_requirements(suining: bool, parks: usize) -> Vec<DemoRequirement> {
    use crate::land::matching::Requirement;
    let mut out = vec![
        DemoRequirement {
            title: "精密制造项目用标准厂房",
            prospect: "某精密部件制造商",
            spec: Requirement {
                area_min_m2: 10_000.0,
                area_max_m2: 12_000.0,
                building_types: vec![BuildingType::StandardFactory],
                min_clear_height_m: Some(8.0),
                min_floor_load_kn: Some(25.0),
                min_power_kva: Some(1_600.0),
                env_category: Some(EnvCategory::General),
                max_rent: Some(20.0),
                move_in_by: Some(day(2026, 12, 31)),
                ..Default::default()
            },
            park_indexes: vec![],
        },
        DemoRequirement {
            title: "研发中试场地",
            prospect: "某新材料初创企业",
            spec: Requirement {
                area_min_m2: 800.0,
                area_max_m2: 1_500.0,
                building_types: vec![BuildingType::RandD, BuildingType::Office],
                min_floor_load_kn: Some(5.0),
                max_rent: Some(55.0),
                ..Default::default()
            },
            park_indexes: vec![parks.saturating_sub(1)],
        },
        DemoRequirement {
            title: "新建生产基地用地",
            prospect: "某装备制造集团",
            spec: Requirement {
                wants_land: true,
                area_min_m2: 25_000.0,
                area_max_m2: 45_000.0,
                land_use: Some(LandUse::Industrial),
                ..Default::default()
            },
            park_indexes: vec![],
        },
        DemoRequirement {
            title: "危化品仓储（甲类）",
            prospect: "某化工贸易公司",
            spec: Requirement {
                area_min_m2: 3_000.0,
                area_max_m2: 5_000.0,
                building_types: vec![BuildingType::Warehouse],
                hazardous: true,
                env_category: Some(EnvCategory::Heavy),
                min_clear_height_m: Some(9.0),
                ..Default::default()
            },
            park_indexes: vec![],
        },
    ];
    if suining {
        out[0].title = "电子元件制造项目 11,000 m² 厂房（下月入驻）";
        out[0].spec.move_in_by = Some(day(2026, 12, 31));
        out[0].park_indexes = vec![1];
    }
    out
}

fn demo_cases(suining: bool, plots: &[DemoPlot]) -> Vec<DemoCase> {
    let idle: Vec<usize> = plots
        .iter()
        .enumerate()
        .filter(|(_, p)| p.held && (p.actual_start.is_none() || p.stopped_on.is_some()))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    if suining {
        out.push(DemoCase {
            title: "现代物流园整体接管盘活",
            plot_index: 0,
            plan: RevitalisationPlan::LeaseOut,
            stage: CaseStage::Relet,
            reason: "仓储设施利用率不足 50%，原运营方无力招租",
            area_m2: 227_000.0,
            occupancy_before: Some(0.48),
            occupancy_after: Some(0.60),
            expected_rent: Some(15_500_000.0),
            actual_rent: Some(9_300_000.0),
            handed_over_on: Some(day(2024, 1, 31)),
            steps: vec![
                (
                    "资产清查与评估",
                    "市投资集团资产部",
                    day(2023, 10, 31),
                    Some(day(2023, 10, 25)),
                ),
                (
                    "签订接管协议",
                    "园区管委会",
                    day(2024, 1, 15),
                    Some(day(2024, 1, 12)),
                ),
                (
                    "资产移交",
                    "市投资集团",
                    day(2024, 1, 31),
                    Some(day(2024, 1, 31)),
                ),
                (
                    "分区招租（目标 80%）",
                    "物流园运营公司",
                    day(2026, 12, 31),
                    None,
                ),
            ],
            projects: vec![],
        });
        let mut idle_iter = idle.iter().copied().chain(std::iter::repeat(0));
        let specs: [(&str, RevitalisationPlan, CaseStage, f64, &DemoProject); 4] = [
            (
                "闲置厂房盘活：电子元件项目入驻",
                RevitalisationPlan::PlaceProject,
                CaseStage::Relet,
                11_000.0,
                &SUINING_PROJECTS[0],
            ),
            (
                "闲置厂房盘活：锂电负极材料项目（8,000 吨）",
                RevitalisationPlan::PlaceProject,
                CaseStage::Relet,
                11_000.0,
                &SUINING_PROJECTS[1],
            ),
            (
                "低效用地回购再供应",
                RevitalisationPlan::BuyBack,
                CaseStage::HandedOver,
                28_000.0,
                &SUINING_PROJECTS[2],
            ),
            (
                "停建项目司法拍卖",
                RevitalisationPlan::JudicialAuction,
                CaseStage::InProgress,
                23_000.0,
                &SUINING_PROJECTS[3],
            ),
        ];
        for (title, plan, stage, area, project) in specs {
            let done = matches!(stage, CaseStage::Relet | CaseStage::HandedOver);
            out.push(DemoCase {
                title,
                plot_index: idle_iter.next().unwrap_or(0),
                plan,
                stage,
                reason: "闲置或低效：停建或未按约定开发",
                area_m2: area,
                occupancy_before: Some(0.0),
                occupancy_after: done.then_some(1.0),
                expected_rent: None,
                actual_rent: None,
                handed_over_on: done.then(|| day(2025, 6, 30)),
                steps: vec![
                    (
                        "认定闲置/低效并告知",
                        "自然资源和规划局",
                        day(2025, 1, 31),
                        Some(day(2025, 1, 20)),
                    ),
                    (
                        "处置方案审定",
                        "园区管委会",
                        day(2025, 3, 31),
                        Some(day(2025, 3, 28)),
                    ),
                    (
                        "项目入驻",
                        "招商局",
                        day(2025, 9, 30),
                        done.then(|| day(2025, 9, 1)),
                    ),
                ],
                projects: vec![*project],
            });
        }
    } else if let Some(&i) = idle.first() {
        out.push(DemoCase {
            title: "未按期开工地块处置",
            plot_index: i,
            plan: RevitalisationPlan::PlaceProject,
            stage: CaseStage::Planned,
            reason: "约定开工满一年仍未动工",
            area_m2: plots[i].area_m2,
            occupancy_before: None,
            occupancy_after: None,
            expected_rent: None,
            actual_rent: None,
            handed_over_on: None,
            steps: vec![
                (
                    "下发闲置土地认定书",
                    "自然资源和规划局",
                    day(2026, 3, 31),
                    Some(day(2026, 3, 20)),
                ),
                (
                    "约谈土地使用权人",
                    "园区管委会",
                    day(2026, 5, 31),
                    Some(day(2026, 5, 18)),
                ),
                ("引入新项目", "招商局", day(2027, 3, 31), None),
            ],
            projects: vec![],
        });
    }
    out
}
