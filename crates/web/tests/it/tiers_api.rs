//! Tiered cultivation over HTTP: the zone summary agrees with the stored titles and the
//! assessments, candidates come paged and nearest first, an enterprise's own assessment
//! matches its row, enterprise accounts see only themselves, a recorded certificate moves
//! the counts at once, and the page and its export answer.

use crate::http::{app, call, log_in, page, setup};
use axum::http::StatusCode;
use chrono::Datelike;
use devzone_core::model::QualificationKind;
use devzone_core::validate::QualificationDraft;
use devzone_db::testing::all;
use devzone_db::{Actor, Scope};
use serde_json::Value;

fn held(summary: &Value, kind: &str) -> i64 {
    summary["held"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == kind)
        .map_or(0, |h| h["enterprises"].as_i64().unwrap())
}

fn candidates_total(summary: &Value) -> u64 {
    summary["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["steps"].as_u64().unwrap() <= 3)
        .map(|c| c["enterprises"].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn tiers_api_pages_and_scope() {
    for t in all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        let (s, sum) = call(
            &app,
            "GET",
            "/api/v1/zones/1/tiers/summary",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{sum}");
        assert_eq!(sum["rules"], "innovative-sme-2022");
        // The demo's figures end in 2024: every enterprise is read at 2024.
        assert_eq!(sum["years"][0]["year"], 2024);
        assert_eq!(sum["years"].as_array().unwrap().len(), 1, "{sum}");
        for (kind, n) in devzone_db::repo::enterprises::qualification_counts(&t.db.conn, 1)
            .await
            .unwrap()
        {
            assert_eq!(held(&sum, &kind), n, "{kind}");
        }
        let zone_size = devzone_db::repo::enterprises::count(&t.db.conn, &Scope::all(), 1)
            .await
            .unwrap();
        assert_eq!(sum["assessed"].as_u64().unwrap(), zone_size);
        let without_title: u64 = sum["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["enterprises"].as_u64().unwrap())
            .sum();
        assert_eq!(
            without_title + held(&sum, "innovative_sme") as u64,
            zone_size,
            "every enterprise either holds the title or has a distance"
        );

        // Candidates: paged, nearest first, each distance with its changes.
        let (s, list) = call(
            &app,
            "GET",
            "/api/v1/zones/1/tiers/candidates?per_page=200",
            Some(&analyst),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["total"].as_u64().unwrap(), candidates_total(&sum));
        let items = list["items"].as_array().unwrap();
        assert!(!items.is_empty(), "the demo zone has candidates: {sum}");
        let steps: Vec<u64> = items
            .iter()
            .map(|c| c["assessment"]["steps"].as_u64().unwrap())
            .collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");
        for c in items {
            let a = &c["assessment"];
            match a["status"].as_str().unwrap() {
                "eligible" => assert_eq!(a["eligible"], true),
                "changes" => {
                    assert_eq!(a["eligible"], false);
                    assert_eq!(
                        a["changes"].as_array().unwrap().len() as u64,
                        a["steps"].as_u64().unwrap()
                    );
                }
                other => panic!("a candidate is eligible or some changes away, not {other}"),
            }
        }
        let (_, one) = call(
            &app,
            "GET",
            "/api/v1/zones/1/tiers/candidates?per_page=1&page=2",
            Some(&officer),
            None,
        )
        .await;
        if items.len() > 1 {
            assert_eq!(one["items"][0]["enterprise_id"], items[1]["enterprise_id"]);
        }
        // A rule set not assessed from stored figures does not parse; bounds are 422.
        let (s, _) = call(
            &app,
            "GET",
            "/api/v1/zones/1/tiers/candidates?rules=high-tech-2016",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        for bad in ["steps=9", "per_page=0", "page=0"] {
            let (s, body) = call(
                &app,
                "GET",
                &format!("/api/v1/zones/1/tiers/candidates?{bad}"),
                Some(&officer),
                None,
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
            assert!(bad.starts_with(body["error"]["fields"][0]["field"].as_str().unwrap()));
        }

        // An enterprise's own assessment is the one its row shows.
        let first = &items[0];
        let id = first["enterprise_id"].as_i64().unwrap();
        let (s, own) = call(
            &app,
            "GET",
            &format!("/api/v1/enterprises/{id}/tiers"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{own}");
        assert_eq!(own["assessments"][0], first["assessment"]);
        assert_eq!(own["assessments"][0]["year"], 2024);

        // An enterprise account: its own assessment, nothing of the zone or of others.
        let ent_id = crate::http::zone_enterprises_first(&t.db).await;
        let (s, _) = call(
            &app,
            "GET",
            &format!("/api/v1/enterprises/{ent_id}/tiers"),
            Some(&ent),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let other = if id == ent_id {
            items.get(1).map(|c| c["enterprise_id"].as_i64().unwrap())
        } else {
            Some(id)
        };
        if let Some(other) = other {
            let (s, _) = call(
                &app,
                "GET",
                &format!("/api/v1/enterprises/{other}/tiers"),
                Some(&ent),
                None,
            )
            .await;
            assert_eq!(s, StatusCode::NOT_FOUND);
        }
        for uri in [
            "/api/v1/zones/1/tiers/summary",
            "/api/v1/zones/1/tiers/candidates",
        ] {
            let (s, _) = call(&app, "GET", uri, Some(&ent), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        }

        // A certificate recorded for the first candidate moves the counts at once.
        devzone_db::repo::enterprises::add_qualification(
            &t.db.conn,
            &Actor::system("test"),
            &Scope::all(),
            id,
            &QualificationDraft {
                kind: QualificationKind::InnovativeSme,
                valid_from: devzone_core::calendar::today() - chrono::Duration::days(1),
                valid_to: Some(devzone_core::calendar::today() + chrono::Duration::days(90)),
                certificate_no: Some("CX-2026-001".into()),
            },
        )
        .await
        .unwrap();
        let (_, after) = call(
            &app,
            "GET",
            "/api/v1/zones/1/tiers/summary",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(
            held(&after, "innovative_sme"),
            held(&sum, "innovative_sme") + 1
        );
        assert_eq!(candidates_total(&after), candidates_total(&sum) - 1);
        let ending = after["ending"].as_array().unwrap();
        assert!(
            ending
                .iter()
                .any(|e| e["enterprise_id"] == id && e["certificate_no"] == "CX-2026-001"),
            "a title ending in 90 days is listed: {after}"
        );

        // One enterprise reports the next year early: it is read at that year, the others
        // stay at theirs (a first report must not leave the zone without figures).
        let other = items.last().unwrap()["enterprise_id"].as_i64().unwrap();
        let next = devzone_core::calendar::today().year() - 1;
        let (s, body) = call(
            &app,
            "POST",
            &format!("/api/v1/enterprises/{other}/facts"),
            Some(&officer),
            Some(serde_json::json!({"year": next, "source": "statistics_bureau", "values": {"revenue": "12345678"}})),
        )
        .await;
        assert!(s.is_success(), "{body}");
        let (_, later) = call(
            &app,
            "GET",
            "/api/v1/zones/1/tiers/summary",
            Some(&officer),
            None,
        )
        .await;
        let years: Vec<(i64, i64)> = later["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| {
                (
                    y["year"].as_i64().unwrap(),
                    y["enterprises"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            years,
            vec![(2024, zone_size as i64 - 1), (next as i64, 1)],
            "{later}"
        );

        // The page and its export, for an officer.
        let cookie = log_in(&app, "officer", "officer-pw-1").await;
        let (s, html) = page(&app, &cookie, "/zones/1/tiers").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("创新型中小企业培育名单") && html.contains("id=\"tier-candidates\""),
            "{html}"
        );
        assert!(html.contains("CX-2026-001"), "the ending title is listed");
        let (s, html) = page(&app, &cookie, "/zones/1/tiers?steps=0&q=%E6%B2%A1%E6%9C%89").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("没有符合筛选条件的企业"));
        let (s, csv) = page(&app, &cookie, "/zones/1/tiers/export?format=csv").await;
        assert_eq!(s, StatusCode::OK);
        // One row per candidate (a row of two changes spans two lines inside its quotes).
        let rows = csv.lines().filter(|l| l.starts_with("91")).count() as u64;
        assert_eq!(rows, candidates_total(&later), "{csv}");
        let (s, html) = page(&app, &cookie, &format!("/enterprises/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("id=\"own-tier\""));
    }
}
