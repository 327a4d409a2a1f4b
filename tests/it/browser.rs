//! Browser test: real pages in headless chromium through chromedriver.
//!
//! Starts devzone in-process on a loopback port with a small demo, then logs in, searches
//! the enterprise list in Chinese, opens an enterprise page and checks its figures against
//! the database. Skipped (with a message) when chromedriver is not installed; `.ci/run`
//! installs it. Set DEVZONE_SCREENSHOTS=DIR to keep screenshots of the pages visited.

use devzone_core::facts::{Centi, FactField, display_grouped};
use devzone_db::repo::{enterprises, facts, users};
use devzone_db::{Actor, Scope};
use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn shot(c: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("DEVZONE_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

/// A demo database with an administrator, devzone serving it on a loopback port, and a
/// headless chromium driven through chromedriver. None when chromedriver is missing.
struct Browser {
    c: fantoccini::Client,
    base: String,
    db: devzone_db::Db,
    _driver: Driver,
    _t: devzone_db::testing::TestDb,
}

async fn browser(demo_enterprises: usize) -> Option<Browser> {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&chromedriver).exists() {
        eprintln!("SKIPPED: {chromedriver} not found (install chromium-driver)");
        return None;
    }
    let t = devzone_db::testing::sqlite().await;
    let db = t.db.clone();
    devzone_db::demo::load(&db, demo_enterprises, &mut |_, _| {})
        .await
        .unwrap();
    users::create(
        &db.conn,
        &Actor::system("test"),
        &users::NewUser {
            username: "admin",
            display_name: "admin",
            password: "browser-test-pw",
            role: devzone_core::model::Role::Admin,
            enterprise_id: None,
            zones: &[],
        },
    )
    .await
    .unwrap();
    let port = free_port();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let app = devzone_web::router(devzone_web::AppState::new(db.clone(), false));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let driver_port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000", "--lang=zh-CN"],
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }
    }))
    .unwrap();
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::rustls()
            .expect("TLS roots")
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("chromedriver answers");
    let base = format!("http://127.0.0.1:{port}");
    Some(Browser {
        c,
        base,
        db,
        _driver,
        _t: t,
    })
}

/// Logs in as the administrator from the login page.
async fn log_in(c: &fantoccini::Client) {
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys("admin")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("browser-test-pw")
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
}

#[tokio::test]
async fn login_search_and_open_an_enterprise() {
    let Some(b) = browser(400).await else { return };
    let (c, base, db) = (b.c.clone(), b.base.clone(), b.db.clone());

    // Pick a zone-1 enterprise and search for the first two characters of its name.
    let page = enterprises::list(
        &db.conn,
        &Scope::all(),
        &enterprises::ListQuery {
            zone_id: Some(1),
            per_page: 1,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let target = page.items[0].clone();
    let fragment: String = target.name.chars().take(2).collect();
    let expected_matches = enterprises::list(
        &db.conn,
        &Scope::all(),
        &enterprises::ListQuery {
            zone_id: Some(1),
            q: Some(fragment.clone()),
            per_page: 1,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .total;

    c.goto(&format!("{base}/")).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path().starts_with("/login"),
        "anonymous visitors are sent to the login page"
    );
    shot(&c, "01-login").await;
    log_in(&c).await;
    // An administrator sees every zone: the first page compares them.
    let zone_rows = c.find_all(Locator::Css("#zones tbody tr")).await.unwrap();
    assert_eq!(zone_rows.len(), 6, "the six demo zones side by side");
    shot(&c, "02-zones").await;
    c.find(Locator::Css("#zones tbody tr td a[href='/zones/1']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#attention"))
        .await
        .unwrap();
    let svgs = c
        .find_all(Locator::Css(".chart-wide svg.chart"))
        .await
        .unwrap();
    assert_eq!(svgs.len(), 4, "the zone home shows its four charts");
    // "What needs me today": every tile links to the list it counts.
    let tiles = c.find_all(Locator::Css("#attention a.kpi")).await.unwrap();
    // Land (4), chain reviews, targets, titles ending, investment projects late and stalled,
    // appeals overdue, imports with rows left out.
    assert_eq!(tiles.len(), 11);
    let idle = c
        .find(Locator::Css(
            "#attention a[href='/zones/1/plots?status=idle'] .kpi-value",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    idle.replace(',', "")
        .parse::<u64>()
        .expect("a count of idle plots");
    shot(&c, "02-home").await;

    c.goto(&format!("{base}/zones/1/enterprises"))
        .await
        .unwrap();
    let search = c
        .wait()
        .for_element(Locator::Css("input[name=q]"))
        .await
        .unwrap();
    search.send_keys(&fragment).await.unwrap();
    c.find(Locator::Css("#filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("#total")).await.unwrap();
    let total = c
        .find(Locator::Css("#total"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        total.contains(&expected_matches.to_string()),
        "{total} vs {expected_matches}"
    );
    shot(&c, "03-list").await;
    c.find(Locator::LinkText(&target.name))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let h1 = c
        .wait()
        .for_element(Locator::Css("#enterprise-name"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, target.name);

    // The facts table shows the stored revenue of the latest year in 万元.
    let revenue = facts::history(&db.conn, target.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.current && v.field == "revenue")
        .max_by_key(|v| v.year)
        .unwrap()
        .value
        .unwrap();
    let shown = display_grouped(FactField::Revenue, Centi(revenue));
    let table = c
        .find(Locator::Css("#facts-table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        table.contains(&shown),
        "revenue {shown} shown in the facts table"
    );
    assert!(
        c.find(Locator::Css("#enterprise-name"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains(&target.name)
    );
    shot(&c, "04-enterprise").await;

    // An invalid edit shows an inline message in Chinese and saves nothing.
    c.goto(&format!("{base}/enterprises/{}/edit", target.id))
        .await
        .unwrap();
    let code = c
        .wait()
        .for_element(Locator::Css("input[name=credit_code]"))
        .await
        .unwrap();
    code.clear().await.unwrap();
    code.send_keys("91110000ABCDEFGHIZ").await.unwrap();
    c.find(Locator::Css("button.primary[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let msg = c
        .wait()
        .for_element(Locator::Css(".field-error[data-field=credit_code]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(msg.contains("统一社会信用代码"), "{msg}");
    shot(&c, "05-form-error").await;
    let unchanged = enterprises::get(&db.conn, &Scope::all(), target.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.credit_code, target.credit_code);
    c.close().await.unwrap();
}

#[tokio::test]
async fn evaluation_run_breakdown_and_what_if() {
    let Some(b) = browser(600).await else { return };
    let (c, base, db) = (b.c.clone(), b.base.clone(), b.db.clone());
    c.goto(&format!("{base}/login")).await.unwrap();
    log_in(&c).await;
    // Start a run of the default scheme for 2024 on the first demo zone.
    c.goto(&format!("{base}/zones/1/evaluations"))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#start-run"))
        .await
        .unwrap();
    shot(&c, "10-evaluations").await;
    c.find(Locator::Css("#start-run button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The run page refreshes itself until the results table appears.
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#results"))
        .await
        .unwrap();
    // Class distribution, and one score histogram per group (above and below scale).
    assert_eq!(
        c.find_all(Locator::Css(".chart-wide svg.chart"))
            .await
            .unwrap()
            .len(),
        3
    );
    shot(&c, "11-run").await;
    let run_path = c.current_url().await.unwrap().path().to_string();
    let run_id: i64 = run_path.rsplit('/').next().unwrap().parse().unwrap();
    let stored = devzone_db::repo::evaluation::get(&db.conn, run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, "done");

    // Class D only: choosing it in the filter applies at once.
    let class = c.find(Locator::Css("select[name=class]")).await.unwrap();
    class.select_by_value("D").await.unwrap();
    c.wait()
        .for_element(Locator::XPath(
            "//select[@name='class']/option[@value='D' and @selected]",
        ))
        .await
        .unwrap();
    let first = c
        .find(Locator::Css("#results tbody tr td a"))
        .await
        .unwrap();
    first.click().await.unwrap();
    let class_now = c
        .wait()
        .for_element(Locator::Css("#class"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(class_now, "D");
    assert!(c.find(Locator::Css("#indicators")).await.is_ok());
    assert!(
        c.find(Locator::Css("#lifts")).await.is_ok(),
        "a D-class enterprise is shown what would lift it"
    );
    shot(&c, "12-breakdown").await;

    // The smallest combination: carried into the what-if, it reaches class C, drawn as a rise.
    let outcome = c
        .find(Locator::Css("#plan-outcome"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    if let Ok(try_it) = c.find(Locator::Css("#plan-outcome a")).await {
        assert!(outcome.contains("C 类"), "{outcome}");
        try_it.click().await.unwrap();
        let reached = c
            .wait()
            .for_element(Locator::Css("#whatif-result.whatif-better #whatif-class"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            reached, "C",
            "the plan's figures give the class it promised"
        );
        c.back().await.unwrap();
        c.wait().for_element(Locator::Css("#plan")).await.unwrap();
    } else {
        assert!(
            outcome.contains("无法"),
            "no plan, and no reason: {outcome}"
        );
    }

    // What if it paid far more tax: against the same benchmarks it leaves class D.
    let tax = c
        .find(Locator::Css("#whatif input[name=tax]"))
        .await
        .unwrap();
    tax.clear().await.unwrap();
    tax.send_keys("100000").await.unwrap();
    c.find(Locator::Css("#whatif button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let new_class = c
        .wait()
        .for_element(Locator::Css("#whatif-class"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(new_class, "D", "the what-if class changes");
    shot(&c, "13-what-if").await;
    // Nothing was saved: the stored result is still D.
    let url = c.current_url().await.unwrap();
    let eid: i64 = url.path().rsplit('/').next().unwrap().parse().unwrap();
    let r = devzone_db::repo::evaluation::result_for(&db.conn, run_id, eid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.class.as_deref(), Some("D"));

    for (path, name) in [("rankings", "14-rankings"), ("measures", "15-measures")] {
        c.goto(&format!("{base}/evaluations/{run_id}/{path}"))
            .await
            .unwrap();
        c.wait().for_element(Locator::Css("main h1")).await.unwrap();
        shot(&c, name).await;
    }
    // The same breakdown in English, through the language switch in the header.
    c.goto(url.as_str()).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#whatif-class"))
        .await
        .unwrap();
    c.find(Locator::Css("header .who form.inline button.link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The language switch reloads the page; an element found just before the reload goes
    // stale, so read the heading until the English page is the one shown.
    let mut h2 = String::new();
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css("main section.card h2")).await
            && let Ok(t) = e.text().await
        {
            h2 = t;
            if h2 == "Why this class" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(h2, "Why this class");
    shot(&c, "16-breakdown-en").await;
    c.close().await.unwrap();
}

/// Uploads a self-declaration sheet with planted errors, reads the report, commits the
/// valid rows and finds an imported figure on an enterprise page.
#[tokio::test]
async fn import_with_errors_report_commit_and_find_on_enterprise_page() {
    use devzone_core::import::templates::{self, Out};
    let Some(b) = browser(300).await else { return };
    let (c, base, db) = (b.c.clone(), b.base.clone(), b.db.clone());
    // The zone's own sample, with three rows spoilt: a wrong check character, text in a
    // figure cell, an Excel error value.
    let (es, year) = devzone_db::repo::imports::sample_enterprises(&db.conn, 1, 12)
        .await
        .unwrap();
    let mut sample = templates::samples("测试区", year + 1, &es)
        .into_iter()
        .find(|s| s.id == "self_reported")
        .unwrap();
    let Out::Text(code) = sample.rows[1][0].clone() else {
        panic!("code cell")
    };
    let bad_code = format!(
        "{}{}",
        &code[..17],
        if code.ends_with('0') { '1' } else { '0' }
    );
    sample.rows[1][0] = Out::Text(bad_code.clone());
    sample.rows[2][4] = Out::Text("约三千万".into());
    sample.rows[3][5] = Out::Text("#DIV/0!".into());
    let dir = tempdir();
    let path = dir.join("企业自报.xlsx");
    std::fs::write(&path, devzone_io::import::write_sample(&sample).unwrap()).unwrap();

    c.goto(&format!("{base}/login")).await.unwrap();
    log_in(&c).await;
    c.goto(&format!("{base}/zones/1/imports")).await.unwrap();
    shot(&c, "20-imports").await;
    c.find(Locator::Css("#upload input[type=file]"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Css(
        "#upload select[name=source] option[value=self_reported]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#upload button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#problems"))
        .await
        .unwrap();
    shot(&c, "21-import-report").await;
    let report = c
        .find(Locator::Css("#problems"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(report.contains(&bad_code), "{report}");
    assert!(report.contains("约三千万"), "{report}");
    assert!(report.contains("#DIV/0!"), "{report}");
    assert!(report.contains("校验位"), "{report}");
    let errors = c
        .find_all(Locator::Css("#problems tr.sev-error"))
        .await
        .unwrap();
    assert_eq!(errors.len(), 3);
    // Every column was recognised from its Chinese header with its unit.
    let mapped = c
        .find_all(Locator::Css("#columns select[name^=col] option[selected]"))
        .await
        .unwrap();
    assert_eq!(mapped.len(), 9);

    c.find(Locator::Css("#commit button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    if c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#status"))
        .await
        .is_err()
    {
        let url = c.current_url().await.unwrap();
        let html = c.source().await.unwrap_or_default();
        let marks: Vec<&str> = [
            "data-refresh",
            "id=\"commit\"",
            "class=\"card alert\"",
            "id=\"progress\"",
            "id=\"nothing\"",
            "id=\"need-source\"",
        ]
        .into_iter()
        .filter(|m| html.contains(m))
        .collect();
        panic!("the import did not finish at {url}: {marks:?}");
    }
    shot(&c, "22-import-done").await;
    let import_id: i64 = c
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let imp = devzone_db::repo::imports::get(&db.conn, import_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((imp.rows_read, imp.rejected), (12, 3));

    // The fourth data row was clean: its self-declared revenue is stored for the year, and
    // the page shows it.
    let Out::Text(good) = sample.rows[4][0].clone() else {
        panic!()
    };
    let e = enterprises::by_code(&db.conn, 1, &good)
        .await
        .unwrap()
        .unwrap();
    let stored = facts::history(&db.conn, e.id).await.unwrap();
    let revenue = stored
        .iter()
        .find(|v| v.year == year + 1 && v.field == "revenue" && v.source == "self_reported")
        .expect("imported revenue");
    c.goto(&format!("{base}/enterprises/{}", e.id))
        .await
        .unwrap();
    shot(&c, "23-enterprise-after-import").await;
    // The revision history, folded away when long, names the source.
    c.execute(
        "document.querySelector('#history details').open = true;",
        vec![],
    )
    .await
    .unwrap();
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let shown = display_grouped(FactField::Revenue, Centi(revenue.value.unwrap()));
    assert!(body.contains(&shown), "{shown} not on the page");
    assert!(body.contains("企业自报"));

    // The import's page in English, through the language switch in the header.
    c.goto(&format!("{base}/imports/{import_id}"))
        .await
        .unwrap();
    c.find(Locator::Css("header .who form.inline button.link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut h1 = String::new();
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css("main h1")).await
            && let Ok(t) = e.text().await
        {
            h1 = t;
            if h1.starts_with("Data import") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(h1.starts_with(&format!("Data import #{import_id}")), "{h1}");
    shot(&c, "24-import-done-en").await;
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("devzone-browser-{}", rand_suffix()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// Land: the zone's land page with its map, then a space requirement entered in the form
/// (first with an error, then right), its ranked candidates with per-criterion explanations,
/// and the best one opened on the map, highlighted.
#[tokio::test]
async fn enter_a_requirement_see_ranked_candidates_and_open_one_on_the_map() {
    let Some(b) = browser(150).await else { return };
    let c = &b.c;
    let zone = devzone_db::repo::zones::list(&b.db.conn, &Scope::all())
        .await
        .unwrap()
        .into_iter()
        .find(|z| z.name == "遂宁高新技术产业开发区")
        .unwrap();
    c.goto(&format!("{}/zones/{}/land", b.base, zone.id))
        .await
        .unwrap();
    log_in(c).await;
    c.goto(&format!("{}/zones/{}/land", b.base, zone.id))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#zone-map svg .plot"))
        .await
        .unwrap();
    shot(c, "land-overview").await;

    c.goto(&format!("{}/zones/{}/requirements", b.base, zone.id))
        .await
        .unwrap();
    let fill = |name: &'static str, value: &'static str| async move {
        let e = c
            .find(Locator::Css(&format!("#requirement-form [name={name}]")))
            .await
            .unwrap();
        e.clear().await.unwrap();
        e.send_keys(value).await.unwrap();
    };
    fill("title", "测试：11,000 平方米厂房").await;
    fill("area_min_m2", "12000").await;
    fill("area_max_m2", "10000").await; // below the minimum: refused
    c.find(Locator::Css("#find-space"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let errors = c
        .wait()
        .for_element(Locator::Css("#form-errors"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(errors.contains("最大面积小于最小面积"), "{errors}");
    // The values typed are kept; correct the range and add the other criteria.
    fill("area_min_m2", "10000").await;
    fill("area_max_m2", "12000").await;
    fill("min_clear_height_m", "8").await;
    fill("min_power_kva", "1600").await;
    c.find(Locator::Css(
        "#requirement-form select[name=building_type] option[value=standard_factory]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#find-space"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#candidates .candidate"))
        .await
        .unwrap();
    shot(c, "requirement-candidates").await;
    let cands = c
        .find_all(Locator::Css("#candidates .candidate"))
        .await
        .unwrap();
    assert!(cands.len() >= 2, "{} candidates", cands.len());
    let first = cands[0].text().await.unwrap();
    assert!(first.contains("完全符合"), "{first}");
    // Every criterion asked is explained: area, building type, clear height, power.
    for label in ["面积", "建筑类型", "净高", "供电容量"] {
        assert!(first.contains(label), "{label} missing in {first}");
    }
    // A lower candidate says what it misses and by how much.
    let mut saw_miss = false;
    for cand in &cands[1..] {
        let text = cand.text().await.unwrap();
        if text.contains("差 ") {
            saw_miss = true;
            break;
        }
    }
    assert!(saw_miss, "no candidate explains a miss");

    // Open the best one on the map: the plot is highlighted there.
    let link = cands[0]
        .find(Locator::Css("a.on-map"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let plot_id: String = link
        .split("plot=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|ch| ch.is_ascii_digit())
        .collect();
    cands[0]
        .find(Locator::Css("a.on-map"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let hl = c
        .wait()
        .for_element(Locator::Css("#zone-map svg a.highlight"))
        .await
        .unwrap();
    assert_eq!(
        hl.attr("id").await.unwrap().as_deref(),
        Some(format!("plot-{plot_id}").as_str())
    );
    shot(c, "land-map-highlight").await;
    // Its card opens from the map.
    hl.click().await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&format!("/plots/{plot_id}"))
    );
    shot(c, "plot-card").await;

    // The other land pages answer with their tables; the land page in English through the
    // language switch.
    for (path, css, name) in [
        (
            format!("/zones/{}/plots?status=idle", zone.id),
            "#plot-list",
            "land-plots-idle",
        ),
        (
            format!("/zones/{}/leases?days=90", zone.id),
            "#leases",
            "land-leases",
        ),
        (
            format!("/zones/{}/revitalisation", zone.id),
            "#cases",
            "land-cases",
        ),
        (
            format!("/zones/{}/requirements", zone.id),
            "#requirements",
            "land-requirements",
        ),
    ] {
        c.goto(&format!("{}{path}", b.base)).await.unwrap();
        c.wait().for_element(Locator::Css(css)).await.unwrap();
        shot(c, name).await;
    }
    c.goto(&format!("{}/zones/{}/land", b.base, zone.id))
        .await
        .unwrap();
    c.find(Locator::Css("header .who form.inline button.link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut h1 = String::new();
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css("main h1")).await
            && let Ok(t) = e.text().await
        {
            h1 = t;
            if h1 == "Land and space" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(h1, "Land and space");
    shot(c, "land-overview-en").await;
}

/// Industry chains: the humanoid-robot chain of the demo's Beijing zone shows its diagram
/// with a missing node and a target list; confirming a suggested mapping on a node's page
/// raises that node's count.
#[tokio::test]
async fn humanoid_chain_gaps_and_a_confirmed_suggestion() {
    let Some(b) = browser(300).await else { return };
    let c = &b.c;
    let zone = devzone_db::repo::zones::list(&b.db.conn, &Scope::all())
        .await
        .unwrap()
        .into_iter()
        .find(|z| z.name == "北京经济技术开发区")
        .unwrap();
    let chain_url = format!(
        "{}/zones/{}/chains/beijing-future/humanoid-chain",
        b.base, zone.id
    );
    c.goto(&format!("{}/zones/{}", b.base, zone.id))
        .await
        .unwrap();
    log_in(c).await;
    c.goto(&chain_url).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#diagram svg .chain-node"))
        .await
        .unwrap();
    let missing = c
        .find_all(Locator::Css("#diagram svg a.status-missing"))
        .await
        .unwrap();
    assert!(!missing.is_empty(), "no missing node in the diagram");
    let targets = c
        .find_all(Locator::Css("#target-list tbody tr"))
        .await
        .unwrap();
    assert!(!targets.is_empty());
    let first_target = targets[0].text().await.unwrap();
    assert!(first_target.contains("缺"), "{first_target}");
    shot(c, "chain-humanoid").await;

    // A node with suggestions waiting: its page, confirm the first, back to the chain.
    let mut node = None;
    for row in c
        .find_all(Locator::Css("#gap-table tbody tr"))
        .await
        .unwrap()
    {
        let cells = row.find_all(Locator::Css("td")).await.unwrap();
        let waiting: usize = cells[4].text().await.unwrap().trim().parse().unwrap_or(0);
        if waiting > 0 {
            let id = row
                .attr("id")
                .await
                .unwrap()
                .unwrap()
                .trim_start_matches("row-")
                .to_string();
            let confirmed: usize = cells[3].text().await.unwrap().trim().parse().unwrap();
            node = Some((id, confirmed));
            break;
        }
    }
    let (node, before) = node.expect("a node with suggestions waiting");
    c.find(Locator::Css(&format!("#row-{node} td a")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#suggested button.confirm"))
        .await
        .unwrap();
    shot(c, "chain-node").await;
    c.find(Locator::Css("#suggested button.confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#confirmed"))
        .await
        .unwrap();
    c.goto(&chain_url).await.unwrap();
    let after: usize = c
        .wait()
        .for_element(Locator::Css(&format!("#row-{node} td.confirmed")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(after, before + 1);
    let label = c
        .find(Locator::Css(&format!("#node-{node} title")))
        .await
        .unwrap()
        .html(true)
        .await
        .unwrap();
    assert!(label.ends_with(&format!(": {after}")), "{label}");

    // The tracks overview and the targets with their charts.
    c.goto(&format!("{}/zones/{}/tracks", b.base, zone.id))
        .await
        .unwrap();
    let summary = c
        .wait()
        .for_element(Locator::Css("#track-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains("9 条较成熟"), "{summary}");
    shot(c, "tracks").await;
    c.goto(&format!("{}/zones/{}/targets", b.base, zone.id))
        .await
        .unwrap();
    let rows = c
        .wait()
        .for_element(Locator::Css("#targets tbody"))
        .await
        .unwrap();
    assert_eq!(rows.find_all(Locator::Css("tr")).await.unwrap().len(), 3);
    shot(c, "targets").await;
}

/// The number in a text ("共 1,234 家" → 1234).
fn number_in(text: &str) -> i64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn tier_page_candidate_distance_and_a_certificate_that_moves_the_counts() {
    let Some(b) = browser(400).await else { return };
    let c = b.c.clone();
    let base = b.base.clone();
    c.goto(&format!("{base}/login")).await.unwrap();
    log_in(&c).await;
    c.goto(&format!("{base}/zones/1/tiers")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#tier-candidates"))
        .await
        .unwrap();
    shot(&c, "40-tiers").await;
    let text = |sel: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(sel))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // The second title of the ladder is the innovative SME.
    let held_before = number_in(&text("#tier-kpis .kpi:nth-child(2) .kpi-value").await);
    let candidates_before = number_in(&text("#total").await);
    // Only those one change away: each shows what it takes.
    c.find(Locator::Css(
        "#tier-filters select[name=steps] option[value='1']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#tier-filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#tier-candidates"))
        .await
        .unwrap();
    let first_row = text("#tier-candidates tbody tr").await;
    assert!(
        first_row.contains("差 1 项") && first_row.contains("→"),
        "a candidate one change away says what it takes: {first_row}"
    );
    let link = c
        .find(Locator::Css("#tier-candidates tbody tr td a"))
        .await
        .unwrap();
    let name = link.text().await.unwrap();
    link.click().await.unwrap();
    c.wait()
        .for_element(Locator::Css("#own-tier"))
        .await
        .unwrap();
    assert_eq!(text("#enterprise-name").await, name);
    assert!(text("#own-tier").await.contains("差 1 项"));
    shot(&c, "41-own-tier").await;
    // Record the title it was one change from.
    c.find(Locator::Css("main details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css(
        "select[name=kind] option[value=innovative_sme]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.execute(
        "document.querySelector('input[name=valid_from]').value = arguments[0];",
        vec![serde_json::json!(
            (devzone_core::calendar::today() - chrono::Duration::days(1)).to_string()
        )],
    )
    .await
    .unwrap();
    c.find(Locator::Css(
        "form[action$='/qualifications'] button.primary",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    // The page after the save holds the title (the page before it has #own-tier too, so
    // waiting for that alone raced the save).
    c.wait()
        .for_element(Locator::Css("#own-tier .badge.ok"))
        .await
        .unwrap();
    c.goto(&format!("{base}/zones/1/tiers")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#tier-kpis"))
        .await
        .unwrap();
    assert_eq!(
        number_in(&text("#tier-kpis .kpi:nth-child(2) .kpi-value").await),
        held_before + 1
    );
    assert_eq!(number_in(&text("#total").await), candidates_before - 1);
    c.close().await.unwrap();
}

/// The keys of the interface catalogs: a page showing one shows text that was never
/// translated.
fn catalog_keys() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/web/locales/en");
    let mut keys = Vec::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        keys.extend(
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
                .filter(|k| k.contains('.')),
        );
    }
    keys
}

/// What a page looks like to the layout checks: the document's width against the window's,
/// chart text drawn under 11 px (font size times the SVG's scale), and the visible text
/// outside code, with the identifiers (`evaluation_run`) it shows.
const LAYOUT_JS: &str = r#"
const cw = document.documentElement.clientWidth;
const sw = document.documentElement.scrollWidth;
const small = [];
for (const e of document.querySelectorAll('svg text')) {
  const svg = e.ownerSVGElement; const r = svg.getBoundingClientRect();
  if (!r.width || !e.getBoundingClientRect().width) continue;
  const vb = svg.viewBox.baseVal; const k = vb && vb.width ? r.width / vb.width : 1;
  const px = parseFloat(getComputedStyle(e).fontSize) * k;
  if (px < 11) small.push(px.toFixed(1) + 'px "' + e.textContent.slice(0, 24) + '"');
}
const clone = document.body.cloneNode(true);
for (const e of clone.querySelectorAll('code, pre, textarea, script, style, option')) e.remove();
const wide = [];
for (const e of document.querySelectorAll('main *')) {
  const r = e.getBoundingClientRect();
  if (r.right > cw + 1) wide.push(e.tagName + '.' + e.className + ' ' + (e.innerText || '').slice(0, 30));
}
const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
return { cw, sw, small: small.slice(0, 5), text: clone.innerText, wide: wide.slice(0, 3), links, error: document.body.classList.contains('centered') && !!document.querySelector('#request-id') };
"#;

/// The first snake_case word of a text (`evaluation_run`): a database name shown to a user.
fn identifier_in(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .find(|w| {
            w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.contains('_')
                && !w.ends_with('_')
                && !w.contains("__")
        })
}

/// Where a link leads in the crawl's terms: ids become `N`, and pages of the same kind
/// (`/zones/N/tracks/…/…`) share a shape so that two of each are visited, not all.
fn page_shape(path: &str) -> (String, String) {
    let pattern: Vec<String> = path
        .split('/')
        .map(|s| {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                "N".to_string()
            } else {
                s.to_string()
            }
        })
        .collect();
    let shape = format!(
        "{}:{}",
        pattern.len(),
        pattern
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join("/")
    );
    (pattern.join("/"), shape)
}

#[tokio::test]
async fn every_page_fits_a_phone_and_a_laptop_in_both_languages() {
    let Some(b) = browser(300).await else { return };
    // Published runs, as the demo command leaves them, for the per-mu pages and the cockpit.
    devzone_db::demo::evaluate(&b.db).await.unwrap();
    let c = b.c.clone();
    let base = b.base.clone();
    c.goto(&format!("{base}/login")).await.unwrap();
    log_in(&c).await;
    // Downloads and actions are not pages.
    let skip = |href: &str| {
        [
            "export",
            ".xlsx",
            ".csv",
            ".zip",
            "/report",
            "/samples/",
            "/logout",
            "/lang",
            "/assets/",
            "/api/",
            "/healthz",
        ]
        .iter()
        .any(|s| href.contains(s))
    };
    let keys = catalog_keys();
    let mut failures: Vec<String> = Vec::new();
    let mut queue: Vec<String> = vec!["/".into(), "/zones/1".into(), "/zones/2".into()];
    let mut seen_patterns = std::collections::HashSet::new();
    let mut per_shape: std::collections::HashMap<String, usize> = Default::default();
    let mut pages: Vec<String> = Vec::new();
    // The crawl, in Chinese at a laptop's width: every page reached from the zone homes.
    while let Some(path) = (!queue.is_empty()).then(|| queue.remove(0)) {
        let (pattern, shape) = page_shape(&path);
        if !seen_patterns.insert(pattern) || per_shape.get(&shape).copied().unwrap_or(0) >= 2 {
            continue;
        }
        *per_shape.entry(shape).or_default() += 1;
        pages.push(path.clone());
        c.goto(&format!("{base}{path}")).await.unwrap();
        let info = c.execute(LAYOUT_JS, vec![]).await.unwrap();
        for l in info["links"].as_array().unwrap() {
            let href = l.as_str().unwrap_or_default();
            let href = href.split(['?', '#']).next().unwrap_or_default();
            if href.starts_with('/') && !skip(href) {
                queue.push(href.to_string());
            }
        }
    }
    assert!(
        pages.len() >= 44,
        "the crawl reached {} pages: {pages:?}",
        pages.len()
    );
    for lang in ["zh-CN", "en"] {
        if lang == "en" {
            c.goto(&format!("{base}/zones/1")).await.unwrap();
            c.find(Locator::Css("header .who form.inline button.link"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            c.wait()
                .for_element(Locator::Css("html[lang=en]"))
                .await
                .unwrap();
        }
        for width in [1366u32, 390] {
            c.set_window_size(width, 900).await.unwrap();
            for path in &pages {
                c.goto(&format!("{base}{path}")).await.unwrap();
                let info = c.execute(LAYOUT_JS, vec![]).await.unwrap();
                let at = format!("{path} ({lang}, {width} px)");
                if info["error"].as_bool() == Some(true) {
                    failures.push(format!("{at}: an error page"));
                    continue;
                }
                let (cw, sw) = (info["cw"].as_i64().unwrap(), info["sw"].as_i64().unwrap());
                assert!(
                    (width as i64 - 20..=width as i64).contains(&cw),
                    "the window is {width} px wide, the page {cw} px"
                );
                if sw > cw {
                    failures.push(format!(
                        "{at}: scrolls sideways ({sw} > {cw}): {}",
                        info["wide"]
                    ));
                }
                if !info["small"].as_array().unwrap().is_empty() {
                    failures.push(format!("{at}: chart text under 11 px: {}", info["small"]));
                }
                let text = info["text"].as_str().unwrap_or_default();
                if let Some(k) = keys.iter().find(|k| text.contains(k.as_str())) {
                    failures.push(format!("{at}: untranslated key {k}"));
                }
                if let Some(id) = identifier_in(text) {
                    failures.push(format!("{at}: identifier shown: {id}"));
                }
            }
        }
    }
    c.set_window_size(1280, 1000).await.unwrap();
    eprintln!(
        "layout checked on {} pages × 2 languages × 2 widths: {pages:?}",
        pages.len()
    );
    assert!(
        failures.is_empty(),
        "{} problems over {} pages:\n{}",
        failures.len(),
        pages.len(),
        failures.join("\n")
    );
}

/// An officer's day with the pipeline: the board, a project in talks opened from it, moved
/// to 签约 with the stage form, the timeline and the year's signed count following; a move past
/// a required stage refused with the stage it skips.
#[tokio::test]
async fn move_a_project_from_talks_to_signed_and_see_the_summary_follow() {
    let Some(b) = browser(100).await else { return };
    let c = b.c.clone();
    let base = b.base.clone();
    c.goto(&format!("{base}/login")).await.unwrap();
    log_in(&c).await;
    let text = |sel: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(sel))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    c.goto(&format!("{base}/zones/1/investment")).await.unwrap();
    let signed_before = number_in(&text("#investment-kpis .kpi:first-child .kpi-value").await);
    c.goto(&format!("{base}/zones/1/projects/board"))
        .await
        .unwrap();
    c.find(Locator::Css(
        "#board .board-column[data-stage=negotiating] a.board-card",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("#stage-form"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap().to_string();
    // 投产 straight from talks: refused, naming 签约.
    c.find(Locator::Css("#stage-to option[value=producing]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#stage-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#form-errors"))
        .await
        .unwrap();
    assert!(text("#form-errors").await.contains("“签约”"));
    c.goto(&url).await.unwrap();
    c.find(Locator::Css("#stage-to option[value=signed]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#stage-form input[name=note]"))
        .await
        .unwrap()
        .send_keys("投资协议已签署")
        .await
        .unwrap();
    c.find(Locator::Css("#stage-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#timeline"))
        .await
        .unwrap();
    let first = text("#timeline li:first-child").await;
    assert!(
        first.contains("在谈 → 签约") && first.contains("投资协议已签署"),
        "{first}"
    );
    shot(&c, "50-project-signed").await;
    c.goto(&format!("{base}/zones/1/investment")).await.unwrap();
    assert_eq!(
        number_in(&text("#investment-kpis .kpi:first-child .kpi-value").await),
        signed_before + 1
    );
    c.close().await.unwrap();
}

/// Signs in as `user` on the login page.
async fn log_in_as(c: &fantoccini::Client, base: &str, user: &str, password: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
}

/// Takes the action `id` on the appeal page shown, with a note when given.
async fn appeal_action(c: &fantoccini::Client, id: &str, note: Option<&str>) {
    if let Some(n) = note {
        c.find(Locator::Css(&format!("#action-{id} textarea[name=note]")))
            .await
            .unwrap()
            .send_keys(n)
            .await
            .unwrap();
    }
    c.find(Locator::Css(&format!("#do-{id}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#appeal-state"))
        .await
        .unwrap();
}

/// The numbers in a text, in order ("1,234" read as 1234).
fn numbers_in(text: &str) -> Vec<i64> {
    text.replace(',', "")
        .split(|ch: char| !ch.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn an_appeal_sent_back_then_solved_and_rated_shows_in_the_metrics() {
    let Some(b) = browser(100).await else { return };
    let (c, base) = (b.c.clone(), b.base.clone());
    let first = enterprises::list(
        &b.db.conn,
        &Scope::all(),
        &enterprises::ListQuery {
            zone_id: Some(1),
            per_page: 1,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items[0]
        .id;
    users::create(
        &b.db.conn,
        &Actor::system("test"),
        &users::NewUser {
            username: "qiye",
            display_name: "企业联络员",
            password: "enterprise-test-pw",
            role: devzone_core::model::Role::Enterprise,
            enterprise_id: Some(first),
            zones: &[],
        },
    )
    .await
    .unwrap();
    let text = |sel: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(sel))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // The metrics before: received, and the parts of the resolution and satisfaction.
    log_in_as(&c, &base, "admin", "browser-test-pw").await;
    c.goto(&format!("{base}/zones/1/appeals/metrics"))
        .await
        .unwrap();
    let received = number_in(&text("#appeal-kpis .kpi:nth-child(1) .kpi-value").await);
    let solved = numbers_in(&text("#appeal-kpis .kpi:nth-child(5) .kpi-note").await);
    let satisfied = numbers_in(&text("#appeal-kpis .kpi:nth-child(6) .kpi-note").await);

    // The enterprise raises it from its own page.
    log_in_as(&c, &base, "qiye", "enterprise-test-pw").await;
    c.find(Locator::Css("#appeals-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#appeal-form"))
        .await
        .unwrap();
    for (sel, value) in [
        ("#appeal-form input[name=title]", "二号厂房屋面漏水"),
        (
            "#appeal-form textarea[name=description]",
            "雨天车间漏水，影响设备运行。",
        ),
    ] {
        c.find(Locator::Css(sel))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    c.find(Locator::Css(
        "#appeal-form select[name=category] option[value=plant_lease]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#appeal-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#appeal-state"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap().to_string();
    assert_eq!(text("#appeal-state").await, "已受理");
    assert!(
        c.find(Locator::Css("#actions")).await.is_err(),
        "nothing for the enterprise yet"
    );
    shot(&c, "60-appeal-raised").await;

    // The officer routes it (the category's department is preselected) and answers.
    log_in_as(&c, &base, "admin", "browser-test-pw").await;
    c.goto(&url).await.unwrap();
    appeal_action(&c, "assign", None).await;
    assert!(text("#appeal-facts").await.contains("规划建设局"));
    appeal_action(&c, "answer", Some("已协调物业维修屋面")).await;
    assert_eq!(text("#appeal-state").await, "已答复");

    // The enterprise says it is not solved: back with the department.
    log_in_as(&c, &base, "qiye", "enterprise-test-pw").await;
    c.goto(&url).await.unwrap();
    appeal_action(&c, "not_solved", Some("维修后仍然漏水")).await;
    assert_eq!(text("#appeal-state").await, "办理中");
    assert!(text("#waiting").await.contains("待办结"));

    // Answered again; confirmed solved and rated by the enterprise.
    log_in_as(&c, &base, "admin", "browser-test-pw").await;
    c.goto(&url).await.unwrap();
    appeal_action(&c, "answer", Some("已更换屋面防水层")).await;
    log_in_as(&c, &base, "qiye", "enterprise-test-pw").await;
    c.goto(&url).await.unwrap();
    appeal_action(&c, "solved", None).await;
    assert_eq!(text("#appeal-state").await, "已办结（已解决）");
    c.find(Locator::Css(
        "#action-rate select[name=rating] option[value='4']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    appeal_action(&c, "rate", Some("第二次处理及时")).await;
    let timeline = text("#timeline").await;
    for step in [
        "登记受理",
        "分派",
        "答复",
        "未解决，退回",
        "确认已解决",
        "评价 4 / 5",
    ] {
        assert!(timeline.contains(step), "{step} in {timeline}");
    }
    shot(&c, "61-appeal-solved").await;
    // The enterprise cannot see the zone's appeals.
    c.goto(&format!("{base}/zones/1/appeals")).await.unwrap();
    assert!(!text("body").await.contains("二号厂房屋面漏水"));

    // The metrics: one more received; solved one more over two more attempts (closed and
    // the reopening); one more satisfied rating.
    log_in_as(&c, &base, "admin", "browser-test-pw").await;
    c.goto(&format!("{base}/zones/1/appeals/metrics"))
        .await
        .unwrap();
    assert_eq!(
        number_in(&text("#appeal-kpis .kpi:nth-child(1) .kpi-value").await),
        received + 1
    );
    let solved_after = numbers_in(&text("#appeal-kpis .kpi:nth-child(5) .kpi-note").await);
    assert_eq!(
        (solved_after[0], solved_after[1]),
        (solved[0] + 1, solved[1] + 2)
    );
    let satisfied_after = numbers_in(&text("#appeal-kpis .kpi:nth-child(6) .kpi-note").await);
    assert_eq!(
        (satisfied_after[2], satisfied_after[3]),
        (satisfied[2] + 1, satisfied[3] + 1),
        "ratings of 4–5 and ratings given"
    );
    shot(&c, "62-appeal-metrics").await;
    c.close().await.unwrap();
}
