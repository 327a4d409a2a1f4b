//! What every page is built from: the page chrome, error pages, form responses and downloads;
//! number formatting lives in [`format`].

pub mod format;
pub mod nav;
pub mod pager;
pub use format::{grouped, wan};
pub use pager::Pager;

use crate::error::{ApiError, PageError};
use crate::i18n::{Lang, Tr};
use crate::session::Viewer;
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::response::{IntoResponse, Response};
use devzone_db::entities::zone;

/// What every signed-in page shows around its content.
pub struct Chrome {
    pub t: Tr,
    pub title: String,
    pub username: String,
    pub role_label: String,
    pub is_admin: bool,
    pub can_write: bool,
    pub enterprise_home: Option<i64>,
    pub zones: Vec<(i64, String, bool)>,
    pub zone_id: Option<i64>,
    /// The current zone's name (the switcher's label), or "all zones".
    pub zone_label: String,
    /// The module menu: of the current zone, or on pages outside a zone (administration,
    /// all zones) of the viewer's first zone.
    pub nav: Vec<nav::NavGroup>,
    /// (label, link) from the zone down to the page; the last has no link.
    pub crumbs: Vec<(String, Option<String>)>,
    pub csrf: String,
    pub request_id: String,
}

impl Chrome {
    pub fn new(v: &Viewer, title: &str, zones: &[zone::Model], zone_id: Option<i64>) -> Self {
        let t = v.tr();
        let current = zone_id.and_then(|id| zones.iter().find(|z| z.id == id));
        let nav = match zone_id.or(zones.first().map(|z| z.id)) {
            Some(z) if v.scope.enterprise.is_none() => nav::groups(
                t,
                z,
                nav::Access {
                    can_write: v.can_write(),
                    is_admin: v.is_admin(),
                },
                &v.path,
            ),
            _ => Vec::new(),
        };
        let crumbs = nav::crumbs(current.map(|z| (z.name.as_str(), z.id)), &nav, title);
        Self {
            t,
            zone_label: current
                .map(|z| z.name.clone())
                .unwrap_or_else(|| t.t("nav.all_zones").to_string()),
            nav,
            crumbs,
            title: title.to_string(),
            username: v.user.display_name.clone(),
            role_label: t.tv("role", v.role.id()),
            is_admin: v.is_admin(),
            can_write: v.can_write(),
            enterprise_home: v.scope.enterprise,
            zones: zones
                .iter()
                .map(|z| (z.id, z.name.clone(), zone_id == Some(z.id)))
                .collect(),
            zone_id,
            csrf: v.csrf.clone().unwrap_or_default(),
            request_id: v.request_id.clone(),
        }
    }
    /// The chrome with the zones the viewer may see read from the database: what nearly
    /// every page starts with.
    pub async fn load(
        db: &devzone_db::Connection,
        v: &Viewer,
        title: &str,
        zone_id: Option<i64>,
    ) -> Result<Self, PageError> {
        let zones = devzone_db::repo::zones::list(db, &v.scope).await?;
        Ok(Self::new(v, title, &zones, zone_id))
    }
    pub fn other_lang(&self) -> &'static str {
        self.t.0.other().code()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub status: u16,
    pub message: String,
    pub request_id: String,
}

pub fn error_page(e: &PageError, request_id: &str, lang: Lang) -> Response {
    let t = Tr(lang);
    let page = ErrorPage {
        t,
        status: e.status.as_u16(),
        message: t.t(e.message).to_string(),
        request_id: request_id.to_string(),
    };
    let mut r = page.into_response();
    *r.status_mut() = e.status;
    r
}

pub fn api_error(e: &ApiError, request_id: &str, lang: Lang) -> Response {
    let t = Tr(lang);
    let fields: Vec<serde_json::Value> = e
        .fields
        .iter()
        .map(|f| serde_json::json!({"field": f.field, "rule": f.rule, "value": f.value, "message": t.field_error(f)}))
        .collect();
    let message = match e.code {
        "unauthorized" => t.t("error.401").to_string(),
        "forbidden" => t.t("error.403").to_string(),
        "csrf" => t.t("error.csrf").to_string(),
        "not_found" => t.t("error.404").to_string(),
        "method_not_allowed" => t.t("error.405").to_string(),
        "invalid" => t.t("error.422").to_string(),
        "conflict" => t.t("error.409").to_string(),
        "too_large" => t.t("error.413").to_string(),
        "unsupported_media_type" => t.t("error.415").to_string(),
        "too_many_requests" => t.t("error.429").to_string(),
        _ => t.t("error.500").to_string(),
    };
    let body = serde_json::json!({"error": {"code": e.code, "message": message, "fields": fields, "request_id": request_id}});
    let mut r = (e.status, Json(body)).into_response();
    if e.status == axum::http::StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
    }
    r
}

/// A form page: 422 when it shows the errors of a refused submission, 200 otherwise.
pub fn form_response(page: impl IntoResponse, refused: bool) -> Response {
    let mut r = page.into_response();
    if refused {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// A table as an XLSX (default) or CSV (`format = "csv"`) download. `ascii_name` is the
/// file name for old clients; `stem` the full (Chinese) name sent as RFC 5987 filename*.
pub fn download(
    table: &devzone_io::Table,
    format: Option<&str>,
    ascii_name: &str,
    stem: &str,
) -> Result<Response, PageError> {
    let (bytes, mime, ext) = if format == Some("csv") {
        (devzone_io::to_csv(table), "text/csv; charset=utf-8", "csv")
    } else {
        (
            devzone_io::to_xlsx(table),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    let bytes = bytes.map_err(|e| {
        tracing::error!(error = %e, "export failed");
        PageError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    })?;
    Ok(attachment(
        bytes,
        mime,
        &format!("{ascii_name}.{ext}"),
        &format!("{stem}.{ext}"),
    ))
}

/// A file download: an ASCII name for old clients and the real (Chinese) name for others.
pub fn attachment(bytes: Vec<u8>, mime: &str, ascii_name: &str, file_name: &str) -> Response {
    use axum::http::header;
    let disposition = format!(
        "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        crate::session::urlencode(file_name)
    );
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A key figure in a tile: a label and its formatted value.
pub struct Kpi {
    pub label: String,
    pub value: String,
}
