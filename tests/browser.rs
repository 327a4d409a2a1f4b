//! Browser test: real pages in headless chromium through chromedriver.
//!
//! Starts devzone in-process on a loopback port with a small demo, then logs in, searches
//! the enterprise list in Chinese, opens an enterprise page and checks its figures against
//! the database. Skipped (with a message) when chromedriver is not installed; `.ci/run`
//! installs it. Set DEVZONE_SCREENSHOTS=DIR to keep screenshots of the pages visited.

use devzone_core::facts::{Centi, FactField, display_value};
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

#[tokio::test]
async fn login_search_and_open_an_enterprise() {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&chromedriver).exists() {
        eprintln!("SKIPPED: {chromedriver} not found (install chromium-driver)");
        return;
    }
    let t = devzone_db::testing::sqlite().await;
    let db = t.db.clone();
    devzone_db::demo::load(&db, 400, &mut |_, _| {})
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

    let port = free_port();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let app = devzone_web::router(devzone_web::AppState {
        db: db.clone(),
        secure_cookies: false,
    });
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

    c.goto(&format!("{base}/")).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path().starts_with("/login"),
        "anonymous visitors are sent to the login page"
    );
    shot(&c, "01-login").await;
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
    c.wait().for_element(Locator::Css(".kpis")).await.unwrap();
    let svgs = c.find_all(Locator::Css("svg.chart")).await.unwrap();
    assert_eq!(svgs.len(), 4, "the zone home shows its four charts");
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
    let current = facts::current(&db.conn, target.id).await.unwrap();
    let (_, latest) = current.iter().next_back().unwrap();
    let revenue = latest
        .iter()
        .find(|v| v.field == "revenue")
        .unwrap()
        .value
        .unwrap();
    let shown = display_value(FactField::Revenue, Centi(revenue));
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
