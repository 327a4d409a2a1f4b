//! The import API end to end (upload, check, commit as a job, history, revert), jobs across
//! a restart, one job of a kind per zone, chain suggestions as a job, and the partial-year
//! marker of the zone home.

use crate::http::{app, call, csrf_of, log_in, page, post_form, setup};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use devzone_core::model::JobKind;
use devzone_db::Actor;
use devzone_db::repo::{imports, jobs};
use devzone_db::testing::all;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A tax-bureau sheet for 15 enterprises of zone 1, for the year after the demo's.
async fn tax_sheet(db: &devzone_db::Db) -> Vec<u8> {
    let (es, year) = imports::sample_enterprises(&db.conn, 1, 15).await.unwrap();
    let samples = devzone_core::import::templates::samples("测试区", year + 1, &es);
    let tax = samples.iter().find(|s| s.id == "tax_bureau").unwrap();
    devzone_io::import::write_sample(tax).unwrap()
}

async fn post_bytes(
    app: &axum::Router,
    uri: &str,
    token: &str,
    body: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let res = app
        .clone()
        .oneshot(
            Request::post(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::ACCEPT_LANGUAGE, "en")
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

/// Polls a job until it has ended; its last answer.
async fn ended(app: &axum::Router, token: &str, job: i64) -> serde_json::Value {
    for _ in 0..400 {
        let (s, j) = call(
            app,
            "GET",
            &format!("/api/v1/jobs/{job}"),
            Some(token),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{j}");
        if j["state"] != "running" {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("job {job} still running");
}

#[tokio::test]
async fn a_script_uploads_checks_commits_and_reverts_through_the_api() {
    for t in all().await {
        let (officer, analyst, _) = setup(&t).await;
        let app = app(&t.db).await;
        let sheet = tax_sheet(&t.db).await;
        let url = "/api/v1/zones/1/imports/uploads?file_name=tax.xlsx&source=tax_bureau";

        // Refused: no file name, an empty body, a year out of range, a reader's token.
        let (s, e) = post_bytes(
            &app,
            "/api/v1/zones/1/imports/uploads",
            &officer,
            sheet.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{}: {e}", t.label);
        assert_eq!(e["error"]["fields"][0]["field"], "file_name");
        let (s, e) = post_bytes(&app, url, &officer, Vec::new()).await;
        assert_eq!(
            (s, e["error"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
        );
        let (s, _) = post_bytes(&app, &format!("{url}&year=1200"), &officer, sheet.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = post_bytes(&app, url, &analyst, sheet.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Bytes that are no spreadsheet: kept, and refused as a whole with the reason.
        let (s, bad) = post_bytes(&app, url, &officer, b"\x00\x01 not a sheet".to_vec()).await;
        assert_eq!(s, StatusCode::CREATED, "{bad}");
        assert_eq!(
            (bad["refused"].as_bool(), bad["can_commit"].as_bool()),
            (Some(true), Some(false))
        );
        let whole_file = bad["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["line"] == 0 && p["severity"] == "error");
        assert!(
            whole_file.is_some_and(|p| !p["message"].as_str().unwrap().is_empty()),
            "{bad}"
        );
        let (s, e) = call(
            &app,
            "POST",
            &format!("/api/v1/imports/uploads/{}/commit", bad["upload_id"]),
            Some(&officer),
            Some(serde_json::json!({"source": "tax_bureau"})),
        )
        .await;
        assert_eq!(
            (s, e["error"]["fields"][0]["rule"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("import.refused"))
        );

        // The sheet: recognised, checked, committable.
        let (s, up) = post_bytes(&app, url, &officer, sheet.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{}: {up}", t.label);
        assert_eq!(up["can_commit"], true, "{up}");
        assert_eq!(up["source"], "tax_bureau");
        assert!(
            up["columns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["target"] == "tax"),
            "{up}"
        );
        let changes =
            up["counts"]["inserted"].as_u64().unwrap() + up["counts"]["updated"].as_u64().unwrap();
        assert_eq!(changes, 15, "{up}");
        let id = up["upload_id"].as_i64().unwrap();
        let (s, again) = call(
            &app,
            "GET",
            &format!("/api/v1/imports/uploads/{id}?source=tax_bureau"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!((s, &again["counts"]), (StatusCode::OK, &up["counts"]));

        // A column read as something that does not exist, or a column the sheet has not, and an
        // unknown kind: refused at the field, not ignored.
        let (s, e) = call(&app, "POST", &format!("/api/v1/imports/uploads/{id}/commit"), Some(&officer), Some(serde_json::json!({"source": "tax_bureau", "columns": [{"index": 3, "target": "tx"}]}))).await;
        assert_eq!(
            (s, e["error"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("columns[0].target")),
            "{e}"
        );
        let (s, e) = call(&app, "POST", &format!("/api/v1/imports/uploads/{id}/commit"), Some(&officer), Some(serde_json::json!({"source": "tax_bureau", "columns": [{"index": 99, "target": "tax"}]}))).await;
        assert_eq!(
            (s, e["error"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("columns[0].index")),
            "{e}"
        );
        let (s, e) = call(
            &app,
            "POST",
            &format!("/api/v1/imports/uploads/{id}/commit"),
            Some(&officer),
            Some(serde_json::json!({"source": "tax_bureau", "kind": "fact"})),
        )
        .await;
        assert_eq!(
            (s, e["error"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("kind")),
            "{e}"
        );
        // Another import into the zone is running: the commit is refused, naming it.
        let other = jobs::start(
            &t.db.conn,
            &Actor::system("t"),
            JobKind::Import,
            Some(1),
            None,
            1,
        )
        .await
        .unwrap();
        let commit = format!("/api/v1/imports/uploads/{id}/commit");
        let body = serde_json::json!({"source": "tax_bureau"});
        let (s, e) = call(&app, "POST", &commit, Some(&officer), Some(body.clone())).await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert_eq!(e["error"]["fields"][0]["value"], other.id.to_string());
        // A cancel: refused to a reader, refused for a job this process does not run (the
        // one above was recorded by another), unknown ids not found.
        let cancel = format!("/api/v1/jobs/{}/cancel", other.id);
        let (s, _) = call(&app, "POST", &cancel, Some(&analyst), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, e) = call(&app, "POST", &cancel, Some(&officer), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert_eq!(e["error"]["fields"][0]["rule"], "job.not_running");
        let (s, _) = call(
            &app,
            "POST",
            "/api/v1/jobs/999999/cancel",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // A restart marks it failed: its process died.
        assert_eq!(jobs::fail_interrupted(&t.db.conn).await.unwrap(), 1);
        let (_, j) = call(
            &app,
            "GET",
            &format!("/api/v1/jobs/{}", other.id),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(j["state"], "failed");
        assert!(j["error"].as_str().unwrap().contains("interrupted"), "{j}");

        // Commit: a job, polled to its end; it made the import.
        let (s, job) = call(&app, "POST", &commit, Some(&officer), Some(body.clone())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{job}");
        assert_eq!(job["kind"], "import");
        let done = ended(&app, &officer, job["id"].as_i64().unwrap()).await;
        assert_eq!(done["state"], "done", "{}: {done}", t.label);
        assert_eq!(
            done["counts"]["inserted"].as_u64().unwrap()
                + done["counts"]["updated"].as_u64().unwrap(),
            15
        );
        let import_id = done["result_id"].as_i64().unwrap();
        let (s, imp) = call(
            &app,
            "GET",
            &format!("/api/v1/imports/{import_id}"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(
            (s, imp["status"].as_str(), imp["source"].as_str()),
            (StatusCode::OK, Some("committed"), Some("tax_bureau"))
        );
        let (_, hist) = call(&app, "GET", "/api/v1/zones/1/imports", Some(&officer), None).await;
        assert_eq!(hist["items"][0]["id"], import_id);
        let (_, js) = call(&app, "GET", "/api/v1/zones/1/jobs", Some(&officer), None).await;
        assert_eq!(js["total"], 2, "{js}");
        // Committing it again (a retry) answers the job it started, not a second commit.
        let (s, again) = call(&app, "POST", &commit, Some(&officer), Some(body.clone())).await;
        assert_eq!(
            (s, &again["id"], again["state"].as_str()),
            (StatusCode::ACCEPTED, &job["id"], Some("done")),
            "{again}"
        );
        assert_eq!(again["done"], again["total"], "{again}");
        // The same file again changes nothing, and says so.
        let (_, same) = post_bytes(&app, url, &officer, sheet.clone()).await;
        assert_eq!(same["can_commit"], false, "{same}");
        let (s, e) = call(
            &app,
            "POST",
            &format!("/api/v1/imports/uploads/{}/commit", same["upload_id"]),
            Some(&officer),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (s, e["error"]["fields"][0]["rule"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("import.no_changes"))
        );

        // Revert, once.
        let revert = format!("/api/v1/imports/{import_id}/revert");
        let (s, r) = call(&app, "POST", &revert, Some(&analyst), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{r}");
        let (s, r) = call(&app, "POST", &revert, Some(&officer), None).await;
        assert_eq!(
            (s, r["facts_removed"].as_u64()),
            (StatusCode::OK, Some(15)),
            "{r}"
        );
        let (s, _) = call(&app, "POST", &revert, Some(&officer), None).await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn a_year_still_being_reported_is_marked_partial_not_drawn_as_a_fall() {
    for t in all().await {
        setup(&t).await;
        let app = app(&t.db).await;
        let cookie = log_in(&app, "officer", "officer-pw-1").await;
        let (s, html) = page(&app, &cookie, "/zones/1").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            !html.contains("未报齐"),
            "{}: a complete history is not partial",
            t.label
        );
        // One enterprise reports the next year: that year is partial (1 of the year before).
        let (es, year) = imports::sample_enterprises(&t.db.conn, 1, 1).await.unwrap();
        let e = devzone_db::repo::enterprises::by_code(&t.db.conn, 1, &es[0].code)
            .await
            .unwrap()
            .unwrap();
        let mut f = devzone_core::validate::FactsInput {
            year: year + 1,
            source: "statistics_bureau".into(),
            ..Default::default()
        };
        f.values.insert(
            "revenue".into(),
            Some(rust_decimal::Decimal::from(1_000_000)),
        );
        let d = f
            .validate(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
            .unwrap();
        devzone_db::repo::facts::record(
            &t.db.conn,
            &Actor::system("t"),
            &devzone_db::Scope::all(),
            e.id,
            &d,
        )
        .await
        .unwrap();
        let (_, html) = page(&app, &cookie, "/zones/1").await;
        let before = html.matches("未报齐").count();
        assert!(before >= 1, "{}: the new year is marked partial", t.label);
        // The chart labels the year with its count and leaves it out of the lines.
        let label = format!("{} · 1/", year + 1);
        assert!(
            html.contains(&label),
            "{}: no {label} in the chart",
            t.label
        );
    }
}

#[tokio::test]
async fn chain_suggestions_run_as_a_job_from_the_api_and_the_page() {
    for t in all().await {
        let (officer, analyst, _) = setup(&t).await;
        let app = app(&t.db).await;
        let url = "/api/v1/zones/1/chain-mappings/suggest";
        let (s, _) = call(&app, "POST", url, Some(&analyst), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // While a run is going on in the zone, a second is refused, naming it.
        let other = jobs::start(
            &t.db.conn,
            &Actor::system("t"),
            JobKind::ChainSuggestions,
            Some(1),
            None,
            0,
        )
        .await
        .unwrap();
        let (s, e) = call(&app, "POST", url, Some(&officer), None).await;
        assert_eq!(
            (s, e["error"]["fields"][0]["value"].as_str()),
            (StatusCode::CONFLICT, Some(other.id.to_string().as_str())),
            "{e}"
        );
        jobs::fail_interrupted(&t.db.conn).await.unwrap();

        let (s, job) = call(&app, "POST", url, Some(&officer), None).await;
        assert_eq!(
            (s, job["kind"].as_str()),
            (StatusCode::ACCEPTED, Some("chain_suggestions")),
            "{job}"
        );
        let done = ended(&app, &officer, job["id"].as_i64().unwrap()).await;
        assert_eq!(done["state"], "done", "{}: {done}", t.label);
        let n = done["counts"]["enterprises"].as_u64().unwrap();
        let zone_size =
            devzone_db::repo::enterprises::count(&t.db.conn, &devzone_db::Scope::all(), 1)
                .await
                .unwrap();
        assert_eq!(n, zone_size, "{done}");

        // The page starts a job and shows its result when it has ended.
        let cookie = log_in(&app, "officer", "officer-pw-1").await;
        let (_, html) = page(&app, &cookie, "/zones/1/chains").await;
        let (s, to) = post_form(
            &app,
            &cookie,
            "/zones/1/chains/suggest",
            &format!("csrf={}", csrf_of(&html)),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
        assert!(to.starts_with("/zones/1/chains?job="), "{to}");
        let id: i64 = to.rsplit('=').next().unwrap().parse().unwrap();
        ended(&app, &officer, id).await;
        let (s, html) = page(&app, &cookie, &to).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains(&format!("已为 {n} 家企业生成")),
            "{}: no result notice",
            t.label
        );
        // Another zone's job, or no such job, is not shown here.
        let (s, _) = page(&app, &cookie, "/zones/1/chains?job=999999").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}
