//! The 2022 innovative-SME evaluation (tier spec §A), computed by hand at every band's bound
//! and on each side of it; the SME size table; the row rules of the file mode; exact
//! decimals; rule-set dates.

use chrono::NaiveDate;
use devzone_core::tiers::amount::{Amount, NumberError};
use devzone_core::tiers::file::map_columns;
use devzone_core::tiers::innovative_2022::{
    Direct, Input, Level, Reason, Route, assess, parse_honours, points,
};
use devzone_core::tiers::{rule_sets, sme_size};

fn yuan(v: i64) -> Option<Amount> {
    Some(Amount::units(v))
}

/// Parses a decimal the way a cell gives it.
fn dec(s: &str) -> Option<Amount> {
    Amount::parse(s).unwrap()
}

/// A manufacturer that is an SME, compliant, with no direct condition, and all figures
/// known: revenue 10,000,000; R&D 0; growth −10 %; debt 90 %; main share 0 %; no IP.
/// Every indicator but `field` (5) scores 0 here, so a test changes one figure at a time.
fn base() -> Input {
    Input {
        section: Some(b'C'),
        employees: yuan(100),
        revenue: yuan(10_000_000),
        main_revenue: yuan(0),
        main_revenue_prev: yuan(1),
        rd_expense: yuan(0),
        total_assets: yuan(100),
        total_liabilities: yuan(90),
        ip_class1_high_value: yuan(0),
        ip_class1_self: yuan(0),
        ip_class1: yuan(0),
        ip_class2: yuan(0),
        ..Input::default()
    }
}

#[test]
fn base_scores_only_the_field_indicator() {
    let p = points(&base());
    assert_eq!(
        (p.ip, p.rd_ratio, p.growth, p.debt, p.field, p.main_share),
        (0, 0, 0, 0, 5, 0)
    );
    assert_eq!(p.total(), 5);
}

#[test]
fn ip_points_take_the_best_class() {
    let cases = [
        ([0, 0, 0, 0], 0),
        ([0, 0, 0, 1], 5),
        ([0, 0, 1, 0], 10),
        ([0, 1, 1, 3], 15),
        ([1, 1, 1, 0], 20),
        ([1, 0, 0, 0], 20),
    ];
    for ([hv, own, c1, c2], want) in cases {
        let i = Input {
            ip_class1_high_value: yuan(hv),
            ip_class1_self: yuan(own),
            ip_class1: yuan(c1),
            ip_class2: yuan(c2),
            ..base()
        };
        assert_eq!(points(&i).ip, want, "{hv} {own} {c1} {c2}");
    }
    // Unknown counts are not ≥ 1; 0.5 of an item is not one.
    let i = Input {
        ip_class1_high_value: None,
        ip_class2: dec("0.5"),
        ..base()
    };
    assert_eq!(points(&i).ip, 0);
}

#[test]
fn rd_ratio_bands_at_and_beside_each_bound() {
    // Revenue 10,000,000: 1 % is 100,000.
    let cases = [
        ("500000", 20),
        ("499999.99", 15),
        ("300000", 15),
        ("299999.99", 10),
        ("200000", 10),
        ("199999.99", 5),
        ("100000", 5),
        ("99999.99", 0),
        ("0", 0),
        ("9000000", 20),
    ];
    for (rd, want) in cases {
        let i = Input {
            rd_expense: dec(rd),
            ..base()
        };
        assert_eq!(points(&i).rd_ratio, want, "rd {rd}");
    }
    // A ratio that binary floating point does not hold exactly: 0.03 × 7 = 0.21.
    let i = Input {
        revenue: dec("7"),
        rd_expense: dec("0.21"),
        ..base()
    };
    assert_eq!(points(&i).rd_ratio, 15);
    for revenue in [None, yuan(0)] {
        let i = Input {
            revenue,
            rd_expense: yuan(1_000),
            ..base()
        };
        assert_eq!(points(&i).rd_ratio, 0);
    }
}

#[test]
fn growth_bands_and_their_zero_cases() {
    let cases = [
        (115, 100, 20),
        (11_499, 10_000, 15),
        (110, 100, 15),
        (10_999, 10_000, 10),
        (105, 100, 10),
        (10_499, 10_000, 5),
        (100, 100, 5),
        (9_999, 10_000, 0),
        (0, 100, 0),
        (400, 100, 20),
    ];
    for (now, prev, want) in cases {
        let i = Input {
            main_revenue: yuan(now),
            main_revenue_prev: yuan(prev),
            ..base()
        };
        assert_eq!(points(&i).growth, want, "{now} over {prev}");
    }
    // The year before unknown or zero, or this year unknown: 0.
    for (now, prev) in [(yuan(100), None), (yuan(100), yuan(0)), (None, yuan(100))] {
        let i = Input {
            main_revenue: now,
            main_revenue_prev: prev,
            ..base()
        };
        assert_eq!(points(&i).growth, 0);
    }
}

#[test]
fn debt_bands_at_and_beside_each_bound() {
    let cases = [
        ("0", 10),
        ("55", 10),
        ("55.0001", 5),
        ("75", 5),
        ("75.0001", 0),
        ("100", 0),
        ("250", 0),
    ];
    for (liabilities, want) in cases {
        let i = Input {
            total_assets: yuan(100),
            total_liabilities: dec(liabilities),
            ..base()
        };
        assert_eq!(points(&i).debt, want, "liabilities {liabilities} of 100");
    }
    for (assets, liabilities) in [(None, yuan(1)), (yuan(0), yuan(0)), (yuan(100), None)] {
        let i = Input {
            total_assets: assets,
            total_liabilities: liabilities,
            ..base()
        };
        assert_eq!(points(&i).debt, 0);
    }
}

#[test]
fn field_and_main_share_bands() {
    assert_eq!(
        points(&Input {
            sei_field: true,
            ..base()
        })
        .field,
        10
    );
    // Revenue 10,000,000: 1 % is 100,000.
    let cases = [
        (10_000_000, 20),
        (7_000_000, 20),
        (6_999_999, 15),
        (6_000_000, 15),
        (5_999_999, 10),
        (5_500_000, 10),
        (5_499_999, 5),
        (5_000_000, 5),
        (4_999_999, 0),
    ];
    for (main, want) in cases {
        let i = Input {
            main_revenue: yuan(main),
            ..base()
        };
        assert_eq!(points(&i).main_share, want, "main {main}");
    }
    for revenue in [None, yuan(0)] {
        let i = Input {
            revenue,
            main_revenue: yuan(5),
            ..base()
        };
        assert_eq!(points(&i).main_share, 0);
    }
}

/// A firm whose score passes every threshold exactly: innovation 20 (IP 10 + R&D 10),
/// growth 15 (growth 10 + debt 5), specialisation 25 (field 5 + share 20): total 60.
fn just_passing() -> Input {
    Input {
        ip_class1: yuan(1),
        rd_expense: yuan(200_000),
        main_revenue: yuan(10_000_000),
        main_revenue_prev: yuan(9_500_000),
        total_assets: yuan(100),
        total_liabilities: yuan(75),
        ..base()
    }
}

#[test]
fn score_route_needs_the_total_and_every_group() {
    let a = assess(&just_passing());
    let p = a.points;
    assert_eq!(
        (
            p.total(),
            p.innovation(),
            p.growth_group(),
            p.specialisation()
        ),
        (60, 20, 15, 25),
        "{p:?}"
    );
    assert_eq!(a.outcome, Ok(Route::Score));
    // One point less anywhere: the total falls below 60.
    let a = assess(&Input {
        total_liabilities: yuan(76),
        ..just_passing()
    });
    assert_eq!(a.points.total(), 55);
    assert_eq!(a.outcome, Err(Reason::ScoreBelow));
    // Total above 60 but innovation 15: refused.
    let a = assess(&Input {
        ip_class1: yuan(0),
        ip_class2: yuan(1),
        sei_field: true,
        ..just_passing()
    });
    assert_eq!((a.points.total(), a.points.innovation()), (60, 15));
    assert_eq!(a.outcome, Err(Reason::ScoreBelow));
    // Growth group 10 with total 70: refused.
    let a = assess(&Input {
        total_liabilities: yuan(76),
        ip_class1_high_value: yuan(1),
        sei_field: true,
        ..just_passing()
    });
    assert_eq!((a.points.total(), a.points.growth_group()), (70, 10));
    assert_eq!(a.outcome, Err(Reason::ScoreBelow));
    // Specialisation 10 with a total of 80: refused.
    let a = assess(&Input {
        main_revenue: yuan(5_000_000),
        main_revenue_prev: yuan(4_000_000),
        ip_class1_high_value: yuan(1),
        rd_expense: yuan(500_000),
        total_liabilities: yuan(50),
        ..just_passing()
    });
    assert_eq!(
        (a.points.total(), a.points.specialisation()),
        (80, 10),
        "{:?}",
        a.points
    );
    assert_eq!(a.outcome, Err(Reason::ScoreBelow));
}

#[test]
fn direct_conditions_in_their_order() {
    let all = Input {
        award_3y: Some(Level::Provincial),
        honours: 1,
        rd_institution: Some(Level::National),
        equity_financing_3y: yuan(5_000_000),
        ..base()
    };
    assert_eq!(assess(&all).outcome, Ok(Route::Direct(Direct::Award)));
    let no_award = Input {
        award_3y: Some(Level::Municipal),
        ..all.clone()
    };
    assert_eq!(assess(&no_award).outcome, Ok(Route::Direct(Direct::Honour)));
    let no_honour = Input {
        honours: 0,
        ..no_award.clone()
    };
    assert_eq!(
        assess(&no_honour).outcome,
        Ok(Route::Direct(Direct::Institution))
    );
    let no_institution = Input {
        rd_institution: Some(Level::Municipal),
        ..no_honour.clone()
    };
    assert_eq!(
        assess(&no_institution).outcome,
        Ok(Route::Direct(Direct::Equity))
    );
    let below_equity = Input {
        equity_financing_3y: dec("4999999.99"),
        ..no_institution
    };
    assert_eq!(assess(&below_equity).outcome, Err(Reason::ScoreBelow));
    // Direct firms still get their points computed.
    assert_eq!(assess(&all).points.total(), 5);
}

#[test]
fn reasons_in_their_order() {
    let large_and_listed = Input {
        employees: yuan(1_000),
        revenue: yuan(400_000_000),
        abnormal_list: true,
        ..just_passing()
    };
    assert_eq!(assess(&large_and_listed).outcome, Err(Reason::NotSme));
    for listed in [
        Input {
            abnormal_list: true,
            ..just_passing()
        },
        Input {
            dishonest_list: true,
            ..just_passing()
        },
        Input {
            major_accident_3y: true,
            award_3y: Some(Level::National),
            ..just_passing()
        },
    ] {
        assert_eq!(assess(&listed).outcome, Err(Reason::NonCompliant));
    }
}

#[test]
fn sme_size_of_industry_and_other_sections() {
    let c = |emp: Option<i64>, rev: Option<i64>| {
        sme_size::is_sme(
            Some(b'C'),
            None,
            emp.and_then(yuan),
            rev.and_then(yuan),
            None,
        )
    };
    assert!(c(Some(999), Some(400_000_000)));
    assert!(!c(Some(1_000), Some(400_000_000)));
    assert!(c(Some(1_000), Some(399_999_999)));
    assert!(c(None, Some(399_999_999)));
    assert!(!c(None, None));
    assert!(!c(Some(5_000), None));
    // Retail (F52): 300 persons or 200 million yuan; wholesale (F51): 200 or 400 million.
    let f = |code: Option<&str>, emp: i64, rev: i64| {
        sme_size::is_sme(Some(b'F'), code, yuan(emp), yuan(rev), None)
    };
    assert!(f(Some("5211"), 299, 900_000_000));
    assert!(!f(Some("5211"), 300, 200_000_000));
    assert!(!f(Some("5121"), 250, 500_000_000));
    assert!(f(Some("5121"), 250, 399_000_000));
    // Section F alone: an SME only under both lines (retail says yes, wholesale no).
    assert!(!f(None, 250, 500_000_000));
    assert!(f(None, 250, 300_000_000));
    assert!(f(None, 199, 900_000_000));
    // Construction: revenue or assets under 800 million; employees do not count.
    assert!(!sme_size::is_sme(
        Some(b'E'),
        None,
        yuan(10),
        yuan(900_000_000),
        yuan(900_000_000)
    ));
    assert!(sme_size::is_sme(
        Some(b'E'),
        None,
        None,
        yuan(900_000_000),
        yuan(799_999_999)
    ));
    // Unknown section: 其他未列明行业, under 300 persons.
    assert!(sme_size::is_sme(None, None, yuan(299), None, None));
    assert!(!sme_size::is_sme(None, None, yuan(300), yuan(1), None));
    assert!(!sme_size::is_sme(
        Some(b'A'),
        None,
        yuan(1),
        yuan(200_000_000),
        None
    ));
}

#[test]
fn decimals_are_read_exactly_and_refused_clearly() {
    assert_eq!(dec("1.5E+07"), yuan(15_000_000));
    assert_eq!(dec(" 12.0 "), yuan(12));
    assert_eq!(dec(""), None);
    assert_eq!(dec("-3"), Some(Amount::units(-3)));
    assert_eq!(dec("0.000001"), Some(Amount::micros(1)));
    // A figure in 亿元 keeps its last digits: the unit applies before the cut to millionths,
    // so exactly 3 % of 1.2345678 亿元 stays exactly 3 %.
    let rd = Amount::parse_scaled("0.037037034", 8).unwrap().unwrap();
    let revenue = Amount::parse_scaled("1.2345678", 8).unwrap().unwrap();
    assert_eq!(rd, Amount::units(3_703_703) + Amount::micros(400_000));
    assert_eq!(rd.ratio_cmp(revenue, 3), std::cmp::Ordering::Equal);
    for bad in [
        "1,000", "12%", "n/a", "NaN", "inf", "1e", "--1", "1.2.3", "一百",
    ] {
        assert_eq!(Amount::parse(bad), Err(NumberError::NotANumber), "{bad:?}");
    }
    assert_eq!(Amount::parse("1e30"), Err(NumberError::TooLarge));
    assert_eq!(Amount::parse(&"9".repeat(400)), Err(NumberError::TooLarge));
}

#[test]
fn honours_values_and_levels() {
    assert_eq!(parse_honours("high_tech;ip_demo").0, 0b1001);
    assert_eq!(parse_honours(" 高新技术企业； 知识产权优势企业 ").0, 0b0101);
    let (bits, unknown) = parse_honours("province_star");
    assert_eq!((bits, unknown), (0, vec!["province_star".to_string()]));
    assert_eq!(Level::parse("Provincial"), Some(Level::Provincial));
    assert_eq!(Level::parse("国家级"), Some(Level::National));
    assert_eq!(Level::parse("city"), None);
}

#[test]
fn rows_of_the_file_mode() {
    let cols = map_columns(&[
        "统一社会信用代码",
        "营业收入(万元)",
        "研发费用",
        "Employees",
        "ignored column",
    ])
    .unwrap();
    assert_eq!(cols.ignored, vec!["ignored column".to_string()]);
    let code = devzone_core::CreditCode::assemble("91", "442000", "00000001")
        .unwrap()
        .as_str()
        .to_string();
    let spaced = format!("{} {}", &code[..6], &code[6..]).to_lowercase();
    let row = cols.read(&[&spaced, "1000", "30000", "12", "x"]);
    assert_eq!(row.code, code);
    let input = row.input.unwrap();
    // 1,000 万元 is 10,000,000 yuan: R&D 30,000 is 0.3 %.
    assert_eq!(input.revenue, yuan(10_000_000));
    assert_eq!(points(&input).rd_ratio, 0);
    let rule = |cells: &[&str]| cols.read(cells).input.unwrap_err()[0].rule;
    assert_eq!(rule(&[&code, "-1", "", ""]), "number.negative");
    assert_eq!(rule(&[&code, "1,000", "", ""]), "number.invalid");
    assert_eq!(rule(&["", "1", "", ""]), "credit_code.missing");
    let mut bad = code.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '1' { '2' } else { '1' });
    assert_eq!(rule(&[&bad, "1", "", ""]), "credit_code.check");
    // Refused headers: no credit code, a unit that is not money, a column twice.
    assert!(map_columns(&["name", "revenue"]).is_err());
    assert!(map_columns(&["credit_code", "revenue (人)"]).is_err());
    assert!(map_columns(&["credit_code", "revenue", "营业收入"]).is_err());
}

#[test]
fn rule_set_in_effect_by_date() {
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert!(rule_sets::in_effect("innovative-sme-2022", day("2024-06-30")).is_ok());
    assert!(rule_sets::in_effect("innovative-sme-2022", day("2022-08-01")).is_ok());
    assert!(rule_sets::in_effect("innovative-sme-2022", day("2026-12-01")).is_ok());
    let before = rule_sets::in_effect("innovative-sme-2022", day("2022-07-31")).unwrap_err();
    assert!(before.contains("2022-08-01"), "{before}");
    let unknown = rule_sets::in_effect("little-giant-1999", day("2024-01-01")).unwrap_err();
    assert!(unknown.contains("innovative-sme-2022"), "{unknown}");
}
