//! Properties of the evaluation engine that must hold for any data.

use devzone_core::evaluation::engine::{MISSING, Row};
use devzone_core::evaluation::{Dataset, Measure, Options, Scheme, evaluate};
use proptest::prelude::*;

fn value(missing_ok: bool) -> impl Strategy<Value = f64> {
    let present = (1u32..100_000).prop_map(|v| f64::from(v) / 100.0);
    if missing_ok {
        prop_oneof![9 => present, 1 => Just(MISSING)].boxed()
    } else {
        present.boxed()
    }
}

fn row(missing_ok: bool) -> impl Strategy<Value = Row> {
    (
        proptest::collection::vec(value(missing_ok), 10),
        any::<bool>(),
        2023i32..=2024,
        prop_oneof![Just(13u8), Just(26), Just(33)],
        (1u32..50).prop_map(f64::from),
    )
        .prop_map(|(vals, above, year, division, land)| {
            let mut values = [0.0; 10];
            values.copy_from_slice(&vals);
            values[Measure::LandMu.index()] = land;
            Row {
                year,
                section: b'C',
                division,
                values,
                above_scale: Some(above),
                vetoed: false,
                flags: 0,
                established: None,
            }
        })
}

fn data(rows: Vec<Row>) -> Dataset {
    Dataset {
        rows,
        flag_names: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn shuffling_rows_changes_no_result(
        rows in proptest::collection::vec(row(true), 1..60),
        seed in any::<u64>(),
    ) {
        let scheme = Scheme::built_in("default").unwrap();
        let n = rows.len();
        // A permutation from the seed (Fisher–Yates with a small LCG).
        let mut perm: Vec<usize> = (0..n).collect();
        let mut s = seed | 1;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (s >> 33) as usize % (i + 1));
        }
        let shuffled: Vec<Row> = perm.iter().map(|&i| rows[i].clone()).collect();
        let a = evaluate(&scheme, &data(rows), Options::default());
        let b = evaluate(&scheme, &data(shuffled), Options::default());
        for (j, &i) in perm.iter().enumerate() {
            prop_assert_eq!(a.placement[i], b.placement[j]);
            prop_assert_eq!(a.total[i].to_bits(), b.total[j].to_bits());
            prop_assert_eq!(a.rank[i], b.rank[j]);
            prop_assert_eq!(a.class[i], b.class[j]);
            prop_assert_eq!(a.scores(i), b.scores(j));
            prop_assert_eq!(a.imputed[i], b.imputed[j]);
        }
    }

    #[test]
    fn scaling_tax_leaves_tax_scores_unchanged(
        rows in proptest::collection::vec(row(true), 1..60),
        k in prop_oneof![Just(0.01), Just(3.0), Just(10_000.0), (1u32..1000).prop_map(|v| f64::from(v) / 7.0)],
    ) {
        let scheme = Scheme::built_in("default").unwrap();
        let tax = Measure::Tax.index();
        let scaled: Vec<Row> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.values[tax] *= k;
                r
            })
            .collect();
        let a = evaluate(&scheme, &data(rows), Options::default());
        let b = evaluate(&scheme, &data(scaled), Options::default());
        for i in 0..a.placement.len() {
            let Some(cohort) = a.cohort_of(i) else { continue };
            for (k_ind, ind) in scheme.groups[cohort.group].indicators.iter().enumerate() {
                if ind.numerator == Measure::Tax {
                    let (x, y) = (a.scores(i)[k_ind], b.scores(i)[k_ind]);
                    prop_assert!((x - y).abs() < 1e-6, "{} row {}: {} vs {}", ind.id, i, x, y);
                }
            }
        }
    }

    #[test]
    fn a_worse_indicator_never_improves_the_class(
        rows in proptest::collection::vec(row(false), 2..60),
        pick in any::<prop::sample::Index>(),
        which in 0usize..6,
        factor in prop_oneof![Just(0.5), Just(0.1), Just(0.0)],
    ) {
        let scheme = Scheme::built_in("default").unwrap();
        let j = pick.index(rows.len());
        let mut worse = rows.clone();
        let r = &mut worse[j];
        // Lower a numerator, or raise a denominator (never land: that moves groups).
        match which {
            0 => r.values[Measure::Tax.index()] *= factor,
            1 => r.values[Measure::ValueAdded.index()] *= factor,
            2 => r.values[Measure::RdExpense.index()] *= factor,
            3 => r.values[Measure::EnergyTce.index()] /= factor.max(0.01),
            4 => r.values[Measure::Employees.index()] /= factor.max(0.01),
            _ => r.values[Measure::Electricity.index()] /= factor.max(0.01),
        }
        let a = evaluate(&scheme, &data(rows), Options::default());
        let b = evaluate(&scheme, &data(worse), Options::default());
        // Class indices count from the best (A = 0).
        prop_assert!(b.class[j] >= a.class[j], "class went from {} to {}", a.class[j], b.class[j]);
    }
}
