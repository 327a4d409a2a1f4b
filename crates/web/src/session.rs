//! Who is asking: sessions (cookie), bearer tokens, roles, zone scope and CSRF.
//!
//! Pages use a session cookie (random token, HttpOnly, SameSite=Lax; only its SHA-256 is
//! stored). Scripts use `Authorization: Bearer dz_…`. Every state-changing request that
//! rides on the cookie must carry the session's CSRF token (form field `csrf` or header
//! `X-CSRF-Token`); the `require_csrf` middleware enforces it before any handler runs.

use crate::AppState;
use crate::error::{ApiError, PageError};
use crate::i18n::{Lang, Tr};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::model::Role;
use devzone_core::secret;
use devzone_db::entities::user;
use devzone_db::repo::users;
use devzone_db::{Actor, Scope};

pub const SESSION_COOKIE: &str = "dz_session";
pub const LANG_COOKIE: &str = "dz_lang";
pub const LOGIN_CSRF_COOKIE: &str = "dz_login_csrf";
/// Largest form body the CSRF check reads (uploads go through multipart with the header).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: user::Model,
    pub role: Role,
    pub scope: Scope,
    /// The session's CSRF token; None when the request came with a bearer token.
    pub csrf: Option<String>,
    pub lang: Lang,
    pub request_id: String,
    /// The request's path, for the menu's active entry and the breadcrumbs.
    pub path: String,
}

impl Viewer {
    pub fn tr(&self) -> Tr {
        Tr(self.lang)
    }
    pub fn can_write(&self) -> bool {
        self.role.can_write()
    }
    /// Refuses a viewer who may not change records. Handlers call it after the check that
    /// the record is in the viewer's scope, so that a record they cannot see stays a 404.
    pub fn require_write(&self) -> Result<(), crate::error::Forbidden> {
        if self.can_write() {
            Ok(())
        } else {
            Err(crate::error::Forbidden)
        }
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            username: self.user.username.clone(),
            request_id: Some(self.request_id.clone()),
        }
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The language of a request before (or without) knowing the user.
pub fn request_lang(headers: &HeaderMap, user_locale: Option<&str>) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| user_locale.and_then(Lang::parse))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

async fn scope_of(
    state: &AppState,
    u: &user::Model,
    role: Role,
) -> Result<Scope, devzone_db::DbError> {
    Ok(match role {
        Role::Admin => Scope::all(),
        Role::Enterprise => {
            let e = u.enterprise_id.unwrap_or(-1);
            let zone = devzone_db::repo::enterprises::get(&state.db.conn, &Scope::all(), e)
                .await?
                .map(|e| e.zone_id);
            Scope {
                zones: Some(zone.into_iter().collect()),
                enterprise: Some(e),
            }
        }
        _ => Scope {
            zones: Some(users::zones_of(&state.db.conn, u.id).await?),
            enterprise: None,
        },
    })
}

/// Resolves the viewer from a bearer token or a session cookie. `Ok(None)`: anonymous.
pub async fn resolve(
    state: &AppState,
    parts: &Parts,
) -> Result<Option<Viewer>, devzone_db::DbError> {
    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let (u, csrf) = if let Some(token) = bearer(&parts.headers) {
        match users::token_user(&state.db.conn, token).await? {
            Some(u) => (u, None),
            None => return Ok(None),
        }
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        match users::session_user(&state.db.conn, token).await? {
            Some((s, u)) => (u, Some(s.csrf_token)),
            None => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&u.role) else {
        return Ok(None);
    };
    let scope = scope_of(state, &u, role).await?;
    let lang = request_lang(&parts.headers, u.locale.as_deref());
    Ok(Some(Viewer {
        user: u,
        role,
        scope,
        csrf,
        lang,
        request_id,
        path: parts.uri.path().to_string(),
    }))
}

/// Extractor for pages: anonymous visitors are sent to the login page.
pub struct PageViewer(pub Viewer);

impl FromRequestParts<AppState> for PageViewer {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(state, parts).await {
            Ok(Some(v)) => Ok(PageViewer(v)),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Err(Redirect::to(&format!("/login?next={}", urlencode(next))).into_response())
            }
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// Extractor for the JSON API: anonymous requests get 401.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(state, parts).await {
            Ok(Some(v)) => Ok(ApiViewer(v)),
            Ok(None) => Err(ApiError::unauthorized()),
            Err(e) => Err(e.into()),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Rejects state-changing requests that ride on the session cookie without its CSRF token.
pub async fn require_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || bearer(req.headers()).is_some()
    {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let is_api = parts.uri.path().starts_with("/api/");
    let refuse = || -> Response {
        if is_api {
            ApiError::new(StatusCode::FORBIDDEN, "csrf").into_response()
        } else {
            PageError {
                status: StatusCode::FORBIDDEN,
                message: "error.csrf",
            }
            .into_response()
        }
    };
    // The login form has no session yet: it is protected by a double-submit cookie.
    let expected: Option<String> = if parts.uri.path() == "/login" {
        cookie(&parts.headers, LOGIN_CSRF_COOKIE).map(str::to_string)
    } else {
        match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => match users::session_user(&state.db.conn, token).await {
                Ok(Some((s, _))) => Some(s.csrf_token),
                // No live session: let the handler answer 401 / redirect to the login page.
                Ok(None) => return next.run(Request::from_parts(parts, body)).await,
                Err(e) => return PageError::from(e).into_response(),
            },
            None => return next.run(Request::from_parts(parts, body)).await,
        }
    };
    let Some(expected) = expected else {
        return refuse();
    };
    if let Some(h) = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        if secret::constant_time_eq(h, &expected) {
            return next.run(Request::from_parts(parts, body)).await;
        }
        return refuse();
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A file upload cannot be read twice cheaply; its form carries the token in the
    // action's query string instead of the body.
    if content_type.starts_with("multipart/form-data") {
        let sent = form_urlencoded_value(parts.uri.query().unwrap_or("").as_bytes(), "csrf");
        return if sent
            .as_deref()
            .is_some_and(|s| secret::constant_time_eq(s, &expected))
        {
            next.run(Request::from_parts(parts, body)).await
        } else {
            refuse()
        };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return refuse();
    }
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let sent = form_urlencoded_value(&bytes, "csrf");
    if sent
        .as_deref()
        .is_some_and(|s| secret::constant_time_eq(s, &expected))
    {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    } else {
        refuse()
    }
}

fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        users::SESSION_HOURS * 3600
    )
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}
