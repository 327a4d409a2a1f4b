//! Distances to the 2022 innovative-SME title, worked out by hand: the cheapest single
//! change, a pair when no single change passes, the coupling of growth and main-business
//! share through main revenue, and the blocked and far cases.

use devzone_core::tiers::amount::Amount;
use devzone_core::tiers::distance::{Change, Distance, Indicator, Need, distance};
use devzone_core::tiers::innovative_2022::{Input, assess};

fn yuan(v: i64) -> Option<Amount> {
    Some(Amount::units(v))
}

/// Revenue 10,000,000; main revenue 6,500,000 (share 65 % → 15) after 6,000,000 (growth
/// 8.3 % → 10); R&D 150,000 (1.5 % → 5); debt 50 % (→ 10); one class-I right (→ 10); not in
/// the strategic emerging industries (→ 5). Total 55, innovation 15: below.
fn near() -> Input {
    Input {
        section: Some(b'C'),
        employees: yuan(120),
        revenue: yuan(10_000_000),
        main_revenue: yuan(6_500_000),
        main_revenue_prev: yuan(6_000_000),
        rd_expense: yuan(150_000),
        total_assets: yuan(10_000_000),
        total_liabilities: yuan(5_000_000),
        ip_class1: yuan(1),
        ..Input::default()
    }
}

fn changes(i: &Input) -> Distance {
    distance(i, &assess(i))
}

#[test]
fn the_cheapest_single_change() {
    let i = near();
    assert_eq!(assess(&i).points.total(), 55);
    // R&D to 2 % of revenue costs 0.5 % of revenue; a self-developed class-I right counts
    // as 5 %: the R&D wins.
    assert_eq!(
        changes(&i),
        Distance::Changes {
            changes: vec![Change {
                indicator: Indicator::RdRatio,
                from: 5,
                to: 10,
                need: Need::Raise {
                    input: "rd_expense",
                    by: 50_000.0,
                    to: 200_000.0,
                    percent: 2,
                    of: "revenue",
                },
            }],
            total: 60,
        }
    );
    // Growth down to 1.6 % (→ 5): total 50. R&D to 2 % is no longer enough (55); R&D to 3 %
    // (+150,000, 1.5 % of revenue) gives innovation 25 and total 60, cheaper than R&D to 5 %
    // or a high-value right.
    let i = Input {
        main_revenue_prev: yuan(6_400_000),
        ..near()
    };
    let Distance::Changes { changes, total } = changes(&i) else {
        panic!("one change away")
    };
    assert_eq!(total, 60);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].need,
        Need::Raise {
            input: "rd_expense",
            by: 150_000.0,
            to: 300_000.0,
            percent: 3,
            of: "revenue",
        }
    );
}

#[test]
fn a_pair_when_no_single_change_passes() {
    // Debt 90 % (→ 0) and growth 1.6 % (→ 5): total 40, innovation 15, growth group 5.
    // No one change lifts both the growth group and innovation. The cheapest pair: main
    // revenue to 110 % of the prior year (7,040,000, +540,000: growth → 15, and the share
    // becomes 70.4 % → 20) and R&D to 2 % (+50,000): 10+10+15+0+5+20 = 60.
    let i = Input {
        main_revenue_prev: yuan(6_400_000),
        total_liabilities: yuan(9_000_000),
        ..near()
    };
    assert_eq!(assess(&i).points.total(), 40);
    assert_eq!(
        changes(&i),
        Distance::Changes {
            changes: vec![
                Change {
                    indicator: Indicator::RdRatio,
                    from: 5,
                    to: 10,
                    need: Need::Raise {
                        input: "rd_expense",
                        by: 50_000.0,
                        to: 200_000.0,
                        percent: 2,
                        of: "revenue",
                    },
                },
                Change {
                    indicator: Indicator::Growth,
                    from: 5,
                    to: 15,
                    need: Need::Raise {
                        input: "main_revenue",
                        by: 540_000.0,
                        to: 7_040_000.0,
                        percent: 110,
                        of: "main_revenue_prev",
                    },
                },
            ],
            total: 60,
        }
    );
}

#[test]
fn lowering_debt_to_its_bound() {
    // R&D 3 % (→ 15), growth 1.6 % (→ 5), liabilities 5,600,000 of 10,000,000 (56 % → 5):
    // total 55, growth group 10. Debt to 55 % means liabilities at most 5,500,000: −100,000
    // (1 % of revenue); growth to 5 % would ask +220,000 of main revenue (2.2 %).
    let i = Input {
        rd_expense: yuan(300_000),
        main_revenue_prev: yuan(6_400_000),
        total_liabilities: yuan(5_600_000),
        ..near()
    };
    assert_eq!(assess(&i).points.total(), 55);
    assert_eq!(
        changes(&i),
        Distance::Changes {
            changes: vec![Change {
                indicator: Indicator::Debt,
                from: 5,
                to: 10,
                need: Need::Lower {
                    input: "total_liabilities",
                    by: 100_000.0,
                    to: 5_500_000.0,
                    percent: 55,
                },
            }],
            total: 60,
        }
    );
}

#[test]
fn eligible_blocked_and_far() {
    let i = Input {
        rd_expense: yuan(200_000),
        ..near()
    };
    assert_eq!(changes(&i), Distance::Eligible);
    assert_eq!(changes(&i).steps(), 0);
    // 1,000 employees and 400 million yuan: not an SME, whatever the score.
    let big = Input {
        employees: yuan(1_000),
        revenue: yuan(400_000_000),
        ..near()
    };
    assert_eq!(changes(&big), Distance::Blocked("not_sme"));
    let listed = Input {
        dishonest_list: true,
        ..near()
    };
    assert_eq!(changes(&listed), Distance::Blocked("non_compliant"));
    // Revenue unknown: R&D ratio and main share cannot move; IP 20 + growth 20 + debt 10 +
    // field 5 = 55 at best.
    let unknown = Input {
        revenue: None,
        employees: yuan(10),
        ..near()
    };
    assert_eq!(changes(&unknown), Distance::Far);
    assert_eq!(changes(&unknown).steps(), 4);
}
