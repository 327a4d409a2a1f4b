//! `devzone tiers` run as a command: the spec's output layout, a GBK file with Chinese
//! headers and units, invalid rows, workbooks in and out, and refused arguments.

use devzone_core::CreditCode;
use std::process::Command;

fn devzone(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_devzone"))
        .args(args)
        .output()
        .expect("run devzone")
}

fn code(n: u32) -> String {
    CreditCode::assemble("91", "442000", &format!("{n:08}"))
        .unwrap()
        .as_str()
        .to_string()
}

fn rows_of(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn gbk_file_with_chinese_headers_gives_the_spec_rows() {
    let d = devzone_db::testing::TempDir::new("devzone-tiers");
    let (a, b, c) = (code(1), code(2), code(3));
    let spaced = format!("{} {}", &b[..8], &b[8..]).to_lowercase();
    // Revenue in 万元: 1,000 万元 = 10,000,000 yuan.
    let text = format!(
        "统一社会信用代码,企业名称,行业门类,从业人员,营业收入(万元),主营业务收入(万元),前年主营业务收入(万元),研发费用(万元),资产总额(万元),负债总额(万元),Ⅰ类知识产权,战略性新兴产业,荣誉,备注\n\
         {a},甲公司,C,100,1000,1000,950,20,100,75,1,否,,x\n\
         {spaced},乙公司,制造业,100,1000,500,400,1,100,50,,是,高新技术企业,\n\
         ,,,,,,,,,,,,,\n\
         {c},丙公司,C,1000,40000,1000,950,20,100,75,1,,,\n\
         {a},甲公司重复,C,100,1000,1000,950,20,100,75,1,,,\n\
         {c}X,坏代码,C,100,-5,,,,,,,,,\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let input = d.0.join("in.csv");
    std::fs::write(&input, gbk).unwrap();
    let output = d.0.join("out.csv");
    let out = devzone(&[
        "tiers",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--rules",
        "innovative-sme-2022",
        "--as-of",
        "2025-06-30",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("rows read: 5"), "{stderr}");
    assert!(stderr.contains("columns ignored: 备注"), "{stderr}");
    let rows = rows_of(&output);
    let want: Vec<Vec<&str>> = vec![
        vec![
            "credit_code",
            "eligible",
            "route",
            "total",
            "innovation",
            "growth",
            "specialisation",
            "reason",
            "ip_points",
            "rd_ratio_points",
            "growth_points",
            "debt_points",
            "field_points",
            "main_share_points",
        ],
        // IP 10 + R&D 2 % 10; growth 5.26 % 10 + debt 75 % 5; field 5 + share 100 % 20.
        vec![
            &a, "true", "score", "60", "20", "15", "25", "", "10", "10", "10", "5", "5", "20",
        ],
        // Normalised code; honour route; R&D 0.1 % 0, IP unknown 0; growth 25 % 20, debt
        // 50 % 10; field 10, share 50 % 5.
        vec![
            &b,
            "true",
            "direct:honour",
            "45",
            "0",
            "30",
            "15",
            "",
            "0",
            "0",
            "20",
            "10",
            "10",
            "5",
        ],
        // 1,000 employees and 400 million yuan: not an SME, points still computed (R&D
        // 0.05 % and main share 2.5 % score 0).
        vec![
            &c, "false", "", "30", "10", "15", "5", "not_sme", "10", "0", "10", "5", "5", "0",
        ],
        vec![
            &a,
            "",
            "",
            "",
            "",
            "",
            "",
            "invalid: credit_code.repeated",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    for (got, want) in rows.iter().zip(&want) {
        assert_eq!(got, want);
    }
    // The last row: a code of 19 characters, and a negative revenue; the code's rule first.
    let last = rows.last().unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(last[0], format!("{c}X"));
    assert_eq!(last[7], "invalid: credit_code.length");
    assert!(last[1..7].iter().chain(&last[8..]).all(String::is_empty));
}

#[test]
fn generated_workbook_in_and_out_and_refusals() {
    let d = devzone_db::testing::TempDir::new("devzone-tiers");
    let p = |n: &str| d.0.join(n).display().to_string();
    let out = devzone(&[
        "generate",
        "tiers-input",
        "--rows",
        "3000",
        "--out",
        &p("in.xlsx"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = |input: &str, output: &str, extra: &[&str]| {
        let mut args = vec![
            "tiers",
            "--input",
            input,
            "--output",
            output,
            "--rules",
            "innovative-sme-2022",
        ];
        args.extend_from_slice(extra);
        devzone(&args)
    };
    let out = run(&p("in.xlsx"), &p("out.csv"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rows = rows_of(std::path::Path::new(&p("out.csv")));
    assert_eq!(rows.len(), 3001);
    let reasons: std::collections::BTreeSet<&str> = rows[1..]
        .iter()
        .map(|r| r[7].split(':').next().unwrap())
        .collect();
    for r in ["", "not_sme", "score_below", "invalid"] {
        assert!(reasons.contains(r), "{r} missing from {reasons:?}");
    }
    assert!(
        stderr.contains("value that counts for nothing: honours \"province_star\""),
        "{stderr}"
    );
    // Workbook out.
    let out = run(&p("in.xlsx"), &p("out.xlsx"), &[]);
    assert!(out.status.success());
    assert!(std::fs::metadata(p("out.xlsx")).unwrap().len() > 10_000);
    // Refused: a day before the rules, an unknown rule set, an output that is neither, a
    // file without a credit code column. None leaves an output behind.
    let out = run(&p("in.xlsx"), &p("early.csv"), &["--as-of", "2021-12-31"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("2022-08-01"));
    let out = devzone(&[
        "tiers",
        "--input",
        &p("in.xlsx"),
        "--output",
        &p("x.csv"),
        "--rules",
        "little-giant-1999",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("innovative-sme-2022"));
    let out = run(&p("in.xlsx"), &p("out.txt"), &[]);
    assert!(!out.status.success());
    std::fs::write(p("nocode.csv"), "name,revenue\n甲,1\n").unwrap();
    let out = run(&p("nocode.csv"), &p("nocode-out.csv"), &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("credit_code"));
    for f in [
        "early.csv",
        "x.csv",
        "nocode-out.csv",
        "nocode-out.csv.partial",
    ] {
        assert!(!d.0.join(f).exists(), "{f} left behind");
    }
}
