//! Login, logout, language switch.

use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::session::{self, LANG_COOKIE, LOGIN_CSRF_COOKIE, PageViewer, SESSION_COOKIE};
use crate::throttle;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::Extensions;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_db::Actor;
use devzone_db::repo::{audit, users};
use serde::Deserialize;

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    t: Tr,
    csrf: String,
    next: String,
    username: String,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site is followed after login (no open redirect): it must start
/// with one `/`, hold no backslash, whitespace or control character (browsers drop tabs
/// and line feeds, so `/\t/evil.example` would become `//evil.example`), and parse as a
/// path and query.
fn safe_next(next: Option<&str>) -> String {
    let local = |n: &str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
            && n.parse::<axum::http::uri::PathAndQuery>().is_ok()
    };
    match next {
        Some(n) if local(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(t: Tr, next: String, username: String, message: Option<String>) -> Response {
    let csrf = devzone_core::secret::new_token();
    let cookie =
        format!("{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600");
    (
        [(header::SET_COOKIE, cookie)],
        LoginPage {
            t,
            csrf,
            next,
            username,
            message,
        },
    )
        .into_response()
}

pub async fn login_form(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    login_page(
        Tr(session::request_lang(&headers, None)),
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(f): Form<LoginForm>,
) -> Response {
    let t = Tr(session::request_lang(&headers, None));
    let next = safe_next(f.next.as_deref());
    let username = f.username.trim().to_string();
    let client = throttle::client_of(&headers, extensions.get());
    let locked = |until: chrono::DateTime<chrono::Utc>, username: String| {
        let until = until
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
            .format("%H:%M")
            .to_string();
        let resp = login_page(
            t,
            next.clone(),
            username,
            Some(t.f("login.locked", &[("until", &until)])),
        );
        (axum::http::StatusCode::TOO_MANY_REQUESTS, resp).into_response()
    };
    // Refused before any password is checked: a client that keeps failing, and an
    // unknown name that has failed as often as locks an account.
    if let Some(until) = state
        .logins
        .client_blocked(&client, &username)
        .or_else(|| state.logins.name_blocked(&username))
    {
        return locked(until, username);
    }
    let result = match users::authenticate(&state.db.conn, &username, &f.password).await {
        Ok(r) => r,
        Err(e) => return crate::error::PageError::from(e).into_response(),
    };
    let bad = |username: String| {
        (
            axum::http::StatusCode::UNAUTHORIZED,
            login_page(t, next.clone(), username, Some(t.t("login.bad").into())),
        )
            .into_response()
    };
    match result {
        Ok(u) => {
            state.logins.client_succeeded(&client, &username);
            let Ok((token, _)) = users::open_session(&state.db.conn, u.id).await else {
                return crate::error::PageError::internal().into_response();
            };
            let _ = audit::record(
                &state.db.conn,
                &Actor {
                    user_id: Some(u.id),
                    username: u.username.clone(),
                    request_id: None,
                },
                audit::Change::new("login", "user").id(u.id),
            )
            .await;
            let clear_pre = format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0");
            let secure = state.secure_cookies || throttle::over_https(&headers);
            (
                axum::response::AppendHeaders([
                    (header::SET_COOKIE, session::session_cookie(&token, secure)),
                    (header::SET_COOKIE, clear_pre),
                ]),
                Redirect::to(&next),
            )
                .into_response()
        }
        Err(users::LoginError::Locked { until }) => {
            state.logins.client_failed(&client, &username);
            locked(until, username)
        }
        Err(users::LoginError::Disabled) => (
            axum::http::StatusCode::FORBIDDEN,
            login_page(
                t,
                next.clone(),
                username,
                Some(t.t("login.disabled").into()),
            ),
        )
            .into_response(),
        Err(users::LoginError::BadCredentials) => {
            state.logins.client_failed(&client, &username);
            bad(username)
        }
        Err(users::LoginError::UnknownUser) => {
            state.logins.client_failed(&client, &username);
            state.logins.name_failed(&username);
            match state.logins.name_blocked(&username) {
                Some(until) => locked(until, username),
                None => bad(username),
            }
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session::cookie(&headers, SESSION_COOKIE) {
        let _ = users::close_session(&state.db.conn, token).await;
    }
    (
        [(header::SET_COOKIE, session::clear_session_cookie())],
        Redirect::to("/login"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
}

/// Remembers the language in a cookie and in the user's settings.
pub async fn switch_lang(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    headers: HeaderMap,
    Form(f): Form<LangForm>,
) -> Response {
    let lang = Lang::parse(&f.lang).unwrap_or_default();
    let _ = users::set_locale(&state.db.conn, v.user.id, lang.code()).await;
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        .unwrap_or_else(|| "/".into());
    (
        [(
            header::SET_COOKIE,
            format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                lang.code()
            ),
        )],
        Redirect::to(&safe_next(Some(&back))),
    )
        .into_response()
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(switch_lang))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for ok in [
            "/",
            "/zones/1/enterprises?page=2&q=%E5%8D%8E",
            "/imports/uploads/3",
        ] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example/x",
            "/\t/evil.example/x",
            "/\n/evil.example/x",
            "/\r\nSet-Cookie: a=b",
            "/\\evil.example",
            "https://evil.example/",
            "evil.example",
            "/ /evil.example",
            "/\u{7f}x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
