//! The investment API and pages on SQLite and PostgreSQL: who may read and write, a project
//! created and moved (a refused move names its rule and the stage it skips; an exception is
//! made with its reason kept), confidential figures hidden from readers, the list's filters
//! and bounds, and the summary equal to a count made from the list and moving with a write.

use crate::http::{app, call, log_in, page, post_form, setup};
use axum::http::StatusCode;
use chrono::Datelike;
use devzone_db::testing::all;
use serde_json::{Value, json};

/// Every project of zone 1 through the API's pages.
async fn every_project(app: &axum::Router, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let (s, body) = call(
            app,
            "GET",
            &format!("/api/v1/zones/1/projects?per_page=200&page={page}"),
            Some(token),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let items = body["items"].as_array().unwrap().clone();
        let n = items.len();
        out.extend(items);
        if n < 200 {
            break;
        }
    }
    out
}

#[tokio::test]
async fn projects_are_read_by_analysts_written_by_officers_and_hidden_from_enterprises() {
    for t in all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        // Reading and writing.
        for (token, status) in [
            (&officer, StatusCode::OK),
            (&analyst, StatusCode::OK),
            (&ent, StatusCode::NOT_FOUND),
        ] {
            for uri in [
                "/api/v1/zones/1/projects",
                "/api/v1/zones/1/investment/summary",
            ] {
                let (s, body) = call(&app, "GET", uri, Some(token), None).await;
                assert_eq!(s, status, "{} {uri}: {body}", t.label);
            }
        }
        let (s, _) = call(
            &app,
            "GET",
            "/api/v1/zones/2/projects",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another zone");
        let new = json!({"name": "协作机器人整机", "investor": "某机器人集团",
            "total_wan": "8亿", "fixed_wan": "60000", "received_on": "2026-01-06",
            "officer": "测试专员"});
        let (s, _) = call(
            &app,
            "POST",
            "/api/v1/zones/1/projects",
            Some(&analyst),
            Some(new.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Refused at the field: a Fortune 500 flag without its group, a dollar amount in a
        // yuan field.
        let mut bad = new.clone();
        bad["fortune_global_500"] = json!(true);
        bad["total_wan"] = json!("500万美元");
        let (s, body) = call(
            &app,
            "POST",
            "/api/v1/zones/1/projects",
            Some(&officer),
            Some(bad),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let rules: Vec<(&str, &str)> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["field"].as_str().unwrap(), f["rule"].as_str().unwrap()))
            .collect();
        assert!(
            rules.contains(&("parent_group", "project.fortune_500_needs_group")),
            "{body}"
        );
        assert!(rules.contains(&("total_wan", "money.unit")), "{body}");
        let (s, created) = call(
            &app,
            "POST",
            "/api/v1/zones/1/projects",
            Some(&officer),
            Some(new),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        assert_eq!(created["total_yuan"], json!(8e8));
        let id = created["id"].as_i64().unwrap();
        let (s, _) = call(
            &app,
            "GET",
            &format!("/api/v1/projects/{id}"),
            Some(&ent),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The summary counts what the list holds, and moves with a write.
        let year = devzone_core::calendar::this_year();
        let signed_this_year = |all: &[Value]| {
            all.iter()
                .filter(|p| {
                    p["signed_on"]
                        .as_str()
                        .is_some_and(|d| d.starts_with(&year.to_string()))
                        && p["fixed_yuan"].as_f64().is_some_and(|f| f >= 1e7)
                })
                .count()
        };
        let before = every_project(&app, &officer).await;
        let (_, sum) = call(
            &app,
            "GET",
            "/api/v1/zones/1/investment/summary",
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(
            sum["signed"].as_u64().unwrap() as usize,
            signed_this_year(&before),
            "{sum}"
        );
        assert_eq!(sum["projects"].as_u64().unwrap() as usize, before.len());
        let grouped: u64 = sum["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["projects"].as_u64().unwrap())
            .sum();
        assert_eq!(
            grouped + sum["ended"].as_u64().unwrap(),
            before.len() as u64
        );

        // 投产 before 签约: refused with the stage it skips; nothing changes.
        let stage = |to: &str, reason: Option<&str>| {
            let mut b = json!({"to": to, "on": format!("{year}-01-10")});
            if let Some(r) = reason {
                b["exception_reason"] = json!(r);
            }
            b
        };
        let uri = format!("/api/v1/projects/{id}/stage");
        let (s, body) = call(
            &app,
            "POST",
            &uri,
            Some(&officer),
            Some(stage("producing", None)),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["fields"][0]["rule"], "project.stage_skips");
        let message = body["error"]["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains("“签约”"), "{message}");
        let (s, body) = call(
            &app,
            "POST",
            &uri,
            Some(&analyst),
            Some(stage("negotiating", None)),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
        let (s, _) = call(
            &app,
            "POST",
            &uri,
            Some(&officer),
            Some(stage("negotiating", None)),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, moved) = call(
            &app,
            "POST",
            &uri,
            Some(&officer),
            Some(stage("signed", None)),
        )
        .await;
        assert_eq!(
            (s, moved["signed_on"].as_str()),
            (StatusCode::OK, Some(format!("{year}-01-10").as_str()))
        );
        let (_, sum2) = call(
            &app,
            "GET",
            "/api/v1/zones/1/investment/summary",
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(
            sum2["signed"].as_u64(),
            sum["signed"].as_u64().map(|n| n + 1),
            "kept figures follow the write"
        );
        // An exception: works started before registration, the reason kept.
        let (s, _) = call(
            &app,
            "POST",
            &uri,
            Some(&officer),
            Some(stage("started", Some("先行开工"))),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, detail) = call(
            &app,
            "GET",
            &format!("/api/v1/projects/{id}"),
            Some(&analyst),
            None,
        )
        .await;
        let events = detail["events"].as_array().unwrap();
        assert_eq!(events.len(), 4, "{detail}");
        assert_eq!(events[3]["exception"], "project.stage_skips: 先行开工");
        assert_eq!(detail["project"]["registered_on"], Value::Null);
        // A date before the last event is refused.
        let (s, body) = call(
            &app,
            "POST",
            &format!("/api/v1/projects/{id}/activities"),
            Some(&officer),
            Some(json!({"kind": "report", "on": format!("{year}-01-01")})),
        )
        .await;
        assert_eq!(
            (s, body["error"]["fields"][0]["rule"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("project.date_before_last")
            )
        );
        let (s, body) = call(
            &app,
            "PUT",
            &format!("/api/v1/projects/{id}/funds/{year}"),
            Some(&officer),
            Some(json!({"received_wan": "-5"})),
        )
        .await;
        assert_eq!(
            (s, body["error"]["fields"][0]["rule"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("number.negative"))
        );
        let (s, body) = call(
            &app,
            "PUT",
            &format!("/api/v1/projects/{id}/funds/{year}"),
            Some(&officer),
            Some(json!({"received_wan": "20000"})),
        )
        .await;
        assert_eq!(
            (s, body["received_yuan"].as_f64()),
            (StatusCode::OK, Some(2e8))
        );

        // A confidential project shows its investor and money to writers only.
        let (_, secret) = call(&app, "POST", "/api/v1/zones/1/projects", Some(&officer), Some(json!({
            "name": "保密项目甲", "investor": "某外资集团", "total_wan": "300000", "confidential": true}))).await;
        let sid = secret["id"].as_i64().unwrap();
        let (_, seen) = call(
            &app,
            "GET",
            &format!("/api/v1/projects/{sid}"),
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(
            (
                seen["project"]["investor"].clone(),
                seen["project"]["total_yuan"].clone()
            ),
            (Value::Null, Value::Null)
        );
        let (_, seen) = call(
            &app,
            "GET",
            &format!("/api/v1/projects/{sid}"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(seen["project"]["investor"], "某外资集团");

        // Filters and bounds.
        let (_, started) = call(
            &app,
            "GET",
            "/api/v1/zones/1/projects?stage=started&per_page=200",
            Some(&analyst),
            None,
        )
        .await;
        let items = started["items"].as_array().unwrap();
        assert!(
            items.iter().all(|p| p["stage"] == "started") && items.iter().any(|p| p["id"] == id)
        );
        let (_, mine) = call(
            &app,
            "GET",
            "/api/v1/zones/1/projects?officer=%E6%B5%8B%E8%AF%95%E4%B8%93%E5%91%98",
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(mine["total"], 1, "{mine}");
        for bad in ["per_page=201", "page=0", "sort=oldest"] {
            let (s, _) = call(
                &app,
                "GET",
                &format!("/api/v1/zones/1/projects?{bad}"),
                Some(&analyst),
                None,
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let (s, _) = call(
            &app,
            "GET",
            "/api/v1/zones/1/investment/summary?year=1900",
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(year > 2000 && chrono::Utc::now().year() >= year - 1);
    }
}

/// The pages: summary, list (with its export), board, a project, the form; a refused move
/// is explained in the reader's language; enterprise accounts get none of them.
#[tokio::test]
async fn investment_pages_answer_and_explain_a_refused_move() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    let officer = log_in(&app, "officer", "officer-pw-1").await;
    let ent = log_in(&app, "ent", "enterprise-pw").await;
    for uri in [
        "/zones/1/investment",
        "/zones/1/projects",
        "/zones/1/projects?stalled=1&sort=last_activity",
        "/zones/1/projects/board",
        "/zones/1/projects/new",
        "/zones/1/projects?format=csv",
    ] {
        let (s, _) = page(&app, &officer, uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        let (s, _) = page(&app, &ent, uri).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
    }
    let (_, html) = page(&app, &officer, "/zones/1/projects/new").await;
    let csrf = crate::http::csrf_of(&html);
    let (s, html) = post_form(
        &app,
        &officer,
        "/zones/1/projects",
        &format!("csrf={csrf}&name=&investor=X&total_wan=100&fixed_wan=200"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("项目名称") && html.contains("固定资产投资"),
        "{html}"
    );
    let (s, to) = post_form(&app, &officer, "/zones/1/projects",
        &format!("csrf={csrf}&name=%E6%B5%8B%E8%AF%95%E9%A1%B9%E7%9B%AE&investor=X&total_wan=100000&fixed_wan=60000")).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (s, html) = post_form(
        &app,
        &officer,
        &format!("{to}/stage"),
        &format!("csrf={csrf}&to=producing"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能跳过必经阶段“签约”"), "{html}");
    let (s, html) = page(&app, &officer, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("收到线索"), "the timeline: {html}");
}
