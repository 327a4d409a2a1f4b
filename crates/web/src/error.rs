//! Errors of the two faces of the web layer.
//!
//! `ApiError` becomes the JSON envelope `{"error": {code, message, fields, request_id}}`;
//! `PageError` becomes an HTML error page. Both are finished by the `finish_errors`
//! middleware, which knows the request id and the language: a handler only says what went
//! wrong, and every error, whoever raised it, shows an id the user can quote.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use devzone_core::validate::FieldError;
use devzone_db::DbError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            fields: vec![],
        }
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized")
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden")
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }
    /// 409: the request meets the state of a stored record (a job running, an import
    /// reverted), named by its field, rule and value.
    pub fn conflict(field: &str, rule: &str, value: impl Into<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            code: "conflict",
            fields: vec![FieldError::new(field, rule, value)],
        }
    }
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            fields,
        }
    }

    /// The envelope for a status raised without one (a page error under `/api`, a route
    /// or method that does not exist).
    pub fn from_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => "bad_request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            405 => "method_not_allowed",
            409 => "conflict",
            413 => "too_large",
            415 => "unsupported_media_type",
            422 => "invalid",
            429 => "too_many_requests",
            _ => "internal",
        };
        Self::new(status, code)
    }

    /// The envelope for an extractor's rejection, with the field its text names
    /// (`missing field `title``, `name: invalid type…`, a query or path value): the text
    /// itself names Rust types and is not shown.
    pub fn rejection(status: StatusCode, text: &str) -> Self {
        let mut e = Self::from_status(status);
        // A body or query that does not parse (400) or does not fit (422): both name a field.
        if status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST {
            e.code = "invalid";
            let (field, rule) = rejection_field(text);
            e.fields.push(FieldError::new(&field, rule, ""));
        }
        e
    }
}

/// Which field an extractor's rejection text is about, and the rule it broke.
fn rejection_field(text: &str) -> (String, &'static str) {
    let quoted = |after: &str| {
        let rest = &text[text.find(after)? + after.len()..];
        let rest = rest.strip_prefix('`')?;
        Some(rest[..rest.find('`')?].to_string())
    };
    if let Some(f) = quoted("missing field ") {
        return (f, "required");
    }
    if let Some(f) = quoted("unknown field ") {
        return (f, "field.unknown");
    }
    // serde_path_to_error style: "…: title: invalid type: …" names the path first.
    let after_colon = text.split(": ").nth(1).unwrap_or("");
    let path_like = after_colon
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    if !after_colon.is_empty() && path_like && text.contains("body") {
        return (after_colon.to_string(), "format");
    }
    let place = if text.contains("query") {
        "query"
    } else if text.contains("path") || text.contains("Path") {
        "path"
    } else {
        "body"
    };
    (place.to_string(), "format")
}

/// The viewer may not do this: 403 on a page and in the API alike.
#[derive(Debug, Clone, Copy)]
pub struct Forbidden;

impl From<Forbidden> for ApiError {
    fn from(_: Forbidden) -> Self {
        ApiError::forbidden()
    }
}

impl From<Forbidden> for PageError {
    fn from(_: Forbidden) -> Self {
        PageError::forbidden()
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::not_found(),
            DbError::Invalid(f) => Self::invalid(f),
            DbError::Conflict { field, value } => Self::conflict(&field, "conflict", value),
            other => {
                tracing::error!(error = %other, "request failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        r.extensions_mut().insert(self);
        r
    }
}

#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    /// Translation key of the message.
    pub message: &'static str,
}

impl PageError {
    pub fn new(status: StatusCode) -> Self {
        let message = match status.as_u16() {
            403 => "error.403",
            404 => "error.404",
            409 => "error.409",
            422 => "error.422",
            _ => "error.500",
        };
        Self { status, message }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND)
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN)
    }
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A page-layer helper's error under `/api`: the same status in the JSON envelope.
impl From<PageError> for ApiError {
    fn from(e: PageError) -> Self {
        ApiError::from_status(e.status)
    }
}

impl From<DbError> for PageError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::not_found(),
            DbError::Conflict { .. } => Self::new(StatusCode::CONFLICT),
            DbError::Invalid(_) => Self::new(StatusCode::UNPROCESSABLE_ENTITY),
            other => {
                tracing::error!(error = %other, "page failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        r.extensions_mut().insert(self);
        r
    }
}
