//! `devzone import` and `devzone export` run as commands: the sample sheets of a demo
//! zone, idempotence, revert, refused files with their exit status, and a zone carried to
//! another installation.

use std::process::Command;

fn devzone(data: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_devzone"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run devzone");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn samples_import_once_revert_and_travel_to_another_installation() {
    let d = devzone_db::testing::TempDir::new("devzone-import-cli");
    let data = d.0.join("data").display().to_string();
    let samples = d.0.join("samples").display().to_string();
    let (ok, out) = devzone(&data, &["demo", "--enterprises", "300", "--no-serve"]);
    assert!(ok, "{out}");
    let (ok, out) = devzone(
        &data,
        &[
            "generate",
            "import-samples",
            "--out",
            &samples,
            "--rows",
            "40",
        ],
    );
    assert!(ok, "{out}");
    let file = |name: &str| {
        std::fs::read_dir(&samples)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(name))
            .unwrap()
            .display()
            .to_string()
    };
    let tax = file("税务局");
    // Without --source, without a saved layout, and with neither the file's name nor a
    // title naming an office, the command asks which source it is.
    let neutral = format!("{samples}/list.csv");
    std::fs::write(
        &neutral,
        "统一社会信用代码,企业名称,实缴税金(万元)\n91110000000000000X,某公司,1\n",
    )
    .unwrap();
    let (ok, out) = devzone(&data, &["import", &neutral, "--zone", "1", "--dry-run"]);
    assert!(!ok && out.contains("which source"), "{out}");
    std::fs::remove_file(&neutral).unwrap();
    // The sample's own name says it comes from the tax bureau.
    let (ok, out) = devzone(&data, &["import", &tax, "--zone", "1"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("source: tax_bureau (named in the file"),
        "{out}"
    );
    assert!(
        out.contains("a total row; skipped") && out.contains("committed as import #1"),
        "{out}"
    );
    // The layout is remembered with its source; the same file again changes nothing.
    let (ok, out) = devzone(&data, &["import", &tax, "--zone", "1"]);
    assert!(ok && out.contains("nothing changed"), "{out}");
    // The power company's GBK CSV with thousands separators, and the two-row statistics header.
    let (ok, out) = devzone(
        &data,
        &[
            "import",
            &file("供电公司"),
            "--zone",
            "1",
            "--source",
            "power_company",
        ],
    );
    assert!(ok && out.contains("0 rejected"), "{out}");
    let (ok, out) = devzone(
        &data,
        &[
            "import",
            &file("统计局"),
            "--zone",
            "1",
            "--source",
            "statistics_bureau",
            "--dry-run",
        ],
    );
    assert!(
        ok && out.contains("dry run") && out.contains("revenue (千元)"),
        "{out}"
    );
    let (ok, out) = devzone(&data, &["import", "--revert", "1"]);
    assert!(ok && out.contains("reverted"), "{out}");
    let (ok, out) = devzone(&data, &["import", "--revert", "1"]);
    assert!(!ok && out.contains("reverted"), "{out}");

    let zip = d.0.join("zone.zip").display().to_string();
    let (ok, out) = devzone(&data, &["export", "--zone", "1", "--out", &zip]);
    assert!(ok && out.contains("facts.csv"), "{out}");
    let other = d.0.join("other").display().to_string();
    let (ok, out) = devzone(&other, &["import", &zip]);
    assert!(ok && out.contains("zone #1 created"), "{out}");
    let (ok, out) = devzone(&other, &["import", &zip]);
    assert!(!ok && out.contains("exists already"), "{out}");
}

#[test]
fn files_that_cannot_be_imported_exit_non_zero_with_a_reason() {
    let d = devzone_db::testing::TempDir::new("devzone-import-bad");
    let data = d.0.join("data").display().to_string();
    let (ok, out) = devzone(&data, &["demo", "--enterprises", "20", "--no-serve"]);
    assert!(ok, "{out}");
    let write = |name: &str, bytes: &[u8]| {
        let p = d.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let cases: Vec<(String, &str)> = vec![
        (write("empty.csv", b""), "is empty"),
        (
            write(
                "header.csv",
                "统一社会信用代码,年度,营业收入(万元)\n".as_bytes(),
            ),
            "header but no data",
        ),
        (
            write("nocode.csv", "名称,收入\n甲,1\n".as_bytes()),
            "no credit code column",
        ),
        (
            write("broken.xlsx", b"PK\x03\x04 not really a workbook"),
            "damaged or truncated",
        ),
        (
            write(
                "unit.csv",
                "统一社会信用代码,年度,营业收入(亩)\n91110000MA00000000,2024,1\n".as_bytes(),
            ),
            "does not fit",
        ),
        (
            write(
                "unknown.csv",
                "统一社会信用代码,年度,营业收入(万元)\n91110108MA0000000X,2024,1\n".as_bytes(),
            ),
            "rejected",
        ),
    ];
    for (file, why) in cases {
        let (ok, out) = devzone(
            &data,
            &["import", &file, "--zone", "1", "--source", "officer"],
        );
        assert!(!ok, "{file} should fail: {out}");
        assert!(out.contains(why), "{file}: expected {why:?} in\n{out}");
    }
}

/// A unit register as a CSV (UTF-8 with BOM): a dry run writes nothing, the import adds the
/// units and the lease, the same file again changes nothing, and a file whose every row is
/// refused exits 1 with each problem at its line.
#[test]
fn unit_register_imports_from_the_command_line() {
    let d = devzone_db::testing::TempDir::new("devzone-register-cli");
    let data = d.0.join("data").display().to_string();
    let (ok, out) = devzone(
        &data,
        &["demo", "--enterprises", "100", "--no-serve", "--zones", "2"],
    );
    assert!(ok, "{out}");
    // Zone 2 is Suining; its logistics park's plots are SN-WL-01 … SN-WL-10.
    let good = d.0.join("房源台账.csv");
    std::fs::write(
        &good,
        "\u{feff}宗地编号,楼宇,建筑类型,楼宇建筑面积(平方米),单元,单元面积(亩),状态,租金(元/平方米/月),承租人,起租日,到期日\n\
         SN-WL-02,冷链仓,仓库,\"6,000\",1,3,已出租,9,川运冷链,2026-12-01,2029-11-30\n\
         SN-WL-02,冷链仓,仓库,\"6,000\",2,3,空置,9,,,\n",
    )
    .unwrap();
    let file = good.display().to_string();
    let (ok, out) = devzone(
        &data,
        &[
            "import",
            &file,
            "--kind",
            "units",
            "--zone",
            "2",
            "--dry-run",
        ],
    );
    assert!(
        ok && out.contains("dry run") && out.contains("units added 2"),
        "{out}"
    );
    let (ok, out) = devzone(&data, &["import", &file, "--kind", "units", "--zone", "2"]);
    assert!(
        ok && out.contains("buildings created 1, units added 2") && out.contains("leases added 1"),
        "{out}"
    );
    let (ok, out) = devzone(&data, &["import", &file, "--kind", "units", "--zone", "2"]);
    assert!(
        ok && out.contains("units added 0, updated 0, unchanged 2"),
        "{out}"
    );
    let bad = d.0.join("bad.csv");
    std::fs::write(
        &bad,
        "宗地编号,楼宇,单元,单元面积(平方米),状态\nNO-SUCH,1号楼,A,100,空置\nSN-WL-02,冷链仓,3,abc,空置\n",
    )
    .unwrap();
    let (ok, out) = devzone(
        &data,
        &[
            "import",
            &bad.display().to_string(),
            "--kind",
            "units",
            "--zone",
            "2",
        ],
    );
    assert!(!ok, "{out}");
    assert!(out.contains("line 2: no plot with this number"), "{out}");
    assert!(out.contains("line 3, column D: not a number"), "{out}");
}
