//! The demo zones and their parks, with park boundaries drawn around each zone's centre.

use super::*;
use crate::model::ZoneKind;

pub struct DemoPark {
    pub name: &'static str,
    pub theme: &'static str,
    /// Centre (longitude, latitude) and rough radius in degrees of the generated boundary.
    pub centre: (f64, f64),
    pub radius: f64,
}

pub struct DemoZone {
    pub name: &'static str,
    pub kind: ZoneKind,
    pub gbt37028_code: Option<&'static str>,
    pub province_code: &'static str,
    pub city_code: &'static str,
    /// Division codes used in the credit codes and addresses of its enterprises.
    pub districts: &'static [&'static str],
    pub address_prefix: &'static str,
    pub parks: Vec<DemoPark>,
    /// GB/T 4754 classes with weights: the zone's industry mix.
    pub industries: &'static [(&'static str, u32)],
    /// Share of all demo enterprises, in per-mille.
    pub share: u32,
    pub foreign_share: f64,
}

pub fn zones() -> Vec<DemoZone> {
    vec![
        DemoZone {
            name: "北京经济技术开发区",
            kind: ZoneKind::NationalEtdz,
            gbt37028_code: Some("11101001"),
            province_code: "110000",
            city_code: "110000",
            districts: &["110115", "110112"],
            address_prefix: "北京市大兴区",
            parks: vec![
                DemoPark {
                    name: "火箭大街产业园",
                    theme: "商业航天",
                    centre: (116.535, 39.770),
                    radius: 0.010,
                },
                DemoPark {
                    name: "机器人产业园",
                    theme: "机器人与智能制造",
                    centre: (116.505, 39.795),
                    radius: 0.012,
                },
                DemoPark {
                    name: "生物医药产业园",
                    theme: "生物技术与大健康",
                    centre: (116.480, 39.775),
                    radius: 0.011,
                },
                DemoPark {
                    name: "新能源汽车产业园",
                    theme: "新能源智能汽车",
                    centre: (116.560, 39.800),
                    radius: 0.014,
                },
                DemoPark {
                    name: "信创园",
                    theme: "新一代信息技术",
                    centre: (116.520, 39.815),
                    radius: 0.009,
                },
            ],
            industries: &[
                ("3912", 8),
                ("3973", 6),
                ("3982", 6),
                ("3612", 5),
                ("3491", 7),
                ("3492", 4),
                ("2761", 6),
                ("2710", 3),
                ("3581", 5),
                ("3742", 5),
                ("3963", 3),
                ("4040", 3),
                ("6513", 4),
            ],
            share: 300,
            foreign_share: 0.12,
        },
        DemoZone {
            name: "遂宁高新技术产业开发区",
            kind: ZoneKind::NationalHighTech,
            gbt37028_code: None,
            province_code: "510000",
            city_code: "510900",
            districts: &["510903", "510904"],
            address_prefix: "四川省遂宁市船山区",
            parks: vec![
                DemoPark {
                    name: "现代物流园",
                    theme: "仓储物流",
                    centre: (105.600, 30.520),
                    radius: 0.012,
                },
                DemoPark {
                    name: "锂电新材料产业园",
                    theme: "锂电及新材料",
                    centre: (105.630, 30.540),
                    radius: 0.013,
                },
                DemoPark {
                    name: "电子信息产业园",
                    theme: "电子电路",
                    centre: (105.575, 30.545),
                    radius: 0.010,
                },
            ],
            industries: &[
                ("3841", 6),
                ("3091", 5),
                ("3982", 8),
                ("5920", 6),
                ("3563", 3),
                ("3824", 3),
                ("2651", 2),
            ],
            share: 140,
            foreign_share: 0.03,
        },
        DemoZone {
            name: "苏州工业园区",
            kind: ZoneKind::NationalEtdz,
            gbt37028_code: Some("32101004"),
            province_code: "320000",
            city_code: "320500",
            districts: &["320506", "320505"],
            address_prefix: "江苏省苏州市苏州工业园区",
            parks: vec![
                DemoPark {
                    name: "生物医药产业园",
                    theme: "体外诊断与生物医药",
                    centre: (120.730, 31.270),
                    radius: 0.012,
                },
                DemoPark {
                    name: "纳米城",
                    theme: "纳米技术应用",
                    centre: (120.760, 31.290),
                    radius: 0.010,
                },
                DemoPark {
                    name: "集成电路产业园",
                    theme: "集成电路",
                    centre: (120.700, 31.310),
                    radius: 0.013,
                },
                DemoPark {
                    name: "高端装备产业园",
                    theme: "高端装备制造",
                    centre: (120.790, 31.300),
                    radius: 0.014,
                },
            ],
            industries: &[
                ("2770", 7),
                ("2762", 5),
                ("3581", 6),
                ("3583", 6),
                ("3973", 7),
                ("3974", 4),
                ("4040", 3),
                ("3422", 3),
                ("3441", 3),
                ("3912", 4),
                ("2761", 4),
            ],
            share: 300,
            foreign_share: 0.35,
        },
        DemoZone {
            name: "天津滨海高新技术产业开发区",
            kind: ZoneKind::NationalHighTech,
            gbt37028_code: Some("12103001"),
            province_code: "120000",
            city_code: "120000",
            districts: &["120116"],
            address_prefix: "天津市滨海新区",
            parks: vec![
                DemoPark {
                    name: "华苑科技园",
                    theme: "软件与信息服务",
                    centre: (117.160, 39.080),
                    radius: 0.010,
                },
                DemoPark {
                    name: "滨海科技园",
                    theme: "新能源与新材料",
                    centre: (117.560, 39.020),
                    radius: 0.014,
                },
            ],
            industries: &[
                ("3911", 4),
                ("3919", 3),
                ("3825", 4),
                ("3841", 3),
                ("6513", 5),
                ("3963", 2),
                ("2761", 2),
            ],
            share: 110,
            foreign_share: 0.10,
        },
        DemoZone {
            name: "中山火炬高技术产业开发区",
            kind: ZoneKind::NationalHighTech,
            gbt37028_code: Some("44103003"),
            province_code: "440000",
            city_code: "442000",
            districts: &["442000"],
            address_prefix: "广东省中山市火炬开发区",
            parks: vec![
                DemoPark {
                    name: "装备制造产业园",
                    theme: "通用设备与电气机械",
                    centre: (113.480, 22.560),
                    radius: 0.012,
                },
                DemoPark {
                    name: "健康医药产业基地",
                    theme: "健康医药",
                    centre: (113.500, 22.530),
                    radius: 0.010,
                },
                DemoPark {
                    name: "电子信息产业园",
                    theme: "计算机与电子",
                    centre: (113.460, 22.540),
                    radius: 0.009,
                },
            ],
            industries: &[
                ("3811", 5),
                ("3899", 5),
                ("3911", 4),
                ("3982", 4),
                ("2929", 5),
                ("2913", 3),
                ("3441", 4),
                ("3443", 3),
            ],
            share: 110,
            foreign_share: 0.15,
        },
        DemoZone {
            name: "陇南经济开发区",
            kind: ZoneKind::Provincial,
            gbt37028_code: Some("62201009"),
            province_code: "620000",
            city_code: "621200",
            districts: &["621202"],
            address_prefix: "甘肃省陇南市武都区",
            parks: vec![
                DemoPark {
                    name: "酒类酿造园",
                    theme: "白酒",
                    centre: (104.920, 33.390),
                    radius: 0.008,
                },
                DemoPark {
                    name: "农产品加工园",
                    theme: "农产品加工与生物医药",
                    centre: (104.950, 33.400),
                    radius: 0.010,
                },
            ],
            industries: &[
                ("1512", 6),
                ("1371", 5),
                ("1391", 3),
                ("2740", 4),
                ("3572", 2),
            ],
            share: 40,
            foreign_share: 0.0,
        },
    ]
}

/// A GeoJSON polygon: an irregular, convex-ish outline around the park's centre.
pub fn park_boundary(zone_index: usize, park_index: usize, park: &DemoPark) -> String {
    let mut rng = Rng::new(0x5041_524B ^ ((zone_index as u64) << 16) ^ park_index as u64);
    let n = 7 + rng.below(4);
    let mut pts: Vec<String> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * (i as f64 + rng.range(-0.2, 0.2)) / n as f64;
            let r = park.radius * rng.range(0.7, 1.1);
            format!(
                "[{:.5},{:.5}]",
                park.centre.0 + r * a.cos() * 1.2,
                park.centre.1 + r * a.sin()
            )
        })
        .collect();
    pts.push(pts[0].clone());
    format!(
        "{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}",
        pts.join(",")
    )
}
