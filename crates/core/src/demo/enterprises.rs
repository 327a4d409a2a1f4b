//! Demo enterprises: synthetic names and valid credit codes, industries, sizes, and three
//! years of figures with the sources a zone receives them from.

use super::*;
use crate::credit_code::CreditCode;
use crate::facts::{Centi, FactField};
use crate::model::{FactSource, Ownership, QualificationKind};
use crate::validate::{EnterpriseDraft, QualificationDraft};
use chrono::NaiveDate;

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

pub(super) const NAME_HEADS: &[&str] = &[
    "瀚", "澄", "睿", "骐", "煜", "铂", "璟", "翊", "峤", "芃", "霁", "珩", "昶", "逸", "朔", "渊",
    "岚", "湛", "钧", "熠",
];

pub(super) const NAME_TAILS: &[&str] = &[
    "芯", "拓", "衡", "川", "微", "岳", "辰", "科", "源", "晟", "驰", "禾", "锐", "航", "泽", "铖",
    "砺", "垣", "曜", "澜",
];

pub(super) const SUFFIXES: &[&str] = &["有限公司", "股份有限公司", "科技有限公司"];

pub(super) fn industry_word(class: &str) -> &'static str {
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

pub(super) fn is_industrial(class: &str) -> bool {
    class[..2]
        .parse::<u32>()
        .is_ok_and(|d| (6..=46).contains(&d))
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// Maps a global enterprise index to its zone by the zones' shares.
pub(super) fn zone_of(index: usize, zones: &[DemoZone]) -> usize {
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

    let (business_scope, main_products) = crate::demo::chains::scope(index, class);
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

pub(super) fn demo_facts(
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
