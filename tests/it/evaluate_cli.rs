//! `devzone evaluate` in file mode, run as a command: sample input from the generator, CSV
//! and XLSX output, Chinese headers in GBK, and inputs it must refuse with a clear message.

use std::path::Path;
use std::process::Command;

fn devzone(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_devzone"))
        .args(args)
        .output()
        .expect("run devzone")
}

fn dir() -> devzone_db::testing::TempDir {
    devzone_db::testing::TempDir::new("devzone-evaluate")
}

fn path(d: &devzone_db::testing::TempDir, name: &str) -> String {
    d.0.join(name).display().to_string()
}

#[test]
fn sample_file_in_csv_out_and_xlsx_out() {
    let d = dir();
    let input = path(&d, "in.csv");
    let out = devzone(&[
        "generate",
        "evaluation-input",
        "--rows",
        "3000",
        "--out",
        &input,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv_out = path(&d, "out.csv");
    let out = devzone(&["evaluate", "--input", &input, "--output", &csv_out]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("rows read: 3000"), "{stderr}");
    assert!(
        stderr.contains("group above:") && stderr.contains("invalid rows:"),
        "{stderr}"
    );
    // One output row per input row, in input order, with the spec's columns.
    let mut r = csv::Reader::from_path(&csv_out).unwrap();
    let headers = r.headers().unwrap().clone();
    assert_eq!(&headers[0], "credit_code");
    assert!(headers.iter().any(|h| h == "tax_per_mu_imputed"));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3000);
    let groups: std::collections::BTreeSet<&str> = rows.iter().map(|x| x.get(3).unwrap()).collect();
    for g in ["above", "below", "out_of_scope", "invalid"] {
        assert!(groups.contains(g), "{g} missing from {groups:?}");
    }
    // The same as a workbook.
    let xlsx_out = path(&d, "out.xlsx");
    let out = devzone(&[
        "evaluate",
        "--input",
        &input,
        "--output",
        &xlsx_out,
        "--scheme",
        "huangyan-2022",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&xlsx_out).unwrap().len() > 10_000);
}

#[test]
fn gbk_csv_with_chinese_headers_and_units() {
    let d = dir();
    let code = devzone_core::CreditCode::assemble("91", "320506", "MA000001").unwrap();
    let text = format!(
        "统一社会信用代码,企业名称,年度,行业代码,用地面积(亩),实缴税金(万元),用电量(万千瓦时),规上企业\n\
         {},苏州测试机械有限公司,2024,3311,10,100,50,否\n",
        code.as_str()
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let input = path(&d, "gbk.csv");
    std::fs::write(&input, &gbk).unwrap();
    let output = path(&d, "out.csv");
    let out = devzone(&["evaluate", "--input", &input, "--output", &output]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&output).unwrap();
    assert!(
        text.contains("苏州测试机械有限公司,2024,below,100"),
        "{text}"
    );
}

#[test]
fn refused_inputs_say_why() {
    let d = dir();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "is empty"),
        (
            "header_only.csv",
            b"name,year\n".to_vec(),
            "required columns missing: credit_code",
        ),
        (
            "book.csv",
            b"PK\x03\x04rest of a zip".to_vec(),
            "rename it to .xlsx",
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04 truncated".to_vec(),
            "spreadsheet",
        ),
        ("data.txt.json", b"{}".to_vec(), "unknown file type"),
    ];
    for (name, bytes, message) in cases {
        let input = path(&d, name);
        std::fs::write(&input, bytes).unwrap();
        let out = devzone(&[
            "evaluate",
            "--input",
            &input,
            "--output",
            &path(&d, "o.csv"),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} was accepted");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    // A scheme file with a mistake names its line.
    let scheme = path(&d, "bad.toml");
    std::fs::write(
        &scheme,
        devzone_core::evaluation::Scheme::built_in_source("default")
            .replace("cap = 2.0", "cap = -1"),
    )
    .unwrap();
    let input = path(&d, "in.csv");
    devzone(&[
        "generate",
        "evaluation-input",
        "--rows",
        "10",
        "--out",
        &input,
    ]);
    let out = devzone(&[
        "evaluate",
        "--input",
        &input,
        "--output",
        &path(&d, "o.csv"),
        "--scheme",
        &scheme,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("line ") && stderr.contains("cap -1"),
        "{stderr}"
    );
    assert!(
        !Path::new(&path(&d, "o.csv")).exists(),
        "nothing is written when the scheme is refused"
    );
}

#[test]
fn a_huge_cell_is_reported_short() {
    let d = dir();
    let big = "9".repeat(1 << 20);
    let code = devzone_core::CreditCode::assemble("91", "320506", "MA000002").unwrap();
    let text = format!(
        "credit_code,name,year,industry_code,land_mu,tax\n{},名,2024,3311,10,{big}\n",
        code.as_str()
    );
    let input = path(&d, "huge.csv");
    std::fs::write(&input, text).unwrap();
    let output = path(&d, "out.csv");
    let out = devzone(&["evaluate", "--input", &input, "--output", &output]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A million 9s overflow to infinity, which is not a number: the row is invalid, and the
    // report quotes the cell cut to 60 characters.
    assert!(stderr.contains("number.invalid"), "{stderr}");
    assert!(
        stderr.lines().all(|l| l.len() < 400),
        "a report line carries the whole cell"
    );
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(
        written.len() < 10_000,
        "the output does not repeat the cell either"
    );
}
