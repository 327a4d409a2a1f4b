//! Hand-computed cases for every rule of docs/per-mu-default.md. The arithmetic is written
//! next to each assertion so that a reader can check it with a calculator.

use devzone_core::CreditCode;
use devzone_core::evaluation::engine::round_half_away;
use devzone_core::evaluation::output::{RowWriter, header};
use devzone_core::evaluation::table::{Reader, RowParser, map_columns};
use devzone_core::evaluation::{Options, Scheme, evaluate};
use std::collections::HashMap;

/// A valid credit code, different for each n.
fn code(n: u32) -> String {
    CreditCode::assemble("91", "320506", &format!("MA{n:06}"))
        .unwrap()
        .as_str()
        .to_string()
}

type Out = Vec<HashMap<String, String>>;

/// Runs file mode over CSV text: header line, then rows; `{n}` in a row becomes code(n).
fn run_with(scheme: &Scheme, csv_text: &str, options: Options) -> Out {
    let text = csv_text
        .lines()
        .map(|l| {
            let l = l.trim();
            match l.strip_prefix('#') {
                Some(rest) => {
                    let (n, tail) = rest.split_once(',').unwrap();
                    format!("{},{tail}", code(n.parse().unwrap()))
                }
                None => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let headers: Vec<&str> = records[0].iter().collect();
    let flags: Vec<String> = scheme.adjustments.iter().map(|a| a.flag.clone()).collect();
    let cols = map_columns(&headers, &flags).unwrap();
    let parser = RowParser::new(&flags);
    let mut reader = Reader::new(&flags);
    for (i, r) in records[1..].iter().enumerate() {
        let cells: Vec<&str> = r.iter().collect();
        reader.push(&parser, &cols, &headers, i + 2, &cells);
    }
    reader.finish();
    let ev = evaluate(scheme, &reader.data, options);
    let names = header(scheme);
    let mut w = RowWriter::new(scheme, &reader, &ev);
    (0..reader.len())
        .map(|i| {
            w.fill(i);
            names.iter().cloned().zip(w.cells.iter().cloned()).collect()
        })
        .collect()
}

fn run(csv_text: &str) -> Out {
    run_with(
        &Scheme::built_in("default").unwrap(),
        csv_text,
        Options::default(),
    )
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?}", row[col]))
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-4, "{a} != {b}");
}

const BELOW: &str = "credit_code,name,year,industry_code,land_mu,tax,electricity,above_scale";

#[test]
fn aggregate_benchmark_cap_and_class_boundaries() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,10,100,50,否
         #2,乙,2024,1311,5,20,40,否
         #3,丙,2024,1311,20,60,10,否"
    ));
    // tax_per_mu benchmark = (100+20+60)/(10+5+20) = 180/35 = 5.142857…
    // 甲: 10/5.142857 = 1.944444 → 50 × 1.944444 = 97.2222
    // 乙:  4/5.142857 = 0.777778 → 38.8889;  丙: 3/5.142857 = 0.583333 → 29.1667
    close(
        num(&out[0], "tax_per_mu_score"),
        50.0 * 10.0 / (180.0 / 35.0),
    );
    close(
        num(&out[1], "tax_per_mu_score"),
        50.0 * 4.0 / (180.0 / 35.0),
    );
    // tax_per_electricity benchmark = 180/100 = 1.8
    // 甲: 2/1.8 = 1.1111 → 55.5556;  乙: 0.5/1.8 → 13.8889;  丙: 6/1.8 = 3.33 → cap 2.0 → 100
    close(num(&out[2], "tax_per_electricity_score"), 100.0);
    // totals: 甲 97.2222+55.5556 = 152.7778; 乙 52.7778; 丙 29.1667+100 = 129.1667
    assert_eq!(out[0]["total"], "152.7778");
    assert_eq!(out[1]["total"], "52.7778");
    assert_eq!(out[2]["total"], "129.1667");
    // n = 3: A ≤ ceil(0.3) = 1, B ≤ ceil(1.35) = 2, C ≤ ceil(2.7) = 3
    assert_eq!(
        [&out[0]["rank"], &out[2]["rank"], &out[1]["rank"]],
        ["1", "2", "3"]
    );
    assert_eq!(
        [&out[0]["class"], &out[2]["class"], &out[1]["class"]],
        ["A", "B", "C"]
    );
    assert!(
        out.iter()
            .all(|r| r["group"] == "below" && r["group_size"] == "3")
    );
}

#[test]
fn zero_denominator_scores_cap_or_nothing() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,10,100,50,否
         #2,乙,2024,1311,10,20,0,否
         #3,丙,2024,1311,10,0,0,否"
    ));
    // Benchmark tax_per_electricity = 100/50 = 2 (rows with electricity 0 take no part).
    // 乙: tax 20 > 0 over 0 kWh → ratio = cap 2.0 → 100; 丙: 0 over 0 → 0.
    close(num(&out[1], "tax_per_electricity_score"), 100.0);
    close(num(&out[2], "tax_per_electricity_score"), 0.0);
    assert_eq!(out[1]["tax_per_electricity_imputed"], "false");
    // Value is not defined over 0; the cell stays blank.
    assert_eq!(out[1]["tax_per_electricity_value"], "");
    // 甲: 2/2 = 1 → 50.
    close(num(&out[0], "tax_per_electricity_score"), 50.0);
}

#[test]
fn missing_values_get_the_group_mean() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,10,100,50,否
         #2,乙,2024,1311,10,50,100,否
         #3,丙,2024,1311,10,30,,否"
    ));
    // tax_per_electricity benchmark over 甲 and 乙 = 150/150 = 1.
    // 甲: 2/1 = 2 → 100 (at the cap); 乙: 0.5 → 25. Mean of rows having the value = 62.5.
    close(num(&out[2], "tax_per_electricity_score"), 62.5);
    assert_eq!(out[2]["tax_per_electricity_imputed"], "true");
    assert_eq!(out[0]["tax_per_electricity_imputed"], "false");
    // A blank is not zero: a 0 would have given 丙 0 points and changed the benchmark.
    // tax_per_mu benchmark = 180/30 = 6; 丙: 3/6 = 0.5 → 25; total 25 + 62.5 = 87.5
    assert_eq!(out[2]["total"], "87.5");
}

#[test]
fn missing_everywhere_scores_zero() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,10,100,,否
         #2,乙,2024,1311,10,50,,否"
    ));
    // Nobody has electricity: no benchmark, mean of nothing = 0.
    close(num(&out[0], "tax_per_electricity_score"), 0.0);
    assert_eq!(out[0]["tax_per_electricity_imputed"], "true");
}

#[test]
fn totals_round_half_away_from_zero() {
    assert_eq!(round_half_away(2.5, 0), 3.0);
    assert_eq!(round_half_away(-2.5, 0), -3.0);
    assert_eq!(round_half_away(0.125, 2), 0.13);
    assert_eq!(round_half_away(12.3456789, 4), 12.3457);
    assert_eq!(round_half_away(12.34564, 4), 12.3456);
    // Through the engine: 甲 tax 1, land 3 → 1/3; 乙 tax 2, land 3 → 2/3;
    // tax_per_mu benchmark 3/6 = 0.5; 甲 ratio 0.6667 → 33.33333…
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,3,1,1,否
         #2,乙,2024,1311,3,2,1,否"
    ));
    // tax_per_electricity benchmark 3/2 = 1.5: 甲 1/1.5 → 33.3333…; total 66.66666… → 66.6667
    assert_eq!(out[0]["total"], "66.6667");
}

#[test]
fn equal_totals_share_the_lowest_rank() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,10,90,30,否
         #2,乙,2024,1311,10,60,30,否
         #3,丙,2024,1311,10,60,30,否
         #4,丁,2024,1311,10,30,30,否"
    ));
    // 乙 and 丙 have the same figures, hence the same total: ranks 1, 2, 2, 4.
    let ranks: Vec<&str> = out.iter().map(|r| r["rank"].as_str()).collect();
    assert_eq!(ranks, ["1", "2", "2", "4"]);
    // n = 4: A ≤ ceil(0.4) = 1, B ≤ ceil(1.8) = 2, C ≤ ceil(3.6) = 4: 乙 and 丙 are both B.
    let classes: Vec<&str> = out.iter().map(|r| r["class"].as_str()).collect();
    assert_eq!(classes, ["A", "B", "B", "C"]);
}

#[test]
fn class_boundaries_use_ceil_on_twenty_rows() {
    let rows: String = (1..=20)
        .map(|i| format!("#{i},企业{i},2024,1311,10,{},10,否\n", 100 - i))
        .collect();
    let out = run(&format!("{BELOW}\n{rows}"));
    // n = 20: A ≤ ceil(2) = 2, B ≤ ceil(9) = 9, C ≤ ceil(18) = 18, D = ranks 19, 20.
    let classes: String = out.iter().map(|r| r["class"].clone()).collect();
    assert_eq!(classes, "AABBBBBBBCCCCCCCCCDD");
}

#[test]
fn veto_keeps_the_rank_and_gives_d() {
    let out = run(&format!(
        "{BELOW},veto
         #1,甲,2024,1311,10,100,50,否,重大安全事故
         #2,乙,2024,1311,10,50,50,否,
         #3,丙,2024,1311,10,30,50,否,"
    ));
    assert_eq!(out[0]["rank"], "1");
    assert_eq!(out[0]["class"], "D");
    assert_eq!(out[0]["reason"], "重大安全事故");
    // The vetoed row still counts: 乙 is rank 2, B (ceil(1.35) = 2).
    assert_eq!(
        (out[1]["rank"].as_str(), out[1]["class"].as_str()),
        ("2", "B")
    );
}

#[test]
fn out_of_scope_rows_say_why() {
    let out = run(&format!(
        "{BELOW}
         #1,批发,2024,5111,10,100,50,否
         #2,无地,2024,1311,0,100,50,否
         #3,小地块,2024,1311,2,100,50,否
         #4,无地块,2024,1311,,100,50,否
         #5,在内,2024,1311,10,100,50,否"
    ));
    for r in &out[..4] {
        assert_eq!(r["group"], "out_of_scope");
        assert_eq!(r["class"], "");
        assert_eq!(r["total"], "");
    }
    assert!(
        out[0]["reason"].contains("section F"),
        "{}",
        out[0]["reason"]
    );
    assert!(out[1]["reason"].contains("land_mu"));
    assert!(
        out[2]["reason"].contains("below needs land_mu ≥ 3"),
        "{}",
        out[2]["reason"]
    );
    // The in-scope row is alone in its group.
    assert_eq!(out[4]["group_size"], "1");
    assert_eq!(out[4]["class"], "A");
}

#[test]
fn invalid_rows_are_reported_and_change_nothing_else() {
    let valid = "#1,甲,2024,1311,10,100,50,否
         #2,乙,2024,1311,5,20,40,否
         #3,丙,2024,1311,20,60,10,否"
        .to_string();
    let bad_code = {
        let mut c = code(9);
        c.replace_range(17.., if c.ends_with('0') { "1" } else { "0" });
        c
    };
    let invalid = format!(
        "{bad_code},错码,2024,1311,10,100,50,否
         #4,错年,20x4,1311,10,100,50,否
         #5,错行业,2024,9999,10,100,50,否
         #6,非数,2024,1311,10,abc,50,否
         #7,负数,2024,1311,10,-5,50,否
         #1,重复,2024,1311,10,1000,50,否
         #8,规上,2024,1311,10,100,50,也许"
    );
    let clean = run(&format!("{BELOW}\n{valid}"));
    let mixed = run(&format!("{BELOW}\n{valid}\n{invalid}"));
    for (a, b) in clean.iter().zip(&mixed) {
        assert_eq!(a, b, "invalid rows changed a valid row's result");
    }
    let reasons: Vec<&str> = mixed[3..].iter().map(|r| r["reason"].as_str()).collect();
    assert!(
        mixed[3..]
            .iter()
            .all(|r| r["group"] == "invalid" && r["class"].is_empty())
    );
    assert!(reasons[0].contains("credit_code.check"), "{}", reasons[0]);
    assert!(reasons[1].contains("year.unreadable"));
    assert!(reasons[2].contains("industry_code.not_a_class"));
    assert!(reasons[3].contains("number.invalid") && reasons[3].contains("\"abc\""));
    assert!(reasons[4].contains("number.negative"));
    assert!(
        reasons[5].contains("row.duplicate") && reasons[5].contains("line 2"),
        "{}",
        reasons[5]
    );
    assert!(reasons[6].contains("above_scale.invalid"));
}

#[test]
fn repeated_rows_are_invalid_after_the_first() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2024,1311,10,100,50,否
         #2,乙,2024,1311,10,50,50,否
         #1,甲二,2024,1311,10,70,50,否
         #1,甲三,2024,9999,10,70,50,否
         #3,丙,2024,1311,10,30,50,否"
    ));
    // Lines 4 and 5 repeat line 2's code and year; line 5 also has a bad industry code.
    assert_eq!(out[2]["group"], "invalid");
    assert!(out[2]["reason"].contains("row.duplicate") && out[2]["reason"].contains("line 2"));
    assert!(
        out[3]["reason"].contains("industry_code.not_a_class")
            && out[3]["reason"].contains("row.duplicate")
    );
    // The first row and the others are evaluated as if the repeats were not there: n = 3.
    assert_eq!(out[0]["group_size"], "3");
    assert_eq!(out[4]["group"], "below");
    let ranks: Vec<&str> = [0, 1, 4].iter().map(|&i| out[i]["rank"].as_str()).collect();
    assert_eq!(ranks, ["1", "2", "3"]);
}

#[test]
fn years_are_evaluated_separately() {
    let out = run(&format!(
        "{BELOW}
         #1,甲,2023,1311,10,100,50,否
         #2,乙,2023,1311,10,50,50,否
         #1,甲,2024,1311,10,10,50,否
         #2,乙,2024,1311,10,50,50,否"
    ));
    // The same enterprise in two years is not a duplicate; each year has its own group of 2.
    assert!(out.iter().all(|r| r["group_size"] == "2"));
    assert_eq!(
        (out[0]["rank"].as_str(), out[2]["rank"].as_str()),
        ("1", "2")
    );
    // With --year 2024 the 2023 rows are out of scope.
    let only = run_with(
        &Scheme::built_in("default").unwrap(),
        &format!("{BELOW}\n#1,甲,2023,1311,10,100,50,否\n#1,甲,2024,1311,10,10,50,否"),
        Options { year: Some(2024) },
    );
    assert_eq!(only[0]["group"], "out_of_scope");
    assert_eq!(only[1]["group_size"], "1");
}

#[test]
fn above_scale_is_derived_from_main_revenue_when_blank() {
    let out = run(
        "credit_code,name,year,industry_code,land_mu,tax,electricity,main_revenue,above_scale
         #1,大,2024,1311,10,100,50,2000,
         #2,小,2024,1311,10,100,50,1999.99,
         #3,空,2024,1311,10,100,50,,
         #4,明示,2024,1311,10,100,50,10,是",
    );
    let groups: Vec<&str> = out.iter().map(|r| r["group"].as_str()).collect();
    assert_eq!(groups, ["above", "below", "below", "above"]);
}

#[test]
fn headers_in_chinese_with_units_are_converted() {
    let out = run(
        "统一社会信用代码,企业名称,年度,行业代码,用地面积(平方米),实缴税金（元）,用电量(千瓦时),规上企业
         #1,甲,2024,1311,6666.67,1000000,500000,否
         #2,乙,2024,1311,13333.33,1000000,1000000,否",
    );
    // 甲: 10 亩, 100 万元, 50 万千瓦时 → tax_per_mu value 10.
    close(
        num(&out[0], "tax_per_mu_value"),
        100.0 / (6666.67 / (10_000.0 / 15.0)),
    );
    close(num(&out[0], "tax_per_electricity_value"), 2.0);
}

#[test]
fn huangyan_fixed_benchmarks() {
    let scheme = Scheme::built_in("huangyan-2022").unwrap();
    let out = run_with(
        &scheme,
        "credit_code,name,year,industry_code,land_mu,main_revenue,value_added,tax,rd_expense,employees,energy_tce,emission_equiv,electricity,above_scale
         #1,甲,2022,3311,10,1000,1361.6,240.97,30.2,150,1000,1,100,是
         #2,乙,2022,3311,10,1000,500,100,10,100,100,0.5,100,是",
        Options::default(),
    );
    // 甲 against the published benchmarks, not the data:
    //  tax_per_mu      240.97/10 = 24.097 ÷ 24.097 = 1     → 30
    //  va_per_mu       1361.6/10 = 136.16 ÷ 136.16 = 1     → 20
    //  va_per_energy   1361.6/1000 = 1.3616 ÷ 2.694        → 20 × 0.505419… = 10.1084
    //  va_per_emission 1361.6/1 ÷ 4929.81 = 0.276198…      → 2.7620
    //  labour          1361.6/150 = 9.07733 ÷ 18.14        → 5.0040
    //  rd_intensity    30.2/1000 = 0.0302 ÷ 0.0302 = 1     → 10
    close(num(&out[0], "tax_per_mu_score"), 30.0);
    close(num(&out[0], "va_per_mu_score"), 20.0);
    close(num(&out[0], "va_per_energy_score"), 20.0 * 1.3616 / 2.694);
    close(
        num(&out[0], "va_per_emission_score"),
        10.0 * 1361.6 / 4929.81,
    );
    close(
        num(&out[0], "labour_productivity_score"),
        10.0 * (1361.6 / 150.0) / 18.14,
    );
    close(num(&out[0], "rd_intensity_score"), 10.0);
    let total = 30.0
        + 20.0
        + 20.0 * 1.3616 / 2.694
        + 10.0 * 1361.6 / 4929.81
        + 10.0 * (1361.6 / 150.0) / 18.14
        + 10.0;
    close(num(&out[0], "total"), round_half_away(total, 4));
    // With the default scheme the benchmark would come from the two rows instead.
    let computed = run("credit_code,name,year,industry_code,land_mu,tax,above_scale
         #1,甲,2022,3311,10,240.97,是
         #2,乙,2022,3311,10,100,是");
    // tax_per_mu benchmark = 340.97/20 = 17.0485; 甲 24.097/17.0485 × 30 = 42.4036
    close(
        num(&computed[0], "tax_per_mu_score"),
        30.0 * 24.097 / (340.97 / 20.0),
    );
}

/// A scheme variant: the default text with replacements.
fn variant(replacements: &[(&str, &str)]) -> Scheme {
    let mut s = Scheme::built_in_source("default").to_string();
    for (a, b) in replacements {
        assert!(s.contains(a), "{a}");
        s = s.replacen(a, b, 2);
    }
    Scheme::parse(&s).unwrap()
}

#[test]
fn variant_classes_by_score_threshold() {
    let scheme = variant(&[
        ("top_share = 0.10", "min_score = 120"),
        ("top_share = 0.45", "min_score = 80"),
        ("top_share = 0.90", "min_score = 40"),
    ]);
    let out = run_with(
        &scheme,
        &format!(
            "{BELOW}
             #1,甲,2024,1311,10,100,50,否
             #2,乙,2024,1311,5,20,40,否
             #3,丙,2024,1311,20,60,10,否"
        ),
        Options::default(),
    );
    // Totals 152.7778 (≥ 120: A), 52.7778 (≥ 40: C), 129.1667 (A): thresholds, not shares.
    let classes: Vec<&str> = out.iter().map(|r| r["class"].as_str()).collect();
    assert_eq!(classes, ["A", "C", "A"]);
}

#[test]
fn variant_no_cap() {
    let scheme = variant(&[("cap = 2.0", "cap = \"none\"")]);
    let out = run_with(
        &scheme,
        &format!(
            "{BELOW}
             #3,丙,2024,1311,20,60,10,否
             #1,甲,2024,1311,10,100,50,否"
        ),
        Options::default(),
    );
    // tax_per_electricity benchmark 160/60 = 2.6667; 丙: 6 ÷ 2.6667 = 2.25 → 112.5 (no cap)
    close(
        num(&out[0], "tax_per_electricity_score"),
        50.0 * 6.0 / (160.0 / 60.0),
    );
}

#[test]
fn variant_division_benchmarks() {
    let scheme = variant(&[("benchmark = \"group\"", "benchmark = \"division\"")]);
    let out = run_with(
        &scheme,
        &format!(
            "{BELOW}
             #1,米,2024,1311,10,100,50,否
             #2,钢,2024,3311,10,10,50,否"
        ),
        Options::default(),
    );
    // Each row is alone in its division (13, 33): each is its own benchmark → ratio 1 → 50 + 50.
    assert_eq!(out[0]["total"], "100");
    assert_eq!(out[1]["total"], "100");
    // They still rank together in one group; equal totals share rank 1.
    assert_eq!(
        (out[0]["rank"].as_str(), out[1]["rank"].as_str()),
        ("1", "1")
    );
}

#[test]
fn variant_bonus_deduction_and_not_rated() {
    let mut src = Scheme::built_in_source("default").to_string();
    src.push_str(
        r#"
[[adjustment]]
id = "high_tech"
label = { zh = "高新技术企业加分", en = "High-tech bonus" }
flag = "high_tech"
points = 5

[[adjustment]]
id = "env_penalty"
label = { zh = "环境违法扣分", en = "Environmental penalty" }
flag = "env_penalty"
points = -10
groups = ["below"]

[not_rated]
label = { zh = "暂不评价", en = "not rated" }
years_since_established = 2
"#,
    );
    let scheme = Scheme::parse(&src).unwrap();
    let out = run_with(
        &scheme,
        &format!(
            "{BELOW},high_tech,env_penalty,established
             #1,甲,2024,1311,10,100,50,否,是,,2010-05-01
             #2,乙,2024,1311,10,100,50,否,,1,2010-05-01
             #3,丙,2024,1311,10,100,50,否,,,2023-03-01"
        ),
        Options::default(),
    );
    // Benchmarks over 甲 and 乙 only (丙 is not rated): each ratio 1 → 100 points base.
    assert_eq!(out[0]["total"], "105");
    assert_eq!(out[1]["total"], "90");
    // 丙 was established in 2023: 2024 − 2023 = 1 < 2 years → not rated, still scored.
    assert_eq!(out[2]["class"], "not rated");
    assert_eq!(out[2]["rank"], "");
    assert_eq!(out[0]["group_size"], "2");
}

#[test]
fn what_if_and_smallest_lift_against_the_same_benchmarks() {
    let scheme = Scheme::built_in("default").unwrap();
    let text = format!(
        "{BELOW}\n#1,甲,2024,1311,10,100,50,否\n#2,乙,2024,1311,5,20,40,否\n#3,丙,2024,1311,20,60,10,否"
    );
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let records: Vec<Vec<String>> = rdr
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| match c.trim().strip_prefix('#') {
                    Some(n) => code(n.parse().unwrap()),
                    None => c.trim().to_string(),
                })
                .collect()
        })
        .collect();
    let headers: Vec<&str> = records[0].iter().map(String::as_str).collect();
    let cols = map_columns(&headers, &[]).unwrap();
    let parser = RowParser::new(&[]);
    let mut reader = Reader::new(&[]);
    for (i, r) in records[1..].iter().enumerate() {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        reader.push(&parser, &cols, &headers, i + 2, &cells);
    }
    reader.finish();
    let ev = evaluate(&scheme, &reader.data, Options::default());
    // 乙 (row 1): total 52.7778, rank 3, class C (index 2).
    assert_eq!((ev.rank[1], ev.class[1]), (3, 2));
    let mut row = reader.data.rows[1].clone();
    // Electricity 40 → 10: tax_per_electricity 2/1.8 → 55.5556; total 38.8889 + 55.5556 =
    // 94.4444; the others keep 152.7778 and 129.1667 → still rank 3, C.
    row.values[devzone_core::evaluation::Measure::Electricity.index()] = 10.0;
    let w = ev.what_if(&scheme, &reader.data, 1, &row).unwrap();
    assert_eq!((w.total, w.rank, w.class), (94.4444, 3, 2));
    // Electricity 5: 4/1.8 = 2.22 → cap 2 → 100; total 138.8889 > 129.1667 → rank 2, B.
    row.values[devzone_core::evaluation::Measure::Electricity.index()] = 5.0;
    let w = ev.what_if(&scheme, &reader.data, 1, &row).unwrap();
    assert_eq!((w.total, w.rank, w.class), (138.8889, 2, 1));
    // Benchmarks did not move: the what-if trace shows the run's 1.8.
    close(w.indicators[1].benchmark.unwrap(), 1.8);

    // Smallest lift to B: reach 丙's 129.1667, a gap of 76.3889.
    let lifts = ev.lifts(&scheme, &reader.data, 1);
    close(lifts[0].target_total, 129.1667);
    // tax_per_mu alone would need 38.8889 + 76.3889 = 115.28 points > 50 × cap 2 = 100.
    assert_eq!(lifts[0].required_value, None);
    // tax_per_electricity: 13.8889 + 76.3889 = 90.2778 points → ratio 1.805556 →
    // value 1.805556 × 1.8 = 3.25 万元 per 万千瓦时 → tax 3.25 × 40 = 130, i.e. +110.
    close(lifts[1].required_value.unwrap(), 3.25);
    close(lifts[1].numerator_change.unwrap(), 110.0);
    // The best class has nothing to lift to.
    assert!(ev.lifts(&scheme, &reader.data, 0).is_empty());
}
