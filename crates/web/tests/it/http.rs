//! Handler tests without sockets (tower::ServiceExt::oneshot), on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use devzone_core::model::Role;
use devzone_db::repo::evaluation::{ResultQuery, ResultSort};
use devzone_db::repo::users;
use devzone_db::testing::{TestDb, all};
use devzone_db::{Actor, Db};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub(crate) async fn app(db: &Db) -> axum::Router {
    devzone_web::router(devzone_web::AppState::new(db.clone(), false))
}

/// The first `n` enterprises of a zone, as its list orders them.
async fn zone_enterprises(
    db: &Db,
    zone: i64,
    n: u64,
) -> Vec<devzone_db::entities::enterprise::Model> {
    devzone_db::repo::enterprises::list(
        &db.conn,
        &devzone_db::Scope::all(),
        &devzone_db::repo::enterprises::ListQuery {
            zone_id: Some(zone),
            per_page: n,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
}

/// The enterprise the `ent` account of `setup` belongs to: the zone's first in list order.
pub(crate) async fn zone_enterprises_first(db: &Db) -> i64 {
    zone_enterprises(db, 1, 1).await[0].id
}

pub(crate) async fn setup(t: &TestDb) -> (String, String, String) {
    let db = &t.db;
    devzone_db::demo::load(db, 60, &mut |_, _| {})
        .await
        .unwrap();
    let a = Actor::system("test");
    users::create(
        &db.conn,
        &a,
        &users::NewUser {
            username: "officer",
            display_name: "o",
            password: "officer-pw-1",
            role: Role::Officer,
            enterprise_id: None,
            zones: &[1],
        },
    )
    .await
    .unwrap();
    users::create(
        &db.conn,
        &a,
        &users::NewUser {
            username: "analyst",
            display_name: "a",
            password: "analyst-pw-1",
            role: Role::Analyst,
            enterprise_id: None,
            zones: &[1],
        },
    )
    .await
    .unwrap();
    let first = devzone_db::repo::enterprises::list(
        &db.conn,
        &devzone_db::Scope::all(),
        &devzone_db::repo::enterprises::ListQuery {
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
        &db.conn,
        &a,
        &users::NewUser {
            username: "ent",
            display_name: "e",
            password: "enterprise-pw",
            role: Role::Enterprise,
            enterprise_id: Some(first),
            zones: &[],
        },
    )
    .await
    .unwrap();
    let tok = |u: &'static str| async move {
        users::create_token(&db.conn, &Actor::system("t"), u, "t", None)
            .await
            .unwrap()
            .0
    };
    (tok("officer").await, tok("analyst").await, tok("ent").await)
}

/// Asserts the status of one request, naming it (and the answer) when it differs.
async fn expect(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    status: StatusCode,
) {
    let (s, body) = call(app, method, uri, token, None).await;
    assert_eq!(s, status, "{method} {uri}: {body}");
}

/// A permission matrix: each row a request (method, uri, token) and the status it must get.
async fn expect_all(app: &axum::Router, rows: &[(&str, String, Option<&String>, StatusCode)]) {
    for (method, uri, token, status) in rows {
        expect(app, method, uri, token.map(String::as_str), *status).await;
    }
}

pub(crate) async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ACCEPT_LANGUAGE, "zh-CN");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn api_answers_and_refuses_correctly() {
    for t in all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        let (s, body) = call(
            &app,
            "GET",
            "/api/v1/enterprises?zone_id=1&per_page=5&sort=revenue&order=desc",
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(body["error"]["request_id"].as_str().unwrap().len() >= 8);

        let (s, body) = call(
            &app,
            "GET",
            "/api/v1/enterprises?zone_id=1&per_page=5&sort=revenue&order=desc",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}", t.label);
        assert_eq!(body["items"].as_array().unwrap().len(), 5);
        assert!(body["total"].as_u64().unwrap() > 5);
        let first = body["items"][0]["latest_revenue"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap();
        let second = body["items"][1]["latest_revenue"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap();
        assert!(first >= second, "sorted by revenue, descending");

        let bad = serde_json::json!({"zone_id": 1, "credit_code": "914403001922038217", "name": "", "industry_code": "9999", "ownership": "private"});
        let (s, body) = call(
            &app,
            "POST",
            "/api/v1/enterprises",
            Some(&officer),
            Some(bad),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["credit_code", "name", "industry_code"]);
        assert!(
            body["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("校验位")
        );

        let good = serde_json::json!({"zone_id": 1, "credit_code": "914403001922038216", "name": "接口测试有限公司", "industry_code": "3491", "ownership": "private", "registered_capital": "5000000"});
        let (s, body) = call(
            &app,
            "POST",
            "/api/v1/enterprises",
            Some(&officer),
            Some(good.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        let id = body["id"].as_i64().unwrap();
        assert_eq!(body["registered_capital"], "5000000.00");
        let (s, _) = call(
            &app,
            "POST",
            "/api/v1/enterprises",
            Some(&officer),
            Some(good),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);

        let facts = serde_json::json!({"year": 2024, "source": "tax_bureau", "values": {"tax": "1200000", "land_area": "-5"}});
        let (s, body) = call(
            &app,
            "POST",
            &format!("/api/v1/enterprises/{id}/facts"),
            Some(&officer),
            Some(facts),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["fields"][0]["rule"], "number.negative");
        let facts =
            serde_json::json!({"year": 2024, "source": "tax_bureau", "values": {"tax": "1200000"}});
        let (s, body) = call(
            &app,
            "POST",
            &format!("/api/v1/enterprises/{id}/facts"),
            Some(&officer),
            Some(facts),
        )
        .await;
        assert_eq!((s, body["inserted"].as_u64()), (StatusCode::OK, Some(1)));
        let (_, body) = call(
            &app,
            "GET",
            &format!("/api/v1/enterprises/{id}/facts"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(body["items"][0]["unit"], "yuan");

        let (s, _) = call(&app, "POST", "/api/v1/enterprises", Some(&analyst), Some(serde_json::json!({"zone_id": 1, "credit_code": "9144030071526726XG", "name": "x", "industry_code": "3491", "ownership": "private"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "analysts are read-only");

        let (s, body) = call(
            &app,
            "GET",
            &format!("/api/v1/enterprises/{id}"),
            Some(&ent),
            None,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "an enterprise user sees nothing of another enterprise"
        );
        assert_eq!(body["error"]["code"], "not_found");
        let (_, body) = call(&app, "GET", "/api/v1/enterprises", Some(&ent), None).await;
        assert_eq!(body["total"], 1);
        let (s, _) = call(&app, "GET", "/api/v1/zones/2", Some(&officer), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "zones not granted are invisible");
    }
}

#[tokio::test]
async fn openapi_document_is_stable() {
    let t = devzone_db::testing::sqlite().await;
    let app = app(&t.db).await;
    let (s, body) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    insta::assert_json_snapshot!("openapi", body);
}

fn cookie_of(res: &axum::response::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|v| v.split(';').next().unwrap().to_string())
        })
}

/// Posts the login form (double-submit CSRF cookie), from `client` as a local proxy would
/// forward it when given; the response.
async fn login_response(
    app: &axum::Router,
    user: &str,
    password: &str,
    next: &str,
    client: Option<&str>,
) -> axum::response::Response {
    let res = app
        .clone()
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let pre = cookie_of(&res, "dz_login_csrf").unwrap();
    let form = format!("csrf={pre}&username={user}&password={password}&next={next}");
    let mut req = Request::post("/login")
        .header(header::COOKIE, format!("dz_login_csrf={pre}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = client {
        req = req.header("x-forwarded-for", c);
    }
    app.clone()
        .oneshot(req.body(Body::from(form)).unwrap())
        .await
        .unwrap()
}

/// Logs in through the form; the session cookie header value.
pub(crate) async fn log_in(app: &axum::Router, user: &str, password: &str) -> String {
    let res = login_response(app, user, password, "%2F", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = cookie_of(&res, "dz_session").unwrap();
    format!("dz_session={session}")
}

/// GET as a signed-in user (Chinese); status and body.
pub(crate) async fn page(app: &axum::Router, cookie: &str, uri: &str) -> (StatusCode, String) {
    let res = app
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, cookie)
                .header(header::ACCEPT_LANGUAGE, "zh-CN")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    (status, body_text(res).await)
}

pub(crate) fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

async fn body_text(res: axum::response::Response) -> String {
    String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

#[tokio::test]
async fn pages_need_login_and_csrf() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    let res = app
        .clone()
        .oneshot(Request::get("/zones/1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let cookie = log_in(&app, "officer", "officer-pw-1").await;
    let res = app
        .clone()
        .oneshot(
            Request::get("/zones/1")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // A state-changing request without the token is refused and changes nothing.
    let form = "credit_code=914403001922038216&name=%E6%B5%8B%E8%AF%95&industry_code=3491&ownership=private";
    let post = |body: String| {
        Request::post("/zones/1/enterprises")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::from(body))
            .unwrap()
    };
    let res = app.clone().oneshot(post(form.to_string())).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = body_text(res).await;
    assert!(html.contains("request-id"), "error pages show a request id");
    let n = devzone_db::repo::enterprises::list(
        &t.db.conn,
        &devzone_db::Scope::all(),
        &devzone_db::repo::enterprises::ListQuery {
            q: Some("测试".into()),
            per_page: 5,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .total;
    assert_eq!(n, 0);
    // With the token it is created.
    let res = app
        .clone()
        .oneshot(post(format!("csrf={csrf}&{form}")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The list page exports to a real XLSX.
    let res = app
        .clone()
        .oneshot(
            Request::get("/zones/1/enterprises/export?q=%E6%B5%8B%E8%AF%95")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..2], b"PK");
    // An unknown page is a 404 page with a request id.
    let res = app
        .clone()
        .oneshot(
            Request::get("/nowhere")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("request-id"));
}

#[tokio::test]
async fn evaluation_api_runs_publishes_and_scopes() {
    for t in all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        let (s, body) = call(
            &app,
            "GET",
            "/api/v1/zones/1/evaluation-schemes",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body["items"][0]["key"], "builtin:default");
        // Analysts read but do not start runs; an unknown scheme is a 422 naming the field.
        let start = serde_json::json!({"year": 2024, "scheme": "builtin:default"});
        let (s, _) = call(
            &app,
            "POST",
            "/api/v1/zones/1/evaluation-runs",
            Some(&analyst),
            Some(start.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let bad = serde_json::json!({"year": 2024, "scheme": "builtin:nope"});
        let (s, body) = call(
            &app,
            "POST",
            "/api/v1/zones/1/evaluation-runs",
            Some(&officer),
            Some(bad),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["fields"][0]["field"], "scheme");
        // A broken scheme is refused with its line, in the caller's language.
        let broken = serde_json::json!({"source": "name = \"x\"\nversion = \"one\"\n"});
        let (s, body) = call(
            &app,
            "POST",
            "/api/v1/zones/1/evaluation-schemes",
            Some(&officer),
            Some(broken),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["fields"][0]["value"], "line 2");
        assert!(
            body["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("方案有误")
        );

        let (s, run) = call(
            &app,
            "POST",
            "/api/v1/zones/1/evaluation-runs",
            Some(&officer),
            Some(start),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{run}");
        let id = run["id"].as_i64().unwrap();
        // Poll until done (the run works in the background).
        let mut status = String::new();
        for _ in 0..100 {
            let (_, r) = call(
                &app,
                "GET",
                &format!("/api/v1/evaluation-runs/{id}"),
                Some(&officer),
                None,
            )
            .await;
            status = r["status"].as_str().unwrap().to_string();
            if status != "running" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(status, "done", "{}", t.label);
        let (_, list) = call(
            &app,
            "GET",
            &format!("/api/v1/evaluation-runs/{id}/results?per_page=3"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(list["items"].as_array().unwrap().len(), 3);
        assert!(list["items"][0]["indicators"].as_array().is_some());
        // Pages sliced from the kept order of a finished run are the database's own order.
        for sort in ResultSort::ALL {
            for desc in [false, true] {
                let direct = devzone_db::repo::evaluation::results(
                    &t.db.conn,
                    &ResultQuery {
                        run_id: id,
                        sort,
                        descending: desc,
                        page: 1,
                        per_page: 10_000,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
                let mut paged = Vec::new();
                for page in 1..=direct.total.div_ceil(2) + 1 {
                    let dir = if desc { "desc" } else { "asc" };
                    let uri = format!(
                        "/api/v1/evaluation-runs/{id}/results?per_page=2&page={page}&sort={}&dir={dir}",
                        sort.id()
                    );
                    let (_, r) = call(&app, "GET", &uri, Some(&officer), None).await;
                    assert_eq!(r["total"].as_u64(), Some(direct.total), "{uri}");
                    paged.extend(
                        r["items"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|x| x["enterprise_id"].as_i64().unwrap()),
                    );
                }
                let want: Vec<i64> = direct.items.iter().map(|m| m.enterprise_id).collect();
                assert_eq!(paged, want, "{} {desc}", sort.id());
            }
        }

        // Enterprise users see nothing of an unpublished run …
        #[rustfmt::skip]
        let matrix = [
            ("GET", format!("/api/v1/evaluation-runs/{id}"), Some(&ent), StatusCode::NOT_FOUND),
            ("POST", format!("/api/v1/evaluation-runs/{id}/publish"), Some(&analyst), StatusCode::FORBIDDEN),
            ("POST", format!("/api/v1/evaluation-runs/{id}/publish"), Some(&officer), StatusCode::OK),
        ];
        expect_all(&app, &matrix).await;
        // … and of a published one, only their own result.
        let (s, mine) = call(
            &app,
            "GET",
            &format!("/api/v1/evaluation-runs/{id}/results"),
            Some(&ent),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(mine["total"], 1);
        let own = mine["items"][0]["enterprise_id"].as_i64().unwrap();
        let other = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["enterprise_id"].as_i64().unwrap())
            .find(|e| *e != own)
            .unwrap();
        #[rustfmt::skip]
        let matrix = [
            ("GET", format!("/api/v1/evaluation-runs/{id}/results/{other}"), Some(&ent), StatusCode::NOT_FOUND),
            ("GET", format!("/api/v1/evaluation-runs/{id}/results/{own}"), Some(&ent), StatusCode::OK),
        ];
        expect_all(&app, &matrix).await;
        let (s, v) = call(
            &app,
            "GET",
            &format!("/api/v1/evaluation-runs/{id}/verify"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["differences"].as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn evaluation_pages_for_officials_and_enterprises() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    let officer = log_in(&app, "officer", "officer-pw-1").await;
    let (s, html) = page(&app, &officer, "/zones/1/evaluations").await;
    assert_eq!(s, StatusCode::OK);
    let csrf = csrf_of(&html);
    let post = |cookie: &str, uri: &str, body: String| {
        Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    // Analysts may look but not start a run.
    let analyst = log_in(&app, "analyst", "analyst-pw-1").await;
    let (_, ahtml) = page(&app, &analyst, "/zones/1/evaluations").await;
    let res = app
        .clone()
        .oneshot(post(
            &analyst,
            "/zones/1/evaluations",
            format!(
                "csrf={}&year=2024&scheme=builtin%3Adefault",
                csrf_of(&ahtml)
            ),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .clone()
        .oneshot(post(
            &officer,
            "/zones/1/evaluations",
            format!("csrf={csrf}&year=2024&scheme=builtin%3Adefault"),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let run_id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    for _ in 0..200 {
        let r = devzone_db::repo::evaluation::get(&t.db.conn, run_id)
            .await
            .unwrap()
            .unwrap();
        if r.status != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let (s, html) = page(&app, &officer, &location).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"results\""), "the results table");
    for uri in [
        format!("/evaluations/{run_id}/rankings"),
        format!("/evaluations/{run_id}/measures"),
        format!("/evaluations/{run_id}?class=D&sort=total&dir=desc&verify=1"),
        format!("/zones/1/evaluations/compare?a={run_id}&b={run_id}"),
        "/zones/1/evaluation-schemes?key=builtin:huangyan-2022".to_string(),
    ] {
        let (s, _) = page(&app, &officer, &uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
    }
    let (_, html) = page(&app, &officer, &format!("/evaluations/{run_id}?verify=1")).await;
    assert!(
        html.contains("全部"),
        "the reproduction check reports identical results"
    );

    // The scheme as a form, filled from the built-in default.
    let (s, html) = page(&app, &officer, "/zones/1/evaluation-schemes/form").await;
    assert_eq!(s, StatusCode::OK);
    let fields = form_fields(&html);
    let value = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(
        value("g0.w0").as_deref(),
        Some("30"),
        "tax per mu weighs 30"
    );
    assert_eq!(
        value("g0.class1").as_deref(),
        Some("35"),
        "B holds 35 % of the ranking"
    );
    let body = |changes: &[(&str, &str)]| {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .filter(|(n, _)| !changes.iter().any(|(k, _)| k == n))
            .cloned()
            .collect();
        pairs.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        serde_urlencoded::to_string(pairs).unwrap()
    };
    // A weight that is no number and shares past the whole are refused at their fields.
    let (s, html) = post_form(
        &app,
        &officer,
        "/zones/1/evaluation-schemes/form",
        &body(&[("g0.w0", "三十"), ("g0.class2", "60"), ("action", "save")]),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("不是数字") && html.contains("小于 100%"),
        "{html}"
    );
    // Tax per mu weighing 60: the preview says who would move, on this run's figures.
    let (s, html) = post_form(
        &app,
        &officer,
        "/zones/1/evaluation-schemes/form",
        &body(&[("g0.w0", "60"), ("name", "zone-tax"), ("action", "preview")]),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("id=\"scheme-preview\"") && html.contains("家类别上升"),
        "{html}"
    );
    let (s, to) = post_form(
        &app,
        &officer,
        "/zones/1/evaluation-schemes/form",
        &body(&[("g0.w0", "60"), ("name", "zone-tax"), ("action", "save")]),
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/zones/1/evaluations")
    );
    let saved = devzone_db::repo::evaluation::schemes(&t.db.conn, 1)
        .await
        .unwrap();
    let mine = saved.iter().find(|x| x.name == "zone-tax").expect("saved");
    let (scheme, _) = devzone_db::repo::evaluation::scheme_by_key(&t.db.conn, 1, &mine.key)
        .await
        .unwrap();
    assert_eq!(scheme.groups[0].indicators[0].weight, 60.0);
    assert_eq!(
        scheme.groups[0].classes.rule,
        devzone_core::evaluation::scheme::ClassRule::TopShare(vec![0.10, 0.45, 0.90])
    );
    // The same name and version again is a conflict, named at the version.
    let (s, html) = post_form(
        &app,
        &officer,
        "/zones/1/evaluation-schemes/form",
        &body(&[("g0.w0", "60"), ("name", "zone-tax"), ("action", "save")]),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("zone-tax"), "{html}");
    // Exports: the results as a workbook, a class list as CSV.
    let res = app
        .clone()
        .oneshot(
            Request::get(format!("/evaluations/{run_id}/export"))
                .header(header::COOKIE, &officer)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let (s, csv) = page(
        &app,
        &officer,
        &format!("/evaluations/{run_id}/measures?class=D&format=csv"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        csv.contains("差别化电价加价"),
        "the class list carries the scheme's measures"
    );

    // The enterprise account: nothing before publication, then only its own page.
    let own = devzone_db::repo::users::list(&t.db.conn)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "ent")
        .unwrap()
        .enterprise_id
        .unwrap();
    let ent = log_in(&app, "ent", "enterprise-pw").await;
    let (s, _) = page(
        &app,
        &ent,
        &format!("/evaluations/{run_id}/enterprises/{own}"),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "unpublished runs are invisible to enterprises"
    );
    devzone_db::repo::evaluation::publish(&t.db.conn, &devzone_db::Actor::system("t"), run_id)
        .await
        .unwrap();
    let (s, html) = page(
        &app,
        &ent,
        &format!("/evaluations/{run_id}/enterprises/{own}?tax=abc"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let mine = devzone_db::repo::evaluation::result_for(&t.db.conn, run_id, own)
        .await
        .unwrap()
        .unwrap();
    if mine.total.is_some() {
        assert!(
            html.contains("不是数字"),
            "a what-if figure that is not a number is reported"
        );
    } else {
        // Out of scope: the page says why instead of offering a what-if.
        assert!(html.contains("原因"), "{html}");
    }
    let other = devzone_db::repo::evaluation::results(
        &t.db.conn,
        &devzone_db::repo::evaluation::ResultQuery {
            run_id,
            per_page: 5,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|r| r.enterprise_id)
    .find(|e| *e != own)
    .unwrap();
    let (s, _) = page(
        &app,
        &ent,
        &format!("/evaluations/{run_id}/enterprises/{other}"),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = page(&app, &ent, &format!("/evaluations/{run_id}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "enterprises do not see the results list"
    );
    let (s, html) = page(&app, &ent, &format!("/enterprises/{own}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("evaluation-link"),
        "the enterprise page links to the published result"
    );
}

/// POST a form as a signed-in user; status and body (a redirect's Location as the body).
pub(crate) async fn post_form(
    app: &axum::Router,
    cookie: &str,
    uri: &str,
    form: &str,
) -> (StatusCode, String) {
    let res = app
        .clone()
        .oneshot(
            Request::post(uri)
                .header(header::COOKIE, cookie)
                .header(header::ACCEPT_LANGUAGE, "zh-CN")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    if status == StatusCode::SEE_OTHER {
        let to = res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string();
        return (status, to);
    }
    (status, body_text(res).await)
}

/// Land through the API and the pages: plots with their flags, refusals with their rules
/// (422, nothing saved), the analyst's 403, scope, and every land page answering.
#[tokio::test]
async fn land_api_and_pages() {
    for t in devzone_db::testing::all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        let (s, plots) = call(
            &app,
            "GET",
            "/api/v1/zones/1/plots?per_page=200",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}", t.label);
        let plots = plots["items"].as_array().unwrap();
        assert!(!plots.is_empty());
        assert!(
            plots
                .iter()
                .any(|p| p["flags"].as_array().is_some_and(|f| !f.is_empty()))
        );
        // Another zone is out of the officer's scope; enterprise accounts see no land.
        assert_eq!(
            call(&app, "GET", "/api/v1/zones/2/plots", Some(&officer), None)
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            call(&app, "GET", "/api/v1/zones/1/plots", Some(&ent), None)
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        // A self-intersecting boundary is refused with its rule and message.
        let bow = serde_json::json!({"code": "T-1", "land_use": "industrial",
            "boundary": r#"{"type":"Polygon","coordinates":[[[116.5,39.8],[116.51,39.81],[116.51,39.8],[116.5,39.81],[116.5,39.8]]]}"#});
        let (s, body) = call(
            &app,
            "POST",
            "/api/v1/zones/1/plots",
            Some(&officer),
            Some(bow.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body["error"]["fields"][0]["rule"],
            "geojson.self_intersecting"
        );
        assert!(
            body["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("自相交")
        );
        assert_eq!(
            call(
                &app,
                "POST",
                "/api/v1/zones/1/plots",
                Some(&analyst),
                Some(bow)
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
        let ok = serde_json::json!({"code": "T-2", "land_use": "industrial", "area_m2": 12000,
            "boundary": r#"{"type":"Polygon","coordinates":[[[116.5,39.8],[116.501,39.8],[116.501,39.801],[116.5,39.801],[116.5,39.8]]]}"#});
        let (s, plot) = call(
            &app,
            "POST",
            "/api/v1/zones/1/plots",
            Some(&officer),
            Some(ok.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{plot}");
        assert!((plot["geometry_m2"].as_f64().unwrap() - 9_500.0).abs() < 100.0);
        assert_eq!(
            call(
                &app,
                "POST",
                "/api/v1/zones/1/plots",
                Some(&officer),
                Some(ok)
            )
            .await
            .0,
            StatusCode::CONFLICT
        );
        // A lease ending before it starts, with a negative rent.
        let (_, units) = call(&app, "GET", "/api/v1/zones/1/units", Some(&officer), None).await;
        let unit = units["items"].as_array().unwrap()[0]["id"]
            .as_i64()
            .unwrap();
        let (s, body) = call(&app, "POST", "/api/v1/leases", Some(&officer), Some(serde_json::json!({
            "unit_id": unit, "tenant_name": "x", "start": "2027-01-01", "end": "2026-01-01", "rent": -1}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let rules: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["date.before_start", "number.negative"]);
        // A requirement and its ranked candidates with per-criterion outcomes.
        let (s, req) = call(&app, "POST", "/api/v1/zones/1/requirements", Some(&officer), Some(serde_json::json!({
            "title": "t", "area_min_m2": "1000", "area_max_m2": 5000, "building_types": ["standard_factory"]}))).await;
        assert_eq!(s, StatusCode::CREATED, "{req}");
        let (s, m) = call(
            &app,
            "GET",
            &format!("/api/v1/requirements/{}/matches", req["id"]),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let first = &m["candidates"][0];
        assert_eq!(first["checks"][0]["criterion"], "area");
        assert!(first["checks"][0]["outcome"]["outcome"].is_string());
        let cand = (
            first["kind"].as_str().unwrap().to_string(),
            first["id"].as_i64().unwrap(),
        );
        let stage_uri = format!("/api/v1/requirements/{}/matches", req["id"]);
        let (s, m) = call(
            &app,
            "POST",
            &stage_uri,
            Some(&officer),
            Some(serde_json::json!({
            "candidate_kind": cand.0, "candidate_id": cand.1, "stage": "visited"})),
        )
        .await;
        assert_eq!(
            (s, m["stage"].as_str()),
            (StatusCode::OK, Some("visited")),
            "{m}"
        );
        let (s, _) = call(
            &app,
            "POST",
            &stage_uri,
            Some(&officer),
            Some(serde_json::json!({
            "candidate_kind": cand.0, "candidate_id": cand.1, "stage": "gone"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, one) = call(
            &app,
            "GET",
            &format!("/api/v1/plots/{}", plot["id"]),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!((s, one["code"].as_str()), (StatusCode::OK, Some("T-2")));
        let (s, b) = call(&app, "POST", "/api/v1/buildings", Some(&officer), Some(serde_json::json!({
            "plot_id": plot["id"], "name": "1号厂房", "building_type": "standard_factory", "floor_area_m2": 8000}))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (s, c) = call(
            &app,
            "POST",
            "/api/v1/zones/1/revitalisation-cases",
            Some(&officer),
            Some(serde_json::json!({
            "title": "t", "plan": "lease_out", "stage": "planned", "occupancy_before": 120})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{c}");
        let rules: Vec<&str> = c["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["land.case_without_asset", "number.percent"]);
        let (s, cases) = call(
            &app,
            "GET",
            "/api/v1/zones/1/revitalisation-cases",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(cases["totals"]["cases"].as_u64().is_some());

        // Pages.
        let cookie = log_in(&app, "officer", "officer-pw-1").await;
        for uri in [
            "/zones/1/land",
            "/zones/1/land?mode=class",
            "/zones/1/plots?status=idle&sort=area&dir=desc",
            "/zones/1/leases?days=90",
            "/zones/1/requirements",
            "/zones/1/revitalisation",
            "/zones/1/land/rules",
            "/zones/1/plots/new",
        ] {
            let (s, html) = page(&app, &cookie, uri).await;
            assert_eq!(s, StatusCode::OK, "{uri}: {html}");
        }
        // The rent roll comes in pages of 50 with the total, and a search keeps only the
        // leases of the tenant, building or unit named.
        let (_, html) = page(&app, &cookie, "/zones/1/leases").await;
        let total: usize = html
            .split("共 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("the rent roll states its total");
        let body = html
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("</tbody>")
            .next()
            .unwrap();
        assert_eq!(body.matches("<tr>").count(), total.min(50));
        assert_eq!(html.contains("rel=\"next\""), total > 50);
        let building = body
            .split("\">")
            .nth(1)
            .and_then(|r| r.split("</a>").next())
            .expect("a building name")
            .to_string();
        let (_, html) = page(
            &app,
            &cookie,
            &format!("/zones/1/leases?q={}", urlencoding(&building)),
        )
        .await;
        let body = html
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("</tbody>")
            .next()
            .unwrap();
        assert!(body.matches("<tr>").count() >= 1);
        assert!(body.split("<tr>").skip(1).all(|r| r.contains(&building)));
        let (_, html) = page(&app, &cookie, "/zones/1/land").await;
        assert!(html.contains("class=\"zone-map\"") && html.contains("出租率"));
        let csrf = csrf_of(&html);
        // The rules form refuses a vacancy above 100 % and keeps the old rules.
        let (s, html) = post_form(
            &app,
            &cookie,
            "/zones/1/land/rules",
            &format!("csrf={csrf}&vacancy_above=150&stale_after_days=90"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("百分比应在 0–100 之间"), "{html}");
        let (s, to) = post_form(
            &app,
            &cookie,
            "/zones/1/land/rules",
            &format!("csrf={csrf}&per_mu_class_d=on&vacancy_above=70&stale_after_days=90"),
        )
        .await;
        assert_eq!(
            (s, to.as_str()),
            (StatusCode::SEE_OTHER, "/zones/1/land/rules?saved")
        );
        let r = devzone_db::repo::land::rules(&t.db.conn, 1).await.unwrap();
        assert_eq!(
            (r.vacancy_above, r.stale_after_days, r.far_below_covenant),
            (Some(0.7), 90, false)
        );
        // A unit larger than its building, from the building page's form.
        let (_, buildings) = call(
            &app,
            "GET",
            "/api/v1/zones/1/buildings",
            Some(&officer),
            None,
        )
        .await;
        let b = &buildings["items"].as_array().unwrap()[0];
        let too_big = b["floor_area_m2"].as_f64().unwrap() + 1.0;
        let (s, html) = post_form(
            &app,
            &cookie,
            &format!("/buildings/{}/units", b["id"]),
            &format!("csrf={csrf}&name=X&area_m2={too_big}&status=vacant"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("大于所在楼宇的建筑面积"), "{html}");
        // A plot edited from its form: a number taken by another plot is refused.
        let (s, html) = page(&app, &cookie, &format!("/plots/{}/edit", plot["id"])).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("value=\"T-2\""));
        let other = plots[0]["code"].as_str().unwrap();
        let (s, html) = post_form(
            &app,
            &cookie,
            &format!("/plots/{}", plot["id"]),
            &format!("csrf={csrf}&code={other}&land_use=industrial&area_m2=12000"),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        let (s, to) = post_form(
            &app,
            &cookie,
            &format!("/plots/{}", plot["id"]),
            &format!("csrf={csrf}&code=T-3&land_use=warehousing&area_m2=12000"),
        )
        .await;
        assert_eq!(
            (s, to),
            (StatusCode::SEE_OTHER, format!("/plots/{}", plot["id"]))
        );
        // A boundary from a GeoJSON file: a line is refused with the rule; one feature of a
        // collection replaces the boundary.
        let boundary_upload = |json: &str| {
            let b = format!(
                "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plot.geojson\"\r\nContent-Type: application/geo+json\r\n\r\n{json}\r\n--X--\r\n"
            );
            Request::post(format!("/plots/{}/boundary?csrf={csrf}", plot["id"]))
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT_LANGUAGE, "zh-CN")
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
                .body(Body::from(b))
                .unwrap()
        };
        let res = app
            .clone()
            .oneshot(boundary_upload(
                r#"{"type":"LineString","coordinates":[[116.5,39.8],[116.51,39.81]]}"#,
            ))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("不是面"), "{html}");
        let res = app
            .clone()
            .oneshot(boundary_upload(
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"T-3"},"geometry":{"type":"Polygon","coordinates":[[[116.5,39.8],[116.5012,39.8],[116.5012,39.801],[116.5,39.801],[116.5,39.8]]]}}]}"#,
            ))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let stored = devzone_db::repo::land::plot(
            &t.db.conn,
            &devzone_db::Scope::all(),
            plot["id"].as_i64().unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
        assert!(
            stored
                .boundary
                .as_deref()
                .unwrap_or_default()
                .contains("116.5012")
        );
        // The register downloads as a spreadsheet.
        let res = app
            .clone()
            .oneshot(
                Request::get("/zones/1/land/register.xlsx")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..2], b"PK");
    }
}

/// Chains through the pages: the index, a chain with its target list and export, a node,
/// the review queue with a bulk confirm, thresholds refused and saved, and a zone's own
/// taxonomy version refused with its line, then saved.
#[tokio::test]
async fn chain_pages() {
    let t = devzone_db::testing::sqlite().await;
    let (_, _, _) = setup(&t).await;
    let app = app(&t.db).await;
    let cookie = log_in(&app, "officer", "officer-pw-1").await;
    let (s, html) = page(&app, &cookie, "/zones/1/chains").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("类人机器人产业链") && html.contains("体外诊断产业链"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let (s, html) = page(
        &app,
        &cookie,
        "/zones/1/chains/beijing-future/humanoid-chain",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("class=\"chain-diagram\"") && html.contains("id=\"target-list\""));
    let (s, _) = page(&app, &cookie, "/zones/1/chains/beijing-future/hr-reducer").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a node is not a chain");

    // The IVD taxonomy as a form: an unknown class and a parent removed under a kept node
    // are refused at their fields; then a keyword added and a node added under the chain.
    let (s, html) = page(&app, &cookie, "/zones/1/chain-taxonomies/suzhou-ivd/form").await;
    assert_eq!(s, StatusCode::OK);
    let fields = form_fields(&html);
    let body = |changes: &[(&str, &str)]| {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .filter(|(n, _)| !changes.iter().any(|(k, _)| k == n))
            .cloned()
            .collect();
        pairs.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        serde_urlencoded::to_string(pairs).unwrap()
    };
    let (s, html) = post_form(
        &app,
        &cookie,
        "/zones/1/chain-taxonomies/suzhou-ivd/form",
        &body(&[
            ("codes.ivd-antigen", "2761、9999"),
            ("remove.ivd-chain", "1"),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("9999 不是") && html.contains("不能删除"),
        "{html}"
    );
    let (s, to) = post_form(
        &app,
        &cookie,
        "/zones/1/chain-taxonomies/suzhou-ivd/form",
        &body(&[
            ("keywords.ivd-antigen", "抗原、抗体、纳米抗体"),
            ("new0.id", "ivd-ai"),
            ("new0.name", "AI 辅助诊断"),
            ("new0.level", "node"),
            ("new0.parent", "ivd-chain"),
            ("new0.stream", "downstream"),
            ("new0.codes", "6513"),
        ]),
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/zones/1/chains"),
        "{to}"
    );
    let saved = devzone_db::repo::chains::taxonomy(&t.db.conn, 1, "suzhou-ivd")
        .await
        .unwrap()
        .unwrap();
    assert!(
        saved
            .node("ivd-antigen")
            .unwrap()
            .keywords
            .contains(&"纳米抗体".to_string())
    );
    let added = saved.node("ivd-ai").expect("the new node");
    assert_eq!(
        (added.parent.as_deref(), added.industry_codes.as_slice()),
        (Some("ivd-chain"), &["6513".to_string()][..])
    );
    let (s, html) = page(
        &app,
        &cookie,
        "/zones/1/chains/beijing-future/nodes/hr-reducer",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("谐波减速器"));
    let res = app
        .clone()
        .oneshot(
            Request::get("/zones/1/chains/beijing-future/humanoid-chain/targets?format=csv")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = body_text(res).await;
    assert!(csv.lines().count() > 1, "{csv}");

    // An enterprise placed on a node by hand; an unknown code comes back as a message.
    let ent = devzone_db::repo::enterprises::list(
        &t.db.conn,
        &devzone_db::Scope::all(),
        &devzone_db::repo::enterprises::ListQuery {
            zone_id: Some(1),
            per_page: 1,
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let (s, to) = post_form(
        &app,
        &cookie,
        "/zones/1/chains/beijing-future/nodes/hr-screw/enterprises",
        &format!("csrf={csrf}&credit_code={}", ent.credit_code.to_lowercase()),
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (
            StatusCode::SEE_OTHER,
            "/zones/1/chains/beijing-future/nodes/hr-screw"
        )
    );
    let (_, html) = page(
        &app,
        &cookie,
        "/zones/1/chains/beijing-future/nodes/hr-screw",
    )
    .await;
    assert!(
        html.contains(&ent.name) && html.contains("人工添加"),
        "{html}"
    );
    let (_, to) = post_form(
        &app,
        &cookie,
        "/zones/1/chains/beijing-future/nodes/hr-screw/enterprises",
        &format!("csrf={csrf}&credit_code=NOPE"),
    )
    .await;
    let (_, html) = page(&app, &cookie, &to).await;
    assert!(
        html.contains("form-errors") && html.contains("NOPE"),
        "{html}"
    );

    // The hand-placed enterprise flagged as leading: the node gains a leader.
    let m = devzone_db::repo::chains::mappings(
        &t.db.conn,
        1,
        Some("beijing-future"),
        Some("hr-screw"),
        Some("confirmed"),
    )
    .await
    .unwrap();
    let (s, _) = post_form(
        &app,
        &cookie,
        &format!("/zones/1/chains/mappings/{}/leading", m[0].id),
        &format!("csrf={csrf}&leading=true"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (members, _) = devzone_db::repo::chains::members(&t.db.conn, 1, "beijing-future")
        .await
        .unwrap();
    assert!(members["hr-screw"].iter().any(|x| x.flagged));

    // Bulk confirm from the review queue; the page sends the ids repeated.
    let waiting = devzone_db::repo::chains::mappings(&t.db.conn, 1, None, None, Some("suggested"))
        .await
        .unwrap();
    let ids: Vec<i64> = waiting.iter().take(2).map(|m| m.id).collect();
    let (s, html) = page(&app, &cookie, "/zones/1/chains/review").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"review-form\""));
    let form = format!(
        "csrf={csrf}&id={}&id={}&state=confirmed&back=%2Fzones%2F1%2Fchains%2Freview",
        ids[0], ids[1]
    );
    let (s, to) = post_form(&app, &cookie, "/zones/1/chains/review", &form).await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/zones/1/chains/review")
    );
    let now = devzone_db::repo::chains::mappings(&t.db.conn, 1, None, None, Some("confirmed"))
        .await
        .unwrap();
    assert!(ids.iter().all(|id| now.iter().any(|m| m.id == *id)));
    // A redirect elsewhere than this site is not followed.
    let (_, to) = post_form(
        &app,
        &cookie,
        "/zones/1/chains/review",
        &format!("csrf={csrf}&state=rejected&back=%2F%2Fevil.example"),
    )
    .await;
    assert_eq!(to, "/zones/1/chains/review");

    // Thresholds: missing above strong is refused; a good set is saved.
    let (s, html) = post_form(
        &app,
        &cookie,
        "/zones/1/chains/thresholds",
        &format!(
            "csrf={csrf}&strong_min_enterprises=2&weak_min_enterprises=3&leading_revenue_yi=5"
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能高于"), "{html}");
    let (s, _) = post_form(
        &app,
        &cookie,
        "/zones/1/chains/thresholds",
        &format!(
            "csrf={csrf}&strong_min_enterprises=2&weak_min_enterprises=1&leading_revenue_yi=5"
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let th = devzone_db::repo::chains::thresholds(&t.db.conn, 1)
        .await
        .unwrap();
    assert_eq!((th.strong_min_enterprises, th.leading_revenue), (2, 5.0e8));

    // A zone's own version: a node under two parents is refused with its line.
    let (s, html) = page(&app, &cookie, "/zones/1/chain-taxonomies/suzhou-ivd").await;
    assert_eq!(s, StatusCode::OK);
    let bad = "id = \"suzhou-ivd\"\nname = \"x\"\nversion = \"2\"\n[[node]]\nid = \"a\"\nname = \"A\"\nlevel = \"node\"\nparent = [\"b\", \"c\"]\n";
    let body = format!(
        "csrf={csrf}&source={}",
        devzone_web::session::urlencode(bad)
    );
    let (s, html2) = post_form(&app, &cookie, "/zones/1/chain-taxonomies/suzhou-ivd", &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html2.contains("第 4 行") && html2.contains("node a"),
        "{html2}"
    );
    assert!(html.contains("ivd-antigen"));
    let good = include_str!("../../../core/chains/suzhou-ivd.toml")
        .replace("version = \"2024.1\"", "version = \"2024.9\"");
    let body = format!(
        "csrf={csrf}&source={}",
        devzone_web::session::urlencode(&good)
    );
    let (s, _) = post_form(&app, &cookie, "/zones/1/chain-taxonomies/suzhou-ivd", &body).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &cookie, "/zones/1/chains").await;
    assert!(html.contains("2024.9"));

    // The API: chains with their status, one chain's nodes and targets, review by ids.
    let (officer, analyst, _) = (
        devzone_db::repo::users::create_token(
            &t.db.conn,
            &Actor::system("t"),
            "officer",
            "t2",
            None,
        )
        .await
        .unwrap()
        .0,
        devzone_db::repo::users::create_token(
            &t.db.conn,
            &Actor::system("t"),
            "analyst",
            "t2",
            None,
        )
        .await
        .unwrap()
        .0,
        (),
    );
    let (s, list) = call(
        &app,
        "GET",
        "/api/v1/zones/1/chains?per_page=200",
        Some(&officer),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["chain"] == "humanoid-chain")
    );
    let (s, ch) = call(
        &app,
        "GET",
        "/api/v1/zones/1/chains/beijing-future/humanoid-chain",
        Some(&officer),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ch["nodes"].as_array().unwrap().len() >= 15);
    assert!(
        ch["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] != "strong")
    );
    let (_, waiting) = call(
        &app,
        "GET",
        "/api/v1/zones/1/chain-mappings?state=suggested",
        Some(&officer),
        None,
    )
    .await;
    let id = waiting["items"][0]["id"].as_i64().unwrap();
    // Evidence is a list of objects, not JSON text inside JSON.
    assert!(waiting["items"][0]["evidence"][0]["source"].is_string());
    let body = serde_json::json!({"ids": [id], "state": "rejected"});
    assert_eq!(
        call(
            &app,
            "POST",
            "/api/v1/zones/1/chain-mappings/review",
            Some(&analyst),
            Some(body.clone())
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (s, out) = call(
        &app,
        "POST",
        "/api/v1/zones/1/chain-mappings/review",
        Some(&officer),
        Some(body),
    )
    .await;
    assert_eq!((s, out["changed"].as_u64()), (StatusCode::OK, Some(1)));
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/zones/1/chain-mappings/review",
        Some(&officer),
        Some(serde_json::json!({"ids": [id], "state": "perhaps"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Tracks, targets and location quotients through the pages.
#[tokio::test]
async fn tracks_targets_and_location_quotients() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    let cookie = log_in(&app, "officer", "officer-pw-1").await;
    let (s, html) = page(&app, &cookie, "/zones/1/tracks").await;
    assert_eq!(s, StatusCode::OK);
    // The demo's Beijing zone: a relatively mature base in 9 of its 20 tracks.
    assert!(html.contains("已标定 20 条赛道：9 条较成熟"), "{html}");
    let csrf = csrf_of(&html);
    let (s, html) = page(
        &app,
        &cookie,
        "/zones/1/tracks/beijing-future/commercial-space",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("火箭大街产业园"));
    let (s, html) = post_form(
        &app,
        &cookie,
        "/zones/1/tracks/beijing-future/commercial-space/records",
        &format!("csrf={csrf}&kind=fund&title=&amount_wan=abc"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("form-errors"));
    let (s, _) = post_form(&app, &cookie, "/zones/1/tracks/beijing-future/commercial-space/records", &format!("csrf={csrf}&kind=fund&title=%E5%95%86%E4%B8%9A%E8%88%AA%E5%A4%A9%E5%9F%BA%E9%87%91&amount_wan=50000&on_date=2025-03-01")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let recs = devzone_db::repo::tracks::records(
        &t.db.conn,
        1,
        Some("beijing-future"),
        Some("commercial-space"),
    )
    .await
    .unwrap();
    assert!(
        recs.iter()
            .any(|r| r.kind == "fund" && r.amount == Some(500_000_000.0))
    );
    let (s, _) = post_form(
        &app,
        &cookie,
        "/zones/1/tracks/beijing-future/no-such-track/records",
        &format!("csrf={csrf}&kind=fund&title=x"),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, html) = page(&app, &cookie, "/zones/1/targets").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("未来产业园区 30 个")
            && html.contains("优质未来产业企业 300 家")
            && html.contains("2030-12-31"),
        "{html}"
    );

    // A new target: an unknown track and a missing deadline are refused; then saved, its
    // baseline measured now.
    let (s, html) = post_form(&app, &cookie, "/zones/1/targets", &format!("csrf={csrf}&name=t&kind=enterprises_in_tracks&items=nowhere&target_value=10&baseline_on=2025-01-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("nowhere") && html.contains("期限"), "{html}");
    let (s, to) = post_form(&app, &cookie, "/zones/1/targets", &format!("csrf={csrf}&name=%E6%B0%A2%E8%83%BD%E8%90%A5%E6%94%B6&kind=revenue_in_tracks&tracks=beijing-future%2Fhydrogen&target_value=50&baseline_on=2025-01-01&deadline=2028-12-31")).await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/zones/1/targets")
    );
    // Tracks picked from two taxonomies are refused with the rule.
    let (s, html) = post_form(&app, &cookie, "/zones/1/targets", &format!("csrf={csrf}&name=x&kind=enterprises_in_tracks&tracks=beijing-future%2Fhydrogen&tracks=suzhou-ivd%2Fivd&target_value=5&deadline=2028-12-31")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("同一图谱"), "{html}");
    let all = devzone_db::repo::tracks::targets(&t.db.conn, 1)
        .await
        .unwrap();
    let h = all.iter().find(|x| x.name == "氢能营收").unwrap();
    assert_eq!(h.target_value, 5.0e9);

    // Province totals: a bad division is refused with its line; then a good file.
    let upload = |body: &str| {
        let b = format!(
            "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\n{body}\r\n--X--\r\n"
        );
        Request::post(format!("/zones/1/location-quotient?csrf={csrf}"))
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT_LANGUAGE, "zh-CN")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
            .body(Body::from(b))
            .unwrap()
    };
    let res = app
        .clone()
        .oneshot(upload(
            "行业大类代码,年份,从业人员,营业收入(万元)\n39,2024,500000,90000000\n99,2024,1,1\n",
        ))
        .await
        .unwrap();
    let html = body_text(res).await;
    assert!(
        html.contains("第 3 行") && html.contains("不是 GB/T 4754 行业大类代码"),
        "{html}"
    );
    assert!(
        devzone_db::repo::tracks::province_years(&t.db.conn, 1)
            .await
            .unwrap()
            .is_empty()
    );
    let res = app.clone().oneshot(upload("行业大类代码,年份,从业人员,营业收入(万元)\n39,2024,500000,90000000\n27,2024,200000,30000000\n34,2024,300000,20000000\n")).await.unwrap();
    let html = body_text(res).await;
    assert!(html.contains("已导入 3 行"), "{html}");
    let (s, html) = page(
        &app,
        &cookie,
        "/zones/1/location-quotient?year=2024&basis=revenue",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"lq\""), "{html}");

    // The same through the API.
    let token = devzone_db::repo::users::create_token(
        &t.db.conn,
        &Actor::system("t"),
        "officer",
        "t3",
        None,
    )
    .await
    .unwrap()
    .0;
    let (s, tracks) = call(
        &app,
        "GET",
        "/api/v1/zones/1/tracks?per_page=200",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        tracks["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["stage"] == "mature")
            .count(),
        9
    );
    let (s, targets) = call(&app, "GET", "/api/v1/zones/1/targets", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(targets["items"].as_array().unwrap().len(), 4);
    assert!(targets["items"][0]["progress"]["expected"].is_number());
    let (s, lq) = call(
        &app,
        "GET",
        "/api/v1/zones/1/location-quotients?year=2024&basis=revenue",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{lq}");
    assert!(lq["items"].as_array().is_some());
}

/// Every write that takes the id of another record refuses one of another zone: an
/// officer of zone 1 names zone-2 records. 422 names the field; 404 when the path or the
/// parent record is out of the officer's scope. Nothing is written.
#[tokio::test]
async fn writes_refuse_ids_of_another_zone() {
    use devzone_db::repo::{land, requirements};
    for t in all().await {
        let (officer, _, _) = setup(&t).await;
        let app = app(&t.db).await;
        let db = &t.db.conn;
        let fe = zone_enterprises(&t.db, 2, 1).await[0].id;
        let fp = devzone_db::repo::zones::parks(db, 2).await.unwrap()[0].id;
        let other = land::inventory(db, 2, None).await.unwrap();
        let own = land::inventory(db, 1, None).await.unwrap();
        let (fplot, fb, fu) = (other.plots[0].id, other.buildings[0].id, other.units[0].id);
        let u = own.units[0].id;
        let fr = requirements::list(db, 2).await.unwrap()[0].id;
        let r = requirements::list(db, 1).await.unwrap()[0].id;
        let requirements_before = requirements::list(db, 1).await.unwrap().len();
        let cases: Vec<(&str, String, serde_json::Value, StatusCode, Option<&str>)> = vec![
            (
                "POST",
                "/api/v1/zones/1/requirements".into(),
                serde_json::json!({"title": "R", "area_min_m2": 100, "enterprise_id": fe}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("enterprise_id"),
            ),
            (
                "POST",
                "/api/v1/zones/1/requirements".into(),
                serde_json::json!({"title": "R", "area_min_m2": 100, "parks": [fp]}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("parks"),
            ),
            (
                "POST",
                "/api/v1/zones/1/plots".into(),
                serde_json::json!({"code": "X1", "area_m2": 1000, "land_use": "industrial", "park_id": fp}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("park_id"),
            ),
            (
                "POST",
                "/api/v1/zones/1/plots".into(),
                serde_json::json!({"code": "X2", "area_m2": 1000, "land_use": "industrial", "holder_id": fe}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("holder_id"),
            ),
            (
                "POST",
                "/api/v1/buildings".into(),
                serde_json::json!({"plot_id": fplot, "name": "B", "building_type": "standard_factory", "floor_area_m2": 1000}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "POST",
                "/api/v1/units".into(),
                serde_json::json!({"building_id": fb, "name": "U", "area_m2": 10, "status": "vacant"}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "POST",
                "/api/v1/leases".into(),
                serde_json::json!({"unit_id": fu, "tenant_name": "T", "start": "2024-01-01", "end": "2026-12-31", "rent": 30}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "POST",
                "/api/v1/leases".into(),
                serde_json::json!({"unit_id": u, "tenant_id": fe, "start": "2031-01-01", "end": "2032-12-31", "rent": 30}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("tenant_id"),
            ),
            (
                "POST",
                format!("/api/v1/requirements/{r}/matches"),
                serde_json::json!({"candidate_kind": "unit", "candidate_id": fu, "stage": "proposed"}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "POST",
                format!("/api/v1/requirements/{fr}/matches"),
                serde_json::json!({"candidate_kind": "unit", "candidate_id": u, "stage": "proposed"}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "POST",
                "/api/v1/zones/1/revitalisation-cases".into(),
                serde_json::json!({"title": "C", "plan": "lease_out", "stage": "identified", "plot_id": fplot}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("plot_id"),
            ),
            (
                "POST",
                "/api/v1/enterprises".into(),
                serde_json::json!({"zone_id": 1, "credit_code": "914403001922038216", "name": "n", "industry_code": "3491", "ownership": "private", "park_id": fp}),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("park_id"),
            ),
            (
                "PUT",
                format!("/api/v1/enterprises/{fe}"),
                serde_json::json!({"credit_code": "914403001922038216", "name": "n", "industry_code": "3491", "ownership": "private"}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "POST",
                format!("/api/v1/enterprises/{fe}/facts"),
                serde_json::json!({"year": 2024, "source": "tax_bureau", "values": {"tax": "1200000"}}),
                StatusCode::NOT_FOUND,
                None,
            ),
            (
                "PUT",
                format!("/api/v1/parks/{fp}"),
                serde_json::json!({"name": "p"}),
                StatusCode::NOT_FOUND,
                None,
            ),
        ];
        for (method, uri, body, want, field) in cases {
            let (s, answer) = call(&app, method, &uri, Some(&officer), Some(body.clone())).await;
            assert_eq!(s, want, "{}: {method} {uri} {body}: {answer}", t.label);
            if let Some(field) = field {
                let fields = answer["error"]["fields"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                assert!(
                    fields.iter().any(|f| f["field"] == field),
                    "{}: {method} {uri} names {field}: {answer}",
                    t.label
                );
            }
        }
        assert_eq!(
            requirements::list(db, 1).await.unwrap().len(),
            requirements_before
        );
    }
}

/// Input that used to panic, overflow or answer in Rust's words: huge page numbers, huge
/// figures, malformed bodies, a login `next` with control characters, a commit by someone
/// who may not commit, an enterprise named like a formula in a CSV export.
#[tokio::test]
async fn hostile_input_is_answered_not_absorbed() {
    for t in all().await {
        let (officer, analyst, ent) = setup(&t).await;
        let app = app(&t.db).await;
        let huge = "18446744073709551615";
        for uri in [
            format!("/api/v1/enterprises?zone_id=1&page={huge}"),
            format!("/api/v1/enterprises?zone_id=1&page={huge}&per_page={huge}"),
        ] {
            // Beyond the documented bound: refused, naming the parameter, not absorbed.
            let (s, body) = call(&app, "GET", &uri, Some(&officer), None).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {uri}: {body}",
                t.label
            );
            assert_eq!(body["error"]["fields"][0]["field"], "page");
        }
        let cookie = log_in(&app, "officer", "officer-pw-1").await;
        let (s, _) = page(&app, &cookie, &format!("/zones/1/enterprises?page={huge}")).await;
        assert_eq!(s, StatusCode::OK, "{}", t.label);

        // Figures beyond any enterprise are refused at their field; sums cannot overflow.
        let e = zone_enterprises(&t.db, 1, 2).await;
        for big in ["1000000000000000000000000000", "90000000000000000"] {
            let (s, body) = call(
                &app,
                "POST",
                &format!("/api/v1/enterprises/{}/facts", e[0].id),
                Some(&officer),
                Some(serde_json::json!({"year": 2024, "source": "tax_bureau", "values": {"revenue": big}})),
            )
            .await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {big}: {body}",
                t.label
            );
            assert_eq!(body["error"]["fields"][0]["field"], "revenue");
        }
        for id in [e[0].id, e[1].id] {
            let (s, body) = call(
                &app,
                "POST",
                &format!("/api/v1/enterprises/{id}/facts"),
                Some(&officer),
                Some(serde_json::json!({"year": 2030, "source": "tax_bureau", "values": {"revenue": "9000000000000"}})),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{}: {body}", t.label);
        }
        let (s, _) = page(&app, &cookie, "/zones/1").await;
        assert_eq!(
            s,
            StatusCode::OK,
            "{}: the zone home after two huge figures",
            t.label
        );

        // Malformed bodies and query values: the envelope, in the request's language,
        // naming the field, never Rust's words.
        for (method, uri, body, field) in [
            (
                "POST",
                "/api/v1/zones/1/parks".to_string(),
                Some(serde_json::json!({})),
                "name",
            ),
            (
                "GET",
                "/api/v1/enterprises?zone_id=abc".to_string(),
                None,
                "query",
            ),
        ] {
            let (s, answer) = call(&app, method, &uri, Some(&officer), body).await;
            assert!(s.is_client_error(), "{}: {uri}: {s}", t.label);
            assert_eq!(
                answer["error"]["code"], "invalid",
                "{}: {uri}: {answer}",
                t.label
            );
            assert_eq!(
                answer["error"]["fields"][0]["field"], field,
                "{}: {uri}: {answer}",
                t.label
            );
            let text = answer.to_string();
            assert!(
                !text.contains("i64") && !text.contains("Cannot parse"),
                "{text}"
            );
            assert_eq!(answer["error"]["message"], "提交的内容有误。", "{answer}");
        }
        let res = app
            .clone()
            .oneshot(
                Request::post("/api/v1/zones/1/parks")
                    .header(header::AUTHORIZATION, format!("Bearer {officer}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{not json"))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert!(res.status().is_client_error());
        let answer: serde_json::Value = serde_json::from_str(&body_text(res).await).unwrap();
        assert_eq!(answer["error"]["code"], "invalid");
        let (s, answer) = call(&app, "GET", "/api/v1/no-such-thing", Some(&officer), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(answer["error"]["code"], "not_found");

        // A commit by an analyst or an enterprise user is refused before anything else.
        let (s, _) = page(&app, &cookie, "/zones/1/imports").await;
        assert_eq!(s, StatusCode::OK);
        for (user, pw) in [("analyst", "analyst-pw-1"), ("ent", "enterprise-pw")] {
            let c = log_in(&app, user, pw).await;
            let (_, html) = page(&app, &c, "/").await;
            let csrf = html
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .map(|s| s.split('"').next().unwrap().to_string())
                .unwrap_or_default();
            let (s, to) = post_form(
                &app,
                &c,
                "/imports/uploads/1/commit",
                &format!("csrf={csrf}&source=tax_bureau"),
            )
            .await;
            assert!(
                s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
                "{}: {user} committing: {s} {to}",
                t.label
            );
        }
        let _ = (analyst, ent);

        // A formula in a name is exported as text.
        let (s, body) = call(
            &app,
            "PUT",
            &format!("/api/v1/enterprises/{}", e[0].id),
            Some(&officer),
            Some(serde_json::json!({
                "credit_code": e[0].credit_code, "name": "=HYPERLINK(\"http://evil.example\",\"x\")",
                "industry_code": e[0].industry_code, "ownership": e[0].ownership
            })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}: {body}", t.label);
        let (s, csv) = page(
            &app,
            &cookie,
            "/zones/1/enterprises/export?format=csv&q=HYPERLINK",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.contains("'=HYPERLINK"), "{}: {csv}", t.label);
        assert!(
            !csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"),
            "{csv}"
        );
    }
}

/// After login, only a path on this site is followed: a tab or a line feed in `next`
/// neither redirects elsewhere nor fails after the cookie is set.
#[tokio::test]
async fn login_next_must_be_a_path_of_this_site() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    for next in [
        "%2F%09%2Fevil.example%2Fx",
        "%2Fok%0Aevil",
        "%2F%2Fevil.example",
    ] {
        let res = login_response(&app, "officer", "officer-pw-1", next, None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(res.headers()[header::LOCATION], "/", "{next}");
    }
}

/// Tries a sign-in from `client` (as a local proxy forwards it); the status.
async fn try_login(app: &axum::Router, client: &str, user: &str, password: &str) -> StatusCode {
    login_response(app, user, password, "%2F", Some(client))
        .await
        .status()
}

/// Guessing from one machine cannot lock the account for everyone else, and an unknown
/// name is answered as a real one would be.
#[tokio::test]
async fn guessing_from_one_client_does_not_lock_others_out() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    for _ in 0..5 {
        assert_eq!(
            try_login(&app, "203.0.113.1", "officer", "wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    for password in ["wrong", "officer-pw-1"] {
        assert_eq!(
            try_login(&app, "203.0.113.1", "officer", password).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    assert_eq!(
        try_login(&app, "203.0.113.2", "officer", "officer-pw-1").await,
        StatusCode::SEE_OTHER,
        "the officer signs in from elsewhere"
    );
    // An unknown name: refused like a wrong password, then locked like an account after
    // ten failures (from ten machines, so that no client limit is what answers).
    for i in 0..10 {
        let s = try_login(&app, &format!("198.51.100.{i}"), "nobody", "wrong").await;
        assert_eq!(
            s,
            if i < 9 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            }
        );
    }
    assert_eq!(
        try_login(&app, "198.51.100.99", "nobody", "x").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// The 1.6 KB workbook with values in A1 and XFD1048576, uploaded on the import page and
/// viewed twice, and on the province-totals page: the server answers, in the viewer's
/// language, where the sheet passes the limit.
#[tokio::test]
async fn a_sheet_spanning_the_whole_grid_is_refused_on_every_upload_page() {
    let t = devzone_db::testing::sqlite().await;
    setup(&t).await;
    let app = app(&t.db).await;
    let cookie = log_in(&app, "officer", "officer-pw-1").await;
    let (_, html) = page(&app, &cookie, "/zones/1/imports").await;
    let csrf = csrf_of(&html);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "统一社会信用代码").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let xlsx = wb.save_to_buffer().unwrap();
    let upload = |uri: String| {
        let mut b = b"--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"far.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
        b.extend_from_slice(&xlsx);
        b.extend_from_slice(b"\r\n--X--\r\n");
        Request::post(uri)
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT_LANGUAGE, "zh-CN")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
            .body(Body::from(b))
            .unwrap()
    };
    let res = app
        .clone()
        .oneshot(upload(format!("/zones/1/imports/upload?csrf={csrf}")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        let (s, html) = page(&app, &cookie, &to).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("单元格 XFD1048576 超出 ALL 列"), "{html}");
    }
    let res = app
        .clone()
        .oneshot(upload(format!("/zones/1/location-quotient?csrf={csrf}")))
        .await
        .unwrap();
    let html = body_text(res).await;
    assert!(html.contains("单元格 XFD1048576 超出 ALL 列"), "{html}");
}

/// Walks the OpenAPI document: no list answers with a bare array; every list answers
/// `{items, total, page, per_page}`, takes `page` and `per_page`, and refuses them beyond
/// their documented bounds; and every response is described.
#[tokio::test]
async fn every_list_answers_in_one_envelope() {
    let t = devzone_db::testing::sqlite().await;
    let (officer, _, _) = setup(&t).await;
    let app = app(&t.db).await;
    // A finished run, for the run's lists.
    let start = serde_json::json!({"year": 2024, "scheme": "builtin:default"});
    let (s, run) = call(
        &app,
        "POST",
        "/api/v1/zones/1/evaluation-runs",
        Some(&officer),
        Some(start),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{run}");
    let run_id = run["id"].as_i64().unwrap();
    for _ in 0..200 {
        let (_, r) = call(
            &app,
            "GET",
            &format!("/api/v1/evaluation-runs/{run_id}"),
            Some(&officer),
            None,
        )
        .await;
        if r["status"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (s, doc) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    let mut lists = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (code, r) in op["responses"].as_object().unwrap() {
                let d = r["description"].as_str().unwrap_or("");
                assert!(!d.is_empty(), "{method} {path} {code} has no description");
            }
        }
        let Some(get) = item.get("get") else {
            continue;
        };
        let ok = &get["responses"]["200"]["content"]["application/json"]["schema"];
        assert_ne!(ok["type"], "array", "{path} answers with a bare array");
        let Some(name) = ok["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        else {
            continue;
        };
        let props = &schemas[name]["properties"];
        if props.get("items").is_none() {
            continue;
        }
        lists += 1;
        for k in ["total", "page", "per_page"] {
            assert!(props.get(k).is_some(), "{path}: {name} has no {k}");
        }
        let params: Vec<&str> = get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            params.contains(&"page") && params.contains(&"per_page"),
            "{path} takes no page and per_page"
        );
        // Ids in the path: the run started above, else 1 (the demo's first zone or enterprise).
        let uri = if path.starts_with("/api/v1/evaluation-runs/") {
            path.replace("{id}", &run_id.to_string())
        } else {
            path.replace("{id}", "1")
        };
        let extra = if params.contains(&"year") {
            "&year=2024"
        } else {
            ""
        };
        let (s, body) = call(
            &app,
            "GET",
            &format!("{uri}?per_page=2{extra}"),
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{uri}: {body}");
        assert!(body["items"].as_array().unwrap().len() <= 2, "{uri}");
        assert_eq!(body["per_page"], 2, "{uri}");
        assert_eq!(body["page"], 1, "{uri}");
        assert!(body["total"].is_u64(), "{uri}");
        #[rustfmt::skip]
        let matrix = [
            ("GET", format!("{uri}?per_page=201{extra}"), Some(&officer), StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", format!("{uri}?page=0{extra}"), Some(&officer), StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", format!("{uri}?per_page=0{extra}"), Some(&officer), StatusCode::UNPROCESSABLE_ENTITY),
        ];
        expect_all(&app, &matrix).await;
    }
    assert!(lists >= 17, "only {lists} lists found");
}

/// Percent-encodes a query value.
fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_string()
}

/// The fields of a rendered form: each input's name and value, each select's chosen option.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(|v| v.replace("&amp;", "&"))
    };
    let mut out = Vec::new();
    for piece in html.split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or_default();
        if tag.starts_with("input ") {
            // An unticked box sends nothing.
            if tag.contains("type=\"checkbox\"") && !tag.contains(" checked") {
                continue;
            }
            if let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value")) {
                out.push((n, v));
            }
        } else if tag.starts_with("select ") {
            let Some(n) = attr(tag, "name") else { continue };
            let options = piece_after(html, piece);
            if let Some(v) = options
                .split("<option")
                .find(|o| o.contains(" selected"))
                .and_then(|o| attr(o, "value"))
            {
                out.push((n, v));
            }
        }
    }
    out
}

/// The text from `piece` to the end of its select.
fn piece_after<'a>(html: &'a str, piece: &str) -> &'a str {
    let start = piece.as_ptr() as usize - html.as_ptr() as usize;
    let rest = &html[start..];
    &rest[..rest.find("</select>").unwrap_or(rest.len())]
}

/// The unit register through its pages, on both databases: upload, the dry run's counts and
/// problems, the commit as a job (its kind in the jobs API), the page of what it did once
/// done, a second commit of the same upload that starts nothing, and rows the buildings
/// cannot hold refused with their lines.
#[tokio::test]
async fn unit_register_commits_as_a_job() {
    for t in devzone_db::testing::all().await {
        let (officer, _, _) = setup(&t).await;
        let app = app(&t.db).await;
        let cookie = log_in(&app, "officer", "officer-pw-1").await;
        let (_, plots) = call(&app, "GET", "/api/v1/zones/1/plots", Some(&officer), None).await;
        let plot = plots["items"][0]["code"].as_str().unwrap().to_string();
        let (_, html) = page(&app, &cookie, "/zones/1/land").await;
        let csrf = csrf_of(&html);
        // A new building of 1,000 m²: two units fit, the third would overfill it, and
        // one names a plot the zone does not have.
        let csv = format!(
            "宗地编号,楼宇,建筑类型,楼宇建筑面积(平方米),单元,楼层,单元面积(平方米),状态\n\
             {plot},登记测试楼,标准厂房,1000,A1,1,400,空置\n\
             {plot},登记测试楼,标准厂房,1000,A2,1,500,空置\n\
             {plot},登记测试楼,标准厂房,1000,A3,2,200,空置\n\
             NO-SUCH-PLOT,登记测试楼,标准厂房,1000,B1,1,100,空置\n"
        );
        let mut body = b"--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"register.csv\"\r\nContent-Type: text/csv\r\n\r\n".to_vec();
        body.extend_from_slice(csv.as_bytes());
        body.extend_from_slice(b"\r\n--X--\r\n");
        let res = app
            .clone()
            .oneshot(
                Request::post(format!("/zones/1/land/register?csrf={csrf}"))
                    .header(header::COOKIE, &cookie)
                    .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", t.label);
        let to = res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string();
        let upload_id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
        let (s, html) = page(&app, &cookie, &to).await;
        assert_eq!(s, StatusCode::OK, "{}", t.label);
        assert!(html.contains("id=\"register-commit\""), "{html}");
        let problems = &html[html.find("id=\"register-problems\"").unwrap()..];
        assert!(
            problems.contains("<td>4</td>") && problems.contains("<td>5</td>"),
            "lines 4 (overfills the building) and 5 (unknown plot): {problems}"
        );
        let units = || async {
            let (_, u) = call(&app, "GET", "/api/v1/zones/1/units", Some(&officer), None).await;
            u["total"].as_i64().unwrap()
        };
        let units_before = units().await;
        let (s, _) = post_form(
            &app,
            &cookie,
            &format!("{to}/commit"),
            &format!("csrf={csrf}"),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{}", t.label);
        // The job ends on its own task; the page shows progress until then.
        let mut html = String::new();
        for _ in 0..200 {
            html = page(&app, &cookie, &to).await.1;
            if html.contains("id=\"register-done\"") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(html.contains("id=\"register-done\""), "{html}");
        assert!(
            html.contains("register.csv"),
            "the file's name stays: {html}"
        );
        let counts = &html[html.find("id=\"register-counts\"").unwrap()..];
        let counts = &counts[..counts.find("<section").unwrap()];
        let values: Vec<&str> = counts
            .split("<div class=\"kpi-value\">")
            .skip(1)
            .map(|v| &v[..v.find('<').unwrap()])
            .collect();
        // Read, rejected, buildings created, units added, updated, unchanged, leases added.
        assert_eq!(values, ["4", "2", "1", "2", "0", "0", "0"], "{}", t.label);
        assert_eq!(units().await, units_before + 2, "{}", t.label);
        let (s, jobs) = call(&app, "GET", "/api/v1/zones/1/jobs", Some(&officer), None).await;
        assert_eq!(s, StatusCode::OK);
        let job = &jobs["items"][0];
        assert_eq!(
            (
                job["kind"].as_str(),
                job["state"].as_str(),
                job["subject_id"].as_i64()
            ),
            (Some("unit_register"), Some("done"), Some(upload_id)),
            "{jobs}"
        );
        assert_eq!(job["counts"]["counts"]["units_inserted"], 2, "{jobs}");
        // The same commit sent again goes to what the first did.
        let (s, again) = post_form(
            &app,
            &cookie,
            &format!("{to}/commit"),
            &format!("csrf={csrf}"),
        )
        .await;
        assert_eq!((s, again.as_str()), (StatusCode::SEE_OTHER, to.as_str()));
        let (_, jobs) = call(&app, "GET", "/api/v1/zones/1/jobs", Some(&officer), None).await;
        assert_eq!(jobs["total"], 1, "{jobs}");
    }
}
