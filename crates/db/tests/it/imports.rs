//! Import storage tests: precedence between sources, idempotence, revert, enterprise
//! registers, and the zone export → import round trip. Each runs on SQLite and, when
//! DEVZONE_TEST_POSTGRES_URL is set, on PostgreSQL.

use devzone_core::import::Kind;
use devzone_core::import::templates::{self, Sample};
use devzone_core::model::FactSource;
use devzone_db::repo::imports::{self, Counts, Request};
use devzone_db::repo::{enterprises, facts, transfer};
use devzone_db::testing::all;
use devzone_db::{Actor, Db};

fn actor() -> Actor {
    Actor::system("test")
}

/// Checks and commits a file; the plan's counts and the import id (None: nothing changed).
pub(crate) async fn run(
    db: &Db,
    zone: i64,
    kind: Kind,
    source: FactSource,
    name: &str,
    bytes: &[u8],
) -> (Counts, Vec<devzone_core::import::Problem>, Option<i64>) {
    let p = devzone_io::import::prepare(name, bytes).unwrap();
    let mapping = p.recognised();
    let checked = p.check(&mapping, kind, None);
    let request = Request {
        zone_id: zone,
        kind,
        source,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        year: None,
        file_name: name.into(),
        file_sha256: p.sha256.clone(),
        sheet: p.read.sheet.clone(),
        mapping,
        signature: p.signature.clone(),
    };
    let plan = imports::plan(&db.conn, request, checked).await.unwrap();
    let id = imports::commit(&db.conn, &actor(), &plan, &mut |_, _| true, None)
        .await
        .unwrap();
    (plan.counts, plan.problems, id)
}

pub(crate) async fn demo(db: &Db) -> (Vec<Sample>, i32) {
    devzone_db::demo::load(db, 120, &mut |_, _| {})
        .await
        .unwrap();
    let (es, year) = imports::sample_enterprises(&db.conn, 1, 15).await.unwrap();
    (templates::samples("测试区", year + 1, &es), year + 1)
}

pub(crate) fn bytes(s: &Sample) -> Vec<u8> {
    devzone_io::import::write_sample(s).unwrap()
}

pub(crate) fn sample<'a>(all: &'a [Sample], id: &str) -> &'a Sample {
    all.iter().find(|s| s.id == id).unwrap()
}

async fn current_tax(db: &Db, code: &str, year: i32) -> (i64, String) {
    let e = enterprises::by_code(&db.conn, 1, code)
        .await
        .unwrap()
        .unwrap();
    let v = facts::history(&db.conn, e.id)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.year == year && v.field == "tax" && v.current)
        .unwrap();
    (v.value.unwrap(), v.source)
}

fn first_code(s: &Sample, header_rows: usize) -> String {
    s.rows[header_rows]
        .iter()
        .find_map(|c| match c {
            templates::Out::Text(t) if devzone_core::CreditCode::parse(t).is_ok() => {
                Some(t.clone())
            }
            _ => None,
        })
        .unwrap()
}

#[tokio::test]
async fn the_tax_bureau_beats_the_self_declared_tax_in_either_order() {
    for t in all().await {
        let db = &t.db;
        let (samples, year) = demo(db).await;
        let tax = sample(&samples, "tax_bureau");
        let own = sample(&samples, "self_reported");
        let code = first_code(tax, 2);
        // Self-declared first: it becomes current, nothing better exists yet.
        let (c, _, id) = run(
            db,
            1,
            Kind::Facts,
            FactSource::SelfReported,
            "own.xlsx",
            &bytes(own),
        )
        .await;
        assert!(id.is_some() && c.inserted > 0, "{}", t.label);
        let (own_value, src) = current_tax(db, &code, year).await;
        assert_eq!(src, "self_reported");
        // The tax bureau's figure replaces it as current; the declaration stays as history.
        let (c, _, _) = run(
            db,
            1,
            Kind::Facts,
            FactSource::TaxBureau,
            "tax.xlsx",
            &bytes(tax),
        )
        .await;
        assert_eq!((c.updated, c.not_current), (15, 0), "{}", t.label);
        let (bureau_value, src) = current_tax(db, &code, year).await;
        assert_eq!(src, "tax_bureau");
        assert_ne!(own_value, bureau_value, "the samples differ on purpose");
        // A later self-declaration is kept as history only.
        let mut own2 = own.clone();
        own2.rows[1][5] = templates::Out::Number(1.0);
        let (c, _, _) = run(
            db,
            1,
            Kind::Facts,
            FactSource::SelfReported,
            "own2.xlsx",
            &bytes(&own2),
        )
        .await;
        assert_eq!((c.updated, c.not_current), (1, 1), "{}", t.label);
        assert_eq!(
            current_tax(db, &code, year).await,
            (bureau_value, "tax_bureau".into())
        );
        // The enterprise page's disagreement list names both.
        let e = enterprises::by_code(&db.conn, 1, &code)
            .await
            .unwrap()
            .unwrap();
        let d = facts::disagreements(&facts::history(&db.conn, e.id).await.unwrap());
        assert!(d.iter().any(|(cur, others)| cur.field == "tax"
            && cur.year == year
            && others.iter().any(|o| o.source == "self_reported")));
    }
}

#[tokio::test]
async fn re_importing_the_same_file_changes_nothing() {
    for t in all().await {
        let db = &t.db;
        let (samples, _) = demo(db).await;
        let stats = bytes(sample(&samples, "statistics_bureau"));
        let (first, _, id) = run(
            db,
            1,
            Kind::Facts,
            FactSource::StatisticsBureau,
            "s.xlsx",
            &stats,
        )
        .await;
        assert!(id.is_some());
        assert!(
            first.inserted > 60,
            "{}: up to five figures for each of 15 rows",
            t.label
        );
        let (again, problems, id) = run(
            db,
            1,
            Kind::Facts,
            FactSource::StatisticsBureau,
            "s.xlsx",
            &stats,
        )
        .await;
        assert_eq!(id, None, "{}", t.label);
        assert_eq!(
            (again.inserted, again.updated, again.unchanged),
            (0, 0, first.inserted)
        );
        assert!(problems.iter().any(|p| p.rule == "file.seen"));
        assert_eq!(imports::history(&db.conn, 1, 1, 20).await.unwrap().total, 1);
    }
}

#[tokio::test]
async fn revert_takes_an_import_back_and_the_earlier_source_is_current_again() {
    for t in all().await {
        let db = &t.db;
        let (samples, year) = demo(db).await;
        let tax = sample(&samples, "tax_bureau");
        let own = sample(&samples, "self_reported");
        let code = first_code(tax, 2);
        run(
            db,
            1,
            Kind::Facts,
            FactSource::SelfReported,
            "own.xlsx",
            &bytes(own),
        )
        .await;
        let before = current_tax(db, &code, year).await;
        let (_, _, id) = run(
            db,
            1,
            Kind::Facts,
            FactSource::TaxBureau,
            "tax.xlsx",
            &bytes(tax),
        )
        .await;
        assert_eq!(current_tax(db, &code, year).await.1, "tax_bureau");
        let r = imports::revert(&db.conn, &actor(), id.unwrap())
            .await
            .unwrap();
        assert_eq!(r.facts_removed, 15, "{}", t.label);
        assert_eq!(current_tax(db, &code, year).await, before);
        assert_eq!(
            imports::get(&db.conn, id.unwrap())
                .await
                .unwrap()
                .unwrap()
                .status,
            "reverted"
        );
        // A second revert is refused.
        assert!(
            imports::revert(&db.conn, &actor(), id.unwrap())
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_register_creates_enterprises_and_its_revert_removes_them() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 40, &mut |_, _| {})
            .await
            .unwrap();
        // Enterprises of another demo zone are new to zone 1.
        let es = templates::demo_enterprises(2, 6);
        let register = templates::samples("测试区", 2025, &es)
            .into_iter()
            .find(|s| s.is_register())
            .unwrap();
        let mut reg = register.clone();
        // Parks of another zone are unknown here: blank them, and rename one company.
        for row in reg.rows.iter_mut().skip(2) {
            row[7] = templates::Out::Empty;
        }
        let (c, problems, id) = run(
            db,
            1,
            Kind::Enterprises,
            FactSource::Officer,
            "r.xlsx",
            &bytes(&reg),
        )
        .await;
        assert_eq!(c.enterprises_created, 6, "{}: {problems:?}", t.label);
        let code = first_code(&reg, 2);
        let e = enterprises::by_code(&db.conn, 1, &code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            e.ownership,
            devzone_core::import::rows::ownership(match &reg.rows[2][3] {
                templates::Out::Text(t) => t,
                _ => panic!(),
            })
            .unwrap()
            .id()
        );
        // The same register with a new name: an update that keeps the former name.
        reg.rows[2][1] = templates::Out::Text("新名称科技有限公司".into());
        let (c, _, id2) = run(
            db,
            1,
            Kind::Enterprises,
            FactSource::Officer,
            "r2.xlsx",
            &bytes(&reg),
        )
        .await;
        assert_eq!((c.enterprises_created, c.enterprises_updated), (0, 1));
        let e = enterprises::by_code(&db.conn, 1, &code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.name, "新名称科技有限公司");
        assert!(e.former_names.contains(&es[0].name));
        imports::revert(&db.conn, &actor(), id2.unwrap())
            .await
            .unwrap();
        let e = enterprises::by_code(&db.conn, 1, &code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.name, es[0].name, "{}", t.label);
        imports::revert(&db.conn, &actor(), id.unwrap())
            .await
            .unwrap();
        assert!(
            enterprises::by_code(&db.conn, 1, &code)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn facts_of_an_unknown_enterprise_are_rejected_and_nothing_is_half_written() {
    for t in all().await {
        let db = &t.db;
        devzone_db::demo::load(db, 40, &mut |_, _| {})
            .await
            .unwrap();
        let es = templates::demo_enterprises(3, 4);
        let tax = templates::samples("测试区", 2025, &es)
            .into_iter()
            .find(|s| s.id == "tax_bureau")
            .unwrap();
        let (c, problems, id) = run(
            db,
            1,
            Kind::Facts,
            FactSource::TaxBureau,
            "t.xlsx",
            &bytes(&tax),
        )
        .await;
        assert_eq!((c.rejected, c.inserted), (4, 0), "{}", t.label);
        assert!(
            problems
                .iter()
                .filter(|p| p.rule == "enterprise.unknown")
                .count()
                == 4
        );
        assert_eq!(id, None);
    }
}

#[tokio::test]
async fn a_zone_export_reads_back_into_an_empty_installation_exactly() {
    for t in all().await {
        let db = &t.db;
        let (samples, _) = demo(db).await;
        run(
            db,
            1,
            Kind::Facts,
            FactSource::TaxBureau,
            "tax.xlsx",
            &bytes(sample(&samples, "tax_bureau")),
        )
        .await;
        facts::set_precedence(
            &db.conn,
            &actor(),
            1,
            devzone_core::FactField::Tax,
            &devzone_core::facts::Precedence::parse_order("tax_bureau,officer").unwrap(),
        )
        .await
        .unwrap();
        let mut first = std::io::Cursor::new(Vec::new());
        let m1 = transfer::export(&db.conn, 1, "test", &mut first)
            .await
            .unwrap();

        let fresh = devzone_db::testing::sqlite().await;
        let loaded = transfer::import(
            &fresh.db.conn,
            &actor(),
            std::io::Cursor::new(first.get_ref().clone()),
        )
        .await
        .unwrap();
        let mut second = std::io::Cursor::new(Vec::new());
        let m2 = transfer::export(&fresh.db.conn, loaded.zone_id, "test", &mut second)
            .await
            .unwrap();
        let files = |m: &transfer::Manifest| {
            m.files
                .iter()
                .map(|f| (f.name.clone(), f.rows, f.sha256.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(files(&m1), files(&m2), "{}", t.label);
        assert!(
            m1.files
                .iter()
                .any(|f| f.name == "facts.csv" && f.rows > 1000)
        );
        // The zone's land, its chain work and its investment projects travel with it.
        for name in [
            "projects.csv",
            "project_events.csv",
            "appeals.csv",
            "appeal_events.csv",
            "plots.csv",
            "buildings.csv",
            "units.csv",
            "leases.csv",
            "requirements.csv",
            "revitalisation_cases.csv",
            "chain_mappings.csv",
            "chain_targets.csv",
            "track_records.csv",
            "track_stages.csv",
        ] {
            assert!(
                m1.files.iter().any(|f| f.name == name && f.rows > 0),
                "{name}"
            );
        }
        // The same export again is refused: the zone exists.
        assert!(
            transfer::import(
                &fresh.db.conn,
                &actor(),
                std::io::Cursor::new(first.get_ref().clone())
            )
            .await
            .is_err()
        );
        // A changed file is refused by its checksum, and nothing is written.
        let other = devzone_db::testing::sqlite().await;
        let tampered = tamper(first.get_ref());
        let err = transfer::import(&other.db.conn, &actor(), std::io::Cursor::new(tampered))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
        assert!(devzone_db::repo::backup::is_empty(&other.db).await.unwrap());
    }
}

/// The export with one figure changed in facts.csv and the manifest left as it was.
fn tamper(zip_bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        if name == "facts.csv" {
            let s = String::from_utf8(b).unwrap().replacen(",tax,", ",tax,1", 1);
            b = s.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&b).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The archive with `name` replaced by `body` and the manifest's checksum made to match,
/// as a hand-edited archive would be.
fn rewrite(zip_bytes: &[u8], name: &str, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = (0..src.len())
        .map(|i| {
            let mut f = src.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect();
    let sha: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for (n, b) in &mut files {
        if n == name {
            *b = body.to_vec();
        }
    }
    for (n, b) in &mut files {
        if n == "manifest.json" && name != "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(b).unwrap();
            for f in m["files"].as_array_mut().unwrap() {
                if f["name"] == name {
                    f["sha256"] = sha.clone().into();
                }
            }
            *b = serde_json::to_vec(&m).unwrap();
        }
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in files {
        out.start_file(n, deflated).unwrap();
        out.write_all(&b).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Zone 1 of a demo of `enterprises`, exported.
async fn demo_archive(enterprises: usize) -> Vec<u8> {
    let t = devzone_db::testing::sqlite().await;
    devzone_db::demo::load(&t.db, enterprises, &mut |_, _| {})
        .await
        .unwrap();
    let mut archive = std::io::Cursor::new(Vec::new());
    transfer::export(&t.db.conn, 1, "test", &mut archive)
        .await
        .unwrap();
    archive.into_inner()
}

/// A zone archive is checked like any other import: a manifest that inflates into a
/// gigabyte is refused before it is read, and rows that break the registry's rules are
/// refused with their file, line, field and rule; nothing is written either way.
#[tokio::test]
async fn a_hostile_zone_archive_is_refused_and_nothing_is_written() {
    let archive = demo_archive(30).await;

    let bomb = rewrite(&archive, "manifest.json", &vec![b' '; 64 << 20]);
    assert!(
        bomb.len() < 1 << 20,
        "the bomb is small: {} bytes",
        bomb.len()
    );
    let target = devzone_db::testing::sqlite().await;
    let err = transfer::import(&target.db.conn, &actor(), std::io::Cursor::new(bomb))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("manifest.json inflates beyond"), "{err}");

    let mut src = zip::ZipArchive::new(std::io::Cursor::new(&archive[..])).unwrap();
    let mut csv = String::new();
    std::io::Read::read_to_string(&mut src.by_name("enterprises.csv").unwrap(), &mut csv).unwrap();
    drop(src);
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (ic, oc) = (col("industry_code"), col("ownership"));
    let mut row: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    row[ic] = "ZZZZ".into();
    row[oc] = "bogus".into();
    lines[1] = row.join(",");
    let edited = rewrite(
        &archive,
        "enterprises.csv",
        (lines.join("\n") + "\n").as_bytes(),
    );
    let err = transfer::import(&target.db.conn, &actor(), std::io::Cursor::new(edited))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("enterprises.csv line 2: industry_code \"ZZZZ\""),
        "{err}"
    );
    assert!(err.contains("ownership \"bogus\""), "{err}");
    assert!(
        devzone_db::repo::backup::is_empty(&target.db)
            .await
            .unwrap()
    );
}

/// A real zone archive with bytes changed, cut short, or its files rewritten with changed
/// bytes under matching checksums: refused or read, never a panic.
#[tokio::test]
async fn damaged_zone_archives_never_panic() {
    let archive = demo_archive(10).await;
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(&archive[..])).unwrap();
    let names: Vec<String> = src.file_names().map(|n| n.unwrap().to_string()).collect();
    let contents: Vec<Vec<u8>> = names
        .iter()
        .map(|n| {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut src.by_name(n).unwrap(), &mut b).unwrap();
            b
        })
        .collect();
    drop(src);
    let mut seed = 11u64;
    let mut next = move |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % m.max(1)
    };
    let mut target = devzone_db::testing::sqlite().await;
    let cases = std::env::var("DAMAGED_ARCHIVE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    for case in 0..cases {
        let bytes = match case % 3 {
            0 => {
                let mut b = archive.clone();
                for _ in 0..1 + next(4) {
                    let i = next(b.len());
                    b[i] = next(256) as u8;
                }
                b
            }
            1 => archive[..next(archive.len())].to_vec(),
            _ => {
                let k = next(names.len());
                let mut body = contents[k].clone();
                for _ in 0..1 + next(6) {
                    if !body.is_empty() {
                        let i = next(body.len());
                        body[i] = b",\n\"x9-"[next(6)];
                    }
                }
                rewrite(&archive, &names[k], &body)
            }
        };
        if transfer::import(&target.db.conn, &actor(), std::io::Cursor::new(bytes))
            .await
            .is_ok()
        {
            // Read whole (the change missed what is checked): start the next case empty.
            target = devzone_db::testing::sqlite().await;
        }
    }
}

#[tokio::test]
async fn a_commit_run_as_a_job_ends_its_job_in_the_same_transaction() {
    use devzone_core::model::JobKind;
    use devzone_db::repo::jobs;
    for t in all().await {
        let db = &t.db;
        let (samples, _) = demo(db).await;
        let tax = sample(&samples, "tax_bureau");
        let bytes = bytes(tax);
        let p = devzone_io::import::prepare("tax.xlsx", &bytes).unwrap();
        let mapping = p.recognised();
        let checked = p.check(&mapping, Kind::Facts, None);
        let request = Request {
            zone_id: 1,
            kind: Kind::Facts,
            source: FactSource::TaxBureau,
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            year: None,
            file_name: "tax.xlsx".into(),
            file_sha256: p.sha256.clone(),
            sheet: p.read.sheet.clone(),
            mapping,
            signature: p.signature.clone(),
        };
        let plan = imports::plan(&db.conn, request, checked).await.unwrap();
        let job = jobs::start(&db.conn, &actor(), JobKind::Import, Some(1), None, 15)
            .await
            .unwrap();
        // A cancel (the progress callback answering false) stops the commit and rolls it
        // back: no import recorded, the job left to its runner, and the same plan commits
        // whole afterwards (had any figure stayed, it would count as unchanged).
        let before = imports::history(&db.conn, 1, 1, 100).await.unwrap().total;
        let stopped =
            imports::commit(&db.conn, &actor(), &plan, &mut |_, _| false, Some(job.id)).await;
        assert!(
            matches!(stopped, Err(devzone_db::DbError::Cancelled)),
            "{}: {stopped:?}",
            t.label
        );
        assert_eq!(
            imports::history(&db.conn, 1, 1, 100).await.unwrap().total,
            before,
            "{}",
            t.label
        );
        let j = jobs::get(&db.conn, job.id).await.unwrap().unwrap();
        assert_eq!(j.state, "running", "{}", t.label);
        let again = imports::plan(
            &db.conn,
            plan.request.clone(),
            p.check(&plan.request.mapping, Kind::Facts, None),
        )
        .await
        .unwrap();
        assert_eq!(again.counts.inserted, plan.counts.inserted, "{}", t.label);
        let id = imports::commit(&db.conn, &actor(), &plan, &mut |_, _| true, Some(job.id))
            .await
            .unwrap();
        // Ended by the commit itself: a process dying now would leave a done job, not one
        // a restart marks interrupted.
        let j = jobs::get(&db.conn, job.id).await.unwrap().unwrap();
        assert_eq!((j.state.as_str(), j.result_id), ("done", id), "{}", t.label);
        assert_eq!(j.done, j.total);
        assert_eq!(
            jobs::fail_interrupted(&db.conn).await.unwrap(),
            0,
            "{}",
            t.label
        );
    }
}
