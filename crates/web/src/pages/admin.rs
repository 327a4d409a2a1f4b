//! Administrator pages: the audit log and user administration.

use super::nonempty;
use crate::AppState;
use crate::error::PageError;
use crate::session::{PageViewer, Viewer};
use crate::views::{Chrome, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use devzone_core::model::Role;
use devzone_db::entities::user;
use devzone_db::repo::{audit, users, zones};
use serde::Deserialize;

fn admin_only(v: &Viewer) -> Result<(), PageError> {
    if v.is_admin() {
        Ok(())
    } else {
        Err(PageError::forbidden())
    }
}

#[derive(Deserialize, Default)]
pub struct AuditParams {
    user: Option<String>,
    entity: Option<String>,
    action: Option<String>,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    c: Chrome,
    p: AuditParams,
    items: Vec<AuditRow>,
    pager: Pager,
    /// (value, label) of the filters.
    entities: Vec<(String, String)>,
    actions: Vec<(String, String)>,
}

/// The entities and actions the log records, for its filters.
const AUDIT_ENTITIES: &[&str] = &[
    "zone",
    "park",
    "enterprise",
    "qualification",
    "facts",
    "fact_precedence",
    "import",
    "unit_register",
    "province_totals",
    "plot",
    "building",
    "unit",
    "lease",
    "land_rules",
    "requirement",
    "requirement_match",
    "revitalisation_case",
    "revitalisation_step",
    "revitalisation_project",
    "evaluation_scheme",
    "evaluation_run",
    "chain_taxonomy",
    "chain_settings",
    "chain_mapping",
    "chain_mappings",
    "chain_target",
    "track_record",
    "track_stage",
    "user",
    "api_token",
];
const AUDIT_ACTIONS: &[&str] = &[
    "create", "update", "delete", "import", "revert", "publish", "suggest", "review", "login",
    "passwd", "disable", "enable", "revoke",
];

/// One entry of the log in the reader's language: the change as the fields that differ.
struct AuditRow {
    at: String,
    username: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    /// (field, before, after) for each field whose value changed.
    changes: Vec<(String, String, String)>,
}

/// The fields that differ between two JSON snapshots of a record; a snapshot that is not
/// an object (a count, a file name) is one field "—".
fn changed_fields(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    use serde_json::Value;
    let parse = |s: Option<&str>| {
        s.map(|s| serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.into())))
    };
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    match (parse(before), parse(after)) {
        (b @ (None | Some(Value::Object(_))), a @ (None | Some(Value::Object(_)))) => {
            let empty = serde_json::Map::new();
            let (b, a) = (
                b.as_ref().and_then(Value::as_object).unwrap_or(&empty),
                a.as_ref().and_then(Value::as_object).unwrap_or(&empty),
            );
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
                .collect()
        }
        (b, a) => vec![("—".into(), show(b.as_ref()), show(a.as_ref()))],
    }
}

pub async fn audit(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Query(p): Query<AuditParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    admin_only(&v)?;
    let f = audit::AuditFilter {
        username: nonempty(&p.user),
        entity: nonempty(&p.entity),
        action: nonempty(&p.action),
        entity_id: None,
        page: p.page.unwrap_or(1),
        per_page: 50,
    };
    let page = audit::list(&state.db.conn, &f).await?;
    let t = v.tr();
    let raw = raw.unwrap_or_default();
    let link = |n: u64| {
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "page")
                .collect();
        pairs.push(("page".into(), n.to_string()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    };
    let pages = page.pages();
    Ok(AuditPage {
        c: Chrome::load(&state.db.conn, &v, t.t("audit.title"), None).await?,
        pager: Pager::with_links(&t, page.page, pages, link),
        items: page
            .items
            .into_iter()
            .map(|a| AuditRow {
                at: a.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                action: t.tv("audit.do", &a.action),
                entity: t.tv("audit.of", &a.entity),
                entity_id: a.entity_id,
                changes: changed_fields(a.before.as_deref(), a.after.as_deref()),
                username: a.username,
            })
            .collect(),
        entities: AUDIT_ENTITIES
            .iter()
            .map(|e| (e.to_string(), t.tv("audit.of", e)))
            .collect(),
        actions: AUDIT_ACTIONS
            .iter()
            .map(|e| (e.to_string(), t.tv("audit.do", e)))
            .collect(),
        p,
    }
    .into_response())
}

pub struct UserRow {
    pub u: user::Model,
    pub role: String,
    pub zones: String,
    /// The only enabled administrator: not offered for disabling.
    pub last_admin: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    rows: Vec<UserRow>,
    roles: Vec<(String, String)>,
    zone_choices: Vec<(i64, String)>,
    errors: Vec<String>,
}

async fn users_page(
    state: &AppState,
    v: &Viewer,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let db = &state.db.conn;
    let t = v.tr();
    let all_zones = zones::list(db, &v.scope).await?;
    let mut rows = Vec::new();
    let accounts = users::list(db).await?;
    let enabled_admins = accounts
        .iter()
        .filter(|u| u.role == Role::Admin.id() && !u.disabled)
        .count();
    for u in accounts {
        let granted = users::zones_of(db, u.id).await?;
        // An administrator sees every zone whatever is granted.
        let zones = if u.role == Role::Admin.id() {
            t.t("nav.all_zones").to_string()
        } else {
            all_zones
                .iter()
                .filter(|z| granted.contains(&z.id))
                .map(|z| z.name.clone())
                .collect::<Vec<_>>()
                .join(t.t("list.sep"))
        };
        rows.push(UserRow {
            role: t.tv("role", &u.role),
            zones,
            last_admin: u.role == Role::Admin.id() && !u.disabled && enabled_admins == 1,
            u,
        });
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        UsersPage {
            c: Chrome::new(v, t.t("users.title"), &all_zones, None),
            rows,
            roles: Role::ALL
                .iter()
                .map(|r| (r.id().to_string(), t.tv("role", r.id())))
                .collect(),
            zone_choices: all_zones.iter().map(|z| (z.id, z.name.clone())).collect(),
            errors,
        },
    )
        .into_response())
}

pub async fn users(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
) -> Result<Response, PageError> {
    admin_only(&v)?;
    users_page(&state, &v, vec![]).await
}

pub async fn create_user(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    admin_only(&v)?;
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, val)| val.trim().to_string())
            .unwrap_or_default()
    };
    let zone_ids: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "zones")
        .filter_map(|(_, val)| val.parse().ok())
        .collect();
    let t = v.tr();
    let Some(role) = Role::parse(&get("role")) else {
        return users_page(
            &state,
            &v,
            vec![t.field_error(&devzone_core::validate::FieldError::new(
                "role",
                "choice.unknown",
                get("role"),
            ))],
        )
        .await;
    };
    let enterprise_id = get("enterprise_id").parse().ok();
    let username = get("username");
    let nu = users::NewUser {
        username: &username,
        display_name: &username,
        password: &get("password"),
        role,
        enterprise_id,
        zones: &zone_ids,
    };
    match users::create(&state.db.conn, &v.actor(), &nu).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => {
            users_page(&state, &v, errs.iter().map(|e| t.field_error(e)).collect()).await
        }
        Err(devzone_db::DbError::Conflict { field, value }) => {
            users_page(
                &state,
                &v,
                vec![t.field_error(&devzone_core::validate::FieldError::new(
                    &field, "conflict", value,
                ))],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    disabled: String,
}

pub async fn set_disabled(
    State(state): State<AppState>,
    PageViewer(v): PageViewer,
    Path(name): Path<String>,
    Form(f): Form<DisableForm>,
) -> Result<Response, PageError> {
    admin_only(&v)?;
    match users::set_disabled(&state.db.conn, &v.actor(), &name, f.disabled == "true").await {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        Err(devzone_db::DbError::Invalid(errs)) => {
            let t = v.tr();
            users_page(&state, &v, errs.iter().map(|e| t.field_error(e)).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The pages of this area, merged into the site by `pages::routes`.
pub(super) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/audit", get(audit))
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{name}/disabled", post(set_disabled))
}
