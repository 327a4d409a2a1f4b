//! Server-rendered pages.

mod admin;
mod appeals;
mod auth;
mod chains;
mod enterprises;
pub(crate) mod evaluation;
mod home;
pub(crate) mod imports;
mod investment;
pub(crate) mod land;
mod requirements;
mod revitalisation;
mod taxonomy_form;
pub(crate) mod tiers;
mod tracks;
mod visits;

use crate::AppState;
use axum::Router;

/// Every page of the site: each area declares its own routes next to its handlers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(enterprises::routes())
        .merge(evaluation::routes())
        .merge(imports::routes())
        .merge(land::routes())
        .merge(requirements::routes())
        .merge(revitalisation::routes())
        .merge(chains::routes())
        .merge(taxonomy_form::routes())
        .merge(tracks::routes())
        .merge(tiers::routes())
        .merge(investment::routes())
        .merge(appeals::routes())
        .merge(visits::routes())
        .merge(admin::routes())
}

/// Reads a non-empty query/form value.
pub(crate) fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

pub(crate) use crate::views::pager::query_without;

/// The zone's enterprise a form names by credit code or full name (none when the field is
/// blank); one it cannot tell is pushed to `errors` on `enterprise` (`choice.unknown`, or
/// `enterprise.ambiguous` for a name several bear).
pub(crate) async fn enterprise_named(
    state: &AppState,
    zone_id: i64,
    named: &Option<String>,
    errors: &mut Vec<devzone_core::validate::FieldError>,
) -> Result<Option<i64>, crate::error::PageError> {
    use devzone_core::validate::FieldError;
    let Some(text) = nonempty(named) else {
        return Ok(None);
    };
    let found =
        devzone_db::repo::enterprises::by_code_or_name(&state.db.conn, zone_id, &text).await?;
    Ok(match found.as_slice() {
        [e] => Some(e.id),
        [] => {
            errors.push(FieldError::new("enterprise", "choice.unknown", text));
            None
        }
        _ => {
            errors.push(FieldError::new("enterprise", "enterprise.ambiguous", text));
            None
        }
    })
}

/// A zone the viewer may see; enterprise accounts have no zone pages.
pub(crate) async fn zone_for(
    state: &AppState,
    v: &crate::session::Viewer,
    id: i64,
) -> Result<devzone_db::entities::zone::Model, crate::error::PageError> {
    if v.scope.enterprise.is_some() {
        return Err(crate::error::PageError::not_found());
    }
    devzone_db::repo::zones::get(&state.db.conn, &v.scope, id)
        .await?
        .ok_or_else(crate::error::PageError::not_found)
}
