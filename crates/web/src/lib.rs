//! The web face of devzone: server-rendered pages (askama), the JSON API under `/api/v1`
//! with its OpenAPI document, sessions and CSRF, and the embedded assets.
//!
//! Handlers parse input into core types, call `devzone_db::repo` functions and render.

pub mod api;
pub mod appeals;
pub mod assets;
pub mod error;
pub mod i18n;
pub mod investment;
pub mod jobs;
pub mod pages;
pub mod session;
pub mod throttle;
pub mod upload;
pub mod views;
pub mod zone_figures;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use devzone_db::Db;
use error::{ApiError, PageError};
use session::RequestId;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Mark cookies `Secure` (set when devzone is served over HTTPS by a proxy).
    pub secure_cookies: bool,
    /// Live progress of the jobs this process runs.
    pub progress: jobs::Progress,
    /// Uploaded spreadsheets read recently.
    pub sheets: upload::Sheets,
    /// Failed sign-ins by client and by unknown name.
    pub logins: throttle::LoginThrottle,
    /// Whole-zone figures of the cockpit pages, kept until the zone changes.
    pub memo: devzone_db::memo::Memo,
}

impl AppState {
    pub fn new(db: Db, secure_cookies: bool) -> Self {
        AppState {
            db,
            secure_cookies,
            progress: Default::default(),
            sheets: Default::default(),
            logins: Default::default(),
            memo: Default::default(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/assets/{*path}", axum::routing::get(assets::serve))
        .route("/healthz", axum::routing::get(healthz))
        .fallback(|| async { PageError::not_found() })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::require_csrf,
        ))
        .layer(middleware::from_fn(finish_errors))
        .layer(middleware::from_fn(request_id))
        .with_state(state)
}

/// Answers 200 when the database answers; `devzone healthcheck` calls it.
async fn healthz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (axum::http::StatusCode::OK, "ok").into_response()
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable",
        )
            .into_response()
    }
}

fn new_request_id() -> String {
    format!("{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

async fn request_id(mut req: Request, next: Next) -> Response {
    let id = new_request_id();
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-request-id", v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"));
    res
}

/// Renders error bodies (JSON envelope or HTML page) with the request id and language.
async fn finish_errors(req: Request, next: Next) -> Response {
    let id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let lang = session::request_lang(req.headers(), None);
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if let Some(e) = res.extensions_mut().remove::<ApiError>() {
        return views::api_error(&e, &id, lang);
    }
    if let Some(e) = res.extensions_mut().remove::<PageError>() {
        if api {
            return views::api_error(&ApiError::from_status(e.status), &id, lang);
        }
        return views::error_page(&e, &id, lang);
    }
    let status = res.status();
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if api && (status.is_client_error() || status.is_server_error()) && !json {
        // An extractor's rejection (bad JSON, a missing field, a query value of the wrong
        // type): its text names Rust types, so only the field is kept from it.
        let text = axum::body::to_bytes(res.into_body(), 16 * 1024)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        return views::api_error(&ApiError::rejection(status, &text), &id, lang);
    }
    res
}
