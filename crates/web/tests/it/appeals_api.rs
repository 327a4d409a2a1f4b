//! Appeals through the API and the pages on SQLite and PostgreSQL: a table of who may do
//! what (the enterprise role over every appeal endpoint and page), an enterprise that never
//! sees another's appeal, the life of an appeal by its two parties, the metrics following a
//! write, the rules and calendar refused with their place and saved when right, and visits
//! (who may see them, one made an appeal in one step, the form's topics).

use crate::http::{app, call, log_in, page, post_form, setup};
use axum::http::StatusCode;
use devzone_db::testing::all;
use serde_json::{Value, json};

async fn act(app: &axum::Router, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    call(
        app,
        "POST",
        &format!("/api/v1/appeals/{id}/actions"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn appeals_are_kept_between_an_enterprise_and_the_zone() {
    for t in all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        let l = &t.label;
        let (_, before) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals/metrics",
            Some(&officer),
            None,
        )
        .await;
        // The enterprise account's own enterprise, and another one's appeal.
        let (s, me) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals?per_page=200",
            Some(&ent),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}: {me}");
        let (_, all_of_zone) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals?per_page=200",
            Some(&officer),
            None,
        )
        .await;
        let zone_items = all_of_zone["items"].as_array().unwrap();
        // The enterprise's own: raised now so that there is one.
        let (s, mine) = call(
            &app,
            "POST",
            "/api/v1/zones/1/appeals",
            Some(&ent),
            Some(
                json!({"title": "厂房屋面漏水", "description": "雨天车间漏水。",
                "category": "plant_lease", "enterprise_id": 999999, "channel": "phone",
                "received_on": "2020-01-01"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {mine}");
        let my_id = mine["id"].as_i64().unwrap();
        let my_enterprise = mine["enterprise_id"].as_i64().unwrap();
        // Whatever it sent, it raised for itself, in the portal, today.
        assert_ne!(my_enterprise, 999999);
        assert_eq!(mine["channel"], "portal");
        assert_eq!(
            mine["received_on"],
            devzone_core::calendar::today().to_string()
        );
        let other = zone_items
            .iter()
            .find(|a| a["enterprise_id"].as_i64() != Some(my_enterprise))
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (_, me) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals?per_page=200",
            Some(&ent),
            None,
        )
        .await;
        assert!(
            me["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["enterprise_id"] == json!(my_enterprise)),
            "{l}: an enterprise lists its own only"
        );
        let (_, filtered) = call(
            &app,
            "GET",
            &format!(
                "/api/v1/zones/1/appeals?enterprise_id={}",
                zone_items[0]["enterprise_id"]
            ),
            Some(&ent),
            None,
        )
        .await;
        assert!(
            filtered["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["enterprise_id"] == json!(my_enterprise))
        );

        // Who may do what: (method, uri, token, body, status).
        let assign = json!({"action": "assign", "department": "planning"});
        let rows: Vec<(&str, String, &String, Option<Value>, StatusCode)> = vec![
            (
                "GET",
                "/api/v1/zones/1/appeals".into(),
                &analyst,
                None,
                StatusCode::OK,
            ),
            (
                "GET",
                "/api/v1/zones/2/appeals".into(),
                &officer,
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "GET",
                "/api/v1/zones/2/appeals".into(),
                &ent,
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "GET",
                "/api/v1/zones/1/appeals/metrics".into(),
                &analyst,
                None,
                StatusCode::OK,
            ),
            (
                "GET",
                "/api/v1/zones/1/appeals/metrics".into(),
                &ent,
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "GET",
                format!("/api/v1/appeals/{my_id}"),
                &ent,
                None,
                StatusCode::OK,
            ),
            (
                "GET",
                format!("/api/v1/appeals/{other}"),
                &ent,
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "GET",
                format!("/api/v1/appeals/{other}"),
                &analyst,
                None,
                StatusCode::OK,
            ),
            (
                "POST",
                format!("/api/v1/appeals/{other}/actions"),
                &ent,
                Some(json!({"action": "reopen", "note": "x"})),
                StatusCode::NOT_FOUND,
            ),
            (
                "POST",
                format!("/api/v1/appeals/{my_id}/actions"),
                &analyst,
                Some(assign.clone()),
                StatusCode::FORBIDDEN,
            ),
            (
                "POST",
                format!("/api/v1/appeals/{my_id}/actions"),
                &ent,
                Some(assign.clone()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "POST",
                "/api/v1/zones/1/appeals".into(),
                &analyst,
                Some(
                    json!({"title": "x", "description": "y", "category": "other", "enterprise_id": my_enterprise}),
                ),
                StatusCode::FORBIDDEN,
            ),
        ];
        for (method, uri, token, body, status) in rows {
            let (s, b) = call(&app, method, &uri, Some(token), body).await;
            assert_eq!(s, status, "{l}: {method} {uri}: {b}");
        }
        // The officers' act by the enterprise names its rule.
        let (_, b) = act(&app, &ent, my_id, assign.clone()).await;
        assert_eq!(
            b["error"]["fields"][0]["rule"], "appeal.officers_only",
            "{b}"
        );
        // The detail lists the actions the viewer may take now.
        let (_, d) = call(
            &app,
            "GET",
            &format!("/api/v1/appeals/{my_id}"),
            Some(&ent),
            None,
        )
        .await;
        assert_eq!(
            d["actions"],
            json!([]),
            "nothing for the enterprise while it is received"
        );
        let (_, d) = call(
            &app,
            "GET",
            &format!("/api/v1/appeals/{my_id}"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(d["actions"], json!(["assign"]));

        // Its life: routed, answered, not solved, answered again, solved, rated.
        let (s, b) = act(&app, &officer, my_id, assign).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["department"], "planning");
        let answer = json!({"action": "answer", "note": "已安排物业维修"});
        assert_eq!(
            act(&app, &officer, my_id, answer.clone()).await.0,
            StatusCode::OK
        );
        let (s, b) = act(&app, &ent, my_id, json!({"action": "not_solved"})).await;
        assert_eq!(
            (s, b["error"]["fields"][0]["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("note")),
            "the reason is required"
        );
        let (s, b) = act(
            &app,
            &ent,
            my_id,
            json!({"action": "not_solved", "note": "仍在漏水"}),
        )
        .await;
        assert_eq!(
            (s, b["state"].clone(), b["reopens"].clone()),
            (StatusCode::OK, json!("handling"), json!(1)),
            "{b}"
        );
        assert_eq!(act(&app, &officer, my_id, answer).await.0, StatusCode::OK);
        // Closing without the enterprise's word before its wait is refused.
        let (s, b) = act(&app, &officer, my_id, json!({"action": "close"})).await;
        assert_eq!(
            (s, b["error"]["fields"][0]["rule"].clone()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("appeal.confirm_wait")
            )
        );
        let (s, b) = act(&app, &ent, my_id, json!({"action": "solved"})).await;
        assert_eq!(
            (s, b["resolution"].clone()),
            (StatusCode::OK, json!("solved")),
            "{b}"
        );
        let (s, b) = act(&app, &ent, my_id, json!({"action": "rate", "rating": 9})).await;
        assert_eq!(
            (s, b["error"]["fields"][0]["rule"].clone()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("number.out_of_range")
            )
        );
        assert_eq!(
            act(
                &app,
                &ent,
                my_id,
                json!({"action": "rate", "rating": 5, "note": "满意"})
            )
            .await
            .0,
            StatusCode::OK
        );
        let (_, d) = call(
            &app,
            "GET",
            &format!("/api/v1/appeals/{my_id}"),
            Some(&ent),
            None,
        )
        .await;
        let actions: Vec<&str> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            [
                "created",
                "assign",
                "answer",
                "not_solved",
                "answer",
                "solved",
                "rate"
            ]
        );
        // The metrics follow: one more received, closed and solved, one more reopening in
        // the resolution's denominator.
        let (_, after) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals/metrics",
            Some(&officer),
            None,
        )
        .await;
        let n = |v: &Value, k: &str, p: &str| v["all"][k][p].as_f64().unwrap();
        assert_eq!(
            after["all"]["received"].as_u64(),
            before["all"]["received"].as_u64().map(|x| x + 1)
        );
        assert_eq!(
            n(&after, "solved", "num"),
            n(&before, "solved", "num") + 1.0
        );
        assert_eq!(
            n(&after, "solved", "den"),
            n(&before, "solved", "den") + 2.0
        );
        assert_eq!(
            n(&after, "satisfied", "num"),
            n(&before, "satisfied", "num") + 1.0
        );
        // A bad period is refused on its field.
        let (s, b) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals/metrics?from=2026-02-30",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(
            (s, b["error"]["fields"][0]["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("from"))
        );
        let (s, _) = call(
            &app,
            "GET",
            "/api/v1/zones/1/appeals?sort=oldest",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // Pages: the enterprise sees its own appeals and nothing of the zone's.
        let ec = log_in(&app, "ent", "enterprise-pw").await;
        for (uri, status) in [
            (
                format!("/enterprises/{my_enterprise}/appeals"),
                StatusCode::OK,
            ),
            (format!("/appeals/{my_id}"), StatusCode::OK),
            (format!("/appeals/{other}"), StatusCode::NOT_FOUND),
            ("/zones/1/appeals".to_string(), StatusCode::NOT_FOUND),
            (
                "/zones/1/appeals/metrics".to_string(),
                StatusCode::NOT_FOUND,
            ),
            ("/zones/1/appeals/rules".to_string(), StatusCode::NOT_FOUND),
            ("/zones/1/calendar".to_string(), StatusCode::NOT_FOUND),
        ] {
            let (s, html) = page(&app, &ec, &uri).await;
            assert_eq!(s, status, "{l}: {uri}");
            if s == StatusCode::OK {
                assert!(
                    !html.contains(&format!("/appeals/{other}\"")),
                    "{uri} links another's appeal"
                );
            }
        }
        let other_enterprise = zone_items
            .iter()
            .find(|a| a["enterprise_id"].as_i64() != Some(my_enterprise))
            .unwrap()["enterprise_id"]
            .as_i64()
            .unwrap();
        let (s, _) = page(
            &app,
            &ec,
            &format!("/enterprises/{other_enterprise}/appeals"),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Raising in the portal with a blank title is refused at the field, nothing saved.
        let (_, html) = page(&app, &ec, &format!("/enterprises/{my_enterprise}/appeals")).await;
        let csrf = crate::http::csrf_of(&html);
        let (s, html) = post_form(
            &app,
            &ec,
            &format!("/enterprises/{my_enterprise}/appeals"),
            &format!("csrf={csrf}&title=&description=x&category=finance"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("诉求标题"), "{html}");
        let (s, to) = post_form(
            &app,
            &ec,
            &format!("/enterprises/{my_enterprise}/appeals"),
            &format!("csrf={csrf}&title=%E8%B4%B7%E6%AC%BE&description=x&category=finance"),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{to}");

        // Officers' pages, and the rules and calendar refused with their place.
        let oc = log_in(&app, "officer", "officer-pw-1").await;
        for uri in [
            "/zones/1/appeals",
            "/zones/1/appeals?overdue=1&sort=due",
            "/zones/1/appeals/metrics",
            "/zones/1/appeals/new",
            "/zones/1/appeals/rules",
            "/zones/1/calendar",
            "/zones/1/appeals?format=csv",
        ] {
            let (s, _) = page(&app, &oc, uri).await;
            assert_eq!(s, StatusCode::OK, "{l}: {uri}");
        }
        let (_, html) = page(&app, &oc, "/zones/1/calendar").await;
        let csrf = crate::http::csrf_of(&html);
        let (s, html) = post_form(
            &app,
            &oc,
            "/zones/1/calendar",
            &format!("csrf={csrf}&holidays=2026-10-01%0A2026-10-0x&working_weekends=2026-10-12"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("第 2 行") && html.contains("调休上班日应为周六或周日"),
            "{html}"
        );
        let (s, to) = post_form(
            &app,
            &oc,
            "/zones/1/calendar",
            &format!("csrf={csrf}&holidays=2026-10-01..2026-10-07&working_weekends=2026-10-10"),
        )
        .await;
        assert_eq!(
            (s, to.as_str()),
            (StatusCode::SEE_OTHER, "/zones/1/calendar?saved=1")
        );
        let (s, html) = post_form(
            &app,
            &oc,
            "/zones/1/appeals/rules",
            &format!("csrf={csrf}&text=reopen_days+%3D+%22x%22"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("第 1 行"), "{html}");
        // An officer records an appeal for an enterprise named by its credit code.
        let (_, ent_page) = call(
            &app,
            "GET",
            &format!("/api/v1/enterprises/{other_enterprise}"),
            Some(&officer),
            None,
        )
        .await;
        let code = ent_page["credit_code"].as_str().unwrap().to_string();
        let (s, to) = post_form(&app, &oc, "/zones/1/appeals",
            &format!("csrf={csrf}&enterprise={code}&title=%E7%94%A8%E7%94%B5&description=x&category=power&channel=hotline_12345&received_on=")).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
        let (s, html) = post_form(&app, &oc, "/zones/1/appeals",
            &format!("csrf={csrf}&enterprise=%E6%B2%A1%E6%9C%89%E8%BF%99%E5%AE%B6&title=x&description=x&category=power")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("form-errors"),
            "an unknown enterprise is refused"
        );
        // Visits: officers record, analysts read, enterprises see nothing.
        let visit = json!({"enterprise_id": other_enterprise, "visited_on": devzone_core::calendar::today().to_string(),
            "topics": ["talent", "policy"], "issues": "缺少熟练焊工"});
        let (s, made) = call(
            &app,
            "POST",
            "/api/v1/zones/1/visits",
            Some(&officer),
            Some(visit.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{made}");
        let visit_id = made["id"].as_i64().unwrap();
        for (method, uri, token, body, status) in [
            (
                "GET",
                "/api/v1/zones/1/visits",
                &analyst,
                None,
                StatusCode::OK,
            ),
            (
                "GET",
                "/api/v1/zones/1/visits?status=done",
                &officer,
                None,
                StatusCode::OK,
            ),
            (
                "GET",
                "/api/v1/zones/1/visits?status=soon",
                &officer,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "GET",
                "/api/v1/zones/1/visits",
                &ent,
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "GET",
                "/api/v1/zones/1/monitoring-points",
                &analyst,
                None,
                StatusCode::OK,
            ),
            (
                "GET",
                "/api/v1/zones/1/monitoring-points",
                &ent,
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                "POST",
                "/api/v1/zones/1/visits",
                &analyst,
                Some(visit.clone()),
                StatusCode::FORBIDDEN,
            ),
            (
                "POST",
                "/api/v1/zones/1/visits",
                &ent,
                Some(visit.clone()),
                StatusCode::NOT_FOUND,
            ),
            (
                "POST",
                "/api/v1/zones/1/visits",
                &officer,
                Some(json!({"enterprise_id": other_enterprise, "topics": ["gossip"]})),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            let (s, b) = call(&app, method, uri, Some(token), body).await;
            assert_eq!(s, status, "{l}: {method} {uri}: {b}");
        }
        for uri in [
            "/zones/1/visits".to_string(),
            "/zones/1/visits/due".to_string(),
            format!("/visits/{visit_id}"),
            "/zones/1/monitoring-points".to_string(),
        ] {
            assert_eq!(
                page(&app, &ec, &uri).await.0,
                StatusCode::NOT_FOUND,
                "{l}: {uri}"
            );
            assert_eq!(page(&app, &oc, &uri).await.0, StatusCode::OK, "{l}: {uri}");
        }
        // A visit's issues become an appeal in one step, linked to the visit.
        let (s, to) = post_form(
            &app,
            &oc,
            &format!("/visits/{visit_id}/appeal"),
            &format!("csrf={csrf}&category=recruitment&title="),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
        let appeal_id: i64 = to.trim_start_matches("/appeals/").parse().unwrap();
        let (_, a) = call(
            &app,
            "GET",
            &format!("/api/v1/appeals/{appeal_id}"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(
            (a["appeal"]["channel"].clone(), a["appeal"]["title"].clone()),
            (json!("visit"), json!("缺少熟练焊工"))
        );
        let (_, html) = page(&app, &oc, &format!("/visits/{visit_id}")).await;
        assert!(html.contains(&format!("/appeals/{appeal_id}")));
        // The visit form: topics ticked one by one, a visit without a day refused.
        let (s, to) = post_form(
            &app,
            &oc,
            "/zones/1/visits",
            &format!(
                "csrf={csrf}&enterprise={code}&planned_on=&visited_on=&topics=talent&topics=space"
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{to}");
        assert!(to.contains("请填写计划日期或走访日期"), "{to}");
        let (s, to) = post_form(
            &app,
            &oc,
            "/zones/1/visits",
            &format!(
                "csrf={csrf}&enterprise={code}&visited_on={}&topics=talent&topics=space",
                devzone_core::calendar::today()
            ),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
        let (_, list) = call(
            &app,
            "GET",
            &format!("/api/v1/zones/1/visits?enterprise_id={other_enterprise}"),
            Some(&officer),
            None,
        )
        .await;
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["topics"] == json!(["talent", "space"])),
            "{list}"
        );
    }
}
