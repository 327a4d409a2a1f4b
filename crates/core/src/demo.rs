//! The deterministic demo dataset (../shared/specs/demo-data.md, copied into docs/).
//!
//! Pure: it produces domain values and leaves storing them to the caller, one enterprise at
//! a time, so that `--enterprises 100000` streams instead of building everything in memory.
//! Same seed, same data: every random draw comes from a SplitMix64 stream seeded by the
//! enterprise's index. Names and codes are synthetic: the names are built from syllables no
//! registered company combines this way, and the codes carry valid check characters.

use crate::credit_code::CreditCode;
use crate::facts::{Centi, FactField};
use crate::model::{FactSource, Ownership, QualificationKind, ZoneKind};
use crate::validate::{EnterpriseDraft, QualificationDraft};
use chrono::NaiveDate;

/// Small, fast, deterministic PRNG (SplitMix64). Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = (self.next_u64() % total as u64) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[0].0
    }
}

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

pub struct DemoEnterprise {
    pub zone_index: usize,
    pub park_index: Option<usize>,
    pub draft: EnterpriseDraft,
    pub qualifications: Vec<QualificationDraft>,
    pub facts: Vec<DemoFacts>,
}

pub struct DemoFacts {
    pub year: i32,
    pub source: FactSource,
    pub values: Vec<(FactField, Centi)>,
}

/// The three years of facts the demo carries.
pub const YEARS: [i32; 3] = [2022, 2023, 2024];

const NAME_HEADS: &[&str] = &[
    "瀚", "澄", "睿", "骐", "煜", "铂", "璟", "翊", "峤", "芃", "霁", "珩", "昶", "逸", "朔", "渊",
    "岚", "湛", "钧", "熠",
];
const NAME_TAILS: &[&str] = &[
    "芯", "拓", "衡", "川", "微", "岳", "辰", "科", "源", "晟", "驰", "禾", "锐", "航", "泽", "铖",
    "砺", "垣", "曜", "澜",
];
const SUFFIXES: &[&str] = &["有限公司", "股份有限公司", "科技有限公司"];

fn industry_word(class: &str) -> &'static str {
    match &class[..2] {
        "13" | "14" | "15" => "食品",
        "26" | "27" => "生物医药",
        "29" => "新材料",
        "30" => "碳材料",
        "34" | "35" => "智能装备",
        "36" => "新能源汽车",
        "37" => "航天科技",
        "38" => "电气",
        "39" => "电子",
        "40" => "光电仪器",
        "59" => "物流",
        "65" => "软件",
        _ => "实业",
    }
}

fn is_industrial(class: &str) -> bool {
    class[..2]
        .parse::<u32>()
        .is_ok_and(|d| (6..=46).contains(&d))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// Maps a global enterprise index to its zone by the zones' shares.
fn zone_of(index: usize, zones: &[DemoZone]) -> usize {
    let total: u32 = zones.iter().map(|z| z.share).sum();
    let slot = (index as u64 * 7919 % total as u64) as u32;
    let mut acc = 0;
    for (i, z) in zones.iter().enumerate() {
        acc += z.share;
        if slot < acc {
            return i;
        }
    }
    zones.len() - 1
}

/// The `index`-th demo enterprise. Deterministic; distinct indexes give distinct codes.
pub fn enterprise(index: usize, zones: &[DemoZone]) -> DemoEnterprise {
    let mut rng = Rng::new(0xDE_0000_0000 + index as u64);
    let zi = zone_of(index, zones);
    let zone = &zones[zi];
    let class = *rng.weighted(zone.industries);
    let park_index = if rng.chance(0.85) {
        Some(rng.below(zone.parks.len()))
    } else {
        None
    };
    let district = *rng.pick(zone.districts);

    // The organisation-code body encodes the index, so codes never collide.
    let body = format!("MA{:06}", index % 1_000_000);
    let body = if index >= 1_000_000 {
        format!("MB{:06}", index / 1_000_000)
    } else {
        body
    };
    let credit_code =
        CreditCode::assemble("91", district, &body).expect("demo code is well-formed");

    let head = rng.pick(NAME_HEADS);
    let tail = rng.pick(NAME_TAILS);
    // Index-derived third syllable keeps names unique at scale and visibly synthetic.
    let serial = crate::demo::serial_word(index);
    let name = format!(
        "{head}{tail}{serial}{}{}",
        industry_word(class),
        rng.pick(SUFFIXES)
    );
    let former_names = if rng.chance(0.06) {
        vec![format!("{head}{tail}{serial}实业有限公司")]
    } else {
        vec![]
    };

    let foreign = rng.chance(zone.foreign_share);
    let ownership = if foreign {
        if rng.chance(0.25) {
            Ownership::HkMacaoTaiwan
        } else {
            Ownership::ForeignInvested
        }
    } else {
        *rng.weighted(&[
            (Ownership::Private, 80),
            (Ownership::StateOwned, 12),
            (Ownership::Collective, 2),
            (Ownership::Other, 6),
        ])
    };
    let source_country = match ownership {
        Ownership::ForeignInvested => Some(
            rng.pick(&["德国", "美国", "日本", "新加坡", "韩国", "法国", "瑞士"])
                .to_string(),
        ),
        Ownership::HkMacaoTaiwan => {
            Some(rng.pick(&["中国香港", "中国台湾", "中国澳门"]).to_string())
        }
        _ => None,
    };
    let fortune500_parent =
        (foreign && rng.chance(0.15)).then(|| format!("{}集团（示例）", rng.pick(NAME_HEADS)));
    let founded_year = 1995 + rng.below(29) as i32;
    let founded_on = date(
        founded_year,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    );

    // Size: log-normal revenue (yuan), median ≈ 30 million, long right tail.
    let revenue_2024 = (17.2 + 1.5 * rng.normal()).exp().clamp(3.0e5, 5.0e10);
    let registered_capital =
        Centi::from_f64((revenue_2024 * rng.range(0.05, 0.4) / 10_000.0).round() * 10_000.0);
    let industrial = is_industrial(class);

    let (business_scope, main_products) = crate::chain::demo::scope(index, class);
    let draft = EnterpriseDraft {
        business_scope: Some(business_scope),
        main_products,
        credit_code,
        name,
        former_names,
        industry_code: class.to_string(),
        park_id: None,
        address: Some(format!(
            "{}{}路{}号",
            zone.address_prefix,
            rng.pick(NAME_HEADS),
            1 + rng.below(300)
        )),
        division_code: Some(district.to_string()),
        ownership,
        source_country,
        fortune500_parent,
        founded_on: Some(founded_on),
        registered_capital,
        tags: if rng.chance(0.1) {
            vec!["重点监测".to_string()]
        } else {
            vec![]
        },
    };

    let mut qualifications = Vec::new();
    let rd_share = if industrial {
        rng.range(0.0, 0.08)
    } else {
        rng.range(0.0, 0.12)
    };
    if rd_share > 0.03 && rng.chance(0.6) {
        let from = date(
            2023 + rng.below(3) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        );
        qualifications.push(QualificationDraft {
            kind: QualificationKind::HighTech,
            valid_from: from,
            valid_to: Some(from + chrono::Months::new(36)),
            certificate_no: Some(format!(
                "GR20{:02}{:08}",
                chrono::Datelike::year(&from) % 100,
                index
            )),
        });
    }
    if rd_share > 0.02 && rng.chance(0.4) {
        let from = date(2024 + rng.below(2) as i32, 6, 30);
        qualifications.push(QualificationDraft {
            kind: QualificationKind::InnovativeSme,
            valid_from: from,
            valid_to: Some(from + chrono::Months::new(36)),
            certificate_no: None,
        });
        if rd_share > 0.04 && rng.chance(0.35) {
            let from = date(2025, 3, 1 + rng.below(28) as u32);
            qualifications.push(QualificationDraft {
                kind: QualificationKind::SrdiSme,
                valid_from: from,
                valid_to: Some(from + chrono::Months::new(36)),
                certificate_no: None,
            });
            if rng.chance(0.15) {
                let from = date(2025, 7, 15);
                qualifications.push(QualificationDraft {
                    kind: QualificationKind::LittleGiant,
                    valid_from: from,
                    valid_to: Some(from + chrono::Months::new(36)),
                    certificate_no: None,
                });
            }
        }
    }
    if revenue_2024 > 2.0e9 && rng.chance(0.3) {
        qualifications.push(QualificationDraft {
            kind: QualificationKind::Listed,
            valid_from: date(2015 + rng.below(9) as i32, 3, 1),
            valid_to: None,
            certificate_no: None,
        });
    }

    let facts = demo_facts(&mut rng, index, class, industrial, revenue_2024, rd_share);
    DemoEnterprise {
        zone_index: zi,
        park_index,
        draft,
        qualifications,
        facts,
    }
}

/// Three syllables unique per index (20³ = 8,000 combinations, then a numeral).
pub fn serial_word(index: usize) -> String {
    const S: &[&str] = &[
        "安", "博", "诚", "达", "恩", "丰", "冠", "弘", "嘉", "开", "联", "铭", "诺", "鹏", "启",
        "荣", "顺", "腾", "维", "新",
    ];
    let a = S[index % 20];
    let b = S[(index / 20) % 20];
    let c = S[(index / 400) % 20];
    let rest = index / 8000;
    if rest == 0 {
        format!("{a}{b}{c}")
    } else {
        format!("{a}{b}{c}{rest}")
    }
}

fn demo_facts(
    rng: &mut Rng,
    index: usize,
    class: &str,
    industrial: bool,
    revenue_2024: f64,
    rd_share: f64,
) -> Vec<DemoFacts> {
    let growth = [rng.range(-0.15, 0.25), rng.range(-0.15, 0.25)];
    let va_share = rng.range(0.12, 0.35);
    let tax_share = rng.range(0.005, 0.08);
    let energy_per_yuan = match &class[..2] {
        "26" | "29" | "30" | "15" => rng.range(0.8e-5, 4.0e-5),
        "59" | "65" => rng.range(0.1e-5, 0.3e-5),
        _ => rng.range(0.2e-5, 1.2e-5),
    };
    let land_m2 = if class.starts_with("65") {
        0.0
    } else {
        (revenue_2024 / rng.range(2.0e3, 1.5e4)).clamp(2_000.0, 400_000.0)
    };
    let employees = (revenue_2024 / rng.range(6.0e5, 2.5e6)).max(5.0).round();
    // A few enterprises carry obvious problems for the validation pages to show:
    // value added above revenue, or a tax figure ten times the previous year's.
    let problem = index % 97 == 13;
    let mut out = Vec::new();
    let mut revenue = revenue_2024 / ((1.0 + growth[0]) * (1.0 + growth[1]));
    for (yi, &year) in YEARS.iter().enumerate() {
        if yi > 0 {
            revenue *= 1.0 + growth[yi - 1];
        }
        let jitter = |rng: &mut Rng| rng.range(0.9, 1.1);
        let main_revenue = revenue * rng.range(0.85, 1.0);
        let mut value_added = revenue * va_share * jitter(rng);
        let mut tax = revenue * tax_share * jitter(rng);
        if problem && year == 2024 {
            if index.is_multiple_of(2) {
                value_added = revenue * 1.3
            } else {
                tax *= 10.0
            }
        }
        let energy = revenue * energy_per_yuan * jitter(rng);
        let electricity = energy / 1.229e-4 * rng.range(0.6, 0.9); // tce → kWh at the standard factor
        let mut v: Vec<(FactField, f64)> = vec![
            (FactField::Revenue, revenue),
            (FactField::MainRevenue, main_revenue),
            (FactField::ValueAdded, value_added),
            (FactField::Tax, tax),
            (FactField::RdExpense, main_revenue * rd_share),
            (FactField::Employees, (employees * jitter(rng)).round()),
            (FactField::EnergyTce, energy),
            (FactField::Electricity, electricity),
            (FactField::TotalAssets, revenue * rng.range(0.8, 2.0)),
            (FactField::NetProfit, revenue * rng.range(-0.05, 0.15)),
            (FactField::RdStaff, (employees * rd_share * 2.5).round()),
            (FactField::IpClass1, (rd_share * 200.0 * rng.unit()).round()),
            (FactField::IpClass2, (rd_share * 600.0 * rng.unit()).round()),
            (
                FactField::AboveScale,
                if main_revenue >= 2.0e7 { 1.0 } else { 0.0 },
            ),
        ];
        if land_m2 > 0.0 {
            v.push((FactField::LandArea, land_m2));
        }
        if industrial {
            v.push((FactField::EmissionEquiv, energy * rng.range(0.002, 0.02)));
        }
        let assets = v
            .iter()
            .find(|(f, _)| *f == FactField::TotalAssets)
            .map(|x| x.1)
            .unwrap_or(0.0);
        v.push((FactField::TotalLiabilities, assets * rng.range(0.2, 0.7)));
        if rng.chance(0.3) {
            v.push((FactField::ExportValue, revenue * rng.range(0.05, 0.6)));
        }
        // A few percent of blanks, as in every real collection.
        v.retain(|(f, _)| *f == FactField::Revenue || !rng.chance(0.03));
        let values = v
            .into_iter()
            .filter_map(|(f, x)| Centi::from_f64(x).map(|c| (f, c)))
            .collect();
        out.push(DemoFacts {
            year,
            source: FactSource::StatisticsBureau,
            values,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{IndustryEdition, divisions, industries};
    use std::collections::HashSet;

    #[test]
    fn zones_reference_real_codes() {
        for z in zones() {
            for (c, _) in z.industries {
                assert!(industries(IndustryEdition::Amended).is_class(c), "{c}");
            }
            for d in z.districts {
                assert!(divisions().get(d).is_some(), "{d}");
            }
            assert!(divisions().get(z.province_code).is_some());
            if let Some(code) = z.gbt37028_code {
                assert_eq!(crate::reference::listed_zone(code).unwrap().name, z.name);
            }
        }
    }

    #[test]
    fn deterministic_valid_and_unique() {
        let zs = zones();
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for i in 0..3000 {
            let e = enterprise(i, &zs);
            assert!(CreditCode::parse(e.draft.credit_code.as_str()).is_ok());
            assert!(codes.insert(e.draft.credit_code.clone()));
            assert!(names.insert(e.draft.name.clone()), "{}", e.draft.name);
            assert_eq!(e.facts.len(), 3);
        }
        let a = enterprise(42, &zs);
        let b = enterprise(42, &zs);
        assert_eq!(a.draft, b.draft);
        assert_eq!(a.facts[2].values, b.facts[2].values);
    }
}
