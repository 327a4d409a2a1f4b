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
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            fields,
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::not_found(),
            DbError::Invalid(f) => Self::invalid(f),
            DbError::Conflict { field, value } => Self {
                status: StatusCode::CONFLICT,
                code: "conflict",
                fields: vec![FieldError::new(&field, "conflict", value)],
            },
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
