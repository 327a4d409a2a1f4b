//! Land rules by hand: idle land at its boundaries, low-efficiency tests, occupancy and rent
//! arithmetic, lease checks, and the ranking of candidates with its explanations.

use chrono::NaiveDate;
use devzone_core::land::idle::{LandRules, PlotFigures, flags, idle_flags, low_efficiency_flags};
use devzone_core::land::matching::{
    CandidateKind, Figure, Outcome, PlotCandidate, Requirement, UnitCandidate, rank,
};
use devzone_core::land::occupancy::{
    LeaseTerm, UnitLine, ends_within, is_stale, month_ends, occupancy, overlapping,
};
use devzone_core::land::validate::{LeaseInput, PlotInput, UnitInput};
use devzone_core::model::{BuildingType, EnvCategory, LandUse, UnitStatus};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rules_of(flags: &[devzone_core::land::idle::Flag]) -> Vec<&str> {
    flags.iter().map(|f| f.rule).collect()
}

#[test]
fn not_started_is_idle_from_the_first_anniversary_of_the_contracted_start() {
    let p = PlotFigures {
        area_m2: 20_000.0,
        contracted_start: Some(d("2024-03-01")),
        ..Default::default()
    };
    // 2025-02-28: 364 days, not yet a full year.
    assert!(idle_flags(&p, d("2025-02-28")).is_empty());
    // 2025-03-01: one full year → idle, 365 days late.
    let f = idle_flags(&p, d("2025-03-01"));
    assert_eq!(rules_of(&f), ["idle_not_started"]);
    assert_eq!(
        f[0].figures,
        vec![
            ("contracted_start", "2024-03-01".to_string()),
            ("days_late", "365".to_string())
        ]
    );
    // Started (even late): the not-started rule no longer applies.
    let started = PlotFigures {
        actual_start: Some(d("2025-04-01")),
        ..p.clone()
    };
    assert!(idle_flags(&started, d("2026-06-01")).is_empty());
}

#[test]
fn stopped_construction_needs_little_done_and_a_full_year_stopped() {
    let base = PlotFigures {
        area_m2: 30_000.0,
        contracted_start: Some(d("2022-01-01")),
        actual_start: Some(d("2022-02-01")),
        stopped_on: Some(d("2024-06-30")),
        developed_m2: Some(9_999.0), // 9,999 / 30,000 = 33.33 % < 1/3
        planned_investment: Some(100_000_000.0),
        invested: Some(40_000_000.0), // 40 % ≥ 25 %
        ..Default::default()
    };
    // Stopped 2024-06-30; a full year on 2025-06-30.
    assert!(idle_flags(&base, d("2025-06-29")).is_empty());
    let f = idle_flags(&base, d("2025-06-30"));
    assert_eq!(rules_of(&f), ["idle_stopped"]);
    assert!(
        f[0].figures
            .contains(&("developed_share", "33.3%".to_string()))
    );
    assert!(
        f[0].figures
            .contains(&("invested_share", "40.0%".to_string()))
    );
    // Exactly one third developed and 25 % invested: neither is "less than" → not idle.
    let third = PlotFigures {
        developed_m2: Some(10_000.0),
        invested: Some(25_000_000.0),
        ..base.clone()
    };
    assert!(idle_flags(&third, d("2026-01-01")).is_empty());
    // One third developed but 24.99 % invested → idle by investment.
    let low_inv = PlotFigures {
        invested: Some(24_990_000.0),
        ..third.clone()
    };
    assert_eq!(
        rules_of(&idle_flags(&low_inv, d("2026-01-01"))),
        ["idle_stopped"]
    );
    // Still building (not stopped): never idle by this rule.
    let busy = PlotFigures {
        stopped_on: None,
        ..base
    };
    assert!(idle_flags(&busy, d("2030-01-01")).is_empty());
}

#[test]
fn low_efficiency_rules_name_their_figures_and_can_be_switched_off() {
    // 15 mu = 10,000 m².
    let p = PlotFigures {
        area_m2: 10_000.0,
        contracted_completion: Some(d("2023-12-31")),
        built_floor_m2: 8_000.0,          // FAR 0.80
        min_far: Some(1.0),               // covenant 1.0 → low
        invested: Some(30_000_000.0),     // 3,000 万 / 15 mu = 200 万/亩
        min_intensity: Some(3_000_000.0), // covenant 300 万/亩 → low
        holder_tax: Some(150_000.0),      // 15 万 / 15 mu = 1 万/亩
        min_tax_per_mu: Some(100_000.0),  // covenant 10 万/亩 → low
        holder_class: Some("D".into()),
        vacancy: Some(0.5), // exactly the limit: not above
        ..Default::default()
    };
    let rules = LandRules::default();
    let f = low_efficiency_flags(&p, &rules, d("2024-06-01"));
    assert_eq!(
        rules_of(&f),
        ["low_class_d", "low_far", "low_intensity", "low_tax"]
    );
    assert_eq!(
        f[1].figures,
        vec![("far", "0.80".into()), ("min_far", "1.00".into())]
    );
    assert_eq!(
        f[2].figures,
        vec![
            ("intensity_wan_per_mu", "200".into()),
            ("min_intensity_wan_per_mu", "300".into())
        ]
    );
    assert_eq!(
        f[3].figures,
        vec![
            ("tax_wan_per_mu", "1.00".into()),
            ("min_tax_wan_per_mu", "10.00".into())
        ]
    );
    // Before the completion date, floor-area ratio and intensity are not judged yet.
    let early = low_efficiency_flags(&p, &rules, d("2023-12-31"));
    assert_eq!(rules_of(&early), ["low_class_d", "low_tax"]);
    // Vacancy just above the limit; everything else switched off.
    let only_vacancy = LandRules {
        per_mu_class_d: false,
        far_below_covenant: false,
        intensity_below_covenant: false,
        tax_below_covenant: false,
        vacancy_above: Some(0.5),
        stale_after_days: 180,
    };
    let vacant = PlotFigures {
        vacancy: Some(0.5001),
        ..p.clone()
    };
    let f = flags(&vacant, &only_vacancy, d("2024-06-01"));
    assert_eq!(rules_of(&f), ["low_vacancy"]);
    assert_eq!(f[0].figures[0], ("vacancy", "50.0%".to_string()));
}

#[test]
fn occupancy_and_rent_arithmetic() {
    // The Suining-like warehouses: 227,000 m², 60 % let at 5.7 yuan/m²/month.
    let units = [
        UnitLine {
            area_m2: 136_200.0,
            status: UnitStatus::Leased,
            rent: Some(5.7),
        },
        UnitLine {
            area_m2: 80_800.0,
            status: UnitStatus::Vacant,
            rent: None, // no asking rent: the leased mean (5.7) stands in
        },
        UnitLine {
            area_m2: 10_000.0,
            status: UnitStatus::Reserved,
            rent: Some(6.0),
        },
        UnitLine {
            area_m2: 3_000.0,
            status: UnitStatus::Unusable,
            rent: None,
        },
    ];
    let o = occupancy(&units);
    assert_eq!(o.total_m2, 230_000.0);
    assert_eq!(o.lettable_m2, 227_000.0);
    assert_eq!(o.occupied_m2, 136_200.0);
    assert!((o.rate().unwrap() - 0.6).abs() < 1e-12);
    // now: 136,200 × 5.7 × 12 = 9,316,080
    assert!((o.annual_rent - 9_316_080.0).abs() < 1e-6);
    // full: + 80,800 × 5.7 × 12 (5,526,720) + 10,000 × 6.0 × 12 (720,000) = 15,562,800
    assert!((o.annual_rent_full - 15_562_800.0).abs() < 1e-6);
    assert_eq!(occupancy(&[]).rate(), None);
}

#[test]
fn leases_overlap_expire_and_go_stale() {
    let existing = [LeaseTerm {
        id: 7,
        start: d("2025-01-01"),
        end: d("2025-12-31"),
    }];
    let touching = LeaseTerm {
        id: 0,
        start: d("2025-12-31"),
        end: d("2026-12-31"),
    };
    assert_eq!(overlapping(&existing, &touching).map(|l| l.id), Some(7));
    let after = LeaseTerm {
        id: 0,
        start: d("2026-01-01"),
        end: d("2026-12-31"),
    };
    assert!(overlapping(&existing, &after).is_none());
    let today = d("2026-11-27");
    assert_eq!(ends_within(d("2026-12-27"), today, 30), Some(30));
    assert_eq!(ends_within(d("2026-12-28"), today, 30), None);
    assert_eq!(ends_within(d("2026-11-26"), today, 30), None);
    assert!(!is_stale(Some(d("2026-05-31")), today, 180)); // 180 days
    assert!(is_stale(Some(d("2026-05-30")), today, 180)); // 181 days
    assert!(is_stale(None, today, 180));
    assert_eq!(
        month_ends(today, 3),
        vec![d("2026-09-30"), d("2026-10-31"), today]
    );
}

#[test]
fn bad_inventory_input_is_refused_with_field_and_rule() {
    let rules = |r: Result<_, Vec<devzone_core::validate::FieldError>>| -> Vec<(String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.rule))
            .collect()
    };
    let unit = UnitInput {
        building_id: 1,
        name: "1F".into(),
        area_m2: "12000".into(),
        status: "vacant".into(),
        ..Default::default()
    };
    assert_eq!(
        rules(unit.validate(11_000.0, 0.0, d("2026-11-27")).map(|_| ())),
        [(
            "area_m2".to_string(),
            "land.unit_above_building".to_string()
        )]
    );
    let lease = LeaseInput {
        unit_id: 1,
        tenant_name: Some("某物流公司".into()),
        start: "2026-05-01".into(),
        end: "2026-04-30".into(),
        rent: "-3".into(),
        ..Default::default()
    };
    assert_eq!(
        rules(lease.validate(&[]).map(|_| ())),
        [
            ("end".to_string(), "date.before_start".to_string()),
            ("rent".to_string(), "number.negative".to_string())
        ]
    );
    let overlapping_lease = LeaseInput {
        end: "2027-04-30".into(),
        rent: "6".into(),
        ..lease
    };
    let existing = [LeaseTerm {
        id: 3,
        start: d("2026-01-01"),
        end: d("2026-06-30"),
    }];
    let errs = overlapping_lease.validate(&existing).unwrap_err();
    assert_eq!(errs[0].rule, "land.lease_overlap");
    assert_eq!(errs[0].detail.as_deref(), Some("2026-01-01 – 2026-06-30"));
    let plot = PlotInput {
        code: "P-1".into(),
        land_use: "industrial".into(),
        boundary: Some(r#"{"type":"Polygon","coordinates":[[[104.6,30.5],[104.61,30.51],[104.61,30.5],[104.6,30.51],[104.6,30.5]]]}"#.into()),
        ..Default::default()
    };
    assert_eq!(
        rules(plot.validate().map(|_| ())),
        [
            (
                "boundary".to_string(),
                "geojson.self_intersecting".to_string()
            ),
            ("area_m2".to_string(), "required".to_string())
        ]
    );
}

#[test]
fn recorded_area_is_checked_against_the_geometry() {
    // 0.001° × 0.001° at 30.505° N ≈ 111.2 m × 95.8 m ≈ 10,650 m².
    let geo = r#"{"type":"Polygon","coordinates":[[[104.6,30.5],[104.601,30.5],[104.601,30.501],[104.6,30.501],[104.6,30.5]]]}"#;
    let with = |area: &str| PlotInput {
        code: "P-2".into(),
        land_use: "industrial".into(),
        boundary: Some(geo.into()),
        area_m2: area.into(),
        ..Default::default()
    };
    let ok = with("10500").validate().unwrap();
    assert!((ok.geometry_m2.unwrap() - 10_650.0).abs() < 20.0);
    assert!(!ok.area_warning());
    assert!(with("12000").validate().unwrap().area_warning());
}

fn unit(id: i64, area: f64) -> UnitCandidate {
    UnitCandidate {
        id,
        park_id: Some(1),
        building_type: BuildingType::StandardFactory,
        area_m2: area,
        clear_height_m: Some(9.0),
        floor_load_kn: Some(30.0),
        power_kva: Some(2_000.0),
        env_max: Some(EnvCategory::General),
        hazardous_ok: false,
        rent: Some(18.0),
        available_from: None,
    }
}

#[test]
fn ranking_puts_full_fits_first_and_explains_each_miss() {
    let r = Requirement {
        area_min_m2: 10_000.0,
        area_max_m2: 12_000.0,
        building_types: vec![BuildingType::StandardFactory],
        min_clear_height_m: Some(8.0),
        max_rent: Some(20.0),
        ..Default::default()
    };
    let units = vec![
        unit(1, 9_000.0), // 1,000 m² short: one miss, share 0.1
        unit(2, 11_000.0),
        UnitCandidate {
            clear_height_m: Some(6.0), // 2 m low: one miss, share 0.25
            ..unit(3, 11_000.0)
        },
        UnitCandidate {
            rent: None, // unknown rent counts half
            ..unit(4, 11_500.0)
        },
        UnitCandidate {
            building_type: BuildingType::Warehouse,
            clear_height_m: Some(6.0),
            ..unit(5, 11_000.0)
        },
    ];
    let ranked = rank(&r, &units, &[], 10);
    let order: Vec<i64> = ranked.iter().map(|c| c.id).collect();
    // 2 (all 4 fit: 100), 4 (3.5/4 = 87.5), then one miss each: 1 (3 + 0.45 = 3.45/4 = 86.25)
    // before 3 (3 + 0.375 = 84.375), then 5 with two misses.
    assert_eq!(order, [2, 4, 1, 3, 5]);
    assert_eq!(ranked[0].score, 100.0);
    assert_eq!(ranked[1].score, 87.5);
    assert_eq!(ranked[2].score, 86.25);
    assert_eq!(ranked[3].score, 84.375);
    assert_eq!(ranked[4].misses, 2);
    let area = &ranked[2].checks[0];
    assert_eq!(area.criterion, "area");
    assert_eq!(
        area.asked,
        Figure::Range {
            min: 10_000.0,
            max: 12_000.0
        }
    );
    assert_eq!(area.offered, Figure::Number(9_000.0));
    assert_eq!(
        area.outcome,
        Outcome::Misses {
            by: 1_000.0,
            share: 0.1
        }
    );
    let height = ranked[3]
        .checks
        .iter()
        .find(|c| c.criterion == "clear_height")
        .unwrap();
    assert_eq!(
        height.outcome,
        Outcome::Misses {
            by: 2.0,
            share: 0.25
        }
    );
    // The limit keeps the best ones, in the same order.
    let top2: Vec<i64> = rank(&r, &units, &[], 2).iter().map(|c| c.id).collect();
    assert_eq!(top2, [2, 4]);
}

#[test]
fn land_requirements_rank_plots() {
    let r = Requirement {
        wants_land: true,
        area_min_m2: 20_000.0,
        area_max_m2: 40_000.0,
        land_use: Some(LandUse::Industrial),
        parks: vec![2],
        ..Default::default()
    };
    let plots = [
        PlotCandidate {
            id: 10,
            park_id: Some(2),
            area_m2: 30_000.0,
            land_use: LandUse::Industrial,
        },
        PlotCandidate {
            id: 11,
            park_id: Some(1),
            area_m2: 30_000.0,
            land_use: LandUse::Industrial,
        },
    ];
    let ranked = rank(&r, &[unit(1, 30_000.0)], &plots, 10);
    assert_eq!(ranked.len(), 2);
    assert!(ranked.iter().all(|c| c.kind == CandidateKind::Plot));
    assert_eq!(ranked[0].id, 10);
    assert_eq!(ranked[1].checks.last().unwrap().criterion, "park");
    assert_eq!(ranked[1].misses, 1);
}
